// The cabin's camera stream over the real media transport: CabinVideo renders the room camera at
// 1280x720@30 on its own thread, encodes it (VP8, then H.264) and sends it through the cabin's
// RtpSession, SRTP over loopback UDP; the console's RtpSession hands each packet to a real
// media::VideoReceiver. Every decoded frame is 1280x720 and carries its stamp, read from the
// pixels, in increasing order; a PLI sent by the console reaches CabinVideo through the
// session's keyframe handler and a new keyframe is decoded.
#include "cabin_video.hpp"
#include "support/tls_test_peer.hpp"
#include "support/transport_pair.hpp"
#include "tc/media/video_receiver.hpp"
#include "tc/protocol/rtp_session.hpp"

#include <algorithm>

using namespace tc::test;
using tc::cabin::CabinVideo;
using tc::cabin::CabinVideoConfig;
namespace media = tc::media;

namespace {

constexpr std::uint32_t kRoomSsrc = 0x7C0A1E01;

RtpSessionConfig videoSession(const std::string& cname, media::VideoCodec codec,
                              std::uint8_t payloadType) {
    RtpSessionConfig config;
    config.cname = cname;
    config.streams = {{"room", payloadType, 90000, static_cast<std::uint8_t>(payloadType + 1), true,
                       std::string(media::encodingName(codec))}};
    return config;
}

struct Decoded {
    std::uint32_t counter = 0;
    std::uint64_t captureUs = 0;
    std::int64_t latencyUs = 0; // capture to decoded, same clock (one process)
};

// What the console's receiver decoded, for the test thread.
struct Screen {
    std::mutex mutex;
    std::vector<Decoded> frames;
    int wrongSize = 0;
    int unstamped = 0;
    std::size_t count() {
        std::lock_guard lock(mutex);
        return frames.size();
    }
};

std::int64_t nowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

// Two real media transports over loopback, SDES-keyed, each with its RTP session: the console's
// feeds a media::VideoReceiver whose keyframe requests become PLIs (the wiring the console's
// media link does); the cabin's hands PLI/FIR for the camera's SSRC to CabinVideo (the wiring
// the cabin simulator does).
class VideoLink {
public:
    VideoLink(media::VideoCodec codec, std::uint8_t payloadType, int width, int height)
        : m_cabinTransport(*MediaTransport::open(io.executor(), m_pair.a))
        , m_consoleTransport(*MediaTransport::open(io.executor(), m_pair.b)) {
        media::VideoReceiverConfig receiving;
        receiving.codec = codec;
        receiving.payloadType = payloadType;
        receiving.onFrame = [this, width, height](const media::DecodedFrame& frame) {
            const auto stamp = media::readFrameCode(frame.image);
            std::lock_guard lock(screen.mutex);
            if (frame.image.width != width || frame.image.height != height) {
                ++screen.wrongSize;
            }
            if (!stamp) {
                ++screen.unstamped;
                return;
            }
            screen.frames.push_back({stamp->counter, stamp->captureUs,
                                     nowUs() - static_cast<std::int64_t>(stamp->captureUs)});
        };
        receiving.onKeyframeNeeded = [this](media::KeyframeReason) {
            std::lock_guard lock(m_mutex);
            if (console) {
                console->requestKeyframe(kRoomSsrc);
            }
        };
        receiver = std::move(media::VideoReceiver::start(std::move(receiving)).value());
        {
            std::lock_guard lock(m_mutex);
            console =
                RtpSession::create(m_consoleTransport, videoSession("console", codec, payloadType),
                                   [this](const RtpHeader&, std::span<const std::uint8_t> packet,
                                          bool) { receiver->pushPacket(packet); });
        }
        cabin = RtpSession::create(m_cabinTransport, videoSession("cabin", codec, payloadType), {},
                                   [this](std::uint32_t ssrc) {
                                       std::lock_guard lock(m_mutex);
                                       if (m_video && m_video->ssrc() == ssrc) {
                                           m_video->requestKeyframe();
                                       }
                                   });
        REQUIRE_FALSE(m_cabinTransport->start(
            {m_consoleTransport->localCandidate()}, m_pair.bCredentials, m_pair.aKeys,
            cabin->packetHandler(), cabin->stateHandler(m_seenA.state())));
        REQUIRE_FALSE(m_consoleTransport->start(
            {m_cabinTransport->localCandidate()}, m_pair.aCredentials, m_pair.bKeys,
            console->packetHandler(), console->stateHandler(m_seenB.state())));
        REQUIRE(eventually([&] { return m_seenA.last() == TransportState::connected; }));
        REQUIRE(eventually([&] { return m_seenB.last() == TransportState::connected; }));
    }
    ~VideoLink() {
        if (auto v = video()) {
            v->stop();
        }
        cabin->stop();
        console->stop();
        m_cabinTransport->close();
        m_consoleTransport->close();
        CHECK(io.stop()); // the transports closed, the loop runs out of work by itself
    }
    void setVideo(std::shared_ptr<CabinVideo> video) {
        std::lock_guard lock(m_mutex);
        m_video = std::move(video);
    }
    std::shared_ptr<CabinVideo> video() {
        std::lock_guard lock(m_mutex);
        return m_video;
    }

    IoThread io{"test-cabin-video"};
    Screen screen;
    std::unique_ptr<media::VideoReceiver> receiver;
    std::shared_ptr<RtpSession> console;
    std::shared_ptr<RtpSession> cabin;

private:
    Pair m_pair{SrtpSuite::aeadAes128Gcm};
    std::shared_ptr<MediaTransport> m_cabinTransport;
    std::shared_ptr<MediaTransport> m_consoleTransport;
    Observer m_seenA;
    Observer m_seenB;
    std::mutex m_mutex;
    std::shared_ptr<CabinVideo> m_video;
};

TEST_CASE("cabin video: the room camera streams 720p over SRTP and answers a PLI",
          "[video][cabin]") {
    const auto codec = GENERATE(media::VideoCodec::vp8, media::VideoCodec::h264);
    CAPTURE(std::string(media::encodingName(codec)));
    const std::uint8_t payloadType = codec == media::VideoCodec::vp8 ? 100 : 102;
    VideoLink link(codec, payloadType, 1280, 720);
    auto& screen = link.screen;
    auto& receiver = link.receiver;
    auto& console = link.console;

    std::mutex failuresMutex;
    std::vector<std::string> failures;
    CabinVideoConfig config;
    config.codec = codec;
    config.payloadType = payloadType;
    config.ssrc = kRoomSsrc;
    config.seed = 5;
    config.onFailure = [&](const std::string& what) {
        std::lock_guard lock(failuresMutex);
        failures.push_back(what);
    };
    auto started = CabinVideo::start(net::make_strand(link.io.executor()), link.cabin, config);
    REQUIRE(started.has_value());
    link.setVideo(*started);
    auto video = *started;
    CHECK(video->description() ==
          "room camera " + std::string(media::encodingName(codec)) + " 1280x720@30");

    // About a second of video, then a PLI from the console, then another second.
    REQUIRE(eventually([&] { return screen.count() >= 30; }, 10s));
    // From the start nothing waited for a keyframe: the receiver never had to ask for one. (The
    // first decoded frame need not be frame 0: a live camera drops what the encoder cannot take
    // while it warms up, and the encoder's first frame is a keyframe whichever it is.)
    CHECK(receiver->stats().keyframeRequests == 0);
    const auto keyframesBefore = receiver->stats().keyframesDecoded;
    console->requestKeyframe(kRoomSsrc);
    REQUIRE(eventually([&] { return video->stats().keyframeRequests >= 1; }));
    REQUIRE(eventually([&] { return receiver->stats().keyframesDecoded > keyframesBefore; }));
    const auto shown = screen.count();
    REQUIRE(eventually([&] { return screen.count() >= shown + 30; }, 10s));
    const auto elapsedStats = video->stats();
    video->stop();
    video->stop();                      // idempotent
    std::this_thread::sleep_for(200ms); // the last packets
    REQUIRE_FALSE(receiver->finish());

    std::lock_guard lock(screen.mutex);
    CHECK(screen.wrongSize == 0);
    CHECK(screen.unstamped == 0);
    REQUIRE(screen.frames.size() >= 60);
    for (std::size_t i = 1; i < screen.frames.size(); ++i) {
        INFO("decoded frame " << i);
        CHECK(screen.frames[i].counter > screen.frames[i - 1].counter);
        CHECK(screen.frames[i].captureUs > screen.frames[i - 1].captureUs);
    }
    CHECK(screen.frames.front().counter <=
          elapsedStats.framesCaptured - elapsedStats.sender.framesEncoded);
    const auto stats = video->stats();
    CHECK(stats.sender.keyframes >= 2); // the first, and the PLI's
    CHECK(stats.framesCaptured >= elapsedStats.framesCaptured);
    // Pacing: the capture times of decoded frames advance at 30 fps on average.
    const double spanS =
        static_cast<double>(screen.frames.back().captureUs - screen.frames.front().captureUs) / 1e6;
    const double fps =
        static_cast<double>(screen.frames.back().counter - screen.frames.front().counter) / spanS;
    CHECK(fps > 20.0); // slots skipped under load lower it; never a burst above 30
    CHECK(fps < 31.0);
    std::vector<std::int64_t> latency;
    for (const auto& f : screen.frames) {
        latency.push_back(f.latencyUs);
    }
    std::sort(latency.begin(), latency.end());
    const auto p50 = latency[latency.size() / 2];
    const auto p95 = latency[latency.size() * 95 / 100];
    WARN(media::encodingName(codec)
         << ": " << screen.frames.size() << " frames decoded, capture rate " << fps
         << " fps, missed deadlines " << stats.deadlinesMissed << ", capture-to-decoded p50 "
         << p50 / 1000.0 << " ms, p95 " << p95 / 1000.0 << " ms, "
         << stats.sender.bytes * 8 / std::max(spanS, 0.001) / 1000 << " kbit/s, "
         << stats.sender.framesEncoded << " of " << stats.framesCaptured << " frames encoded");
    CHECK(p95 < 250'000);
    {
        std::lock_guard failuresLock(failuresMutex);
        CHECK(failures.empty());
    }
}

// --video-file: a clip made by gst-launch-1.0, streamed as the dermatoscope at 640x360; a file
// that does not decode is refused at start.
TEST_CASE("cabin video: a clip file streams, stamped, at the configured size", "[video][cabin]") {
    TempDir dir;
    const auto clip = dir.path() / "lesion.webm";
    const std::string command = "gst-launch-1.0 -q videotestsrc num-buffers=20 pattern=ball ! "
                                "video/x-raw,width=320,height=240,framerate=30/1 ! vp8enc "
                                "deadline=1 ! webmmux ! filesink location=" +
                                clip.string() + " >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
    VideoLink link(media::VideoCodec::vp8, 100, 640, 360);
    CabinVideoConfig config;
    config.kind = media::SceneKind::dermatoscope;
    config.payloadType = 100;
    config.ssrc = kRoomSsrc;
    config.width = 640;
    config.height = 360;
    config.bitrateBps = 800'000;
    config.file = dir.path() / "missing.webm";
    auto refused = CabinVideo::start(net::make_strand(link.io.executor()), link.cabin, config);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error() == make_error_code(media::VideoErrc::openFailed));
    config.file = clip;
    auto video = CabinVideo::start(net::make_strand(link.io.executor()), link.cabin, config);
    REQUIRE(video.has_value());
    link.setVideo(*video);
    CHECK((*video)->description() == "dermatoscope VP8 640x360@30 from lesion.webm");
    // Past the clip's end: it loops, the counter goes on.
    REQUIRE(eventually([&] { return link.screen.count() >= 30; }, 10s));
    (*video)->stop();
    std::lock_guard lock(link.screen.mutex);
    CHECK(link.screen.wrongSize == 0);
    CHECK(link.screen.unstamped == 0);
    for (std::size_t i = 1; i < link.screen.frames.size(); ++i) {
        CHECK(link.screen.frames[i].counter > link.screen.frames[i - 1].counter);
    }
    CHECK(link.screen.frames.back().counter >= 25);
}

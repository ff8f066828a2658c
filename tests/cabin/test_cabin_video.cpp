// The cabin's camera stream over the real media transport: CabinVideo renders the room camera at
// 1280x720@30 on its own thread, encodes it (VP8, then H.264) and sends it through the cabin's
// RtpSession, SRTP over loopback UDP; the console's RtpSession hands each packet to a real
// media::VideoReceiver. Every decoded frame is 1280x720 and carries its stamp, read from the
// pixels, in increasing order; a PLI sent by the console reaches CabinVideo through the
// session's keyframe handler and a new keyframe is decoded.
#include "cabin_video.hpp"
#include "tc/media/video_receiver.hpp"
#include "tc/protocol/rtp_session.hpp"
#include "transport_pair.hpp"

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

TEST_CASE("cabin video: the room camera streams 720p over SRTP and answers a PLI",
          "[video][cabin]") {
    const auto codec = GENERATE(media::VideoCodec::vp8, media::VideoCodec::h264);
    CAPTURE(std::string(media::encodingName(codec)));
    const std::uint8_t payloadType = codec == media::VideoCodec::vp8 ? 100 : 102;

    IoThread io("test-cabin-video");
    Pair pair(SrtpSuite::aeadAes128Gcm);
    auto cabinTransport = *MediaTransport::open(io.executor(), pair.a);
    auto consoleTransport = *MediaTransport::open(io.executor(), pair.b);

    // The console: its RTP session feeds the decoder; the decoder's own keyframe requests
    // become PLIs (the wiring the console's media link does).
    Screen screen;
    std::mutex consoleMutex;
    std::shared_ptr<RtpSession> console;
    media::VideoReceiverConfig receiving;
    receiving.codec = codec;
    receiving.payloadType = payloadType;
    receiving.onFrame = [&](const media::DecodedFrame& frame) {
        const auto stamp = media::readFrameCode(frame.image);
        std::lock_guard lock(screen.mutex);
        if (frame.image.width != 1280 || frame.image.height != 720) {
            ++screen.wrongSize;
        }
        if (!stamp) {
            ++screen.unstamped;
            return;
        }
        screen.frames.push_back({stamp->counter, stamp->captureUs,
                                 nowUs() - static_cast<std::int64_t>(stamp->captureUs)});
    };
    receiving.onKeyframeNeeded = [&](media::KeyframeReason) {
        std::lock_guard lock(consoleMutex);
        if (console) {
            console->requestKeyframe(kRoomSsrc);
        }
    };
    auto receiver = media::VideoReceiver::start(std::move(receiving));
    REQUIRE(receiver.has_value());
    {
        std::lock_guard lock(consoleMutex);
        console =
            RtpSession::create(consoleTransport, videoSession("console", codec, payloadType),
                               [&receiver](const RtpHeader&, std::span<const std::uint8_t> packet,
                                           bool) { (*receiver)->pushPacket(packet); });
    }

    // The cabin: PLI/FIR for our SSRC go to the camera (the wiring the cabin simulator does).
    std::mutex videoMutex;
    std::shared_ptr<CabinVideo> video;
    auto cabin = RtpSession::create(cabinTransport, videoSession("cabin", codec, payloadType), {},
                                    [&](std::uint32_t ssrc) {
                                        std::lock_guard lock(videoMutex);
                                        if (video && video->ssrc() == ssrc) {
                                            video->requestKeyframe();
                                        }
                                    });
    Observer seenA;
    Observer seenB;
    REQUIRE_FALSE(cabinTransport->start({consoleTransport->localCandidate()}, pair.bCredentials,
                                        pair.aKeys, cabin->packetHandler(),
                                        cabin->stateHandler(seenA.state())));
    REQUIRE_FALSE(consoleTransport->start({cabinTransport->localCandidate()}, pair.aCredentials,
                                          pair.bKeys, console->packetHandler(),
                                          console->stateHandler(seenB.state())));
    REQUIRE(eventually([&] { return seenA.last() == TransportState::connected; }));
    REQUIRE(eventually([&] { return seenB.last() == TransportState::connected; }));

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
    auto started = CabinVideo::start(net::make_strand(io.executor()), cabin, config);
    REQUIRE(started.has_value());
    {
        std::lock_guard lock(videoMutex);
        video = *started;
    }
    CHECK(video->description() ==
          "room camera " + std::string(media::encodingName(codec)) + " 1280x720@30");

    // About a second of video, then a PLI from the console, then another second.
    REQUIRE(eventually([&] { return screen.count() >= 30; }, 10s));
    const auto keyframesBefore = (*receiver)->stats().keyframesDecoded;
    console->requestKeyframe(kRoomSsrc);
    REQUIRE(eventually([&] { return video->stats().keyframeRequests >= 1; }));
    REQUIRE(eventually([&] { return (*receiver)->stats().keyframesDecoded > keyframesBefore; }));
    const auto shown = screen.count();
    REQUIRE(eventually([&] { return screen.count() >= shown + 30; }, 10s));
    const auto elapsedStats = video->stats();
    video->stop();
    video->stop();                      // idempotent
    std::this_thread::sleep_for(200ms); // the last packets
    REQUIRE_FALSE((*receiver)->finish());

    std::lock_guard lock(screen.mutex);
    CHECK(screen.wrongSize == 0);
    CHECK(screen.unstamped == 0);
    REQUIRE(screen.frames.size() >= 60);
    for (std::size_t i = 1; i < screen.frames.size(); ++i) {
        INFO("decoded frame " << i);
        CHECK(screen.frames[i].counter > screen.frames[i - 1].counter);
        CHECK(screen.frames[i].captureUs > screen.frames[i - 1].captureUs);
    }
    CHECK(screen.frames.front().counter <= 1); // from the start: nothing waited for a keyframe
    const auto stats = video->stats();
    CHECK(stats.sender.keyframes >= 2); // the first, and the PLI's
    CHECK(stats.framesCaptured >= elapsedStats.framesCaptured);
    // Pacing: the capture times of decoded frames advance at 30 fps on average.
    const double spanS =
        static_cast<double>(screen.frames.back().captureUs - screen.frames.front().captureUs) / 1e6;
    const double fps =
        static_cast<double>(screen.frames.back().counter - screen.frames.front().counter) / spanS;
    CHECK(fps > 27.0);
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

    cabin->stop();
    console->stop();
    cabinTransport->close();
    consoleTransport->close();
    std::this_thread::sleep_for(30ms);
    io.stop();
}

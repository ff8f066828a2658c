#include "cabin_video.hpp"

#include "tc/errors/table_lookup.hpp"

#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>

namespace tc::cabin {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

std::string sceneLabel(media::SceneKind kind) {
    static constexpr errors::EnumNames<media::SceneKind::dermatoscope> names{
        {"room camera", "otoscope", "dermatoscope"}};
    return std::string(names(kind, "camera"));
}

std::uint64_t steadyMicroseconds(Clock::time_point t) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count());
}

} // namespace

CabinVideo::CabinVideo(net::strand<net::any_io_executor> strand, CabinVideoConfig config,
                       std::unique_ptr<media::VideoSource> source,
                       std::unique_ptr<media::VideoSender> sender)
    : m_strand(std::move(strand))
    , m_config(std::move(config))
    , m_source(std::move(source))
    , m_sender(std::move(sender)) {}

boost::system::result<std::shared_ptr<CabinVideo>>
CabinVideo::start(net::strand<net::any_io_executor> strand,
                  std::shared_ptr<protocol::RtpSession> rtp, CabinVideoConfig config) {
    auto source =
        config.file
            ? media::VideoSource::fromFile(*config.file, config.width, config.height, config.fps)
            : media::VideoSource::synthetic(
                  {config.kind, config.width, config.height, config.fps, config.seed});
    if (!source) {
        return source.error();
    }
    media::VideoSenderConfig sending;
    sending.codec = config.codec;
    sending.width = config.width;
    sending.height = config.height;
    sending.fps = config.fps;
    sending.payloadType = config.payloadType;
    sending.ssrc = config.ssrc;
    sending.bitrateBps = config.bitrateBps;
    sending.dropWhenBehind = true; // live: the doctor sees the present
    // On GStreamer's streaming thread; send() posts to the transport's executor.
    sending.onPacket = [rtp = std::move(rtp)](std::vector<std::uint8_t> packet) {
        rtp->send(std::move(packet));
    };
    auto sender = media::VideoSender::start(std::move(sending));
    if (!sender) {
        return sender.error();
    }
    std::shared_ptr<CabinVideo> video(new CabinVideo(std::move(strand), std::move(config),
                                                     std::move(*source), std::move(*sender)));
    // The thread holds a plain pointer: stop() (also run by the destructor) joins it first.
    video->m_thread =
        std::jthread([raw = video.get()](std::stop_token stop) { raw->capture(stop); });
    return video;
}

CabinVideo::~CabinVideo() {
    stop();
}

void CabinVideo::stop() {
    std::lock_guard stopping(m_stopMutex);
    if (m_thread.joinable()) {
        m_thread.request_stop();
        m_thread.join();
    }
    std::unique_ptr<media::VideoSender> sender;
    {
        std::lock_guard lock(m_mutex);
        if (m_sender) {
            m_finalStats = m_sender->stats();
        }
        sender = std::move(m_sender);
    }
    // The pipeline stops here, outside the lock (its streaming thread may be sending).
}

void CabinVideo::requestKeyframe() {
    ++m_keyframeRequests;
    std::lock_guard lock(m_mutex);
    if (m_sender) {
        m_sender->requestKeyframe();
    }
}

void CabinVideo::setBitrate(int bps) {
    std::lock_guard lock(m_mutex);
    if (m_sender) {
        m_sender->setBitrate(bps);
    }
}

std::string CabinVideo::description() const {
    std::string text = sceneLabel(m_config.kind) + " " +
                       std::string(media::encodingName(m_config.codec)) + " " +
                       std::to_string(m_config.width) + "x" + std::to_string(m_config.height) +
                       "@" + std::to_string(m_config.fps);
    if (m_config.file) {
        text += " from " + m_config.file->filename().string();
    }
    return text;
}

CabinVideo::Stats CabinVideo::stats() const {
    Stats stats;
    stats.framesCaptured = m_framesCaptured.load();
    stats.deadlinesMissed = m_deadlinesMissed.load();
    stats.keyframeRequests = m_keyframeRequests.load();
    std::lock_guard lock(m_mutex);
    stats.sender = m_sender ? m_sender->stats() : m_finalStats;
    return stats;
}

void CabinVideo::fail(std::string what) {
    if (!m_config.onFailure) {
        return;
    }
    net::post(m_strand, [weak = weak_from_this(), what = std::move(what)] {
        if (auto self = weak.lock()) {
            self->m_config.onFailure(what);
        }
    });
}

// The capture thread: frame n is due at start + n / fps. A frame that is late is still
// rendered and sent at once; slots that have wholly passed meanwhile are skipped, not caught up
// in a burst.
void CabinVideo::capture(std::stop_token stop) {
    std::mutex waitMutex;
    std::condition_variable_any wake;
    const auto start = Clock::now();
    const auto due = [&](std::int64_t n) {
        return start + std::chrono::nanoseconds(n * 1'000'000'000LL / m_config.fps);
    };
    std::int64_t slot = 0;
    while (!stop.stop_requested()) {
        auto frame = m_source->next(steadyMicroseconds(Clock::now()));
        if (!frame) {
            fail("video source: " + frame.error().message());
            return;
        }
        if (const auto error = m_sender->push(*frame)) {
            fail("video encoder: " + error.message() +
                 (m_sender->failure().empty() ? std::string() : " (" + m_sender->failure() + ")"));
            return;
        }
        ++m_framesCaptured;
        ++slot;
        const auto now = Clock::now();
        if (now >= due(slot + 1)) {
            const auto behind = (now - start) * m_config.fps / std::chrono::seconds(1);
            if (behind > slot) {
                m_deadlinesMissed += static_cast<std::uint64_t>(behind - slot);
                slot = behind;
            }
        }
        std::unique_lock lock(waitMutex);
        wake.wait_until(lock, stop, due(slot), [] { return false; });
    }
}

} // namespace tc::cabin

#pragma once
// One of the cabin's cameras as an RTP video stream: a scene (the room camera, the otoscope or
// the dermatoscope, synthetic) or a clip (`--video-file`), every frame stamped with its counter
// and capture time, encoded by media::VideoSender (VP8 or H.264, as negotiated) and handed to the
// cabin's RtpSession. Rendering a 720p frame costs 13-25 ms, so capture runs on its own thread,
// paced on absolute deadlines (frame n is due at start + n / fps), never on the cabin's strand;
// packets leave from GStreamer's streaming thread through RtpSession::send (thread-safe: it posts
// to the transport's executor). A failure is reported once, on the strand.

#include "tc/media/video_codec.hpp"
#include "tc/media/video_sender.hpp"
#include "tc/media/video_source.hpp"
#include "tc/protocol/rtp_session.hpp"

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/result.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace tc::cabin {

struct CabinVideoConfig {
    media::SceneKind kind = media::SceneKind::roomCamera;
    media::VideoCodec codec = media::VideoCodec::vp8;
    std::uint8_t payloadType = 96; // the negotiated one
    std::uint32_t ssrc = 0x7C0A1E01;
    int width = 1280;
    int height = 720;
    int fps = 30;
    int bitrateBps = 2'500'000;
    std::optional<std::filesystem::path> file; // a clip instead of the synthetic scene
    std::uint64_t seed = 1;
    // Called once on the strand if capture or encoding stops on an error (what failed).
    std::function<void(const std::string&)> onFailure;
};

class CabinVideo : public std::enable_shared_from_this<CabinVideo> {
public:
    // badFrame for unusable sizes, openFailed for a clip that does not decode, missingElement
    // when the encoder is not installed.
    static boost::system::result<std::shared_ptr<CabinVideo>>
    start(boost::asio::strand<boost::asio::any_io_executor> strand,
          std::shared_ptr<protocol::RtpSession> rtp, CabinVideoConfig config);
    ~CabinVideo();
    CabinVideo(const CabinVideo&) = delete;
    CabinVideo& operator=(const CabinVideo&) = delete;

    // Ends capture and encoding; returns once the capture thread has ended. Idempotent; from
    // any thread (the strand included: it waits at most one frame's rendering).
    void stop();
    // The next encoded frame is a keyframe: call it when a PLI or FIR names ssrc(). Any thread.
    void requestKeyframe();
    // Target bit rate (clamped by the encoder to 50 kbit/s - 20 Mbit/s). Any thread.
    void setBitrate(int bps);

    std::uint32_t ssrc() const noexcept { return m_config.ssrc; }
    media::SceneKind kind() const noexcept { return m_config.kind; }
    // For the cabin's log: "room camera VP8 1280x720@30", "otoscope H264 ... from ear.mp4".
    std::string description() const;

    struct Stats {
        std::uint64_t framesCaptured = 0;
        std::uint64_t deadlinesMissed = 0; // frame slots skipped because rendering overran
        std::uint64_t keyframeRequests = 0;
        media::VideoSender::Stats sender;
    };
    Stats stats() const;

private:
    CabinVideo(boost::asio::strand<boost::asio::any_io_executor> strand, CabinVideoConfig config,
               std::unique_ptr<media::VideoSource> source,
               std::unique_ptr<media::VideoSender> sender);
    void capture(std::stop_token stop);
    void fail(std::string what);

    boost::asio::strand<boost::asio::any_io_executor> m_strand;
    CabinVideoConfig m_config;
    std::unique_ptr<media::VideoSource> m_source;
    std::unique_ptr<media::VideoSender> m_sender;
    std::atomic<std::uint64_t> m_framesCaptured{0};
    std::atomic<std::uint64_t> m_deadlinesMissed{0};
    std::atomic<std::uint64_t> m_keyframeRequests{0};
    std::mutex m_stopMutex;                 // one stop() at a time
    mutable std::mutex m_mutex;             // m_sender's lifetime against stats()
    media::VideoSender::Stats m_finalStats; // once the sender is gone
    std::jthread m_thread;                  // last: it ends before the members it uses
};

} // namespace tc::cabin

#pragma once
// The cabin's video encoder and RTP packetiser: appsrc (I420, live, time) ! encoder ! RTP
// payloader ! appsink. Frames are pushed from the caller's capture thread with their capture
// time as PTS (the RTP timestamp follows it at 90 kHz); RTP packets come out through a callback
// on GStreamer's streaming thread, ready for the RTP session to protect and send.
//
// Tuned for interaction, not for storage: VP8 in realtime mode (deadline 1, no lag, error
// resilient, CBR), H.264 constrained baseline from openh264 (no B-frames, so no reordering
// delay). Keyframes come on request (PLI/FIR from the far end) with a long periodic interval as
// a safety net; the bit rate can be changed while streaming, for congestion control.

#include "tc/media/video_codec.hpp"
#include "tc/media/video_frame.hpp"

#include <boost/system/result.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tc::media {

struct VideoSenderConfig {
    VideoCodec codec = VideoCodec::vp8;
    int width = 1280;
    int height = 720;
    int fps = 30;
    std::uint8_t payloadType = 96;
    std::uint32_t ssrc = 0x7C0A1E01;
    int mtu = 1200; // RTP packet size, leaving room for SRTP, a header extension and IPv6/UDP
    int bitrateBps = 2'500'000;
    // Encoder threads (and H.264 slices). One by default: libvpx's worker threads spin-wait on
    // each other, and on a busy two-core cabin PC a second thread was measured to cost up to
    // five times the CPU of one (see media/README.md).
    int threads = 1;
    int keyframeIntervalFrames = 3000; // a keyframe at least every 100 s at 30 fps
    // When the encoder falls behind: drop the oldest waiting frame (live capture: the doctor
    // sees the present) or block push() until there is room (files, tests: every frame).
    bool dropWhenBehind = true;
    // Every RTP packet, in order, on GStreamer's streaming thread. Must not block for long.
    std::function<void(std::vector<std::uint8_t>)> onPacket;
};

class VideoSender {
public:
    enum class State { running, finished, failed };

    // missingElement when the encoder or payloader is not installed; badFrame for odd sizes.
    static boost::system::result<std::unique_ptr<VideoSender>> start(VideoSenderConfig config);
    ~VideoSender();
    VideoSender(const VideoSender&) = delete;
    VideoSender& operator=(const VideoSender&) = delete;

    // Queues one frame for encoding (any thread, one at a time); `captureUs` on the session's
    // steady clock becomes its PTS. badFrame when its size is not the configured one,
    // notRunning after finish() or a pipeline error.
    boost::system::error_code push(I420View frame, std::uint64_t captureUs);
    boost::system::error_code push(const VideoFrame& frame) {
        return push(frame.view(), frame.captureUs);
    }

    // The next frame the encoder takes is a keyframe (the answer to a PLI or FIR). Any thread.
    void requestKeyframe();
    // Target bit rate for the following frames (clamped to 50 kbit/s – 20 Mbit/s). Any thread.
    void setBitrate(int bps);
    int bitrate() const noexcept;

    // End of stream: returns once every pushed frame has left as packets (or after 10 s).
    boost::system::error_code finish();

    State state() const noexcept;
    // What failed, for the log, when state() is failed.
    std::string failure() const;

    struct Stats {
        std::uint64_t framesPushed = 0;
        std::uint64_t framesEncoded = 0;
        std::uint64_t keyframes = 0; // encoded frames that are keyframes
        std::uint64_t packets = 0;
        std::uint64_t bytes = 0; // RTP bytes, headers included
    };
    Stats stats() const;

    struct Impl;

private:
    explicit VideoSender(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::media

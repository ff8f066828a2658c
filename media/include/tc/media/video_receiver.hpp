#pragma once
// The console's video decoder: RTP packets (already decrypted, recovered by the RTP session's
// NACK/RTX, pushed from any thread) → appsrc → rtpjitterbuffer (a small, explicit reorder
// window; no retransmission of its own) → depayloader → low-delay decoder → videoconvert → I420
// → the caller's sink. The sink is never made here: the console passes its qml6glsink (a
// factory hook or a description); without one, decoded frames go to a callback.
//
// After a loss the depayloader drops frames until the next keyframe (a frozen picture rather
// than a corrupt one) and the receiver asks for one through `onKeyframeNeeded`, for the app to
// send a PLI; a decoder error does the same. Requests repeat at most every `keyframeRetry`
// while no keyframe has arrived.

#include "tc/media/video_codec.hpp"
#include "tc/media/video_frame.hpp"
#include "tc/media/video_frame_code.hpp"

#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

typedef struct _GstElement GstElement;

namespace tc::media {

// A decoded frame, valid during the callback only (the planes are GStreamer's).
struct DecodedFrame {
    I420View image;
    std::uint64_t ptsNs = 0; // the receive pipeline's running time
    bool keyframe = false;
};

enum class KeyframeReason { packetLoss, decodeError };

struct VideoReceiverConfig {
    VideoCodec codec = VideoCodec::vp8;
    std::uint8_t payloadType = 96;
    int clockRate = kVideoClockRate;
    // Reorder window (rtpjitterbuffer latency); 0: no jitter buffer, for in-order sources.
    std::chrono::milliseconds jitterLatency{50};
    int decoderThreads = 1; // one thread adds no frame of delay; more only for slices
    std::chrono::milliseconds keyframeRetry{500};
    // The sink, first match wins: makeSink (returns a new, floating element or bin with an
    // I420 system-memory sink pad), sinkDescription (gst-launch syntax, e.g.
    // "glupload ! qml6glsink name=video"), else an appsink that calls onFrame.
    std::function<GstElement*()> makeSink;
    std::string sinkDescription;
    // On GStreamer's streaming threads; must not block for long.
    std::function<void(const DecodedFrame&)> onFrame;
    std::function<void(KeyframeReason)> onKeyframeNeeded;
};

// A copy of the last decoded frame, for a snapshot.
struct ReceivedFrame {
    VideoFrame frame;                // frame.captureUs: the stamp's, or 0 without one
    std::optional<FrameStamp> stamp; // read from the pixels, when the sender burnt one in
    std::uint64_t ptsNs = 0;
};

class VideoReceiver {
public:
    enum class State { running, finished, failed };

    // missingElement when the depayloader, decoder or sink cannot be made; pipelineFailed when
    // the sink description does not parse or the pipeline will not start.
    static boost::system::result<std::unique_ptr<VideoReceiver>> start(VideoReceiverConfig config);
    ~VideoReceiver();
    VideoReceiver(const VideoReceiver&) = delete;
    VideoReceiver& operator=(const VideoReceiver&) = delete;

    // One RTP packet of this stream (any thread). notRunning after finish() or an error.
    boost::system::error_code pushPacket(std::span<const std::uint8_t> rtp);

    // End of stream: returns once the packets pushed so far are decoded and delivered.
    boost::system::error_code finish();

    // noFrame before the first decoded frame.
    boost::system::result<ReceivedFrame> lastFrame() const;

    State state() const noexcept;
    std::string failure() const;

    struct Stats {
        std::uint64_t packets = 0;
        std::uint64_t bytes = 0;
        std::uint64_t sequenceGaps = 0; // packets missing on arrival (RTX may still bring them)
        std::uint64_t framesDecoded = 0;
        std::uint64_t keyframesDecoded = 0;
        std::uint64_t keyframeRequests = 0; // onKeyframeNeeded calls
        std::uint64_t decodeErrors = 0;
    };
    Stats stats() const;

    struct Impl;

private:
    explicit VideoReceiver(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::media

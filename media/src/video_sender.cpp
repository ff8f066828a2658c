#include "tc/media/video_sender.hpp"

#include "tc/media/gst_runtime.hpp"
#include "video_gst.hpp"

#include <algorithm>
#include <atomic>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <mutex>

namespace tc::media {

using detail::addElement;
using detail::setProperty;

namespace {
constexpr int kMinBitrate = 50'000;
constexpr int kMaxBitrate = 20'000'000;
} // namespace

struct VideoSender::Impl {
    VideoSenderConfig config;
    detail::PipelinePtr pipeline;
    std::unique_ptr<detail::BusWatch> bus;
    GstElement* source = nullptr;  // owned by the pipeline
    GstElement* encoder = nullptr; // owned by the pipeline
    std::atomic<State> state{State::running};
    std::atomic<int> bitrate{0};
    std::atomic<std::uint64_t> pushed{0};
    std::atomic<std::uint64_t> encoded{0};
    std::atomic<std::uint64_t> keyframes{0};
    std::atomic<std::uint64_t> packets{0};
    std::atomic<std::uint64_t> bytes{0};
    std::atomic<guint> keyframeRequests{0};
    mutable std::mutex failureMutex;
    std::string failureText;

    ~Impl() {
        // Stops the streaming threads before `config.onPacket` and the bus watch go away.
        pipeline.reset();
        bus.reset();
    }

    void fail(std::string text) {
        std::lock_guard lock(failureMutex);
        if (failureText.empty()) {
            failureText = std::move(text);
        }
        state = State::failed;
    }

    bool checkBus() {
        if (auto error = bus->error()) {
            fail(std::move(*error));
        }
        return state == State::running;
    }

    void applyBitrate(int bps) {
        // vp8enc reconfigures libvpx and openh264enc its rate control on the next frame.
        if (config.codec == VideoCodec::vp8) {
            g_object_set(encoder, "target-bitrate", bps, nullptr);
        } else {
            g_object_set(encoder, "bitrate", static_cast<guint>(bps), nullptr);
        }
    }

    static GstPadProbeReturn encodedFrame(GstPad*, GstPadProbeInfo* info, gpointer user) {
        auto* self = static_cast<Impl*>(user);
        GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
        ++self->encoded;
        if (!GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT)) {
            ++self->keyframes;
        }
        return GST_PAD_PROBE_OK;
    }

    static GstFlowReturn packet(GstAppSink* sink, gpointer user) {
        auto* self = static_cast<Impl*>(user);
        const detail::SamplePtr sample(gst_app_sink_pull_sample(sink));
        GstBuffer* buffer = sample ? gst_sample_get_buffer(sample.get()) : nullptr;
        GstMapInfo map;
        if (buffer == nullptr || !gst_buffer_map(buffer, &map, GST_MAP_READ)) {
            return GST_FLOW_OK;
        }
        std::vector<std::uint8_t> rtp(map.data, map.data + map.size);
        gst_buffer_unmap(buffer, &map);
        ++self->packets;
        self->bytes += rtp.size();
        if (self->config.onPacket) {
            self->config.onPacket(std::move(rtp));
        }
        return GST_FLOW_OK;
    }

    boost::system::error_code configureEncoder() {
        const auto& c = config;
        if (c.codec == VideoCodec::vp8) {
            encoder = addElement(pipeline.get(), "vp8enc", "encoder");
            if (encoder == nullptr) {
                return make_error_code(VideoErrc::missingElement);
            }
            // Realtime, no look-ahead (a frame in is a frame out), CBR with a small client
            // buffer (a keyframe spreads over ~0.5 s rather than bursting), WebRTC's
            // quantiser ceiling, and partitions that a second decoder thread can take.
            for (const auto& [property, value] :
                 std::initializer_list<std::pair<const char*, std::string>>{
                     {"deadline", "1"},
                     {"lag-in-frames", "0"},
                     {"error-resilient", "default"},
                     {"keyframe-mode", "auto"},
                     {"keyframe-max-dist", std::to_string(c.keyframeIntervalFrames)},
                     {"cpu-used", "8"},
                     {"threads", std::to_string(c.threads)},
                     {"token-partitions", c.threads > 1 ? "1" : "0"},
                     {"end-usage", "cbr"},
                     {"buffer-size", "1000"},
                     {"buffer-initial-size", "500"},
                     {"buffer-optimal-size", "600"},
                     {"undershoot", "95"},
                     {"max-quantizer", "56"},
                 }) {
                setProperty(encoder, property, value);
            }
            return {};
        }
        encoder = addElement(pipeline.get(), "openh264enc", "encoder");
        if (encoder == nullptr) {
            return make_error_code(VideoErrc::missingElement);
        }
        // Bit-rate mode (quality mode ignores the target), no frame skipping (congestion
        // control lowers the rate instead), one slice per thread.
        for (const auto& [property, value] :
             std::initializer_list<std::pair<const char*, std::string>>{
                 {"usage-type", "camera"},
                 {"rate-control", "bitrate"},
                 {"gop-size", std::to_string(c.keyframeIntervalFrames)},
                 {"complexity", "low"},
                 {"multi-thread", std::to_string(c.threads)},
                 {"slice-mode", "n-slices"},
                 {"num-slices", std::to_string(std::max(1, c.threads))},
                 {"enable-frame-skip", "false"},
             }) {
            setProperty(encoder, property, value);
        }
        return {};
    }

    boost::system::error_code build() {
        pipeline.reset(gst_pipeline_new("video-sender"));
        bus = std::make_unique<detail::BusWatch>(pipeline.get(), "video-sender-error");
        source = addElement(pipeline.get(), "appsrc", "frames");
        if (const auto ec = configureEncoder()) {
            return ec;
        }
        const bool vp8 = config.codec == VideoCodec::vp8;
        GstElement* profile = addElement(pipeline.get(), "capsfilter", "profile");
        GstElement* payloader = addElement(pipeline.get(), vp8 ? "rtpvp8pay" : "rtph264pay", "pay");
        GstElement* sink = addElement(pipeline.get(), "appsink", "packets");
        if (source == nullptr || profile == nullptr || payloader == nullptr || sink == nullptr) {
            return make_error_code(VideoErrc::missingElement);
        }
        const auto caps = detail::i420Caps(config.width, config.height, config.fps);
        g_object_set(source, "caps", caps.get(), "is-live", TRUE, "format", GST_FORMAT_TIME,
                     "do-timestamp", FALSE, "max-buffers", guint64{2}, "max-bytes", guint64{0},
                     "block", config.dropWhenBehind ? FALSE : TRUE, nullptr);
        if (config.dropWhenBehind) {
            setProperty(source, "leaky-type", "downstream");
        }
        const detail::CapsPtr h264(gst_caps_from_string(
            vp8 ? "video/x-vp8"
                : "video/x-h264,profile=constrained-baseline,stream-format=byte-stream,"
                  "alignment=au"));
        g_object_set(profile, "caps", h264.get(), nullptr);
        g_object_set(payloader, "pt", static_cast<guint>(config.payloadType), "ssrc", config.ssrc,
                     "mtu", static_cast<guint>(config.mtu), nullptr);
        if (vp8) {
            setProperty(payloader, "picture-id-mode", "15-bit");
        } else {
            // SPS and PPS before every IDR, in the IDR's STAP-A: a PLI answer decodes alone.
            setProperty(payloader, "config-interval", "-1");
            setProperty(payloader, "aggregate-mode", "zero-latency");
        }
        g_object_set(sink, "sync", FALSE, "async", FALSE, "max-buffers", 0u, nullptr);
        GstAppSinkCallbacks callbacks{};
        callbacks.new_sample = &Impl::packet;
        gst_app_sink_set_callbacks(GST_APP_SINK(sink), &callbacks, this, nullptr);
        if (!gst_element_link_many(source, encoder, profile, payloader, sink, nullptr)) {
            return make_error_code(VideoErrc::pipelineFailed);
        }
        const detail::GstPtr<GstPad> encoderOutput(gst_element_get_static_pad(encoder, "src"));
        gst_pad_add_probe(encoderOutput.get(), GST_PAD_PROBE_TYPE_BUFFER, &Impl::encodedFrame, this,
                          nullptr);
        bitrate = std::clamp(config.bitrateBps, kMinBitrate, kMaxBitrate);
        applyBitrate(bitrate);
        if (gst_element_set_state(pipeline.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
            return make_error_code(VideoErrc::pipelineFailed);
        }
        return {};
    }
};

VideoSender::VideoSender(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}

VideoSender::~VideoSender() = default;

boost::system::result<std::unique_ptr<VideoSender>> VideoSender::start(VideoSenderConfig config) {
    if (config.width <= 0 || config.height <= 0 || config.width % 2 != 0 ||
        config.height % 2 != 0 || config.fps <= 0 || config.mtu < 100) {
        return make_error_code(VideoErrc::badFrame);
    }
    auto impl = detail::buildPipeline<Impl>(std::move(config));
    if (!impl) {
        return impl.error();
    }
    return std::unique_ptr<VideoSender>(new VideoSender(std::move(*impl)));
}

boost::system::error_code VideoSender::push(I420View frame, std::uint64_t captureUs) {
    auto& impl = *m_impl;
    if (!impl.checkBus()) {
        return make_error_code(VideoErrc::notRunning);
    }
    if (frame.width != impl.config.width || frame.height != impl.config.height ||
        frame.planes[0] == nullptr) {
        return make_error_code(VideoErrc::badFrame);
    }
    GstBuffer* buffer = detail::bufferFromI420(frame);
    if (buffer == nullptr) {
        return make_error_code(VideoErrc::pushFailed);
    }
    GST_BUFFER_PTS(buffer) = captureUs * GST_USECOND;
    GST_BUFFER_DURATION(buffer) = GST_SECOND / static_cast<GstClockTime>(impl.config.fps);
    ++impl.pushed;
    const GstFlowReturn flow = gst_app_src_push_buffer(GST_APP_SRC(impl.source), buffer);
    if (flow != GST_FLOW_OK) {
        return make_error_code(flow == GST_FLOW_FLUSHING || flow == GST_FLOW_EOS
                                   ? VideoErrc::notRunning
                                   : VideoErrc::pushFailed);
    }
    return {};
}

void VideoSender::requestKeyframe() {
    // An upstream force-key-unit event on the encoder's output: GstVideoEncoder marks the next
    // frame it takes, whichever thread sends the event.
    const detail::GstPtr<GstPad> pad(gst_element_get_static_pad(m_impl->encoder, "src"));
    gst_pad_send_event(pad.get(), gst_video_event_new_upstream_force_key_unit(
                                      GST_CLOCK_TIME_NONE, TRUE, ++m_impl->keyframeRequests));
}

void VideoSender::setBitrate(int bps) {
    const int clamped = std::clamp(bps, kMinBitrate, kMaxBitrate);
    if (m_impl->bitrate.exchange(clamped) != clamped) {
        m_impl->applyBitrate(clamped);
    }
}

int VideoSender::bitrate() const noexcept {
    return m_impl->bitrate;
}

boost::system::error_code VideoSender::finish() {
    auto& impl = *m_impl;
    if (!impl.checkBus()) {
        return impl.state == State::finished ? boost::system::error_code{}
                                             : make_error_code(VideoErrc::notRunning);
    }
    gst_app_src_end_of_stream(GST_APP_SRC(impl.source));
    if (!impl.bus->waitForEos(std::chrono::seconds(10))) {
        impl.checkBus();
        if (impl.state == State::running) {
            impl.fail("no end of stream from the encoder within 10 s");
        }
        return make_error_code(VideoErrc::timeout);
    }
    impl.state = State::finished;
    return {};
}

VideoSender::State VideoSender::state() const noexcept {
    return m_impl->state;
}

std::string VideoSender::failure() const {
    std::lock_guard lock(m_impl->failureMutex);
    return m_impl->failureText;
}

VideoSender::Stats VideoSender::stats() const {
    return {m_impl->pushed, m_impl->encoded, m_impl->keyframes, m_impl->packets, m_impl->bytes};
}

} // namespace tc::media

#include "tc/media/video_receiver.hpp"

#include "tc/media/gst_runtime.hpp"
#include "video_gst.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <mutex>

namespace tc::media {

using detail::addElement;
using detail::setProperty;

struct VideoReceiver::Impl {
    using Clock = std::chrono::steady_clock;

    VideoReceiverConfig config;
    detail::PipelinePtr pipeline;
    std::unique_ptr<detail::BusWatch> bus;
    GstElement* source = nullptr; // owned by the pipeline
    std::atomic<State> state{State::running};
    std::atomic<std::uint64_t> packets{0};
    std::atomic<std::uint64_t> bytes{0};
    std::atomic<std::uint64_t> gaps{0};
    std::atomic<std::uint64_t> decoded{0};
    std::atomic<std::uint64_t> keyframes{0};
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> decodeErrors{0};
    std::atomic<bool> decoderAsked{false};
    // The stream began with a keyframe and no packet has gone missing since: the
    // depayloader's request on its first (discontinuous) buffer asks for nothing.
    std::atomic<bool> cleanStart{false};
    std::atomic<std::uint64_t> gapsAtKeyframe{0};

    mutable std::mutex mutex; // the fields below
    std::optional<std::uint16_t> lastSequence;
    std::deque<GstClockTime> keyframePts; // keyframes on their way through the decoder
    bool decodedKeyframe = false;         // the frame that has just left the decoder
    GstBuffer* lastBuffer = nullptr;
    detail::CapsPtr lastCaps;
    bool keyframeSinceRequest = true;
    Clock::time_point lastRequest{};
    std::string failureText;

    ~Impl() {
        // Streaming threads stop before the callbacks, the bus watch and the last frame go.
        pipeline.reset();
        bus.reset();
        if (lastBuffer != nullptr) {
            gst_buffer_unref(lastBuffer);
        }
    }

    // One request per loss, repeated while no keyframe comes (the PLI itself may be lost).
    void keyframeNeeded(KeyframeReason reason) {
        {
            std::lock_guard lock(mutex);
            const auto now = Clock::now();
            if (!keyframeSinceRequest && now - lastRequest < config.keyframeRetry) {
                return;
            }
            keyframeSinceRequest = false;
            lastRequest = now;
        }
        ++requests;
        if (config.onKeyframeNeeded) {
            config.onKeyframeNeeded(reason);
        }
    }

    // Force-key-unit events travelling upstream: from the decoder (its sync-point request
    // after an error) seen on the depayloader's source pad, and from the depayloader itself
    // (after a gap), both leaving through its sink pad, where they end.
    static GstPadProbeReturn decoderRequest(GstPad*, GstPadProbeInfo* info, gpointer user) {
        if (gst_video_event_is_force_key_unit(GST_PAD_PROBE_INFO_EVENT(info))) {
            static_cast<Impl*>(user)->decoderAsked = true;
        }
        return GST_PAD_PROBE_OK;
    }

    static GstPadProbeReturn depayloaderRequest(GstPad*, GstPadProbeInfo* info, gpointer user) {
        auto* self = static_cast<Impl*>(user);
        if (!gst_video_event_is_force_key_unit(GST_PAD_PROBE_INFO_EVENT(info))) {
            return GST_PAD_PROBE_OK;
        }
        const bool lossSinceKeyframe = self->gaps > self->gapsAtKeyframe;
        if (self->decoderAsked.exchange(false)) {
            self->keyframeNeeded(lossSinceKeyframe ? KeyframeReason::packetLoss
                                                   : KeyframeReason::decodeError);
        } else if (!self->cleanStart || lossSinceKeyframe) {
            self->keyframeNeeded(KeyframeReason::packetLoss);
        }
        return GST_PAD_PROBE_DROP;
    }

    // Keyframes as the depayloader completes them (it flags the others as delta units; the
    // decoders do not carry the flag to their output, so decoded keyframes are found by PTS).
    static GstPadProbeReturn encodedFrame(GstPad*, GstPadProbeInfo* info, gpointer user) {
        auto* self = static_cast<Impl*>(user);
        GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
        if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT)) {
            return GST_PAD_PROBE_OK;
        }
        self->gapsAtKeyframe = self->gaps.load();
        std::lock_guard lock(self->mutex);
        self->keyframeSinceRequest = true;
        self->keyframePts.push_back(GST_BUFFER_PTS(buffer));
        if (self->keyframePts.size() > 8) {
            self->keyframePts.pop_front();
        }
        return GST_PAD_PROBE_OK;
    }

    // Every decoded frame, whatever the sink: counted, and the last one kept for a snapshot
    // (a reference, not a copy).
    static GstPadProbeReturn decodedFrame(GstPad* pad, GstPadProbeInfo* info, gpointer user) {
        auto* self = static_cast<Impl*>(user);
        GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
        detail::CapsPtr caps(gst_pad_get_current_caps(pad));
        ++self->decoded;
        std::lock_guard lock(self->mutex);
        const auto key =
            std::find(self->keyframePts.begin(), self->keyframePts.end(), GST_BUFFER_PTS(buffer));
        self->decodedKeyframe = key != self->keyframePts.end();
        if (self->decodedKeyframe) {
            self->keyframePts.erase(key);
            ++self->keyframes;
        }
        if (self->lastBuffer != nullptr) {
            gst_buffer_unref(self->lastBuffer);
        }
        self->lastBuffer = gst_buffer_ref(buffer);
        self->lastCaps = std::move(caps);
        return GST_PAD_PROBE_OK;
    }

    static GstFlowReturn frame(GstAppSink* sink, gpointer user) {
        auto* self = static_cast<Impl*>(user);
        const detail::SamplePtr sample(gst_app_sink_pull_sample(sink));
        if (!sample || !self->config.onFrame) {
            return GST_FLOW_OK;
        }
        GstBuffer* buffer = gst_sample_get_buffer(sample.get());
        detail::withI420(buffer, gst_sample_get_caps(sample.get()), [&](I420View view) {
            // The decoder-side probe has just seen this buffer, on this thread.
            DecodedFrame decodedFrame{view,
                                      GST_BUFFER_PTS_IS_VALID(buffer) ? GST_BUFFER_PTS(buffer) : 0,
                                      self->decodedKeyframe};
            self->config.onFrame(decodedFrame);
        });
        return GST_FLOW_OK;
    }

    void onWarning(GstMessage* message) {
        // GstVideoDecoder reports a frame it could not decode as a warning (max-errors -1
        // keeps the pipeline running): the picture is stale until a keyframe.
        if (GST_IS_VIDEO_DECODER(GST_MESSAGE_SRC(message))) {
            ++decodeErrors;
            keyframeNeeded(KeyframeReason::decodeError);
        }
    }

    GstElement* makeDecoder() {
        const bool vp8 = config.codec == VideoCodec::vp8;
        GstElement* decoder = nullptr;
        if (vp8) {
            decoder = addElement(pipeline.get(), "vp8dec", "decoder");
            if (decoder != nullptr) {
                g_object_set(decoder, "threads", static_cast<guint>(config.decoderThreads),
                             nullptr);
            }
        } else if ((decoder = addElement(pipeline.get(), "avdec_h264", "decoder")) != nullptr) {
            // Slice threads only: frame threads would hold frames back.
            g_object_set(decoder, "max-threads", config.decoderThreads, "output-corrupt", FALSE,
                         nullptr);
            setProperty(decoder, "thread-type", "slice");
        } else {
            decoder = addElement(pipeline.get(), "openh264dec", "decoder");
        }
        if (decoder != nullptr) {
            // Errors are warnings (the stream goes on; a keyframe is asked for) and frames the
            // decoder knows to be corrupt are not shown. Its automatic sync-point requests stay
            // off: the depayloader already holds frames back after a loss, and the decoder's
            // own request would discard the very keyframe that ends it.
            g_object_set(decoder, "max-errors", -1, "discard-corrupted-frames", TRUE, nullptr);
        }
        return decoder;
    }

    GstElement* makeSink() {
        if (config.makeSink) {
            GstElement* sink = config.makeSink();
            if (sink != nullptr) {
                gst_bin_add(GST_BIN(pipeline.get()), sink);
            }
            return sink;
        }
        if (!config.sinkDescription.empty()) {
            GError* error = nullptr;
            GstElement* sink =
                gst_parse_bin_from_description(config.sinkDescription.c_str(), TRUE, &error);
            if (error != nullptr) {
                g_error_free(error);
                if (sink != nullptr) {
                    gst_object_unref(sink);
                }
                return nullptr;
            }
            gst_bin_add(GST_BIN(pipeline.get()), sink);
            return sink;
        }
        GstElement* sink = addElement(pipeline.get(), "appsink", "frames");
        if (sink != nullptr) {
            // Frames leave as soon as they are decoded: the jitter buffer has already waited.
            g_object_set(sink, "sync", FALSE, "async", FALSE, "max-buffers", 0u, nullptr);
            GstAppSinkCallbacks callbacks{};
            callbacks.new_sample = &Impl::frame;
            gst_app_sink_set_callbacks(GST_APP_SINK(sink), &callbacks, this, nullptr);
        }
        return sink;
    }

    boost::system::error_code build() {
        const bool vp8 = config.codec == VideoCodec::vp8;
        pipeline.reset(gst_pipeline_new("video-receiver"));
        bus = std::make_unique<detail::BusWatch>(pipeline.get(), "video-receiver-error",
                                                 [this](GstMessage* m) { onWarning(m); });
        source = addElement(pipeline.get(), "appsrc", "rtp");
        GstElement* jitter = config.jitterLatency.count() > 0
                                 ? addElement(pipeline.get(), "rtpjitterbuffer", "jitter")
                                 : nullptr;
        GstElement* depay =
            addElement(pipeline.get(), vp8 ? "rtpvp8depay" : "rtph264depay", "depay");
        GstElement* decoder = makeDecoder();
        GstElement* convert = addElement(pipeline.get(), "videoconvert", "convert");
        GstElement* i420 = addElement(pipeline.get(), "capsfilter", "i420");
        if (source == nullptr || (config.jitterLatency.count() > 0 && jitter == nullptr) ||
            depay == nullptr || decoder == nullptr || convert == nullptr || i420 == nullptr) {
            return make_error_code(VideoErrc::missingElement);
        }
        GstElement* sink = makeSink();
        if (sink == nullptr) {
            return make_error_code(config.sinkDescription.empty() ? VideoErrc::missingElement
                                                                  : VideoErrc::pipelineFailed);
        }
        const detail::CapsPtr rtpCaps(
            gst_caps_new_simple("application/x-rtp", "media", G_TYPE_STRING, "video", "clock-rate",
                                G_TYPE_INT, config.clockRate, "encoding-name", G_TYPE_STRING,
                                std::string(encodingName(config.codec)).c_str(), "payload",
                                G_TYPE_INT, static_cast<int>(config.payloadType), nullptr));
        // Arrival times stamp the packets (the jitter buffer's clock); a stalled decoder drops
        // the oldest packets after 4 MB, which the depayloader sees as a loss.
        g_object_set(source, "caps", rtpCaps.get(), "is-live", TRUE, "format", GST_FORMAT_TIME,
                     "do-timestamp", TRUE, "max-bytes", guint64{4'000'000}, nullptr);
        setProperty(source, "leaky-type", "downstream");
        if (jitter != nullptr) {
            // Our RTP session does NACK/RTX upstream; here only a short reorder window, and
            // lost-packet events so that the depayloader knows.
            g_object_set(jitter, "latency", static_cast<guint>(config.jitterLatency.count()),
                         "do-retransmission", FALSE, "do-lost", TRUE, nullptr);
        }
        g_object_set(depay, "wait-for-keyframe", TRUE, "request-keyframe", TRUE, nullptr);
        const detail::CapsPtr rawCaps(gst_caps_from_string("video/x-raw,format=I420"));
        g_object_set(i420, "caps", rawCaps.get(), nullptr);
        const bool linked = jitter != nullptr
                                ? gst_element_link_many(source, jitter, depay, nullptr) != FALSE
                                : gst_element_link(source, depay) != FALSE;
        if (!linked || !gst_element_link_many(depay, decoder, convert, i420, sink, nullptr)) {
            return make_error_code(VideoErrc::pipelineFailed);
        }
        const detail::GstPtr<GstPad> depaySink(gst_element_get_static_pad(depay, "sink"));
        const detail::GstPtr<GstPad> depaySource(gst_element_get_static_pad(depay, "src"));
        const detail::GstPtr<GstPad> raw(gst_element_get_static_pad(i420, "src"));
        gst_pad_add_probe(depaySource.get(), GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
                          &Impl::decoderRequest, this, nullptr);
        gst_pad_add_probe(depaySource.get(), GST_PAD_PROBE_TYPE_BUFFER, &Impl::encodedFrame, this,
                          nullptr);
        gst_pad_add_probe(depaySink.get(), GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
                          &Impl::depayloaderRequest, this, nullptr);
        gst_pad_add_probe(raw.get(), GST_PAD_PROBE_TYPE_BUFFER, &Impl::decodedFrame, this, nullptr);
        if (gst_element_set_state(pipeline.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
            return make_error_code(VideoErrc::pipelineFailed);
        }
        return {};
    }

    bool checkBus() {
        if (auto error = bus->error()) {
            std::lock_guard lock(mutex);
            if (failureText.empty()) {
                failureText = std::move(*error);
            }
            state = State::failed;
        }
        return state == State::running;
    }

    void noteSequence(std::span<const std::uint8_t> rtp) {
        if (rtp.size() < 12) {
            return;
        }
        const auto sequence = static_cast<std::uint16_t>((rtp[2] << 8) | rtp[3]);
        std::lock_guard lock(mutex);
        if (!lastSequence) {
            cleanStart = rtpStartsKeyframe(rtp, config.codec);
        }
        if (lastSequence) {
            const auto ahead = static_cast<std::uint16_t>(sequence - *lastSequence);
            if (ahead == 0 || ahead >= 0x8000) {
                return; // a duplicate or a late (reordered, retransmitted) packet
            }
            gaps += ahead - 1u;
        }
        lastSequence = sequence;
    }
};

VideoReceiver::VideoReceiver(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}

VideoReceiver::~VideoReceiver() = default;

boost::system::result<std::unique_ptr<VideoReceiver>>
VideoReceiver::start(VideoReceiverConfig config) {
    if (config.clockRate <= 0 || config.payloadType > 127 || config.decoderThreads < 0) {
        return make_error_code(VideoErrc::pipelineFailed);
    }
    auto impl = detail::buildPipeline<Impl>(std::move(config));
    if (!impl) {
        return impl.error();
    }
    return std::unique_ptr<VideoReceiver>(new VideoReceiver(std::move(*impl)));
}

boost::system::error_code VideoReceiver::pushPacket(std::span<const std::uint8_t> rtp) {
    auto& impl = *m_impl;
    if (!impl.checkBus()) {
        return make_error_code(VideoErrc::notRunning);
    }
    impl.noteSequence(rtp);
    ++impl.packets;
    impl.bytes += rtp.size();
    GstBuffer* buffer = gst_buffer_new_memdup(rtp.data(), rtp.size());
    const GstFlowReturn flow = gst_app_src_push_buffer(GST_APP_SRC(impl.source), buffer);
    if (flow != GST_FLOW_OK) {
        return make_error_code(flow == GST_FLOW_FLUSHING || flow == GST_FLOW_EOS
                                   ? VideoErrc::notRunning
                                   : VideoErrc::pushFailed);
    }
    return {};
}

boost::system::error_code VideoReceiver::finish() {
    auto& impl = *m_impl;
    if (!impl.checkBus()) {
        return impl.state == State::finished ? boost::system::error_code{}
                                             : make_error_code(VideoErrc::notRunning);
    }
    gst_app_src_end_of_stream(GST_APP_SRC(impl.source));
    if (!impl.bus->waitForEos(std::chrono::seconds(10))) {
        return impl.checkBus() ? make_error_code(VideoErrc::timeout)
                               : make_error_code(VideoErrc::notRunning);
    }
    impl.state = State::finished;
    return {};
}

boost::system::result<ReceivedFrame> VideoReceiver::lastFrame() const {
    GstBuffer* buffer = nullptr;
    detail::CapsPtr caps;
    {
        std::lock_guard lock(m_impl->mutex);
        if (m_impl->lastBuffer == nullptr || !m_impl->lastCaps) {
            return make_error_code(VideoErrc::noFrame);
        }
        buffer = gst_buffer_ref(m_impl->lastBuffer);
        caps.reset(gst_caps_ref(m_impl->lastCaps.get()));
    }
    ReceivedFrame received;
    received.ptsNs = GST_BUFFER_PTS_IS_VALID(buffer) ? GST_BUFFER_PTS(buffer) : 0;
    const bool mapped = detail::withI420(
        buffer, caps.get(), [&](I420View view) { received.frame = VideoFrame::copyOf(view); });
    gst_buffer_unref(buffer);
    if (!mapped) {
        return make_error_code(VideoErrc::noFrame);
    }
    received.stamp = readFrameCode(received.frame.view());
    received.frame.captureUs = received.stamp ? received.stamp->captureUs : 0;
    return received;
}

VideoReceiver::State VideoReceiver::state() const noexcept {
    return m_impl->state;
}

std::string VideoReceiver::failure() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->failureText;
}

VideoReceiver::Stats VideoReceiver::stats() const {
    return {m_impl->packets,   m_impl->bytes,    m_impl->gaps,        m_impl->decoded,
            m_impl->keyframes, m_impl->requests, m_impl->decodeErrors};
}

} // namespace tc::media

#include "tc/media/voice_capture.hpp"

#include "gst_launch.hpp"
#include "tc/media/gst_runtime.hpp"
#include "tc/media/voice_stream.hpp"

#include <atomic>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <mutex>
#include <thread>
#include <vector>

namespace tc::media {

struct VoiceCapture::Impl {
    VoiceCaptureConfig config;
    GstElement* pipeline = nullptr;
    GstElement* feedSource = nullptr;
    std::atomic<bool> muted{false};
    GstClockTime firstPts = 0;         // feed mode: the running time of the first sample
    std::vector<std::int16_t> pending; // streaming thread only: samples short of a frame
    mutable std::mutex statsMutex;
    VoiceCaptureStats stats;

    explicit Impl(VoiceCaptureConfig c)
        : config(std::move(c)) {}

    std::jthread talker; // "synthetic": feeds the talker in real time (stopped by the owner)

    ~Impl() {
        if (pipeline != nullptr) {
            gst_element_set_state(pipeline, GST_STATE_NULL); // joins the streaming thread
        }
        if (feedSource != nullptr) {
            gst_object_unref(feedSource);
        }
        if (pipeline != nullptr) {
            gst_object_unref(pipeline);
        }
    }

    static GstFlowReturn newSample(GstAppSink* sink, gpointer user) {
        auto* self = static_cast<Impl*>(user);
        GstSample* sample = gst_app_sink_pull_sample(sink);
        if (sample == nullptr) {
            return GST_FLOW_ERROR;
        }
        GstBuffer* buffer = gst_sample_get_buffer(sample);
        GstMapInfo map;
        if (buffer != nullptr && gst_buffer_map(buffer, &map, GST_MAP_READ)) {
            const auto* samples = reinterpret_cast<const std::int16_t*>(map.data);
            self->pending.insert(self->pending.end(), samples, samples + map.size / 2);
            gst_buffer_unmap(buffer, &map);
        }
        gst_sample_unref(sample);
        const auto frame = static_cast<std::size_t>(self->config.frameSamples);
        std::size_t at = 0;
        for (; at + frame <= self->pending.size(); at += frame) {
            auto out = std::span(self->pending).subspan(at, frame);
            if (self->muted) {
                std::fill(out.begin(), out.end(), std::int16_t{0});
            }
            if (self->config.onFrame) {
                self->config.onFrame(out);
            }
            std::lock_guard lock(self->statsMutex);
            ++self->stats.framesOut;
        }
        self->pending.erase(self->pending.begin(),
                            self->pending.begin() + static_cast<std::ptrdiff_t>(at));
        return GST_FLOW_OK;
    }
};

VoiceCapture::VoiceCapture(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
VoiceCapture::~VoiceCapture() {
    // The talker feeds through this object: it stops before anything else goes.
    if (m_impl && m_impl->talker.joinable()) {
        m_impl->talker.request_stop();
        m_impl->talker.join();
    }
}

boost::system::result<std::unique_ptr<VoiceCapture>>
VoiceCapture::start(VoiceCaptureConfig config) {
    if (const auto ec = initialise()) {
        return ec;
    }
    const int rate = config.sampleRate;
    if ((rate != 48000 && rate != 32000 && rate != 16000 && rate != 8000) ||
        config.frameSamples <= 0) {
        return make_error_code(MediaErrc::unsupportedFormat);
    }
    auto impl = std::make_unique<Impl>(std::move(config));
    const auto& c = impl->config;
    const std::string caps =
        "audio/x-raw,format=S16LE,layout=interleaved,channels=1,rate=" + std::to_string(rate);
    const bool fed = c.source == "feed" || c.source == "synthetic";
    const std::string source =
        fed                ? "appsrc name=feed is-live=true format=time caps=\"" + caps + "\""
        : c.source.empty() ? std::string("autoaudiosrc")
                           : c.source;
    const auto flag = [](bool on) {
        return on ? "true" : "false";
    };
    // webrtcdsp works on 10 ms chunks at these rates; without a probe it cannot cancel echo.
    const bool cancel = c.echoCancel && !c.echoProbe.empty();
    std::string dsp = std::string("webrtcdsp name=dsp echo-cancel=") + flag(cancel) +
                      " noise-suppression=" + flag(c.noiseSuppression) +
                      " gain-control=" + flag(c.gainControl) +
                      " high-pass-filter=true delay-agnostic=false extended-filter=true";
    if (cancel) {
        dsp += " probe=" + c.echoProbe;
    }
    const std::string description = source + " ! audioconvert ! audioresample ! " + caps + " ! " +
                                    dsp + " ! appsink name=out sync=false emit-signals=false";
    auto pipeline = detail::launchWithAppSink(description, &Impl::newSample, impl.get());
    if (!pipeline) {
        return pipeline.error();
    }
    impl->pipeline = *pipeline;
    if (fed) {
        impl->feedSource = gst_bin_get_by_name(GST_BIN(impl->pipeline), "feed");
    }
    if (gst_element_set_state(impl->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        return make_error_code(MediaErrc::initialisationFailed); // no microphone, or no probe
    }
    std::unique_ptr<VoiceCapture> capture(new VoiceCapture(std::move(impl)));
    if (capture->m_impl->config.source == "synthetic") {
        capture->m_impl->talker = std::jthread([raw = capture.get()](std::stop_token stop) {
            auto voice = VoiceSource::synthetic(17, raw->m_impl->config.sampleRate);
            std::vector<std::int16_t> frame(
                static_cast<std::size_t>(raw->m_impl->config.sampleRate / 100));
            auto next = std::chrono::steady_clock::now();
            while (!stop.stop_requested()) {
                voice.render(frame);
                raw->feed(frame);
                next += std::chrono::milliseconds(10);
                std::this_thread::sleep_until(next);
            }
        });
    }
    return capture;
}

void VoiceCapture::feed(std::span<const std::int16_t> samples) {
    if (m_impl->feedSource == nullptr || samples.empty()) {
        return;
    }
    // A microphone's clock is regular: timestamps follow the sample count from the first
    // frame, so that a late caller shifts no sample in time (the echo canceller aligns the
    // far end by timestamp).
    std::uint64_t fed = 0;
    {
        std::lock_guard lock(m_impl->statsMutex);
        fed = m_impl->stats.samplesFed;
        m_impl->stats.samplesFed += samples.size();
    }
    if (fed == 0) {
        GstClock* clock = gst_element_get_clock(m_impl->pipeline);
        if (clock != nullptr) {
            const auto now = gst_clock_get_time(clock);
            const auto base = gst_element_get_base_time(m_impl->pipeline);
            m_impl->firstPts = now > base ? now - base : 0;
            gst_object_unref(clock);
        }
    }
    const auto rate = static_cast<std::uint64_t>(m_impl->config.sampleRate);
    GstBuffer* buffer = gst_buffer_new_memdup(samples.data(), samples.size_bytes());
    GST_BUFFER_PTS(buffer) = m_impl->firstPts + gst_util_uint64_scale(fed, GST_SECOND, rate);
    GST_BUFFER_DURATION(buffer) = gst_util_uint64_scale(samples.size(), GST_SECOND, rate);
    gst_app_src_push_buffer(GST_APP_SRC(m_impl->feedSource), buffer);
}

void VoiceCapture::setMuted(bool muted) {
    m_impl->muted = muted;
}

bool VoiceCapture::muted() const {
    return m_impl->muted;
}

VoiceCaptureStats VoiceCapture::stats() const {
    std::lock_guard lock(m_impl->statsMutex);
    return m_impl->stats;
}

const VoiceCaptureConfig& VoiceCapture::config() const {
    return m_impl->config;
}

} // namespace tc::media

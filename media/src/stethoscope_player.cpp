#include "tc/media/stethoscope_player.hpp"

#include "tc/media/gst_runtime.hpp"

#include <bit>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <mutex>
#include <thread>

namespace tc::media {

namespace {
constexpr std::size_t kRecent = 2048;         // raw recent samples (the spectrogram takes 1024)
constexpr int kEnvelopePointsPerSecond = 200; // one min/max pair per 5 ms
constexpr std::size_t kEnvelopePoints = 4 * kEnvelopePointsPerSecond; // four seconds
} // namespace

struct StethoscopePlayer::Impl {
    std::shared_ptr<AudioJitterBuffer> buffer;
    PlayerConfig config;
    StethoscopeFilter filter;
    GainStage gain;
    LevelMeter meter;
    std::atomic<float> volume{1.0f};
    GstElement* pipeline = nullptr;
    GstElement* source = nullptr;
    std::uint64_t pushed = 0;                       // samples since ptsBase
    GstClockTime ptsBase = 0;                       // running time of the first of them
    std::vector<float> work;                        // streaming thread only
    std::vector<std::int16_t> silence;              // streaming thread only
    std::chrono::steady_clock::time_point deadline; // the next frame's, streaming thread only
    // What the view draws, kept as it plays so that a UI refresh copies little: the last few
    // samples, and a min/max envelope (a pair per 5 ms) for the phonocardiogram.
    mutable std::mutex historyMutex;
    std::vector<float> recent = std::vector<float>(kRecent, 0.0f);
    std::size_t recentAt = 0;
    std::vector<float> envelope = std::vector<float>(2 * kEnvelopePoints, 0.0f);
    std::size_t envelopeAt = 0; // in pairs
    std::size_t blockSamples = 0;
    std::size_t blockFilled = 0;
    float blockLow = 0;
    float blockHigh = 0;

    explicit Impl(PlayerConfig c)
        : config(std::move(c))
        , filter(config.sampleRate)
        , silence(static_cast<std::size_t>(std::max(1, config.frameSamples)), 0)
        , blockSamples(
              static_cast<std::size_t>(std::max(1, config.sampleRate / kEnvelopePointsPerSecond))) {
    }

    void keepForView(std::span<const float> samples) {
        std::lock_guard lock(historyMutex);
        for (const float v : samples) {
            recent[recentAt] = v;
            recentAt = (recentAt + 1) % recent.size();
            blockLow = blockFilled == 0 ? v : std::min(blockLow, v);
            blockHigh = blockFilled == 0 ? v : std::max(blockHigh, v);
            if (++blockFilled == blockSamples) {
                envelope[2 * envelopeAt] = blockLow;
                envelope[2 * envelopeAt + 1] = blockHigh;
                envelopeAt = (envelopeAt + 1) % kEnvelopePoints;
                blockFilled = 0;
            }
        }
    }

    ~Impl() {
        // Stopping the pipeline joins its streaming thread: no callback runs after this.
        if (pipeline != nullptr) {
            gst_element_set_state(pipeline, GST_STATE_NULL);
        }
        if (source != nullptr) {
            gst_object_unref(source);
        }
        if (pipeline != nullptr) {
            gst_object_unref(pipeline);
        }
    }

    static void rendered(GstElement*, GstBuffer* buffer, GstPad*, gpointer user) {
        auto* self = static_cast<Impl*>(user);
        const auto& config = self->config;
        GstMapInfo map;
        if ((!config.onRendered && !config.onRenderedAt) ||
            !gst_buffer_map(buffer, &map, GST_MAP_READ)) {
            return;
        }
        const std::span<const std::int16_t> samples(reinterpret_cast<const std::int16_t*>(map.data),
                                                    map.size / 2);
        if (config.onRendered) {
            config.onRendered(samples);
        }
        if (config.onRenderedAt) {
            config.onRenderedAt(samples, self->dueAt(GST_BUFFER_PTS(buffer)));
        }
        gst_buffer_unmap(buffer, &map);
    }

    // A running time on this pipeline as steady_clock time (the pipeline's clock may be any).
    std::chrono::steady_clock::time_point dueAt(GstClockTime runningTime) const {
        const auto now = std::chrono::steady_clock::now();
        GstClock* clock = gst_element_get_clock(pipeline);
        if (clock == nullptr || !GST_CLOCK_TIME_IS_VALID(runningTime)) {
            if (clock != nullptr) {
                gst_object_unref(clock);
            }
            return now;
        }
        const auto clockNow = static_cast<std::int64_t>(gst_clock_get_time(clock));
        gst_object_unref(clock);
        const auto due =
            static_cast<std::int64_t>(gst_element_get_base_time(pipeline) + runningTime);
        return now - std::chrono::nanoseconds(clockNow - due);
    }

    GstClockTime runningTime() const {
        GstClock* clock = gst_element_get_clock(pipeline);
        if (clock == nullptr) {
            return 0;
        }
        const GstClockTime now = gst_clock_get_time(clock);
        gst_object_unref(clock);
        const GstClockTime base = gst_element_get_base_time(pipeline);
        return now > base ? now - base : 0;
    }

    void play(std::vector<std::int16_t>& samples) {
        work.resize(samples.size());
        toFloat(samples, work);
        filter.process(work);
        gain.process(work);
        meter.process(work);
        keepForView(work);
        const float v = volume.load();
        for (auto& s : work) {
            s *= v;
        }
        toInt16(work, samples);
        GstBuffer* out = gst_buffer_new_memdup(samples.data(), samples.size() * 2);
        GST_BUFFER_PTS(out) =
            ptsBase + gst_util_uint64_scale(pushed, GST_SECOND,
                                            static_cast<std::uint64_t>(config.sampleRate));
        GST_BUFFER_DURATION(out) = gst_util_uint64_scale(
            samples.size(), GST_SECOND, static_cast<std::uint64_t>(config.sampleRate));
        pushed += samples.size();
        gst_app_src_push_buffer(GST_APP_SRC(source), out);
    }

    // Playout runs on appsrc's streaming thread: appsrc asks for a frame whenever its queue is
    // empty, and the frame is taken from the jitter buffer only at its own deadline (absolute,
    // one frame period apart), so that it reaches the sink the moment it is due instead of one
    // period early. One thread, one wake-up per frame. Before the first frame, silence keeps
    // the device's clock running so that playout starts without a pop.
    static void needData(GstAppSrc*, guint, gpointer user) {
        auto* self = static_cast<Impl*>(user);
        using Clock = std::chrono::steady_clock;
        const auto period = std::chrono::microseconds(1'000'000LL * self->config.frameSamples /
                                                      self->config.sampleRate);
        const auto now = Clock::now();
        if (self->deadline == Clock::time_point{} || now - self->deadline > 10 * period) {
            // The first frame, or after a stall: no catching up in a burst. Timestamps start
            // again from the pipeline's running time now, so that each frame is due when it is
            // pushed (and an echo probe downstream knows when it was really played).
            self->deadline = now;
            self->ptsBase = self->runningTime();
            self->pushed = 0;
        } else {
            std::this_thread::sleep_until(self->deadline);
        }
        self->deadline += period;
        auto frame = self->buffer->pop(Clock::now());
        if (frame) {
            self->play(frame->samples);
            return;
        }
        std::fill(self->silence.begin(), self->silence.end(), std::int16_t{0});
        self->play(self->silence); // play() writes into it
    }
};

StethoscopePlayer::StethoscopePlayer(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
StethoscopePlayer::~StethoscopePlayer() = default;

boost::system::result<std::unique_ptr<StethoscopePlayer>>
StethoscopePlayer::start(std::shared_ptr<AudioJitterBuffer> buffer, PlayerConfig config) {
    if (const auto ec = initialise()) {
        return ec;
    }
    if (!StethoscopeFilter::supportsSampleRate(config.sampleRate) || config.frameSamples <= 0) {
        return make_error_code(MediaErrc::unsupportedFormat);
    }
    auto impl = std::make_unique<Impl>(std::move(config));
    impl->buffer = std::move(buffer);
    const auto& sink = impl->config.sink;
    // A small device buffer (20 ms, 10 ms periods): the doctor hears the patient now.
    const std::string sinkDescription =
        sink == "none" ? "fakesink name=out sync=true signal-handoffs=true"
        : sink.empty() ? "autoaudiosink name=out"
                       : sink + " name=out buffer-time=20000 latency-time=10000";
    // The voice's playout is the far end of echo cancellation: a probe records what the
    // headset or speaker plays, for the microphone's webrtcdsp. The stethoscope has none.
    const std::string probe =
        impl->config.echoProbe.empty()
            ? std::string()
            : "audioconvert ! audioresample ! audio/x-raw,format=S16LE,rate=48000 ! "
              "webrtcechoprobe name=" +
                  impl->config.echoProbe + " ! ";
    const std::string description = "appsrc name=steth is-live=true format=time ! " + probe +
                                    "audioconvert ! audioresample ! " + sinkDescription;
    GError* error = nullptr;
    impl->pipeline = gst_parse_launch(description.c_str(), &error);
    if (error != nullptr) {
        g_error_free(error);
        return make_error_code(MediaErrc::missingElements);
    }
    impl->source = gst_bin_get_by_name(GST_BIN(impl->pipeline), "steth");
    GstCaps* caps =
        gst_caps_new_simple("audio/x-raw", "format", G_TYPE_STRING,
                            std::endian::native == std::endian::little ? "S16LE" : "S16BE",
                            "layout", G_TYPE_STRING, "interleaved", "rate", G_TYPE_INT,
                            impl->config.sampleRate, "channels", G_TYPE_INT, 1, nullptr);
    // One frame at a time: need-data comes when the queue is empty, so nothing waits in appsrc.
    g_object_set(impl->source, "caps", caps, "max-bytes",
                 guint64{2} * static_cast<guint64>(impl->config.frameSamples), nullptr);
    gst_caps_unref(caps);
    GstAppSrcCallbacks callbacks{};
    callbacks.need_data = &Impl::needData;
    gst_app_src_set_callbacks(GST_APP_SRC(impl->source), &callbacks, impl.get(), nullptr);
    if (sink == "none") {
        GstElement* out = gst_bin_get_by_name(GST_BIN(impl->pipeline), "out");
        g_signal_connect(out, "handoff", G_CALLBACK(&Impl::rendered), impl.get());
        gst_object_unref(out);
    }
    if (gst_element_set_state(impl->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        return make_error_code(MediaErrc::initialisationFailed);
    }
    return std::unique_ptr<StethoscopePlayer>(new StethoscopePlayer(std::move(impl)));
}

void StethoscopePlayer::setMode(FilterMode mode) {
    m_impl->filter.setMode(mode);
}

FilterMode StethoscopePlayer::mode() const {
    return m_impl->filter.mode();
}

void StethoscopePlayer::setGainDb(double db) {
    m_impl->gain.setGainDb(db);
}

double StethoscopePlayer::gainDb() const {
    return m_impl->gain.gainDb();
}

void StethoscopePlayer::setVolume(double linear) {
    m_impl->volume = static_cast<float>(std::clamp(linear, 0.0, 1.0));
}

Level StethoscopePlayer::takeLevel() {
    return m_impl->meter.take();
}

bool StethoscopePlayer::takeClipped() {
    return m_impl->gain.takeClipped();
}

std::vector<float> StethoscopePlayer::recentSamples(std::size_t count) const {
    std::lock_guard lock(m_impl->historyMutex);
    const std::size_t size = m_impl->recent.size();
    count = std::min(count, size);
    std::vector<float> out(count);
    for (std::size_t i = 0; i < count; ++i) {
        out[i] = m_impl->recent[(m_impl->recentAt + size - count + i) % size];
    }
    return out;
}

std::vector<float> StethoscopePlayer::envelope(double seconds) const {
    std::lock_guard lock(m_impl->historyMutex);
    const auto points =
        std::min(kEnvelopePoints,
                 static_cast<std::size_t>(std::max(0.0, seconds) * kEnvelopePointsPerSecond));
    std::vector<float> out(2 * points);
    for (std::size_t i = 0; i < points; ++i) {
        const std::size_t at =
            (m_impl->envelopeAt + kEnvelopePoints - points + i) % kEnvelopePoints;
        out[2 * i] = m_impl->envelope[2 * at];
        out[2 * i + 1] = m_impl->envelope[2 * at + 1];
    }
    return out;
}

} // namespace tc::media

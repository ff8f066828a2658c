#include "tc/media/flac_recorder.hpp"

#include "tc/media/gst_runtime.hpp"

#include <bit>
#include <chrono>
#include <ctime>
#include <fstream>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <mutex>
#include <nlohmann/json.hpp>

namespace tc::media {
namespace {

class RecorderCategory final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "tc.recorder"; }
    std::string message(int ev) const override {
        switch (static_cast<RecorderErrc>(ev)) {
        case RecorderErrc::pipelineFailed:
            return "the FLAC recording pipeline could not start (flacenc missing?)";
        case RecorderErrc::writeFailed:
            return "the recording could not be written";
        case RecorderErrc::notRecording:
            return "the recording has ended";
        }
        return "unknown recorder error";
    }
};

std::string utcNow() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

} // namespace

const boost::system::error_category& recorderCategory() noexcept {
    static const RecorderCategory category;
    return category;
}

struct FlacRecorder::Impl {
    std::mutex mutex;
    GstElement* pipeline = nullptr;
    GstElement* source = nullptr;
    int sampleRate = 48000;
    std::uint64_t samples = 0;
    bool stopped = false;
    std::optional<AuscultationSite> site;
    std::filesystem::path flac;
    std::filesystem::path manifest;
    nlohmann::json document;

    ~Impl() {
        if (source != nullptr) {
            gst_object_unref(source);
        }
        if (pipeline != nullptr) {
            gst_element_set_state(pipeline, GST_STATE_NULL);
            gst_object_unref(pipeline);
        }
    }

    // Written to a temporary name then renamed: a crash never leaves half a manifest.
    boost::system::error_code saveManifest() {
        const auto temporary = manifest.string() + ".tmp";
        {
            std::ofstream out(temporary, std::ios::trunc);
            out << document.dump(2) << "\n";
            if (!out) {
                return make_error_code(RecorderErrc::writeFailed);
            }
        }
        std::error_code ec;
        std::filesystem::rename(temporary, manifest, ec);
        return ec ? make_error_code(RecorderErrc::writeFailed) : boost::system::error_code{};
    }
};

FlacRecorder::FlacRecorder(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}

FlacRecorder::~FlacRecorder() {
    stop();
}

boost::system::result<std::unique_ptr<FlacRecorder>>
FlacRecorder::start(const std::filesystem::path& flacPath, int sampleRate) {
    if (const auto ec = initialise()) {
        return ec;
    }
    auto impl = std::make_unique<Impl>();
    impl->sampleRate = sampleRate;
    impl->flac = flacPath;
    impl->manifest = std::filesystem::path(flacPath).replace_extension(".json");
    GError* error = nullptr;
    impl->pipeline = gst_parse_launch(
        "appsrc name=raw format=time ! flacenc quality=3 ! filesink name=file", &error);
    if (error != nullptr) {
        g_error_free(error);
        return make_error_code(RecorderErrc::pipelineFailed);
    }
    impl->source = gst_bin_get_by_name(GST_BIN(impl->pipeline), "raw");
    GstElement* file = gst_bin_get_by_name(GST_BIN(impl->pipeline), "file");
    g_object_set(file, "location", flacPath.c_str(), nullptr);
    gst_object_unref(file);
    GstCaps* caps = gst_caps_new_simple(
        "audio/x-raw", "format", G_TYPE_STRING,
        std::endian::native == std::endian::little ? "S16LE" : "S16BE", "layout", G_TYPE_STRING,
        "interleaved", "rate", G_TYPE_INT, sampleRate, "channels", G_TYPE_INT, 1, nullptr);
    g_object_set(impl->source, "caps", caps, nullptr);
    gst_caps_unref(caps);
    if (gst_element_set_state(impl->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        return make_error_code(RecorderErrc::pipelineFailed);
    }
    impl->document = {{"format", "FLAC"},
                      {"file", flacPath.filename().string()},
                      {"sample_rate", sampleRate},
                      {"channels", 1},
                      {"started_utc", utcNow()},
                      {"samples", 0},
                      {"segments", nlohmann::json::array()},
                      {"gaps", nlohmann::json::array()}};
    if (const auto ec = impl->saveManifest()) {
        return ec;
    }
    return std::unique_ptr<FlacRecorder>(new FlacRecorder(std::move(impl)));
}

boost::system::error_code FlacRecorder::write(std::span<const std::int16_t> samples,
                                              std::optional<AuscultationSite> site, bool gap) {
    std::lock_guard lock(m_impl->mutex);
    auto& impl = *m_impl;
    if (impl.stopped) {
        return make_error_code(RecorderErrc::notRecording);
    }
    const double seconds = static_cast<double>(impl.samples) / impl.sampleRate;
    bool changed = false;
    if (site && site != impl.site) {
        impl.site = site;
        impl.document["segments"].push_back(
            {{"start_sample", impl.samples}, {"start_s", seconds}, {"site", toString(*site)}});
        changed = true;
    }
    if (gap) {
        auto& gaps = impl.document["gaps"];
        // Consecutive missing frames make one gap.
        if (!gaps.empty() && gaps.back()["start_sample"].get<std::uint64_t>() +
                                     gaps.back()["samples"].get<std::uint64_t>() ==
                                 impl.samples) {
            gaps.back()["samples"] = gaps.back()["samples"].get<std::uint64_t>() + samples.size();
        } else {
            gaps.push_back({{"start_sample", impl.samples}, {"samples", samples.size()}});
        }
        changed = true;
    }
    const auto bytes = samples.size_bytes();
    GstBuffer* buffer = gst_buffer_new_memdup(samples.data(), bytes);
    GST_BUFFER_PTS(buffer) = gst_util_uint64_scale(impl.samples, GST_SECOND,
                                                   static_cast<std::uint64_t>(impl.sampleRate));
    GST_BUFFER_DURATION(buffer) = gst_util_uint64_scale(
        samples.size(), GST_SECOND, static_cast<std::uint64_t>(impl.sampleRate));
    impl.samples += samples.size();
    if (gst_app_src_push_buffer(GST_APP_SRC(impl.source), buffer) != GST_FLOW_OK) {
        return make_error_code(RecorderErrc::writeFailed);
    }
    if (changed) {
        impl.document["samples"] = impl.samples;
        return impl.saveManifest();
    }
    return {};
}

boost::system::error_code FlacRecorder::stop() {
    std::lock_guard lock(m_impl->mutex);
    auto& impl = *m_impl;
    if (impl.stopped) {
        return {};
    }
    impl.stopped = true;
    gst_app_src_end_of_stream(GST_APP_SRC(impl.source));
    GstBus* bus = gst_element_get_bus(impl.pipeline);
    GstMessage* message = gst_bus_timed_pop_filtered(
        bus, 10 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    const bool finished = message != nullptr && GST_MESSAGE_TYPE(message) == GST_MESSAGE_EOS;
    if (message != nullptr) {
        gst_message_unref(message);
    }
    gst_object_unref(bus);
    gst_element_set_state(impl.pipeline, GST_STATE_NULL);
    impl.document["samples"] = impl.samples;
    impl.document["duration_s"] = static_cast<double>(impl.samples) / impl.sampleRate;
    const auto saved = impl.saveManifest();
    return !finished ? make_error_code(RecorderErrc::writeFailed) : saved;
}

std::uint64_t FlacRecorder::samplesWritten() const noexcept {
    return m_impl->samples;
}

const std::filesystem::path& FlacRecorder::manifestPath() const noexcept {
    return m_impl->manifest;
}

} // namespace tc::media

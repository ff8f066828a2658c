#include "tc/media/flac_recorder.hpp"

#include "tc/media/gst_runtime.hpp"
#include "utc_now.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace tc::media {
namespace {

using detail::utcNow;

} // namespace

struct FlacRecorder::Impl {
    std::mutex mutex;
    GstElement* pipeline = nullptr;
    GstElement* source = nullptr;
    int sampleRate = 48000;
    std::uint64_t samples = 0;
    std::uint64_t manifestSamples = 0; // `samples` when the manifest was last saved
    bool stopped = false;
    std::optional<AuscultationSite> site;
    std::filesystem::path flac;
    std::filesystem::path manifest;
    nlohmann::json document;
    // The FLAC file, opened again: flock(2) marks the recording live (repair leaves it alone;
    // the kernel drops the lock when the process dies) and fdatasync runs on it.
    int fd = -1;
    std::jthread syncer;

    ~Impl() {
        stopSyncer();
        if (fd >= 0) {
            ::close(fd);
        }
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
        manifestSamples = samples;
        return ec ? make_error_code(RecorderErrc::writeFailed) : boost::system::error_code{};
    }

    // fdatasync once a second, off the caller's thread: a power cut then loses about a second;
    // a process crash loses only what is not yet written (the kernel keeps written pages).
    void startSyncer() {
        syncer = std::jthread([descriptor = fd](std::stop_token stop) {
            std::mutex m;
            std::condition_variable_any wake;
            std::unique_lock lock(m);
            while (!stop.stop_requested()) {
                wake.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
                if (!stop.stop_requested()) {
                    ::fdatasync(descriptor);
                }
            }
        });
    }
    void stopSyncer() {
        if (syncer.joinable()) {
            syncer.request_stop();
            syncer.join();
        }
    }
};

int FlacRecorder::blockSize(int sampleRate) noexcept {
    return std::clamp(sampleRate / 1000 * 24, 192, 4608);
}

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
    impl->document = {{"format", "FLAC"},
                      {"file", flacPath.filename().string()},
                      {"sample_rate", sampleRate},
                      {"channels", 1},
                      {"started_utc", utcNow()},
                      {"state", "recording"},
                      {"samples", 0},
                      {"segments", nlohmann::json::array()},
                      {"gaps", nlohmann::json::array()}};
    // The manifest first: a crash from here on leaves a recording that repair can find.
    if (const auto ec = impl->saveManifest()) {
        return ec;
    }
    // Small blocks (24 ms), each FLAC frame written as soon as it is encoded (no 64 KB buffer in
    // the file sink): what a crash loses is what was not yet encoded. quality=3 sets the block
    // size too, so it comes first.
    const auto description = "appsrc name=raw format=time ! flacenc quality=3 blocksize=" +
                             std::to_string(blockSize(sampleRate)) +
                             " ! filesink name=file buffer-mode=unbuffered";
    GError* error = nullptr;
    impl->pipeline = gst_parse_launch(description.c_str(), &error);
    // A recording that never started leaves no manifest for repair to find.
    const auto abandon = [&impl](RecorderErrc e) {
        std::error_code ignored;
        std::filesystem::remove(impl->manifest, ignored);
        return make_error_code(e);
    };
    if (error != nullptr) {
        g_error_free(error);
        return abandon(RecorderErrc::pipelineFailed);
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
        return abandon(RecorderErrc::pipelineFailed);
    }
    // The file sink opened (and truncated) the file on its way to PAUSED; O_CREAT in case it
    // has not yet (the same inode either way: "wb" truncates, it does not replace).
    impl->fd = ::open(flacPath.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
    if (impl->fd < 0 || ::flock(impl->fd, LOCK_EX | LOCK_NB) != 0) {
        return abandon(RecorderErrc::writeFailed);
    }
    impl->startSyncer();
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
        changed = true;
        auto& gaps = impl.document["gaps"];
        // Consecutive missing frames make one gap.
        if (!gaps.empty() && gaps.back()["start_sample"].get<std::uint64_t>() +
                                     gaps.back()["samples"].get<std::uint64_t>() ==
                                 impl.samples) {
            gaps.back()["samples"] = gaps.back()["samples"].get<std::uint64_t>() + samples.size();
        } else {
            gaps.push_back({{"start_sample", impl.samples}, {"samples", samples.size()}});
        }
    }
    // The manifest before the audio it describes: after a crash it may name a segment or a gap
    // whose audio never reached the file (repair trims it), never the other way round.
    if (changed ||
        impl.samples - impl.manifestSamples >= static_cast<std::uint64_t>(impl.sampleRate / 10)) {
        impl.document["samples"] = impl.samples;
        if (const auto ec = impl.saveManifest()) {
            return ec;
        }
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
    impl.stopSyncer();
    const bool synced = impl.fd >= 0 && ::fsync(impl.fd) == 0;
    impl.document["state"] = finished ? "complete" : "recording"; // not finished: repair it
    impl.document["samples"] = impl.samples;
    impl.document["duration_s"] = static_cast<double>(impl.samples) / impl.sampleRate;
    const auto saved = impl.saveManifest();
    return !finished || !synced ? make_error_code(RecorderErrc::writeFailed) : saved;
}

std::uint64_t FlacRecorder::samplesWritten() const noexcept {
    return m_impl->samples;
}

const std::filesystem::path& FlacRecorder::manifestPath() const noexcept {
    return m_impl->manifest;
}

} // namespace tc::media

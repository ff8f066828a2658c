// VideoSource::fromFile: a real clip decoded by GStreamer, frame by frame as the caller asks,
// looping at its end, with the frame stamp burnt in on top.

#include "tc/media/gst_runtime.hpp"
#include "tc/media/video_frame_code.hpp"
#include "tc/media/video_source.hpp"
#include "video_gst.hpp"

#include <gst/app/gstappsink.h>
#include <string>

namespace tc::media {
namespace {

constexpr GstClockTime kPullTimeout = 10 * GST_SECOND;
constexpr GstClockTime kPullStep = 50 * GST_MSECOND;

using detail::SamplePtr;

class FileSource final : public VideoSource {
public:
    FileSource(int width, int height, int fps)
        : m_width(width)
        , m_height(height)
        , m_fps(fps) {}

    ~FileSource() override {
        if (m_sink != nullptr) {
            gst_object_unref(m_sink);
        }
        if (m_pipeline != nullptr) {
            gst_element_set_state(m_pipeline, GST_STATE_NULL);
            m_bus.reset();
            gst_object_unref(m_pipeline);
        }
    }

    boost::system::error_code open(const std::filesystem::path& path) {
        std::error_code exists;
        if (!std::filesystem::is_regular_file(path, exists)) {
            return make_error_code(VideoErrc::openFailed);
        }
        GError* error = nullptr;
        const std::unique_ptr<gchar, decltype(&g_free)> uri(
            gst_filename_to_uri(std::filesystem::absolute(path).c_str(), &error), &g_free);
        if (error != nullptr) {
            g_error_free(error);
            return make_error_code(VideoErrc::openFailed);
        }
        // Only the clip's video is decoded and exposed: an audio track would stay unlinked.
        // videorate repeats or drops frames to the capture rate, videoscale keeps the aspect
        // (bordered) at the requested size.
        const std::string description =
            "uridecodebin name=decode caps=video/x-raw(ANY) expose-all-streams=false ! "
            "videoconvert ! videoscale ! videorate ! video/x-raw,format=I420,width=" +
            std::to_string(m_width) + ",height=" + std::to_string(m_height) +
            ",pixel-aspect-ratio=1/1,framerate=" + std::to_string(m_fps) +
            "/1 ! appsink name=out sync=false max-buffers=2 drop=false";
        m_pipeline = gst_parse_launch(description.c_str(), &error);
        if (error != nullptr || m_pipeline == nullptr) {
            // A recoverable parse error still returns a pipeline: it is not ours to run.
            g_clear_error(&error);
            if (m_pipeline != nullptr) {
                gst_object_unref(m_pipeline);
                m_pipeline = nullptr;
            }
            return make_error_code(VideoErrc::missingElement);
        }
        m_bus = std::make_unique<detail::BusWatch>(m_pipeline, "video-file-source-error");
        GstElement* decode = gst_bin_get_by_name(GST_BIN(m_pipeline), "decode");
        g_object_set(decode, "uri", uri.get(), nullptr);
        gst_object_unref(decode);
        m_sink = gst_bin_get_by_name(GST_BIN(m_pipeline), "out");
        if (gst_element_set_state(m_pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
            return make_error_code(VideoErrc::openFailed);
        }
        // The first frame now, so that a file that does not decode fails here, not mid-visit.
        m_pending = pull();
        return m_pending ? boost::system::error_code{} : make_error_code(VideoErrc::openFailed);
    }

    int width() const noexcept override { return m_width; }
    int height() const noexcept override { return m_height; }
    int fps() const noexcept override { return m_fps; }

    boost::system::result<VideoFrame> next(std::uint64_t captureUs) override {
        SamplePtr sample = m_pending ? std::move(m_pending) : pull();
        if (!sample && gst_app_sink_is_eos(GST_APP_SINK(m_sink))) {
            // The clip has ended: from the start again.
            if (!gst_element_seek_simple(
                    m_pipeline, GST_FORMAT_TIME,
                    static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT), 0)) {
                return make_error_code(VideoErrc::openFailed);
            }
            sample = pull();
        }
        if (!sample) {
            return make_error_code(hasError() ? VideoErrc::openFailed : VideoErrc::timeout);
        }
        auto frame = copy(sample.get());
        if (!frame) {
            return frame.error();
        }
        if (const auto ec = stampFrame(frame->span(), {m_counter, captureUs}, "FILE")) {
            return ec;
        }
        frame->captureUs = captureUs;
        ++m_counter;
        return frame;
    }

private:
    // Waits for the next decoded frame in short steps, watching the bus: a clip that fails to
    // decode ends the wait at once rather than after the whole timeout.
    SamplePtr pull() {
        for (GstClockTime waited = 0; waited < kPullTimeout && !hasError(); waited += kPullStep) {
            SamplePtr sample(gst_app_sink_try_pull_sample(GST_APP_SINK(m_sink), kPullStep));
            if (sample || gst_app_sink_is_eos(GST_APP_SINK(m_sink))) {
                return sample;
            }
        }
        return nullptr;
    }

    bool hasError() const { return m_bus->failed(); }

    static boost::system::result<VideoFrame> copy(GstSample* sample) {
        VideoFrame frame;
        if (!detail::withI420(gst_sample_get_buffer(sample), gst_sample_get_caps(sample),
                              [&](I420View view) { frame = VideoFrame::copyOf(view); })) {
            return make_error_code(VideoErrc::openFailed);
        }
        return frame;
    }

    int m_width;
    int m_height;
    int m_fps;
    GstElement* m_pipeline = nullptr;
    GstElement* m_sink = nullptr;
    SamplePtr m_pending;
    std::uint32_t m_counter = 0;
    std::unique_ptr<detail::BusWatch> m_bus;
};

} // namespace

boost::system::result<std::unique_ptr<VideoSource>>
VideoSource::fromFile(const std::filesystem::path& path, int width, int height, int fps) {
    if (width % 2 != 0 || height % 2 != 0 || fps <= 0 || frameCodeRect(width, height).empty()) {
        return make_error_code(VideoErrc::badFrame);
    }
    if (initialise()) {
        return make_error_code(VideoErrc::pipelineFailed);
    }
    auto source = std::make_unique<FileSource>(width, height, fps);
    if (const auto ec = source->open(path)) {
        return ec;
    }
    return std::unique_ptr<VideoSource>(std::move(source));
}

} // namespace tc::media

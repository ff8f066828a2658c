#include "tc/media/camera_capture.hpp"

#include "gst_launch.hpp"
#include "tc/media/gst_runtime.hpp"
#include "tc/media/video_frame_code.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

namespace tc::media {

struct CameraCapture::Impl {
    CameraConfig config;
    bool pattern = false;
    std::string description;
    GstElement* pipeline = nullptr;
    std::atomic<bool> enabled{true};
    std::atomic<std::uint64_t> frames{0};

    explicit Impl(CameraConfig c)
        : config(std::move(c)) {}
    ~Impl() {
        if (pipeline != nullptr) {
            gst_element_set_state(pipeline, GST_STATE_NULL); // joins the streaming thread
            gst_object_unref(pipeline);
        }
    }

    static GstFlowReturn newSample(GstAppSink* sink, gpointer user) {
        auto* self = static_cast<Impl*>(user);
        GstSample* sample = gst_app_sink_pull_sample(sink);
        if (sample == nullptr) {
            return GST_FLOW_ERROR;
        }
        GstVideoInfo info;
        GstVideoFrame mapped;
        GstBuffer* buffer = gst_sample_get_buffer(sample);
        if (self->enabled && buffer != nullptr &&
            gst_video_info_from_caps(&info, gst_sample_get_caps(sample)) &&
            gst_video_frame_map(&mapped, &info, buffer, GST_MAP_READ)) {
            I420View view;
            view.width = GST_VIDEO_FRAME_WIDTH(&mapped);
            view.height = GST_VIDEO_FRAME_HEIGHT(&mapped);
            for (int p = 0; p < 3; ++p) {
                view.planes[p] =
                    static_cast<const std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&mapped, p));
                view.strides[p] = GST_VIDEO_FRAME_PLANE_STRIDE(&mapped, p);
            }
            auto frame = VideoFrame::copyOf(view);
            gst_video_frame_unmap(&mapped);
            frame.captureUs =
                static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                               std::chrono::steady_clock::now().time_since_epoch())
                                               .count());
            if (self->pattern) {
                // In words, in the picture itself: this is not the doctor.
                const int scale = std::max(2, frame.width() / 200);
                drawText(frame.span(), 16, frame.height() - 16 - 8 * scale, scale,
                         "MIRE DE TEST - PAS DE CAMERA");
            }
            ++self->frames;
            if (self->config.onFrame) {
                self->config.onFrame(frame);
            }
        }
        gst_sample_unref(sample);
        return GST_FLOW_OK;
    }
};

CameraCapture::CameraCapture(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
CameraCapture::~CameraCapture() = default;

boost::system::result<std::unique_ptr<CameraCapture>> CameraCapture::start(CameraConfig config) {
    if (const auto ec = initialise()) {
        return ec;
    }
    if (config.width <= 0 || config.height <= 0 || config.width % 2 != 0 ||
        config.height % 2 != 0 || config.fps <= 0 || config.fps > 60) {
        return make_error_code(MediaErrc::unsupportedFormat);
    }
    auto impl = std::make_unique<Impl>(std::move(config));
    auto& c = impl->config;
    std::error_code ignored;
    const bool webcam = std::filesystem::exists("/dev/video0", ignored);
    std::string source;
    if (c.source == "test" || (c.source.empty() && !webcam)) {
        impl->pattern = true;
        impl->description = "test pattern";
        source = "videotestsrc is-live=true pattern=smpte";
    } else if (c.source.empty()) {
        impl->description = "webcam (v4l2src)";
        source = "v4l2src";
    } else {
        impl->description = c.source;
        source = c.source;
    }
    const std::string description =
        source + " ! videoconvert ! videoscale ! videorate ! video/x-raw,format=I420,width=" +
        std::to_string(c.width) + ",height=" + std::to_string(c.height) +
        ",framerate=" + std::to_string(c.fps) +
        "/1 ! appsink name=out sync=false max-buffers=2 drop=true";
    auto pipeline = detail::launchWithAppSink(description, &Impl::newSample, impl.get());
    if (!pipeline) {
        return pipeline.error();
    }
    impl->pipeline = *pipeline;
    if (gst_element_set_state(impl->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        return make_error_code(MediaErrc::initialisationFailed); // a busy or missing camera
    }
    return std::unique_ptr<CameraCapture>(new CameraCapture(std::move(impl)));
}

bool CameraCapture::testPattern() const {
    return m_impl->pattern;
}

std::string CameraCapture::description() const {
    return m_impl->description;
}

void CameraCapture::setEnabled(bool enabled) {
    m_impl->enabled = enabled;
}

bool CameraCapture::enabled() const {
    return m_impl->enabled;
}

std::uint64_t CameraCapture::frames() const {
    return m_impl->frames;
}

} // namespace tc::media

#pragma once
// Private helpers shared by the video pipelines: RAII for GStreamer handles, element creation
// that names what is missing, bus polling (no GLib main loop), and I420 between GstBuffers and
// the video path's views.

#include "tc/media/gst_runtime.hpp"
#include "tc/media/video_frame.hpp"

#include <boost/system/result.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace tc::media::detail {

struct GstObjectDeleter {
    void operator()(gpointer p) const { gst_object_unref(p); }
};
template <typename T> using GstPtr = std::unique_ptr<T, GstObjectDeleter>;

struct SampleDeleter {
    void operator()(GstSample* s) const { gst_sample_unref(s); }
};
using SamplePtr = std::unique_ptr<GstSample, SampleDeleter>;

struct CapsDeleter {
    void operator()(GstCaps* c) const { gst_caps_unref(c); }
};
using CapsPtr = std::unique_ptr<GstCaps, CapsDeleter>;

// A pipeline that is stopped and released with its owner.
struct PipelineDeleter {
    void operator()(GstElement* p) const {
        gst_element_set_state(p, GST_STATE_NULL);
        gst_object_unref(p);
    }
};
using PipelinePtr = std::unique_ptr<GstElement, PipelineDeleter>;

// A video endpoint's Impl (the sender's, the receiver's) holding `config`, its pipeline built
// (Impl::build) once GStreamer is initialised.
template <class Impl, class Config>
boost::system::result<std::unique_ptr<Impl>> buildPipeline(Config config) {
    if (initialise()) {
        return make_error_code(VideoErrc::pipelineFailed);
    }
    auto impl = std::make_unique<Impl>();
    impl->config = std::move(config);
    if (const auto ec = impl->build()) {
        return ec;
    }
    return impl;
}

// Makes an element and adds it to `bin`; nullptr when the factory is not installed.
GstElement* addElement(GstElement* bin, const char* factory, const char* name = nullptr);

// Sets a property from its string form (enum nicks, flags "a+b", numbers).
void setProperty(GstElement* element, const char* property, const std::string& value);

// The pipeline's bus through a sync handler (no GLib main loop): keeps the first error, as
// "element: message (debug)", with the graph dumped (GST_DEBUG_DUMP_DOT_DIR) under `dotName`;
// notes end of stream; passes warnings to `onWarning` on the posting thread; drops every
// message so that none piles up on a bus nobody pops. Destroy after the pipeline is stopped.
class BusWatch {
public:
    BusWatch(GstElement* pipeline, std::string dotName,
             std::function<void(GstMessage*)> onWarning = {});
    ~BusWatch();
    BusWatch(const BusWatch&) = delete;
    BusWatch& operator=(const BusWatch&) = delete;

    std::optional<std::string> error() const;
    bool failed() const;
    // Up to `timeout` for end of stream or an error; true on end of stream.
    bool waitForEos(std::chrono::milliseconds timeout);

private:
    static GstBusSyncReply onMessage(GstBus*, GstMessage* message, gpointer user);

    GstElement* m_pipeline;
    GstPtr<GstBus> m_bus;
    std::string m_dotName;
    std::function<void(GstMessage*)> m_onWarning;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::optional<std::string> m_error;
    bool m_eos = false;
};

// I420 caps for width×height at fps (0: unspecified), BT.709 limited range.
CapsPtr i420Caps(int width, int height, int fps);

// A new buffer holding `frame` in GStreamer's layout for its caps.
GstBuffer* bufferFromI420(I420View frame);

// Calls fn(view) with the buffer's planes mapped; false when it is not I420 or will not map.
template <typename Fn> bool withI420(GstBuffer* buffer, GstCaps* caps, Fn&& fn) {
    GstVideoInfo info;
    if (buffer == nullptr || caps == nullptr || !gst_video_info_from_caps(&info, caps) ||
        GST_VIDEO_INFO_FORMAT(&info) != GST_VIDEO_FORMAT_I420) {
        return false;
    }
    GstVideoFrame mapped;
    if (!gst_video_frame_map(&mapped, &info, buffer, GST_MAP_READ)) {
        return false;
    }
    I420View view{GST_VIDEO_FRAME_WIDTH(&mapped), GST_VIDEO_FRAME_HEIGHT(&mapped), {}, {}};
    for (guint p = 0; p < 3; ++p) {
        view.planes[p] = static_cast<const std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&mapped, p));
        view.strides[p] = GST_VIDEO_FRAME_PLANE_STRIDE(&mapped, p);
    }
    fn(view);
    gst_video_frame_unmap(&mapped);
    return true;
}

} // namespace tc::media::detail

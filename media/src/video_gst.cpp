#include "video_gst.hpp"

#include <cstring>

namespace tc::media::detail {

GstElement* addElement(GstElement* bin, const char* factory, const char* name) {
    GstElement* element = gst_element_factory_make(factory, name);
    if (element != nullptr) {
        gst_bin_add(GST_BIN(bin), element); // the bin takes the floating reference
    }
    return element;
}

void setProperty(GstElement* element, const char* property, const std::string& value) {
    gst_util_set_object_arg(G_OBJECT(element), property, value.c_str());
}

BusWatch::BusWatch(GstElement* pipeline, std::string dotName,
                   std::function<void(GstMessage*)> onWarning)
    : m_pipeline(pipeline)
    , m_bus(gst_element_get_bus(pipeline))
    , m_dotName(std::move(dotName))
    , m_onWarning(std::move(onWarning)) {
    gst_bus_set_sync_handler(m_bus.get(), &BusWatch::onMessage, this, nullptr);
}

BusWatch::~BusWatch() {
    gst_bus_set_sync_handler(m_bus.get(), nullptr, nullptr, nullptr);
}

std::optional<std::string> BusWatch::error() const {
    std::lock_guard lock(m_mutex);
    return m_error;
}

bool BusWatch::failed() const {
    std::lock_guard lock(m_mutex);
    return m_error.has_value();
}

bool BusWatch::waitForEos(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, timeout, [this] { return m_eos || m_error; });
    return m_eos && !m_error;
}

GstBusSyncReply BusWatch::onMessage(GstBus*, GstMessage* message, gpointer user) {
    auto* self = static_cast<BusWatch*>(user);
    switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_ERROR: {
        GError* error = nullptr;
        gchar* debug = nullptr;
        gst_message_parse_error(message, &error, &debug);
        std::string text =
            GST_MESSAGE_SRC_NAME(message) != nullptr ? GST_MESSAGE_SRC_NAME(message) : "pipeline";
        text += ": ";
        text += error != nullptr ? error->message : "error";
        if (debug != nullptr) {
            text += std::string(" (") + debug + ")";
        }
        g_clear_error(&error);
        g_free(debug);
        GST_DEBUG_BIN_TO_DOT_FILE_WITH_TS(GST_BIN(self->m_pipeline), GST_DEBUG_GRAPH_SHOW_ALL,
                                          self->m_dotName.c_str());
        {
            std::lock_guard lock(self->m_mutex);
            if (!self->m_error) {
                self->m_error = std::move(text);
            }
        }
        self->m_changed.notify_all();
        break;
    }
    case GST_MESSAGE_EOS: {
        {
            std::lock_guard lock(self->m_mutex);
            self->m_eos = true;
        }
        self->m_changed.notify_all();
        break;
    }
    case GST_MESSAGE_WARNING:
        if (self->m_onWarning) {
            self->m_onWarning(message);
        }
        break;
    default:
        break;
    }
    return GST_BUS_DROP;
}

CapsPtr i420Caps(int width, int height, int fps) {
    GstCaps* caps = gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "I420", "width",
                                        G_TYPE_INT, width, "height", G_TYPE_INT, height,
                                        "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                                        "colorimetry", G_TYPE_STRING, "bt709", nullptr);
    if (fps > 0) {
        gst_caps_set_simple(caps, "framerate", GST_TYPE_FRACTION, fps, 1, nullptr);
    }
    return CapsPtr(caps);
}

GstBuffer* bufferFromI420(I420View frame) {
    GstVideoInfo info;
    gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, static_cast<guint>(frame.width),
                              static_cast<guint>(frame.height));
    GstBuffer* buffer = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr);
    GstMapInfo map;
    if (buffer == nullptr || !gst_buffer_map(buffer, &map, GST_MAP_WRITE)) {
        if (buffer != nullptr) {
            gst_buffer_unref(buffer);
        }
        return nullptr;
    }
    for (int p = 0; p < 3; ++p) {
        const int w = p == 0 ? frame.width : frame.chromaWidth();
        const int h = p == 0 ? frame.height : frame.chromaHeight();
        const auto stride = GST_VIDEO_INFO_PLANE_STRIDE(&info, p);
        std::uint8_t* to = map.data + GST_VIDEO_INFO_PLANE_OFFSET(&info, p);
        for (int y = 0; y < h; ++y) {
            std::memcpy(to + static_cast<std::ptrdiff_t>(y) * stride,
                        frame.planes[static_cast<std::size_t>(p)] +
                            static_cast<std::ptrdiff_t>(y) *
                                frame.strides[static_cast<std::size_t>(p)],
                        static_cast<std::size_t>(w));
        }
    }
    gst_buffer_unmap(buffer, &map);
    return buffer;
}

} // namespace tc::media::detail

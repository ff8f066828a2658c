#include "gst_launch.hpp"

#include "tc/media/gst_runtime.hpp"

namespace tc::media::detail {

boost::system::result<GstElement*> launchWithAppSink(const std::string& description,
                                                     NewSample onSample, gpointer user) {
    GError* error = nullptr;
    GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
    if (error != nullptr) {
        g_error_free(error);
        if (pipeline != nullptr) {
            gst_object_unref(pipeline);
        }
        return make_error_code(MediaErrc::missingElements);
    }
    GstElement* out = gst_bin_get_by_name(GST_BIN(pipeline), "out");
    if (out == nullptr) {
        gst_object_unref(pipeline);
        return make_error_code(MediaErrc::missingElements);
    }
    GstAppSinkCallbacks callbacks{};
    callbacks.new_sample = onSample;
    gst_app_sink_set_callbacks(GST_APP_SINK(out), &callbacks, user, nullptr);
    gst_object_unref(out);
    return pipeline;
}

} // namespace tc::media::detail

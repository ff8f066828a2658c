#include "tc/media/gst_runtime.hpp"

#include <gst/gst.h>
#include <memory>
#include <mutex>

namespace tc::media {

const std::vector<ElementRequirement>& consoleRequirements() {
    static const std::vector<ElementRequirement> requirements{
        {"appsrc", "gstreamer1.0-plugins-base"},
        {"appsink", "gstreamer1.0-plugins-base"},
        {"audioconvert", "gstreamer1.0-plugins-base"},
        {"audioresample", "gstreamer1.0-plugins-base"},
        {"opusdec", "gstreamer1.0-plugins-base"},
        {"opusenc", "gstreamer1.0-plugins-base"},
        {"rtpbin", "gstreamer1.0-plugins-good"},
        {"rtpjitterbuffer", "gstreamer1.0-plugins-good"},
        {"rtpL16depay", "gstreamer1.0-plugins-good"},
        {"rtpopusdepay", "gstreamer1.0-plugins-good"},
        {"rtpvp8depay", "gstreamer1.0-plugins-good"},
        {"vp8dec", "gstreamer1.0-plugins-good"},
        {"flacenc", "gstreamer1.0-plugins-good"},
        {"level", "gstreamer1.0-plugins-good"},
        {"equalizer-nbands", "gstreamer1.0-plugins-good"},
        {"webrtcdsp", "gstreamer1.0-plugins-bad"},
        {"webrtcechoprobe", "gstreamer1.0-plugins-bad"},
        {"rtph264depay", "gstreamer1.0-plugins-good"},
        {"avdec_h264", "gstreamer1.0-libav"},
        {"vp8enc", "gstreamer1.0-plugins-good"},
        {"rtpvp8pay", "gstreamer1.0-plugins-good"},
        {"srtpenc", "gstreamer1.0-plugins-bad"},
        {"srtpdec", "gstreamer1.0-plugins-bad"},
        {"qml6glsink", "gstreamer1.0-qt6"},
    };
    return requirements;
}

boost::system::error_code initialise() {
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] {
        GError* error = nullptr;
        ok = gst_init_check(nullptr, nullptr, &error) == TRUE;
        if (error != nullptr) {
            g_error_free(error);
        }
    });
    return ok ? boost::system::error_code{} : make_error_code(MediaErrc::initialisationFailed);
}

std::vector<ElementRequirement>
missingElements(const std::vector<ElementRequirement>& requirements) {
    std::vector<ElementRequirement> missing;
    if (initialise()) {
        return requirements;
    }
    for (const auto& requirement : requirements) {
        const std::string name(requirement.factory);
        const std::unique_ptr<GstElementFactory, decltype(&gst_object_unref)> factory(
            gst_element_factory_find(name.c_str()), [](gpointer p) { gst_object_unref(p); });
        if (!factory) {
            missing.push_back(requirement);
        }
    }
    return missing;
}

std::string gstreamerVersion() {
    const std::unique_ptr<gchar, decltype(&g_free)> text(gst_version_string(), &g_free);
    return text ? std::string(text.get()) : std::string("unknown");
}

} // namespace tc::media

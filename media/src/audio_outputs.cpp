#include "tc/media/audio_outputs.hpp"

#include "tc/media/gst_runtime.hpp"

#include <gst/gst.h>

namespace tc::media {

std::vector<AudioOutput> listAudioOutputs() {
    std::vector<AudioOutput> out;
    if (initialise()) {
        return out;
    }
    GstDeviceMonitor* monitor = gst_device_monitor_new();
    gst_device_monitor_add_filter(monitor, "Audio/Sink", nullptr);
    if (!gst_device_monitor_start(monitor)) {
        gst_object_unref(monitor);
        return out;
    }
    GList* devices = gst_device_monitor_get_devices(monitor);
    for (GList* item = devices; item != nullptr; item = item->next) {
        auto* device = GST_DEVICE(item->data);
        // The element the device would make tells us its factory and its device property.
        GstElement* element = gst_device_create_element(device, nullptr);
        if (element == nullptr) {
            continue;
        }
        GstElementFactory* factory = gst_element_get_factory(element);
        gchar* name = gst_device_get_display_name(device);
        gchar* id = nullptr;
        if (factory != nullptr &&
            g_object_class_find_property(G_OBJECT_GET_CLASS(element), "device") != nullptr) {
            g_object_get(element, "device", &id, nullptr);
        }
        if (factory != nullptr && id != nullptr && name != nullptr) {
            std::string sink = gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(factory));
            sink += " device=\"";
            sink += id;
            sink += "\"";
            out.push_back({name, std::move(sink)});
        }
        g_free(id);
        g_free(name);
        gst_object_unref(element);
    }
    g_list_free_full(devices, gst_object_unref);
    gst_device_monitor_stop(monitor);
    gst_object_unref(monitor);
    return out;
}

} // namespace tc::media

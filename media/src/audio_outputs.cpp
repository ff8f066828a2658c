#include "tc/media/audio_outputs.hpp"

#include "tc/media/gst_runtime.hpp"

#include <gst/gst.h>

namespace tc::media {
namespace {

struct Device {
    std::string name;
    std::string element; // `factory device="id"`
};

bool isMonitor(GstDevice* device) {
    GstStructure* properties = gst_device_get_properties(device);
    if (properties == nullptr) {
        return false;
    }
    // PulseAudio/PipeWire name a sink's monitor source "device.class = monitor".
    const gchar* deviceClass = gst_structure_get_string(properties, "device.class");
    const bool monitor = deviceClass != nullptr && g_strcmp0(deviceClass, "monitor") == 0;
    gst_structure_free(properties);
    return monitor;
}

std::vector<Device> listDevices(const char* deviceClass, bool skipMonitors) {
    std::vector<Device> out;
    if (initialise()) {
        return out;
    }
    GstDeviceMonitor* monitor = gst_device_monitor_new();
    gst_device_monitor_add_filter(monitor, deviceClass, nullptr);
    if (!gst_device_monitor_start(monitor)) {
        gst_object_unref(monitor);
        return out;
    }
    GList* devices = gst_device_monitor_get_devices(monitor);
    for (GList* item = devices; item != nullptr; item = item->next) {
        auto* device = GST_DEVICE(item->data);
        if (skipMonitors && isMonitor(device)) {
            continue;
        }
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
            std::string description = gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(factory));
            description += " device=\"";
            description += id;
            description += "\"";
            out.push_back({name, std::move(description)});
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

} // namespace

std::vector<AudioOutput> listAudioOutputs() {
    std::vector<AudioOutput> out;
    for (auto& device : listDevices("Audio/Sink", false)) {
        out.push_back({std::move(device.name), std::move(device.element)});
    }
    return out;
}

std::vector<AudioInput> listAudioInputs() {
    std::vector<AudioInput> out;
    for (auto& device : listDevices("Audio/Source", true)) {
        out.push_back({std::move(device.name), std::move(device.element)});
    }
    return out;
}

} // namespace tc::media

#pragma once
// The machine's audio outputs, for the doctor's headset choice: what GStreamer's device monitor
// sees (PulseAudio/PipeWire and ALSA sinks), each with the sink description StethoscopePlayer
// takes.

#include <string>
#include <vector>

namespace tc::media {

struct AudioOutput {
    std::string name; // as the system shows it, e.g. "Jabra Evolve2 65 Analog Stereo"
    std::string sink; // e.g. `pulsesink device="alsa_output.usb-Jabra…"`
};

// Empty on a machine without audio devices (CI, servers).
std::vector<AudioOutput> listAudioOutputs();

} // namespace tc::media

#pragma once
// The machine's audio devices, for the doctor's headset and microphone choices: what GStreamer's
// device monitor sees (PulseAudio/PipeWire and ALSA), each with the element description the
// player (a sink) or the voice capture (a source) takes.

#include <string>
#include <vector>

namespace tc::media {

struct AudioOutput {
    std::string name; // as the system shows it, e.g. "Jabra Evolve2 65 Analog Stereo"
    std::string sink; // e.g. `pulsesink device="alsa_output.usb-Jabra…"`
};

struct AudioInput {
    std::string name;   // e.g. "Jabra Evolve2 65 Mono"
    std::string source; // e.g. `pulsesrc device="alsa_input.usb-Jabra…"`
};

// Empty on a machine without audio devices (CI, servers).
std::vector<AudioOutput> listAudioOutputs();
// Microphones only: the monitors of outputs (what a sink plays) are left out, since capturing
// them would send the doctor's own headset back to the cabin.
std::vector<AudioInput> listAudioInputs();

} // namespace tc::media

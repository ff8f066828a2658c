#pragma once
// A voice microphone, processed for conversation: GStreamer's webrtcdsp with echo cancellation
// against the far end's playout (a webrtcechoprobe in that player, by name), noise suppression,
// automatic gain control and a high-pass filter. The doctor's voice goes through it, and so
// does the simulated cabin's microphone; the stethoscope never does. Processed audio comes out
// in frames of `frameSamples` on GStreamer's streaming thread.
//
// Sources: a capture device (autoaudiosrc, or a description such as "pulsesrc device=..."), or
// frames the caller feeds in real time (a simulated microphone, and tests).

#include <boost/system/result.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

namespace tc::media {

struct VoiceCaptureConfig {
    // "" for the system's default microphone, a GStreamer source description, "feed" for
    // frames pushed with feed(), or "synthetic" for a synthetic talker fed in real time (a
    // labelled test microphone, for demos and tests on machines without one).
    std::string source;
    // The webrtcechoprobe of the far end's player (PlayerConfig::echoProbe); "" for none.
    std::string echoProbe;
    bool echoCancel = true;
    bool noiseSuppression = true;
    bool gainControl = true;
    int sampleRate = 48000;
    int frameSamples = 960; // what onFrame receives: 20 ms, one Opus voice frame
    std::function<void(std::span<const std::int16_t>)> onFrame;
};

struct VoiceCaptureStats {
    std::uint64_t framesOut = 0;
    std::uint64_t samplesFed = 0;
};

class VoiceCapture {
public:
    // The far end's player (its echo probe) must exist before the capture starts.
    static boost::system::result<std::unique_ptr<VoiceCapture>> start(VoiceCaptureConfig config);
    ~VoiceCapture();

    // Feed mode: the next samples from the simulated microphone, in real time.
    void feed(std::span<const std::int16_t> samples);
    // Silence the microphone (the doctor's mute): frames keep flowing, as silence, so that the
    // far end's jitter buffer and the echo canceller stay in step.
    void setMuted(bool muted);
    bool muted() const;
    VoiceCaptureStats stats() const;
    const VoiceCaptureConfig& config() const;

    struct Impl;

private:
    explicit VoiceCapture(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::media

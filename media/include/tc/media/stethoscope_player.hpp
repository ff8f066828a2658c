#pragma once
// The doctor's listening path: every frame period, the next frame from the jitter buffer goes
// through the clinical filter, the gain and soft limiter and the level meter, then to the
// headphones through GStreamer (appsrc ! audioconvert ! audioresample ! sink, with a small
// device buffer). The raw signal is never processed for the recording; this path is for the ear.
// Playout runs on GStreamer's streaming thread (appsrc asks for each frame, taken at its
// deadline); controls may be changed from any thread.

#include "tc/media/jitter_buffer.hpp"
#include "tc/media/stethoscope_dsp.hpp"

#include <atomic>
#include <boost/system/result.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace tc::media {

struct PlayerConfig {
    int sampleRate = 48000;
    int frameSamples = 480;
    // GStreamer sink: "" for the system default (autoaudiosink), a sink description such as
    // "pulsesink device=alsa_output.usb-headset", or "none" (a clock-synchronised fakesink,
    // for machines without audio and for measurements).
    std::string sink;
    // Called at render time on the sink's streaming thread with the samples being played (only
    // with sink "none"): what a benchmark or test listens to.
    std::function<void(std::span<const std::int16_t>)> onRendered;
    // The same, with the moment the samples are due on the pipeline's clock, as steady_clock
    // time: what a model of the room needs to put the echo where the speaker really played it
    // (after a stall, playout starts again at the present, leaving a gap).
    std::function<void(std::span<const std::int16_t>, std::chrono::steady_clock::time_point)>
        onRenderedAt;
    // The voice only: the name of a webrtcechoprobe to put before the sink, which a
    // VoiceCapture's echo canceller reads as its far end. Unique in the process.
    std::string echoProbe;
};

class StethoscopePlayer {
public:
    static boost::system::result<std::unique_ptr<StethoscopePlayer>>
    start(std::shared_ptr<AudioJitterBuffer> buffer, PlayerConfig config);
    ~StethoscopePlayer();

    void setMode(FilterMode mode);
    FilterMode mode() const;
    void setGainDb(double db);
    double gainDb() const;
    void setVolume(double linear); // the headphone volume, after the limiter (0..1)
    Level takeLevel();
    bool takeClipped();
    // The last `count` (at most 2048) played samples after filter and gain, for the spectrogram.
    std::vector<float> recentSamples(std::size_t count) const;
    // The last `seconds` (at most 4) as min/max pairs, one pair per 5 ms, oldest first: the
    // phonocardiogram, which must show every click and S1 without copying every sample.
    std::vector<float> envelope(double seconds) const;

    struct Impl;

private:
    explicit StethoscopePlayer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::media

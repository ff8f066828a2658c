#pragma once
// Stethoscope signal processing for the physician's headphones: the acoustic filter modes of a
// stethoscope chest piece (bell, diaphragm, extended), a make-up gain with a soft limiter that
// protects the physician's ears, and a level meter for the UI. Pure C++, real-time safe: nothing
// in a process() call allocates, locks or throws.
//
// Threading: process() and reset() belong to the audio thread. setMode(), setGainDb() and
// LevelMeter::take() may be called from another thread (the UI) while audio runs.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tc::media {

namespace detail {
struct BiquadCoefficients {
    double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0; // normalised so that a0 == 1
};
struct BiquadState {
    double s1 = 0, s2 = 0; // transposed direct form II
};
} // namespace detail

enum class FilterMode { bell, diaphragm, extended, raw };
std::string_view toString(FilterMode mode) noexcept;

// A mode's passband and the band it emphasises. raw passes everything from 0 Hz up to the
// stream's Nyquist frequency, so its passHighHz is +infinity and its emphasis is empty.
struct FilterSpec {
    double passLowHz;
    double passHighHz;
    double emphasisLowHz;
    double emphasisHighHz;
    double emphasisDb;
};
FilterSpec filterSpec(FilterMode mode) noexcept;

// Mono filter for float samples in [-1, 1]. Emphasised tones may leave the filter above full
// scale; GainStage limits them.
class StethoscopeFilter {
public:
    // Whether every mode's passband lies below the Nyquist frequency (16 and 48 kHz do).
    static bool supportsSampleRate(double sampleRate) noexcept;
    // At an unsupported rate the low-pass sections are pulled under Nyquist, so the filter
    // stays stable; callers check supportsSampleRate() first and refuse such streams.
    explicit StethoscopeFilter(double sampleRate);

    // Takes effect at the next process() with a short crossfade, so switching does not click.
    void setMode(FilterMode mode);
    FilterMode mode() const noexcept;

    void process(std::span<float> samples) noexcept;
    void reset() noexcept;

    // Designed magnitude response of the current mode, from the biquad coefficients.
    double responseDb(double hz) const;

private:
    static constexpr std::size_t kFilteredModes = 3; // every mode but raw
    // High-pass, two low-pass sections, two emphasis shelves.
    static constexpr std::size_t kSections = 5;
    static constexpr double kCrossfadeSeconds = 0.02;

    double m_sampleRate;
    // Written only by the constructor, so responseDb() may read them from any thread.
    std::array<std::array<detail::BiquadCoefficients, kSections>, kFilteredModes> m_designs;
    // Every filtered mode runs all the time, so a switch crossfades between two settled
    // outputs instead of injecting a newly started filter's transient (15 biquads per sample).
    std::array<std::array<detail::BiquadState, kSections>, kFilteredModes> m_states{};
    std::atomic<FilterMode> m_requestedMode{FilterMode::bell};
    FilterMode m_activeMode = FilterMode::bell;
    FilterMode m_fadingFromMode = FilterMode::bell;
    std::size_t m_crossfadeLength;
    std::size_t m_crossfadePosition; // == m_crossfadeLength when no fade is running
};

// Make-up gain of 0..+40 dB followed by a soft limiter: linear up to kKnee, then a tanh curve
// approaching kCeiling, so the output never reaches full scale and never hard-clips.
class GainStage {
public:
    void setGainDb(double db) noexcept; // clamped to [0, 40]
    double gainDb() const noexcept;

    // A gain change is ramped across the next block, so moving the slider does not zipper.
    void process(std::span<float> samples) noexcept;

    static constexpr float kCeiling = 0.98f; // about -0.2 dBFS
    static constexpr float kKnee = 0.7f;

    // Whether, since the last call, the limiter held back a sample that would otherwise have
    // exceeded full scale; the UI shows this as a clip indicator.
    bool takeClipped() noexcept;

private:
    std::atomic<double> m_targetGainDb{0.0};
    double m_currentGain = 1.0; // linear; audio thread only
    std::atomic<bool> m_clipped{false};
};

struct Level {
    double peakDbfs = -120;
    double rmsDbfs = -120;
};

// Peak and RMS over the samples since the last take(); silence reads -120 dBFS. A block that
// races with take() may be split between two readings, which a meter cannot show.
class LevelMeter {
public:
    void process(std::span<const float> samples) noexcept;
    Level take() noexcept;

private:
    std::atomic<float> m_peak{0.0f};
    std::atomic<double> m_sumOfSquares{0.0};
    std::atomic<std::uint64_t> m_sampleCount{0};
};

// Conversions for 16-bit PCM; they convert min(in.size(), out.size()) samples.
void toFloat(std::span<const std::int16_t> in, std::span<float> out) noexcept; // x / 32768
void toInt16(std::span<const float> in, std::span<std::int16_t> out) noexcept; // round, saturate

} // namespace tc::media

#include "tc/media/stethoscope_dsp.hpp"

#include "tc/errors/table_lookup.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <string>

namespace tc::media {

namespace {

using detail::BiquadCoefficients;
using detail::BiquadState;

constexpr double kButterworthQ = std::numbers::sqrt2 / 2;
// A 4th-order Butterworth low-pass as two 2nd-order sections.
constexpr double kFourthOrderButterworthQ1 = 0.5412;
constexpr double kFourthOrderButterworthQ2 = 1.3066;

// The emphasis is a +emphasisDb low shelf above the band times a -emphasisDb low shelf below
// it, i.e. a flat-topped boost. RBJ places a shelf's frequency at half its gain, so the corners
// sit outside the band to keep the whole band within about 0.5 dB of the full boost. Above, the
// corner stays close enough that a tone 2.4 times the band edge is back within 0.5 dB of 0 dB.
// Below, the bell's band starts at its 20 Hz high-pass, and a lower corner would lift 10 Hz
// rumble back above -10 dB; Q 1.0 steepens that edge without audible ringing.
constexpr double kUpperShelfCornerRatio = 1.3;
constexpr double kUpperShelfQ = 0.8;
constexpr double kLowerShelfCornerRatio = 0.6;
constexpr double kLowerShelfQ = 1.0;

constexpr double kSilenceDbfs = -120.0;
// IIR state decaying through silence would reach subnormal doubles, which are slow on x86.
constexpr double kSubnormalGuard = 1e-30;

constexpr std::array kFilteredModeList{FilterMode::bell, FilterMode::diaphragm,
                                       FilterMode::extended};

constexpr std::size_t indexOf(FilterMode mode) noexcept {
    return static_cast<std::size_t>(mode);
}

BiquadCoefficients normalised(double b0, double b1, double b2, double a0, double a1, double a2) {
    return {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
}

// RBJ Audio EQ Cookbook designs; w0 is the corner in radians per sample.
BiquadCoefficients highPass(double w0, double q) {
    const double alpha = std::sin(w0) / (2 * q);
    const double cosW0 = std::cos(w0);
    return normalised((1 + cosW0) / 2, -(1 + cosW0), (1 + cosW0) / 2, 1 + alpha, -2 * cosW0,
                      1 - alpha);
}

BiquadCoefficients lowPass(double w0, double q) {
    const double alpha = std::sin(w0) / (2 * q);
    const double cosW0 = std::cos(w0);
    return normalised((1 - cosW0) / 2, 1 - cosW0, (1 - cosW0) / 2, 1 + alpha, -2 * cosW0,
                      1 - alpha);
}

BiquadCoefficients lowShelf(double w0, double q, double gainDb) {
    const double a = std::pow(10.0, gainDb / 40);
    const double cosW0 = std::cos(w0);
    const double twoSqrtAAlpha = 2 * std::sqrt(a) * std::sin(w0) / (2 * q);
    return normalised(
        a * ((a + 1) - (a - 1) * cosW0 + twoSqrtAAlpha), 2 * a * ((a - 1) - (a + 1) * cosW0),
        a * ((a + 1) - (a - 1) * cosW0 - twoSqrtAAlpha), (a + 1) + (a - 1) * cosW0 + twoSqrtAAlpha,
        -2 * ((a - 1) + (a + 1) * cosW0), (a + 1) + (a - 1) * cosW0 - twoSqrtAAlpha);
}

double tick(const BiquadCoefficients& c, BiquadState& s, double x) noexcept {
    const double y = c.b0 * x + s.s1;
    s.s1 = c.b1 * x - c.a1 * y + s.s2;
    s.s2 = c.b2 * x - c.a2 * y;
    return y;
}

std::complex<double> response(const BiquadCoefficients& c, double w) {
    const std::complex<double> z1 = std::polar(1.0, -w); // z^-1
    return (c.b0 + z1 * (c.b1 + z1 * c.b2)) / (1.0 + z1 * (c.a1 + z1 * c.a2));
}

double toDbfs(double linear) noexcept {
    return linear > 0 ? std::max(kSilenceDbfs, 20 * std::log10(linear)) : kSilenceDbfs;
}

// Linear up to the knee, then a tanh whose slope at the knee is 1, so the curve has no corner.
float softLimit(double x) noexcept {
    if (std::isnan(x)) {
        return 0.0f;
    }
    constexpr double knee = GainStage::kKnee;
    constexpr double ceiling = GainStage::kCeiling;
    const double magnitude = std::abs(x);
    if (magnitude <= knee) {
        return static_cast<float>(x);
    }
    const double range = ceiling - knee;
    // min() guards the float rounding of values that tanh has already brought to the ceiling.
    const double limited = std::min(knee + range * std::tanh((magnitude - knee) / range), ceiling);
    return static_cast<float>(std::copysign(limited, x));
}

} // namespace

std::string_view toString(FilterMode mode) noexcept {
    static constexpr errors::EnumNames<FilterMode::raw> names{
        {"bell", "diaphragm", "extended", "raw"}};
    return names(mode, "unknown");
}

FilterSpec filterSpec(FilterMode mode) noexcept {
    switch (mode) {
    case FilterMode::bell: // low-pitched sounds: S3, S4, mitral stenosis rumble
        return {20, 1000, 20, 200, 6};
    case FilterMode::diaphragm: // high-pitched sounds: S1, S2, regurgitant murmurs, lung sounds
        return {20, 2000, 100, 500, 6};
    case FilterMode::extended:
        return {20, 2000, 50, 500, 6};
    case FilterMode::raw:
        break;
    }
    return {0, std::numeric_limits<double>::infinity(), 0, 0, 0};
}

bool StethoscopeFilter::supportsSampleRate(double sampleRate) noexcept {
    for (const FilterMode mode : kFilteredModeList) {
        if (!(sampleRate / 2 > filterSpec(mode).passHighHz)) {
            return false;
        }
    }
    return true;
}

StethoscopeFilter::StethoscopeFilter(double sampleRate)
    : m_sampleRate(sampleRate)
    , m_crossfadeLength(static_cast<std::size_t>(std::lround(kCrossfadeSeconds * sampleRate)))
    , m_crossfadePosition(m_crossfadeLength) {
    for (const FilterMode mode : kFilteredModeList) {
        const FilterSpec spec = filterSpec(mode);
        const auto radians = [sampleRate](double hz) {
            return 2 * std::numbers::pi * hz / sampleRate;
        };
        m_designs[indexOf(mode)] = {
            highPass(radians(spec.passLowHz), kButterworthQ),
            // Below a supported rate (callers check), the low-pass stays under Nyquist.
            lowPass(radians(std::min(spec.passHighHz, 0.45 * sampleRate)),
                    kFourthOrderButterworthQ1),
            lowPass(radians(std::min(spec.passHighHz, 0.45 * sampleRate)),
                    kFourthOrderButterworthQ2),
            lowShelf(radians(spec.emphasisHighHz * kUpperShelfCornerRatio), kUpperShelfQ,
                     spec.emphasisDb),
            lowShelf(radians(spec.emphasisLowHz * kLowerShelfCornerRatio), kLowerShelfQ,
                     -spec.emphasisDb),
        };
    }
}

void StethoscopeFilter::setMode(FilterMode mode) {
    m_requestedMode.store(mode, std::memory_order_relaxed);
}

FilterMode StethoscopeFilter::mode() const noexcept {
    return m_requestedMode.load(std::memory_order_relaxed);
}

void StethoscopeFilter::process(std::span<float> samples) noexcept {
    // A request that arrives during a fade waits for it to finish, so fades never overlap.
    const FilterMode requested = m_requestedMode.load(std::memory_order_relaxed);
    if (m_crossfadePosition == m_crossfadeLength && requested != m_activeMode) {
        m_fadingFromMode = m_activeMode;
        m_activeMode = requested;
        m_crossfadePosition = 0;
    }

    std::array<double, kFilteredModes> outputs{};
    const auto outputOf = [&outputs](FilterMode mode, double input) {
        return mode == FilterMode::raw ? input : outputs[indexOf(mode)];
    };
    for (float& sample : samples) {
        const double input = sample;
        for (std::size_t m = 0; m < kFilteredModes; ++m) {
            double y = input;
            for (std::size_t k = 0; k < kSections; ++k) {
                y = tick(m_designs[m][k], m_states[m][k], y);
            }
            outputs[m] = y;
        }
        double output = outputOf(m_activeMode, input);
        if (m_crossfadePosition < m_crossfadeLength) {
            ++m_crossfadePosition;
            const double newShare =
                static_cast<double>(m_crossfadePosition) / static_cast<double>(m_crossfadeLength);
            output = newShare * output + (1 - newShare) * outputOf(m_fadingFromMode, input);
        }
        sample = static_cast<float>(output);
    }

    for (auto& chain : m_states) {
        for (BiquadState& state : chain) {
            for (double* s : {&state.s1, &state.s2}) {
                if (std::abs(*s) < kSubnormalGuard) {
                    *s = 0;
                }
            }
        }
    }
}

void StethoscopeFilter::reset() noexcept {
    m_states = {};
    m_activeMode = m_requestedMode.load(std::memory_order_relaxed);
    m_crossfadePosition = m_crossfadeLength;
}

double StethoscopeFilter::responseDb(double hz) const {
    const FilterMode current = mode();
    if (current == FilterMode::raw) {
        return 0.0;
    }
    const double w = 2 * std::numbers::pi * hz / m_sampleRate;
    double magnitude = 1.0;
    for (const BiquadCoefficients& section : m_designs[indexOf(current)]) {
        magnitude *= std::abs(response(section, w));
    }
    return 20 * std::log10(magnitude);
}

void GainStage::setGainDb(double db) noexcept {
    m_targetGainDb.store(std::clamp(db, 0.0, 40.0), std::memory_order_relaxed);
}

double GainStage::gainDb() const noexcept {
    return m_targetGainDb.load(std::memory_order_relaxed);
}

void GainStage::process(std::span<float> samples) noexcept {
    if (samples.empty()) {
        return;
    }
    const double targetGain = std::pow(10.0, gainDb() / 20);
    const double step = (targetGain - m_currentGain) / static_cast<double>(samples.size());
    bool clipped = false;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const double amplified =
            (m_currentGain + step * static_cast<double>(i + 1)) * static_cast<double>(samples[i]);
        clipped = clipped || std::abs(amplified) > 1.0;
        samples[i] = softLimit(amplified);
    }
    m_currentGain = targetGain;
    if (clipped) {
        m_clipped.store(true, std::memory_order_relaxed);
    }
}

bool GainStage::takeClipped() noexcept {
    return m_clipped.exchange(false, std::memory_order_relaxed);
}

void LevelMeter::process(std::span<const float> samples) noexcept {
    float blockPeak = 0.0f;
    double blockSumOfSquares = 0.0;
    for (const float sample : samples) {
        blockPeak = std::max(blockPeak, std::abs(sample));
        blockSumOfSquares += static_cast<double>(sample) * static_cast<double>(sample);
    }
    float peak = m_peak.load(std::memory_order_relaxed);
    while (blockPeak > peak &&
           !m_peak.compare_exchange_weak(peak, blockPeak, std::memory_order_relaxed)) {
    }
    m_sumOfSquares.fetch_add(blockSumOfSquares, std::memory_order_relaxed);
    m_sampleCount.fetch_add(samples.size(), std::memory_order_relaxed);
}

Level LevelMeter::take() noexcept {
    const std::uint64_t count = m_sampleCount.exchange(0, std::memory_order_relaxed);
    const double sumOfSquares = m_sumOfSquares.exchange(0.0, std::memory_order_relaxed);
    const float peak = m_peak.exchange(0.0f, std::memory_order_relaxed);
    if (count == 0) {
        return {};
    }
    return {toDbfs(peak), toDbfs(std::sqrt(sumOfSquares / static_cast<double>(count)))};
}

void toFloat(std::span<const std::int16_t> in, std::span<float> out) noexcept {
    const std::size_t n = std::min(in.size(), out.size());
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = static_cast<float>(in[i]) / 32768.0f;
    }
}

void toInt16(std::span<const float> in, std::span<std::int16_t> out) noexcept {
    const std::size_t n = std::min(in.size(), out.size());
    for (std::size_t i = 0; i < n; ++i) {
        const double scaled = static_cast<double>(in[i]) * 32768.0;
        const double saturated = std::isnan(scaled) ? 0.0 : std::clamp(scaled, -32768.0, 32767.0);
        out[i] = static_cast<std::int16_t>(std::lround(saturated));
    }
}

} // namespace tc::media

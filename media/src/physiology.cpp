#include "tc/media/physiology.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace tc::media {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;
constexpr double kStep = 0.001; // the ODE's step: 1 kHz
constexpr int kInternalRate = 1000;

double uniform(std::mt19937& random) {
    return static_cast<double>(random()) / 4294967296.0; // portable across libraries
}
double gaussian(std::mt19937& random) {
    return (uniform(random) + uniform(random) + uniform(random) + uniform(random) - 2.0) * 1.732;
}
// An angle into [-π, π).
double wrap(double angle) {
    angle = std::fmod(angle + std::numbers::pi, kTwoPi);
    if (angle < 0) {
        angle += kTwoPi;
    }
    return angle - std::numbers::pi;
}

// ECGSYN's PQRST events (McSharry et al. 2003, table 1): angle (degrees), a, b.
constexpr double kThetaDeg[5] = {-70, -15, 0, 15, 100};
constexpr double kA[5] = {1.2, -5.0, 30.0, -7.5, 0.75};
constexpr double kB[5] = {0.25, 0.1, 0.1, 0.1, 0.4};
// Lead I: the same trajectory seen by another axis: smaller R, shallower S, a flatter T.
constexpr double kLeadIGain[5] = {0.7, 0.6, 0.55, 0.4, 0.8};

} // namespace

// ---- Beat train ---------------------------------------------------------------------------

BeatTrain::BeatTrain(const CardiacModel& model)
    : m_model(model)
    , m_random(model.seed) {
    m_model.heartRate = std::clamp(m_model.heartRate, 30.0, 220.0);
    m_model.respiratoryRate = std::clamp(m_model.respiratoryRate, 4.0, 60.0);
    if (m_model.rhythm == CardiacRhythm::sinus && m_model.rrStdMs > 0) {
        // The bimodal spectrum S(f) of the paper, sampled every 1/1024 Hz up to 0.5 Hz, each
        // line a sinusoid of random phase; scaled to the requested standard deviation.
        const double f1 = m_model.mayerHz;
        const double f2 = m_model.respiratoryRate / 60;
        constexpr double c = 0.01;
        const double lf = m_model.lfHfRatio / (1 + m_model.lfHfRatio);
        const double hf = 1 - lf;
        double variance = 0;
        for (int j = 1; j <= 512; ++j) {
            const double f = j / 1024.0;
            const double s =
                lf / std::sqrt(kTwoPi * c * c) * std::exp(-(f - f1) * (f - f1) / (2 * c * c)) +
                hf / std::sqrt(kTwoPi * c * c) * std::exp(-(f - f2) * (f - f2) / (2 * c * c));
            const double amplitude = std::sqrt(s);
            m_tachogram.push_back({f, amplitude, kTwoPi * uniform(m_random)});
            variance += amplitude * amplitude / 2;
        }
        m_tachogramScale = variance > 0 ? m_model.rrStdMs / 1000 / std::sqrt(variance) : 0;
    }
}

double BeatTrain::rrAt(double t) {
    const double mean = 60 / m_model.heartRate;
    double rr = mean;
    if (m_model.rhythm == CardiacRhythm::atrialFibrillation) {
        // Irregularly irregular: independent intervals around the mean.
        rr = mean * (1 + 0.18 * gaussian(m_random));
    } else {
        double s = 0;
        for (const auto& c : m_tachogram) {
            s += c.amplitude * std::cos(kTwoPi * c.frequency * t + c.phase);
        }
        rr += m_tachogramScale * s;
    }
    return std::clamp(rr, 0.27, 2.0);
}

void BeatTrain::extendTo(std::size_t k) {
    while (m_peaks.size() <= k) {
        const double last = m_peaks.back();
        m_peaks.push_back(last + rrAt(last));
    }
}

double BeatTrain::rPeak(std::size_t k) {
    extendTo(k);
    return m_peaks[k];
}

std::size_t BeatTrain::beatAt(double t) {
    if (t <= 0) {
        return 0;
    }
    while (m_peaks.back() <= t) {
        extendTo(m_peaks.size());
    }
    const auto it = std::upper_bound(m_peaks.begin(), m_peaks.end(), t);
    return static_cast<std::size_t>(it - m_peaks.begin()) - 1;
}

// ---- ECG ----------------------------------------------------------------------------------

EcgSynth::EcgSynth(std::shared_ptr<BeatTrain> beats, EcgSettings settings)
    : m_beats(std::move(beats))
    , m_settings(settings)
    , m_random(m_beats->model().seed * 2654435761u + 7) {
    m_settings.sampleRate = m_settings.sampleRate == 250 ? 250 : 500;
    const auto& model = m_beats->model();
    // ECGSYN adapts the event widths and angles to the mean heart rate.
    const double hrFactor = std::sqrt(model.heartRate / 60);
    const double hrFactor2 = std::sqrt(hrFactor);
    const double angleFactor[5] = {hrFactor2, hrFactor, 1, hrFactor, hrFactor2};
    const bool fibrillating = model.rhythm == CardiacRhythm::atrialFibrillation;
    for (int i = 0; i < 5; ++i) {
        m_theta[i] = kThetaDeg[i] * std::numbers::pi / 180 * angleFactor[i];
        m_width[i] = kB[i] * hrFactor;
        m_aII[i] = (fibrillating && i == 0) ? 0 : kA[i]; // no P wave in fibrillation
        m_aI[i] = m_aII[i] * kLeadIGain[i];
    }
    m_respiratoryHz = model.respiratoryRate / 60;
    // Calibration: one clean beat at the mean rate gives the model's peak-to-peak, which maps
    // to 1.6 mV in lead II as in ECGSYN (-0.4 to 1.2 mV).
    {
        State s{1, 0, 0, 0};
        const double omega = kTwoPi * model.heartRate / 60;
        double lo = 0;
        double hi = 0;
        const int steps = static_cast<int>(3 * 60 / model.heartRate / kStep);
        for (int n = 0; n < steps; ++n) {
            const double t = n * kStep;
            const auto k1 = derivative(s, t, omega);
            const auto mid = [&](const State& k, double h) {
                return State{s.x + h * k.x, s.y + h * k.y, s.zI + h * k.zI, s.zII + h * k.zII};
            };
            const auto k2 = derivative(mid(k1, kStep / 2), t + kStep / 2, omega);
            const auto k3 = derivative(mid(k2, kStep / 2), t + kStep / 2, omega);
            const auto k4 = derivative(mid(k3, kStep), t + kStep, omega);
            s.x += kStep / 6 * (k1.x + 2 * k2.x + 2 * k3.x + k4.x);
            s.y += kStep / 6 * (k1.y + 2 * k2.y + 2 * k3.y + k4.y);
            s.zI += kStep / 6 * (k1.zI + 2 * k2.zI + 2 * k3.zI + k4.zI);
            s.zII += kStep / 6 * (k1.zII + 2 * k2.zII + 2 * k3.zII + k4.zII);
            if (n > steps / 3) {
                lo = std::min(lo, s.zII);
                hi = std::max(hi, s.zII);
            }
        }
        m_scale = hi > lo ? 1.6 / (hi - lo) : 1;
    }
    m_wander = m_settings.baselineWanderMv / m_scale;
}

EcgSynth::State EcgSynth::derivative(const State& s, double t, double omega) const {
    const double alpha = 1 - std::sqrt(s.x * s.x + s.y * s.y);
    const double theta = std::atan2(s.y, s.x);
    double pushI = 0;
    double pushII = 0;
    for (int i = 0; i < 5; ++i) {
        const double d = wrap(theta - m_theta[i]);
        const double g = d * std::exp(-d * d / (2 * m_width[i] * m_width[i]));
        pushI += m_aI[i] * g;
        pushII += m_aII[i] * g;
    }
    const double z0 = m_wander * std::sin(kTwoPi * m_respiratoryHz * t);
    return {alpha * s.x - omega * s.y, alpha * s.y + omega * s.x, -pushI - (s.zI - z0),
            -pushII - (s.zII - z0)};
}

void EcgSynth::step() {
    // ω of the beat in progress: θ = 0 (the R peak) falls on each R-peak time of the train.
    const auto k = m_beats->beatAt(m_t + 1e-9);
    const double omega = kTwoPi / m_beats->interval(k);
    const auto& s = m_state;
    const auto at = [&](const State& d, double h) {
        return State{s.x + h * d.x, s.y + h * d.y, s.zI + h * d.zI, s.zII + h * d.zII};
    };
    const auto k1 = derivative(s, m_t, omega);
    const auto k2 = derivative(at(k1, kStep / 2), m_t + kStep / 2, omega);
    const auto k3 = derivative(at(k2, kStep / 2), m_t + kStep / 2, omega);
    const auto k4 = derivative(at(k3, kStep), m_t + kStep, omega);
    m_state = State{s.x + kStep / 6 * (k1.x + 2 * k2.x + 2 * k3.x + k4.x),
                    s.y + kStep / 6 * (k1.y + 2 * k2.y + 2 * k3.y + k4.y),
                    s.zI + kStep / 6 * (k1.zI + 2 * k2.zI + 2 * k3.zI + k4.zI),
                    s.zII + kStep / 6 * (k1.zII + 2 * k2.zII + 2 * k3.zII + k4.zII)};
    ++m_steps;
    m_t = static_cast<double>(m_steps) * kStep;
}

double EcgSynth::fibrillation(double t) {
    // f waves: 5-7 Hz, the frequency and the amplitude wandering slowly.
    const double frequency = 6 + 0.8 * std::sin(kTwoPi * 0.13 * t);
    m_fPhase += kTwoPi * frequency / m_settings.sampleRate;
    const double amplitude = m_settings.fibrillationMv * (1 + 0.3 * std::sin(kTwoPi * 0.21 * t));
    return amplitude * std::sin(m_fPhase);
}

void EcgSynth::render(std::span<EcgSample> out) {
    const int decimation = kInternalRate / m_settings.sampleRate;
    const bool fibrillating = m_beats->model().rhythm == CardiacRhythm::atrialFibrillation;
    const auto toMicrovolts = [](double mv) {
        return static_cast<std::int16_t>(std::lround(std::clamp(mv * 1000, -32767.0, 32767.0)));
    };
    for (auto& sample : out) {
        // Sample n is the state at n / sampleRate: the first sample is the initial state.
        const double t = m_t;
        double leadII = m_state.zII * m_scale + m_settings.noiseMv * gaussian(m_random);
        double leadI = m_state.zI * m_scale + m_settings.noiseMv * gaussian(m_random);
        if (fibrillating) {
            const double f = fibrillation(t);
            leadII += f;
            leadI += 0.5 * f;
        }
        sample.leadII = toMicrovolts(leadII);
        if (m_settings.leads == EcgLeads::three) {
            sample.leadI = toMicrovolts(leadI);
            // Einthoven: II = I + III, exactly in the integers that travel.
            sample.leadIII =
                static_cast<std::int16_t>(std::clamp(sample.leadII - sample.leadI, -32767, 32767));
        }
        for (int i = 0; i < decimation; ++i) {
            step();
        }
        ++m_output;
    }
}

// ---- Plethysmogram ------------------------------------------------------------------------

PlethSynth::PlethSynth(std::shared_ptr<BeatTrain> beats, PlethSettings settings)
    : m_beats(std::move(beats))
    , m_settings(settings) {
    m_settings.sampleRate = std::clamp(m_settings.sampleRate, 25, 500);
    m_settings.perfusionIndex = std::clamp(m_settings.perfusionIndex, 0.02, 20.0);
}

double PlethSynth::at(double t) {
    const double transit = m_settings.pulseTransitMs / 1000;
    // Pulse amplitude: a perfusion index of 3 % fills 300 of the 1000 units.
    const double amplitude = std::min(450.0, 100 * m_settings.perfusionIndex);
    double v = 0;
    const auto last = m_beats->beatAt(t - transit);
    for (std::size_t back = 0; back < 3 && back <= last; ++back) {
        const auto k = last - back;
        const double foot = m_beats->rPeak(k) + transit;
        const double tau = t - foot;
        if (tau < 0) {
            continue;
        }
        // The wave's timing shortens with the heart rate.
        const double s = std::sqrt(m_beats->interval(k) / 0.83);
        const auto wave = [&](double centre, double width) {
            const double d = (tau - centre * s) / (width * s);
            return std::exp(-d * d / 2);
        };
        // A pulse starts at its foot: the rising edge of the systolic wave from zero.
        const double rise = std::min(1.0, tau / (0.03 * s));
        // Diastolic run-off (the windkessel): the volume decays until the next foot, which is
        // thus the pulse's minimum.
        const double runoff = (1 - std::exp(-tau / (0.1 * s))) * std::exp(-tau / (0.6 * s));
        v += amplitude * rise * (wave(0.14, 0.055) + 0.35 * wave(0.38, 0.09) + 0.4 * runoff);
    }
    const auto& model = m_beats->model();
    v *= 1 + 0.04 * std::sin(kTwoPi * model.respiratoryRate / 60 * t);
    return std::clamp(500 - amplitude / 2 + v, 0.0, 1000.0);
}

void PlethSynth::render(std::span<std::int16_t> out) {
    for (auto& sample : out) {
        const double t = static_cast<double>(m_output) / m_settings.sampleRate;
        sample = static_cast<std::int16_t>(std::lround(at(t)));
        ++m_output;
    }
}

} // namespace tc::media

#pragma once
// A simulated patient's cardiovascular physiology, deterministic for a seed: the beat train (the
// times of the R peaks), the ECG that McSharry's ECGSYN dynamical model draws around them, and
// the plethysmogram whose pulses follow each R peak after the pulse transit time. The
// stethoscope's synthetic body (auscultation.hpp) follows the same beats: S1 comes an
// electromechanical delay after each QRS. No Qt, no threads: one owner drives it (the cabin's
// strand), and the classes are not thread-safe.
//
// ECGSYN (McSharry P.E., Clifford G.D., Tarassenko L., Smith L.A., "A dynamical model for
// generating synthetic electrocardiogram signals", IEEE Trans. Biomed. Eng. 50(3), 2003): a
// trajectory (x, y, z) in 3-D whose (x, y) part runs round the unit limit cycle at the angular
// speed ω = 2π / RR, and whose z is pushed by five Gaussian events at the angles θi of P, Q, R,
// S and T:
//     dx/dt = α x − ω y,   dy/dt = α y + ω x,   α = 1 − √(x² + y²)
//     dz/dt = −Σ ai Δθi exp(−Δθi² / (2 bi²)) − (z − z0),   Δθi = (θ − θi) mod 2π,
//     z0(t) = A sin(2π f2 t)   (baseline wander at the respiratory frequency f2)
// integrated with a 4th-order Runge-Kutta step at 1 kHz and decimated to 250 or 500 Hz, then
// scaled to millivolts. The RR intervals come from the model's tachogram: a bimodal power
// spectrum with a Mayer-wave (low-frequency, ~0.1 Hz) and a respiratory sinus arrhythmia
// (high-frequency, the breathing rate) Gaussian, of ratio LF/HF, given random phases (here as a
// sum of sinusoids, which is what the paper's inverse FFT computes).
//
// Leads: lead II is ECGSYN with the paper's parameters, lead I the same trajectory with smaller
// event amplitudes, and lead III = II − I exactly (Einthoven), in integer microvolts.
//
// Atrial fibrillation: irregularly irregular RR (independent intervals, coefficient of variation
// ~18 %), no P wave (its event amplitude is zero) and a fibrillatory baseline (f waves at 5-7 Hz,
// wandering in frequency and amplitude).

#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <vector>

namespace tc::media {

enum class CardiacRhythm : std::uint8_t { sinus, atrialFibrillation };

struct CardiacModel {
    double heartRate = 72;       // mean, beats per minute (30-220)
    double rrStdMs = 40;         // standard deviation of the RR intervals (sinus), ms
    double lfHfRatio = 0.5;      // Mayer / RSA power
    double mayerHz = 0.1;        // LF centre
    double respiratoryRate = 16; // per minute: the RSA (HF) centre and the baseline wander
    CardiacRhythm rhythm = CardiacRhythm::sinus;
    std::uint32_t seed = 1;
};

// The R-peak times, in seconds of physiology time (the first R peak at 0), made as they are
// asked for.
class BeatTrain {
public:
    explicit BeatTrain(const CardiacModel& model);

    const CardiacModel& model() const noexcept { return m_model; }
    // Time of the k-th R peak (k from 0).
    double rPeak(std::size_t k);
    // The beat whose R peak is the last one at or before `t` (0 for t < 0).
    std::size_t beatAt(double t);
    // rPeak(k + 1) − rPeak(k).
    double interval(std::size_t k) { return rPeak(k + 1) - rPeak(k); }

private:
    double rrAt(double t); // the tachogram (sinus) or a fresh draw (fibrillation)
    void extendTo(std::size_t k);

    CardiacModel m_model;
    std::mt19937 m_random;
    std::vector<double> m_peaks{0.0};
    // The tachogram: sinusoids of the bimodal spectrum (frequency, amplitude, phase).
    struct Component {
        double frequency;
        double amplitude;
        double phase;
    };
    std::vector<Component> m_tachogram;
    double m_tachogramScale = 0;
};

enum class EcgLeads : std::uint8_t { one = 1, three = 3 };

struct EcgSettings {
    int sampleRate = 500; // 250 or 500 Hz
    EcgLeads leads = EcgLeads::three;
    double noiseMv = 0.005;         // white measurement noise
    double baselineWanderMv = 0.05; // z0 amplitude, at the respiratory frequency
    double fibrillationMv = 0.08;   // f-wave amplitude, atrial fibrillation only
};

// One sample of every lead, in microvolts (lead I, II, III; a one-lead ECG has lead II only and
// leaves the others at 0).
struct EcgSample {
    std::int16_t leadI = 0;
    std::int16_t leadII = 0;
    std::int16_t leadIII = 0;
};

class EcgSynth {
public:
    EcgSynth(std::shared_ptr<BeatTrain> beats, EcgSettings settings);

    const EcgSettings& settings() const noexcept { return m_settings; }
    // The next samples, from physiology time 0 on, one per 1 / sampleRate.
    void render(std::span<EcgSample> out);
    // Index of the next sample render() gives.
    std::uint64_t position() const noexcept { return m_output; }

private:
    struct State {
        double x, y, zI, zII;
    };
    State derivative(const State& s, double t, double omega) const;
    void step(); // one RK4 step of 1 ms
    double fibrillation(double t);

    std::shared_ptr<BeatTrain> m_beats;
    EcgSettings m_settings;
    State m_state{1, 0, 0, 0};
    double m_t = 0;
    std::uint64_t m_steps = 0;
    std::uint64_t m_output = 0;
    double m_scale = 1;  // model units to millivolts
    double m_wander = 0; // z0 amplitude in model units
    double m_respiratoryHz = 0.25;
    // Event angles, widths, and amplitudes for the two modelled leads.
    double m_theta[5]{};
    double m_width[5]{};
    double m_aI[5]{};
    double m_aII[5]{};
    std::mt19937 m_random;
    double m_fPhase = 0;
};

struct PlethSettings {
    int sampleRate = 100;
    double pulseTransitMs = 220; // R peak to the foot of the pulse at the finger
    double perfusionIndex = 3.0; // %: the pulsatile amplitude
};

// The plethysmogram at the finger, in thousandths of the oximeter's full scale (0-1000 around a
// baseline of 500): each pulse a systolic wave then a dicrotic wave, from the foot that follows
// its R peak after the pulse transit time; a little respiratory modulation.
class PlethSynth {
public:
    PlethSynth(std::shared_ptr<BeatTrain> beats, PlethSettings settings);
    const PlethSettings& settings() const noexcept { return m_settings; }
    void render(std::span<std::int16_t> out);
    // The value at physiology time t (what render() samples).
    double at(double t);

private:
    std::shared_ptr<BeatTrain> m_beats;
    PlethSettings m_settings;
    std::uint64_t m_output = 0;
};

} // namespace tc::media

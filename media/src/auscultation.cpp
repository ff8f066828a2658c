#include "tc/media/auscultation.hpp"

#include "tc/errors/table_lookup.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace tc::media {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

struct SiteName {
    AuscultationSite site;
    std::string_view name;
};
constexpr std::array<SiteName, 10> kSites{{
    {AuscultationSite::aortic, "aortic"},
    {AuscultationSite::pulmonary, "pulmonary"},
    {AuscultationSite::tricuspid, "tricuspid"},
    {AuscultationSite::mitral, "mitral"},
    {AuscultationSite::lungRightUpper, "lung_right_upper"},
    {AuscultationSite::lungLeftUpper, "lung_left_upper"},
    {AuscultationSite::lungRightLower, "lung_right_lower"},
    {AuscultationSite::lungLeftLower, "lung_left_lower"},
    {AuscultationSite::lungRightPosterior, "lung_right_posterior"},
    {AuscultationSite::lungLeftPosterior, "lung_left_posterior"},
}};

// A heart sound component: a damped oscillation with a soft onset, `tau` seconds after it began.
double thump(double tau, double frequency, double decay) {
    if (tau < 0 || tau > 8 * decay) {
        return 0;
    }
    return (1 - std::exp(-tau / 0.003)) * std::exp(-tau / decay) *
           std::sin(kTwoPi * frequency * tau);
}

// One-pole low-pass coefficient for a cut-off frequency.
double onePole(double cutoff, double rate) {
    return 1 - std::exp(-kTwoPi * cutoff / rate);
}

} // namespace

std::string_view toString(AuscultationSite site) noexcept {
    return errors::valueWhere(kSites, &SiteName::site, site, &SiteName::name).value_or("unknown");
}

std::optional<AuscultationSite> siteFromString(std::string_view name) noexcept {
    return errors::valueWhere(kSites, &SiteName::name, name, &SiteName::site);
}

std::optional<AuscultationSite> siteFromWire(std::uint8_t value) noexcept {
    for (const auto& s : kSites) {
        if (static_cast<std::uint8_t>(s.site) == value) {
            return s.site;
        }
    }
    return std::nullopt;
}

bool isHeartFocus(AuscultationSite site) noexcept {
    return site == AuscultationSite::aortic || site == AuscultationSite::pulmonary ||
           site == AuscultationSite::tricuspid || site == AuscultationSite::mitral;
}

AuscultationSynth::AuscultationSynth(AuscultationModel model, int sampleRate)
    : m_model(model)
    , m_rate(sampleRate)
    , m_random(model.seed) {
    m_model.heartRate = std::clamp(m_model.heartRate, 30, 200);
    m_model.respiratoryRate = std::clamp(m_model.respiratoryRate, 6, 40);
}

double AuscultationSynth::uniform() noexcept {
    // 32 random bits to [0, 1): std::uniform_real_distribution differs between libraries.
    return static_cast<double>(m_random()) / 4294967296.0;
}

double AuscultationSynth::gaussian() noexcept {
    // Sum of four uniforms: close enough to normal for noise, and portable.
    return (uniform() + uniform() + uniform() + uniform() - 2.0) * 1.732;
}

void AuscultationSynth::followBeats(std::shared_ptr<BeatTrain> beats, double firstSampleTime,
                                    double electromechanicalDelay) {
    m_beats = std::move(beats);
    m_beatOffset = firstSampleTime;
    m_delay = electromechanicalDelay;
}

double AuscultationSynth::heart(double t) noexcept {
    double beat = 60.0 / m_model.heartRate;
    double phase = std::fmod(t, beat);
    if (m_beats) {
        // Time since the S1 onset of the beat in progress (negative before the first one).
        const double since = t + m_beatOffset - m_delay;
        const auto k = m_beats->beatAt(since);
        beat = m_beats->interval(k);
        phase = since - m_beats->rPeak(k);
    }
    // Systole shortens with the heart rate (about 0.32 s at 72 bpm).
    const double systole = 0.35 * std::sqrt(beat);
    const bool atBase = m_site == AuscultationSite::aortic || m_site == AuscultationSite::pulmonary;
    const double s1Gain = atBase ? 0.7 : 1.3; // S1 is loudest at the apex, S2 at the base
    const double s2Gain = atBase ? 1.4 : 0.8;

    // S1: mitral then tricuspid closure, 20 ms apart.
    double v = s1Gain * (0.5 * thump(phase, 45, 0.018) + 0.35 * thump(phase - 0.020, 60, 0.015));
    // S2: aortic then pulmonary closure; physiologically split by ~40 ms, heard at the
    // pulmonary focus.
    const double split = m_model.splitS2 ? 0.040 : 0.008;
    const double p2Gain = m_site == AuscultationSite::pulmonary ? 1.0 : 0.4;
    v += s2Gain * (0.45 * thump(phase - systole, 75, 0.012) +
                   0.3 * p2Gain * thump(phase - systole - split, 65, 0.012));
    if (m_model.s3) {
        // S3: early diastolic filling, low-pitched, best at the apex.
        const double gain = m_site == AuscultationSite::mitral ? 0.25 : 0.1;
        v += gain * thump(phase - systole - 0.15, 30, 0.03);
    }
    // Systolic murmur: band-limited noise, crescendo-decrescendo between S1 and S2.
    const double noise = gaussian();
    m_murmurLow += onePole(400, m_rate) * (noise - m_murmurLow);
    m_murmurHigh += onePole(150, m_rate) * (m_murmurLow - m_murmurHigh);
    if (m_model.systolicMurmur) {
        const double start = 0.06;
        const double end = systole - 0.03;
        if (phase > start && phase < end) {
            const double u = (phase - start) / (end - start);
            const double gain = m_site == AuscultationSite::aortic ? 0.6 : 0.3;
            v += gain * std::sin(std::numbers::pi * u) * (m_murmurLow - m_murmurHigh);
        }
    }
    return v;
}

double AuscultationSynth::lungs(double t) noexcept {
    const double cycle = 60.0 / m_model.respiratoryRate;
    const double phase = std::fmod(t, cycle) / cycle;
    constexpr double kInspiration = 0.4; // I:E about 1:1.5
    double envelope = 0;
    bool inspiring = phase < kInspiration;
    if (inspiring) {
        envelope = std::sin(std::numbers::pi * phase / kInspiration);
    } else {
        // Vesicular expiration: quieter, audible in its first third only.
        const double u = (phase - kInspiration) / (1 - kInspiration);
        envelope = u < 1.0 / 3 ? 0.35 * std::sin(std::numbers::pi * u * 3) : 0;
    }
    const double noise = gaussian();
    m_breathLow += onePole(600, m_rate) * (noise - m_breathLow);
    m_breathHigh += onePole(100, m_rate) * (m_breathLow - m_breathHigh);
    double v = 0.5 * envelope * (m_breathLow - m_breathHigh);
    if (m_model.wheezes && !inspiring) {
        // A musical, expiratory wheeze around 400 Hz with a slight vibrato.
        const double u = (phase - kInspiration) / (1 - kInspiration);
        const double frequency = 400 + 20 * std::sin(kTwoPi * 5 * t);
        v += 0.06 * std::sin(std::numbers::pi * u) * std::sin(kTwoPi * frequency * t);
    }
    if (m_model.crackles && inspiring && phase > kInspiration / 2) {
        // Fine crackles in late inspiration: about eight short explosive transients.
        const double perSample = 8.0 / (kInspiration / 2 * cycle * m_rate);
        if (uniform() < perSample) {
            m_crackleStart = m_index;
            m_crackleAmplitude = 0.15 + 0.15 * uniform();
        }
    }
    if (m_crackleAmplitude > 0) {
        const double tau = static_cast<double>(m_index - m_crackleStart) / m_rate;
        if (tau > 0.01) {
            m_crackleAmplitude = 0;
        } else {
            v += m_crackleAmplitude * std::exp(-tau / 0.002) * std::sin(kTwoPi * 600 * tau);
        }
    }
    return v;
}

double AuscultationSynth::next() noexcept {
    const double t = static_cast<double>(m_index) / m_rate;
    const bool heartSite = isHeartFocus(m_site);
    double v = (heartSite ? 1.0 : 0.2) * heart(t) + (heartSite ? 0.15 : 1.0) * lungs(t);
    // Body and contact noise: mostly below 50 Hz, with a little broadband hiss.
    const double noise = gaussian();
    m_bodyNoise += onePole(50, m_rate) * (noise - m_bodyNoise);
    v += m_model.noiseLevel * (4 * m_bodyNoise + 0.3 * noise);
    ++m_index;
    return v;
}

void AuscultationSynth::render(std::span<std::int16_t> out) noexcept {
    for (auto& sample : out) {
        // Heart sounds peak around -12 dBFS, as a contact microphone on a chest gives them;
        // the doctor's gain (up to +40 dB) takes it from there.
        const double v = std::clamp(next() * 0.3, -1.0, 1.0);
        sample = static_cast<std::int16_t>(std::lround(v * 32767));
    }
}

} // namespace tc::media

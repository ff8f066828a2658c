#pragma once
// Auscultation: the sites a stethoscope is placed on, and a synthetic body that sounds like one.
// The synthetic source stands in for the cabin's stethoscope when no recording is given: heart
// sounds (S1, S2 with optional split, optional S3, optional systolic murmur) with physiological
// timing, lung sounds (vesicular breathing, optional wheezes and crackles), and body and contact
// noise. What is heard depends on the site, as on a patient. Deterministic for a given seed.

#include "tc/media/physiology.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string_view>

namespace tc::media {

enum class AuscultationSite : std::uint8_t {
    aortic = 1, // heart foci
    pulmonary,
    tricuspid,
    mitral,
    lungRightUpper, // lung fields, anterior and posterior
    lungLeftUpper,
    lungRightLower,
    lungLeftLower,
    lungRightPosterior,
    lungLeftPosterior,
};
std::string_view toString(AuscultationSite site) noexcept; // "aortic", "lung_left_lower", ...
std::optional<AuscultationSite> siteFromString(std::string_view name) noexcept;
std::optional<AuscultationSite> siteFromWire(std::uint8_t value) noexcept;
bool isHeartFocus(AuscultationSite site) noexcept;

struct AuscultationModel {
    int heartRate = 72; // beats per minute, 30-200
    bool splitS2 = false;
    bool s3 = false;
    bool systolicMurmur = false;
    int respiratoryRate = 16; // breaths per minute, 6-40
    bool wheezes = false;
    bool crackles = false;
    double noiseLevel = 0.01; // body and contact noise, linear full-scale fraction
    std::uint32_t seed = 1;
};

class AuscultationSynth {
public:
    AuscultationSynth(AuscultationModel model, int sampleRate);

    // Drives the heart sounds by a physiology's beats instead of the model's fixed heart rate:
    // each S1 starts `electromechanicalDelay` seconds after an R peak, and each beat's systole
    // follows its own RR interval. Sample 0 of this synth is at physiology time
    // `firstSampleTime` (seconds). Without it (the default) the heart beats at
    // model.heartRate, as before.
    void followBeats(std::shared_ptr<BeatTrain> beats, double firstSampleTime,
                     double electromechanicalDelay);
    void setSite(AuscultationSite site) noexcept { m_site = site; }
    AuscultationSite site() const noexcept { return m_site; }
    // The next samples, mono 16-bit; the same model, seed and site sequence give the same output.
    void render(std::span<std::int16_t> out) noexcept;

private:
    double next() noexcept;
    double heart(double t) noexcept;
    double lungs(double t) noexcept;
    double uniform() noexcept; // [0, 1), from the generator's bits (portable across libraries)
    double gaussian() noexcept;

    AuscultationModel m_model;
    std::shared_ptr<BeatTrain> m_beats;
    double m_beatOffset = 0; // physiology time of sample 0
    double m_delay = 0;      // R peak to S1
    double m_rate;
    AuscultationSite m_site = AuscultationSite::mitral;
    std::uint64_t m_index = 0;
    std::mt19937 m_random;
    // Filter states for the noises: breath noise shaped to 100-600 Hz, body noise low-passed.
    double m_breathLow = 0;
    double m_breathHigh = 0;
    double m_murmurLow = 0;
    double m_murmurHigh = 0;
    double m_bodyNoise = 0;
    // Crackles: the sample at which the current one started, and its amplitude.
    std::uint64_t m_crackleStart = 0;
    double m_crackleAmplitude = 0;
};

} // namespace tc::media

// The stethoscope DSP is checked against its specification by passing real sine tones through
// process() and measuring them, not by trusting the designed response it reports.

#include "tc/media/spectrum.hpp"
#include "tc/media/stethoscope_dsp.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <span>
#include <vector>

using namespace tc::media;

namespace {

constexpr double kSampleRate = 48000;
constexpr double kBlockSeconds = 0.01; // a typical audio callback
constexpr double kSettleSeconds = 0.2;
constexpr float kMinus6Dbfs = 0.5f;

std::vector<float> tone(double hz, double amplitude, double sampleRate, double seconds) {
    std::vector<float> samples(static_cast<std::size_t>(std::lround(seconds * sampleRate)));
    for (std::size_t n = 0; n < samples.size(); ++n) {
        const double phase = 2 * std::numbers::pi * hz * static_cast<double>(n) / sampleRate;
        samples[n] = static_cast<float>(amplitude * std::sin(phase));
    }
    return samples;
}

double rms(std::span<const float> samples) {
    double sum = 0;
    for (const float s : samples) {
        sum += static_cast<double>(s) * static_cast<double>(s);
    }
    return std::sqrt(sum / static_cast<double>(samples.size()));
}

std::size_t samplesIn(double seconds, double sampleRate) {
    return static_cast<std::size_t>(std::lround(seconds * sampleRate));
}

template <typename Stage>
void processInBlocks(Stage& stage, std::span<float> samples, double sampleRate) {
    const std::size_t block = samplesIn(kBlockSeconds, sampleRate);
    for (std::size_t start = 0; start < samples.size(); start += block) {
        stage.process(samples.subspan(start, std::min(block, samples.size() - start)));
    }
}

// Steady-state gain at `hz`: 1 s of tone, the first 200 ms discarded while the filter settles.
// Test frequencies are multiples of 5 Hz, so the 0.8 s window holds whole cycles.
double measuredDb(StethoscopeFilter& filter, double hz, double sampleRate = kSampleRate) {
    filter.reset();
    const std::vector<float> input = tone(hz, 0.25, sampleRate, 1.0);
    std::vector<float> output = input;
    processInBlocks(filter, output, sampleRate);
    const std::size_t settled = samplesIn(kSettleSeconds, sampleRate);
    return 20 * std::log10(rms(std::span(output).subspan(settled)) /
                           rms(std::span(input).subspan(settled)));
}

double roundToMultipleOf5(double hz) {
    return 5 * std::round(hz / 5);
}

// A few tones spanning the emphasis band, from 1.5 x its lower to 1/1.5 of its upper edge.
std::vector<double> emphasisBandTones(const FilterSpec& spec) {
    const double low = 5 * std::ceil(spec.emphasisLowHz * 1.5 / 5);
    const double high = 5 * std::floor(spec.emphasisHighHz / 1.5 / 5);
    return {low, roundToMultipleOf5(std::sqrt(low * high)), high};
}

struct ModeCase {
    FilterMode mode;
    double referenceHz; // in the passband, outside the emphasis band: specified as 0 dB
};
const std::vector<ModeCase> kFilteredModes{
    {FilterMode::bell, 500}, {FilterMode::diaphragm, 1200}, {FilterMode::extended, 1200}};

double maxAbsStep(std::span<const float> samples) {
    double step = 0;
    for (std::size_t n = 1; n < samples.size(); ++n) {
        step = std::max(step, std::abs(static_cast<double>(samples[n]) - samples[n - 1]));
    }
    return step;
}

} // namespace

TEST_CASE("each mode lifts its emphasis band 6 dB above a 0 dB passband", "[dsp]") {
    for (const auto& [mode, referenceHz] : kFilteredModes) {
        StethoscopeFilter filter(kSampleRate);
        filter.setMode(mode);
        INFO(toString(mode));
        CHECK(measuredDb(filter, referenceHz) == Approx(0).margin(1));
        for (const double hz : emphasisBandTones(filterSpec(mode))) {
            INFO(hz << " Hz");
            CHECK(measuredDb(filter, hz) == Approx(6).margin(1));
        }
    }
}

TEST_CASE("each mode rejects rumble and hiss outside its passband", "[dsp]") {
    for (const auto& modeCase : kFilteredModes) {
        StethoscopeFilter filter(kSampleRate);
        filter.setMode(modeCase.mode);
        const FilterSpec spec = filterSpec(modeCase.mode);
        INFO(toString(modeCase.mode));
        CHECK(measuredDb(filter, 2 * spec.passHighHz) <= -18);
        CHECK(measuredDb(filter, spec.passLowHz / 2) <= -10);
    }
}

TEST_CASE("raw mode passes every frequency unchanged", "[dsp]") {
    StethoscopeFilter filter(kSampleRate);
    filter.setMode(FilterMode::raw);
    for (const double hz : {10.0, 100.0, 1000.0, 10000.0}) {
        INFO(hz << " Hz");
        CHECK(measuredDb(filter, hz) == Approx(0).margin(0.1));
        CHECK(filter.responseDb(hz) == Approx(0).margin(0.1));
    }
}

TEST_CASE("the reported response matches what the filter does", "[dsp]") {
    for (const auto& [mode, referenceHz] : kFilteredModes) {
        StethoscopeFilter filter(kSampleRate);
        filter.setMode(mode);
        const FilterSpec spec = filterSpec(mode);
        std::vector<double> frequencies = emphasisBandTones(spec);
        frequencies.insert(frequencies.end(),
                           {referenceHz, spec.passLowHz / 2, spec.passLowHz, 2 * spec.passHighHz});
        INFO(toString(mode));
        for (const double hz : frequencies) {
            INFO(hz << " Hz");
            CHECK(measuredDb(filter, hz) == Approx(filter.responseDb(hz)).margin(0.5));
        }
    }
}

TEST_CASE("bell mode keeps its response at a 16 kHz sample rate", "[dsp]") {
    constexpr double telephoneRate = 16000;
    StethoscopeFilter filter(telephoneRate);
    filter.setMode(FilterMode::bell);
    CHECK(measuredDb(filter, 80, telephoneRate) == Approx(6).margin(1));
    CHECK(measuredDb(filter, 500, telephoneRate) == Approx(0).margin(1));
    CHECK(measuredDb(filter, 80, telephoneRate) == Approx(filter.responseDb(80)).margin(0.5));
}

TEST_CASE("a sample rate whose Nyquist frequency is below a passband is rejected", "[dsp]") {
    CHECK_FALSE(StethoscopeFilter::supportsSampleRate(4000));
    CHECK(StethoscopeFilter::supportsSampleRate(8000.5));
    CHECK(StethoscopeFilter::supportsSampleRate(16000));
    // Even so, an unsupported rate gives a stable filter, never a throw or a blow-up.
    StethoscopeFilter low(4000);
    std::vector<float> noise(4000);
    for (std::size_t i = 0; i < noise.size(); ++i) {
        noise[i] = (i % 7 == 0) ? 0.5f : -0.1f;
    }
    low.process(noise);
    CHECK(std::all_of(noise.begin(), noise.end(), [](float v) { return std::isfinite(v); }));
}

TEST_CASE("mode names and specifications", "[dsp]") {
    CHECK(toString(FilterMode::bell) == "bell");
    CHECK(toString(FilterMode::diaphragm) == "diaphragm");
    CHECK(toString(FilterMode::extended) == "extended");
    CHECK(toString(FilterMode::raw) == "raw");
    const FilterSpec raw = filterSpec(FilterMode::raw);
    CHECK(raw.passLowHz == 0);
    CHECK(std::isinf(raw.passHighHz));
    CHECK(raw.emphasisDb == 0);
    CHECK(filterSpec(FilterMode::extended).emphasisLowHz == 50);
}

TEST_CASE("the gain stage limits softly and reports clipping", "[dsp]") {
    GainStage gain;

    SECTION("+40 dB on a full-scale tone stays below the ceiling and reports it") {
        gain.setGainDb(40);
        std::vector<float> samples = tone(200, 1.0, kSampleRate, 0.5);
        processInBlocks(gain, samples, kSampleRate);
        const auto loudest = std::ranges::max(samples, {}, [](float s) { return std::abs(s); });
        CHECK(std::abs(loudest) <= GainStage::kCeiling);
        CHECK(gain.takeClipped());
        CHECK_FALSE(gain.takeClipped()); // reset by the previous call
    }

    SECTION("0 dB on a -20 dBFS tone is transparent") {
        const std::vector<float> input = tone(200, 0.1, kSampleRate, 0.5);
        std::vector<float> output = input;
        processInBlocks(gain, output, kSampleRate);
        for (std::size_t n = 0; n < input.size(); ++n) {
            REQUIRE(output[n] == Approx(input[n]).margin(1e-6));
        }
        CHECK_FALSE(gain.takeClipped());
    }

    SECTION("the limiter curve is continuous and monotonic up to the ceiling") {
        std::vector<float> ramp(2001);
        for (std::size_t i = 0; i < ramp.size(); ++i) {
            ramp[i] = static_cast<float>(i) / 1000.0f; // 0 .. 2
        }
        std::vector<float> limited = ramp;
        gain.process(limited);
        CHECK(std::ranges::is_sorted(limited));
        CHECK(maxAbsStep(limited) <= 0.001f + 1e-6f); // slope never exceeds 1: no corner
        CHECK(limited[700] == Approx(0.7f));
        CHECK(limited.back() <= GainStage::kCeiling);
        CHECK(gain.takeClipped());
    }

    SECTION("the gain is clamped to 0..40 dB") {
        gain.setGainDb(-5);
        CHECK(gain.gainDb() == 0);
        gain.setGainDb(60);
        CHECK(gain.gainDb() == 40);
    }
}

TEST_CASE("a steady tone keeps its level: there is no automatic gain control", "[dsp]") {
    StethoscopeFilter filter(kSampleRate);
    filter.setMode(FilterMode::bell);
    GainStage gain;
    gain.setGainDb(20);
    std::vector<float> samples = tone(100, std::pow(10.0, -30.0 / 20), kSampleRate, 10.0);
    processInBlocks(filter, samples, kSampleRate);
    processInBlocks(gain, samples, kSampleRate);

    const std::size_t second = samplesIn(1.0, kSampleRate);
    const double firstWindowRms = rms(std::span(samples).subspan(second, second));
    for (std::size_t start = 2 * second; start < samples.size(); start += second) {
        INFO("window at " << start / second << " s");
        const double windowRms = rms(std::span(samples).subspan(start, second));
        CHECK(20 * std::log10(windowRms / firstWindowRms) == Approx(0).margin(0.5));
    }
}

TEST_CASE("the level meter reports peak and RMS since the last reading", "[dsp]") {
    LevelMeter meter;

    SECTION("full-scale sine") {
        const std::vector<float> samples = tone(1000, 1.0, kSampleRate, 1.0);
        meter.process(samples);
        const Level level = meter.take();
        CHECK(level.peakDbfs == Approx(0).margin(0.1));
        CHECK(level.rmsDbfs == Approx(-3.01).margin(0.1));
        const Level nothingSince = meter.take();
        CHECK(nothingSince.peakDbfs == -120);
        CHECK(nothingSince.rmsDbfs == -120);
    }

    SECTION("silence") {
        const std::vector<float> silence(4800, 0.0f);
        meter.process(silence);
        const Level level = meter.take();
        CHECK(level.peakDbfs == -120);
        CHECK(level.rmsDbfs == -120);
    }
}

TEST_CASE("switching modes mid-stream does not click", "[dsp]") {
    const std::vector<FilterMode> cycle{FilterMode::bell, FilterMode::diaphragm,
                                        FilterMode::extended, FilterMode::raw, FilterMode::bell};
    // 20 Hz stresses the filters' long low-frequency memory, 1 kHz a fast waveform.
    for (const double hz : {20.0, 1000.0}) {
        INFO(hz << " Hz");
        const std::vector<float> input = tone(hz, kMinus6Dbfs, kSampleRate, 3.0);
        const std::size_t settled = samplesIn(kSettleSeconds, kSampleRate);

        // A click is a step far larger than the tone itself makes in any mode.
        double steadyStep = 0;
        for (const FilterMode mode : cycle) {
            StethoscopeFilter filter(kSampleRate);
            filter.setMode(mode);
            filter.reset();
            std::vector<float> output = input;
            processInBlocks(filter, output, kSampleRate);
            steadyStep = std::max(steadyStep, maxAbsStep(std::span(output).subspan(settled)));
        }

        StethoscopeFilter filter(kSampleRate);
        std::vector<float> output = input;
        const std::size_t block = samplesIn(kBlockSeconds, kSampleRate);
        const std::size_t blocksPerMode = 23; // not a multiple of the 20 ms crossfade
        for (std::size_t b = 0; b * block < output.size(); ++b) {
            filter.setMode(cycle[(b / blocksPerMode) % cycle.size()]);
            filter.process(
                std::span(output).subspan(b * block, std::min(block, output.size() - b * block)));
        }
        const auto loudest = std::ranges::max(output, {}, [](float s) { return std::abs(s); });
        CHECK(std::abs(loudest) <= 1.0f);
        CHECK(maxAbsStep(std::span(output).subspan(settled)) <= 2 * steadyStep);
    }
}

TEST_CASE("16-bit PCM conversion rounds and saturates", "[dsp]") {
    const std::vector<std::int16_t> pcm{-32768, -1, 0, 1, 32767};
    std::vector<float> asFloat(pcm.size());
    toFloat(pcm, asFloat);
    CHECK(asFloat[0] == -1.0f);
    CHECK(asFloat[3] == 1.0f / 32768);
    std::vector<std::int16_t> roundTrip(pcm.size());
    toInt16(asFloat, roundTrip);
    CHECK(roundTrip == pcm);

    const std::vector<float> outOfRange{1.5f, -1.5f, 1.0f, 0.6f / 32768,
                                        std::numeric_limits<float>::quiet_NaN()};
    std::vector<std::int16_t> saturated(outOfRange.size());
    toInt16(outOfRange, saturated);
    CHECK(saturated == std::vector<std::int16_t>{32767, -32768, 32767, 1, 0});
}

TEST_CASE("spectrum: a tone shows in its band at its level", "[dsp][spectrum]") {
    std::vector<float> tone(1024);
    for (std::size_t i = 0; i < tone.size(); ++i) {
        // 328.125 Hz: exactly bin 7 of a 1024-point FFT at 48 kHz.
        tone[i] = static_cast<float>(
            0.5 * std::sin(2 * std::numbers::pi * 328.125 * static_cast<double>(i) / 48000.0));
    }
    const auto bands = tc::media::spectrumDb(tone, 48000, 40); // 50 Hz bands up to 2 kHz
    REQUIRE(bands.size() == 40);
    const auto loudest = std::max_element(bands.begin(), bands.end()) - bands.begin();
    CHECK(loudest == 6);                          // the 300-350 Hz band
    CHECK(bands[6] == Approx(-6.02).margin(0.1)); // half of full scale
    CHECK(bands[30] < bands[6] - 40);
    CHECK(tc::media::spectrumDb(std::vector<float>(1000), 48000, 10)[0] == -120.0f); // not 2^n
}

// The stethoscope fidelity measure against recordings made from its source with known faults:
// a copy, a late start at another point of the loop, white noise at a known in-band SNR, a gain
// ramp. The source is the browser tests' own WAV (stethoscopeSource).

#include "support/browser_assets.hpp"
#include "support/catch_result.hpp"
#include "support/stethoscope_fidelity.hpp"
#include "support/temp_dir.hpp"
#include "tc/media/audio_codec.hpp"
#include "tc/media/pcm.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <sstream>

using tc::test::FidelityErrc;
using tc::test::measureStethoscopeFidelity;

namespace {

constexpr int kRate = 48000;

std::vector<float> sourceSignal() {
    static const auto samples = [] {
        const auto pcm = tc::test::stethoscopeSource(12.0);
        std::vector<float> out(pcm.size());
        std::transform(pcm.begin(), pcm.end(), out.begin(),
                       [](std::int16_t v) { return static_cast<float>(v) / 32768.0f; });
        return out;
    }();
    return samples;
}

// What a recorder that started `delay` samples before the source reached it, at source sample
// `offset` of the loop, holds after `length` samples.
std::vector<float> looped(const std::vector<float>& source, std::size_t offset, std::size_t delay,
                          std::size_t length) {
    std::vector<float> out(length, 0.0f);
    for (std::size_t n = delay; n < length; ++n) {
        out[n] = source[(offset + n - delay) % source.size()];
    }
    return out;
}

double meanPower(const std::vector<float>& x) {
    double sum = 0;
    for (const float v : x) {
        sum += double(v) * v;
    }
    return sum / static_cast<double>(x.size());
}

// White Gaussian noise whose power in 20-1000 Hz is the source's in-band power less `snrDb`.
void addNoise(std::vector<float>& recording, const std::vector<float>& source, double snrDb,
              std::uint32_t seed) {
    const double inBand = meanPower(tc::test::bandPass(source, kRate, 20, 1000));
    const double bandFraction = (1000.0 - 20.0) / (kRate / 2.0);
    const double sigma = std::sqrt(inBand / std::pow(10.0, snrDb / 10) / bandFraction);
    std::mt19937 random(seed);
    std::normal_distribution<double> normal(0.0, sigma);
    for (auto& v : recording) {
        v = static_cast<float>(v + normal(random));
    }
}

std::string keyOf(const tc::test::FidelityOutcome<tc::test::FidelityReport>& outcome) {
    if (outcome) {
        return "ok";
    }
    return std::string(wireName(static_cast<FidelityErrc>(outcome.error().code.value())));
}

} // namespace

TEST_CASE("Stethoscope fidelity of an identical recording: very high SNR, steady gain",
          "[fidelity]") {
    const auto source = sourceSignal();
    const auto report = measureStethoscopeFidelity(source, source);
    REQUIRE(report);
    CHECK(report->lag == 0);
    CHECK(report->delay == 0);
    CHECK(report->offset == 0);
    CHECK(report->end == source.size());
    CHECK(report->snrDb > 100);
    CHECK(report->gain == Approx(1.0).margin(1e-6));
    CHECK(report->gainDeviationDb < 0.01);
    CHECK(report->windowGainDb.size() >= 10);
    CHECK(report->alignedSeconds >= 11.4);
}

TEST_CASE("Stethoscope fidelity finds a recording's offset into the loop and its delay exactly",
          "[fidelity]") {
    const auto source = sourceSignal();
    // Late starts, including one that wraps round the loop's end and one with no delay.
    const auto [offset, delay] = GENERATE(std::pair<std::size_t, std::size_t>{177'723, 38'417},
                                          std::pair<std::size_t, std::size_t>{540'001, 4'801},
                                          std::pair<std::size_t, std::size_t>{96'000, 0},
                                          std::pair<std::size_t, std::size_t>{1, 240'007});
    const auto recording = looped(source, offset, delay, delay + 13 * kRate);
    const auto report = measureStethoscopeFidelity(source, recording);
    INFO("offset " << offset << " delay " << delay);
    REQUIRE(report);
    CHECK(report->offset == offset);
    CHECK(report->delay == delay);
    CHECK(report->end == recording.size());
    CHECK(report->lag == (offset + source.size() - delay) % source.size());
    CHECK(report->snrDb > 100);
    CHECK(report->gainDeviationDb < 0.01);

    // Quieter and noisy (20 dB in band): the lag is still exact; the onset is a least-squares
    // estimate in noise, within 10 ms.
    auto noisy = recording;
    for (auto& v : noisy) {
        v *= 0.5f;
    }
    addNoise(noisy, source, 20 + 20 * std::log10(0.5), 7);
    const auto heard = measureStethoscopeFidelity(source, noisy);
    REQUIRE(heard);
    CHECK(heard->lag == report->lag);
    CHECK(std::abs(static_cast<long>(heard->delay) - static_cast<long>(delay)) <= 480);
    CHECK(heard->gain == Approx(0.5).margin(0.02));
}

TEST_CASE("Stethoscope fidelity measures a known in-band SNR within 1.5 dB", "[fidelity]") {
    const auto source = sourceSignal();
    const double snr = GENERATE(10.0, 20.0, 30.0, 40.0);
    auto recording = looped(source, 250'000, 12'345, 14 * kRate);
    addNoise(recording, source, snr, 11);
    const auto report = measureStethoscopeFidelity(source, recording);
    INFO("expected " << snr << " dB");
    REQUIRE(report);
    CHECK(report->lag == 250'000 - 12'345);
    CHECK(report->snrDb == Approx(snr).margin(1.5));
    CHECK(report->gainDeviationDb < 1.5);
}

TEST_CASE("Stethoscope fidelity reports a 6 dB gain ramp as unsteady gain", "[fidelity]") {
    const auto source = sourceSignal();
    const std::size_t delay = 24'000;
    auto recording = looped(source, 400'000, delay, 14 * kRate);
    const double span = static_cast<double>(recording.size() - delay);
    for (std::size_t n = delay; n < recording.size(); ++n) {
        const double db = 6.0 * static_cast<double>(n - delay) / span;
        recording[n] = static_cast<float>(recording[n] * std::pow(10.0, db / 20));
    }
    const auto report = measureStethoscopeFidelity(source, recording);
    REQUIRE(report);
    CHECK(report->offset == 400'000);
    CHECK(report->gainDeviationDb >= 5.0);
    CHECK(report->gainDeviationDb <= 6.5);
    // Rising window after window.
    CHECK(std::is_sorted(report->windowGainDb.begin(), report->windowGainDb.end()));
}

TEST_CASE("Stethoscope fidelity follows a recorder that drops and repeats audio", "[fidelity]") {
    const auto source = sourceSignal();
    const std::size_t length = source.size();
    // Silence, then the loop from `offset`; 10 ms dropped at 5 s, 5 ms played twice at 9 s, and
    // 387 samples skipped each time the loop comes round (as Chromium's fake microphone does).
    const std::size_t delay = 9'999;
    const std::size_t offset = 123'456;
    std::vector<float> recording(30 * kRate, 0.0f);
    std::size_t position = offset;
    for (std::size_t n = delay; n < recording.size(); ++n) {
        if (n == 5 * kRate) {
            position += 480;
        } else if (n == 9 * kRate) {
            position -= 240;
        }
        if (position % length < (position - 1) % length) {
            position += 387; // came round
        }
        recording[n] = source[position % length];
        ++position;
    }
    const auto report = measureStethoscopeFidelity(source, recording);
    REQUIRE(report);
    std::ostringstream slips;
    for (const auto slip : report->windowSlip) {
        slips << slip << ' ';
    }
    INFO("window slips: " << slips.str());
    CHECK(report->offset == offset);
    CHECK(report->delay == delay);
    // Each change found to the sample: the recording is the source, piece by piece.
    CHECK(report->snrDb > 100);
    CHECK(report->gainDeviationDb < 0.01);
    CHECK(report->windowSlip.front() == 0);
    CHECK(report->windowSlip.back() == 480 - 240 + 2 * 387);
    CHECK(report->maxSlipMs == Approx((480 - 240 + 2 * 387) / 48.0));
}

TEST_CASE("Stethoscope fidelity refuses silence, another sound and a too short recording",
          "[fidelity]") {
    const auto source = sourceSignal();
    CHECK(keyOf(measureStethoscopeFidelity(source, std::vector<float>(14 * kRate, 0.0f))) ==
          "silent");
    CHECK(keyOf(measureStethoscopeFidelity(std::vector<float>{}, source)) == "silent");
    std::vector<float> other(14 * kRate, 0.0f);
    addNoise(other, source, 0, 3);
    CHECK(keyOf(measureStethoscopeFidelity(source, other)) == "no_match");
    CHECK(keyOf(measureStethoscopeFidelity(source, looped(source, 1000, 0, 8 * kRate))) ==
          "too_short");
}

TEST_CASE("Stethoscope source WAV: 48 kHz mono 16-bit, read back it measures as its source",
          "[fidelity]") {
    tc::test::TempDir dir;
    const auto samples = tc::test::stethoscopeSource(12.0);
    REQUIRE(samples.size() == 12 * kRate);
    CHECK(samples == tc::test::stethoscopeSource(12.0)); // deterministic
    const auto path = dir.path() / "stethoscope.wav";
    REQUIRE(tc::test::writeStethoscopeWav(path, samples));
    const auto wav = tc::media::readWav(path);
    REQUIRE(wav);
    CHECK(wav->sampleRate == kRate);
    const auto report = measureStethoscopeFidelity(std::span<const std::int16_t>(samples),
                                                   std::span<const std::int16_t>(wav->samples));
    REQUIRE(report);
    CHECK(report->snrDb > 100);
    // Not clipped, and loud enough to be heard: peak between -12 and -1 dBFS.
    const auto peak = *std::max_element(samples.begin(), samples.end(), [](auto a, auto b) {
        return std::abs(int(a)) < std::abs(int(b));
    });
    CHECK(std::abs(int(peak)) > 8000);
    CHECK(std::abs(int(peak)) < 29000);
}

TEST_CASE("Stethoscope fidelity of an Opus round trip: past the encoder's 3 Hz DC rejection",
          "[fidelity][opus]") {
    // libopus's own encoder and decoder (the media library's stethoscope profile, 256 kbit/s).
    const auto source = tc::test::stethoscopeSource(12.0);
    auto encoder = tc::media::OpusFrameEncoder::create({48000, 480, 256000, false});
    REQUIRE(encoder.has_value());
    auto decoder = tc::media::makeOpusDecoder(48000);
    REQUIRE(decoder.has_value());
    std::vector<std::int16_t> decoded;
    for (int loop = 0; loop < 2; ++loop) { // 24 s: the recording runs past the loop's end
        for (std::size_t at = 0; at + 480 <= source.size(); at += 480) {
            const auto packet = encoder->encode(std::span(source).subspan(at, 480));
            REQUIRE(packet.has_value());
            std::vector<std::int16_t> frame(480);
            REQUIRE_FALSE((*decoder)->decode(*packet, frame));
            decoded.insert(decoded.end(), frame.begin(), frame.end());
        }
    }
    const auto raw = measureStethoscopeFidelity(source, decoded);
    REQUIRE(raw.has_value());
    tc::test::FidelityOptions options;
    options.referenceDcRejectHz = 3;
    const auto past = measureStethoscopeFidelity(source, decoded, options);
    REQUIRE(past.has_value());
    INFO("raw " << raw->snrDb << " dB, past the DC rejection " << past->snrDb << " dB");
    // The DC rejection's phase at 20-60 Hz is what the raw figure mostly measures.
    CHECK(raw->snrDb < 28);
    CHECK(past->snrDb > raw->snrDb + 5);
    CHECK(past->snrDb >= 30);
    CHECK(past->gainDeviationDb < 0.5);
}

// The simulated physiology: ECGSYN's beats and leads (Einthoven exact), heart-rate variability,
// atrial fibrillation, the pleth following each R peak, the stethoscope's S1 following the QRS,
// determinism, and the scenario loader's refusals.
#include "support/catch_result.hpp"
#include "tc/media/auscultation.hpp"
#include "tc/media/physiology.hpp"
#include "tc/media/physiology_scenario.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

using namespace tc::media;

namespace {

std::vector<EcgSample> render(EcgSynth& synth, double seconds) {
    std::vector<EcgSample> out(static_cast<std::size_t>(seconds * synth.settings().sampleRate));
    synth.render(out);
    return out;
}

// R peaks of lead II: local maxima above 60 % of the strip's maximum, 250 ms apart at least.
std::vector<double> rPeaks(const std::vector<EcgSample>& ecg, int rate) {
    int peak = 0;
    for (const auto& s : ecg) {
        peak = std::max<int>(peak, s.leadII);
    }
    std::vector<double> out;
    const auto refractory = static_cast<std::size_t>(rate / 4);
    for (std::size_t i = 1; i + 1 < ecg.size(); ++i) {
        const int v = ecg[i].leadII;
        if (v > 0.6 * peak && v >= ecg[i - 1].leadII && v > ecg[i + 1].leadII &&
            (out.empty() || i - static_cast<std::size_t>(out.back() * rate) > refractory)) {
            out.push_back(static_cast<double>(i) / rate);
        }
    }
    return out;
}

} // namespace

TEST_CASE("ECGSYN: R peaks fall on the beat train's times, at the mean rate", "[physiology]") {
    CardiacModel model;
    model.heartRate = 75;
    model.seed = 3;
    auto beats = std::make_shared<BeatTrain>(model);
    EcgSynth synth(beats, {});
    const auto ecg = render(synth, 30);
    const auto peaks = rPeaks(ecg, 500);
    REQUIRE(peaks.size() > 30);
    const double meanRr = (peaks.back() - peaks.front()) / static_cast<double>(peaks.size() - 1);
    CHECK(60 / meanRr == Approx(75).margin(3));
    for (std::size_t i = 1; i + 1 < peaks.size(); ++i) {
        const auto k = beats->beatAt(peaks[i] + 0.1);
        const double nearest = std::min(std::abs(beats->rPeak(k) - peaks[i]),
                                        std::abs(beats->rPeak(k + 1) - peaks[i]));
        CHECK(nearest <= 0.006); // within 3 samples at 500 Hz
    }
    // The R peak measures about 1.2 mV in lead II (ECGSYN's scale: -0.4 to 1.2 mV).
    const auto top = std::max_element(ecg.begin(), ecg.end(),
                                      [](auto& a, auto& b) { return a.leadII < b.leadII; });
    CHECK(top->leadII > 900);
    CHECK(top->leadII < 1600);
}

TEST_CASE("ECGSYN: the RR tachogram varies (Mayer and RSA), by the requested amount",
          "[physiology]") {
    CardiacModel model;
    model.rrStdMs = 50;
    BeatTrain beats(model);
    std::vector<double> rr;
    for (std::size_t k = 0; k < 400; ++k) {
        rr.push_back(beats.interval(k));
    }
    const double mean = std::accumulate(rr.begin(), rr.end(), 0.0) / rr.size();
    double variance = 0;
    for (const auto v : rr) {
        variance += (v - mean) * (v - mean);
    }
    const double sd = std::sqrt(variance / rr.size());
    CHECK(mean == Approx(60.0 / 72).margin(0.02));
    CHECK(sd * 1000 == Approx(50).margin(20));
    // Successive intervals are correlated (a smooth tachogram), unlike fibrillation's.
    double lag1 = 0;
    for (std::size_t i = 1; i < rr.size(); ++i) {
        lag1 += (rr[i] - mean) * (rr[i - 1] - mean);
    }
    CHECK(lag1 / (rr.size() - 1) / (sd * sd) > 0.3);
}

TEST_CASE("ECG leads obey Einthoven's law exactly: II = I + III", "[physiology]") {
    auto beats = std::make_shared<BeatTrain>(CardiacModel{});
    EcgSynth synth(beats, {250, EcgLeads::three});
    const auto ecg = render(synth, 5);
    REQUIRE(ecg.size() == 1250);
    for (const auto& s : ecg) {
        REQUIRE(s.leadII == s.leadI + s.leadIII);
    }
    const auto maxI = std::max_element(ecg.begin(), ecg.end(),
                                       [](auto& a, auto& b) { return a.leadI < b.leadI; });
    CHECK(maxI->leadI > 300); // lead I has its own R wave
}

TEST_CASE("the physiology is deterministic for a seed", "[physiology]") {
    const auto strip = [](std::uint32_t seed) {
        CardiacModel model;
        model.seed = seed;
        auto beats = std::make_shared<BeatTrain>(model);
        EcgSynth synth(beats, {});
        std::vector<EcgSample> out(2000);
        synth.render(out);
        std::vector<std::int16_t> flat;
        for (const auto& s : out) {
            flat.insert(flat.end(), {s.leadI, s.leadII, s.leadIII});
        }
        return flat;
    };
    CHECK(strip(5) == strip(5));
    CHECK(strip(5) != strip(6));
}

TEST_CASE("atrial fibrillation: irregular RR, no P wave, a fibrillatory baseline", "[physiology]") {
    CardiacModel model;
    model.rhythm = CardiacRhythm::atrialFibrillation;
    model.heartRate = 100;
    auto beats = std::make_shared<BeatTrain>(model);
    std::vector<double> rr;
    for (std::size_t k = 0; k < 300; ++k) {
        rr.push_back(beats->interval(k));
    }
    const double mean = std::accumulate(rr.begin(), rr.end(), 0.0) / rr.size();
    double variance = 0;
    double lag1 = 0;
    for (std::size_t i = 0; i < rr.size(); ++i) {
        variance += (rr[i] - mean) * (rr[i] - mean);
        if (i > 0) {
            lag1 += (rr[i] - mean) * (rr[i - 1] - mean);
        }
    }
    CHECK(std::sqrt(variance / rr.size()) / mean > 0.12); // coefficient of variation
    CHECK(std::abs(lag1 / variance) < 0.2);               // no memory from beat to beat

    // 200-120 ms before each R peak (where a P wave would be) the sinus ECG rises, the
    // fibrillating one only shows the f waves' oscillation around the baseline.
    const auto pWave = [](CardiacRhythm rhythm) {
        CardiacModel m;
        m.rhythm = rhythm;
        m.heartRate = 60;
        m.rrStdMs = 0;
        auto b = std::make_shared<BeatTrain>(m);
        EcgSettings settings;
        settings.noiseMv = 0;
        settings.baselineWanderMv = 0;
        settings.fibrillationMv = rhythm == CardiacRhythm::sinus ? 0 : 0.08;
        EcgSynth synth(b, settings);
        std::vector<EcgSample> ecg(500 * 20);
        synth.render(ecg);
        double sum = 0;
        int n = 0;
        for (std::size_t k = 2; b->rPeak(k) < 19; ++k) {
            const auto r = static_cast<std::size_t>(b->rPeak(k) * 500);
            for (std::size_t i = r - 100; i < r - 60; ++i) {
                sum += ecg[i].leadII;
                ++n;
            }
        }
        return sum / n;
    };
    CHECK(pWave(CardiacRhythm::sinus) > 40);                        // µV: a P wave
    CHECK(std::abs(pWave(CardiacRhythm::atrialFibrillation)) < 25); // none
}

TEST_CASE("each pleth pulse follows its R peak after the pulse transit time", "[physiology]") {
    CardiacModel model;
    model.rrStdMs = 0;
    model.heartRate = 60;
    auto beats = std::make_shared<BeatTrain>(model);
    PlethSynth pleth(beats, {100, 220, 3.0});
    std::vector<std::int16_t> samples(100 * 10);
    pleth.render(samples);
    // The foot (the last minimum before the upstroke) of each pulse, against its R peak.
    for (std::size_t k = 2; k < 8; ++k) {
        const double r = beats->rPeak(k);
        const auto from = static_cast<std::size_t>((r + 0.05) * 100);
        const auto to = static_cast<std::size_t>((r + 0.40) * 100);
        std::size_t foot = from;
        for (std::size_t i = from; i < to; ++i) {
            if (samples[i] <= samples[foot]) { // the last minimum: where the upstroke begins
                foot = i;
            }
        }
        CHECK(static_cast<double>(foot) / 100 - r == Approx(0.22).margin(0.02));
    }
    CHECK(*std::max_element(samples.begin(), samples.end()) -
              *std::min_element(samples.begin(), samples.end()) >
          250); // a perfusion index of 3 % fills about 300 units
}

TEST_CASE("the stethoscope's S1 follows the QRS after the electromechanical delay",
          "[physiology][stetho]") {
    CardiacModel model;
    model.heartRate = 80;
    auto beats = std::make_shared<BeatTrain>(model);
    AuscultationModel sounds;
    sounds.noiseLevel = 0;
    AuscultationSynth synth(sounds, 16000);
    synth.followBeats(beats, 0.5, 0.050); // the synth's sample 0 is physiology time 0.5 s
    std::vector<std::int16_t> audio(16000 * 6);
    synth.render(audio);
    for (std::size_t k = 1; beats->rPeak(k) + 0.3 < 6.5; ++k) {
        const double s1 = beats->rPeak(k) + 0.050 - 0.5; // in the synth's time
        if (s1 < 0.01) {
            continue;
        }
        const auto at = static_cast<std::size_t>(s1 * 16000);
        int before = 0;
        int after = 0;
        for (std::size_t i = at - 160; i < at - 16; ++i) {
            before = std::max(before, std::abs(static_cast<int>(audio[i])));
        }
        for (std::size_t i = at; i < at + 320; ++i) {
            after = std::max(after, std::abs(static_cast<int>(audio[i])));
        }
        CHECK(after > 4 * before + 500); // quiet, then S1
    }
    // Standalone (no beats), the synth behaves as before: identical output for the same model.
    AuscultationSynth a(sounds, 16000);
    AuscultationSynth b(sounds, 16000);
    std::vector<std::int16_t> x(4000);
    std::vector<std::int16_t> y(4000);
    a.render(x);
    b.render(y);
    CHECK(x == y);
}

TEST_CASE("scenarios: a valid file and each refusal", "[physiology][scenario]") {
    const std::string valid = R"({"name": "t", "rhythm": "sinus", "heart_rate": 72,
        "respiratory_rate": 14, "spo2": 97, "temperature": 36.9,
        "blood_pressure": {"systolic": 125, "diastolic": 80},
        "ecg": {"sample_rate": 250, "leads": 1}, "seed": 9})";
    const auto s = parseScenario(valid);
    REQUIRE(s);
    CHECK(s->ecg.sampleRate == 250);
    CHECK(s->ecg.leads == EcgLeads::one);
    CHECK(s->cardiac.seed == 9);
    CHECK(s->sounds().heartRate == 72);

    const auto refused = [&](std::string from, std::string to) {
        auto text = valid;
        text.replace(text.find(from), from.size(), to);
        const auto r = parseScenario(text);
        REQUIRE_FALSE(r);
        return r.error();
    };
    CHECK(refused("\"heart_rate\": 72", "\"heart_rate\": 400").field == "heart_rate");
    CHECK(refused("\"heart_rate\": 72", "\"heart_rate\": \"72\"").reason == "must be a number");
    CHECK(refused("\"sinus\"", "\"flutter\"").field == "rhythm");
    CHECK(refused("\"diastolic\": 80", "\"diastolic\": 130").field == "blood_pressure.diastolic");
    CHECK(refused("\"leads\": 1", "\"leads\": 2").field == "ecg.leads");
    CHECK(refused("\"sample_rate\": 250", "\"sample_rate\": 300").field == "ecg.sample_rate");
    CHECK(refused("\"seed\": 9", "\"colour\": 9").reason == "unknown field");
    CHECK(refused("\"spo2\": 97,", "").field == "spo2");
    CHECK_FALSE(parseScenario("[1]"));
    CHECK(loadScenarioFile("/nonexistent/x.json").error().reason.find("cannot read") == 0);
}

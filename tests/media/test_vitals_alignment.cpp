// Alignment of the ECG and the stethoscope on the session clock, measured where the doctor is:
// the simulated physiology drives both streams; after the real path (SRTP over loopback UDP,
// through the relay) the ECG's R peaks are detected in the received lead II, the S1 onsets in
// the received stethoscope audio by envelope detection, both mapped to the session clock by
// their packets' capture-time extension; the mean S1 - R offset is the simulated
// electromechanical delay within ±10 ms.
#include "support/transport_pair.hpp"
#include "tc/media/session_clock.hpp"
#include "tc/media/stethoscope_stream.hpp"
#include "tc/media/waveform_stream.hpp"
#include "tc/protocol/packets.hpp"
#include "tc/protocol/rtp_session.hpp"

#include <cmath>
#include <mutex>

using namespace tc::test;
using namespace tc::media;

namespace {

struct Received {
    std::mutex mutex;
    std::vector<StethoscopeFrame> audio;
};

// R peaks (session µs) in the received lead II: local maxima above 60 % of the strip's maximum.
std::vector<double> detectRPeaks(const std::vector<WaveformSpan>& spans) {
    std::vector<std::pair<double, int>> lead; // (session µs, µV)
    for (const auto& span : spans) {
        for (const auto& c : span.channels) {
            if (c.channel != WaveformChannel::ecgII || !span.startUs) {
                continue;
            }
            for (std::size_t i = 0; i < c.samples.size(); ++i) {
                lead.emplace_back(static_cast<double>(*span.startUs) +
                                      static_cast<double>(i) * c.ticksPerSample * 1000.0,
                                  c.samples[i]);
            }
        }
    }
    int top = 0;
    for (const auto& [t, v] : lead) {
        top = std::max(top, v);
    }
    std::vector<double> peaks;
    for (std::size_t i = 1; i + 1 < lead.size(); ++i) {
        const auto [t, v] = lead[i];
        if (v > 0.6 * top && v >= lead[i - 1].second && v > lead[i + 1].second &&
            (peaks.empty() || t - peaks.back() > 250'000)) {
            peaks.push_back(t);
        }
    }
    return peaks;
}

} // namespace

TEST_CASE("ECG R peaks and stethoscope S1 onsets align on the session clock after the wire",
          "[vitals][alignment]") {
    constexpr double kDelayMs = 55; // the simulated electromechanical delay
    CardiacModel model;
    model.heartRate = 70;
    model.seed = 12;
    auto beats = std::make_shared<BeatTrain>(model);

    IoThread io("test-align");
    Pair pair(SrtpSuite::aeadAes128Gcm);
    auto [cabinTransport, consoleTransport, relay] = openRelayed(io, pair);
    RtpSessionConfig config;
    config.cname = "test";
    config.streams = {
        {"steth", 96, 48000, 97, false},
        {"vitals", kVitalsPayloadType, kWaveformClockRate, kVitalsRtxPayloadType, false}};
    StethoscopeFormat steth;
    steth.captureExtensionId = 2;
    WaveformFormat vitals;
    WaveformReceiver waveforms(vitals, 300ms);
    Received received;
    auto cabin = RtpSession::create(cabinTransport, config, {});
    auto console = RtpSession::create(
        consoleTransport, config,
        [&](const RtpHeader& header, std::span<const std::uint8_t> packet, bool) {
            if (header.payloadType == kVitalsPayloadType) {
                waveforms.onPacket(packet);
            } else if (auto frame = depacketizeStethoscope(packet, steth)) {
                std::lock_guard lock(received.mutex);
                received.audio.push_back(std::move(*frame));
            }
        });
    Observer seenA;
    Observer seenB;
    startSessionsThroughRelay(*relay, pair, *cabinTransport, *consoleTransport, *cabin, *console,
                              seenA, seenB);
    Impairment path;
    path.delay = 15ms; // the two streams cross the same network
    path.jitter = 5ms;
    relay->setImpairment(path);

    // The cabin: physiology time 0 is `origin` on the session clock; both streams start there.
    const auto origin = sessionNowUs();
    WaveformSource ecg(beats, {}, {}, origin);
    WaveformPacketizer waveformPacketizer(vitals, 0x5174A001, 1);
    AuscultationModel sounds;
    sounds.noiseLevel = 0.005;
    auto source = StethoscopeSource::synthetic(sounds, 48000);
    REQUIRE(source.followBeats(beats, 0.0, kDelayMs / 1000));
    auto packetizer = StethoscopePacketizer::create(steth, 0x57E7A001, 1, 0).value();
    packetizer.setCaptureOrigin(origin);
    std::vector<std::int16_t> frame(480);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 700; ++i) { // 7 s of 10 ms frames
        std::this_thread::sleep_until(start + (i + 1) * 10ms);
        source.render(frame);
        cabin->send(packetizer.packetize(frame, AuscultationSite::mitral).value());
        if (i % 2 == 1) {
            cabin->send(waveformPacketizer.packetize(ecg.next()).value());
        }
    }
    std::this_thread::sleep_for(400ms);
    auto spans = waveforms.take();
    const auto rest = waveforms.flush();
    spans.insert(spans.end(), rest.begin(), rest.end());
    cabin->stop();
    console->stop();
    relay->close();

    const auto rPeaks = detectRPeaks(spans);
    REQUIRE(rPeaks.size() >= 6);

    // The received audio on the session clock, in order, and its envelope: |x| smoothed over
    // about 2 ms.
    std::vector<StethoscopeFrame> audio;
    {
        std::lock_guard lock(received.mutex);
        audio = received.audio;
    }
    std::sort(audio.begin(), audio.end(),
              [](const auto& a, const auto& b) { return a.timestamp < b.timestamp; });
    std::vector<std::pair<double, double>> envelope; // (session µs, level)
    double level = 0;
    for (const auto& f : audio) {
        REQUIRE(f.captureUs);
        for (std::size_t i = 0; i < f.samples.size(); ++i) {
            level += (std::abs(static_cast<double>(f.samples[i])) - level) * 0.01;
            envelope.emplace_back(static_cast<double>(*f.captureUs) + i * 1e6 / 48000, level);
        }
    }
    // For each R peak: the S1 onset is where the envelope first reaches a quarter of its
    // maximum in the 250 ms after it (S2 comes later), minus nothing: the detector's own lag
    // (a few ms) stays in the measurement.
    std::vector<double> offsets;
    for (const auto r : rPeaks) {
        auto from = std::lower_bound(envelope.begin(), envelope.end(), std::make_pair(r, 0.0));
        auto to =
            std::lower_bound(envelope.begin(), envelope.end(), std::make_pair(r + 250'000, 0.0));
        if (from == envelope.end() || to == envelope.end()) {
            continue;
        }
        double peak = 0;
        for (auto it = from; it != to; ++it) {
            peak = std::max(peak, it->second);
        }
        for (auto it = from; it != to; ++it) {
            if (it->second >= 0.25 * peak) {
                offsets.push_back((it->first - r) / 1000);
                break;
            }
        }
    }
    REQUIRE(offsets.size() >= 5);
    double mean = 0;
    for (const auto o : offsets) {
        mean += o;
    }
    mean /= static_cast<double>(offsets.size());
    INFO("mean S1 - R offset " << mean << " ms over " << offsets.size() << " beats");
    CHECK(std::abs(mean - kDelayMs) <= 10);
    for (const auto o : offsets) {
        CHECK(std::abs(o - kDelayMs) <= 15); // every beat, not only on average
    }
    cabinTransport->close();
    consoleTransport->close();
    CHECK(io.stop()); // closed, the transports leave the loop with no work
}

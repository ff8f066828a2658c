// telecabine-bench vitals-latency: the vital-sign waveforms as the cabin sends them — the
// physiology's ECG (3 leads, 500 Hz) and pleth (100 Hz) in 20 ms packets, each sent once its
// last sample is captured — through SRTP over loopback UDP (the impairment relay, jitter
// optional) into the console's WaveformReceiver. waveform_latency_p95_ms: arrival on the session
// clock minus the capture time of each packet's newest sample (older samples of a packet wait
// up to 20 ms more: the packetisation, reported apart). transport_p95_ms is the same packets
// from send() to arrival: the baseline that the path adds nothing to.
#include "benchmarks.hpp"
#include "loopback_media.hpp"
#include "tc/media/session_clock.hpp"
#include "tc/media/waveform_stream.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

namespace tc::bench {
namespace {

double percentileMs(std::vector<std::int64_t> values, double p) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
    return static_cast<double>(values[index]) / 1000;
}

} // namespace

int runVitalsLatency(cli::CommandLine& args) {
    using namespace std::chrono_literals;
    const auto seconds = args.number("seconds", 10);
    const auto jitterMs = args.number("jitter-ms", 0);
    if (!args.errors().empty() || seconds < 1 || seconds > 600 || jitterMs < 0 || jitterMs > 200) {
        std::cerr << "vitals-latency: --seconds 1..600, --jitter-ms 0..200\n";
        return 2;
    }
    protocol::IoThread io("bench-vitals");
    protocol::RtpSessionConfig config;
    config.cname = "bench";
    config.streams = {{"vitals", media::kVitalsPayloadType, media::kWaveformClockRate,
                       media::kVitalsRtxPayloadType, false, std::string(media::kWaveformEncoding)}};
    media::WaveformFormat format;
    media::WaveformReceiver receiver(format);
    std::mutex mutex;
    std::map<std::uint32_t, std::int64_t> sentAt; // RTP timestamp -> send() time
    std::vector<std::int64_t> transport;
    LoopbackMedia link;
    const bool opened = link.open(
        io, config,
        [&](const protocol::RtpHeader& header, std::span<const std::uint8_t> packet, bool) {
            const auto now = media::sessionNowUs();
            receiver.onPacket(packet);
            std::lock_guard lock(mutex);
            if (const auto it = sentAt.find(header.timestamp); it != sentAt.end()) {
                transport.push_back(now - it->second);
                sentAt.erase(it);
            }
        },
        false, true);
    if (!opened) {
        std::cerr << "vitals-latency: the loopback media did not connect\n";
        return 1;
    }
    if (jitterMs > 0) {
        protocol::Impairment impairment;
        impairment.jitter = std::chrono::milliseconds(jitterMs);
        link.relay->setImpairment(impairment);
    }
    media::CardiacModel model;
    media::WaveformSource source(std::make_shared<media::BeatTrain>(model), {}, {},
                                 media::sessionNowUs());
    media::WaveformPacketizer packetizer(format, 0x5174A001, 1);
    const auto packets = seconds * 50;
    for (long long i = 0; i < packets; ++i) {
        const auto block = source.next();
        const auto due = *block.captureUs + block.ticks() * 1000; // the newest sample captured
        std::this_thread::sleep_until(
            std::chrono::steady_clock::time_point(std::chrono::microseconds(due)));
        auto packet = packetizer.packetize(block).value();
        {
            std::lock_guard lock(mutex);
            sentAt[static_cast<std::uint32_t>(block.firstTick)] = media::sessionNowUs();
        }
        link.sending->send(std::move(packet));
    }
    std::this_thread::sleep_for(300ms + std::chrono::milliseconds(jitterMs));
    const auto latencies = receiver.latenciesUs();
    const auto stats = receiver.stats();
    link.close();
    std::lock_guard lock(mutex);
    nlohmann::json out{
        {"benchmark", "vitals-latency"},
        {"seconds", seconds},
        {"jitter_ms", jitterMs},
        {"packets_sent", packets},
        {"packets_received", stats.packets},
        {"gaps", stats.gaps},
        {"waveform_latency_p50_ms", percentileMs(latencies, 0.50)},
        {"waveform_latency_p95_ms", percentileMs(latencies, 0.95)},
        {"waveform_latency_max_ms", percentileMs(latencies, 1.0)},
        {"packetisation_ms", 20},
        {"transport_p95_ms", percentileMs(transport, 0.95)},
    };
    std::cout << out.dump() << "\n";
    return stats.packets > 0 ? 0 : 1;
}

} // namespace tc::bench

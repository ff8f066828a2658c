// telecabine-bench stetho-latency: the stethoscope path as deployed, cabin
// packetiser -> SRTP transport over loopback (through the impairment relay) -> RTP session ->
// console receive path -> playout jitter buffer -> filter/gain -> GStreamer output. The output
// is a clock-synchronised sink whose render callback stands where the audio device would be.
#include "benchmarks.hpp"
#include "loopback_media.hpp"
#include "tc/media/stethoscope_player.hpp"
#include "tc/media/stethoscope_receiver.hpp"
#include "tc/protocol/impairment.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/rtp_session.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

namespace tc::bench {
namespace {

using namespace tc::protocol;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace net = boost::asio;

RtpSessionConfig stethoscopeSession() {
    RtpSessionConfig config;
    config.cname = "bench";
    config.streams = {{"steth", 96, 48000, 97, false, "L16"}};
    return config;
}

// The stethoscope's link, SDES-keyed (keying is not what is measured), with the console's
// receive path on the receiving end.
struct Link {
    IoThread io{"bench-stetho"};
    LoopbackMedia media;
    media::StethoscopeReceiver receiver{media::StethoscopeFormat{}};

    // `throughRelay`: via the impairment relay (latency under jitter); otherwise directly, so that
    // the relay's own work is not counted (CPU).
    bool open(bool throughRelay = true) {
        return media.open(
            io, stethoscopeSession(),
            [this](const RtpHeader&, std::span<const std::uint8_t> packet, bool) {
                receiver.onPacket(packet);
            },
            /*dtls=*/false, throughRelay);
    }

    ~Link() {
        media.close();
        io.stop();
    }
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// One jitter level: impulses every 200 ms, each timed from the moment its sample was captured
// (the start of its 10 ms frame) to the moment the sink renders it.
nlohmann::json measureLatency(std::chrono::milliseconds jitter, int impulses) {
    Link link;
    if (!link.open()) {
        return {{"error", "transport did not connect"}};
    }
    Impairment impairment;
    impairment.jitter = jitter;
    impairment.seed = 3;
    link.media.relay->setImpairment(impairment);

    // Each impulse is one sample whose value names it (16000 + 2 x its number): lost or
    // concealed impulses cannot shift the pairing. Raw mode at 0 dB keeps samples exact.
    std::mutex mutex;
    std::vector<Clock::time_point> injected(static_cast<std::size_t>(impulses));
    std::vector<double> latencies;
    media::PlayerConfig config;
    config.sink = "none";
    config.onRendered = [&](std::span<const std::int16_t> samples) {
        const auto now = Clock::now();
        std::lock_guard lock(mutex);
        for (std::size_t i = 0; i < samples.size(); ++i) {
            const int id = (samples[i] - 16000) / 2;
            if (samples[i] >= 16000 && samples[i] % 2 == 0 && id < impulses) {
                const auto at = now + std::chrono::microseconds(i * 1'000'000 / 48000);
                latencies.push_back(std::chrono::duration<double, std::milli>(
                                        at - injected[static_cast<std::size_t>(id)])
                                        .count());
            }
        }
    };
    auto player = media::StethoscopePlayer::start(link.receiver.playout(), config);
    if (!player) {
        return {{"error", player.error().message()}};
    }
    (*player)->setMode(media::FilterMode::raw);

    auto packetizer =
        media::StethoscopePacketizer::create(media::StethoscopeFormat{}, 0x57E7A001, 1, 0).value();
    std::vector<std::int16_t> frame(480);
    const auto start = Clock::now();
    const int frames = impulses * 20 + 60;
    for (int i = 0; i < frames; ++i) {
        std::fill(frame.begin(), frame.end(), 0);
        const bool impulse = i >= 40 && i % 20 == 0 && i < 40 + impulses * 20;
        if (impulse) {
            const int id = (i - 40) / 20;
            frame[0] = static_cast<std::int16_t>(16000 + 2 * id);
            std::lock_guard lock(mutex);
            injected[static_cast<std::size_t>(id)] = start + i * 10ms; // captured at frame start
        }
        std::this_thread::sleep_until(start + (i + 1) * 10ms); // the frame is complete now
        link.media.sending->send(
            packetizer.packetize(frame, media::AuscultationSite::mitral).value());
    }
    std::this_thread::sleep_for(300ms);
    player->reset();
    std::lock_guard lock(mutex);
    const auto playout = link.receiver.playout()->stats();
    return {{"jitter_ms", jitter.count()},
            {"impulses", impulses},
            {"detected", latencies.size()},
            {"p50_ms", percentile(latencies, 0.50)},
            {"p95_ms", percentile(latencies, 0.95)},
            {"concealed_frames", playout.concealed},
            {"target_delay_ms", playout.targetDelayMs}};
}

} // namespace

int runStethoLatency(cli::CommandLine& args) {
    const auto impulses = rangedOption(args, "stetho-latency", "impulses", 50, 5, 1000);
    if (!impulses) {
        return 2;
    }
    nlohmann::json levels = nlohmann::json::array();
    for (const auto jitter : {0ms, 20ms, 50ms}) {
        levels.push_back(measureLatency(jitter, *impulses));
    }
    const bool met = levels[0].value("p95_ms", 1e9) <= 40 && levels[2].value("p95_ms", 1e9) <= 80;
    const nlohmann::json report = {{"benchmark", "stetho-latency"},
                                   {"levels", levels},
                                   {"target_p95_ms_at_0", 40},
                                   {"target_p95_ms_at_50", 80},
                                   {"target_met", met}};
    std::cout << report.dump(args.flag("json") ? -1 : 2) << "\n";
    return 0;
}

} // namespace tc::bench

// telecabine-bench transport-loss: a 10 ms-packet stethoscope stream between two real media
// transports (DTLS-SRTP keyed, over loopback UDP) through the impairment relay at 2, 5 and 10 %
// loss (half random single losses, half 3-packet bursts, in both directions, so NACKs and
// retransmissions are lost too) with 10 ms each way (RTT 20 ms). The three levels run at the
// same time on one protocol thread. A packet counts as unrecovered when it has not reached the
// receiver, original or rebuilt from RTX, within the playout deadline.
#include "benchmarks.hpp"
#include "loopback_media.hpp"
#include "tc/protocol/impairment.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/rtp_session.hpp"

#include <boost/asio/post.hpp>
#include <future>
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

constexpr std::uint32_t kSsrc = 0x57E70000;
constexpr auto kInterval = 10ms;
constexpr auto kOneWay = 10ms;

RtpSessionConfig audioSession() {
    RtpSessionConfig config;
    config.cname = "bench";
    config.streams = {{"stethoscope", 96, 48000, 97, false}};
    return config;
}

std::vector<std::uint8_t> audioPacket(std::uint16_t seq) {
    std::vector<std::uint8_t> p(12 + 960, 0); // 10 ms of L16 mono 48 kHz
    p[0] = 0x80;
    p[1] = 96;
    p[2] = static_cast<std::uint8_t>(seq >> 8);
    p[3] = static_cast<std::uint8_t>(seq);
    const std::uint32_t ts = seq * 480u;
    for (int i = 0; i < 4; ++i) {
        p[4 + i] = static_cast<std::uint8_t>(ts >> (24 - 8 * i));
        p[8 + i] = static_cast<std::uint8_t>(kSsrc >> (24 - 8 * i));
    }
    return p;
}

// One loss level: the link and when each packet arrived.
struct Level {
    double lossPct = 0;
    LoopbackMedia link;
    std::mutex mutex;
    std::map<std::uint16_t, Clock::time_point> arrivals;

    bool open(IoThread& io) {
        return link.open(
            io, audioSession(),
            [this](const RtpHeader& header, std::span<const std::uint8_t>, bool) {
                std::lock_guard lock(mutex);
                arrivals.emplace(header.sequence, Clock::now());
            },
            /*dtls=*/true, /*throughRelay=*/true);
    }
};

template <class T> T onIo(IoThread& io, std::function<T()> work) {
    std::promise<T> promise;
    net::post(io.context(), [&] { promise.set_value(work()); });
    return promise.get_future().get();
}

} // namespace

int runTransportLoss(cli::CommandLine& args) {
    const auto packets = static_cast<int>(args.number("packets", 3000));
    const auto deadline = std::chrono::milliseconds(args.number("deadline-ms", 200));
    if (!args.errors().empty() || packets < 100 || packets > 60000) {
        std::cerr << "transport-loss: --packets 100..60000, --deadline-ms N\n";
        return 2;
    }
    IoThread io("bench-transport");
    std::vector<std::unique_ptr<Level>> levels;
    for (const double pct : {2.0, 5.0, 10.0}) {
        levels.push_back(std::make_unique<Level>());
        levels.back()->lossPct = pct;
        if (!levels.back()->open(io)) {
            std::cerr << "transport-loss: the DTLS-SRTP transports did not connect\n";
            return 1;
        }
    }
    for (const auto& level : levels) {
        Impairment impairment;
        impairment.singleLossRate = level->lossPct / 100.0 / 2.0;
        impairment.lossRate = level->lossPct / 100.0 / 2.0 / 3.0;
        impairment.burstLength = 3;
        impairment.delay = kOneWay;
        impairment.seed = static_cast<std::uint32_t>(level->lossPct * 1000);
        level->link.relay->setImpairment(impairment);
    }

    // Send on a fixed 10 ms grid; a tail of extra packets lets the last losses be noticed.
    std::vector<Clock::time_point> sentAt(static_cast<std::size_t>(packets) + 1);
    const auto start = Clock::now();
    for (int seq = 1; seq <= packets + 20; ++seq) {
        std::this_thread::sleep_until(start + seq * kInterval);
        if (seq <= packets) {
            sentAt[static_cast<std::size_t>(seq)] = Clock::now();
        }
        for (const auto& level : levels) {
            level->link.sending->send(audioPacket(static_cast<std::uint16_t>(seq)));
        }
    }
    std::this_thread::sleep_for(deadline + 300ms);

    nlohmann::json results = nlohmann::json::array();
    bool met = true;
    for (const auto& level : levels) {
        int unrecovered = 0;
        int neverArrived = 0;
        std::vector<double> latencies;
        {
            std::lock_guard lock(level->mutex);
            for (int seq = 1; seq <= packets; ++seq) {
                const auto it = level->arrivals.find(static_cast<std::uint16_t>(seq));
                if (it == level->arrivals.end()) {
                    ++neverArrived;
                    ++unrecovered;
                    continue;
                }
                const auto latency = it->second - sentAt[static_cast<std::size_t>(seq)];
                latencies.push_back(std::chrono::duration<double, std::milli>(latency).count());
                if (latency > deadline) {
                    ++unrecovered;
                }
            }
        }
        std::sort(latencies.begin(), latencies.end());
        const auto relayStats = &level->link.relay->stats();
        const auto stats =
            onIo<std::vector<RtpStreamStats>>(io, [&] { return level->link.receiving->stats(); });
        const auto sent =
            onIo<std::vector<RtpStreamStats>>(io, [&] { return level->link.sending->stats(); });
        const auto forwarded = relayStats->forwarded.load();
        const auto dropped = relayStats->dropped.load();
        nlohmann::json entry = {
            {"loss_pct", level->lossPct},
            {"wire_loss_pct",
             100.0 * static_cast<double>(dropped) /
                 static_cast<double>(std::max<std::uint64_t>(1, forwarded + dropped))},
            {"unrecovered_pct", 100.0 * unrecovered / packets},
            {"never_delivered_pct", 100.0 * neverArrived / packets},
            {"latency_p50_ms", latencies.empty() ? 0.0 : latencies[latencies.size() / 2]},
            {"latency_p99_ms", latencies.empty() ? 0.0 : latencies[latencies.size() * 99 / 100]},
        };
        if (!stats.empty()) {
            entry["lost_on_wire"] = stats.front().lost;
            entry["recovered"] = stats.front().recovered;
            entry["nacked"] = stats.front().nacked;
            entry["rtt_ms"] = stats.front().rttMs.value_or(0.0);
        }
        if (!sent.empty()) {
            entry["retransmitted"] = sent.front().retransmitted;
        }
        if (level->lossPct == 10.0 && 100.0 * unrecovered / packets > 0.1) {
            met = false;
        }
        results.push_back(entry);
    }
    for (const auto& level : levels) {
        level->link.close();
    }
    io.stop();

    const nlohmann::json report = {
        {"benchmark", "transport-loss"},
        {"packets", packets},
        {"packet_interval_ms", kInterval.count()},
        {"one_way_delay_ms", kOneWay.count()},
        {"burst_length", 3},
        {"deadline_ms", deadline.count()},
        {"levels", results},
        {"target_unrecovered_pct_at_10", 0.1},
        {"target_met", met},
    };
    std::cout << report.dump(args.flag("json") ? -1 : 2) << "\n";
    return 0;
}

} // namespace tc::bench

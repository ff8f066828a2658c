#pragma once
// What the two rendezvous benchmarks share (rendezvous_bench.cpp: one service;
// rendezvous_cluster_bench.cpp: nodes sharing PostgreSQL): a process's RSS, the fan-out
// recorder and the clients' listener that feeds it, percentiles, waiting, the open-file limit.

#include "tc/protocol/rendezvous_client.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <string>
#include <sys/resource.h>
#include <sys/types.h>
#include <thread>
#include <unordered_map>
#include <vector>

namespace tc::bench::rendezvous {

using Clock = std::chrono::steady_clock;

inline double rssMb(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stod(line.substr(6)) / 1024.0;
        }
    }
    return -1;
}

// Records when each doctor sees each added visit. Written on the clients' io thread.
struct FanoutRecorder {
    std::mutex mutex;
    std::unordered_map<std::string, Clock::time_point> sentAt;
    std::vector<double> latenciesMs;
    std::atomic<std::size_t> deliveries{0};
};

// Counts welcomes; with a recorder, times every `queue.update` that adds a visit.
class BenchListener final : public protocol::ClientListener {
public:
    // `welcomed` counts clients welcomed at least once; `rewelcomed` (optional) the welcomes
    // after a reconnection.
    BenchListener(FanoutRecorder* recorder, std::atomic<int>* welcomed,
                  std::atomic<int>* rewelcomed = nullptr)
        : m_recorder(recorder)
        , m_welcomed(welcomed)
        , m_rewelcomed(rewelcomed) {}
    void onConnectionState(protocol::ConnectionState, boost::system::error_code) override {}
    void onWelcome(const protocol::Welcome&, bool) override {
        if (!m_seen.exchange(true)) {
            ++*m_welcomed;
        } else if (m_rewelcomed != nullptr) {
            ++*m_rewelcomed;
        }
    }
    void onEvent(const protocol::Envelope& event) override {
        if (m_recorder == nullptr || event.type != protocol::type::queueUpdate ||
            event.body.value("op", std::string()) != "added") {
            return;
        }
        const auto now = Clock::now();
        const auto id = event.body.value("visit_id", std::string());
        const std::lock_guard lock(m_recorder->mutex);
        if (const auto it = m_recorder->sentAt.find(id); it != m_recorder->sentAt.end()) {
            m_recorder->latenciesMs.push_back(
                std::chrono::duration<double, std::milli>(now - it->second).count());
            ++m_recorder->deliveries;
        }
    }

private:
    FanoutRecorder* m_recorder;
    std::atomic<int>* m_welcomed;
    std::atomic<int>* m_rewelcomed;
    std::atomic<bool> m_seen{false};
};

inline double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return -1;
    }
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

template <class Pred> bool waitFor(Pred pred, std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!pred()) {
        if (Clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

// Thousands of sockets on each side: the soft limit on open files goes up to the hard one.
// The soft limit up to the hard one, and as root the hard one too: 22,000 clients in one
// process need more descriptors than this machine's default hard limit (20,000), and a client
// refused a descriptor reconnects in a loop.
inline void raiseOpenFileLimit() {
    struct rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return;
    }
    constexpr rlim_t kWanted = 262'144;
    if (limit.rlim_max < kWanted) {
        struct rlimit raised {
            kWanted, kWanted
        };
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            return;
        }
    }
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace tc::bench::rendezvous

#pragma once
// A node's replica of the rendezvous state, computed from the cluster's command log
// (cluster_log.hpp). Every node applies every command in the log's order with the command's
// own time and randomness, so every replica holds the same parties, visits, claims and
// sessions, and computes the same messages and events. A node delivers the messages meant for
// its own connections and ignores the rest: that is the fan-out across nodes.
//
// Commands: `connect` (body: the identity), `request` (body: the envelope), `disconnect`,
// `expire` (the grace periods run out at the command's time), `node_lost` (body: the node id;
// its connections are lost, and what it logs afterwards is ignored).
//
// Not thread-safe: the service's executor owns it. No I/O.

#include "cluster_log.hpp"
#include "tc/protocol/rendezvous_state.hpp"

#include <set>

namespace tc::protocol::detail {

// A connection id carries its node: node << 32 | the node's own counter.
constexpr ConnectionId firstConnectionOf(std::int64_t node) noexcept {
    return (static_cast<ConnectionId>(node) << 32) + 1;
}
constexpr std::int64_t nodeOfConnection(ConnectionId connection) noexcept {
    return static_cast<std::int64_t>(connection >> 32);
}

// What every replica of a cluster must share to compute the same state from the same log, as a
// canonical text (the TURN secret as a digest): ClusterLogConfig::settings.
std::string replicaSettings(const StateConfig& config, std::chrono::milliseconds nodeLossTimeout);

class ClusterReplica {
public:
    explicit ClusterReplica(StateConfig config);
    ClusterReplica(const ClusterReplica&) = delete;
    ClusterReplica& operator=(const ClusterReplica&) = delete;

    RendezvousState& state() noexcept { return m_state; }
    const RendezvousState& state() const noexcept { return m_state; }
    // Applies `command` unless it was applied already (seq at or below appliedSeq()). The
    // events it caused are appended to `events`.
    void apply(const ClusterCommand& command, Effects& effects,
               std::vector<SequencedEvent>& events);
    std::int64_t appliedSeq() const noexcept { return m_appliedSeq; }
    // The log's time at the last command applied (the replica's clock), Unix ms.
    std::int64_t logTimeMs() const noexcept { return m_environment.atMs; }
    bool isLost(std::int64_t node) const { return m_lostNodes.contains(node); }
    // Commands that could not be read (never expected: only nodes write the log).
    std::uint64_t unreadable() const noexcept { return m_unreadable; }

    static std::chrono::steady_clock::time_point logTime(std::int64_t unixMs) {
        return std::chrono::steady_clock::time_point(std::chrono::milliseconds(unixMs));
    }
    static std::int64_t unixMsOf(std::chrono::steady_clock::time_point logTime) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(logTime.time_since_epoch())
            .count();
    }

private:
    // The command's time and a generator seeded by the command's seed.
    struct Environment final : StateEnvironment {
        std::int64_t atMs = 0;
        std::string seed;
        std::uint64_t counter = 0;
        std::int64_t unixMs() override { return atMs; }
        std::chrono::steady_clock::time_point steadyNow() override { return logTime(atMs); }
        std::string randomHex(std::size_t bytes) override;
    };
    struct Collector final : EventRecorder {
        std::vector<LoggedEvent> events;
        Result<void> record(const LoggedEvent& event) override {
            events.push_back(event);
            return {};
        }
    };

    Environment m_environment;
    Collector m_collector;
    RendezvousState m_state;
    std::int64_t m_appliedSeq = 0;
    std::set<std::int64_t> m_lostNodes;
    std::uint64_t m_unreadable = 0;
};

} // namespace tc::protocol::detail

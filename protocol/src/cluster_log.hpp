#pragma once
// A rendezvous node's link to the cluster's PostgreSQL database (protocol/README.md, section
// "Service nodes sharing PostgreSQL"): the shared command log that every node applies, in the
// same order, to its replica of the state (cluster_replica.hpp); the node registry, whose
// heartbeats tell the others when a node is lost; and the event log.
//
// Blocking libpq on two threads of its own, never on the service's executor: the writer
// (commands in batches, events, heartbeats, declaring lost nodes) and the reader (LISTEN, then
// every new command in log order, from the table: a NOTIFY only wakes it, so nothing is missed
// while it was disconnected). Callbacks come from those threads.

#include "tc/protocol/event_log.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tc::protocol::detail {

struct ClusterCommand {
    std::int64_t seq = 0;  // position in the log, from 1
    std::string id;        // unique: an insert retried after a lost reply is not doubled
    std::int64_t node = 0; // the node that wrote it
    std::int64_t atMs = 0; // the database's clock at the insert, never decreasing in the log
    std::string seed;      // hex: the command's randomness (identifiers, tokens)
    std::string kind;      // see cluster_replica.hpp
    std::uint64_t connection = 0;
    std::string body;
};

// An event with its place in the log: the command's seq × 65536 + its rank in that command.
// Every node computes the same events from the same commands; each writes them, and the
// database keeps one of each.
struct SequencedEvent {
    std::int64_t sequence = 0;
    LoggedEvent event;
};

struct ClusterLogConfig {
    std::string url;
    std::chrono::milliseconds heartbeat{1000};
    // A node whose heartbeat is older than this is declared lost (its connections end, their
    // parties get their grace period); a node that could not beat for half of it stops serving.
    std::chrono::milliseconds nodeLossTimeout{6000};
    std::function<void(const std::string&)> log;
    // The settings every replica must share to compute the same state (grace period, rates,
    // ICE servers...), as a canonical text: a node is refused (settingsMismatch) while a live
    // node runs with other ones.
    std::string settings;
};

class ClusterLog {
public:
    struct Callbacks {
        // New commands in log order (the reader's thread), from the start of the log.
        std::function<void(std::vector<ClusterCommand>)> commands;
        // The node must stop serving: the database was out of reach for half the loss
        // timeout, or the others declared it lost (the writer's thread).
        std::function<void()> fenced;
        // Registered again under `node` once the database answers (the writer's thread).
        std::function<void(std::int64_t node)> rejoined;
    };

    // Connects, migrates the schema (cluster_schema.hpp), registers this node and starts the
    // threads.
    static Result<std::unique_ptr<ClusterLog>> open(ClusterLogConfig config, Callbacks callbacks);
    ~ClusterLog();
    ClusterLog(const ClusterLog&) = delete;
    ClusterLog& operator=(const ClusterLog&) = delete;

    std::int64_t node() const noexcept;
    // How long ago this node last beat: past half the loss timeout it must stop serving, even
    // while the writer is still blocked in a statement.
    std::chrono::steady_clock::duration sinceLastBeat() const noexcept;
    std::chrono::milliseconds nodeLossTimeout() const noexcept;
    // Appends a command (its id, seed and node are filled here). Thread-safe; in order.
    void submit(std::string kind, std::uint64_t connection, std::string body);
    void writeEvents(std::vector<SequencedEvent> events);
    // The RPPS of the doctor who claimed `sessionId`, from the shared event log.
    Result<std::optional<std::string>> claimingDoctor(const std::string& sessionId);
    // Stops the threads; commands not yet written are dropped (the node is going away).
    void stop();

private:
    struct Impl;
    explicit ClusterLog(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::protocol::detail

#pragma once
// Durable, append-only log of every rendezvous state change, in SQLite (WAL). The coordinators'
// indicators (number of teleconsultations, waiting times, durations) are computed from it.

#include "tc/protocol/errors.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tc::protocol {

struct LoggedEvent {
    std::int64_t sequence = 0; // assigned by the log
    std::int64_t atUnixMs = 0; // wall clock when the change happened
    std::string kind;          // "checkin", "claim", "join", "end", "cabin_ready", ...
    std::string visitId;
    std::string sessionId;
    std::string siteCode;
    std::string doctorRpps;
    std::string reason;                     // end reason, refusal reason, ...
    std::optional<std::int64_t> waitMs;     // check-in to claim
    std::optional<std::int64_t> durationMs; // join to end
    std::string detailJson;                 // extra structured detail, "{}" when none
};

// Where the rendezvous state records its events: the SQLite EventLog below, or a cluster node's
// collector that writes them to PostgreSQL off the service's thread (cluster_node.hpp).
class EventRecorder {
public:
    virtual ~EventRecorder() = default;
    virtual Result<void> record(const LoggedEvent& event) = 0;
};

class EventLog final : public EventRecorder {
public:
    // ":memory:" gives a private in-memory log (tests, benchmarks).
    static Result<EventLog> open(const std::string& path);

    EventLog(EventLog&&) noexcept;
    EventLog& operator=(EventLog&&) noexcept;
    ~EventLog();

    Result<std::int64_t> append(const LoggedEvent& event);
    Result<void> record(const LoggedEvent& event) override;
    Result<std::vector<LoggedEvent>> read(std::int64_t afterSequence = 0,
                                          std::size_t limit = 10000) const;
    // The RPPS of the doctor who claimed `sessionId` (its `claim` row), nullopt if the log has
    // no claim of that session. Indexed: the archive asks it for every upload it begins.
    Result<std::optional<std::string>> claimingDoctor(const std::string& sessionId) const;

private:
    struct Impl;
    explicit EventLog(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::protocol

#pragma once
// The review index: one row per committed consultation record, what the coordinators' list and
// indicators read without decrypting anything. The service writes the row when the archive
// commits the record, from what it knows itself (its event log: site, doctor, check-in, claim,
// join and end times, end reason) and from the committed dossier (record.json and the signed
// report's JSON, decrypted by the service): orientation, incidents, prescriptions, age band,
// sex, consents. Never the patient's name, birth date or INS.
//
// SqliteReviewIndex keeps the table `review_records` in the event log's own SQLite file
// (event_log.hpp; WAL lets a second connection in), so that the indicators join both in SQL.
// A shared database (PostgreSQL) can replace it behind this interface. Thread-safe.
//
// Schema (protocol/README.md, "Review index"; the indicators depend on it, never change it):
//   review_records(record_id TEXT PRIMARY KEY, site, doctor_rpps, visit_id, checkin_ms,
//     claim_ms, start_ms, end_ms, wait_ms, duration_ms, end_reason, orientation,
//     incident_count, prescription_count, age_band, sex, quality_review, care, committed_ms)
//   indexes review_by_site_time (site, start_ms), review_by_doctor_time (doctor_rpps, start_ms)

#include "tc/errors/outcome.hpp"
#include "tc/protocol/errc/review_errc.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

class ArchiveStore;

template <class T> using ReviewResult = errors::Outcome<T, errors::Failure>;

struct ReviewRow {
    std::string recordId; // the session id
    std::string site;     // the cabin's site code (its certificate's, as the event log has it)
    std::string doctorRpps;
    std::string visitId;
    std::int64_t checkinMs = 0;
    std::int64_t claimMs = 0;
    std::int64_t startMs = 0; // media flowed (the join); the claim when it never did
    std::int64_t endMs = 0;
    std::int64_t waitMs = 0;     // check-in to claim
    std::int64_t durationMs = 0; // join to end
    std::string endReason;       // the session's end reason, wire name
    std::string orientation;     // the signed report's follow-up, wire name; "" without one
    std::int64_t incidentCount = 0;
    std::int64_t prescriptionCount = 0;
    std::string ageBand; // ageBandOf: "0-17", "18-29", "30-39", ..., "70-79", "80+"
    std::string sex;     // the identity's sex code: "female", "male", "other", "unknown"
    bool qualityReview = false;
    bool care = false;
    std::int64_t committedMs = 0;

    friend bool operator==(const ReviewRow&, const ReviewRow&) = default;
};

// The age band of someone born on `birth`, on `on`: 0-17, 18-29, then by decade to 70-79,
// then 80+. Wide at both ends so that a band never singles out a patient in a small site.
std::string ageBandOf(std::chrono::year_month_day birth, std::chrono::year_month_day on);

// What the event log says about a session: its claim, join and end rows and the visit's
// check-in. nullopt when the log holds no claim or no end of it.
struct SessionFacts {
    std::string visitId;
    std::string site;
    std::string doctorRpps;
    std::int64_t checkinMs = 0;
    std::int64_t claimMs = 0;
    std::int64_t startMs = 0;
    std::int64_t endMs = 0;
    std::int64_t waitMs = 0;
    std::int64_t durationMs = 0;
    std::string endReason;
};

// The list's filters; unset: any. `orientation` "" asks for the rows without a signed report.
// The review routes' query (ReviewClient sends them, the service parses them).
struct ReviewFilters {
    std::optional<std::int64_t> fromMs; // start_ms >= from
    std::optional<std::int64_t> toMs;   // start_ms < to
    std::optional<std::string> site;
    std::optional<std::string> doctorRpps;
    std::optional<std::string> endReason;
    std::optional<std::string> orientation;
    std::optional<bool> incident; // incident_count > 0, or = 0
};

// A page of the list: filters, the requester's visibility and the keyset cursor.
struct ReviewQuery : ReviewFilters {
    // Visibility, from the requester: a doctor sees `ownerRpps`'s rows; a coordinator the rows
    // of `sites` with the quality-review consent. Exactly one of the two is set.
    std::optional<std::string> ownerRpps;
    std::optional<std::vector<std::string>> consentedSites;
    // Newest first (start_ms, then record_id, descending); `after` is the last row of the
    // previous page.
    std::optional<std::pair<std::int64_t, std::string>> after;
    std::size_t limit = 50;
};

class ReviewIndex {
public:
    virtual ~ReviewIndex() = default;

    // Inserts or replaces the record's row: indexing twice leaves one row.
    virtual ReviewResult<void> put(const ReviewRow& row) = 0;
    virtual ReviewResult<std::optional<ReviewRow>> row(std::string_view recordId) = 0;
    virtual ReviewResult<std::vector<ReviewRow>> page(const ReviewQuery& query) = 0;
    // Which of `recordIds` have no row (the catch-up at start); by default one row() each.
    virtual ReviewResult<std::vector<std::string>>
    missing(const std::vector<std::string>& recordIds);
    // The session's facts, from the event log in the same database.
    virtual ReviewResult<std::optional<SessionFacts>> sessionFacts(std::string_view sessionId) = 0;
};

// The index in the event log's SQLite file (created by EventLog::open first).
class SqliteReviewIndex final : public ReviewIndex {
public:
    static ReviewResult<std::unique_ptr<SqliteReviewIndex>>
    open(const std::filesystem::path& eventLogFile);

    ~SqliteReviewIndex() override;
    SqliteReviewIndex(const SqliteReviewIndex&) = delete;
    SqliteReviewIndex& operator=(const SqliteReviewIndex&) = delete;

    ReviewResult<void> put(const ReviewRow& row) override;
    ReviewResult<std::optional<ReviewRow>> row(std::string_view recordId) override;
    ReviewResult<std::vector<ReviewRow>> page(const ReviewQuery& query) override;
    ReviewResult<std::optional<SessionFacts>> sessionFacts(std::string_view sessionId) override;

private:
    struct Impl;
    explicit SqliteReviewIndex(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// The index in the cluster's PostgreSQL database (`url`: postgresql://...): review_records
// next to the cluster's events, shared by every node. Connects and migrates the cluster schema
// before it returns; a connection lost later is opened again by the next call. Thread-safe.
ReviewResult<std::unique_ptr<ReviewIndex>> openPostgresReviewIndex(const std::string& url);

// Indexes one committed record: its facts from the index's event log, its record.json and
// signed report read through `store` as the service itself. Idempotent. notIndexable when the
// log has no ended session for it; unreadableRecord when record.json cannot be parsed.
ReviewResult<ReviewRow> indexRecord(const ArchiveStore& store, ReviewIndex& index,
                                    std::string_view recordId);
// Indexes every committed record that has no row yet; returns how many it indexed and logs
// (through `log`) those it could not.
std::size_t indexMissingRecords(const ArchiveStore& store, ReviewIndex& index,
                                const std::function<void(const std::string&)>& log);

} // namespace tc::protocol

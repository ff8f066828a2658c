// The review index in the event log's SQLite file: see review_index.hpp.

#include "sqlite_handles.hpp"
#include "tc/protocol/review_index.hpp"

#include <mutex>

namespace tc::protocol {
namespace {

using namespace detail; // sqlite_handles.hpp

// Exactly the schema the indicators read (review_index.hpp).
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS review_records(
  record_id TEXT PRIMARY KEY, site TEXT NOT NULL, doctor_rpps TEXT NOT NULL,
  visit_id TEXT NOT NULL, checkin_ms INTEGER NOT NULL, claim_ms INTEGER NOT NULL,
  start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
  wait_ms INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
  end_reason TEXT NOT NULL, orientation TEXT NOT NULL,
  incident_count INTEGER NOT NULL, prescription_count INTEGER NOT NULL,
  age_band TEXT NOT NULL, sex TEXT NOT NULL,
  quality_review INTEGER NOT NULL, care INTEGER NOT NULL, committed_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS review_by_site_time ON review_records(site, start_ms);
CREATE INDEX IF NOT EXISTS review_by_doctor_time ON review_records(doctor_rpps, start_ms);
CREATE INDEX IF NOT EXISTS review_by_time ON review_records(start_ms, record_id);
)sql";

constexpr const char* kColumns =
    "record_id, site, doctor_rpps, visit_id, checkin_ms, claim_ms, start_ms, end_ms, wait_ms, "
    "duration_ms, end_reason, orientation, incident_count, prescription_count, age_band, sex, "
    "quality_review, care, committed_ms";

errors::Failure indexFailure(sqlite3* db, std::string what) {
    return errors::Failure{make_error_code(ReviewErrc::indexFailure),
                           what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "no database")};
}

ReviewRow rowOf(sqlite3_stmt* s) {
    ReviewRow r;
    r.recordId = columnText(s, 0);
    r.site = columnText(s, 1);
    r.doctorRpps = columnText(s, 2);
    r.visitId = columnText(s, 3);
    r.checkinMs = sqlite3_column_int64(s, 4);
    r.claimMs = sqlite3_column_int64(s, 5);
    r.startMs = sqlite3_column_int64(s, 6);
    r.endMs = sqlite3_column_int64(s, 7);
    r.waitMs = sqlite3_column_int64(s, 8);
    r.durationMs = sqlite3_column_int64(s, 9);
    r.endReason = columnText(s, 10);
    r.orientation = columnText(s, 11);
    r.incidentCount = sqlite3_column_int64(s, 12);
    r.prescriptionCount = sqlite3_column_int64(s, 13);
    r.ageBand = columnText(s, 14);
    r.sex = columnText(s, 15);
    r.qualityReview = sqlite3_column_int(s, 16) != 0;
    r.care = sqlite3_column_int(s, 17) != 0;
    r.committedMs = sqlite3_column_int64(s, 18);
    return r;
}

// Binds the values of a statement built piece by piece.
struct Binder {
    sqlite3_stmt* statement;
    int next = 1;
    void text(std::string_view value) { bindText(statement, next++, value); }
    void number(std::int64_t value) { sqlite3_bind_int64(statement, next++, value); }
};

} // namespace

struct SqliteReviewIndex::Impl {
    std::mutex mutex; // one connection, several store threads
    DbPtr db;
    StatementPtr put;
    StatementPtr row;
};

SqliteReviewIndex::SqliteReviewIndex(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
SqliteReviewIndex::~SqliteReviewIndex() = default;

ReviewResult<std::unique_ptr<SqliteReviewIndex>>
SqliteReviewIndex::open(const std::filesystem::path& eventLogFile) {
    auto impl = std::make_unique<Impl>();
    sqlite3* raw = nullptr;
    // No CREATE: the event log made the file; a review index alone would be of no use.
    const int opened = sqlite3_open_v2(eventLogFile.c_str(), &raw,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    impl->db.reset(raw);
    if (opened != SQLITE_OK) {
        return indexFailure(raw, "cannot open " + eventLogFile.string());
    }
    // The event log writes on its own connection: wait for its short transactions.
    sqlite3_busy_timeout(raw, 5000);
    if (sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr,
                     nullptr) != SQLITE_OK ||
        sqlite3_exec(raw, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) {
        return indexFailure(raw, "cannot create review_records");
    }
    impl->put =
        prepareStatement(raw, (std::string("INSERT OR REPLACE INTO review_records (") + kColumns +
                               ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                                  .c_str());
    impl->row = prepareStatement(
        raw,
        (std::string("SELECT ") + kColumns + " FROM review_records WHERE record_id = ?").c_str());
    if (!impl->put || !impl->row) {
        return indexFailure(raw, "cannot prepare the review statements");
    }
    return std::unique_ptr<SqliteReviewIndex>(new SqliteReviewIndex(std::move(impl)));
}

ReviewResult<void> SqliteReviewIndex::put(const ReviewRow& r) {
    const std::lock_guard lock(m_impl->mutex);
    sqlite3_stmt* s = m_impl->put.get();
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    Binder b{s};
    b.text(r.recordId);
    b.text(r.site);
    b.text(r.doctorRpps);
    b.text(r.visitId);
    b.number(r.checkinMs);
    b.number(r.claimMs);
    b.number(r.startMs);
    b.number(r.endMs);
    b.number(r.waitMs);
    b.number(r.durationMs);
    b.text(r.endReason);
    b.text(r.orientation);
    b.number(r.incidentCount);
    b.number(r.prescriptionCount);
    b.text(r.ageBand);
    b.text(r.sex);
    b.number(r.qualityReview ? 1 : 0);
    b.number(r.care ? 1 : 0);
    b.number(r.committedMs);
    const int stepped = sqlite3_step(s);
    sqlite3_reset(s);
    if (stepped != SQLITE_DONE) {
        return indexFailure(m_impl->db.get(), "cannot index " + r.recordId);
    }
    return {};
}

ReviewResult<std::optional<ReviewRow>> SqliteReviewIndex::row(std::string_view recordId) {
    const std::lock_guard lock(m_impl->mutex);
    sqlite3_stmt* s = m_impl->row.get();
    sqlite3_reset(s);
    bindText(s, 1, recordId);
    const int stepped = sqlite3_step(s);
    std::optional<ReviewRow> found;
    if (stepped == SQLITE_ROW) {
        found = rowOf(s);
    }
    sqlite3_reset(s);
    if (stepped != SQLITE_ROW && stepped != SQLITE_DONE) {
        return indexFailure(m_impl->db.get(), "cannot read the review index");
    }
    return found;
}

ReviewResult<std::vector<ReviewRow>> SqliteReviewIndex::page(const ReviewQuery& q) {
    if (q.consentedSites && q.consentedSites->empty()) {
        return std::vector<ReviewRow>(); // a coordinator whose CPTS covers no site
    }
    std::string sql = std::string("SELECT ") + kColumns + " FROM review_records WHERE 1";
    if (q.ownerRpps) {
        sql += " AND doctor_rpps = ?";
    }
    if (q.consentedSites) {
        // "+site": the coordinator's page walks review_by_time newest first and stops at the
        // page's last row, instead of gathering and sorting every row of its CPTS's sites
        // (80 ms for 28,000 rows, under 1 ms this way; telecabine-bench review).
        sql += " AND quality_review = 1 AND +site IN (?";
        for (std::size_t i = 1; i < q.consentedSites->size(); ++i) {
            sql += ",?";
        }
        sql += ")";
    }
    if (!q.ownerRpps && !q.consentedSites) {
        return std::vector<ReviewRow>(); // nobody's rows: never everyone's
    }
    const auto add = [&](bool present, const char* clause) {
        if (present) {
            sql += clause;
        }
    };
    add(q.fromMs.has_value(), " AND start_ms >= ?");
    add(q.toMs.has_value(), " AND start_ms < ?");
    add(q.site.has_value(), " AND site = ?");
    add(q.doctorRpps.has_value(), " AND doctor_rpps = ?");
    add(q.endReason.has_value(), " AND end_reason = ?");
    add(q.orientation.has_value(), " AND orientation = ?");
    if (q.incident) {
        sql += *q.incident ? " AND incident_count > 0" : " AND incident_count = 0";
    }
    add(q.after.has_value(), " AND (start_ms < ? OR (start_ms = ? AND record_id < ?))");
    sql += " ORDER BY start_ms DESC, record_id DESC LIMIT ?";

    const std::lock_guard lock(m_impl->mutex);
    sqlite3* db = m_impl->db.get();
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
        return indexFailure(db, "cannot query the review index");
    }
    const StatementPtr statement(raw);
    Binder b{raw};
    if (q.ownerRpps) {
        b.text(*q.ownerRpps);
    }
    if (q.consentedSites) {
        for (const auto& site : *q.consentedSites) {
            b.text(site);
        }
    }
    if (q.fromMs) {
        b.number(*q.fromMs);
    }
    if (q.toMs) {
        b.number(*q.toMs);
    }
    for (const auto* text : {&q.site, &q.doctorRpps, &q.endReason, &q.orientation}) {
        if (*text) {
            b.text(**text);
        }
    }
    if (q.after) {
        b.number(q.after->first);
        b.number(q.after->first);
        b.text(q.after->second);
    }
    b.number(static_cast<std::int64_t>(q.limit));
    std::vector<ReviewRow> rows;
    int stepped = SQLITE_ROW;
    while ((stepped = sqlite3_step(raw)) == SQLITE_ROW) {
        rows.push_back(rowOf(raw));
    }
    if (stepped != SQLITE_DONE) {
        return indexFailure(db, "cannot read the review index");
    }
    return rows;
}

ReviewResult<std::optional<SessionFacts>>
SqliteReviewIndex::sessionFacts(std::string_view sessionId) {
    const std::lock_guard lock(m_impl->mutex);
    sqlite3* db = m_impl->db.get();
    // The first row of `kind` for the session: its time and the columns asked for.
    const auto first = [&](const char* sql, auto&& read) -> std::optional<bool> {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
            return std::nullopt;
        }
        const StatementPtr statement(raw);
        bindText(raw, 1, sessionId);
        const int stepped = sqlite3_step(raw);
        if (stepped == SQLITE_ROW) {
            read(raw);
            return true;
        }
        return stepped == SQLITE_DONE ? std::optional<bool>(false) : std::nullopt;
    };
    SessionFacts facts;
    std::optional<std::int64_t> logWait;
    const auto claim =
        first("SELECT at_unix_ms, visit_id, site_code, doctor_rpps, wait_ms FROM events "
              "WHERE session_id = ? AND kind = 'claim' ORDER BY sequence LIMIT 1",
              [&](sqlite3_stmt* s) {
                  facts.claimMs = sqlite3_column_int64(s, 0);
                  facts.visitId = columnText(s, 1);
                  facts.site = columnText(s, 2);
                  facts.doctorRpps = columnText(s, 3);
                  if (sqlite3_column_type(s, 4) != SQLITE_NULL) {
                      logWait = sqlite3_column_int64(s, 4);
                  }
              });
    bool joined = false;
    const auto join = first("SELECT at_unix_ms FROM events WHERE session_id = ? AND kind = 'join' "
                            "ORDER BY sequence LIMIT 1",
                            [&](sqlite3_stmt* s) {
                                facts.startMs = sqlite3_column_int64(s, 0);
                                joined = true;
                            });
    const auto end = first("SELECT at_unix_ms, reason, duration_ms FROM events "
                           "WHERE session_id = ? AND kind = 'end' ORDER BY sequence LIMIT 1",
                           [&](sqlite3_stmt* s) {
                               facts.endMs = sqlite3_column_int64(s, 0);
                               facts.endReason = columnText(s, 1);
                               facts.durationMs = sqlite3_column_int64(s, 2);
                           });
    if (!claim || !join || !end) {
        return indexFailure(db, "cannot read the event log");
    }
    if (!*claim || !*end) {
        return std::optional<SessionFacts>();
    }
    if (!joined) {
        facts.startMs = facts.claimMs; // media never flowed: the session's span starts at claim
    }
    facts.waitMs = logWait.value_or(0);
    facts.checkinMs = facts.claimMs - facts.waitMs;
    // The visit's check-in, the last one before the claim (a visit id may come back later).
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db,
                           "SELECT at_unix_ms FROM events WHERE kind = 'checkin' AND visit_id = ? "
                           "AND at_unix_ms <= ? ORDER BY sequence DESC LIMIT 1",
                           -1, &raw, nullptr) != SQLITE_OK) {
        return indexFailure(db, "cannot read the event log");
    }
    const StatementPtr checkin(raw);
    bindText(raw, 1, facts.visitId);
    sqlite3_bind_int64(raw, 2, facts.claimMs);
    const int stepped = sqlite3_step(raw);
    if (stepped == SQLITE_ROW) {
        facts.checkinMs = sqlite3_column_int64(raw, 0);
        if (!logWait) {
            facts.waitMs = facts.claimMs - facts.checkinMs;
        }
    } else if (stepped != SQLITE_DONE) {
        return indexFailure(db, "cannot read the event log");
    }
    return std::optional<SessionFacts>(std::move(facts));
}

} // namespace tc::protocol

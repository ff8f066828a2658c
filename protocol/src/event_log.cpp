#include "tc/protocol/event_log.hpp"

#include "sqlite_handles.hpp"

namespace tc::protocol {
namespace {

using namespace detail; // sqlite_handles.hpp

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    sequence    INTEGER PRIMARY KEY AUTOINCREMENT,
    at_unix_ms  INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    visit_id    TEXT NOT NULL DEFAULT '',
    session_id  TEXT NOT NULL DEFAULT '',
    site_code   TEXT NOT NULL DEFAULT '',
    doctor_rpps TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    wait_ms     INTEGER,
    duration_ms INTEGER,
    detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS events_kind_time ON events (kind, at_unix_ms);
CREATE INDEX IF NOT EXISTS events_site_time ON events (site_code, at_unix_ms);
CREATE INDEX IF NOT EXISTS events_session ON events (session_id, kind);
-- The coordinators' indicators (review_indicators.cpp) read these alone, never the table.
CREATE INDEX IF NOT EXISTS events_ended
    ON events (at_unix_ms, site_code, session_id, reason, wait_ms, duration_ms) WHERE kind = 'end';
CREATE INDEX IF NOT EXISTS events_cancelled
    ON events (at_unix_ms, site_code, reason, wait_ms) WHERE kind = 'cancel';
CREATE INDEX IF NOT EXISTS events_satisfaction
    ON events (session_id, sequence, detail) WHERE kind = 'satisfaction';
)sql";

boost::system::error_code storageError() {
    return make_error_code(Errc::storageFailure);
}

void bindOptional(sqlite3_stmt* s, int index, const std::optional<std::int64_t>& value) {
    if (value) {
        sqlite3_bind_int64(s, index, *value);
    } else {
        sqlite3_bind_null(s, index);
    }
}

std::optional<std::int64_t> columnOptional(sqlite3_stmt* s, int index) {
    if (sqlite3_column_type(s, index) == SQLITE_NULL) {
        return std::nullopt;
    }
    return sqlite3_column_int64(s, index);
}

} // namespace

struct EventLog::Impl {
    DbPtr db;
    StatementPtr insert;
    StatementPtr select;
    StatementPtr claim;
};

EventLog::EventLog(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
EventLog::EventLog(EventLog&&) noexcept = default;
EventLog& EventLog::operator=(EventLog&&) noexcept = default;
EventLog::~EventLog() = default;

Result<EventLog> EventLog::open(const std::string& path) {
    auto impl = std::make_unique<Impl>();
    sqlite3* raw = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int opened = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    impl->db.reset(raw);
    if (opened != SQLITE_OK) {
        return storageError();
    }
    // WAL: appends do not block readers (coordinators' reports); NORMAL sync is durable across
    // a crash of the service, which is the failure that matters on a server with a UPS.
    if (sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr,
                     nullptr) != SQLITE_OK ||
        sqlite3_exec(raw, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) {
        return storageError();
    }
    {
        auto version = prepareStatement(raw, "SELECT version FROM schema_version LIMIT 1");
        if (!version) {
            return storageError();
        }
        if (sqlite3_step(version.get()) == SQLITE_ROW) {
            if (sqlite3_column_int(version.get(), 0) != kSchemaVersion) {
                return storageError(); // written by another version: do not mix schemas
            }
        } else {
            const std::string insert =
                "INSERT INTO schema_version VALUES (" + std::to_string(kSchemaVersion) + ")";
            if (sqlite3_exec(raw, insert.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
                return storageError();
            }
        }
    }
    impl->insert = prepareStatement(
        raw, "INSERT INTO events (at_unix_ms, kind, visit_id, session_id, "
             "site_code, doctor_rpps, reason, wait_ms, duration_ms, detail) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    impl->select = prepareStatement(
        raw, "SELECT sequence, at_unix_ms, kind, visit_id, session_id, "
             "site_code, doctor_rpps, reason, wait_ms, duration_ms, detail "
             "FROM events WHERE sequence > ? ORDER BY sequence LIMIT ?");
    impl->claim =
        prepareStatement(raw, "SELECT doctor_rpps FROM events WHERE session_id = ? AND "
                                      "kind = 'claim' ORDER BY sequence LIMIT 1");
    if (!impl->insert || !impl->select || !impl->claim) {
        return storageError();
    }
    return EventLog(std::move(impl));
}

Result<void> EventLog::record(const LoggedEvent& event) {
    auto appended = append(event);
    if (!appended) {
        return appended.error();
    }
    return {};
}

Result<std::int64_t> EventLog::append(const LoggedEvent& event) {
    sqlite3_stmt* s = m_impl->insert.get();
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    sqlite3_bind_int64(s, 1, event.atUnixMs);
    bindText(s, 2, event.kind);
    bindText(s, 3, event.visitId);
    bindText(s, 4, event.sessionId);
    bindText(s, 5, event.siteCode);
    bindText(s, 6, event.doctorRpps);
    bindText(s, 7, event.reason);
    bindOptional(s, 8, event.waitMs);
    bindOptional(s, 9, event.durationMs);
    bindText(s, 10, event.detailJson.empty() ? std::string("{}") : event.detailJson);
    const int stepped = sqlite3_step(s);
    sqlite3_reset(s);
    if (stepped != SQLITE_DONE) {
        return storageError();
    }
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(m_impl->db.get()));
}

Result<std::vector<LoggedEvent>> EventLog::read(std::int64_t afterSequence,
                                                std::size_t limit) const {
    sqlite3_stmt* s = m_impl->select.get();
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, afterSequence);
    sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(limit));
    std::vector<LoggedEvent> events;
    int stepped = SQLITE_ROW;
    while ((stepped = sqlite3_step(s)) == SQLITE_ROW) {
        LoggedEvent e;
        e.sequence = sqlite3_column_int64(s, 0);
        e.atUnixMs = sqlite3_column_int64(s, 1);
        e.kind = columnText(s, 2);
        e.visitId = columnText(s, 3);
        e.sessionId = columnText(s, 4);
        e.siteCode = columnText(s, 5);
        e.doctorRpps = columnText(s, 6);
        e.reason = columnText(s, 7);
        e.waitMs = columnOptional(s, 8);
        e.durationMs = columnOptional(s, 9);
        e.detailJson = columnText(s, 10);
        events.push_back(std::move(e));
    }
    sqlite3_reset(s);
    if (stepped != SQLITE_DONE) {
        return storageError();
    }
    return events;
}

Result<std::optional<std::string>> EventLog::claimingDoctor(const std::string& sessionId) const {
    sqlite3_stmt* s = m_impl->claim.get();
    sqlite3_reset(s);
    bindText(s, 1, sessionId);
    const int stepped = sqlite3_step(s);
    std::optional<std::string> doctor;
    if (stepped == SQLITE_ROW) {
        doctor = columnText(s, 0);
    }
    sqlite3_reset(s);
    if (stepped != SQLITE_ROW && stepped != SQLITE_DONE) {
        return storageError();
    }
    return doctor;
}

} // namespace tc::protocol

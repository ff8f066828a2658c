#include "support/catch_result.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/protocol/event_log.hpp"

#include <memory>
#include <sqlite3.h>
#include <string>
#include <vector>

using namespace tc::protocol;

TEST_CASE("the event log appends durably and reads back in order", "[event_log]") {
    tc::test::TempDir dir;
    const auto path = (dir.path() / "events.sqlite").string();
    {
        auto log = EventLog::open(path);
        REQUIRE(log);
        CHECK(log->append(
                  {.atUnixMs = 1, .kind = "checkin", .visitId = "V-1", .siteCode = "FR-A-01"}) ==
              1);
        CHECK(log->append({.atUnixMs = 2,
                           .kind = "claim",
                           .visitId = "V-1",
                           .sessionId = "S-1",
                           .doctorRpps = "10101234564",
                           .waitMs = 42000}) == 2);
        CHECK(log->append({.atUnixMs = 3,
                           .kind = "end",
                           .sessionId = "S-1",
                           .reason = "completed",
                           .durationMs = 600000,
                           .detailJson = R"({"ended_by":"doctor"})"}) == 3);
    }
    // Reopened: the events survived the process's handle.
    auto log = EventLog::open(path);
    REQUIRE(log);
    const auto events = log->read();
    REQUIRE(events);
    REQUIRE(events->size() == 3);
    CHECK((*events)[0].kind == "checkin");
    CHECK((*events)[0].detailJson == "{}");
    CHECK_FALSE((*events)[0].waitMs);
    CHECK((*events)[1].waitMs == 42000);
    CHECK((*events)[2].durationMs == 600000);
    CHECK((*events)[2].reason == "completed");
    const auto tail = log->read(2);
    REQUIRE(tail);
    REQUIRE(tail->size() == 1);
    CHECK(tail->front().sequence == 3);
    CHECK(log->append({.atUnixMs = 4, .kind = "cleaning"}) == 4);
}

TEST_CASE("an unusable event log path is a typed error", "[event_log]") {
    CHECK(EventLog::open("/proc/no/such/dir/events.sqlite").error() == Errc::storageFailure);
    tc::test::TempDir dir;
    const auto path = dir.write("not-a-db.sqlite", "this is not SQLite at all, just text......");
    CHECK(EventLog::open(path.string()).error() == Errc::storageFailure);
}

// protocol/README.md section 15 documents the database for readers other than this library
// (coordinators' reports): the table names, the columns and their types are a contract.
TEST_CASE("the event log's SQLite schema is the one the README documents", "[event_log]") {
    tc::test::TempDir dir;
    const auto path = (dir.path() / "events.sqlite").string();
    {
        auto log = EventLog::open(path);
        REQUIRE(log);
        REQUIRE(log->append({.atUnixMs = 7,
                             .kind = "presence",
                             .doctorRpps = "10101234564",
                             .reason = "on_shift"}));
    }
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
    const auto rows = [&](const std::string& sql) {
        std::vector<std::vector<std::string>> out;
        sqlite3_stmt* statement = nullptr;
        REQUIRE(sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
        while (sqlite3_step(statement) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int i = 0; i < sqlite3_column_count(statement); ++i) {
                const auto* text = sqlite3_column_text(statement, i);
                row.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "NULL");
            }
            out.push_back(std::move(row));
        }
        sqlite3_finalize(statement);
        return out;
    };
    using Rows = std::vector<std::vector<std::string>>;
    CHECK(rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
               "'sqlite_%' ORDER BY name") == Rows{{"events"}, {"schema_version"}});
    CHECK(rows("SELECT version FROM schema_version") == Rows{{"1"}});
    // name, type, not null, default, in declaration order
    CHECK(rows("SELECT name, type, \"notnull\", dflt_value FROM pragma_table_info('events')") ==
          Rows{{"sequence", "INTEGER", "0", "NULL"},
               {"at_unix_ms", "INTEGER", "1", "NULL"},
               {"kind", "TEXT", "1", "NULL"},
               {"visit_id", "TEXT", "1", "''"},
               {"session_id", "TEXT", "1", "''"},
               {"site_code", "TEXT", "1", "''"},
               {"doctor_rpps", "TEXT", "1", "''"},
               {"reason", "TEXT", "1", "''"},
               {"wait_ms", "INTEGER", "0", "NULL"},
               {"duration_ms", "INTEGER", "0", "NULL"},
               {"detail", "TEXT", "1", "'{}'"}});
    CHECK(rows("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE "
               "'sqlite_%' ORDER BY name") == Rows{{"events_cancelled"},
                                                   {"events_ended"},
                                                   {"events_kind_time"},
                                                   {"events_satisfaction"},
                                                   {"events_session"},
                                                   {"events_site_time"}});
    CHECK(rows("PRAGMA journal_mode") == Rows{{"wal"}});
    CHECK(rows("SELECT sequence, kind, doctor_rpps, reason, wait_ms, detail FROM events") ==
          Rows{{"1", "presence", "10101234564", "on_shift", "NULL", "{}"}});
}

TEST_CASE("the event log names the doctor who claimed a session, after a reopen too",
          "[event_log]") {
    tc::test::TempDir dir;
    const auto path = (dir.path() / "events.sqlite").string();
    {
        auto log = EventLog::open(path);
        REQUIRE(log);
        REQUIRE(log->append(
            {.atUnixMs = 1, .kind = "claim", .sessionId = "S-1", .doctorRpps = "10101234564"}));
        REQUIRE(log->append(
            {.atUnixMs = 2, .kind = "end", .sessionId = "S-1", .doctorRpps = "10101234564"}));
        REQUIRE(log->append(
            {.atUnixMs = 3, .kind = "join", .sessionId = "S-2", .doctorRpps = "10101234572"}));
    }
    auto log = EventLog::open(path);
    REQUIRE(log);
    const auto claimed = log->claimingDoctor("S-1");
    REQUIRE(claimed);
    CHECK(*claimed == std::optional<std::string>("10101234564"));
    // Only a claim row counts; an unknown session is none.
    CHECK(*log->claimingDoctor("S-2") == std::nullopt);
    CHECK(*log->claimingDoctor("S-3") == std::nullopt);
}

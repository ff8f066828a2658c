#include "catch_result.hpp"
#include "tc/protocol/event_log.hpp"
#include "tls_test_peer.hpp"

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

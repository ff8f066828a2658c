// The archive's index, the review index and the indicators in the cluster's PostgreSQL
// database (issue 19): two "nodes" (two stores, two indexes, one archive directory) share
// records; a PostgreSQL restart costs no call; the indicators computed in PostgreSQL equal
// those computed in SQLite over the same rows.
#include "archive_test_support.hpp"
#include "cluster_schema.hpp"
#include "pg_connection.hpp"
#include "support/postgres_server.hpp"
#include "support/review_seed.hpp"
#include "tc/protocol/archive_index.hpp"
#include "tc/protocol/review_index.hpp"
#include "tc/protocol/review_indicators.hpp"

#include <sqlite3.h>

using namespace tc;
using namespace tc::test;
using namespace tc::test::archive;
using protocol::ArchiveStore;
using protocol::Role;

namespace {

ArchiveStore openNode(const ArchiveFixture& fx, const PostgresServer& pg,
                      const protocol::ArchiveKey& key) {
    auto index = protocol::openPostgresArchiveIndex(pg.url());
    INFO("index: " << (index ? std::string("ok") : index.error().message()));
    REQUIRE(index);
    auto store = ArchiveStore::open(fx.directory, key, smallLimits(), std::move(*index));
    INFO("open: " << keyOf(store));
    REQUIRE(store);
    return std::move(*store);
}

std::string scalar(const PostgresServer& pg, const std::string& sql) {
    std::string out;
    REQUIRE(pg.psql(sql, &out) == 0);
    if (!out.empty() && out.back() == '\n') {
        out.pop_back();
    }
    return out;
}

// A text value as an SQL literal.
std::string literal(const unsigned char* text) {
    if (text == nullptr) {
        return "NULL";
    }
    std::string quoted = "'";
    for (const char* c = reinterpret_cast<const char*>(text); *c != 0; ++c) {
        quoted += *c == '\'' ? std::string("''") : std::string(1, *c);
    }
    return quoted + "'";
}

// Copies `table`'s rows (`selected` from SQLite as text, into `columns`) from the SQLite file
// into PostgreSQL.
void copyTable(sqlite3* db, protocol::detail::PgConnection& pg, const std::string& table,
               const std::string& columns, const std::string& selected) {
    sqlite3_stmt* raw = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, ("SELECT " + selected + " FROM " + table).c_str(), -1, &raw,
                               nullptr) == SQLITE_OK);
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> statement(raw, sqlite3_finalize);
    const int n = sqlite3_column_count(raw);
    std::string values;
    std::size_t rows = 0;
    const auto flush = [&] {
        if (!values.empty()) {
            auto inserted = pg.exec("INSERT INTO " + table + " (" + columns + ") VALUES " + values);
            INFO(pg.lastError());
            REQUIRE(inserted);
            values.clear();
        }
    };
    while (sqlite3_step(raw) == SQLITE_ROW) {
        std::string row;
        for (int i = 0; i < n; ++i) {
            row += (i == 0 ? "(" : ",") + literal(sqlite3_column_text(raw, i));
        }
        values += (values.empty() ? "" : ",") + row + ")";
        if (++rows % 500 == 0) {
            flush();
        }
    }
    flush();
    REQUIRE(rows > 0);
}

} // namespace

TEST_CASE("two nodes share one archive through PostgreSQL: an upload begun on one is finished "
          "on the other and read on both",
          "[cluster][postgres][archive]") {
    const auto pg = PostgresServer::start({});
    ArchiveFixture fx;
    auto a = openNode(fx, *pg, fx.key);
    auto b = openNode(fx, *pg, fx.key);

    const auto owner = doctorRpps(5);
    const auto files = consultationFiles("S-cluster", 2);
    const auto manifest = manifestFor("S-cluster", owner, files, kChunk, {true, true});
    auto begun = a.beginUpload(manifest);
    REQUIRE(begun);
    const auto all = begun->missing;
    REQUIRE(all.size() > 6);
    const std::vector<protocol::Sha256Digest> half(all.begin(), all.begin() + all.size() / 2);
    REQUIRE(putMissing(a, "S-cluster", files, kChunk, half) == half.size());

    // Node A is gone; the console resumes on node B, which knows what is missing.
    auto resumed = b.beginUpload(manifest);
    REQUIRE(resumed);
    CHECK(resumed->missing ==
          std::vector<protocol::Sha256Digest>(all.begin() + all.size() / 2, all.end()));
    REQUIRE(putMissing(b, "S-cluster", files, kChunk, resumed->missing) == resumed->missing.size());
    REQUIRE(b.commit("S-cluster"));
    checkRecord(a, "S-cluster", owner, files);
    checkRecord(b, "S-cluster", owner, files);
    REQUIRE(a.records(owner));
    CHECK(a.records(owner)->size() == 1);
    CHECK(keyOf(a.commit("S-cluster")) == "ok"); // idempotent from the other node too
    CHECK(scalar(*pg, "SELECT state FROM archive_records WHERE record_id = 'S-cluster'") ==
          "committed");
    // The index holds no patient data: names only in the encrypted objects.
    CHECK(scalar(*pg, "SELECT count(*) FROM archive_records WHERE sealed_manifest::text LIKE "
                      "'%DUPONT%' OR owner_rpps LIKE '%DUPONT%'") == "0");

    // A process with an index of its own is kept out of the shared directory; another key is
    // refused by the shared index.
    CHECK(keyOf(ArchiveStore::open(fx.directory, fx.key, smallLimits())) == "store_in_use");
    TempDir other;
    const auto otherKey = *protocol::ArchiveKey::loadOrCreate(other.path() / "other.key");
    auto index = protocol::openPostgresArchiveIndex(pg->url());
    REQUIRE(index);
    CHECK(keyOf(ArchiveStore::open(other.path() / "archive", otherKey, smallLimits(),
                                   std::move(*index))) == "wrong_archive_key");
}

TEST_CASE("the shared archive index survives a PostgreSQL restart between two calls",
          "[cluster][postgres][archive]") {
    const auto pg = PostgresServer::start({});
    ArchiveFixture fx;
    auto store = openNode(fx, *pg, fx.key);
    const auto owner = doctorRpps(6);
    const auto files = consultationFiles("S-restart");
    const auto manifest = manifestFor("S-restart", owner, files, kChunk);
    auto begun = store.beginUpload(manifest);
    REQUIRE(begun);
    const auto all = begun->missing;
    const std::vector<protocol::Sha256Digest> first(all.begin(), all.begin() + all.size() / 2);
    REQUIRE(putMissing(store, "S-restart", files, kChunk, first) == first.size());

    pg->restart();
    // Every call after the restart works: the index opens another connection.
    auto again = store.beginUpload(manifest);
    INFO(keyOf(again));
    REQUIRE(again);
    CHECK(again->missing.size() == all.size() - first.size());
    pg->restart();
    REQUIRE(putMissing(store, "S-restart", files, kChunk, again->missing) == again->missing.size());
    pg->restart();
    REQUIRE(store.commit("S-restart"));
    checkRecord(store, "S-restart", owner, files);

    // While the server is down a call fails, typed, and the store is still usable after.
    pg->stop();
    CHECK(keyOf(store.records(owner)) == "index_failure");
    pg->start();
    REQUIRE(store.records(owner));
    CHECK(store.records(owner)->size() == 1);
}

TEST_CASE("the review index in PostgreSQL: rows, visibility, keyset pages and a session's facts "
          "from the cluster's events",
          "[cluster][postgres][review]") {
    const auto pg = PostgresServer::start({});
    auto opened = protocol::openPostgresReviewIndex(pg->url());
    REQUIRE(opened);
    auto& index = **opened;

    std::vector<protocol::ReviewRow> rows;
    for (int i = 0; i < 7; ++i) {
        protocol::ReviewRow r;
        r.recordId = std::string(i % 2 == 0 ? "S-a" : "S-B") + std::to_string(i);
        r.site = i < 5 ? "FR-SITE-01" : "FR-SITE-02";
        r.doctorRpps = i < 4 ? "10101234010" : "10101234028";
        r.visitId = "V-" + std::to_string(i);
        r.startMs = 1000 + (i / 2) * 10; // pairs share a start: the record id breaks the tie
        r.endMs = r.startMs + 5;
        r.endReason = "completed";
        r.qualityReview = i != 3;
        r.incidentCount = i == 1 ? 2 : 0;
        r.committedMs = 9000;
        rows.push_back(r);
        REQUIRE(index.put(r));
    }
    rows[2].orientation = "emergency";
    REQUIRE(index.put(rows[2])); // indexing again replaces the row
    auto back = index.row(rows[2].recordId);
    REQUIRE(back);
    REQUIRE(*back);
    CHECK(**back == rows[2]);
    CHECK(scalar(*pg, "SELECT count(*) FROM review_records") == "7");

    protocol::ReviewQuery doctor;
    doctor.ownerRpps = "10101234010";
    doctor.limit = 3;
    std::vector<std::string> seen;
    for (int page = 0; page < 3; ++page) {
        auto got = index.page(doctor);
        REQUIRE(got);
        for (const auto& r : *got) {
            seen.push_back(r.recordId);
        }
        if (got->empty()) {
            break;
        }
        doctor.after = std::make_pair(got->back().startMs, got->back().recordId);
    }
    // Newest first; equal starts by record id in byte order as SQLite sorts ("S-a" after "S-B",
    // where a locale's collation would put it before).
    CHECK(seen == std::vector<std::string>{"S-a2", "S-B3", "S-a0", "S-B1"});

    protocol::ReviewQuery coordinator;
    coordinator.consentedSites = std::vector<std::string>{"FR-SITE-01"};
    auto consented = index.page(coordinator);
    REQUIRE(consented);
    CHECK(consented->size() == 4); // five rows at the site, one without the review consent
    coordinator.incident = true;
    CHECK(index.page(coordinator)->size() == 1);
    CHECK(index.page(protocol::ReviewQuery{})->empty()); // nobody's rows, never everyone's
    auto missing = index.missing({"S-a0", "S-zz"});
    REQUIRE(missing);
    CHECK(*missing == std::vector<std::string>{"S-zz"});

    // A session's facts from the cluster's events (as the nodes write them).
    REQUIRE(
        pg->psql("INSERT INTO events (sequence, at_unix_ms, kind, visit_id, session_id, site_code, "
                 "doctor_rpps, reason, wait_ms, duration_ms) VALUES "
                 "(1, 100, 'checkin', 'V-9', '', 'FR-SITE-01', '', '', NULL, NULL),"
                 "(2, 400, 'claim', 'V-9', 'S-9', 'FR-SITE-01', '10101234010', '', 300, NULL),"
                 "(3, 450, 'join', 'V-9', 'S-9', 'FR-SITE-01', '10101234010', '', NULL, NULL),"
                 "(4, 950, 'end', 'V-9', 'S-9', 'FR-SITE-01', '10101234010', 'completed', NULL, "
                 "500),"
                 "(5, 990, 'claim', 'V-8', 'S-8', 'FR-SITE-01', '10101234010', '', NULL, NULL)",
                 nullptr) == 0);
    auto facts = index.sessionFacts("S-9");
    REQUIRE(facts);
    REQUIRE(*facts);
    CHECK((*facts)->visitId == "V-9");
    CHECK((*facts)->checkinMs == 100);
    CHECK((*facts)->claimMs == 400);
    CHECK((*facts)->startMs == 450);
    CHECK((*facts)->endMs == 950);
    CHECK((*facts)->waitMs == 300);
    CHECK((*facts)->durationMs == 500);
    CHECK((*facts)->endReason == "completed");
    auto unended = index.sessionFacts("S-8");
    REQUIRE(unended);
    CHECK_FALSE(*unended); // claimed, never ended: not indexable yet

    pg->restart();
    auto afterRestart = index.row("S-a0");
    INFO((afterRestart ? std::string("ok") : afterRestart.error().message()));
    REQUIRE(afterRestart);
    CHECK(*afterRestart);
}

TEST_CASE("the indicators computed in PostgreSQL equal those computed in SQLite over the same "
          "events and records",
          "[cluster][postgres][indicators]") {
    TempDir dir;
    const auto database = dir.path() / "events.sqlite";
    ReviewSeedPlan plan;
    plan.consultations = 1500;
    plan.sites = {"FR-SEED-01", "FR-SEED-02", "FR-OTHER-09"};
    plan.fromUnixMs = 1'790'805'600'000;
    plan.toUnixMs = 1'798'758'000'000;
    plan.seed = 20261207;
    REQUIRE(seedReviewDatabase(database, plan));

    const auto pg = PostgresServer::start({});
    std::string why;
    auto connection = protocol::detail::PgConnection::open(pg->url(), why);
    INFO(why);
    REQUIRE(connection);
    REQUIRE(protocol::detail::migrateClusterSchema(*connection, why));
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(database.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, sqlite3_close);
    const std::string eventColumns = "sequence, at_unix_ms, kind, visit_id, session_id, "
                                     "site_code, doctor_rpps, reason, wait_ms, duration_ms, "
                                     "detail";
    copyTable(db.get(), *connection, "events", eventColumns, eventColumns);
    const std::string recordColumns =
        "record_id, site, doctor_rpps, visit_id, checkin_ms, claim_ms, start_ms, end_ms, "
        "wait_ms, duration_ms, end_reason, orientation, incident_count, prescription_count, "
        "age_band, sex, ";
    copyTable(db.get(), *connection, "review_records",
              recordColumns + "quality_review, care, committed_ms",
              recordColumns + "CASE quality_review WHEN 1 THEN 'true' ELSE 'false' END, CASE care "
                              "WHEN 1 THEN 'true' ELSE 'false' END, committed_ms");

    const protocol::IndicatorPeriod period{plan.fromUnixMs + 30LL * 86'400'000, plan.toUnixMs,
                                           "2026-T4"};
    const std::vector<std::string> sites{"FR-SEED-02", "FR-SEED-01", "FR-NONE-00"};
    const auto fromSqlite = protocol::computeIndicators(database, period, sites);
    const auto fromPostgres = protocol::computeIndicators(pg->url(), period, sites);
    REQUIRE(fromSqlite);
    REQUIRE(fromPostgres);
    CHECK(fromSqlite->all.consultations > 500);
    CHECK(fromSqlite->all.recordsIndexed > 0);
    CHECK(fromSqlite->all.satisfactionAnswers > 0);
    CHECK(fromPostgres->all == fromSqlite->all);
    REQUIRE(fromPostgres->sites.size() == sites.size());
    for (std::size_t i = 0; i < sites.size(); ++i) {
        CHECK(fromPostgres->sites[i] == fromSqlite->sites[i]);
    }
    CHECK(fromPostgres->sites[2].consultations == 0);

    pg->stop();
    CHECK(protocol::computeIndicators(pg->url(), period, sites).error() ==
          make_error_code(protocol::Errc::storageFailure));
}

// The coordinators' indicators (review_indicators.hpp): SQL over the event log and the review
// index, checked against an independent computation in Python over the same SQLite file, and
// on small data sets whose figures are known by hand.
#include "support/catch_result.hpp"
#include "support/review_seed.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/protocol/event_log.hpp"
#include "tc/protocol/review_indicators.hpp"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace tc;
using namespace tc::test;
using protocol::Errc;
using protocol::IndicatorPeriod;

namespace {

constexpr std::int64_t kQ4Start = 1'790'805'600'000; // 2026-10-01T00:00+02:00
constexpr std::int64_t kQ4End = 1'798'758'000'000;   // 2027-01-01T00:00+01:00

int runChecker(const std::filesystem::path& database, const protocol::Indicators& indicators,
               const TempDir& dir) {
    const auto expected = dir.write("indicators.json", toJson(indicators).dump());
    const std::string command = "python3 " TC_SOURCE_DIR "/tests/protocol/indicators_check.py " +
                                database.string() + " " + expected.string();
    return std::system(command.c_str());
}

protocol::LoggedEvent ended(std::string session, std::string site, std::int64_t at,
                            std::int64_t waitMs, std::int64_t durationMs,
                            std::string reason = "completed") {
    return {.atUnixMs = at,
            .kind = "end",
            .visitId = "V-" + session,
            .sessionId = std::move(session),
            .siteCode = std::move(site),
            .doctorRpps = "10101234010",
            .reason = std::move(reason),
            .waitMs = waitMs,
            .durationMs = durationMs};
}

} // namespace

TEST_CASE("indicators over seeded consultations equal an independent computation in Python",
          "[review][indicators]") {
    TempDir dir;
    const auto database = dir.path() / "events.sqlite";
    // Two quarters of activity at four sites; the indicators ask for Q4 and three of them.
    ReviewSeedPlan plan;
    plan.consultations = 3000;
    plan.sites = {"FR-SEED-01", "FR-SEED-02", "FR-SEED-03", "FR-OTHER-09"};
    plan.fromUnixMs = kQ4Start - 92LL * 86'400'000;
    plan.toUnixMs = kQ4End;
    plan.seed = 20261207;
    const auto seeded = seedReviewDatabase(database, plan);
    REQUIRE(seeded);
    REQUIRE(seeded->records > 0);

    const IndicatorPeriod q4{kQ4Start, kQ4End, "2026-T4"};
    const auto indicators =
        protocol::computeIndicators(database, q4, {"FR-SEED-01", "FR-SEED-02", "FR-SEED-03"});
    REQUIRE(indicators);
    REQUIRE(indicators->sites.size() == 3);
    CHECK(indicators->all.consultations > 1000);
    CHECK(indicators->all.consultations < static_cast<std::int64_t>(plan.consultations));
    CHECK(indicators->all.satisfactionAnswers > 0);
    CHECK(indicators->all.recordsIndexed > 0);
    CHECK(indicators->all.cancelledBeforeClaim > 0);
    CHECK(runChecker(database, *indicators, dir) == 0);

    // The checker does catch a difference: one figure changed is reported.
    auto wrong = *indicators;
    wrong.sites[1].prescriptions += 1;
    CHECK(runChecker(database, wrong, dir) != 0);
}

TEST_CASE("indicators on a small log: nearest-rank percentiles, shares and counts by hand",
          "[review][indicators]") {
    TempDir dir;
    const auto path = dir.path() / "events.sqlite";
    auto log = protocol::EventLog::open(path.string());
    REQUIRE(log);
    const std::int64_t t = kQ4Start + 86'400'000;
    // Ten consultations at FR-A-01 waiting 1..10 minutes; one at FR-B-02; one out of the period.
    for (int i = 1; i <= 10; ++i) {
        REQUIRE(log->append(ended("S-A" + std::to_string(i), "FR-A-01", t + i, i * 60'000,
                                  i * 120'000, i == 10 ? "patient_left" : "completed")));
    }
    REQUIRE(log->append(ended("S-B1", "FR-B-02", t, 30 * 60'000, 5 * 60'000)));
    REQUIRE(log->append(ended("S-late", "FR-A-01", kQ4End, 1, 1)));
    REQUIRE(log->append({.atUnixMs = t + 50,
                         .kind = "satisfaction",
                         .sessionId = "S-A1",
                         .siteCode = "FR-A-01",
                         .detailJson = R"({"score":5})"}));
    REQUIRE(log->append({.atUnixMs = t + 60,
                         .kind = "satisfaction",
                         .sessionId = "S-A2",
                         .siteCode = "FR-A-01",
                         .detailJson = R"({"score":2})"}));
    REQUIRE(log->append({.atUnixMs = t + 70,
                         .kind = "cancel",
                         .visitId = "V-gone",
                         .siteCode = "FR-A-01",
                         .reason = "patient_left",
                         .waitMs = 42'000}));

    const IndicatorPeriod q4{kQ4Start, kQ4End, "2026-T4"};
    SECTION("before any record is archived, the record figures are zeros") {
        const auto indicators = protocol::computeIndicators(path, q4, {"FR-A-01", "FR-B-02"});
        REQUIRE(indicators);
        const auto& a = indicators->sites.at(0);
        CHECK(a.site == "FR-A-01");
        CHECK(a.consultations == 10);
        CHECK(a.waitMs == protocol::Percentiles{5 * 60'000, 9 * 60'000});
        CHECK(a.durationMs == protocol::Percentiles{10 * 60'000, 18 * 60'000});
        CHECK(a.endReasons ==
              std::map<std::string, std::int64_t>{{"completed", 9}, {"patient_left", 1}});
        CHECK(a.satisfactionAnswers == 2);
        CHECK(a.satisfactionMean() == 3.5);
        CHECK(a.recordsIndexed == 0);
        CHECK_FALSE(a.incidentShare().has_value());
        CHECK(a.cancelledBeforeClaim == 1);
        CHECK(a.cancelledWaitMs == protocol::Percentiles{42'000, 42'000});
        // All sites: the percentiles of the union (11 waits: 1..10 min and 30 min).
        CHECK(indicators->all.consultations == 11);
        CHECK(indicators->all.waitMs == protocol::Percentiles{6 * 60'000, 10 * 60'000});
        CHECK(runChecker(path, *indicators, dir) == 0);
        const auto csv = protocol::toCsv(*indicators);
        CHECK(csv.starts_with("period,site,consultations,wait_p50_ms,"));
        CHECK(csv.find("\r\n2026-T4,FR-A-01,10,300000,540000,600000,1080000,2,3.5000,") !=
              std::string::npos);
        CHECK(csv.find("\r\n2026-T4,*,11,") != std::string::npos);
    }
    SECTION("a site without activity is a row of zeros, and a quiet period too") {
        const auto quiet = protocol::computeIndicators(path, q4, {"FR-Z-99"});
        REQUIRE(quiet);
        CHECK(quiet->sites.at(0).consultations == 0);
        CHECK_FALSE(quiet->sites.at(0).waitMs.p50.has_value());
        const auto before = protocol::computeIndicators(path, {0, kQ4Start, "before"}, {"FR-A-01"});
        REQUIRE(before);
        CHECK(before->all.consultations == 0);
    }
    SECTION("bad requests are typed") {
        CHECK(protocol::computeIndicators(path, q4, {"fr a"}).error() == Errc::invalidField);
        CHECK(protocol::computeIndicators(path, {kQ4End, kQ4Start, "x"}, {"FR-A-01"}).error() ==
              Errc::invalidField);
        CHECK(protocol::computeIndicators(path, {kQ4Start, kQ4End, "a;b"}, {"FR-A-01"}).error() ==
              Errc::invalidField);
        CHECK(protocol::computeIndicators(
                  path, q4, std::vector<std::string>(protocol::kMaxIndicatorSites + 1, "FR-A-01"))
                  .error() == Errc::invalidField);
        CHECK(protocol::computeIndicators(dir.path() / "missing.sqlite", q4, {"FR-A-01"}).error() ==
              Errc::storageFailure);
    }
}

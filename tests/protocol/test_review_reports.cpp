// The review routes beside the records (issue 17): the requester's scope, the coordinators'
// indicators for a quarter and the requester's own access trail, against a real service on
// loopback (review_lab.hpp), a seeded event log and a real audit log file. Hostile requests
// (a cabin, a doctor on the indicators, another CPTS's site, bad quarters) are refused, typed,
// and never audited.
#include "review_lab.hpp"
#include "support/review_seed.hpp"
#include "tc/protocol/quarter_period.hpp"
#include "tc/protocol/review_indicators.hpp"

using namespace tc;
using namespace tc::test;
using namespace tc::test::review;

namespace {

constexpr std::int64_t kQ4Start = 1'790'805'600'000; // 2026-10-01T00:00+02:00
constexpr std::int64_t kQ4End = 1'798'758'000'000;   // 2027-01-01T00:00+01:00

std::string identifierOf(const protocol::Credentials& who) {
    return protocol::identityFromCertificatePem(who.certificatePem)->identifier;
}

// Two quarters of consultations at the CPTS-VAL's two sites and at the CPTS-NORD's.
void seedIndicators(const ReviewLab& lab) {
    ReviewSeedPlan plan;
    plan.consultations = 600;
    plan.sites = {"FR-TEST-01", "FR-TEST-02", kSiteNord};
    plan.fromUnixMs = kQ4Start - 92LL * 86'400'000;
    plan.toUnixMs = kQ4End;
    plan.seed = 17;
    const auto seeded = seedReviewDatabase(lab.dir.path() / "events.sqlite", plan);
    REQUIRE(seeded);
}

nlohmann::json expectedJson(const ReviewLab& lab, const std::vector<std::string>& sites) {
    const auto computed = protocol::computeIndicators(lab.dir.path() / "events.sqlite",
                                                      {kQ4Start, kQ4End, "2026-T4"}, sites);
    REQUIRE(computed);
    return protocol::toJson(*computed);
}

} // namespace

TEST_CASE("quarters are bounded at local midnight in Europe/Paris, from the TZ database",
          "[review][indicators]") {
    const auto zone = protocol::ZoneRules::load();
    REQUIRE(zone);
    // The bounds Python's zoneinfo gives for the same zone (summer and winter time, and 2040,
    // past the file's last transition, from its POSIX footer rule).
    const std::vector<std::pair<std::string, std::pair<std::int64_t, std::int64_t>>> known{
        {"2026-T1", {1'767'222'000'000, 1'774'994'400'000}},
        {"2026-T2", {1'774'994'400'000, 1'782'856'800'000}},
        {"2026-T3", {1'782'856'800'000, kQ4Start}},
        {"2026-T4", {kQ4Start, kQ4End}},
        {"2040-T3", {2'224'706'400'000, 2'232'655'200'000}},
        {"2040-T4", {2'232'655'200'000, 2'240'607'600'000}},
        {"1999-T4", {938'728'800'000, 946'681'200'000}},
    };
    for (const auto& [label, bounds] : known) {
        INFO(label);
        const auto quarter = protocol::parseQuarterLabel(label);
        REQUIRE(quarter);
        const auto period = protocol::quarterPeriod(*quarter, *zone);
        CHECK(period.fromUnixMs == bounds.first);
        CHECK(period.toUnixMs == bounds.second);
        CHECK(period.label == label);
        CHECK(protocol::quarterOf(bounds.first, *zone) == *quarter);
        CHECK(protocol::quarterOf(bounds.second - 1, *zone) == *quarter);
    }
    CHECK(protocol::previousQuarter({2026, 1}) == protocol::Quarter{2025, 4});
    for (const auto* bad : {"2026-T5", "2026-T0", "26-T1", "2026T4", "2026-t4", "2026-T44", "",
                            "1969-T4", "２026-T4", "2026-Q4"}) {
        INFO(bad);
        CHECK_FALSE(protocol::parseQuarterLabel(bad));
    }
    // Not a TZif file, or none: a typed failure, never a guess.
    TempDir dir;
    CHECK(protocol::ZoneRules::load(dir.write("zone", "not a zone")).error() ==
          protocol::Errc::invalidField);
    CHECK(protocol::ZoneRules::load(dir.path() / "absent").error() ==
          protocol::Errc::storageFailure);
}

TEST_CASE("the scope names the requester's role, CPTS and sites, and is not audited",
          "[review][archive]") {
    ReviewLab lab;
    const auto coordinator = lab.getJson(lab.pki.coordinator("CPTS-VAL"), "/review/v1/scope");
    CHECK(coordinator == nlohmann::json{{"role", "coordinator"},
                                        {"cpts", "CPTS-VAL"},
                                        {"name", "CPTS du Val"},
                                        {"sites", {"FR-TEST-01", "FR-TEST-02"}}});
    const auto doctor = lab.getJson(lab.pki.doctor(1), "/review/v1/scope");
    CHECK(doctor == nlohmann::json{{"role", "doctor"},
                                   {"cpts", nullptr},
                                   {"name", nullptr},
                                   {"sites", nlohmann::json::array()}});
    // A CPTS the map does not list: its id, no name, no site.
    const auto unknown = lab.getJson(lab.pki.coordinator("CPTS-SUD"), "/review/v1/scope");
    CHECK(unknown["cpts"] == "CPTS-SUD");
    CHECK(unknown["name"].is_null());
    CHECK(unknown["sites"].empty());
    CHECK(lab.get(lab.pki.cabin(kSiteVal), "/review/v1/scope").error() == "forbidden_role");
    CHECK(lab.get(lab.pki.doctor(1), "/review/v1/scope?x=1").error() == "malformed_request");
    CHECK(lab.audit.taken().empty());
}

TEST_CASE("a coordinator reads its CPTS's indicators for a quarter, as JSON and as CSV, audited",
          "[review][indicators][archive]") {
    ReviewLab lab;
    seedIndicators(lab);
    const auto coordinator = lab.pki.coordinator("CPTS-VAL");

    const auto all = lab.getJson(coordinator, "/review/v1/indicators?quarter=2026-T4");
    CHECK(all == expectedJson(lab, {"FR-TEST-01", "FR-TEST-02"}));
    CHECK(all["all"]["consultations"].get<std::int64_t>() > 0);
    const auto one =
        lab.getJson(coordinator, "/review/v1/indicators?quarter=2026-T4&site=FR-TEST-02");
    CHECK(one == expectedJson(lab, {"FR-TEST-02"}));

    const auto csv = lab.get(coordinator, "/review/v1/indicators?format=csv&quarter=2026-T4");
    REQUIRE(csv.status == 200);
    const auto computed =
        protocol::computeIndicators(lab.dir.path() / "events.sqlite", {kQ4Start, kQ4End, "2026-T4"},
                                    {"FR-TEST-01", "FR-TEST-02"});
    REQUIRE(computed);
    CHECK(csv.body == protocol::toCsv(*computed));

    const auto events = lab.audit.taken();
    REQUIRE(events.size() == 3);
    CHECK(events[0].action == protocol::AuditAction::indicators);
    CHECK(events[1].action == protocol::AuditAction::indicators);
    CHECK(events[2].action == protocol::AuditAction::export_);
    CHECK(nlohmann::json::parse(events[0].detailJson) ==
          nlohmann::json{{"quarter", "2026-T4"}, {"sites", {"FR-TEST-01", "FR-TEST-02"}}});
    CHECK(nlohmann::json::parse(events[1].detailJson)["sites"] ==
          nlohmann::json::array({"FR-TEST-02"}));
    CHECK(nlohmann::json::parse(events[2].detailJson)["format"] == "csv");
    for (const auto& event : events) {
        CHECK(event.actorRole == protocol::Role::coordinator);
        CHECK(event.actorId == identifierOf(coordinator));
        CHECK(event.recordId.empty());
    }

    // An audit sink that fails: nothing is served.
    lab.audit.fail(true);
    const auto unaudited = lab.get(coordinator, "/review/v1/indicators?quarter=2026-T4");
    CHECK(unaudited.status == 503);
    CHECK(unaudited.error() == "audit_failed");
}

TEST_CASE("indicators refuse cabins, doctors, another CPTS's site and bad quarters, typed",
          "[review][indicators][archive][hostile]") {
    ReviewLab lab;
    seedIndicators(lab);
    const auto coordinator = lab.pki.coordinator("CPTS-VAL");
    struct Case {
        protocol::Credentials who;
        std::string query;
        unsigned status;
        std::string error;
    };
    const std::vector<Case> cases{
        {lab.pki.cabin(kSiteVal), "quarter=2026-T4", 403, "forbidden_role"},
        {lab.pki.doctor(1), "quarter=2026-T4", 403, "forbidden_role"},
        {lab.pki.service, "quarter=2026-T4", 403, "forbidden_role"},
        {coordinator, "quarter=2026-T4&site=" + kSiteNord, 403, "site_not_covered"},
        {coordinator, "quarter=2026-T4&site=FR-NOWHERE-9", 403, "site_not_covered"},
        {coordinator, "quarter=2026-T5", 400, "invalid_quarter"},
        {coordinator, "quarter=26-T4", 400, "invalid_quarter"},
        {coordinator, "quarter=", 400, "invalid_quarter"},
        {coordinator, "", 400, "invalid_quarter"},
        {coordinator, "site=FR-TEST-01", 400, "invalid_quarter"},
        {coordinator, "quarter=2026-T4&quarter=2026-T3", 400, "invalid_filter"},
        {coordinator, "quarter=2026-T4&format=xlsx", 400, "invalid_filter"},
        {coordinator, "quarter=2026-T4&site=fr-test-01", 400, "invalid_filter"},
        {coordinator, "quarter=2026-T4&from=0", 400, "invalid_filter"},
        {coordinator, "quarter=2026%2DT4", 400, "invalid_filter"},
        {coordinator, "quarter=2026-T4&site=" + std::string(40, 'A'), 400, "filter_too_large"},
        {coordinator, "quarter=2026-T4&site=" + std::string(3000, 'A'), 400, "filter_too_large"},
    };
    for (const auto& c : cases) {
        INFO(c.query.substr(0, 80) << " by " << identifierOf(c.who));
        const auto answer = lab.get(c.who, "/review/v1/indicators?" + c.query);
        CHECK(answer.status == c.status);
        CHECK(answer.error() == c.error);
        CHECK(answer.body.find("consultations") == std::string::npos);
    }
    CHECK(lab.audit.taken().empty()); // refusals are not reads
    // A coordinator of a CPTS the map does not list has no site: indicators of nothing.
    const auto nothing =
        lab.getJson(lab.pki.coordinator("CPTS-SUD"), "/review/v1/indicators?quarter=2026-T4");
    CHECK(nothing["sites"].empty());
    CHECK(nothing["all"]["consultations"] == 0);
}

TEST_CASE("the trail shows the requester's own accesses only, newest first, and reading it is "
          "not audited",
          "[review][archive][audit]") {
    ReviewLab lab(ReviewLab::Audit::file);
    const auto doctor = lab.pki.doctor(1);
    const auto val = lab.consult(doctor, "V-1", kSiteVal, true);
    const auto nord = lab.consult(doctor, "V-2", kSiteNord, true);
    const auto coordinator = lab.pki.coordinator("CPTS-VAL", 1);
    const auto other = lab.pki.coordinator("CPTS-NORD", 2);
    REQUIRE(identifierOf(coordinator) != identifierOf(other));

    lab.getJson(coordinator, "/review/v1/records");
    lab.getJson(coordinator, recordPath(val));
    lab.get(coordinator, recordPath(val) + "/files/steth-aortic-1.flac");
    lab.getJson(other, "/review/v1/records");
    lab.getJson(other, recordPath(nord));
    lab.getJson(doctor, recordPath(val));

    const auto trail = lab.getJson(coordinator, "/review/v1/trail");
    REQUIRE(trail["entries"].size() == 3);
    CHECK(trail["next"].is_null());
    const auto& entries = trail["entries"];
    CHECK(entries[0]["action"] == "play");
    CHECK(entries[0]["record_id"] == val);
    CHECK(nlohmann::json::parse(entries[0]["detail"].get<std::string>())["file"] ==
          "steth-aortic-1.flac");
    CHECK(entries[1]["action"] == "open");
    CHECK(entries[2]["action"] == "list");
    CHECK(entries[2]["record_id"] == "");
    CHECK(entries[0]["sequence"].get<std::int64_t>() > entries[1]["sequence"].get<std::int64_t>());
    CHECK(entries[0]["at_ms"].get<std::int64_t>() >= entries[2]["at_ms"].get<std::int64_t>());
    for (const auto& entry : entries) {
        CHECK(entry["record_id"] != nord);
    }

    // Paging, one at a time, reaches the same three; past the end is empty.
    std::vector<std::int64_t> paged;
    std::string target = "/review/v1/trail?limit=1";
    for (int i = 0; i < 5; ++i) {
        const auto page = lab.getJson(coordinator, target);
        if (page["entries"].empty()) {
            break;
        }
        paged.push_back(page["entries"][0]["sequence"].get<std::int64_t>());
        if (page["next"].is_null()) {
            break;
        }
        target =
            "/review/v1/trail?limit=1&before=" + std::to_string(page["next"].get<std::int64_t>());
    }
    CHECK(paged == std::vector<std::int64_t>{entries[0]["sequence"].get<std::int64_t>(),
                                             entries[1]["sequence"].get<std::int64_t>(),
                                             entries[2]["sequence"].get<std::int64_t>()});
    CHECK(lab.getJson(coordinator, "/review/v1/trail?before=1")["entries"].empty());

    // The other coordinator and the doctor see theirs only; reading trails added nothing.
    CHECK(lab.getJson(other, "/review/v1/trail")["entries"].size() == 2);
    const auto own = lab.getJson(doctor, "/review/v1/trail");
    REQUIRE(own["entries"].size() == 1);
    CHECK(own["entries"][0]["action"] == "open");
    CHECK(lab.getJson(coordinator, "/review/v1/trail")["entries"].size() == 3);

    CHECK(lab.get(lab.pki.cabin(kSiteVal), "/review/v1/trail").error() == "forbidden_role");
    for (const auto* query : {"before=abc", "before=0", "limit=0", "limit=201", "after=3", "x"}) {
        INFO(query);
        CHECK(lab.get(coordinator, std::string("/review/v1/trail?") + query).error() ==
              "invalid_filter");
    }
}

TEST_CASE("without the audit log to read back the trail is unavailable", "[review][audit]") {
    ReviewLab lab; // an audit sink, but no AuditLog behind it
    const auto answer = lab.get(lab.pki.coordinator("CPTS-VAL"), "/review/v1/trail");
    CHECK(answer.status == 503);
    CHECK(answer.error() == "audit_unavailable");
}

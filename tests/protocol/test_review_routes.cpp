// The review routes (issue 17) against a real service on loopback with a real archive: a
// coordinator reads the consented records of its CPTS's sites, pseudonymised; a doctor reads
// their own; everything else is refused, typed, and a record one may not read is answered as
// one that does not exist. Every answered read is audited first.
#include "review_lab.hpp"

#include <sqlite3.h>

using namespace tc;
using namespace tc::test;
using namespace tc::test::transfer;

using namespace tc::test::review;

TEST_CASE("a coordinator reviews the consented records of its CPTS, pseudonymised",
          "[review][archive]") {
    ReviewLab lab;
    const auto doctor = lab.pki.doctor(1);
    const auto consented = lab.consult(doctor, "V-1", kSiteVal, true);
    const auto refused = lab.consult(doctor, "V-2", kSiteVal, false);
    const auto elsewhere = lab.consult(doctor, "V-3", kSiteNord, true);
    const auto coordinator = lab.pki.coordinator("CPTS-VAL");

    const auto page = lab.getJson(coordinator, "/review/v1/records");
    CHECK(idsOf(page) == std::vector<std::string>{consented});
    CHECK(page["next"].is_null());
    const auto& row = page["records"][0];
    CHECK(row["site"] == kSiteVal);
    CHECK(row["doctor_rpps"] ==
          protocol::identityFromCertificatePem(doctor.certificatePem)->identifier);
    CHECK(row["end_reason"] == "completed");
    CHECK(row["orientation"] == "specialist");
    CHECK(row["incident_count"] == 1);
    CHECK(row["prescription_count"] == 1);
    CHECK(row["sex"] == "male");
    CHECK(row["age_band"] ==
          protocol::ageBandOf(
              std::chrono::year_month_day(std::chrono::year(1970), std::chrono::month(2),
                                          std::chrono::day(14)),
              std::chrono::year_month_day(
                  std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()))));
    CHECK_FALSE(row.contains("visit_id"));

    const auto opened = lab.getJson(coordinator, recordPath(consented));
    CHECK(opened["record"] == row);
    std::map<std::string, std::string> access;
    for (const auto& file : opened["files"]) {
        access[file["name"].get<std::string>()] = file["access"].get<std::string>();
    }
    CHECK(access["record.json"] == "pseudonymised");
    CHECK(access["steth-aortic-1.flac"] == "whole");

    std::vector<std::string> served{page.dump(), opened.dump()};
    for (const auto& [name, how] : access) {
        INFO(name);
        const auto answer = lab.get(coordinator, recordPath(consented) + "/files/" + name);
        if (how == "identity_bearing") {
            CHECK(answer.status == 403);
            CHECK(answer.error() == "identity_bearing");
            continue;
        }
        CHECK(answer.status == 200);
        served.push_back(answer.body);
    }
    CHECK(access.size() == 9);
    for (const auto& body : served) {
        CHECK_FALSE(carriesIdentity(body));
    }
    const auto record = lab.getJson(coordinator, recordPath(consented) + "/files/record.json");
    CHECK(record["patient"] == nlohmann::json{{"ageBand", row["age_band"]}, {"sex", "male"}});
    CHECK(record["consultationId"] == consented);
    const auto flac = lab.get(coordinator, recordPath(consented) + "/files/steth-aortic-1.flac");
    CHECK(flac.body == "fLaC" + std::string(3000, 'x'));

    // Every answered read was audited, in order, with the coordinator as actor.
    const auto events = lab.audit.taken();
    REQUIRE(events.size() >= 3);
    CHECK(events[0].action == protocol::AuditAction::list);
    CHECK(events[0].recordId.empty());
    CHECK(events[1].action == protocol::AuditAction::open);
    CHECK(events[1].recordId == consented);
    std::size_t plays = 0;
    for (const auto& event : events) {
        CHECK(event.actorRole == protocol::Role::coordinator);
        CHECK(event.actorId ==
              protocol::identityFromCertificatePem(coordinator.certificatePem)->identifier);
        if (event.action == protocol::AuditAction::play) {
            ++plays;
            CHECK(nlohmann::json::parse(event.detailJson)["file"] != "record.json");
        }
    }
    CHECK(plays == 3); // the recording and the still, then the recording again
    // 1 list + 1 open + 6 files served + record.json again + the recording again
    CHECK(events.size() == 10);
    static_cast<void>(refused);
    static_cast<void>(elsewhere);
}

TEST_CASE("the owner doctor lists and reads their own records as archived", "[review][archive]") {
    ReviewLab lab;
    const auto doctor = lab.pki.doctor(1);
    const auto colleague = lab.pki.doctor(2);
    const auto first = lab.consult(doctor, "V-1", kSiteVal, true, rx::FollowUpKind::gpInPerson);
    const auto second = lab.consult(doctor, "V-2", kSiteNord, false);
    const auto theirs = lab.consult(colleague, "V-3", kSiteVal, true);

    CHECK(idsOf(lab.getJson(doctor, "/review/v1/records")) == sorted({first, second}));
    CHECK(idsOf(lab.getJson(colleague, "/review/v1/records")) == std::vector<std::string>{theirs});
    // Filters.
    CHECK(idsOf(lab.getJson(doctor, "/review/v1/records?orientation=gp_in_person")) ==
          std::vector<std::string>{first});
    CHECK(idsOf(lab.getJson(doctor, "/review/v1/records?site=FR-NORD-01")) ==
          std::vector<std::string>{second});
    CHECK(
        idsOf(lab.getJson(doctor, "/review/v1/records?incident=yes&end_reason=completed")).size() ==
        2);
    CHECK(lab.getJson(doctor, "/review/v1/records?incident=no")["records"].empty());
    CHECK(lab.getJson(doctor, "/review/v1/records?from=1&to=2")["records"].empty());

    // The owner gets the files as they are, identity included.
    const auto opened = lab.getJson(doctor, recordPath(first));
    const auto pdfName = [&] {
        for (const auto& file : opened["files"]) {
            CHECK(file["access"] == "whole");
            if (file["name"].get<std::string>().ends_with(".pdf")) {
                return file["name"].get<std::string>();
            }
        }
        return std::string();
    }();
    INFO(pdfName);
    const auto pdf = lab.get(doctor, recordPath(first) + "/files/" + pdfName);
    CHECK(pdf.status == 200);
    CHECK(pdf.body.find("DURAND") != std::string::npos);
    const auto record = lab.get(doctor, recordPath(first) + "/files/record.json");
    CHECK(record.body.find("DURAND") != std::string::npos);
}

TEST_CASE("records one may not read are answered exactly as records that do not exist",
          "[review][archive][hostile]") {
    ReviewLab lab;
    const auto doctor = lab.pki.doctor(1);
    const auto consented = lab.consult(doctor, "V-1", kSiteVal, true);
    const auto unconsented = lab.consult(doctor, "V-2", kSiteVal, false);
    const auto nord = lab.consult(doctor, "V-3", kSiteNord, true);

    const auto nowhere = lab.get(doctor, recordPath("no-such-record"));
    CHECK(nowhere.status == 404);
    CHECK(nowhere.error() == "unknown_record");
    struct Attempt {
        std::string what;
        protocol::Credentials who;
        std::string recordId;
    };
    const std::vector<Attempt> attempts{
        {"another CPTS's record", lab.pki.coordinator("CPTS-NORD"), consented},
        {"a record without review consent", lab.pki.coordinator("CPTS-VAL"), unconsented},
        {"a CPTS absent from the map", lab.pki.coordinator("CPTS-SUD"), consented},
        {"a colleague's record", lab.pki.doctor(2), consented},
        {"an unknown id", lab.pki.coordinator("CPTS-VAL"), "S-unknown"},
    };
    for (const auto& attempt : attempts) {
        INFO(attempt.what);
        for (const auto& suffix : {std::string(), std::string("/files/record.json"),
                                   std::string("/files/no-such-file")}) {
            const auto answer = lab.get(attempt.who, recordPath(attempt.recordId) + suffix);
            CHECK(answer.status == nowhere.status);
            CHECK(answer.body == nowhere.body);
        }
    }
    // Listing shows none of them either.
    CHECK(lab.getJson(lab.pki.coordinator("CPTS-NORD"), "/review/v1/records")["records"].size() ==
          1);
    CHECK(idsOf(lab.getJson(lab.pki.coordinator("CPTS-SUD"), "/review/v1/records")).empty());
    CHECK(idsOf(lab.getJson(lab.pki.doctor(2), "/review/v1/records")).empty());
    static_cast<void>(nord);
}

TEST_CASE("cabins, service certificates, coordinators without CPTS and expired ones are refused",
          "[review][archive][hostile]") {
    ReviewLab lab;
    const auto doctor = lab.pki.doctor(1);
    const auto record = lab.consult(doctor, "V-1", kSiteVal, true);
    for (const auto& target : {std::string("/review/v1/records"), recordPath(record)}) {
        INFO(target);
        const auto cabin = lab.get(lab.pki.cabin(kSiteVal), target);
        CHECK(cabin.status == 403);
        CHECK(cabin.error() == "forbidden_role");
        const auto service = lab.get(lab.pki.service, target);
        CHECK(service.status == 403);
        CHECK(service.error() == "forbidden_role");
        const auto rpps = *prescriptions::completeRpps("1010123459");
        const auto noCpts = lab.get(
            lab.pki.forge("/O=x/OU=coordinator/serialNumber=" + rpps + "/CN=Coord"), target);
        CHECK(noCpts.status == 403);
        CHECK(noCpts.error() == "invalid_cpts");
        // TLS refuses the expired certificate: no HTTP answer at all.
        const auto expired = lab.pki.coordinator("CPTS-VAL", 0, -7200s, -3600s);
        RawAnswer answer;
        try {
            answer = lab.get(expired, target);
        } catch (const std::exception&) {
            answer = RawAnswer{};
        }
        CHECK(answer.status == 0);
    }
    CHECK(lab.audit.taken().empty());
}

TEST_CASE("the review list pages newest first and paging past the end is an empty page",
          "[review][archive]") {
    ReviewLab lab;
    const auto doctor = lab.pki.doctor(1);
    std::vector<std::string> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(lab.consult(doctor, "V-" + std::to_string(i), kSiteVal, true));
    }
    std::vector<std::string> seen;
    std::string target = "/review/v1/records?limit=1";
    std::int64_t previousStart = std::numeric_limits<std::int64_t>::max();
    for (int pages = 0; pages < 10; ++pages) {
        const auto page = lab.getJson(doctor, target);
        if (page["records"].empty()) {
            CHECK(page["next"].is_null());
            break;
        }
        REQUIRE(page["records"].size() == 1);
        const auto start = page["records"][0]["start_ms"].get<std::int64_t>();
        CHECK(start <= previousStart);
        previousStart = start;
        seen.push_back(page["records"][0]["record_id"].get<std::string>());
        REQUIRE(page["next"].is_string());
        target = "/review/v1/records?limit=1&after=" + page["next"].get<std::string>();
    }
    CHECK(sorted(seen) == sorted(held));
    CHECK(lab.getJson(doctor, "/review/v1/records?after=1.S-0")["records"].empty());
}

TEST_CASE("malformed and oversized review filters are refused, typed",
          "[review][archive][hostile]") {
    ReviewLab lab;
    const auto doctor = lab.pki.doctor(1);
    struct Case {
        std::string query;
        std::string error;
    };
    const std::vector<Case> cases{
        {"site=" + std::string(33, 'A'), "filter_too_large"},
        {"from=" + std::string(16, '1'), "filter_too_large"},
        {"doctor=" + std::string(12, '1'), "filter_too_large"},
        {"after=" + std::string(100, '1'), "filter_too_large"},
        {"end_reason=" + std::string(40, 'a'), "filter_too_large"},
        {"site=" + std::string(3000, 'A'), "filter_too_large"},
        {"limit=0", "invalid_filter"},
        {"limit=201", "invalid_filter"},
        {"limit=abc", "invalid_filter"},
        {"site=fr-test", "invalid_filter"},
        {"doctor=12345678901", "invalid_filter"},
        {"incident=maybe", "invalid_filter"},
        {"site=FR-TEST-01&site=FR-NORD-01", "invalid_filter"},
        {"owner=10101234564", "invalid_filter"},
        {"from=-1", "invalid_filter"},
        {"after=12.", "invalid_filter"},
        {"site=FR%2DTEST", "invalid_filter"},
        {"site", "invalid_filter"},
        {"limit=5&", "invalid_filter"},
    };
    for (const auto& c : cases) {
        INFO(c.query.substr(0, 80));
        const auto answer = lab.get(doctor, "/review/v1/records?" + c.query);
        CHECK(answer.status == 400);
        CHECK(answer.error() == c.error);
    }
    CHECK(lab.get(doctor, "/review/v1/records/S-1?limit=1").error() == "malformed_request");
    CHECK(lab.get(doctor, "/review/v1/nothing").error() == "unknown_route");
    CHECK(lab.get(doctor, "/review/v1/records/bad$id").error() == "invalid_record_id");
    RawConnection connection(lab.pki, doctor, lab.service->port());
    const auto post = connection.exchange(
        "POST /review/v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
    CHECK(post.status == 405);
    CHECK(post.allow == "GET");
    CHECK(lab.audit.taken().empty()); // refusals are not reads
}

TEST_CASE("a read the audit sink does not take is not served", "[review][archive][audit]") {
    ReviewLab lab;
    const auto doctor = lab.pki.doctor(1);
    const auto record = lab.consult(doctor, "V-1", kSiteVal, true);
    lab.audit.fail(true);
    for (const auto& target : {std::string("/review/v1/records"), recordPath(record),
                               recordPath(record) + "/files/record.json",
                               recordPath(record) + "/files/steth-aortic-1.flac"}) {
        INFO(target);
        const auto answer = lab.get(doctor, target);
        CHECK(answer.status == 503);
        CHECK(answer.error() == "audit_failed");
        CHECK(answer.body.find(record) == std::string::npos);
    }
    lab.audit.fail(false);
    CHECK(lab.get(doctor, recordPath(record)).status == 200);
}

TEST_CASE("without an audit sink the service serves no review", "[review][archive][audit]") {
    ReviewLab lab(false);
    const auto doctor = lab.pki.doctor(1);
    const auto record = lab.consult(doctor, "V-1", kSiteVal, true);
    for (const auto& target : {std::string("/review/v1/records"), recordPath(record)}) {
        const auto answer = lab.get(doctor, target);
        CHECK(answer.status == 503);
        CHECK(answer.error() == "audit_unavailable");
    }
}

namespace {

std::int64_t rowCount(const std::filesystem::path& database, const std::string& recordId) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    const std::string sql =
        "SELECT count(*) FROM review_records WHERE record_id = '" + recordId + "'";
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
    const auto count = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return count;
}

void execute(const std::filesystem::path& database, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
}

} // namespace

TEST_CASE("indexing is idempotent and a record without its row is indexed at the next start",
          "[review][archive]") {
    ReviewLab lab;
    const auto doctor = lab.pki.doctor(1);
    const auto record = lab.consult(doctor, "V-1", kSiteVal, true);
    const std::filesystem::path database = lab.options.eventLog;
    CHECK(rowCount(database, record) == 1);
    // The same dossier committed again: still one row.
    {
        Client client(*lab.service, doctor);
        CHECK(client.upload(record, lab.dir.path() / ("dossier-" + record), {}, {true, true}));
    }
    CHECK(rowCount(database, record) == 1);
    // A row lost (an indexing failure at commit) comes back when the service starts.
    execute(database, "DELETE FROM review_records");
    CHECK(lab.get(doctor, recordPath(record)).status == 404);
    lab.service.reset();
    lab.start();
    CHECK(waitUntil([&] { return rowCount(database, record) == 1; }));
    CHECK(lab.get(doctor, recordPath(record)).status == 200);
}

TEST_CASE("age bands are wide at both ends and counted on the consultation day", "[review]") {
    using std::chrono::day;
    using std::chrono::month;
    using std::chrono::year;
    using std::chrono::year_month_day;
    const year_month_day on{year(2026), month(5), day(3)};
    const auto bornOn = [](int y, unsigned m, unsigned d) {
        return year_month_day{year(y), month(m), day(d)};
    };
    CHECK(protocol::ageBandOf(bornOn(2026, 1, 1), on) == "0-17");
    CHECK(protocol::ageBandOf(bornOn(2008, 5, 4), on) == "0-17"); // 18 tomorrow
    CHECK(protocol::ageBandOf(bornOn(2008, 5, 3), on) == "18-29");
    CHECK(protocol::ageBandOf(bornOn(1996, 5, 4), on) == "18-29");
    CHECK(protocol::ageBandOf(bornOn(1996, 5, 3), on) == "30-39");
    CHECK(protocol::ageBandOf(bornOn(1970, 2, 14), on) == "50-59");
    CHECK(protocol::ageBandOf(bornOn(1947, 5, 3), on) == "70-79");
    CHECK(protocol::ageBandOf(bornOn(1946, 5, 3), on) == "80+");
    CHECK(protocol::ageBandOf(bornOn(1920, 1, 1), on) == "80+");
}

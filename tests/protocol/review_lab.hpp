#pragma once
// A real service on loopback with a real archive and a CPTS map, and consultations held through
// it and archived with or without the review consent: the review routes' tests (protocol) and the
// console's review session's (app) make their records here.
#include "archive_raw_http.hpp"
#include "archive_transfer_support.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/consultation_report.hpp"
#include "tc/prescriptions/sealed_report.hpp"
#include "tc/protocol/audit_log.hpp"
#include "tc/protocol/review_index.hpp"

namespace tc::test::review {

using namespace tc::test::transfer;

namespace rx = tc::prescriptions;

// The test record's patient (tests/data/consultation_record.json): what a coordinator must
// never receive.
inline const std::vector<std::string> kIdentityBytes{"DURAND", "Paul", "1970-02-14",
                                                     "1700275056123", "75056"};

inline bool carriesIdentity(std::string_view text) {
    for (const auto& needle : kIdentityBytes) {
        if (text.find(needle) != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

struct AuditTrail {
    std::mutex mutex;
    std::vector<protocol::AuditEvent> events;
    bool failing = false;

    protocol::AuditSink sink() {
        return [this](const protocol::AuditEvent& event) -> std::error_code {
            const std::lock_guard lock(mutex);
            if (failing) {
                return std::make_error_code(std::errc::io_error);
            }
            events.push_back(event);
            return {};
        };
    }
    std::vector<protocol::AuditEvent> taken() {
        const std::lock_guard lock(mutex);
        return events;
    }
    void fail(bool on) {
        const std::lock_guard lock(mutex);
        failing = on;
    }
};

inline const std::string kSiteVal = "FR-TEST-01";
inline const std::string kSiteNord = "FR-NORD-01";

inline Bytes bytesOf(const std::string& text) {
    return Bytes(text.begin(), text.end());
}

// A dossier in the console's layout (app/src/consultation_dossier.cpp): record.json, the
// signed report's files, a recording, a still, the incidents.
inline std::vector<TestFile> reviewDossier(const std::string& session, rx::FollowUpKind followUp) {
    auto text = protocol::readFile(std::string(TC_TEST_DATA_DIR) + "/consultation_record.json");
    REQUIRE(text);
    auto record = rx::parseConsultationRecord(*text);
    REQUIRE(record);
    record->consultationId = session;
    auto report = rx::draftReport(*record, rx::ReportTemplate::feverEnt);
    REQUIRE(report);
    report->conclusion = "Angine probablement virale.";
    report->followUp = rx::FollowUp{followUp, ""};
    auto sealed = rx::SealedReport::seal(*report, *record);
    REQUIRE(sealed);
    const std::string base = "report/CR-" + session; // the console names it after its PDF
    record->report =
        rx::ReportReference{report->id.toString(), sealed->sha256(), record->times.endMs};
    auto canonical = rx::canonicalJson(*record);
    REQUIRE(canonical);
    Bytes still(4000);
    for (std::size_t i = 0; i < still.size(); ++i) {
        still[i] = static_cast<std::uint8_t>(i % 7);
    }
    return {
        {"record.json", bytesOf(*canonical)},
        {base + ".json", bytesOf(sealed->canonicalJson())},
        {base + ".pdf", bytesOf("%PDF-1.7\n% Compte rendu de DURAND Paul, né le 1970-02-14\n")},
        {base + ".p7s", bytesOf("signature over DURAND")},
        {base + ".fhir.json", bytesOf(R"({"resourceType":"Bundle","name":"DURAND"})")},
        {"steth-aortic-1.flac", bytesOf("fLaC" + std::string(3000, 'x'))},
        {"steth-aortic-1.json", bytesOf(R"({"site":"aortic","patient":"DURAND Paul"})")},
        {"still-room-1.png", still},
        {"incidents.json", bytesOf(R"([{"kind":"loss_burst"}])")},
    };
}

struct ReviewLab {
    TestPki pki;
    TempDir dir;
    AuditTrail audit;
    ServiceOptions options;
    std::unique_ptr<ArchiveService> service;

    // Where the audit goes: the in-memory trail above, none (no review served), or a real
    // AuditLog file (dir/audit.sqlite), which the trail route also reads back.
    enum class Audit { memory, none, file };
    std::shared_ptr<protocol::AuditLog> auditLog;
    // A real recording to archive as steth-aortic-1.flac instead of the test's bytes.
    std::optional<Bytes> recording;

    explicit ReviewLab(bool withAudit = true)
        : ReviewLab(withAudit ? Audit::memory : Audit::none) {}
    explicit ReviewLab(Audit how) {
        auto map = protocol::CptsMap::parse(
            R"({"cpts":[{"id":"CPTS-VAL","name":"CPTS du Val","sites":["FR-TEST-01","FR-TEST-02"]},
                        {"id":"CPTS-NORD","name":"CPTS du Nord","sites":["FR-NORD-01"]}]})");
        REQUIRE(map);
        options.eventLog = (dir.path() / "events.sqlite").string();
        if (how == Audit::memory) {
            options.audit = audit.sink();
        } else if (how == Audit::file) {
            auto opened = protocol::AuditLog::open(dir.path() / "audit.sqlite", pki.service);
            REQUIRE(opened);
            auditLog = std::move(*opened);
            options.audit = auditLog->sink();
            options.auditLog = auditLog;
        }
        options.cptsMap = std::make_shared<const protocol::CptsMap>(std::move(*map));
        start();
    }
    void start() {
        service = std::make_unique<ArchiveService>(pki, dir.path() / "archive", options);
    }

    // A consultation held at `site`, ended, and archived with the given consent: its record id.
    std::string consult(const protocol::Credentials& doctor, const std::string& visitId,
                        const std::string& site, bool qualityReview,
                        rx::FollowUpKind followUp = rx::FollowUpKind::specialist) {
        std::string session;
        {
            SyncClient cabin(pki, pki.cabin(site), service->port());
            SyncClient physician(pki, doctor, service->port());
            session = claimVisit(cabin, physician, visitId, site).doctor.sessionId;
            REQUIRE_FALSE(physician
                              .request(protocol::type::sessionEnd,
                                       {{"session_id", session}, {"reason", "completed"}})
                              .code);
        }
        const auto dossier = dir.path() / ("dossier-" + session);
        auto files = reviewDossier(session, followUp);
        if (recording) {
            for (auto& file : files) {
                if (file.name == "steth-aortic-1.flac") {
                    file.content = *recording;
                }
            }
        }
        writeDossier(dossier, files);
        Client client(*service, doctor);
        const auto uploaded = client.upload(session, dossier, {}, {true, qualityReview});
        INFO(describe(uploaded));
        REQUIRE(uploaded);
        return session;
    }

    // `count` consented consultations at `site`, the first sent to the emergency department,
    // the others to a specialist: their record ids.
    std::vector<std::string> consultSeveral(const protocol::Credentials& doctor, int count,
                                            const std::string& site) {
        std::vector<std::string> ids;
        for (int i = 0; i < count; ++i) {
            ids.push_back(
                consult(doctor, "V-" + std::to_string(i), site, true,
                        i == 0 ? rx::FollowUpKind::emergency : rx::FollowUpKind::specialist));
        }
        return ids;
    }

    RawAnswer get(const protocol::Credentials& who, const std::string& target) {
        RawConnection connection(pki, who, service->port());
        return connection.exchange(getRequest(target));
    }
    nlohmann::json getJson(const protocol::Credentials& who, const std::string& target) {
        const auto answer = get(who, target);
        INFO(target << ": " << answer.status << " " << answer.body);
        REQUIRE(answer.status == 200);
        return nlohmann::json::parse(answer.body);
    }
};

inline std::vector<std::string> idsOf(const nlohmann::json& page) {
    std::vector<std::string> ids;
    for (const auto& row : page["records"]) {
        ids.push_back(row["record_id"].get<std::string>());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

inline std::vector<std::string> sorted(std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
}

inline std::string recordPath(const std::string& id) {
    return "/review/v1/records/" + id;
}

} // namespace tc::test::review

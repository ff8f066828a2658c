#pragma once
// Shared test data for the consultation record and report: a 16-minute assisted teleconsultation
// on 3 May 2024 (CEST), a qualified patient under the test NIR system, the fixtures' prescriber
// (RPPS 10101234564, the test PKI's rppsDoctor and cpsCard), five measurements, two
// auscultations, a still, the adult fixture's ordonnance and a loss burst. tests/data/
// consultation_record.json must parse to exactly recordFixture().

#include "fixtures.hpp"
#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/consultation_report.hpp"
#include "tc/prescriptions/sealed_prescription.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <string>

namespace tc::prescriptions::test {

// A valid identifier borrowed from the prescription fixtures (its check symbol is known good).
inline constexpr const char* kReportId = kChildId;

// 2024-05-03T08:30:00Z (10:30 in Paris).
inline constexpr UnixMs kCheckInMs = 1714725000000;
inline constexpr UnixMs kMinuteMs = 60'000;

// Whether `issues` hold `code` at `path`.
inline bool hasIssue(const RecordIssues& issues, RecordErrc code, const std::string& path) {
    for (const auto& issue : issues) {
        if (issue.code == code && issue.path == path) {
            return true;
        }
    }
    return false;
}

inline std::string hash(char c) {
    return std::string(64, c);
}

inline const SealedPrescription& sealedAdult() {
    static const auto sealed = SealedPrescription::seal(adultPrescription(), table());
    REQUIRE(sealed.has_value());
    return *sealed;
}

inline PatientIdentity qualifiedPatient() {
    PatientIdentity p;
    p.birthName = "DURAND";
    p.firstNames = {"Paul", "Jean"};
    p.birthDate = ymd(1970, 2, 14);
    p.sex = Sex::male;
    p.birthPlaceCode = "75056";
    p.ins = Ins{InsSystem::testNir, "1700275056123", "96"};
    p.status = IdentityStatus::qualified;
    p.source = IdentitySource::carteVitale;
    return p;
}

inline ConsultationRecord recordFixture() {
    ConsultationRecord r;
    r.consultationId = "sess-2024-05-03-0042";
    r.patient = qualifiedPatient();
    r.doctor = RecordDoctor{"10101234564", "Martin", "Claire"};
    r.site = RecordSite{"SFL-01", "Cabine de la mairie de Saint-Flour"};
    r.assistant = RecordAssistant{AssistantRole::nurse, "Sophie Bernard"};
    const UnixMs start = kCheckInMs + 8 * kMinuteMs;
    r.times = RecordTimes{kCheckInMs, kCheckInMs + 7 * kMinuteMs, start, start + 16 * kMinuteMs};
    r.consent = RecordConsent{true, false};
    r.endReason = "doctor_ended";
    r.acts.measurements = {
        {"m-1", "8480-6", "Pression systolique", 128, "mm[Hg]", start + 2 * kMinuteMs, "cuff-1"},
        {"m-2", "8462-4", "Pression diastolique", 82, "mm[Hg]", start + 2 * kMinuteMs, "cuff-1"},
        {"m-3", "8867-4", "Fréquence cardiaque", 72, "/min", start + 2 * kMinuteMs, "cuff-1"},
        {"m-4", "8310-5", "Température", 38.4, "Cel", start + 3 * kMinuteMs, "thermo-1"},
        {"m-5", "59408-5", "Saturation en oxygène (SpO2)", 97, "%", start + 4 * kMinuteMs,
         "oximeter-1"},
    };
    r.acts.auscultations = {
        {"aortic", "steth-aortic-1.flac", start + 5 * kMinuteMs, 12'000, hash('a')},
        {"lung_left_lower", "steth-lung_left_lower-1.flac", start + 6 * kMinuteMs, 15'400,
         hash('b')},
    };
    r.acts.stills = {{"still-1.png", hash('c'), start + 7 * kMinuteMs, "Gorge"}};
    r.acts.instruments = {"cuff-1", "thermo-1", "oximeter-1", "steth-1", "otoscope-1"};
    r.prescriptions = {{kAdultId, sealedAdult().sha256()}};
    r.incidents = {{IncidentKind::lossBurst,
                    start + 10 * kMinuteMs,
                    start + 10 * kMinuteMs + 20'000,
                    {{"duration_ms", 20000}, {"loss_percent", 12.5}},
                    "Pertes de paquets de 12,5 % pendant 20 s"}};
    return r;
}

// A finished report on recordFixture(), from the fever/ENT template.
inline ConsultationReport reportFixture() {
    const auto record = recordFixture();
    auto draft = draftReport(record, ReportTemplate::feverEnt);
    REQUIRE(draft.has_value());
    ConsultationReport r = *draft;
    r.id = parseId(kReportId);
    r.history = "Fièvre depuis 2 jours, maximum 38,9 °C.\nOdynophagie, pas de toux.";
    r.examination.text = "Pharynx érythémateux sans dépôt ; tympans normaux.";
    r.conclusion = "Angine probablement virale (score de McIsaac 1).";
    r.followUp = FollowUp{FollowUpKind::gpInPerson, ""};
    return r;
}

// One way to damage a valid `Target` (its JSON, or the parsed value) and the error expected
// at `path`: the rows of the strict-parsing and validation tests.
template <class Target, class Code> struct DamageCase {
    const char* name;
    std::function<void(Target&)> damage;
    Code code;
    std::string path;
};

} // namespace tc::prescriptions::test

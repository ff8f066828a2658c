// The consultation report: templates, examination items drawn from the record (with their source
// acts and Paris times), strict JSON, located validation, the sealed form.
#include "record_fixtures.hpp"
#include "support/catch_result.hpp"
#include "tc/prescriptions/consultation_report.hpp"
#include "tc/prescriptions/sealed_report.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <set>

using namespace tc::prescriptions;
namespace fx = tc::prescriptions::test;
using fx::hasIssue;
using nlohmann::json;

TEST_CASE("Report: templates for the common motifs, in French, leave the conclusion to the doctor",
          "[report]") {
    const auto templates = allReportTemplates();
    REQUIRE(templates.size() >= 6);
    std::set<std::string_view> wires;
    for (const auto& t : templates) {
        INFO(t.wire);
        CHECK(wires.insert(t.wire).second);
        CHECK(reportTemplateFromWire(t.wire) == t.value);
        CHECK_FALSE(t.labelFr.empty());
        CHECK_FALSE(t.motif.empty());
        CHECK_FALSE(t.history.empty());
        CHECK_FALSE(t.examination.empty());
        auto draft = draftReport(fx::recordFixture(), t.value);
        REQUIRE(draft.has_value());
        CHECK(draft->motif == t.motif);
        CHECK(draft->conclusion.empty());
        // A draft cannot be signed before the doctor concludes.
        const auto issues = validateReport(*draft);
        CHECK(hasIssue(issues, RecordErrc::missingConclusion, "/conclusion"));
        CHECK_FALSE(hasIssue(issues, RecordErrc::missingMotif, "/motif"));
    }
    for (const char* wire :
         {"fever_ent", "cough", "urinary", "skin_lesion", "chronic_renewal", "blood_pressure"}) {
        CHECK(reportTemplateFromWire(wire).has_value());
    }
    CHECK(infoOf(ReportTemplate::urinary).motif.find("urinaires") != std::string_view::npos);
    CHECK(infoOf(ReportTemplate::bloodPressure).followUp == FollowUpKind::gpInPerson);
    auto empty = draftReport(fx::recordFixture());
    REQUIRE(empty.has_value());
    CHECK(empty->motif.empty());
    CHECK_FALSE(empty->id.isNil());
    CHECK(empty->consultationId == "sess-2024-05-03-0042");
}

TEST_CASE("Report: the examination starts from every act, in time order, each with its source",
          "[report]") {
    const auto record = fx::recordFixture();
    const auto items = examinationItemsFrom(record);
    REQUIRE(items.size() == 8); // 5 measurements, 2 auscultations, 1 still
    // Times in Paris (CEST, UTC+2): the session started at 10:38.
    CHECK(items[0].text == "Pression systolique : 128 mmHg (10:40)");
    CHECK(items[0].source == SourceRef{SourceKind::measurement, "m-1"});
    CHECK(items[2].text == "Fréquence cardiaque : 72/min (10:40)");
    CHECK(items[3].text == "Température : 38,4 °C (10:41)");
    CHECK(items[4].text == "Saturation en oxygène (SpO2) : 97 % (10:42)");
    CHECK(items[5].text == "Auscultation, foyer aortique : enregistrement de 12 s (10:43)");
    CHECK(items[5].source == SourceRef{SourceKind::recording, "steth-aortic-1.flac"});
    CHECK(items[6].text == "Auscultation, poumon gauche, base : enregistrement de 15 s (10:44)");
    CHECK(items[7].text == "Photo : Gorge (10:45)");
    CHECK(items[7].source == SourceRef{SourceKind::still, "still-1.png"});
    for (const auto& item : items) {
        CHECK(recordHoldsAct(record, item.source.kind, item.source.id));
    }
}

TEST_CASE("Report: French civil time follows the EU summer time rule", "[report]") {
    // 2024-03-31 00:59:59 UTC is 01:59:59 CET; one second later 03:00 CEST.
    auto record = fx::recordFixture();
    record.acts = {};
    const UnixMs switchMs = 1711846800000; // 2024-03-31T01:00:00Z
    record.acts.measurements = {
        {"a", "8310-5", "T", 37, "Cel", switchMs - 60'000, "t"},
        {"b", "8310-5", "T", 37, "Cel", switchMs, "t"},
        {"c", "8310-5", "T", 37, "Cel", 1729990800000 - 60'000, "t"}, // 2024-10-27 00:59 UTC
        {"d", "8310-5", "T", 37, "Cel", 1729990800000, "t"}};
    const auto items = examinationItemsFrom(record);
    REQUIRE(items.size() == 4);
    CHECK(items[0].text.ends_with("(01:59)"));
    CHECK(items[1].text.ends_with("(03:00)"));
    CHECK(items[2].text.ends_with("(02:59)"));
    CHECK(items[3].text.ends_with("(02:00)"));
}

TEST_CASE("Report: JSON round trip and strict parsing", "[report]") {
    const auto report = fx::reportFixture();
    const auto value = toJson(report);
    CHECK(value["format"] == kReportFormat);
    CHECK(value["id"] == fx::kReportId);
    CHECK(value["followUp"]["kind"] == "gp_in_person");
    CHECK(value["examination"]["items"][5]["source"]["kind"] == "recording");
    auto parsed = parseConsultationReport(value.dump());
    REQUIRE(parsed.has_value());
    CHECK(*parsed == report);

    using Case = fx::DamageCase<json, Errc>;
    const auto c = GENERATE(
        Case{"unknown member", [](json& j) { j["examination"]["notes"] = ""; }, Errc::unknownField,
             "/examination/notes"},
        Case{"unknown source kind",
             [](json& j) { j["examination"]["items"][1]["source"]["kind"] = "video"; },
             Errc::unknownEnumValue, "/examination/items/1/source/kind"},
        Case{"unknown follow-up", [](json& j) { j["followUp"]["kind"] = "later"; },
             Errc::unknownEnumValue, "/followUp/kind"},
        Case{"id check symbol", [](json& j) { j["id"] = "9ZZZ-0000-1111-2222-3333-4444-55GC"; },
             Errc::idCheckMismatch, "/id"},
        Case{"missing conclusion member", [](json& j) { j.erase("conclusion"); },
             Errc::missingField, "/conclusion"},
        Case{"oversized history", [](json& j) { j["history"] = std::string(9000, 'x'); },
             Errc::invalidField, "/history"},
        Case{"bell character", [](json& j) { j["motif"] = "Fièvre\a"; }, Errc::invalidField,
             "/motif"});
    INFO(c.name);
    auto damaged = value;
    c.damage(damaged);
    auto refused = consultationReportFromJson(damaged);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == c.code);
    CHECK(refused.error().path == c.path);
}

TEST_CASE("Report: validation locates every problem", "[report]") {
    const auto record = fx::recordFixture();
    CHECK(validateReport(fx::reportFixture(), &record).empty());
    using Case = fx::DamageCase<ConsultationReport, RecordErrc>;
    const auto c = GENERATE(
        Case{"no motif", [](auto& r) { r.motif = "  \n"; }, RecordErrc::missingMotif, "/motif"},
        Case{"no conclusion", [](auto& r) { r.conclusion.clear(); }, RecordErrc::missingConclusion,
             "/conclusion"},
        Case{"control character", [](auto& r) { r.history = "Fièvre\x07"; },
             RecordErrc::controlCharacter, "/history"},
        Case{"carriage return", [](auto& r) { r.conclusion = "Angine\r\nvirale"; },
             RecordErrc::controlCharacter, "/conclusion"},
        Case{"over-long text", [](auto& r) { r.freeText = std::string(8001, 'x'); },
             RecordErrc::textTooLong, "/freeText"},
        Case{"over-long motif", [](auto& r) { r.motif = std::string(501, 'x'); },
             RecordErrc::textTooLong, "/motif"},
        Case{"empty item", [](auto& r) { r.examination.items[2].text.clear(); },
             RecordErrc::missingField, "/examination/items/2/text"},
        Case{"unknown act",
             [](auto& r) {
                 r.examination.items[0].source = {SourceKind::measurement, "m-9"};
             },
             RecordErrc::unknownSource, "/examination/items/0/source/id"},
        Case{"an act of another kind",
             [](auto& r) { r.examination.items[7].source.kind = SourceKind::recording; },
             RecordErrc::unknownSource, "/examination/items/7/source/id"},
        Case{"act reported twice",
             [](auto& r) { r.examination.items[1].source = r.examination.items[0].source; },
             RecordErrc::duplicateId, "/examination/items/1/source/id"},
        Case{"another consultation", [](auto& r) { r.consultationId = "sess-other"; },
             RecordErrc::recordMismatch, "/consultationId"},
        Case{"specialty without a specialist", [](auto& r) { r.followUp.specialty = "ORL"; },
             RecordErrc::specialtyMisplaced, "/followUp/specialty"},
        Case{"no id", [](auto& r) { r.id = PrescriptionId{}; }, RecordErrc::invalidIdentifier,
             "/id"});
    INFO(c.name);
    auto report = fx::reportFixture();
    c.damage(report);
    const auto issues = validateReport(report, &record);
    CHECK(hasIssue(issues, c.code, c.path));
}

TEST_CASE("Report: follow-up sentences for the patient", "[report]") {
    CHECK(followUpTextFr(FollowUpKind::specialist, "cardiologie") ==
          "Consulter un spécialiste (cardiologie).");
    CHECK(followUpTextFr(FollowUpKind::specialist, "") == "Consulter un spécialiste.");
    CHECK(followUpTextFr(FollowUpKind::emergency, "").find("15") != std::string::npos);
    CHECK(followUpKindFromWire("gp_in_person") == FollowUpKind::gpInPerson);
}

TEST_CASE("Report: the sealed report is canonical, hashed, and read back strictly", "[report]") {
    const auto record = fx::recordFixture();
    auto sealed = SealedReport::seal(fx::reportFixture(), record);
    REQUIRE(sealed.has_value());
    const auto& bytes = sealed->canonicalJson();
    CHECK(bytes.find("\"author\":{\"familyName\":\"Martin\",\"givenName\":\"Claire\",\"rpps\":"
                     "\"10101234564\"}") != std::string::npos);
    CHECK(sealed->sha256() == sha256Hex(bytes).value());
    CHECK(sealed->context() == reportContextOf(record));
    auto back = SealedReport::fromCanonical(bytes, sealed->sha256());
    REQUIRE(back.has_value());
    CHECK(back->report() == sealed->report());
    CHECK(back->context() == sealed->context());
    // Not canonical (whitespace), another digest, not a signed report at all.
    CHECK(SealedReport::fromCanonical(" " + bytes).error().code == Errc::notCanonical);
    CHECK(SealedReport::fromCanonical(bytes, std::string(64, '0')).error().code ==
          Errc::digestMismatch);
    const auto notSigned = SealedReport::fromCanonical(toJson(fx::reportFixture()).dump());
    CHECK(notSigned.error().code == Errc::unknownEnumValue);
    CHECK(notSigned.error().path == "/format");
    // A report and a record with problems do not seal; the record's are under /record.
    auto broken = record;
    broken.doctor.rpps = "1";
    RecordIssues issues;
    CHECK(SealedReport::seal(fx::reportFixture(), broken, &issues).error() ==
          Errc::validationFailed);
    CHECK(hasIssue(issues, RecordErrc::invalidRpps, "/record/doctor/rpps"));
}

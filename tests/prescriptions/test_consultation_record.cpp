// The consultation record: JSON round trips (code and tests/data fixture), strict parsing with
// located errors, and validation locating every kind of problem.
#include "record_fixtures.hpp"
#include "support/catch_result.hpp"
#include "tc/prescriptions/canonical_json.hpp"
#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/fhir_document.hpp"
#include "tc/prescriptions/sealed_report.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>

using namespace tc::prescriptions;
namespace fx = tc::prescriptions::test;
using fx::hasIssue;
using nlohmann::json;

namespace {

std::string describe(const RecordIssues& issues) {
    std::string out;
    for (const auto& issue : issues) {
        out += std::string(wireName(static_cast<RecordErrc>(issue.code.value()))) + " at " +
               issue.path + " (" + issue.detail + ")\n";
    }
    return out;
}

} // namespace

TEST_CASE("Record: the fixture validates and survives a JSON round trip", "[record]") {
    const auto record = fx::recordFixture();
    const auto issues = validateRecord(record);
    INFO(describe(issues));
    CHECK(issues.empty());
    const auto value = toJson(record);
    CHECK(value["format"] == kRecordFormat);
    CHECK(value["patient"]["ins"]["system"] == "test_nir");
    CHECK(value["patient"]["status"] == "qualified");
    CHECK(value["assistant"]["role"] == "nurse");
    CHECK(value["incidents"][0]["kind"] == "loss_burst");
    auto parsed = consultationRecordFromJson(value);
    INFO((parsed ? std::string() : parsed.error().path + ": " + parsed.error().detail));
    REQUIRE(parsed.has_value());
    CHECK(*parsed == record);
    // Derived, not stored.
    CHECK(record.times.waitMs() == 7 * fx::kMinuteMs);
    CHECK(record.times.durationMs() == 16 * fx::kMinuteMs);
    CHECK_FALSE(value["times"].contains("waitMs"));
    // Canonical bytes: the same through text, and RFC 8785 sorted.
    auto canonical = canonicalJson(record);
    REQUIRE(canonical.has_value());
    auto again = parseConsultationRecord(*canonical);
    REQUIRE(again.has_value());
    CHECK(*again == record);
    CHECK(canonicalizeJsonText(value.dump(2)).value() == *canonical);
    CHECK(canonical->find("\"acts\":{\"auscultations\":[") != std::string::npos);
}

TEST_CASE("Record: tests/data/consultation_record.json is the fixture", "[record]") {
    const auto text = fx::readFile(TC_TEST_DATA_DIR "/consultation_record.json");
    auto parsed = parseConsultationRecord(text);
    INFO((parsed ? std::string() : parsed.error().path + ": " + parsed.error().detail));
    REQUIRE(parsed.has_value());
    auto expected = fx::recordFixture();
    // The fixture file fixes the ordonnance's digest as the adult fixture seals today.
    CHECK(parsed->prescriptions == expected.prescriptions);
    CHECK(*parsed == expected);
}

TEST_CASE("Record: strict parsing refuses malformed records with a located error", "[record]") {
    using Case = fx::DamageCase<json, Errc>;
    const auto c = GENERATE(
        Case{"unknown member", [](json& j) { j["extra"] = 1; }, Errc::unknownField, "/extra"},
        Case{"missing member", [](json& j) { j.erase("endReason"); }, Errc::missingField,
             "/endReason"},
        Case{"wrong type", [](json& j) { j["times"]["startMs"] = "10:38"; }, Errc::wrongFieldType,
             "/times/startMs"},
        Case{"fractional time", [](json& j) { j["times"]["endMs"] = 1.5; }, Errc::wrongFieldType,
             "/times/endMs"},
        Case{"negative time", [](json& j) { j["times"]["endMs"] = -1; }, Errc::invalidField,
             "/times/endMs"},
        Case{"unknown incident kind", [](json& j) { j["incidents"][0]["kind"] = "meteor"; },
             Errc::unknownEnumValue, "/incidents/0/kind"},
        Case{"unknown role", [](json& j) { j["assistant"]["role"] = "wizard"; },
             Errc::unknownEnumValue, "/assistant/role"},
        Case{"unknown identity status", [](json& j) { j["patient"]["status"] = "certain"; },
             Errc::unknownEnumValue, "/patient/status"},
        Case{"bad birth date", [](json& j) { j["patient"]["birth_date"] = "1970-02-30"; },
             Errc::invalidDate, "/patient/birth_date"},
        Case{"unknown measurement member",
             [](json& j) { j["acts"]["measurements"][1]["quality"] = "good"; }, Errc::unknownField,
             "/acts/measurements/1/quality"},
        Case{"figure not a number",
             [](json& j) { j["incidents"][0]["figures"]["loss_percent"] = "12"; },
             Errc::wrongFieldType, "/incidents/0/figures/loss_percent"},
        Case{"control character", [](json& j) { j["site"]["name"] = "Saint\x01Flour"; },
             Errc::invalidField, "/site/name"},
        Case{"oversized text",
             [](json& j) { j["incidents"][0]["descriptionFr"] = std::string(600, 'x'); },
             Errc::invalidField, "/incidents/0/descriptionFr"},
        Case{"another format", [](json& j) { j["format"] = "telecabine.consultation-record/2"; },
             Errc::unknownEnumValue, "/format"},
        Case{"null report is fine, a string is not", [](json& j) { j["report"] = "yes"; },
             Errc::wrongFieldType, "/report"});
    INFO(c.name);
    auto value = toJson(fx::recordFixture());
    c.damage(value);
    auto parsed = consultationRecordFromJson(value);
    REQUIRE_FALSE(parsed.has_value());
    INFO(parsed.error().detail);
    CHECK(parsed.error().code == c.code);
    CHECK(parsed.error().path == c.path);
}

TEST_CASE("Record: text that is not a single JSON document is refused", "[record]") {
    CHECK(parseConsultationRecord("{").error().code == Errc::malformedJson);
    const auto text = toJson(fx::recordFixture()).dump();
    const auto duplicated = "{\"endReason\":\"x\"," + text.substr(1);
    CHECK(parseConsultationRecord(duplicated).error().code == Errc::duplicateKey);
    CHECK(parseConsultationRecord(std::string(kMaxRecordBytes + 1, ' ')).error().code ==
          Errc::invalidField);
}

TEST_CASE("Record: validation locates every problem", "[record]") {
    using Case = fx::DamageCase<ConsultationRecord, RecordErrc>;
    const auto c = GENERATE(
        Case{"RPPS check digit", [](auto& r) { r.doctor.rpps = "10101234565"; },
             RecordErrc::invalidRpps, "/doctor/rpps"},
        Case{"site code", [](auto& r) { r.site.code = "sfl 01"; }, RecordErrc::invalidIdentifier,
             "/site/code"},
        Case{"claim before check-in", [](auto& r) { r.times.claimMs = r.times.checkInMs - 1; },
             RecordErrc::invalidTime, "/times/claimMs"},
        Case{"end before start", [](auto& r) { r.times.endMs = r.times.startMs - 1; },
             RecordErrc::invalidTime, "/times/endMs"},
        Case{"a time in 1970", [](auto& r) { r.times.checkInMs = 0; }, RecordErrc::invalidTime,
             "/times/checkInMs"},
        Case{"LOINC check digit", [](auto& r) { r.acts.measurements[0].loinc = "8480-5"; },
             RecordErrc::invalidCode, "/acts/measurements/0/loinc"},
        Case{"UCUM with a space", [](auto& r) { r.acts.measurements[3].unit = "deg C"; },
             RecordErrc::invalidCode, "/acts/measurements/3/unit"},
        Case{"duplicate measurement id", [](auto& r) { r.acts.measurements[2].id = "m-1"; },
             RecordErrc::duplicateId, "/acts/measurements/2/id"},
        Case{"measurement outside the session",
             [](auto& r) { r.acts.measurements[4].atMs = r.times.endMs + 3 * fx::kMinuteMs; },
             RecordErrc::invalidTime, "/acts/measurements/4/atMs"},
        Case{"path in a file name",
             [](auto& r) { r.acts.auscultations[0].recording = "../steth-aortic-1.flac"; },
             RecordErrc::invalidIdentifier, "/acts/auscultations/0/recording"},
        Case{"a still that is not an image", [](auto& r) { r.acts.stills[0].fileName = "x.exe"; },
             RecordErrc::invalidIdentifier, "/acts/stills/0/fileName"},
        Case{"uppercase digest", [](auto& r) { r.acts.stills[0].sha256 = std::string(64, 'C'); },
             RecordErrc::invalidDigest, "/acts/stills/0/sha256"},
        Case{"prescription id", [](auto& r) { r.prescriptions[0].id = "RX-1"; },
             RecordErrc::invalidIdentifier, "/prescriptions/0/id"},
        Case{"incident ends before it starts",
             [](auto& r) { r.incidents[0].endMs = r.incidents[0].startMs - 1; },
             RecordErrc::invalidTime, "/incidents/0/endMs"},
        Case{"figure name", [](auto& r) { r.incidents[0].figures["Loss %"] = 1; },
             RecordErrc::invalidIdentifier, "/incidents/0/figures/Loss %"},
        Case{"control character in a description",
             [](auto& r) { r.incidents[0].descriptionFr = "coupure\x1b[31m"; },
             RecordErrc::controlCharacter, "/incidents/0/descriptionFr"},
        Case{"invalid UTF-8", [](auto& r) { r.assistant->name = "Sophie \xC3"; },
             RecordErrc::controlCharacter, "/assistant/name"},
        Case{"qualified without INS", [](auto& r) { r.patient.ins.reset(); },
             RecordErrc::identityIncomplete, "/patient/ins"},
        Case{"no first name", [](auto& r) { r.patient.firstNames.clear(); },
             RecordErrc::identityIncomplete, "/patient/first_names"},
        Case{"end reason", [](auto& r) { r.endReason = "Doctor ended"; },
             RecordErrc::invalidIdentifier, "/endReason"});
    INFO(c.name);
    auto record = fx::recordFixture();
    c.damage(record);
    const auto issues = validateRecord(record);
    INFO(describe(issues));
    CHECK(hasIssue(issues, c.code, c.path));
}

TEST_CASE("Record: vocabularies have stable wire names", "[record]") {
    CHECK(wireName(IncidentKind::mediaPathChange) == "media_path_change");
    CHECK(wireName(IncidentKind::audioDeviceError) == "audio_device_error");
    CHECK(incidentKindFromWire("frozen_video") == IncidentKind::frozenVideo);
    CHECK_FALSE(incidentKindFromWire("frozenVideo").has_value());
    CHECK(wireName(AssistantRole::medicalAssistant) == "medical_assistant");
    CHECK(wireName(SourceKind::recording) == "recording");
    CHECK(wireName(RecordErrc::missingMotif) == "missing_motif");
    CHECK(recordErrcFromWireName("unknown_source") == RecordErrc::unknownSource);
    CHECK(make_error_code(RecordErrc::invalidRpps).category().name() == std::string("tc.record"));
}

// Run by hand after a deliberate change of the formats: the fixture, and the fuzzer's seeds (a
// record, a report, a signed report's canonical bytes, a FHIR document).
//   tc_prescriptions_tests "[.regenerate]"
TEST_CASE("Record: regenerate tests/data/consultation_record.json and the fuzz seeds",
          "[.regenerate]") {
    const auto write = [](const std::string& path, const std::string& text) {
        std::ofstream out(path, std::ios::binary);
        out << text;
        CHECK(out.good());
    };
    const auto record = fx::recordFixture();
    write(TC_TEST_DATA_DIR "/consultation_record.json", toJson(record).dump(2) + "\n");
    const std::string seeds = TC_SOURCE_DIR "/tests/fuzz/corpus-record/";
    std::filesystem::create_directories(seeds);
    write(seeds + "record", toJson(record).dump());
    write(seeds + "report", toJson(fx::reportFixture()).dump());
    auto sealed = SealedReport::seal(fx::reportFixture(), record);
    REQUIRE(sealed.has_value());
    write(seeds + "signed-report", sealed->canonicalJson());
    const auto now = std::chrono::sys_days(fx::ymd(2024, 5, 3)) + std::chrono::hours(9);
    write(seeds + "fhir-document", toFhirDocument(*sealed, record, now).value().dump());
}

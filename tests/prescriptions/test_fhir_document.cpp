// The consultation as a FHIR R4 document: what it holds, that it passes the structure checker,
// and that the checker catches what it must (each case breaks a valid document one way).
#include "record_fixtures.hpp"
#include "support/catch_result.hpp"
#include "tc/prescriptions/fhir.hpp"
#include "tc/prescriptions/fhir_document.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>

using namespace tc::prescriptions;
namespace fx = tc::prescriptions::test;
using nlohmann::json;
using tc::prescriptions::test::resources;

namespace {

const auto kSignedAt = std::chrono::sys_days(fx::ymd(2024, 5, 3)) + std::chrono::hours(9);

json documentOf(const ConsultationRecord& record,
                std::span<const SealedPrescription> prescriptions = {}) {
    auto sealed = SealedReport::seal(fx::reportFixture(), record);
    REQUIRE(sealed.has_value());
    auto bundle = toFhirDocument(*sealed, record, kSignedAt, prescriptions);
    REQUIRE(bundle.has_value());
    return *bundle;
}

std::size_t indexOf(const json& bundle, const std::string& type) {
    for (std::size_t i = 0; i < bundle["entry"].size(); ++i) {
        if (bundle["entry"][i]["resource"]["resourceType"] == type) {
            return i;
        }
    }
    FAIL("no " << type);
    return 0;
}

json resolve(const json& bundle, const json& reference) {
    for (const auto& entry : bundle["entry"]) {
        if (entry["fullUrl"] == reference["reference"]) {
            return entry["resource"];
        }
    }
    FAIL("unresolved " << reference.dump());
    return {};
}

std::string describe(const std::vector<FhirProblem>& problems) {
    std::string out;
    for (const auto& p : problems) {
        out += p.code.message() + " at " + p.path + ": " + p.detail + "\n";
    }
    return out;
}

bool found(const std::vector<FhirProblem>& problems, FhirErrc code, const std::string& path) {
    for (const auto& p : problems) {
        if (p.code == code && p.path == path) {
            return true;
        }
    }
    return false;
}

// The RFC 6920 name of a digest, computed here with OpenSSL's base64.
std::string niOf(const std::string& hex) {
    unsigned char raw[32];
    for (int i = 0; i < 32; ++i) {
        raw[i] = static_cast<unsigned char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
    }
    unsigned char text[64];
    const int n = EVP_EncodeBlock(text, raw, 32);
    std::string b64(reinterpret_cast<const char*>(text), static_cast<std::size_t>(n));
    for (auto& c : b64) {
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    while (!b64.empty() && b64.back() == '=') {
        b64.pop_back();
    }
    return "ni:///sha-256;" + b64;
}

} // namespace

TEST_CASE("FHIR document: a document Bundle that passes the structure checker", "[fhir][record]") {
    const auto bundle = documentOf(fx::recordFixture());
    const auto problems = checkFhirDocument(bundle);
    INFO(describe(problems));
    CHECK(problems.empty());
    CHECK(bundle["type"] == "document");
    CHECK(bundle["identifier"]["value"] == fx::kReportId);
    CHECK(bundle["timestamp"] == "2024-05-03T09:00:00.000Z");
    // Every fullUrl a urn:uuid, reproducible.
    for (const auto& entry : bundle["entry"]) {
        CHECK(entry["fullUrl"].get<std::string>().rfind("urn:uuid:", 0) == 0);
    }
    CHECK(documentOf(fx::recordFixture()) == bundle);

    const auto& composition = bundle["entry"][0]["resource"];
    REQUIRE(composition["resourceType"] == "Composition");
    CHECK(composition["type"]["coding"][0] ==
          json{{"system", "http://loinc.org"}, {"code", "11488-4"}, {"display", "Consult note"}});
    CHECK(resolve(bundle, composition["subject"])["resourceType"] == "Patient");
    CHECK(resolve(bundle, composition["encounter"])["resourceType"] == "Encounter");
    CHECK(resolve(bundle, composition["author"][0])["resourceType"] == "Practitioner");
    CHECK(composition["attester"][0]["mode"] == "legal");
    const auto& sections = composition["section"];
    REQUIRE(sections.size() == 6); // no free text in the fixture
    CHECK(sections[0]["title"] == "Motif");
    CHECK(sections[0]["code"]["coding"][0]["code"] == "29299-5");
    CHECK(sections[2]["title"] == "Examen");
    CHECK(sections[2]["entry"].size() == 8);
    CHECK(sections[2]["text"]["div"].get<std::string>().find(
              "<li>Pression systolique : 128 mmHg (10:40)</li>") != std::string::npos);
    CHECK(sections[4]["text"]["div"].get<std::string>().find("médecin traitant") !=
          std::string::npos);
    const auto& acts = sections[5];
    CHECK(acts["title"] == "Actes et prescriptions");
    REQUIRE(acts["entry"].size() == 9); // 5 observations, 3 media, 1 prescription
    CHECK(resolve(bundle, acts["entry"][0])["resourceType"] == "Observation");
    CHECK(resolve(bundle, acts["entry"][5])["resourceType"] == "Media");
    // Without the sealed ordonnance, a logical reference by its identifier.
    CHECK(acts["entry"][8] ==
          json{{"type", "MedicationRequest"},
               {"identifier",
                {{"system", "urn:telecabine:prescription-id"}, {"value", fx::kAdultId}}},
               {"display", std::string("Ordonnance n° ") + fx::kAdultId}});
}

TEST_CASE("FHIR document: Patient, Practitioner, Encounter, Observations and Media",
          "[fhir][record]") {
    const auto bundle = documentOf(fx::recordFixture());
    const auto patient = resources(bundle, "Patient").at(0);
    REQUIRE(patient["identifier"].size() == 1);
    CHECK(patient["identifier"][0]["system"] == "urn:oid:1.2.250.1.213.1.4.10");
    CHECK(patient["identifier"][0]["value"] == "170027505612396");
    CHECK(patient["identifier"][0]["type"]["coding"][0]["code"] == "INS-NIR-TEST");
    CHECK(patient["name"][0] ==
          json{{"use", "official"}, {"family", "DURAND"}, {"given", {"Paul", "Jean"}}});
    CHECK(patient["name"].size() == 1); // no used name
    CHECK(patient["gender"] == "male");
    CHECK(patient["birthDate"] == "1970-02-14");
    CHECK(patient["extension"][0]["extension"][0]["valueCoding"]["code"] == "QUAL");
    CHECK(patient["extension"][1]["valueAddress"]["extension"][0]["valueCoding"]["code"] ==
          "75056");

    const auto doctor = resources(bundle, "Practitioner").at(0);
    CHECK(doctor["identifier"][0]["system"] == kIdnpsSystem);
    CHECK(doctor["identifier"][0]["value"] == "810101234564");

    const auto encounter = resources(bundle, "Encounter").at(0);
    CHECK(encounter["class"]["system"] == "http://terminology.hl7.org/CodeSystem/v3-ActCode");
    CHECK(encounter["class"]["code"] == "VR");
    CHECK(encounter["status"] == "finished");
    CHECK(encounter["period"]["start"] == "2024-05-03T08:38:00.000Z");
    CHECK(encounter["length"]["value"] == 16.0);
    CHECK(encounter["participant"].size() == 2); // the doctor and the nurse
    CHECK(resolve(bundle, encounter["location"][0]["location"])["name"] ==
          "Cabine de la mairie de Saint-Flour");

    const auto observations = resources(bundle, "Observation");
    REQUIRE(observations.size() == 5);
    CHECK(observations[3]["code"]["coding"][0]["code"] == "8310-5");
    CHECK(observations[3]["valueQuantity"] == json{{"value", 38.4},
                                                   {"unit", "°C"},
                                                   {"system", "http://unitsofmeasure.org"},
                                                   {"code", "Cel"}});
    CHECK(resolve(bundle, observations[3]["device"])["identifier"][0]["value"] == "thermo-1");
    CHECK(resources(bundle, "Device").size() == 5);

    const auto media = resources(bundle, "Media");
    REQUIRE(media.size() == 3);
    CHECK(media[0]["content"]["contentType"] == "audio/flac");
    CHECK(media[0]["content"]["url"] == "steth-aortic-1.flac");
    CHECK(media[0]["bodySite"]["text"] == "foyer aortique");
    CHECK(media[0]["duration"] == 12.0);
    CHECK(media[0]["identifier"][0]["system"] == "urn:ietf:rfc:3986");
    CHECK(media[0]["identifier"][0]["value"] == niOf(fx::hash('a')));
    CHECK(media[2]["content"]["contentType"] == "image/png");
    CHECK(media[2]["identifier"][0]["value"] == niOf(fx::hash('c')));
    CHECK_FALSE(media[2]["content"].contains("hash")); // SHA-1 only in R4: not ours
}

TEST_CASE("FHIR document: a non-qualified identity carries no INS", "[fhir][record]") {
    auto record = fx::recordFixture();
    record.patient.status = IdentityStatus::provisional;
    record.patient.usedName = "MARTIN";
    record.patient.correctedFields = {"birth_date"};
    const auto bundle = documentOf(record);
    CHECK(checkFhirDocument(bundle).empty());
    const auto patient = resources(bundle, "Patient").at(0);
    CHECK_FALSE(patient.contains("identifier"));
    CHECK(patient["extension"][0]["extension"][0]["valueCoding"]["code"] == "PROV");
    CHECK(patient["name"][1] ==
          json{{"use", "usual"}, {"family", "MARTIN"}, {"given", json::array({"Paul"})}});
}

TEST_CASE("FHIR document: with the sealed ordonnance, its MedicationRequests are entries",
          "[fhir][record]") {
    const std::vector<SealedPrescription> prescriptions{fx::sealedAdult()};
    const auto bundle = documentOf(fx::recordFixture(), prescriptions);
    const auto problems = checkFhirDocument(bundle);
    INFO(describe(problems));
    CHECK(problems.empty());
    const auto requests = resources(bundle, "MedicationRequest");
    REQUIRE(requests.size() == 3);
    CHECK(resources(bundle, "ServiceRequest").size() == 2);
    CHECK(resources(bundle, "Medication").size() == 3);
    CHECK(resources(bundle, "Patient").size() == 1);
    CHECK(resources(bundle, "Practitioner").size() == 2); // the doctor and the nurse
    const auto patientUrl = bundle["entry"][indexOf(bundle, "Patient")]["fullUrl"];
    for (const auto& request : requests) {
        CHECK(request["subject"]["reference"] == patientUrl);
        CHECK(resolve(bundle, request["encounter"])["resourceType"] == "Encounter");
        CHECK(request["groupIdentifier"]["value"] == fx::kAdultId);
    }
    const auto& acts = bundle["entry"][0]["resource"]["section"][5]["entry"];
    CHECK(acts.size() == 8 + 5); // the acts, then 3 MedicationRequests and 2 ServiceRequests
    // A sealed prescription that is not the one the record names is refused.
    auto record = fx::recordFixture();
    record.prescriptions[0].sha256 = fx::hash('d');
    auto sealed = SealedReport::seal(fx::reportFixture(), record);
    REQUIRE(sealed.has_value());
    CHECK(toFhirDocument(*sealed, record, kSignedAt, prescriptions).error() ==
          Errc::digestMismatch);
}

TEST_CASE("FHIR checker: catches a dangling reference", "[fhir][record]") {
    auto bundle = documentOf(fx::recordFixture());
    bundle["entry"][0]["resource"]["subject"]["reference"] =
        "urn:uuid:00000000-0000-5000-8000-000000000000";
    const auto problems = checkFhirDocument(bundle);
    INFO(describe(problems));
    CHECK(found(problems, FhirErrc::danglingReference, "/entry/0/resource/subject/reference"));
    // Deep inside a resource too.
    auto deep = documentOf(fx::recordFixture());
    deep["entry"][indexOf(deep, "Observation")]["resource"]["device"]["reference"] = "Device/1";
    CHECK(found(checkFhirDocument(deep), FhirErrc::danglingReference,
                "/entry/" + std::to_string(indexOf(deep, "Observation")) +
                    "/resource/device/reference"));
}

TEST_CASE("FHIR checker: catches a missing Composition", "[fhir][record]") {
    auto bundle = documentOf(fx::recordFixture());
    bundle["entry"].erase(0);
    const auto problems = checkFhirDocument(bundle);
    INFO(describe(problems));
    CHECK(found(problems, FhirErrc::firstNotComposition, "/entry/0/resource/resourceType"));
    // Present but not first.
    auto moved = documentOf(fx::recordFixture());
    std::swap(moved["entry"][0], moved["entry"][1]);
    CHECK(found(checkFhirDocument(moved), FhirErrc::firstNotComposition,
                "/entry/0/resource/resourceType"));
    // A collection is not a document.
    auto collection = documentOf(fx::recordFixture());
    collection["type"] = "collection";
    CHECK(found(checkFhirDocument(collection), FhirErrc::notADocument, "/type"));
}

TEST_CASE("FHIR checker: catches a wrong Encounter class", "[fhir][record]") {
    auto bundle = documentOf(fx::recordFixture());
    const auto i = indexOf(bundle, "Encounter");
    const auto path = "/entry/" + std::to_string(i) + "/resource/class";
    bundle["entry"][i]["resource"]["class"]["code"] = "AMB";
    auto problems = checkFhirDocument(bundle);
    INFO(describe(problems));
    CHECK(found(problems, FhirErrc::wrongCode, path));
    bundle["entry"][i]["resource"]["class"] = {{"system", "http://example.org"}, {"code", "VR"}};
    CHECK(found(checkFhirDocument(bundle), FhirErrc::wrongCode, path));
}

TEST_CASE("FHIR checker: catches a missing or misplaced INS identifier", "[fhir][record]") {
    auto bundle = documentOf(fx::recordFixture());
    const auto i = indexOf(bundle, "Patient");
    const auto path = "/entry/" + std::to_string(i) + "/resource/identifier";
    auto missing = bundle;
    missing["entry"][i]["resource"].erase("identifier");
    auto problems = checkFhirDocument(missing);
    INFO(describe(problems));
    CHECK(found(problems, FhirErrc::missingIns, path));
    // Another system, or a truncated number.
    auto otherSystem = bundle;
    otherSystem["entry"][i]["resource"]["identifier"][0]["system"] = "urn:oid:1.2.250.1.213.1.4.2";
    CHECK(found(checkFhirDocument(otherSystem), FhirErrc::malformedIns, path + "/0"));
    auto shortValue = bundle;
    shortValue["entry"][i]["resource"]["identifier"][0]["value"] = "17002750561";
    CHECK(found(checkFhirDocument(shortValue), FhirErrc::malformedIns, path + "/0"));
    // An INS on an identity that is not qualified.
    auto provisional = bundle;
    provisional["entry"][i]["resource"]["extension"][0]["extension"][0]["valueCoding"]["code"] =
        "PROV";
    CHECK(found(checkFhirDocument(provisional), FhirErrc::insNotAllowed, path));
}

TEST_CASE("FHIR checker: required elements and wrong targets", "[fhir][record]") {
    auto bundle = documentOf(fx::recordFixture());
    bundle["entry"][0]["resource"]["author"][0] = bundle["entry"][0]["resource"]["subject"];
    bundle["entry"][0]["resource"]["type"]["coding"][0]["code"] = "34133-9";
    const auto o = indexOf(bundle, "Observation");
    bundle["entry"][o]["resource"]["valueQuantity"]["system"] = "http://example.org/units";
    const auto m = indexOf(bundle, "Media");
    bundle["entry"][m]["resource"]["content"].erase("contentType");
    bundle["entry"][0]["resource"]["section"][1].erase("text");
    bundle.erase("identifier");
    const auto problems = checkFhirDocument(bundle);
    INFO(describe(problems));
    CHECK(found(problems, FhirErrc::wrongTarget, "/entry/0/resource/author/0/reference"));
    CHECK(found(problems, FhirErrc::wrongCode, "/entry/0/resource/type"));
    CHECK(found(problems, FhirErrc::wrongCode,
                "/entry/" + std::to_string(o) + "/resource/valueQuantity"));
    CHECK(found(problems, FhirErrc::missingElement,
                "/entry/" + std::to_string(m) + "/resource/content/contentType"));
    CHECK(found(problems, FhirErrc::missingElement, "/entry/0/resource/section/1"));
    CHECK(found(problems, FhirErrc::missingElement, "/identifier"));
    CHECK(checkFhirDocument(json::array()).front().code == FhirErrc::notABundle);
}

#include "fixtures.hpp"
#include "tc/prescriptions/fhir.hpp"

#include <catch2/catch.hpp>
#include <cctype>
#include <functional>
#include <map>
#include <set>

using namespace tc::prescriptions;
using nlohmann::json;
using tc::prescriptions::test::resources;

namespace {

json bundleOf(const Prescription& p) {
    const auto sealed = SealedPrescription::seal(p, test::table());
    REQUIRE(sealed.has_value());
    const auto bundle = toFhirBundle(*sealed);
    REQUIRE(bundle.has_value());
    return *bundle;
}

// The resource a reference names, by fullUrl; fails the test when nothing in the bundle has it.
json resolve(const json& bundle, const json& reference) {
    REQUIRE(reference.contains("reference"));
    for (const auto& entry : bundle["entry"]) {
        if (entry["fullUrl"] == reference["reference"]) {
            return entry["resource"];
        }
    }
    FAIL("unresolved reference " << reference.dump());
    return {};
}

void collectReferences(const json& value, std::vector<std::string>& out) {
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (it.key() == "reference" && it->is_string()) {
                out.push_back(it->get<std::string>());
            } else {
                collectReferences(*it, out);
            }
        }
    } else if (value.is_array()) {
        for (const auto& item : value) {
            collectReferences(item, out);
        }
    }
}

} // namespace

TEST_CASE("FHIR: a collection Bundle with every resource", "[fhir]") {
    const auto bundle = bundleOf(test::adultPrescription());
    CHECK(bundle["resourceType"] == "Bundle");
    CHECK(bundle["type"] == "collection");
    CHECK(bundle["timestamp"] == "2024-05-03T09:12:00Z");
    CHECK(bundle["identifier"]["value"] == test::kAdultId);
    CHECK(resources(bundle, "Practitioner").size() == 1);
    CHECK(resources(bundle, "Patient").size() == 1);
    CHECK(resources(bundle, "Observation").size() == 2); // weight and height
    CHECK(resources(bundle, "MedicationRequest").size() == 3);
    CHECK(resources(bundle, "Medication").size() == 3);
    CHECK(resources(bundle, "ServiceRequest").size() == 2);
    // Every fullUrl is a distinct urn:uuid and matches the resource's id.
    std::set<std::string> urls;
    for (const auto& entry : bundle["entry"]) {
        const auto url = entry["fullUrl"].get<std::string>();
        CHECK(url.rfind("urn:uuid:", 0) == 0);
        CHECK(url.size() == 9 + 36);
        CHECK(url.substr(9) == entry["resource"]["id"].get<std::string>());
        CHECK(url[9 + 14] == '5'); // version 5
        CHECK(urls.insert(url).second);
    }
    // Reproducible: the same prescription exports the same bundle.
    CHECK(bundleOf(test::adultPrescription()) == bundle);
}

TEST_CASE("FHIR: every reference resolves inside the bundle", "[fhir]") {
    for (const auto& p : {test::adultPrescription(), test::childPrescription()}) {
        const auto bundle = bundleOf(p);
        std::set<std::string> urls;
        for (const auto& entry : bundle["entry"]) {
            urls.insert(entry["fullUrl"].get<std::string>());
        }
        std::vector<std::string> references;
        collectReferences(bundle, references);
        CHECK(references.size() >= 8);
        for (const auto& reference : references) {
            INFO(reference);
            CHECK(urls.contains(reference));
        }
    }
}

TEST_CASE("FHIR: the Practitioner carries the RPPS", "[fhir]") {
    const auto practitioner = resources(bundleOf(test::adultPrescription()), "Practitioner")[0];
    const auto& ids = practitioner["identifier"];
    REQUIRE(ids.size() == 2);
    // FR Core's slices: idNatPs (type IDNPS) and rpps (type RPPS), both typed from
    // fr-core-cs-v2-0203 and told apart by their system.
    const auto frCoreTypes = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203";
    CHECK(ids[0]["system"] == "urn:oid:1.2.250.1.71.4.2.1");
    CHECK(ids[0]["value"] == "810101234564"); // IDNPS: 8 + RPPS
    CHECK(ids[0]["type"]["coding"] ==
          json::array({{{"system", frCoreTypes},
                        {"code", "IDNPS"},
                        {"display", "Identifiant National de Professionnel de Santé"}}}));
    CHECK(ids[1]["system"] == "https://rpps.esante.gouv.fr");
    CHECK(ids[1]["value"] == "10101234564");
    CHECK(ids[1]["type"]["coding"] ==
          json::array({{{"system", frCoreTypes}, {"code", "RPPS"}, {"display", "N° RPPS"}}}));
    for (const auto& id : ids) {
        CHECK(id["use"] == "official");
    }
    CHECK(practitioner["name"][0]["family"] == "Martin");
    CHECK(practitioner["telecom"][0]["value"] == "+33123456789");
    CHECK(practitioner["telecom"][1]["system"] == "email");
    CHECK(practitioner["address"][0]["country"] == "FR");
    CHECK(practitioner["qualification"][0]["code"]["text"] == "Médecin généraliste");
}

TEST_CASE("FHIR: MedicationRequest required and expected fields", "[fhir]") {
    const auto bundle = bundleOf(test::adultPrescription());
    const auto patientUrl = bundle["entry"][1]["fullUrl"];
    const auto practitionerUrl = bundle["entry"][0]["fullUrl"];
    const auto requests = resources(bundle, "MedicationRequest");
    for (const auto& r : requests) {
        // R4 cardinalities 1..1: status, intent, medication[x], subject.
        CHECK(r["status"] == "active");
        CHECK(r["intent"] == "order");
        CHECK_FALSE(r.contains("medicationCodeableConcept")); // medication[x] is one choice
        CHECK(resolve(bundle, r["medicationReference"])["resourceType"] == "Medication");
        CHECK(r["subject"]["reference"] == patientUrl);
        CHECK(r["requester"]["reference"] == practitionerUrl);
        CHECK(r["authoredOn"] == "2024-05-03T09:12:00Z");
        CHECK(r["groupIdentifier"]["value"] == test::kAdultId);
        CHECK(r["identifier"][0]["value"].get<std::string>().rfind(test::kAdultId, 0) == 0);
        CHECK(r["dosageInstruction"].size() == 1);
        CHECK(r["dispenseRequest"].contains("numberOfRepeatsAllowed"));
        CHECK(r["supportingInformation"].size() == 2);
    }
    const auto& amox = requests[0];
    CHECK(resolve(bundle, amox["medicationReference"])["code"] ==
          json({{"text", "amoxicilline 500 mg, gélule"},
                {"coding", json::array({{{"system", "http://www.whocc.no/atc"},
                                         {"code", "J01CA04"}}})}}));
    CHECK(resolve(bundle, amox["medicationReference"])["form"]["text"] == "gélule");
    const auto& dosage = amox["dosageInstruction"][0];
    CHECK(dosage["text"] == "2 gélules 3 fois par jour pendant 7 jours");
    CHECK(dosage["timing"]["repeat"]["frequency"] == 3);
    CHECK(dosage["timing"]["repeat"]["period"] == 1);
    CHECK(dosage["timing"]["repeat"]["periodUnit"] == "d");
    CHECK(dosage["timing"]["repeat"]["boundsDuration"] ==
          json({{"value", 7},
                {"unit", "jours"},
                {"system", "http://unitsofmeasure.org"},
                {"code", "d"}}));
    CHECK(dosage["doseAndRate"][0]["doseQuantity"] == json({{"value", 2},
                                                            {"unit", "gélule"},
                                                            {"system", "http://unitsofmeasure.org"},
                                                            {"code", "{capsule}"}}));
    CHECK(dosage["route"]["text"] == "voie orale");
    CHECK(dosage["asNeededBoolean"] == false);
    CHECK(dosage["patientInstruction"] == "Au milieu des repas.");
    CHECK(amox["dispenseRequest"]["quantity"]["value"] == 42);
    CHECK(amox["dispenseRequest"]["numberOfRepeatsAllowed"] == 0);
    CHECK(amox["substitution"] == json({{"allowedBoolean", true}}));

    const auto& para = requests[1];
    CHECK(para["dosageInstruction"][0]["timing"]["repeat"]["frequency"] == 1);
    CHECK(para["dosageInstruction"][0]["timing"]["repeat"]["period"] == 6);
    CHECK(para["dosageInstruction"][0]["timing"]["repeat"]["periodUnit"] == "h");
    CHECK(para["dosageInstruction"][0]["asNeededBoolean"] == true);
    CHECK(para["dispenseRequest"]["quantity"]["code"] == "{pack}");

    const auto& levo = requests[2];
    CHECK(levo["dispenseRequest"]["numberOfRepeatsAllowed"] == 3);
    CHECK(levo["substitution"]["allowedBoolean"] == false);
    CHECK(levo["substitution"]["reason"]["coding"][0]["code"] == "MTE");
    CHECK(levo["dosageInstruction"][0]["timing"]["repeat"]["boundsDuration"]["code"] == "mo");
}

TEST_CASE("FHIR: per-kg doses, observations and ServiceRequests", "[fhir]") {
    const auto bundle = bundleOf(test::childPrescription());
    const auto requests = resources(bundle, "MedicationRequest");
    const auto dose = requests[0]["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"];
    CHECK(dose["code"] == "mg/kg");
    CHECK(dose["value"] == 25);
    CHECK(resolve(bundle, requests[0]["medicationReference"])["code"]["text"] ==
          "amoxicilline 250 mg/5 mL, suspension buvable");
    // "Paracetamol" as typed finds paracétamol in the table: N02BE01.
    CHECK(resolve(bundle, requests[1]["medicationReference"])["code"]["coding"][0]["code"] ==
          "N02BE01");
    const auto observations = resources(bundle, "Observation");
    REQUIRE(observations.size() == 2);
    CHECK(observations[0]["code"]["coding"][0]["code"] == "29463-7");
    CHECK(observations[0]["valueQuantity"]["value"] == 16);
    CHECK(observations[0]["valueQuantity"]["code"] == "kg");
    CHECK(observations[1]["code"]["coding"][0]["code"] == "8302-2");
    const auto patient = resources(bundle, "Patient")[0];
    CHECK(patient["gender"] == "female");
    CHECK(patient["birthDate"] == "2020-07-01");
    const auto services = resources(bundle, "ServiceRequest");
    REQUIRE(services.size() == 1);
    CHECK(services[0]["status"] == "active");
    CHECK(services[0]["intent"] == "order");
    CHECK(services[0]["code"]["text"] == "Radiographie thoracique de face");
    CHECK(services[0]["category"][0]["coding"][0]["code"] == "363679005");
    const auto adult = resources(bundleOf(test::adultPrescription()), "ServiceRequest");
    CHECK(adult[1]["performerType"]["text"] == "Endocrinologie");
}

TEST_CASE("FHIR: the Bundle's structure, entry by entry", "[fhir]") {
    for (const auto& p : {test::adultPrescription(), test::childPrescription()}) {
        const auto bundle = bundleOf(p);
        INFO(bundle.dump(2));
        CHECK(bundle["resourceType"] == "Bundle");
        CHECK(bundle["type"] == "collection");
        REQUIRE(bundle["entry"].is_array());
        std::map<std::string, json> byUrl;
        static const std::set<std::string> kTypes = {"Practitioner",      "Patient",
                                                     "Observation",       "Medication",
                                                     "MedicationRequest", "ServiceRequest"};
        for (const auto& entry : bundle["entry"]) {
            // Each entry: exactly a fullUrl and a resource with a known type and its id.
            CHECK(entry.size() == 2);
            REQUIRE(entry.contains("fullUrl"));
            REQUIRE(entry.contains("resource"));
            const auto& resource = entry["resource"];
            CHECK(kTypes.contains(resource["resourceType"].get<std::string>()));
            CHECK(entry["fullUrl"] == "urn:uuid:" + resource["id"].get<std::string>());
            CHECK(byUrl.emplace(entry["fullUrl"].get<std::string>(), resource).second);
        }
        // Every reference, wherever it is, names an entry of this bundle.
        std::vector<std::string> references;
        collectReferences(bundle, references);
        for (const auto& reference : references) {
            INFO(reference);
            CHECK(byUrl.contains(reference));
        }
        // One MedicationRequest per medication line, in order, each with its Medication coded
        // from the table (every DCI of these fixtures is in it); one ServiceRequest per other
        // line.
        const auto requests = resources(bundle, "MedicationRequest");
        const auto services = resources(bundle, "ServiceRequest");
        std::size_t medications = 0;
        for (const auto& line : p.lines) {
            const auto* m = std::get_if<MedicationLine>(&line);
            if (m == nullptr) {
                continue;
            }
            REQUIRE(medications < requests.size());
            const auto& request = requests[medications++];
            const auto medication = resolve(bundle, request["medicationReference"]);
            CHECK(medication["resourceType"] == "Medication");
            const auto* entry = test::table().find(m->dci);
            REQUIRE(entry != nullptr);
            CHECK(medication["code"]["coding"] ==
                  json::array({{{"system", "http://www.whocc.no/atc"}, {"code", entry->atc}}}));
            CHECK(medication["code"]["text"].get<std::string>().starts_with(m->dci));
            CHECK(resolve(bundle, request["subject"])["resourceType"] == "Patient");
            CHECK(resolve(bundle, request["requester"])["resourceType"] == "Practitioner");
        }
        CHECK(requests.size() == medications);
        CHECK(resources(bundle, "Medication").size() == medications);
        CHECK(services.size() == p.lines.size() - medications);
        // The Practitioner's identifiers carry their FR Core type.
        const auto practitioner = resources(bundle, "Practitioner");
        REQUIRE(practitioner.size() == 1);
        std::set<std::string> types;
        for (const auto& id : practitioner[0]["identifier"]) {
            CHECK(id["type"]["coding"][0]["system"] ==
                  "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203");
            types.insert(id["type"]["coding"][0]["code"].get<std::string>());
        }
        CHECK(types == std::set<std::string>{"IDNPS", "RPPS"});
    }
}

TEST_CASE("FHIR: a DCI outside the table is text only, and no table means no codes", "[fhir]") {
    auto p = test::adultPrescription();
    const auto sealed = SealedPrescription::seal(p, test::table());
    REQUIRE(sealed.has_value());
    const auto bare = toFhirBundle(*sealed, nullptr);
    REQUIRE(bare.has_value());
    for (const auto& medication : resources(*bare, "Medication")) {
        CHECK_FALSE(medication["code"].contains("coding"));
        CHECK(medication["code"]["text"].is_string());
    }
    // The same prescription with the built-in table: every medication coded.
    for (const auto& medication : resources(bundleOf(p), "Medication")) {
        CHECK(medication["code"]["coding"].size() == 1);
    }
}

TEST_CASE("FHIR: every DCI of the table has a well-formed ATC code", "[fhir][dci]") {
    // WHO ATC: anatomical group letter, 2 digits, 2 letters, 2 digits (level 5).
    static const std::set<char> kGroups = {'A', 'B', 'C', 'D', 'G', 'H', 'J',
                                           'L', 'M', 'N', 'P', 'R', 'S', 'V'};
    for (const auto& entry : test::table().entries()) {
        INFO(entry.dci << " " << entry.atc);
        REQUIRE(entry.atc.size() == 7);
        CHECK(kGroups.contains(entry.atc[0]));
        CHECK(std::isdigit(static_cast<unsigned char>(entry.atc[1])));
        CHECK(std::isdigit(static_cast<unsigned char>(entry.atc[2])));
        CHECK(std::isupper(static_cast<unsigned char>(entry.atc[3])));
        CHECK(std::isupper(static_cast<unsigned char>(entry.atc[4])));
        CHECK(std::isdigit(static_cast<unsigned char>(entry.atc[5])));
        CHECK(std::isdigit(static_cast<unsigned char>(entry.atc[6])));
    }
    CHECK(test::table().find("amoxicilline")->atc == "J01CA04");
    CHECK(test::table().find("paracétamol")->atc == "N02BE01");
    CHECK(test::table().find("amoxicilline + acide clavulanique")->atc == "J01CR02");
}

#include "fixtures.hpp"
#include "tc/prescriptions/fhir.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <set>

using namespace tc::prescriptions;
using nlohmann::json;

namespace {

json bundleOf(const Prescription& p) {
    const auto sealed = SealedPrescription::seal(p, test::table());
    REQUIRE(sealed.has_value());
    const auto bundle = toFhirBundle(*sealed);
    REQUIRE(bundle.has_value());
    return *bundle;
}

std::vector<json> resources(const json& bundle, const std::string& type) {
    std::vector<json> out;
    for (const auto& entry : bundle["entry"]) {
        if (entry["resource"]["resourceType"] == type) {
            out.push_back(entry["resource"]);
        }
    }
    return out;
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
    CHECK(ids[0]["system"] == "urn:oid:1.2.250.1.71.4.2.1");
    CHECK(ids[0]["value"] == "810101234564"); // IDNPS: 8 + RPPS
    CHECK(ids[1]["system"] == "https://rpps.esante.gouv.fr");
    CHECK(ids[1]["value"] == "10101234564");
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
        CHECK(r["medicationCodeableConcept"]["text"].is_string());
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
    CHECK(amox["medicationCodeableConcept"]["text"] == "amoxicilline 500 mg, gélule");
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
    CHECK(requests[0]["medicationCodeableConcept"]["text"] ==
          "amoxicilline 250 mg/5 mL, suspension buvable");
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

#include "tc/prescriptions/fhir.hpp"

#include "tc/prescriptions/dci_table.hpp"
#include "tc/prescriptions/prescription_json.hpp"
#include "tc/prescriptions/prescription_text.hpp"

#include <array>
#include <openssl/evp.h>

namespace tc::prescriptions {
namespace {

using nlohmann::json;

// The telecabine namespace for name-based UUIDs (a random UUID, fixed once).
constexpr std::array<unsigned char, 16> kNamespace{0xdb, 0x13, 0x65, 0x27, 0xd9, 0xa7, 0x48, 0x01,
                                                   0x9c, 0x41, 0x3f, 0xdf, 0x44, 0x3b, 0xee, 0x59};

json ucum(double value, const std::string& code, bool perKg = false) {
    const auto unit = unitFromCode(code);
    std::string label = unit ? std::string(unitInfo(*unit).labelFr) : code;
    return json{{"value", value},
                {"unit", perKg ? label + "/kg" : label},
                {"system", kUcumSystem},
                {"code", perKg ? code + "/kg" : code}};
}

json reference(const std::string& url) {
    return json{{"reference", url}};
}

// An identifier typed as FR Core types the practitioner's (fr-core-cs-v2-0203).
json typedIdentifier(std::string_view system, std::string_view type, std::string_view display,
                     const std::string& value) {
    return json{{"use", "official"},
                {"type",
                 {{"coding", json::array({{{"system", kFrCoreIdentifierTypeSystem},
                                           {"code", type},
                                           {"display", display}}})}}},
                {"system", system},
                {"value", value}};
}

json practitioner(const Prescriber& p) {
    json lines = p.address.lines;
    return json{
        {"resourceType", "Practitioner"},
        {"identifier", practitionerIdentifiers(p.rpps)},
        {"name", json::array({{{"family", p.familyName},
                               {"given", json::array({p.givenName})},
                               {"prefix", json::array({"Dr"})}}})},
        {"telecom", json::array({{{"system", "phone"}, {"value", p.telephone}, {"use", "work"}},
                                 {{"system", "email"}, {"value", p.email}, {"use", "work"}}})},
        {"address", json::array({{{"use", "work"},
                                  {"line", lines},
                                  {"postalCode", p.address.postalCode},
                                  {"city", p.address.city},
                                  {"country", p.address.country}}})},
        {"qualification", json::array({{{"code", {{"text", p.qualification}}}}})},
    };
}

json patient(const Patient& p) {
    return json{
        {"resourceType", "Patient"},
        {"name", json::array({{{"family", p.familyName}, {"given", json::array({p.givenName})}}})},
        {"gender", wireName(p.sex)},
        {"birthDate", isoDate(p.birthDate)},
    };
}

json vitalSign(const std::string& loinc, const char* display, double value, const char* unit,
               const std::string& subject, const std::string& when) {
    return json{
        {"resourceType", "Observation"},
        {"status", "final"},
        {"category",
         json::array({{{"coding", json::array({{{"system", "http://terminology.hl7.org/CodeSystem/"
                                                           "observation-category"},
                                                {"code", "vital-signs"}}})}}})},
        {"code",
         {{"coding",
           json::array(
               {{{"system", "http://loinc.org"}, {"code", loinc}, {"display", display}}})}}},
        {"subject", reference(subject)},
        {"effectiveDateTime", when},
        {"valueQuantity",
         {{"value", value}, {"unit", unit}, {"system", kUcumSystem}, {"code", unit}}},
    };
}

struct Refs {
    std::string medication; // the line's Medication
    std::string practitioner;
    std::string patient;
    std::vector<std::string> observations;
    std::string authoredOn;
    std::string id;
};

json dosageInstruction(const MedicationLine& m) {
    const auto& d = m.dosage;
    json repeat = json::object();
    if (d.duration) {
        static constexpr const char* kLabels[] = {"jours", "semaines", "mois"};
        repeat["boundsDuration"] = {{"value", d.duration->value},
                                    {"unit", kLabels[static_cast<std::size_t>(d.duration->unit)]},
                                    {"system", kUcumSystem},
                                    {"code", wireName(d.duration->unit)}};
    }
    if (d.frequency) {
        const bool perDay = d.frequency->kind == FrequencyKind::timesPerDay;
        repeat["frequency"] = perDay ? d.frequency->value : 1;
        repeat["period"] = perDay ? 1 : d.frequency->value;
        repeat["periodUnit"] = perDay ? "d" : "h";
    }
    json dosage = {
        {"sequence", 1},
        {"text", dosageTextFr(d)},
        {"timing", {{"repeat", repeat}}},
        {"asNeededBoolean", d.asNeeded},
        {"doseAndRate",
         json::array({{{"doseQuantity", ucum(d.dose.value, d.dose.unit, d.dose.perKg)}}})},
    };
    if (m.route) {
        dosage["route"] = {{"text", labelFr(*m.route)}};
    }
    if (!m.instructions.empty()) {
        dosage["patientInstruction"] = m.instructions;
    }
    return dosage;
}

json medicationRequest(const MedicationLine& m, std::size_t index, const Refs& refs) {
    json dispense = {{"numberOfRepeatsAllowed", m.renewals}};
    if (m.dispense.quantity) {
        dispense["quantity"] = ucum(m.dispense.quantity->value, m.dispense.quantity->unit);
    } else if (m.dispense.packs) {
        dispense["quantity"] = ucum(*m.dispense.packs, "{pack}");
    }
    json substitution = {{"allowedBoolean", !m.nonSubstitutable}};
    if (m.nonSubstitutable && m.nonSubstitutionReason) {
        const auto code = wireName(*m.nonSubstitutionReason);
        const auto text = labelFr(*m.nonSubstitutionReason);
        substitution["reason"] = {{"coding", json::array({{{"system", kNonSubstitutionSystem},
                                                           {"code", code},
                                                           {"display", text}}})},
                                  {"text", "Non substituable (" + std::string(code) + ")"}};
    }
    json request = {
        {"resourceType", "MedicationRequest"},
        {"identifier", json::array({{{"system", kPrescriptionLineSystem},
                                     {"value", refs.id + "/" + std::to_string(index)}}})},
        {"groupIdentifier", {{"system", kPrescriptionIdSystem}, {"value", refs.id}}},
        {"status", "active"},
        {"intent", "order"},
        {"medicationReference", reference(refs.medication)},
        {"subject", reference(refs.patient)},
        {"authoredOn", refs.authoredOn},
        {"requester", reference(refs.practitioner)},
        {"dosageInstruction", json::array({dosageInstruction(m)})},
        {"dispenseRequest", dispense},
        {"substitution", substitution},
    };
    if (!refs.observations.empty()) {
        json supporting = json::array();
        for (const auto& url : refs.observations) {
            supporting.push_back(reference(url));
        }
        request["supportingInformation"] = supporting;
    }
    return request;
}

// The line's medication: its ATC code when the curated table knows the DCI (the code names the
// substance or the fixed combination, not the strength or form, which the text carries).
json medication(const MedicationLine& m, const DciTable* table) {
    json code = {{"text", medicationTextFr(m)}};
    const DciEntry* entry = table != nullptr ? table->find(m.dci) : nullptr;
    if (entry != nullptr && !entry->atc.empty()) {
        code["coding"] = json::array({{{"system", kAtcSystem}, {"code", entry->atc}}});
    }
    json resource = {{"resourceType", "Medication"}, {"code", code}};
    if (m.form) {
        resource["form"] = {{"text", formInfo(*m.form).labelFr}};
    }
    return resource;
}

json serviceRequest(const NonDrugLine& n, std::size_t index, const Refs& refs) {
    struct Category {
        const char* code;
        const char* display;
    };
    static constexpr Category kCategories[] = {{"108252007", "Laboratory procedure"},
                                               {"363679005", "Imaging"},
                                               {"3457005", "Patient referral"}};
    const auto& category = kCategories[static_cast<std::size_t>(n.kind)];
    json request = {
        {"resourceType", "ServiceRequest"},
        {"identifier", json::array({{{"system", kPrescriptionLineSystem},
                                     {"value", refs.id + "/" + std::to_string(index)}}})},
        {"requisition", {{"system", kPrescriptionIdSystem}, {"value", refs.id}}},
        {"status", "active"},
        {"intent", "order"},
        {"category", json::array({{{"coding", json::array({{{"system", "http://snomed.info/sct"},
                                                            {"code", category.code},
                                                            {"display", category.display}}})},
                                   {"text", labelFr(n.kind)}}})},
        {"code", {{"text", n.text}}},
        {"subject", reference(refs.patient)},
        {"authoredOn", refs.authoredOn},
        {"requester", reference(refs.practitioner)},
    };
    if (n.kind == NonDrugKind::referral) {
        request["performerType"] = {{"text", n.specialty}};
    }
    return request;
}

} // namespace

nlohmann::json practitionerIdentifiers(std::string_view rpps) {
    // FR Core's two slices: idNatPs (IDNPS, "8" + RPPS) and rpps (the bare RPPS).
    return json::array(
        {typedIdentifier(kIdnpsSystem, "IDNPS", "Identifiant National de Professionnel de Santé",
                         "8" + std::string(rpps)),
         typedIdentifier(kRppsSystem, "RPPS", "N° RPPS", std::string(rpps))});
}

Result<std::string> nameBasedUuid(std::string_view name) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr) == 1 &&
                    EVP_DigestUpdate(ctx, kNamespace.data(), kNamespace.size()) == 1 &&
                    EVP_DigestUpdate(ctx, name.data(), name.size()) == 1 &&
                    EVP_DigestFinal_ex(ctx, digest, &length) == 1 && length >= 16;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        return Errc::cryptoFailure;
    }
    digest[6] = static_cast<unsigned char>((digest[6] & 0x0F) | 0x50); // version 5
    digest[8] = static_cast<unsigned char>((digest[8] & 0x3F) | 0x80); // RFC 4122 variant
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out.push_back('-');
        }
        out.push_back(kHex[digest[i] >> 4]);
        out.push_back(kHex[digest[i] & 0x0F]);
    }
    return out;
}

Result<nlohmann::json> toFhirBundle(const SealedPrescription& sealed) {
    const auto& table = DciTable::builtIn();
    return toFhirBundle(sealed, table.has_value() ? &*table : nullptr);
}

Result<nlohmann::json> toFhirBundle(const SealedPrescription& sealed, const DciTable* table) {
    const auto& rx = sealed.prescription();
    Refs refs;
    refs.id = rx.id.toString();
    refs.authoredOn = isoInstant(rx.issuedAt);
    json entries = json::array();
    const auto add = [&](const std::string& role, json resource) -> Result<std::string> {
        auto uuid = nameBasedUuid(refs.id + "/" + role);
        if (!uuid) {
            return uuid.error();
        }
        const auto url = "urn:uuid:" + *uuid;
        resource["id"] = *uuid;
        entries.push_back({{"fullUrl", url}, {"resource", std::move(resource)}});
        return url;
    };
    auto practitionerUrl = add("practitioner", practitioner(rx.prescriber));
    auto patientUrl = add("patient", patient(rx.patient));
    if (!practitionerUrl || !patientUrl) {
        return make_error_code(Errc::cryptoFailure);
    }
    refs.practitioner = *practitionerUrl;
    refs.patient = *patientUrl;
    if (rx.patient.weightKg) {
        auto url = add("weight", vitalSign("29463-7", "Body weight", *rx.patient.weightKg, "kg",
                                           refs.patient, refs.authoredOn));
        if (!url) {
            return url.error();
        }
        refs.observations.push_back(*url);
    }
    if (rx.patient.heightCm) {
        auto url = add("height", vitalSign("8302-2", "Body height", *rx.patient.heightCm, "cm",
                                           refs.patient, refs.authoredOn));
        if (!url) {
            return url.error();
        }
        refs.observations.push_back(*url);
    }
    for (std::size_t i = 0; i < rx.lines.size(); ++i) {
        const auto role = "line/" + std::to_string(i);
        Result<std::string> url;
        if (const auto* m = std::get_if<MedicationLine>(&rx.lines[i])) {
            auto medicationUrl = add(role + "/medication", medication(*m, table));
            if (!medicationUrl) {
                return medicationUrl.error();
            }
            refs.medication = *medicationUrl;
            url = add(role, medicationRequest(*m, i, refs));
        } else {
            url = add(role, serviceRequest(std::get<NonDrugLine>(rx.lines[i]), i, refs));
        }
        if (!url) {
            return url.error();
        }
    }
    return json{
        {"resourceType", "Bundle"},
        {"identifier", {{"system", kPrescriptionIdSystem}, {"value", refs.id}}},
        {"type", "collection"},
        {"timestamp", refs.authoredOn},
        {"meta",
         {{"tag",
           json::array({{{"system", "urn:telecabine:sha256"}, {"code", sealed.sha256()}}})}}},
        {"entry", entries},
    };
}

} // namespace tc::prescriptions

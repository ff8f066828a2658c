// The consultation as a FHIR R4 document (fhir_document.hpp).
#include "tc/prescriptions/fhir_document.hpp"

#include "record_json.hpp"
#include "tc/prescriptions/fhir.hpp"
#include "tc/prescriptions/prescription_json.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <map>

namespace tc::prescriptions {
namespace {

using nlohmann::json;

constexpr std::string_view kXhtml = "http://www.w3.org/1999/xhtml";
constexpr std::string_view kMediaTypeSystem = "http://terminology.hl7.org/CodeSystem/media-type";
constexpr std::string_view kObservationCategorySystem =
    "http://terminology.hl7.org/CodeSystem/observation-category";
constexpr std::string_view kParticipationTypeSystem =
    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
constexpr std::string_view kBirthPlaceUrl =
    "http://hl7.org/fhir/StructureDefinition/patient-birthPlace";
constexpr std::string_view kInseeCodeUrl =
    "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code";
constexpr std::string_view kInseeCommuneSystem =
    "https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM";
constexpr std::string_view kMeasurementSystem = "urn:telecabine:measurement";

json reference(const std::string& url) {
    return json{{"reference", url}};
}

json coding(std::string_view system, std::string_view code, std::string_view display) {
    return json{{"system", system}, {"code", code}, {"display", display}};
}

json codeable(std::string_view system, std::string_view code, std::string_view display) {
    return json{{"coding", json::array({coding(system, code, display)})}};
}

// "2024-05-03T08:42:07.250Z": FHIR instant and dateTime, UTC, milliseconds.
std::string isoMs(UnixMs ms) {
    using namespace std::chrono;
    const sys_time<milliseconds> t{milliseconds(ms)};
    const auto day = floor<days>(t);
    const year_month_day date{day};
    const hh_mm_ss clock{t - day};
    char buffer[32];
    std::snprintf(
        buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
        static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
        static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
    return buffer;
}

UnixMs unixMs(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string escapeXml(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out.push_back(c == '\t' ? ' ' : c);
        }
    }
    return out;
}

// A generated narrative: one <p> per line of each text, or a <ul> of `items`.
json narrative(const std::vector<std::string>& texts, const std::vector<std::string>& items = {}) {
    std::string div = "<div xmlns=\"" + std::string(kXhtml) + "\">";
    if (!items.empty()) {
        div += "<ul>";
        for (const auto& item : items) {
            div += "<li>" + escapeXml(item) + "</li>";
        }
        div += "</ul>";
    }
    bool any = !items.empty();
    for (const auto& text : texts) {
        std::size_t start = 0;
        while (start <= text.size()) {
            const auto end = std::min(text.find('\n', start), text.size());
            const auto line = text.substr(start, end - start);
            if (line.find_first_not_of(" \t\r") != std::string::npos) {
                div += "<p>" + escapeXml(line) + "</p>";
                any = true;
            }
            start = end + 1;
        }
    }
    if (!any) {
        div += "<p>Non renseigné.</p>";
    }
    return json{{"status", "generated"}, {"div", div + "</div>"}};
}

// RFC 6920 "ni" URI of a SHA-256 given in hex: "ni:///sha-256;" + base64url without padding.
std::string niUri(std::string_view sha256Hex) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::vector<unsigned char> bytes;
    for (std::size_t i = 0; i + 1 < sha256Hex.size(); i += 2) {
        bytes.push_back(static_cast<unsigned char>(
            std::stoi(std::string(sha256Hex.substr(i, 2)), nullptr, 16)));
    }
    std::string out = "ni:///sha-256;";
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const unsigned n = (bytes[i] << 16u) | (i + 1 < bytes.size() ? bytes[i + 1] << 8u : 0u) |
                           (i + 2 < bytes.size() ? bytes[i + 2] : 0u);
        out.push_back(kAlphabet[(n >> 18) & 63]);
        out.push_back(kAlphabet[(n >> 12) & 63]);
        if (i + 1 < bytes.size()) {
            out.push_back(kAlphabet[(n >> 6) & 63]);
        }
        if (i + 2 < bytes.size()) {
            out.push_back(kAlphabet[n & 63]);
        }
    }
    return out;
}

std::string contentTypeOf(std::string_view fileName) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kTypes{{
        {".flac", "audio/flac"},
        {".wav", "audio/wav"},
        {".ogg", "audio/ogg"},
        {".opus", "audio/ogg"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
    }};
    std::string lower(fileName);
    for (auto& c : lower) {
        c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    }
    for (const auto& [extension, type] : kTypes) {
        if (lower.ends_with(extension)) {
            return std::string(type);
        }
    }
    return "application/octet-stream";
}

json patientResource(const PatientIdentity& p) {
    const bool qualified = p.status == IdentityStatus::qualified;
    json extensions = json::array(
        {{{"url", kIdentityReliabilityUrl},
          {"extension",
           json::array({{{"url", "identityStatus"},
                         {"valueCoding",
                          coding(kIdentityStatusSystem, qualified ? "QUAL" : "PROV",
                                 qualified ? "Identité qualifiée" : "Identité provisoire")}}})}}});
    if (!p.birthPlaceCode.empty()) {
        extensions.push_back({{"url", kBirthPlaceUrl},
                              {"valueAddress",
                               {{"extension", json::array({{{"url", kInseeCodeUrl},
                                                            {"valueCoding",
                                                             {{"system", kInseeCommuneSystem},
                                                              {"code", p.birthPlaceCode}}}}})}}}});
    }
    json names =
        json::array({{{"use", "official"}, {"family", p.birthName}, {"given", p.firstNames}}});
    if (!p.usedName.empty() || !p.usedFirstName.empty()) {
        const std::string& given = !p.usedFirstName.empty() ? p.usedFirstName
                                   : !p.firstNames.empty()  ? p.firstNames.front()
                                                            : p.usedFirstName;
        names.push_back(
            {{"use", "usual"}, {"family", p.displayFamilyName()}, {"given", json::array({given})}});
    }
    json patient = {{"resourceType", "Patient"},
                    {"extension", extensions},
                    {"name", names},
                    {"gender", wireName(p.sex)},
                    {"birthDate", isoDate(p.birthDate)}};
    // The INS is conveyed for a qualified identity only (FR Core fr-core-patient-ins, RNIV).
    if (qualified && p.ins) {
        const bool nia = p.ins->system == InsSystem::nia || p.ins->system == InsSystem::testNia;
        const char* type = p.ins->system == InsSystem::testNir ? "INS-NIR-TEST"
                           : nia                               ? "INS-NIA"
                                                               : "INS-NIR";
        const char* display = p.ins->system == InsSystem::testNir ? "NIR TEST"
                              : nia                               ? "NIR temporaire"
                                                                  : "NIR définitif";
        patient["identifier"] =
            json::array({{{"use", "official"},
                          {"type", codeable(kFrCoreIdentifierTypeSystem, type, display)},
                          {"system", insFhirSystem(p.ins->system)},
                          {"value", p.ins->text()}}});
    }
    return patient;
}

// Entries in order, each with its name-based urn:uuid.
class Entries {
public:
    explicit Entries(std::string seed)
        : m_seed(std::move(seed)) {}
    Result<std::string> add(const std::string& role, json resource) {
        auto uuid = nameBasedUuid(m_seed + "/" + role);
        if (!uuid) {
            return uuid.error();
        }
        const auto url = "urn:uuid:" + *uuid;
        resource["id"] = *uuid;
        m_entries.push_back({{"fullUrl", url}, {"resource", std::move(resource)}});
        return url;
    }
    void addEntry(json entry) { m_entries.push_back(std::move(entry)); }
    json& front() { return m_entries.front(); }
    json take() { return std::move(m_entries); }

private:
    std::string m_seed;
    json m_entries = json::array();
};

// Rewrites every literal reference found in `urls`.
void repoint(json& value, const std::map<std::string, std::string>& urls) {
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (it.key() == "reference" && it->is_string()) {
                if (const auto found = urls.find(it->get<std::string>()); found != urls.end()) {
                    *it = found->second;
                }
            } else {
                repoint(*it, urls);
            }
        }
    } else if (value.is_array()) {
        for (auto& item : value) {
            repoint(item, urls);
        }
    }
}

struct Urls {
    std::string patient;
    std::string practitioner;
    std::string encounter;
};

// The ordonnance's own resources, pointed at this document's Patient, Practitioner and
// Encounter; returns the MedicationRequests' and ServiceRequests' fullUrls.
Result<std::vector<std::string>> addPrescription(Entries& entries, const SealedPrescription& rx,
                                                 const Urls& urls) {
    auto bundle = toFhirBundle(rx);
    if (!bundle) {
        return bundle.error();
    }
    std::map<std::string, std::string> moved;
    for (const auto& entry : (*bundle)["entry"]) {
        const auto& type = entry["resource"]["resourceType"];
        if (type == "Patient") {
            moved[entry["fullUrl"].get<std::string>()] = urls.patient;
        } else if (type == "Practitioner") {
            moved[entry["fullUrl"].get<std::string>()] = urls.practitioner;
        }
    }
    std::vector<std::string> requests;
    for (auto entry : (*bundle)["entry"]) {
        auto& resource = entry["resource"];
        const auto type = resource["resourceType"].get<std::string>();
        if (type == "Patient" || type == "Practitioner" || type == "Observation") {
            continue; // this document has its own; the weight and height are the record's
        }
        resource.erase("supportingInformation");
        repoint(resource, moved);
        if (type == "MedicationRequest" || type == "ServiceRequest") {
            resource["encounter"] = reference(urls.encounter);
            requests.push_back(entry["fullUrl"].get<std::string>());
        }
        entries.addEntry(std::move(entry));
    }
    return requests;
}

json section(std::string_view title, std::string_view loinc, std::string_view display, json text) {
    json out = {{"title", title}, {"text", std::move(text)}};
    if (!loinc.empty()) {
        out["code"] = codeable(kLoincSystem, loinc, display);
    }
    return out;
}

} // namespace

std::string insFhirSystem(InsSystem system) {
    return fhirSystemOf(system);
}

Result<nlohmann::json> toFhirDocument(const SealedReport& sealed, const ConsultationRecord& record,
                                      std::chrono::system_clock::time_point signedAt,
                                      std::span<const SealedPrescription> prescriptions) {
    if (!validateRecord(record).empty()) {
        return make_error_code(Errc::validationFailed);
    }
    const auto& report = sealed.report();
    const std::string reportId = report.id.toString();
    const std::string when = isoMs(unixMs(signedAt));
    Entries entries(reportId);
    const auto fail = [](const auto& r) {
        return r.error();
    };

    // Placeholder for the Composition, filled in last so that it is the first entry.
    entries.addEntry(json::object());
    Urls urls;
    auto patient = entries.add("patient", patientResource(record.patient));
    auto practitioner = entries.add(
        "practitioner", {{"resourceType", "Practitioner"},
                         {"identifier", practitionerIdentifiers(record.doctor.rpps)},
                         {"name", json::array({{{"family", record.doctor.familyName},
                                                {"given", json::array({record.doctor.givenName})},
                                                {"prefix", json::array({"Dr"})}}})}});
    auto location = entries.add(
        "location",
        {{"resourceType", "Location"},
         {"identifier", json::array({{{"system", kSiteCodeSystem}, {"value", record.site.code}}})},
         {"name", record.site.name},
         {"mode", "instance"}});
    if (!patient || !practitioner || !location) {
        return make_error_code(Errc::cryptoFailure);
    }
    urls.patient = *patient;
    urls.practitioner = *practitioner;
    json participants = json::array(
        {{{"type", json::array({codeable(kParticipationTypeSystem, "PPRF", "primary performer")})},
          {"individual", reference(urls.practitioner)}}});
    if (record.assistant) {
        auto assistant =
            entries.add("assistant",
                        {{"resourceType", "Practitioner"},
                         {"name", json::array({{{"text", record.assistant->name}}})},
                         {"qualification",
                          json::array({{{"code", {{"text", labelFr(record.assistant->role)}}}}})}});
        if (!assistant) {
            return fail(assistant);
        }
        participants.push_back(
            {{"type", json::array({codeable(kParticipationTypeSystem, "PART", "Participation")})},
             {"individual", reference(*assistant)}});
    }
    const auto& t = record.times;
    auto encounter = entries.add(
        "encounter",
        {{"resourceType", "Encounter"},
         {"identifier",
          json::array({{{"system", kConsultationIdSystem}, {"value", record.consultationId}}})},
         {"status", "finished"},
         {"class", coding(kActCodeSystem, "VR", "virtual")},
         {"subject", reference(urls.patient)},
         {"participant", participants},
         {"period", {{"start", isoMs(t.startMs)}, {"end", isoMs(t.endMs)}}},
         {"length",
          {{"value", static_cast<double>(t.durationMs()) / 60000.0},
           {"unit", "min"},
           {"system", kUcumSystem},
           {"code", "min"}}},
         {"location", json::array({{{"location", reference(*location)}}})}});
    if (!encounter) {
        return fail(encounter);
    }
    urls.encounter = *encounter;

    // Instruments, then the acts, each remembered by its source reference.
    std::map<std::string, std::string> devices;
    auto instruments = record.acts.instruments;
    for (const auto& m : record.acts.measurements) {
        if (m.instrument != "operator" &&
            std::find(instruments.begin(), instruments.end(), m.instrument) == instruments.end()) {
            instruments.push_back(m.instrument);
        }
    }
    for (const auto& id : instruments) {
        auto url = entries.add(
            "device/" + id,
            {{"resourceType", "Device"},
             {"identifier", json::array({{{"system", kInstrumentSystem}, {"value", id}}})},
             {"deviceName", json::array({{{"name", id}, {"type", "user-friendly-name"}}})}});
        if (!url) {
            return fail(url);
        }
        devices[id] = *url;
    }
    std::map<std::pair<SourceKind, std::string>, std::string> acts;
    json actRefs = json::array();
    std::vector<std::string> actLines;
    for (const auto& m : record.acts.measurements) {
        json observation = {
            {"resourceType", "Observation"},
            {"identifier", json::array({{{"system", kMeasurementSystem},
                                         {"value", record.consultationId + "/" + m.id}}})},
            {"status", "final"},
            {"category",
             json::array({codeable(kObservationCategorySystem, "vital-signs", "Vital Signs")})},
            {"code",
             {{"coding", json::array({coding(kLoincSystem, m.loinc, m.display)})},
              {"text", m.display}}},
            {"subject", reference(urls.patient)},
            {"encounter", reference(urls.encounter)},
            {"effectiveDateTime", isoMs(m.atMs)},
            {"valueQuantity",
             {{"value", m.value},
              {"unit", unitTextFr(m.unit)},
              {"system", kUcumSystem},
              {"code", m.unit}}}};
        if (const auto device = devices.find(m.instrument); device != devices.end()) {
            observation["device"] = reference(device->second);
        }
        auto url = entries.add("measurement/" + m.id, std::move(observation));
        if (!url) {
            return fail(url);
        }
        acts[{SourceKind::measurement, m.id}] = *url;
        actRefs.push_back(reference(*url));
    }
    const auto media = [&](const std::string& role, const std::string& file,
                           const std::string& sha256, UnixMs at, bool audio, json extra) {
        json resource = {
            {"resourceType", "Media"},
            {"identifier", json::array({{{"system", kUriSystem}, {"value", niUri(sha256)}}})},
            {"status", "completed"},
            {"type",
             codeable(kMediaTypeSystem, audio ? "audio" : "image", audio ? "Audio" : "Image")},
            {"subject", reference(urls.patient)},
            {"encounter", reference(urls.encounter)},
            {"createdDateTime", isoMs(at)},
            {"content", {{"contentType", contentTypeOf(file)}, {"url", file}, {"title", file}}}};
        resource.update(extra);
        return entries.add(role, std::move(resource));
    };
    for (const auto& a : record.acts.auscultations) {
        auto url = media("recording/" + a.recording, a.recording, a.sha256, a.startMs, true,
                         {{"bodySite", {{"text", auscultationSiteFr(a.site)}}},
                          {"duration", static_cast<double>(a.durationMs) / 1000.0}});
        if (!url) {
            return fail(url);
        }
        acts[{SourceKind::recording, a.recording}] = *url;
        actRefs.push_back(reference(*url));
    }
    for (const auto& s : record.acts.stills) {
        json extra = json::object();
        if (!s.caption.empty()) {
            extra["note"] = json::array({{{"text", s.caption}}});
        }
        auto url = media("still/" + s.fileName, s.fileName, s.sha256, s.atMs, false, extra);
        if (!url) {
            return fail(url);
        }
        acts[{SourceKind::still, s.fileName}] = *url;
        actRefs.push_back(reference(*url));
    }
    for (const auto& p : record.prescriptions) {
        const SealedPrescription* found = nullptr;
        for (const auto& candidate : prescriptions) {
            if (candidate.id().toString() == p.id) {
                found = &candidate;
            }
        }
        actLines.push_back("Ordonnance n° " + p.id);
        if (found == nullptr) {
            actRefs.push_back({{"type", "MedicationRequest"},
                               {"identifier", {{"system", kPrescriptionIdSystem}, {"value", p.id}}},
                               {"display", "Ordonnance n° " + p.id}});
            continue;
        }
        if (found->sha256() != p.sha256) {
            return make_error_code(Errc::digestMismatch);
        }
        auto requests = addPrescription(entries, *found, urls);
        if (!requests) {
            return fail(requests);
        }
        for (const auto& url : *requests) {
            actRefs.push_back(reference(url));
        }
    }

    // The Composition: one section per report section, the examination's entries its sources.
    std::vector<std::string> itemTexts;
    json examinationEntries = json::array();
    for (const auto& item : report.examination.items) {
        itemTexts.push_back(item.text);
        if (const auto act = acts.find({item.source.kind, item.source.id}); act != acts.end()) {
            examinationEntries.push_back(reference(act->second));
        }
    }
    json sections = json::array(
        {section("Motif", "29299-5", "Reason for visit Narrative", narrative({report.motif})),
         section("Antécédents et histoire de la maladie", "10164-2",
                 "History of Present illness Narrative", narrative({report.history}))});
    json examination = section("Examen", "29545-1", "Physical findings Narrative",
                               narrative({report.examination.text}, itemTexts));
    if (!examinationEntries.empty()) {
        examination["entry"] = examinationEntries;
    }
    sections.push_back(examination);
    sections.push_back(
        section("Conclusion", "51848-0", "Evaluation note", narrative({report.conclusion})));
    sections.push_back(
        section("Suite à donner", "18776-5", "Plan of care note",
                narrative({followUpTextFr(report.followUp.kind, report.followUp.specialty)})));
    if (!report.freeText.empty()) {
        sections.push_back(section("Remarques", "48767-8",
                                   "Annotation comment [Interpretation] Narrative",
                                   narrative({report.freeText})));
    }
    actLines.insert(actLines.begin(), std::to_string(record.acts.measurements.size()) +
                                          " mesure(s), " +
                                          std::to_string(record.acts.auscultations.size()) +
                                          " enregistrement(s) d'auscultation, " +
                                          std::to_string(record.acts.stills.size()) + " photo(s)");
    json actsSection = section("Actes et prescriptions", "", "", narrative({}, actLines));
    if (!actRefs.empty()) {
        actsSection["entry"] = actRefs;
    }
    sections.push_back(actsSection);

    auto compositionId = nameBasedUuid(reportId + "/composition");
    if (!compositionId) {
        return compositionId.error();
    }
    entries.front() = {
        {"fullUrl", "urn:uuid:" + *compositionId},
        {"resource",
         {{"resourceType", "Composition"},
          {"id", *compositionId},
          {"language", "fr-FR"},
          {"identifier", {{"system", kReportIdSystem}, {"value", reportId}}},
          {"status", "final"},
          {"type",
           {{"coding", json::array({coding(kLoincSystem, "11488-4", "Consult note")})},
            {"text", "Compte rendu de téléconsultation"}}},
          {"subject", reference(urls.patient)},
          {"encounter", reference(urls.encounter)},
          {"date", when},
          {"author", json::array({reference(urls.practitioner)})},
          {"title", "Compte rendu de téléconsultation"},
          {"attester",
           json::array(
               {{{"mode", "legal"}, {"time", when}, {"party", reference(urls.practitioner)}}})},
          {"section", sections}}}};
    return json{
        {"resourceType", "Bundle"},
        {"identifier", {{"system", kReportIdSystem}, {"value", reportId}}},
        {"type", "document"},
        {"timestamp", when},
        {"meta",
         {{"tag",
           json::array({{{"system", "urn:telecabine:sha256"}, {"code", sealed.sha256()}}})}}},
        {"entry", entries.take()},
    };
}

} // namespace tc::prescriptions

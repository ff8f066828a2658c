// The consultation record's vocabularies and its strict JSON form.
#include "tc/prescriptions/consultation_record.hpp"

#include "json_reader.hpp"
#include "record_json.hpp"
#include "tc/errors/table_lookup.hpp"
#include "tc/prescriptions/canonical_json.hpp"

#include <array>

namespace tc::prescriptions {
namespace {

using namespace detail::reading;

template <class Enum> struct Named {
    Enum value;
    std::string_view wire;
    std::string_view labelFr;
};

constexpr std::array<Named<AssistantRole>, 5> kRoles{{
    {AssistantRole::nurse, "nurse", "infirmier·ère"},
    {AssistantRole::pharmacist, "pharmacist", "pharmacien·ne"},
    {AssistantRole::medicalAssistant, "medical_assistant", "assistant·e médical·e"},
    {AssistantRole::healthMediator, "health_mediator", "médiateur·rice en santé"},
    {AssistantRole::other, "other", "professionnel·le"},
}};

constexpr std::array<Named<IncidentKind>, 7> kIncidents{{
    {IncidentKind::mediaPathChange, "media_path_change", "Changement de chemin média"},
    {IncidentKind::consentLost, "consent_lost", "Consentement retiré"},
    {IncidentKind::dropAndResume, "drop_and_resume", "Coupure puis reprise"},
    {IncidentKind::lossBurst, "loss_burst", "Pertes de paquets"},
    {IncidentKind::jitterBurst, "jitter_burst", "Gigue élevée"},
    {IncidentKind::frozenVideo, "frozen_video", "Vidéo figée"},
    {IncidentKind::audioDeviceError, "audio_device_error", "Erreur de périphérique audio"},
}};

constexpr std::array<Named<SourceKind>, 3> kSourceKinds{{
    {SourceKind::measurement, "measurement", "mesure"},
    {SourceKind::recording, "recording", "enregistrement"},
    {SourceKind::still, "still", "photo"},
}};

template <class Table, class Enum> const auto& entryOf(const Table& table, Enum value) {
    return errors::entryOrFirst(table, &Table::value_type::value, value);
}

template <class Table> auto fromWire(const Table& table, std::string_view wire) {
    return errors::valueWhere(table, &Table::value_type::wire, wire, &Table::value_type::value);
}

// ---- Writing ------------------------------------------------------------------------------------

json actsJson(const RecordActs& acts) {
    json auscultations = json::array();
    for (const auto& a : acts.auscultations) {
        auscultations.push_back({{"site", a.site},
                                 {"recording", a.recording},
                                 {"startMs", a.startMs},
                                 {"durationMs", a.durationMs},
                                 {"sha256", a.sha256}});
    }
    json measurements = json::array();
    for (const auto& m : acts.measurements) {
        measurements.push_back({{"id", m.id},
                                {"loinc", m.loinc},
                                {"display", m.display},
                                {"value", m.value},
                                {"unit", m.unit},
                                {"atMs", m.atMs},
                                {"instrument", m.instrument}});
    }
    json stills = json::array();
    for (const auto& s : acts.stills) {
        stills.push_back({{"fileName", s.fileName},
                          {"sha256", s.sha256},
                          {"atMs", s.atMs},
                          {"caption", s.caption}});
    }
    return json{{"auscultations", auscultations},
                {"measurements", measurements},
                {"stills", stills},
                {"instruments", acts.instruments}};
}

json incidentJson(const Incident& incident) {
    json figures = json::object();
    for (const auto& [name, value] : incident.figures) {
        figures[name] = value;
    }
    return json{{"kind", wireName(incident.kind)},
                {"startMs", incident.startMs},
                {"endMs", incident.endMs},
                {"figures", figures},
                {"descriptionFr", incident.descriptionFr}};
}

// ---- Reading ------------------------------------------------------------------------------------

void readMs(ObjectReader& r, std::string_view key, UnixMs& out) {
    r.integer64(key, out, 0, detail::kLatestMs * 10);
}

template <class Item, class Read>
void readList(ObjectReader& r, std::string_view key, std::size_t maxItems, std::vector<Item>& out,
              Read read) {
    if (const auto* list = r.array(key, maxItems)) {
        for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
            Item item;
            ObjectReader itemReader((*list)[i], pointerAppend(r.pointerOf(key), i), r.slot());
            read(itemReader, item);
            itemReader.finish();
            out.push_back(std::move(item));
        }
    }
}

void readActs(const json& value, const std::string& pointer, RecordActs& acts, ErrorSlot& slot) {
    ObjectReader r(value, pointer, slot);
    readList(r, "auscultations", kMaxRecordActs, acts.auscultations,
             [](ObjectReader& a, Auscultation& out) {
                 a.text("site", out.site, 64);
                 a.text("recording", out.recording, 128);
                 readMs(a, "startMs", out.startMs);
                 a.integer64("durationMs", out.durationMs, 0, 24LL * 3600 * 1000);
                 a.text("sha256", out.sha256, 64);
             });
    readList(r, "measurements", kMaxRecordActs, acts.measurements,
             [](ObjectReader& m, RecordMeasurement& out) {
                 m.text("id", out.id, 64);
                 m.text("loinc", out.loinc, 16);
                 m.text("display", out.display, detail::kMaxNameBytes);
                 m.number("value", out.value);
                 m.text("unit", out.unit, 32);
                 readMs(m, "atMs", out.atMs);
                 m.text("instrument", out.instrument, 64);
             });
    readList(r, "stills", kMaxRecordActs, acts.stills, [](ObjectReader& s, RecordStill& out) {
        s.text("fileName", out.fileName, 128);
        s.text("sha256", out.sha256, 64);
        readMs(s, "atMs", out.atMs);
        s.text("caption", out.caption, detail::kMaxNameBytes);
    });
    if (const auto* list = r.array("instruments", kMaxRecordActs)) {
        for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
            std::string id;
            detail::readText((*list)[i], pointerAppend(r.pointerOf("instruments"), i), id, 64,
                             slot);
            acts.instruments.push_back(std::move(id));
        }
    }
    r.finish();
}

void readIncident(ObjectReader& r, Incident& out) {
    if (const auto* kind = r.member("kind", Nullable::no)) {
        const auto parsed = kind->is_string()
                                ? incidentKindFromWire(kind->get_ref<const std::string&>())
                                : std::nullopt;
        if (!kind->is_string()) {
            r.slot().fail(Errc::wrongFieldType, r.pointerOf("kind"), "expected a string");
        } else if (!parsed) {
            r.slot().fail(Errc::unknownEnumValue, r.pointerOf("kind"), "unknown incident kind");
        } else {
            out.kind = *parsed;
        }
    }
    readMs(r, "startMs", out.startMs);
    readMs(r, "endMs", out.endMs);
    if (const auto* figures = r.object("figures", Nullable::no)) {
        if (figures->size() > kMaxIncidentFigures) {
            r.slot().fail(Errc::invalidField, r.pointerOf("figures"),
                          "at most " + std::to_string(kMaxIncidentFigures) + " figures");
        }
        for (auto it = figures->begin(); it != figures->end() && r.ok(); ++it) {
            if (!it->is_number()) {
                r.slot().fail(Errc::wrongFieldType, pointerAppend(r.pointerOf("figures"), it.key()),
                              "expected a number");
            } else if (it.key().size() > 64) {
                r.slot().fail(Errc::invalidField, pointerAppend(r.pointerOf("figures"), it.key()),
                              "name over 64 bytes");
            } else {
                out.figures[it.key()] = it->get<double>();
            }
        }
    }
    r.text("descriptionFr", out.descriptionFr, detail::kMaxShortText);
}

} // namespace

std::string_view wireName(AssistantRole role) noexcept {
    return entryOf(kRoles, role).wire;
}
std::string_view labelFr(AssistantRole role) noexcept {
    return entryOf(kRoles, role).labelFr;
}
std::optional<AssistantRole> assistantRoleFromWire(std::string_view wire) noexcept {
    return fromWire(kRoles, wire);
}
std::string_view wireName(IncidentKind kind) noexcept {
    return entryOf(kIncidents, kind).wire;
}
std::string_view labelFr(IncidentKind kind) noexcept {
    return entryOf(kIncidents, kind).labelFr;
}
std::optional<IncidentKind> incidentKindFromWire(std::string_view wire) noexcept {
    return fromWire(kIncidents, wire);
}
std::string_view wireName(SourceKind kind) noexcept {
    return entryOf(kSourceKinds, kind).wire;
}
std::optional<SourceKind> sourceKindFromWire(std::string_view wire) noexcept {
    return fromWire(kSourceKinds, wire);
}

bool recordHoldsAct(const ConsultationRecord& record, SourceKind kind, std::string_view id) {
    const auto& acts = record.acts;
    switch (kind) {
    case SourceKind::measurement:
        return std::any_of(acts.measurements.begin(), acts.measurements.end(),
                           [&](const auto& m) { return m.id == id; });
    case SourceKind::recording:
        return std::any_of(acts.auscultations.begin(), acts.auscultations.end(),
                           [&](const auto& a) { return a.recording == id; });
    case SourceKind::still:
        return std::any_of(acts.stills.begin(), acts.stills.end(),
                           [&](const auto& s) { return s.fileName == id; });
    }
    return false;
}

nlohmann::json toJson(const ConsultationRecord& record) {
    json prescriptions = json::array();
    for (const auto& p : record.prescriptions) {
        prescriptions.push_back({{"id", p.id}, {"sha256", p.sha256}});
    }
    json incidents = json::array();
    for (const auto& incident : record.incidents) {
        incidents.push_back(incidentJson(incident));
    }
    json report = nullptr;
    if (record.report) {
        report = {{"id", record.report->id},
                  {"sha256", record.report->sha256},
                  {"signedAtMs", record.report->signedAtMs}};
    }
    const auto& t = record.times;
    return json{
        {"format", kRecordFormat},
        {"consultationId", record.consultationId},
        {"patient", detail::identityJson(record.patient)},
        {"doctor", detail::doctorJson(record.doctor)},
        {"site", detail::siteJson(record.site)},
        {"assistant", detail::assistantJson(record.assistant)},
        {"times",
         {{"checkInMs", t.checkInMs},
          {"claimMs", t.claimMs},
          {"startMs", t.startMs},
          {"endMs", t.endMs}}},
        {"consent",
         {{"care", record.consent.care}, {"qualityReview", record.consent.qualityReview}}},
        {"endReason", record.endReason},
        {"acts", actsJson(record.acts)},
        {"prescriptions", prescriptions},
        {"report", report},
        {"incidents", incidents},
    };
}

ParseResult<ConsultationRecord> consultationRecordFromJson(const nlohmann::json& value) {
    ErrorSlot slot;
    ConsultationRecord record;
    ObjectReader r(value, "", slot);
    r.format(kRecordFormat);
    r.text("consultationId", record.consultationId, 64);
    if (const auto* patient = r.object("patient", Nullable::no)) {
        detail::readIdentity(*patient, "/patient", record.patient, slot);
    }
    if (const auto* doctor = r.object("doctor", Nullable::no)) {
        detail::readDoctor(*doctor, "/doctor", record.doctor, slot);
    }
    if (const auto* site = r.object("site", Nullable::no)) {
        detail::readSite(*site, "/site", record.site, slot);
    }
    detail::readAssistant(r, "assistant", record.assistant);
    if (const auto* times = r.object("times", Nullable::no)) {
        ObjectReader t(*times, "/times", slot);
        readMs(t, "checkInMs", record.times.checkInMs);
        readMs(t, "claimMs", record.times.claimMs);
        readMs(t, "startMs", record.times.startMs);
        readMs(t, "endMs", record.times.endMs);
        t.finish();
    }
    if (const auto* consent = r.object("consent", Nullable::no)) {
        ObjectReader c(*consent, "/consent", slot);
        c.boolean("care", record.consent.care);
        c.boolean("qualityReview", record.consent.qualityReview);
        c.finish();
    }
    r.text("endReason", record.endReason, 64);
    if (const auto* acts = r.object("acts", Nullable::no)) {
        readActs(*acts, "/acts", record.acts, slot);
    }
    readList(r, "prescriptions", kMaxRecordActs, record.prescriptions,
             [](ObjectReader& p, PrescriptionReference& out) {
                 p.text("id", out.id, 64);
                 p.text("sha256", out.sha256, 64);
             });
    if (const auto* report = r.object("report", Nullable::yes)) {
        ReportReference reference;
        ObjectReader rr(*report, "/report", slot);
        rr.text("id", reference.id, 64);
        rr.text("sha256", reference.sha256, 64);
        readMs(rr, "signedAtMs", reference.signedAtMs);
        rr.finish();
        record.report = reference;
    }
    readList(r, "incidents", kMaxRecordIncidents, record.incidents, readIncident);
    r.finish();
    if (slot.error) {
        return *slot.error;
    }
    return record;
}

ParseResult<ConsultationRecord> parseConsultationRecord(std::string_view text) {
    auto value = detail::parseDocument(text, kMaxRecordBytes);
    if (!value) {
        return value.error();
    }
    return consultationRecordFromJson(*value);
}

Result<std::string> canonicalJson(const ConsultationRecord& record) {
    return canonicalJson(toJson(record));
}

} // namespace tc::prescriptions

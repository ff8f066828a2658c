// The consultation report's follow-up vocabulary, strict JSON form and validation.
#include "tc/prescriptions/consultation_report.hpp"

#include "json_reader.hpp"
#include "record_json.hpp"
#include "tc/errors/table_lookup.hpp"

#include <array>
#include <set>

namespace tc::prescriptions {
namespace {

using detail::IssueCollector;
using namespace detail::reading;

struct FollowUpInfo {
    FollowUpKind value;
    std::string_view wire;
    std::string_view textFr;
};

constexpr std::array<FollowUpInfo, 4> kFollowUps{{
    {FollowUpKind::none, "none",
     "Pas de suivi particulier. Reconsulter si les symptômes persistent ou s'aggravent."},
    {FollowUpKind::gpInPerson, "gp_in_person", "Consulter votre médecin traitant en présentiel."},
    {FollowUpKind::emergency, "emergency",
     "Se rendre sans attendre aux urgences ; en cas de détresse, appeler le 15."},
    {FollowUpKind::specialist, "specialist", "Consulter un spécialiste"},
}};

// Limits of the report's texts, in bytes (the README's table).
constexpr std::size_t kMaxMotif = detail::kMaxShortText;
constexpr std::size_t kMaxSection = detail::kMaxLongText;
constexpr std::size_t kMaxItemText = 1000;
constexpr std::size_t kMaxSpecialty = 200;

void readSource(ObjectReader& r, SourceRef& out) {
    if (const auto* kind = r.member("kind", Nullable::no)) {
        const auto parsed = kind->is_string()
                                ? sourceKindFromWire(kind->get_ref<const std::string&>())
                                : std::nullopt;
        if (!kind->is_string()) {
            r.slot().fail(Errc::wrongFieldType, r.pointerOf("kind"), "expected a string");
        } else if (!parsed) {
            r.slot().fail(Errc::unknownEnumValue, r.pointerOf("kind"), "unknown source kind");
        } else {
            out.kind = *parsed;
        }
    }
    r.text("id", out.id, 128);
    r.finish();
}

} // namespace

std::string_view wireName(FollowUpKind kind) noexcept {
    return errors::valueWhere(kFollowUps, &FollowUpInfo::value, kind, &FollowUpInfo::wire)
        .value_or("none");
}

std::optional<FollowUpKind> followUpKindFromWire(std::string_view wire) noexcept {
    return errors::valueWhere(kFollowUps, &FollowUpInfo::wire, wire, &FollowUpInfo::value);
}

std::string followUpTextFr(FollowUpKind kind, std::string_view specialty) {
    const auto* f = errors::findEntry(kFollowUps, &FollowUpInfo::value, kind);
    if (f == nullptr) {
        return {};
    }
    std::string text(f->textFr);
    if (kind == FollowUpKind::specialist) {
        text += specialty.empty() ? "." : " (" + std::string(specialty) + ").";
    }
    return text;
}

nlohmann::json toJson(const ConsultationReport& report) {
    json items = json::array();
    for (const auto& item : report.examination.items) {
        items.push_back(
            {{"text", item.text},
             {"source", {{"kind", wireName(item.source.kind)}, {"id", item.source.id}}}});
    }
    return json{
        {"format", kReportFormat},
        {"id", report.id.toString()},
        {"consultationId", report.consultationId},
        {"motif", report.motif},
        {"history", report.history},
        {"examination", {{"items", items}, {"text", report.examination.text}}},
        {"conclusion", report.conclusion},
        {"followUp",
         {{"kind", wireName(report.followUp.kind)}, {"specialty", report.followUp.specialty}}},
        {"freeText", report.freeText},
    };
}

ParseResult<ConsultationReport> consultationReportFromJson(const nlohmann::json& value) {
    ErrorSlot slot;
    ConsultationReport report;
    ObjectReader r(value, "", slot);
    r.format(kReportFormat);
    std::string id;
    r.text("id", id, 64);
    if (r.ok()) {
        if (auto parsed = PrescriptionId::parse(id)) {
            report.id = *parsed;
        } else {
            const auto code = static_cast<Errc>(parsed.error().value());
            slot.fail(code, "/id", std::string(wireName(code)));
        }
    }
    r.text("consultationId", report.consultationId, 64);
    r.text("motif", report.motif, kMaxMotif);
    r.text("history", report.history, kMaxSection);
    if (const auto* examination = r.object("examination", Nullable::no)) {
        ObjectReader e(*examination, "/examination", slot);
        if (const auto* items = e.array("items", kMaxExaminationItems)) {
            for (std::size_t i = 0; i < items->size() && slot.ok(); ++i) {
                ExaminationItem item;
                ObjectReader itemReader((*items)[i], pointerAppend("/examination/items", i), slot);
                itemReader.text("text", item.text, kMaxItemText);
                if (const auto* source = itemReader.object("source", Nullable::no)) {
                    ObjectReader s(*source, itemReader.pointerOf("source"), slot);
                    readSource(s, item.source);
                }
                itemReader.finish();
                report.examination.items.push_back(std::move(item));
            }
        }
        e.text("text", report.examination.text, kMaxSection);
        e.finish();
    }
    r.text("conclusion", report.conclusion, kMaxSection);
    if (const auto* followUp = r.object("followUp", Nullable::no)) {
        ObjectReader f(*followUp, "/followUp", slot);
        f.enumeration("kind", report.followUp.kind, kFollowUps);
        f.text("specialty", report.followUp.specialty, kMaxSpecialty);
        f.finish();
    }
    r.text("freeText", report.freeText, kMaxSection);
    r.finish();
    if (slot.error) {
        return *slot.error;
    }
    return report;
}

ParseResult<ConsultationReport> parseConsultationReport(std::string_view text) {
    auto value = detail::parseDocument(text, kMaxReportBytes);
    if (!value) {
        return value.error();
    }
    return consultationReportFromJson(*value);
}

RecordIssues validateReport(const ConsultationReport& report, const ConsultationRecord* record) {
    RecordIssues out;
    IssueCollector issues(out);
    issues.check(!report.id.isNil(), RecordErrc::invalidIdentifier, "/id", "no identifier");
    issues.check(detail::isToken(report.consultationId, 64), RecordErrc::invalidIdentifier,
                 "/consultationId", "1 to 64 of A-Z a-z 0-9 . _ -");
    if (record != nullptr) {
        issues.check(report.consultationId == record->consultationId, RecordErrc::recordMismatch,
                     "/consultationId", "the record is " + record->consultationId);
    }
    issues.text("/motif", report.motif, kMaxMotif, RecordErrc::missingMotif);
    issues.text("/history", report.history, kMaxSection);
    const auto& items = report.examination.items;
    issues.check(items.size() <= kMaxExaminationItems, RecordErrc::tooManyItems,
                 "/examination/items", "too many items");
    std::set<std::pair<SourceKind, std::string>> sources;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto pointer = pointerAppend("/examination/items", i);
        issues.text(pointerAppend(pointer, "text"), items[i].text, kMaxItemText,
                    RecordErrc::missingField);
        const auto& source = items[i].source;
        const auto sourcePointer = pointerAppend(pointerAppend(pointer, "source"), "id");
        issues.check(detail::isToken(source.id, 128), RecordErrc::invalidIdentifier, sourcePointer,
                     "an act's id or file name");
        issues.check(sources.emplace(source.kind, source.id).second, RecordErrc::duplicateId,
                     sourcePointer, "an act reported twice");
        if (record != nullptr) {
            issues.check(recordHoldsAct(*record, source.kind, source.id), RecordErrc::unknownSource,
                         sourcePointer,
                         std::string(wireName(source.kind)) + " \"" + source.id +
                             "\" is not in the record");
        }
    }
    issues.text("/examination/text", report.examination.text, kMaxSection);
    issues.text("/conclusion", report.conclusion, kMaxSection, RecordErrc::missingConclusion);
    issues.line("/followUp/specialty", report.followUp.specialty, kMaxSpecialty);
    issues.check(report.followUp.specialty.empty() ||
                     report.followUp.kind == FollowUpKind::specialist,
                 RecordErrc::specialtyMisplaced, "/followUp/specialty",
                 "a specialty goes with a specialist follow-up");
    issues.text("/freeText", report.freeText, kMaxSection);
    return out;
}

} // namespace tc::prescriptions

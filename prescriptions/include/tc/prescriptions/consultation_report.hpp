#pragma once
// The doctor's consultation report (compte rendu): motif, history, examination, conclusion,
// follow-up and free text. The examination starts from what was done in the cabin: one item per
// measurement (with its time), per auscultation site recorded and per still taken, each naming
// its source act in the record (kind + id) so that the console shows the act on a click; the
// doctor adds free examination text beside them.
//
// Templates for common motifs pre-fill the sections in French; the conclusion is always left
// to the doctor (an empty conclusion blocks signing). The JSON form (format
// "telecabine.consultation-report/1") is strict both ways; validateReport locates every problem.
// Signing (PDF, PAdES, CMS, FHIR) is in signed_report.hpp.

#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/errors.hpp"
#include "tc/prescriptions/prescription_id.hpp"
#include "tc/prescriptions/record_errors.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::prescriptions {

inline constexpr std::string_view kReportFormat = "telecabine.consultation-report/1";
inline constexpr std::size_t kMaxReportBytes = 256 * 1024;
inline constexpr std::size_t kMaxExaminationItems = 200;

struct SourceRef {
    SourceKind kind = SourceKind::measurement;
    std::string id; // "m-3", "steth-aortic-1.flac", "still-2.png"
    friend bool operator==(const SourceRef&, const SourceRef&) = default;
};

struct ExaminationItem {
    std::string text; // "Pression systolique : 128 mmHg (10:42)", editable
    SourceRef source;
    friend bool operator==(const ExaminationItem&, const ExaminationItem&) = default;
};

struct Examination {
    std::vector<ExaminationItem> items; // from the record's acts
    std::string text;                   // the doctor's own findings
    friend bool operator==(const Examination&, const Examination&) = default;
};

enum class FollowUpKind { none, gpInPerson, emergency, specialist };
std::string_view wireName(FollowUpKind kind) noexcept; // "none", "gp_in_person", ...
std::optional<FollowUpKind> followUpKindFromWire(std::string_view wire) noexcept;
// The sentence printed for the patient: "Consulter votre médecin traitant en présentiel", ...
std::string followUpTextFr(FollowUpKind kind, std::string_view specialty);

struct FollowUp {
    FollowUpKind kind = FollowUpKind::none;
    std::string specialty; // specialist only, optional ("cardiologie")
    friend bool operator==(const FollowUp&, const FollowUp&) = default;
};

struct ConsultationReport {
    PrescriptionId id;          // the report's identifier (the prescriptions' scheme)
    std::string consultationId; // the record it reports on
    std::string motif;
    std::string history; // antécédents et histoire de la maladie
    Examination examination;
    std::string conclusion;
    FollowUp followUp;
    std::string freeText;
    friend bool operator==(const ConsultationReport&, const ConsultationReport&) = default;
};

// ---- Templates ----------------------------------------------------------------------------------

enum class ReportTemplate {
    feverEnt,       // fièvre, symptômes ORL
    cough,          // toux, symptômes respiratoires
    urinary,        // symptômes urinaires
    skinLesion,     // lésion cutanée
    chronicRenewal, // renouvellement, suivi d'un traitement chronique
    bloodPressure,  // contrôle tensionnel
};

struct ReportTemplateInfo {
    ReportTemplate value;
    std::string_view wire;    // "fever_ent", ...
    std::string_view labelFr; // shown in the console's picker
    std::string_view motif;
    std::string_view history;
    std::string_view examination; // the free examination text's prompt
    FollowUpKind followUp;
};

std::span<const ReportTemplateInfo> allReportTemplates() noexcept;
const ReportTemplateInfo& infoOf(ReportTemplate value) noexcept;
std::optional<ReportTemplate> reportTemplateFromWire(std::string_view wire) noexcept;

// A UCUM unit as printed for a patient: "mm[Hg]" -> "mmHg", "Cel" -> "°C"; others as given.
std::string unitTextFr(std::string_view ucum);
// An auscultation site's wire name in French: "aortic" -> "foyer aortique"; others as given.
std::string auscultationSiteFr(std::string_view site);

// One item per act of the record, in time order: measurements "Pression systolique : 128 mmHg
// (10:42)", auscultations "Auscultation, foyer aortique : enregistrement de 12 s (10:44)", stills
// "Photo : Gorge (10:47)"; times in Europe/Paris when the system has tz data, else UTC.
std::vector<ExaminationItem> examinationItemsFrom(const ConsultationRecord& record);

// A draft for `record`: a new random id, the consultation id, the template's sections (or empty
// ones without a template), the examination items from the record; no conclusion.
Result<ConsultationReport> draftReport(const ConsultationRecord& record,
                                       std::optional<ReportTemplate> templ = std::nullopt);

// ---- JSON and validation ------------------------------------------------------------------------

nlohmann::json toJson(const ConsultationReport& report);
ParseResult<ConsultationReport> consultationReportFromJson(const nlohmann::json& value);
ParseResult<ConsultationReport> parseConsultationReport(std::string_view text);

// missingMotif, missingConclusion, controlCharacter, textTooLong, tooManyItems,
// invalidIdentifier (nil id, consultation id, source id), specialtyMisplaced; with `record`
// also recordMismatch (another consultation id) and unknownSource (an item naming an act the
// record does not hold).
RecordIssues validateReport(const ConsultationReport& report,
                            const ConsultationRecord* record = nullptr);

} // namespace tc::prescriptions

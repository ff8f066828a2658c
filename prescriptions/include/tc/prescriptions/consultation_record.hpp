#pragma once
// The consultation record (dossier de téléconsultation, article R6316-4 CSP): who took part
// (patient, doctor, cabin, assisting professional), when (check-in, claim, start, end), under
// which consent, how it ended, what was done (auscultations, measurements, stills, instruments),
// what was prescribed, the doctor's signed report, and the technical incidents met on the way.
//
// The record refers to what is archived beside it by file name and SHA-256 (recordings, stills),
// to the prescriptions by identifier and SHA-256 of their canonical JSON, and to the signed
// report likewise. Its JSON form (format "telecabine.consultation-record/1") is strict both
// ways, like the prescription's; canonicalJson() gives its RFC 8785 bytes.

#include "tc/prescriptions/errors.hpp"
#include "tc/prescriptions/patient_identity.hpp"
#include "tc/prescriptions/record_errors.hpp"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::prescriptions {

inline constexpr std::string_view kRecordFormat = "telecabine.consultation-record/1";
inline constexpr std::size_t kMaxRecordBytes = 1024 * 1024;

// Unix time in milliseconds (UTC).
using UnixMs = std::int64_t;

struct RecordDoctor {
    std::string rpps; // 11 digits with the Luhn key
    std::string familyName;
    std::string givenName;
    friend bool operator==(const RecordDoctor&, const RecordDoctor&) = default;
};

struct RecordSite {
    std::string code; // the cabin's site code (3-32 of A-Z 0-9 -)
    std::string name; // "Cabine de la mairie de Saint-Flour"
    friend bool operator==(const RecordSite&, const RecordSite&) = default;
};

// The professional beside the patient in the cabin.
enum class AssistantRole { nurse, pharmacist, medicalAssistant, healthMediator, other };
std::string_view wireName(AssistantRole role) noexcept; // "nurse", "medical_assistant", ...
std::string_view labelFr(AssistantRole role) noexcept;  // "infirmier·ère", ...
std::optional<AssistantRole> assistantRoleFromWire(std::string_view wire) noexcept;

struct RecordAssistant {
    AssistantRole role = AssistantRole::nurse;
    std::string name; // as the assistant gave it: "Sophie Bernard"
    friend bool operator==(const RecordAssistant&, const RecordAssistant&) = default;
};

struct RecordTimes {
    UnixMs checkInMs = 0; // the cabin checked the patient in
    UnixMs claimMs = 0;   // a doctor took the visit from the queue
    UnixMs startMs = 0;   // media flowed
    UnixMs endMs = 0;     // the session ended
    // Derived, never stored: the wait is check-in to claim (as the service's audit counts it),
    // the duration start to end.
    UnixMs waitMs() const noexcept { return claimMs - checkInMs; }
    UnixMs durationMs() const noexcept { return endMs - startMs; }
    friend bool operator==(const RecordTimes&, const RecordTimes&) = default;
};

struct RecordConsent {
    bool care = false;          // to the teleconsultation itself
    bool qualityReview = false; // to the replay of the recordings for quality review
    friend bool operator==(const RecordConsent&, const RecordConsent&) = default;
};

// ---- Acts ---------------------------------------------------------------------------------------

struct Auscultation {
    std::string site;      // wire name: "aortic", "lung_left_lower"... (tc::media's names)
    std::string recording; // archived file name, also the act's id: "steth-aortic-1.flac"
    UnixMs startMs = 0;
    UnixMs durationMs = 0;
    std::string sha256; // of the file, lowercase hex
    friend bool operator==(const Auscultation&, const Auscultation&) = default;
};

struct RecordMeasurement {
    std::string id;      // "m-3", unique in the record
    std::string loinc;   // "8480-6"
    std::string display; // French label, "Pression systolique"
    double value = 0;
    std::string unit; // UCUM, case-sensitive: "mm[Hg]", "Cel", "/min", "%"
    UnixMs atMs = 0;
    std::string instrument; // instrument id, "cuff-1"; "operator" when typed in
    friend bool operator==(const RecordMeasurement&, const RecordMeasurement&) = default;
};

struct RecordStill {
    std::string fileName; // archived file name, also the act's id: "still-2.png"
    std::string sha256;
    UnixMs atMs = 0;
    std::string caption; // "Gorge", may be empty
    friend bool operator==(const RecordStill&, const RecordStill&) = default;
};

struct RecordActs {
    std::vector<Auscultation> auscultations;
    std::vector<RecordMeasurement> measurements;
    std::vector<RecordStill> stills;
    std::vector<std::string> instruments; // ids of the instruments used: "steth-1", "cuff-1"
    friend bool operator==(const RecordActs&, const RecordActs&) = default;
};

struct PrescriptionReference {
    std::string id;     // PrescriptionId text, "7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1AH"
    std::string sha256; // of its canonical JSON
    friend bool operator==(const PrescriptionReference&, const PrescriptionReference&) = default;
};

// The signed report (signed_report.hpp): its id and the SHA-256 of its canonical JSON.
struct ReportReference {
    std::string id;
    std::string sha256;
    UnixMs signedAtMs = 0;
    friend bool operator==(const ReportReference&, const ReportReference&) = default;
};

// ---- Incidents ----------------------------------------------------------------------------------

enum class IncidentKind {
    mediaPathChange, // the media path changed (direct to relayed, network change)
    consentLost,     // the patient withdrew a consent during the session
    dropAndResume,   // the media stopped and came back
    lossBurst,       // packet loss above the threshold for a while
    jitterBurst,     // jitter above the threshold for a while
    frozenVideo,     // no new video frame for a while
    audioDeviceError // an audio device failed or vanished
};
std::string_view wireName(IncidentKind kind) noexcept; // "media_path_change", ...
std::string_view labelFr(IncidentKind kind) noexcept;  // "Changement de chemin média", ...
std::optional<IncidentKind> incidentKindFromWire(std::string_view wire) noexcept;

struct Incident {
    IncidentKind kind = IncidentKind::dropAndResume;
    UnixMs startMs = 0;
    UnixMs endMs = 0;
    // Named figures: {"loss_percent": 12.5, "duration_ms": 4200}; names snake_case.
    std::map<std::string, double> figures;
    std::string descriptionFr; // short, for the doctor and the archive reader
    friend bool operator==(const Incident&, const Incident&) = default;
};

// ---- The record ---------------------------------------------------------------------------------

struct ConsultationRecord {
    std::string consultationId; // the session id: 1-64 of A-Z a-z 0-9 . _ -
    PatientIdentity patient;
    RecordDoctor doctor;
    RecordSite site;
    std::optional<RecordAssistant> assistant;
    RecordTimes times;
    RecordConsent consent;
    std::string endReason; // wire name from the session's end, "doctor_ended"
    RecordActs acts;
    std::vector<PrescriptionReference> prescriptions;
    std::optional<ReportReference> report;
    std::vector<Incident> incidents;
    friend bool operator==(const ConsultationRecord&, const ConsultationRecord&) = default;
};

// Limits (the README's table).
inline constexpr std::size_t kMaxRecordActs = 200;      // per list
inline constexpr std::size_t kMaxRecordIncidents = 500; // incidents
inline constexpr std::size_t kMaxIncidentFigures = 16;

nlohmann::json toJson(const ConsultationRecord& record);
ParseResult<ConsultationRecord> consultationRecordFromJson(const nlohmann::json& value);
// Parses text (at most kMaxRecordBytes); malformed JSON is Errc::malformedJson.
ParseResult<ConsultationRecord> parseConsultationRecord(std::string_view text);
// RFC 8785 bytes of toJson(record).
Result<std::string> canonicalJson(const ConsultationRecord& record);

// Every problem of content, located: identifiers and file names in their syntax, RPPS, digests,
// codes, times in order (check-in <= claim <= start <= end; acts and incidents within the
// session's span, a minute of slack either side), unique ids, texts without control
// characters and within their limits, figures finite.
RecordIssues validateRecord(const ConsultationRecord& record);

// The act an examination item may name: "measurement" (RecordMeasurement::id), "recording"
// (Auscultation::recording), "still" (RecordStill::fileName).
enum class SourceKind { measurement, recording, still };
std::string_view wireName(SourceKind kind) noexcept;
std::optional<SourceKind> sourceKindFromWire(std::string_view wire) noexcept;
bool recordHoldsAct(const ConsultationRecord& record, SourceKind kind, std::string_view id);

} // namespace tc::prescriptions

// validateRecord: every problem of a record's content, located by JSON pointer.
#include "record_json.hpp"
#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/prescription_id.hpp"

#include <cmath>
#include <set>

namespace tc::prescriptions {
namespace {

using detail::IssueCollector;
using detail::pointerAppend;

// Acts and incidents may start a little before the media did (an instrument armed in the waiting
// room) and end a little after (the last upload): a minute either side.
constexpr UnixMs kSlackMs = 60'000;

struct Span {
    UnixMs from;
    UnixMs to;
    bool contains(UnixMs t) const noexcept { return t >= from - kSlackMs && t <= to + kSlackMs; }
};

std::string at(std::string_view list, std::size_t index, std::string_view key) {
    return pointerAppend(pointerAppend(std::string(list), index), key);
}

void validateTimes(const RecordTimes& t, IssueCollector& issues) {
    issues.time("/times/checkInMs", t.checkInMs);
    issues.time("/times/claimMs", t.claimMs);
    issues.time("/times/startMs", t.startMs);
    issues.time("/times/endMs", t.endMs);
    issues.check(t.claimMs >= t.checkInMs, RecordErrc::invalidTime, "/times/claimMs",
                 "before the check-in");
    issues.check(t.startMs >= t.claimMs, RecordErrc::invalidTime, "/times/startMs",
                 "before the claim");
    issues.check(t.endMs >= t.startMs, RecordErrc::invalidTime, "/times/endMs", "before the start");
}

void validateActs(const RecordActs& acts, const Span& session, IssueCollector& issues) {
    std::set<std::string> files;
    for (std::size_t i = 0; i < acts.auscultations.size(); ++i) {
        const auto& a = acts.auscultations[i];
        const std::string list = "/acts/auscultations";
        issues.check(detail::isWireName(a.site), RecordErrc::invalidIdentifier, at(list, i, "site"),
                     "a site's wire name");
        issues.check(detail::isArchiveFileName(a.recording, detail::kRecordingExtensions),
                     RecordErrc::invalidIdentifier, at(list, i, "recording"),
                     "an archive file name ending .flac, .wav, .ogg or .opus");
        issues.check(files.insert(a.recording).second, RecordErrc::duplicateId,
                     at(list, i, "recording"), "recorded twice");
        issues.check(session.contains(a.startMs), RecordErrc::invalidTime, at(list, i, "startMs"),
                     "outside the session");
        issues.check(a.durationMs > 0, RecordErrc::invalidValue, at(list, i, "durationMs"),
                     "must be positive");
        issues.check(detail::isSha256Hex(a.sha256), RecordErrc::invalidDigest,
                     at(list, i, "sha256"), "64 lowercase hex digits");
    }
    std::set<std::string> ids;
    for (std::size_t i = 0; i < acts.measurements.size(); ++i) {
        const auto& m = acts.measurements[i];
        const std::string list = "/acts/measurements";
        issues.check(detail::isToken(m.id, 64), RecordErrc::invalidIdentifier, at(list, i, "id"),
                     "1 to 64 of A-Z a-z 0-9 . _ -");
        issues.check(ids.insert(m.id).second, RecordErrc::duplicateId, at(list, i, "id"),
                     "given twice");
        issues.check(detail::isLoincCode(m.loinc), RecordErrc::invalidCode, at(list, i, "loinc"),
                     "a LOINC code with its check digit");
        issues.line(at(list, i, "display"), m.display, detail::kMaxNameBytes,
                    RecordErrc::missingField);
        issues.check(std::isfinite(m.value), RecordErrc::invalidValue, at(list, i, "value"),
                     "not finite");
        issues.check(detail::isUcumCode(m.unit), RecordErrc::invalidCode, at(list, i, "unit"),
                     "a UCUM code");
        issues.check(session.contains(m.atMs), RecordErrc::invalidTime, at(list, i, "atMs"),
                     "outside the session");
        issues.check(detail::isToken(m.instrument, 64), RecordErrc::invalidIdentifier,
                     at(list, i, "instrument"), "an instrument id");
    }
    for (std::size_t i = 0; i < acts.stills.size(); ++i) {
        const auto& s = acts.stills[i];
        const std::string list = "/acts/stills";
        issues.check(detail::isArchiveFileName(s.fileName, detail::kStillExtensions),
                     RecordErrc::invalidIdentifier, at(list, i, "fileName"),
                     "an archive file name ending .png, .jpg or .jpeg");
        issues.check(files.insert(s.fileName).second, RecordErrc::duplicateId,
                     at(list, i, "fileName"), "archived twice");
        issues.check(detail::isSha256Hex(s.sha256), RecordErrc::invalidDigest,
                     at(list, i, "sha256"), "64 lowercase hex digits");
        issues.check(session.contains(s.atMs), RecordErrc::invalidTime, at(list, i, "atMs"),
                     "outside the session");
        issues.line(at(list, i, "caption"), s.caption, detail::kMaxNameBytes);
    }
    std::set<std::string> instruments;
    for (std::size_t i = 0; i < acts.instruments.size(); ++i) {
        const auto pointer = pointerAppend(std::string("/acts/instruments"), i);
        issues.check(detail::isToken(acts.instruments[i], 64), RecordErrc::invalidIdentifier,
                     pointer, "an instrument id");
        issues.check(instruments.insert(acts.instruments[i]).second, RecordErrc::duplicateId,
                     pointer, "listed twice");
    }
}

void validateIncidents(const std::vector<Incident>& incidents, const Span& session,
                       IssueCollector& issues) {
    for (std::size_t i = 0; i < incidents.size(); ++i) {
        const auto& incident = incidents[i];
        const std::string list = "/incidents";
        issues.check(session.contains(incident.startMs), RecordErrc::invalidTime,
                     at(list, i, "startMs"), "outside the session");
        issues.check(incident.endMs >= incident.startMs && session.contains(incident.endMs),
                     RecordErrc::invalidTime, at(list, i, "endMs"),
                     "before its start or outside the session");
        issues.check(incident.figures.size() <= kMaxIncidentFigures, RecordErrc::tooManyItems,
                     at(list, i, "figures"), "too many figures");
        for (const auto& [name, value] : incident.figures) {
            const auto pointer = pointerAppend(at(list, i, "figures"), name);
            issues.check(detail::isWireName(name), RecordErrc::invalidIdentifier, pointer,
                         "a figure name (snake_case)");
            issues.check(std::isfinite(value), RecordErrc::invalidValue, pointer, "not finite");
        }
        issues.line(at(list, i, "descriptionFr"), incident.descriptionFr, detail::kMaxShortText,
                    RecordErrc::missingField);
    }
}

} // namespace

RecordIssues validateRecord(const ConsultationRecord& record) {
    RecordIssues out;
    IssueCollector issues(out);
    issues.check(detail::isToken(record.consultationId, 64), RecordErrc::invalidIdentifier,
                 "/consultationId", "1 to 64 of A-Z a-z 0-9 . _ -");
    detail::validateIdentity(record.patient, "/patient", issues);
    detail::validateDoctor(record.doctor, "/doctor", issues);
    detail::validateSite(record.site, "/site", issues);
    detail::validateAssistant(record.assistant, "/assistant", issues);
    validateTimes(record.times, issues);
    issues.check(detail::isWireName(record.endReason), RecordErrc::invalidIdentifier, "/endReason",
                 "a wire name (snake_case)");
    const Span session{record.times.startMs, record.times.endMs};
    issues.check(record.acts.auscultations.size() <= kMaxRecordActs &&
                     record.acts.measurements.size() <= kMaxRecordActs &&
                     record.acts.stills.size() <= kMaxRecordActs &&
                     record.acts.instruments.size() <= kMaxRecordActs,
                 RecordErrc::tooManyItems, "/acts", "too many acts");
    validateActs(record.acts, session, issues);
    std::set<std::string> prescriptions;
    for (std::size_t i = 0; i < record.prescriptions.size(); ++i) {
        const auto& p = record.prescriptions[i];
        issues.check(PrescriptionId::parse(p.id).has_value(), RecordErrc::invalidIdentifier,
                     at("/prescriptions", i, "id"), "a prescription id");
        issues.check(prescriptions.insert(p.id).second, RecordErrc::duplicateId,
                     at("/prescriptions", i, "id"), "listed twice");
        issues.check(detail::isSha256Hex(p.sha256), RecordErrc::invalidDigest,
                     at("/prescriptions", i, "sha256"), "64 lowercase hex digits");
    }
    if (record.report) {
        issues.check(PrescriptionId::parse(record.report->id).has_value(),
                     RecordErrc::invalidIdentifier, "/report/id", "a report id");
        issues.check(detail::isSha256Hex(record.report->sha256), RecordErrc::invalidDigest,
                     "/report/sha256", "64 lowercase hex digits");
        issues.time("/report/signedAtMs", record.report->signedAtMs);
    }
    issues.check(record.incidents.size() <= kMaxRecordIncidents, RecordErrc::tooManyItems,
                 "/incidents", "too many incidents");
    validateIncidents(record.incidents, session, issues);
    return out;
}

} // namespace tc::prescriptions

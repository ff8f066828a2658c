#include "session_record.hpp"

#include <algorithm>

namespace tc::app {

namespace rx = tc::prescriptions;

rx::ConsultationRecord baseRecordOf(const SessionFacts& facts, rx::UnixMs now) {
    rx::ConsultationRecord record;
    record.consultationId = facts.sessionId;
    if (facts.patient) {
        record.patient = *facts.patient;
    }
    record.doctor = facts.doctor;
    record.site = rx::RecordSite{facts.entry.visit.site.code, facts.entry.visit.site.name};
    // The assistant's name is not in the visit yet: the record names no assistant rather than
    // one without a name (which it refuses).
    const auto checkIn = facts.entry.checkedInAtMs > 0 ? facts.entry.checkedInAtMs : facts.claimMs;
    const auto claim = std::max(facts.claimMs, checkIn);
    const auto start = std::max(facts.startMs > 0 ? facts.startMs : claim, claim);
    const auto end = std::max(facts.endMs > 0 ? facts.endMs : now, start);
    record.times = rx::RecordTimes{checkIn, claim, start, end};
    record.consent = rx::RecordConsent{facts.entry.visit.consent.recorded,
                                       facts.entry.visit.consent.qualityReview};
    record.endReason = facts.endReason.empty() ? std::string("in_progress") : facts.endReason;
    return record;
}

rx::RecordDoctor doctorFromDisplayName(const std::string& displayName, const std::string& rpps) {
    std::string name = displayName;
    if (name.starts_with("Dr ")) {
        name = name.substr(3);
    }
    const auto space = name.rfind(' ');
    if (space == std::string::npos) {
        return {rpps, name, {}};
    }
    return {rpps, name.substr(space + 1), name.substr(0, space)};
}

} // namespace tc::app

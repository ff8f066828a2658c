#pragma once
// The consultation record (dossier, prescriptions/consultation_record.hpp) as far as the session
// knows it: who (the patient's identity from the cabin, the signed-in doctor, the cabin's site),
// when (check-in, claim, start, end) and under which consent. The acts, prescriptions and
// incidents are added by what records them; the compte rendu (ReportEditor) is written against
// this record from the start of the consultation.

#include "tc/prescriptions/consultation_record.hpp"
#include "tc/protocol/messages.hpp"

#include <optional>
#include <string>

namespace tc::app {

struct SessionFacts {
    std::string sessionId;
    std::optional<prescriptions::PatientIdentity> patient; // as the cabin sent it, corrected
    prescriptions::RecordDoctor doctor;
    protocol::QueueEntry entry; // the claimed visit: site, consent, check-in time
    prescriptions::UnixMs claimMs = 0;
    prescriptions::UnixMs startMs = 0; // 0 until the media flow
    prescriptions::UnixMs endMs = 0;   // 0 while the consultation runs
    std::string endReason;             // empty while it runs
};

// A running consultation ends, for the record, at `now` (a report signed during it covers the
// consultation up to its signature), with the end reason "in_progress". Without an identity
// from the cabin the patient is empty, and the record does not validate until there is one.
prescriptions::ConsultationRecord baseRecordOf(const SessionFacts& facts,
                                               prescriptions::UnixMs now);

// "Dr Claire Martin" (a certificate's display name) as family name "Martin", given name
// "Claire".
prescriptions::RecordDoctor doctorFromDisplayName(const std::string& displayName,
                                                  const std::string& rpps);

} // namespace tc::app

#pragma once
// The compte rendu's files in the consultation's directory: the autosaved draft (written
// durably, so that `kill -9` loses at most the last 300 ms of typing) and, once signed, the
// signed report's four files: compte-rendu-<id>.pdf (PAdES), .json (canonical), .p7s (detached
// CMS over the JSON) and .fhir.json (the FHIR R4 document). A restarted console finds both again.

#include "tc/prescriptions/consultation_report.hpp"
#include "tc/prescriptions/signed_report.hpp"

#include <QString>
#include <boost/system/error_code.hpp>
#include <optional>
#include <string>

namespace tc::app::report_files {

// What the editor keeps of a draft beyond the report itself.
struct DraftState {
    prescriptions::ConsultationReport report;
    bool followUpChosen = false; // the doctor picked the follow-up (a template leaves it)
    bool patientCopy = false;    // print a copy in the cabin with the ordonnance
    // Signed at that time: the signed files beside it are the report's.
    std::optional<prescriptions::UnixMs> signedAtMs;
};

QString draftPath(const QString& directory);
boost::system::error_code saveDraft(const QString& directory, const DraftState& state);
// The draft autosaved in `directory` for `consultationId`; nullopt when there is none, it cannot
// be read (a draft is never half-restored), or it is another consultation's.
std::optional<DraftState> loadDraft(const QString& directory, const std::string& consultationId);

// "compte-rendu-<id>", the id's check symbol (* ~ $ =) written "_" as for the ordonnance.
QString fileStem(const prescriptions::ConsultationReport& report);
// Writes the four files; the PDF's path, or the first error.
boost::system::error_code writeSigned(const QString& directory,
                                      const prescriptions::SignedReport& signedReport,
                                      QString& pdfPath);
// The signed report of `state` back from its files (each must be there and the JSON exactly
// the signed report of this draft's id); nullopt otherwise.
std::optional<prescriptions::SignedReport> loadSigned(const QString& directory,
                                                      const DraftState& state);

} // namespace tc::app::report_files

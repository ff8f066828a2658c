#pragma once
// The signed consultation report: an A4 PDF in French the patient can read, signed like the
// ordonnance (PAdES B-B by a prescriber certificate naming the author's RPPS, the canonical JSON
// embedded as "compte-rendu.json"), a detached CMS over the canonical JSON, and the FHIR R4
// document (fhir_document.hpp).
//
// Layout (report_layout.cpp, QtGui, the ordonnance's fonts and painting helpers): every page
// repeats the doctor (name, RPPS), the cabin and the consultation's date and times, and "Compte
// rendu n° <id> — page n/N"; the first page has the title, the patient (used and birth names,
// first names, sex, date of birth and age, the identity's status, the INS only when the identity
// is qualified, and a framed "Identité corrigée par le médecin" with the corrected traits when
// the doctor corrected it) and the consultation (date, times, duration, cabin, assisting
// professional); then the sections (motif, history, examination items and text, conclusion,
// follow-up, remarks, the prescriptions issued) and the signature block right after the last
// line. Threads: as the ordonnance (ordonnance.hpp).

#include "tc/errors/outcome.hpp"
#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/consultation_report.hpp"
#include "tc/prescriptions/sealed_report.hpp"
#include "tc/prescriptions/signature_errors.hpp"
#include "tc/prescriptions/signing_identity.hpp"

#include <QImage>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace tc::prescriptions {

// The unsigned PDF of a sealed report, with "Signé électroniquement (PAdES) le ..." at
// `signingTime`. Errors: renderFailed.
boost::system::result<std::vector<std::byte>>
renderReportPdf(const SealedReport& sealed, std::chrono::system_clock::time_point signingTime);

int reportPageCount(const ConsultationReport& report, const ConsultationRecord& record);

// The console's preview of a report being written (any state), page `pageIndex` at `dpi`, with
// a "BROUILLON — non signé" watermark; a null image when the page does not exist.
QImage renderReportPreview(const ConsultationReport& report, const ConsultationRecord& record,
                           int pageIndex, int dpi);

struct SignedReport {
    SealedReport sealed;               // content, canonical JSON, SHA-256
    std::vector<std::byte> pdf;        // PAdES B-B, canonical JSON embedded
    std::vector<std::byte> jsonCmsDer; // detached CMS over sealed.canonicalJson()
    std::string fhirDocumentJson;      // FHIR R4 Bundle of type document
    ReportReference reference;         // for ConsultationRecord::report
};

enum class ReportStage {
    validation, // the report or the record has problems (see issues)
    signer,     // the identity is not the author's (signerNotAPrescriber, signerNotPrescriber)
    sealing,
    rendering,
    pdfSignature,
    jsonSignature,
    fhir
};

// `code`: Errc::validationFailed (issues hold every problem, record ones under "/record"),
// SignatureErrc, or the FHIR export's error.
struct ReportFailure : errors::Failure {
    ReportStage stage = ReportStage::validation;
    RecordIssues issues;
};

using SignReportResult = errors::Outcome<SignedReport, ReportFailure>;

// Validates the report against the record and the record itself, checks that the identity is a
// prescriber's naming record.doctor.rpps (before anything is rendered), seals, renders,
// PAdES-signs with the canonical JSON attached (kReportAttachmentName), signs the canonical
// JSON (detached CMS with signing-time) and builds the FHIR document. `signingTime` goes into
// /M, the CMS signing-time, the printed block and the reference.
SignReportResult signReport(const ConsultationReport& report, const ConsultationRecord& record,
                            const SigningIdentity& identity,
                            std::chrono::system_clock::time_point signingTime);

} // namespace tc::prescriptions

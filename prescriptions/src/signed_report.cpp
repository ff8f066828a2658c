// The report's signing pipeline: validate, check the signer, seal, render, PAdES-sign the PDF
// with the canonical JSON attached, sign the canonical JSON (detached CMS), build the FHIR
// document. The same identities and rules as signOrdonnance.
#include "tc/prescriptions/signed_report.hpp"

#include "document_signing.hpp"
#include "tc/prescriptions/fhir_document.hpp"
#include "tc/prescriptions/prescriber_certificate.hpp"

namespace tc::prescriptions {
namespace {

SignReportResult failure(ReportStage stage, boost::system::error_code error,
                         RecordIssues issues = {}) {
    ReportFailure failed;
    failed.code = error;
    failed.stage = stage;
    failed.issues = std::move(issues);
    if (!failed.issues.empty()) {
        failed.detail = failed.issues.front().path + ": " + failed.issues.front().message();
    }
    return failed;
}

} // namespace

SignReportResult signReport(const ConsultationReport& report, const ConsultationRecord& record,
                            const SigningIdentity& identity,
                            std::chrono::system_clock::time_point signingTime) {
    RecordIssues issues;
    auto sealed = SealedReport::seal(report, record, &issues);
    if (!issues.empty()) {
        return failure(ReportStage::validation, Errc::validationFailed, std::move(issues));
    }
    const auto signer = readSignerProfile(identity.certificateDer());
    if (auto allowed = checkSignerIsPrescriber(signer, record.doctor.rpps); !allowed) {
        return failure(ReportStage::signer, allowed.error());
    }
    if (!sealed) {
        return failure(ReportStage::sealing, sealed.error());
    }
    auto page = renderReportPdf(*sealed, signingTime);
    if (!page) {
        return failure(ReportStage::rendering, page.error());
    }
    SignatureDetails details;
    details.reason = "Compte rendu de téléconsultation";
    details.location = record.site.name;
    auto signatures = detail::signDocument(SignedDocumentKind::consultationReport, *page,
                                           sealed->canonicalJson(), identity, details, signingTime);
    if (!signatures) {
        return failure(signatures.error().pdfStep ? ReportStage::pdfSignature
                                                  : ReportStage::jsonSignature,
                       signatures.error().code);
    }
    auto fhir = toFhirDocument(*sealed, record, signingTime);
    if (!fhir) {
        return failure(ReportStage::fhir, fhir.error());
    }
    const auto signedAtMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(signingTime.time_since_epoch())
            .count();
    ReportReference reference{sealed->report().id.toString(), sealed->sha256(), signedAtMs};
    return SignedReport{*sealed, std::move(signatures->pdf), std::move(signatures->jsonCmsDer),
                        fhir->dump(), std::move(reference)};
}

} // namespace tc::prescriptions

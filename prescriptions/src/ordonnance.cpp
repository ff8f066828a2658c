// The signing pipeline: validate, seal, render, PAdES-sign the PDF with the canonical JSON
// attached, sign the canonical JSON (detached CMS), export FHIR; optionally against a ledger.
#include "tc/prescriptions/ordonnance.hpp"

#include "document_signing.hpp"
#include "tc/prescriptions/fhir.hpp"
#include "tc/prescriptions/prescriber_certificate.hpp"

namespace tc::prescriptions {
namespace {

SignOrdonnanceResult failure(OrdonnanceStage stage, boost::system::error_code error,
                             ValidationReport report = {}) {
    OrdonnanceFailure failed;
    failed.code = error;
    failed.stage = stage;
    failed.validation = std::move(report);
    return failed;
}

SignOrdonnanceResult sign(const Prescription& prescription, const SigningIdentity& identity,
                          std::chrono::system_clock::time_point signingTime,
                          PrescriptionLedger* ledger, const OrdonnanceOptions& options) {
    const auto& table = DciTable::builtIn();
    if (!table) {
        return failure(OrdonnanceStage::validation, table.error().code);
    }
    ValidationReport report = validate(prescription, *table);
    if (report.hasErrors()) {
        return failure(OrdonnanceStage::validation, Errc::validationFailed, std::move(report));
    }
    const auto signer = readSignerProfile(identity.certificateDer());
    if (auto allowed = checkSignerIsPrescriber(signer, prescription.prescriber.rpps); !allowed) {
        return failure(OrdonnanceStage::signer, allowed.error());
    }
    auto sealed = SealedPrescription::seal(prescription, *table);
    if (!sealed) {
        return failure(OrdonnanceStage::sealing, sealed.error());
    }

    // Immutability: checked before anything is signed.
    bool reissue = false;
    if (ledger != nullptr) {
        if (const auto* existing = ledger->find(sealed->id())) {
            if (existing->canonicalJson() != sealed->canonicalJson()) {
                return failure(OrdonnanceStage::ledger, Errc::duplicateId);
            }
            reissue = true;
        } else {
            PrescriptionLedger trial = *ledger;
            if (auto added = trial.add(*sealed); !added) {
                return failure(OrdonnanceStage::ledger, added.error());
            }
        }
    }

    const std::string& canonical = sealed->canonicalJson();
    auto page = renderOrdonnancePdf(*sealed, signingTime, options);
    if (!page) {
        return failure(OrdonnanceStage::rendering, page.error());
    }
    SignatureDetails details;
    details.reason = "Ordonnance";
    details.location = prescription.prescriber.address.city;
    details.contactInfo = prescription.prescriber.email;
    auto signatures = detail::signDocument(SignedDocumentKind::ordonnance, *page, canonical,
                                           identity, details, signingTime);
    if (!signatures) {
        return failure(signatures.error().pdfStep ? OrdonnanceStage::pdfSignature
                                                  : OrdonnanceStage::jsonSignature,
                       signatures.error().code);
    }
    auto fhir = toFhirBundle(*sealed);
    if (!fhir) {
        return failure(OrdonnanceStage::fhir, fhir.error());
    }
    if (ledger != nullptr && !reissue) {
        if (auto added = ledger->add(*sealed); !added) {
            return failure(OrdonnanceStage::ledger, added.error());
        }
    }
    SignedOrdonnance issued{*sealed,      std::move(signatures->pdf),
                            canonical,    std::move(signatures->jsonCmsDer),
                            fhir->dump(), std::move(report)};
    return issued;
}

} // namespace

SignOrdonnanceResult signOrdonnance(const Prescription& prescription,
                                    const SigningIdentity& identity,
                                    std::chrono::system_clock::time_point signingTime,
                                    const OrdonnanceOptions& options) {
    return sign(prescription, identity, signingTime, nullptr, options);
}

SignOrdonnanceResult signOrdonnance(const Prescription& prescription,
                                    const SigningIdentity& identity,
                                    std::chrono::system_clock::time_point signingTime,
                                    PrescriptionLedger& ledger, const OrdonnanceOptions& options) {
    return sign(prescription, identity, signingTime, &ledger, options);
}

} // namespace tc::prescriptions

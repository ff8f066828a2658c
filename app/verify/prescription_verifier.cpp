#include "prescription_verifier.hpp"

#include "page_qr_reader.hpp"
#include "tc/errors/table_lookup.hpp"
#include "tc/prescriptions/pades.hpp"
#include "tc/prescriptions/prescriber_certificate.hpp"
#include "tc/prescriptions/qr_code.hpp"
#include "tc/prescriptions/sealed_report.hpp"

namespace tc::verify {

using prescriptions::SignatureErrc;
using prescriptions::SignedDocumentKind;

bool VerificationReport::valid() const {
    for (const auto& c : checks) {
        if (c.error || c.skipped) {
            return false;
        }
    }
    return checks.size() == 3;
}

int VerificationReport::exitCode() const {
    for (const auto& c : checks) {
        if (c.error) {
            return exitCodeFor(c.error);
        }
    }
    return valid() ? 0 : 1;
}

namespace {

// Checks 1 and 2, the same for every kind: the signature, then the signer's chain and profile
// against the RPPS the embedded content names. Returns the embedded content (or its error).
boost::system::result<std::vector<std::byte>>
checkSignatureAndSigner(VerificationReport& report, std::span<const std::byte> pdf,
                        const prescriptions::TrustAnchors& anchors,
                        std::chrono::system_clock::time_point now) {
    const auto& info = prescriptions::infoOf(report.kind);
    auto signature = prescriptions::verifyPdfSignature(pdf);
    report.checks.push_back(
        {Check::signature, signature ? boost::system::error_code{} : signature.error()});
    auto content = prescriptions::extractEmbeddedFile(pdf, info.attachmentName);
    if (!signature) {
        report.checks.push_back({Check::certificate, {}, true});
        return content;
    }
    report.signer = signature->cms.signerSubject;
    report.signingTime = signature->field.signingTimeText;
    auto chain = prescriptions::verifyCertificateChain(
        signature->cms.signerCertificateDer, signature->cms.otherCertificatesDer, anchors, now);
    boost::system::error_code certificateError =
        chain ? boost::system::error_code{} : chain.error();
    // Trust is a policy, not only a chain: the same CA certifies cabins, the service and
    // coordinators. Only a prescriber signs, and only the one the signed content names.
    const auto signer = prescriptions::readSignerProfile(signature->cms.signerCertificateDer);
    report.signerKind = signer.kind;
    report.signerRpps = signer.rpps.value_or(std::string());
    if (content) {
        report.prescriberRpps =
            prescriptions::signerRppsInContent(report.kind, *content).value_or(std::string());
    }
    if (!signer.isPrescriber()) {
        // Whoever issued it, such a certificate never signs an ordonnance or a report.
        certificateError = SignatureErrc::signerNotAPrescriber;
    } else if (!certificateError && content) {
        // Without content, check 3 says so (missing_signed_content).
        if (auto allowed = prescriptions::checkSignerIsPrescriber(signer, report.prescriberRpps);
            !allowed) {
            certificateError = allowed.error();
        }
    }
    report.checks.push_back({Check::certificate, certificateError});
    return content;
}

} // namespace

VerificationReport verifyPrescription(std::span<const std::byte> pdf,
                                      const prescriptions::TrustAnchors& anchors,
                                      std::chrono::system_clock::time_point now, double dpi) {
    VerificationReport report;
    report.kind = SignedDocumentKind::ordonnance;
    const auto content = checkSignatureAndSigner(report, pdf, anchors, now);
    // The QR code is checked against the embedded content even when the signature failed, so
    // that the report says everything that is wrong; a valid verdict needs all three.
    boost::system::error_code qrError;
    auto codes = readPageQrCodes(pdf, dpi);
    if (!codes) {
        qrError = codes.error();
    } else {
        std::optional<prescriptions::QrPayload> payload;
        for (const auto& text : *codes) {
            if (auto parsed = prescriptions::parseQrPayload(text); parsed && !payload) {
                payload = std::move(*parsed);
            }
        }
        if (!payload) {
            qrError = SignatureErrc::malformedQrPayload;
        } else {
            report.prescriptionId = payload->prescriptionId;
            if (!content) {
                qrError = content.error();
            } else if (auto match = prescriptions::checkQrAgainstContent(*payload, *content);
                       !match) {
                qrError = match.error();
            }
        }
    }
    report.checks.push_back({Check::qrCode, qrError});
    return report;
}

VerificationReport verifyReport(std::span<const std::byte> pdf,
                                const prescriptions::TrustAnchors& anchors,
                                std::chrono::system_clock::time_point now) {
    VerificationReport report;
    report.kind = SignedDocumentKind::consultationReport;
    const auto content = checkSignatureAndSigner(report, pdf, anchors, now);
    // Check 3: the embedded content is there, strictly a signed report, and canonical (what the
    // detached CMS and the record's reference hash are computed over).
    boost::system::error_code contentError;
    if (!content) {
        contentError = content.error();
    } else {
        const std::string_view bytes(reinterpret_cast<const char*>(content->data()),
                                     content->size());
        if (auto sealed = prescriptions::SealedReport::fromCanonical(bytes)) {
            report.reportId = sealed->report().id.toString();
            report.consultationId = sealed->report().consultationId;
            report.contentSha256 = sealed->sha256();
        } else {
            contentError = SignatureErrc::signedContentInvalid;
        }
    }
    report.checks.push_back({Check::content, contentError});
    return report;
}

VerificationReport verifyDocument(prescriptions::SignedDocumentKind kind,
                                  std::span<const std::byte> pdf,
                                  const prescriptions::TrustAnchors& anchors,
                                  std::chrono::system_clock::time_point now) {
    return kind == SignedDocumentKind::consultationReport ? verifyReport(pdf, anchors, now)
                                                          : verifyPrescription(pdf, anchors, now);
}

int exitCodeFor(const boost::system::error_code& error) {
    if (!error) {
        return 0;
    }
    if (error.category() != prescriptions::signatureCategory()) {
        return 2;
    }
    switch (static_cast<SignatureErrc>(error.value())) {
    case SignatureErrc::malformedPdf:
    case SignatureErrc::unsupportedPdf:
        return 10;
    case SignatureErrc::noSignature:
        return 11;
    case SignatureErrc::multipleSignatures:
    case SignatureErrc::contentAfterSignature:
        return 13;
    case SignatureErrc::byteRangeIncomplete:
    case SignatureErrc::malformedSignature:
    case SignatureErrc::signatureInvalid:
    case SignatureErrc::signingCertificateMismatch:
    case SignatureErrc::notPadesBaseline:
        return 12;
    case SignatureErrc::untrustedCertificate:
        return 20;
    case SignatureErrc::certificateExpired:
    case SignatureErrc::certificateNotYetValid:
        return 21;
    case SignatureErrc::keyUsageNotAllowed:
        return 22;
    case SignatureErrc::certificateRejected:
        return 23;
    case SignatureErrc::signerNotPrescriber:
        return 24;
    case SignatureErrc::signerNotAPrescriber:
        return 25;
    case SignatureErrc::qrNotFound:
    case SignatureErrc::malformedQrPayload:
    case SignatureErrc::renderFailed:
        return 30;
    case SignatureErrc::missingSignedContent:
        return 31;
    case SignatureErrc::qrIdMismatch:
    case SignatureErrc::qrDigestMismatch:
        return 32;
    case SignatureErrc::signedContentInvalid:
        return 33;
    default:
        return 2;
    }
}

std::string_view checkName(Check check) {
    static constexpr errors::EnumNames<Check::content> names{
        {"signature", "certificate", "qr_code", "content"}};
    return names(check, "unknown");
}

Verdict checkTitle(Check check) {
    switch (check) {
    case Check::signature:
        return {"Signature électronique (PAdES)", "Electronic signature (PAdES)"};
    case Check::certificate:
        return {"Certificat du prescripteur", "Prescriber's certificate"};
    case Check::qrCode:
        return {"QR code et contenu signé", "QR code and signed content"};
    case Check::content:
        return {"Contenu signé (compte rendu)", "Signed content (consultation report)"};
    }
    return {"?", "?"};
}

Verdict verdictText(const boost::system::error_code& error, SignedDocumentKind kind) {
    if (!error) {
        return {"conforme", "valid"};
    }
    if (error.category() != prescriptions::signatureCategory()) {
        return {"erreur inattendue", "unexpected error"};
    }
    if (kind == SignedDocumentKind::consultationReport) {
        switch (static_cast<SignatureErrc>(error.value())) {
        case SignatureErrc::multipleSignatures:
            return {"plusieurs signatures : le document a été signé à nouveau après son auteur",
                    "several signatures: the document was signed again after its author"};
        case SignatureErrc::signerNotPrescriber:
            return {"le signataire n'est pas l'auteur du compte rendu (RPPS différent)",
                    "the signer is not the report's author (another RPPS)"};
        case SignatureErrc::signerNotAPrescriber:
            return {"le signataire n'est pas un médecin : seul un médecin identifié par son RPPS "
                    "signe un compte rendu",
                    "the signer is not a doctor: only a doctor named by an RPPS signs a report"};
        case SignatureErrc::missingSignedContent:
            return {"le contenu signé du compte rendu (compte-rendu.json) est absent",
                    "the report's signed content (compte-rendu.json) is missing"};
        case SignatureErrc::signedContentInvalid:
            return {"le contenu signé n'est pas un compte rendu au format canonique",
                    "the signed content is not a report in canonical form"};
        default:
            break;
        }
    }
    switch (static_cast<SignatureErrc>(error.value())) {
    case SignatureErrc::malformedPdf:
        return {"le fichier n'est pas un PDF lisible", "the file is not a readable PDF"};
    case SignatureErrc::unsupportedPdf:
        return {"structure PDF non prise en charge", "unsupported PDF structure"};
    case SignatureErrc::noSignature:
        return {"le document n'est pas signé", "the document is not signed"};
    case SignatureErrc::byteRangeIncomplete:
        return {"la signature ne couvre pas tout le document (modifié après signature ?)",
                "the signature does not cover the whole document (changed after signing?)"};
    case SignatureErrc::multipleSignatures:
        return {"plusieurs signatures : le document a été signé à nouveau après le prescripteur",
                "several signatures: the document was signed again after the prescriber"};
    case SignatureErrc::contentAfterSignature:
        return {"le document a été modifié après la signature (mise à jour ajoutée après la "
                "partie signée)",
                "the document was changed after signing (an update follows the signed part)"};
    case SignatureErrc::malformedSignature:
        return {"signature illisible", "unreadable signature"};
    case SignatureErrc::signatureInvalid:
        return {"signature invalide : le document a été modifié",
                "invalid signature: the document was altered"};
    case SignatureErrc::signingCertificateMismatch:
        return {"l'attribut signing-certificate-v2 ne désigne pas le certificat du signataire",
                "signing-certificate-v2 does not name the signer's certificate"};
    case SignatureErrc::notPadesBaseline:
        return {"signature hors profil PAdES B-B", "signature outside the PAdES B-B profile"};
    case SignatureErrc::untrustedCertificate:
        return {"certificat non émis par l'autorité de confiance",
                "certificate not issued by the trusted authority"};
    case SignatureErrc::certificateExpired:
        return {"certificat expiré", "certificate expired"};
    case SignatureErrc::certificateNotYetValid:
        return {"certificat pas encore valide", "certificate not yet valid"};
    case SignatureErrc::keyUsageNotAllowed:
        return {"l'usage de la clé n'autorise pas la signature",
                "the key usage does not allow signing"};
    case SignatureErrc::certificateRejected:
        return {"chaîne de certificats refusée", "certificate chain rejected"};
    case SignatureErrc::signerNotPrescriber:
        return {"le signataire n'est pas le prescripteur (RPPS différent)",
                "the signer is not the prescriber (another RPPS)"};
    case SignatureErrc::signerNotAPrescriber:
        return {"le signataire n'est pas un prescripteur : seul un médecin identifié par son "
                "RPPS signe une ordonnance",
                "the signer is not a prescriber: only a doctor named by an RPPS signs a "
                "prescription"};
    case SignatureErrc::qrNotFound:
        return {"aucun QR code lisible en page 1", "no readable QR code on page 1"};
    case SignatureErrc::malformedQrPayload:
        return {"le QR code n'est pas celui d'une ordonnance telecabine",
                "the QR code is not a telecabine prescription code"};
    case SignatureErrc::renderFailed:
        return {"la page 1 n'a pas pu être affichée", "page 1 could not be rendered"};
    case SignatureErrc::missingSignedContent:
        return {"le contenu signé de l'ordonnance est absent",
                "the prescription's signed content is missing"};
    case SignatureErrc::qrIdMismatch:
        return {"le QR code désigne une autre ordonnance",
                "the QR code names another prescription"};
    case SignatureErrc::qrDigestMismatch:
        return {"le QR code ne correspond pas au contenu signé",
                "the QR code does not match the signed content"};
    case SignatureErrc::signedContentInvalid:
        return {"le contenu signé n'est pas au format canonique attendu",
                "the signed content is not in the expected canonical form"};
    default:
        return {"erreur", "error"};
    }
}

Verdict signerKindText(prescriptions::SignerKind kind) {
    using prescriptions::SignerKind;
    switch (kind) {
    case SignerKind::doctor:
        return {"médecin (RPPS)", "doctor (RPPS)"};
    case SignerKind::cpsCard:
        return {"carte CPS (RPPS)", "CPS card (RPPS)"};
    case SignerKind::cabin:
        return {"certificat d'une cabine", "a cabin's certificate"};
    case SignerKind::service:
        return {"certificat du service de rendez-vous", "the rendezvous service's certificate"};
    case SignerKind::coordinator:
        return {"certificat d'un coordinateur de CPTS", "a CPTS coordinator's certificate"};
    case SignerKind::authority:
        return {"certificat d'une autorité de certification", "a certification authority"};
    case SignerKind::doctorWithoutRpps:
        return {"certificat de médecin sans RPPS", "a doctor's certificate without an RPPS"};
    case SignerKind::unidentified:
        return {"certificat qui ne nomme ni rôle ni RPPS", "a certificate naming no role or RPPS"};
    case SignerKind::unreadable:
        break;
    }
    return {"certificat illisible", "unreadable certificate"};
}

} // namespace tc::verify

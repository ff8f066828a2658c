#include "tc/prescriptions/signature_errors.hpp"

#include <array>
#include <string>

namespace tc::prescriptions {
namespace {

struct ErrcInfo {
    SignatureErrc code;
    std::string_view name;
    std::string_view message;
};

constexpr std::array kErrcInfo{
    ErrcInfo{SignatureErrc::wrongPassphrase, "wrong_passphrase",
             "the passphrase does not open the PKCS#12 bundle"},
    ErrcInfo{SignatureErrc::malformedPkcs12, "malformed_pkcs12",
             "the file is not a PKCS#12 bundle"},
    ErrcInfo{SignatureErrc::noPrivateKey, "no_private_key", "the bundle holds no private key"},
    ErrcInfo{SignatureErrc::noCertificate, "no_certificate", "the bundle holds no certificate"},
    ErrcInfo{SignatureErrc::keyCertificateMismatch, "key_certificate_mismatch",
             "the private key does not belong to the certificate"},
    ErrcInfo{SignatureErrc::invalidPkcs11Uri, "invalid_pkcs11_uri",
             "the PKCS#11 URI is malformed (RFC 7512)"},
    ErrcInfo{SignatureErrc::pkcs11ModuleUnavailable, "pkcs11_module_unavailable",
             "the PKCS#11 module could not be loaded"},
    ErrcInfo{SignatureErrc::pkcs11TokenNotFound, "pkcs11_token_not_found",
             "no token matches the PKCS#11 URI (card absent?)"},
    ErrcInfo{SignatureErrc::pkcs11LoginFailed, "pkcs11_login_failed", "the token refused the PIN"},
    ErrcInfo{SignatureErrc::pkcs11KeyNotFound, "pkcs11_key_not_found",
             "no private key on the token matches the PKCS#11 URI"},
    ErrcInfo{SignatureErrc::pkcs11CertificateNotFound, "pkcs11_certificate_not_found",
             "the token holds no certificate for the selected key"},
    ErrcInfo{SignatureErrc::signingFailed, "signing_failed", "the signature could not be made"},
    ErrcInfo{SignatureErrc::signatureTooLarge, "signature_too_large",
             "the signature does not fit the space reserved in the PDF"},
    ErrcInfo{SignatureErrc::malformedPdf, "malformed_pdf", "the PDF cannot be parsed"},
    ErrcInfo{SignatureErrc::unsupportedPdf, "unsupported_pdf",
             "the PDF uses a structure this reader does not support"},
    ErrcInfo{SignatureErrc::noSignature, "no_signature", "the PDF carries no signature"},
    ErrcInfo{SignatureErrc::byteRangeIncomplete, "byte_range_incomplete",
             "the signature's byte range does not cover the whole file"},
    ErrcInfo{SignatureErrc::malformedSignature, "malformed_signature",
             "the signature is not a valid CMS SignedData"},
    ErrcInfo{SignatureErrc::signatureInvalid, "signature_invalid",
             "the signature does not match the signed bytes"},
    ErrcInfo{SignatureErrc::signingCertificateMismatch, "signing_certificate_mismatch",
             "the signing-certificate-v2 attribute does not match the signer's certificate"},
    ErrcInfo{SignatureErrc::notPadesBaseline, "not_pades_baseline",
             "the signature does not follow the PAdES baseline profile"},
    ErrcInfo{SignatureErrc::multipleSignatures, "multiple_signatures",
             "the file holds more than one signature: it was signed again after the prescriber"},
    ErrcInfo{SignatureErrc::contentAfterSignature, "content_after_signature",
             "bytes follow the signed range: the file was updated after it was signed"},
    ErrcInfo{SignatureErrc::invalidTrustAnchor, "invalid_trust_anchor",
             "the CA file holds no PEM certificate"},
    ErrcInfo{SignatureErrc::untrustedCertificate, "untrusted_certificate",
             "the signer's certificate does not chain to the trusted authority"},
    ErrcInfo{SignatureErrc::certificateExpired, "certificate_expired",
             "a certificate of the chain has expired"},
    ErrcInfo{SignatureErrc::certificateNotYetValid, "certificate_not_yet_valid",
             "a certificate of the chain is not yet valid"},
    ErrcInfo{SignatureErrc::keyUsageNotAllowed, "key_usage_not_allowed",
             "the certificate's key usage allows neither digitalSignature nor nonRepudiation"},
    ErrcInfo{SignatureErrc::certificateRejected, "certificate_rejected",
             "the certificate chain was rejected"},
    ErrcInfo{SignatureErrc::signerNotPrescriber, "signer_not_prescriber",
             "the signer's certificate names another RPPS than the prescriber's"},
    ErrcInfo{SignatureErrc::signerNotAPrescriber, "signer_not_a_prescriber",
             "the signer's certificate is not a prescriber's (a doctor naming an RPPS)"},
    ErrcInfo{SignatureErrc::qrEncodingFailed, "qr_encoding_failed",
             "the QR code could not be encoded"},
    ErrcInfo{SignatureErrc::malformedQrPayload, "malformed_qr_payload",
             "the QR code's text is not a telecabine prescription payload"},
    ErrcInfo{SignatureErrc::qrNotFound, "qr_not_found", "no QR code was found on page 1"},
    ErrcInfo{SignatureErrc::missingSignedContent, "missing_signed_content",
             "the PDF does not embed the prescription's canonical content"},
    ErrcInfo{SignatureErrc::qrIdMismatch, "qr_id_mismatch",
             "the QR code names another prescription than the signed content"},
    ErrcInfo{SignatureErrc::qrDigestMismatch, "qr_digest_mismatch",
             "the QR code's SHA-256 does not match the signed content"},
    ErrcInfo{SignatureErrc::renderFailed, "render_failed", "the document could not be rendered"},
};

const ErrcInfo* find(SignatureErrc e) noexcept {
    for (const auto& info : kErrcInfo) {
        if (info.code == e) {
            return &info;
        }
    }
    return nullptr;
}

class SignatureCategory final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "tc.prescriptions.signature"; }
    std::string message(int ev) const override {
        const auto* info = find(static_cast<SignatureErrc>(ev));
        return info != nullptr ? std::string(info->message) : "unknown signature error";
    }
};

} // namespace

const boost::system::error_category& signatureCategory() noexcept {
    static const SignatureCategory category;
    return category;
}

std::string_view signatureErrcName(SignatureErrc e) noexcept {
    const auto* info = find(e);
    return info != nullptr ? info->name : std::string_view{"unknown"};
}

} // namespace tc::prescriptions

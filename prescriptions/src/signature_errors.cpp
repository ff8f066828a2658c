#include "tc/prescriptions/signature_errors.hpp"

#include "tc/errors/error_table.hpp"

#include <array>

namespace tc::prescriptions {
namespace {

constexpr std::array kSignatureErrors{
    errors::ErrcEntry{SignatureErrc::wrongPassphrase, "wrong_passphrase",
                      "the passphrase does not open the PKCS#12 bundle"},
    errors::ErrcEntry{SignatureErrc::malformedPkcs12, "malformed_pkcs12",
                      "the file is not a PKCS#12 bundle"},
    errors::ErrcEntry{SignatureErrc::noPrivateKey, "no_private_key",
                      "the bundle holds no private key"},
    errors::ErrcEntry{SignatureErrc::noCertificate, "no_certificate",
                      "the bundle holds no certificate"},
    errors::ErrcEntry{SignatureErrc::keyCertificateMismatch, "key_certificate_mismatch",
                      "the private key does not belong to the certificate"},
    errors::ErrcEntry{SignatureErrc::invalidPkcs11Uri, "invalid_pkcs11_uri",
                      "the PKCS#11 URI is malformed (RFC 7512)"},
    errors::ErrcEntry{SignatureErrc::pkcs11ModuleUnavailable, "pkcs11_module_unavailable",
                      "the PKCS#11 module could not be loaded"},
    errors::ErrcEntry{SignatureErrc::pkcs11TokenNotFound, "pkcs11_token_not_found",
                      "no token matches the PKCS#11 URI (card absent?)"},
    errors::ErrcEntry{SignatureErrc::pkcs11LoginFailed, "pkcs11_login_failed",
                      "the token refused the PIN"},
    errors::ErrcEntry{SignatureErrc::pkcs11KeyNotFound, "pkcs11_key_not_found",
                      "no private key on the token matches the PKCS#11 URI"},
    errors::ErrcEntry{SignatureErrc::pkcs11CertificateNotFound, "pkcs11_certificate_not_found",
                      "the token holds no certificate for the selected key"},
    errors::ErrcEntry{SignatureErrc::signingFailed, "signing_failed",
                      "the signature could not be made"},
    errors::ErrcEntry{SignatureErrc::signatureTooLarge, "signature_too_large",
                      "the signature does not fit the space reserved in the PDF"},
    errors::ErrcEntry{SignatureErrc::malformedPdf, "malformed_pdf", "the PDF cannot be parsed"},
    errors::ErrcEntry{SignatureErrc::unsupportedPdf, "unsupported_pdf",
                      "the PDF uses a structure this reader does not support"},
    errors::ErrcEntry{SignatureErrc::noSignature, "no_signature", "the PDF carries no signature"},
    errors::ErrcEntry{SignatureErrc::byteRangeIncomplete, "byte_range_incomplete",
                      "the signature's byte range does not cover the whole file"},
    errors::ErrcEntry{SignatureErrc::malformedSignature, "malformed_signature",
                      "the signature is not a valid CMS SignedData"},
    errors::ErrcEntry{SignatureErrc::signatureInvalid, "signature_invalid",
                      "the signature does not match the signed bytes"},
    errors::ErrcEntry{
        SignatureErrc::signingCertificateMismatch, "signing_certificate_mismatch",
        "the signing-certificate-v2 attribute does not match the signer's certificate"},
    errors::ErrcEntry{SignatureErrc::notPadesBaseline, "not_pades_baseline",
                      "the signature does not follow the PAdES baseline profile"},
    errors::ErrcEntry{
        SignatureErrc::multipleSignatures, "multiple_signatures",
        "the file holds more than one signature: it was signed again after the prescriber"},
    errors::ErrcEntry{SignatureErrc::contentAfterSignature, "content_after_signature",
                      "bytes follow the signed range: the file was updated after it was signed"},
    errors::ErrcEntry{SignatureErrc::invalidTrustAnchor, "invalid_trust_anchor",
                      "the CA file holds no PEM certificate"},
    errors::ErrcEntry{SignatureErrc::untrustedCertificate, "untrusted_certificate",
                      "the signer's certificate does not chain to the trusted authority"},
    errors::ErrcEntry{SignatureErrc::certificateExpired, "certificate_expired",
                      "a certificate of the chain has expired"},
    errors::ErrcEntry{SignatureErrc::certificateNotYetValid, "certificate_not_yet_valid",
                      "a certificate of the chain is not yet valid"},
    errors::ErrcEntry{
        SignatureErrc::keyUsageNotAllowed, "key_usage_not_allowed",
        "the certificate's key usage allows neither digitalSignature nor nonRepudiation"},
    errors::ErrcEntry{SignatureErrc::certificateRejected, "certificate_rejected",
                      "the certificate chain was rejected"},
    errors::ErrcEntry{SignatureErrc::signerNotPrescriber, "signer_not_prescriber",
                      "the signer's certificate names another RPPS than the prescriber's"},
    errors::ErrcEntry{SignatureErrc::signerNotAPrescriber, "signer_not_a_prescriber",
                      "the signer's certificate is not a prescriber's (a doctor naming an RPPS)"},
    errors::ErrcEntry{SignatureErrc::qrEncodingFailed, "qr_encoding_failed",
                      "the QR code could not be encoded"},
    errors::ErrcEntry{SignatureErrc::malformedQrPayload, "malformed_qr_payload",
                      "the QR code's text is not a telecabine prescription payload"},
    errors::ErrcEntry{SignatureErrc::qrNotFound, "qr_not_found", "no QR code was found on page 1"},
    errors::ErrcEntry{SignatureErrc::missingSignedContent, "missing_signed_content",
                      "the PDF does not embed the prescription's canonical content"},
    errors::ErrcEntry{SignatureErrc::qrIdMismatch, "qr_id_mismatch",
                      "the QR code names another prescription than the signed content"},
    errors::ErrcEntry{SignatureErrc::qrDigestMismatch, "qr_digest_mismatch",
                      "the QR code's SHA-256 does not match the signed content"},
    errors::ErrcEntry{SignatureErrc::renderFailed, "render_failed",
                      "the document could not be rendered"},
    errors::ErrcEntry{SignatureErrc::signedContentInvalid, "signed_content_invalid",
                      "the embedded content is not a strict, canonical document of its kind"},
};

const auto& category() noexcept {
    static const errors::TableCategory instance("tc.prescriptions.signature", kSignatureErrors);
    return instance;
}

} // namespace

const boost::system::error_category& signatureCategory() noexcept {
    return category();
}

std::string_view signatureErrcName(SignatureErrc e) noexcept {
    return category().key(e);
}

} // namespace tc::prescriptions

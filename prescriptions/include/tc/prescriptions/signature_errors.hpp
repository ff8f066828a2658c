#pragma once
// Typed errors of prescription signing and verification (PKCS#12 / PKCS#11 identities, CMS,
// PAdES, the QR payload, the pharmacist's checks). Each value has a stable snake_case name and a
// readable English message; the verifier prints its own French/English verdicts.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <string_view>

namespace tc::prescriptions {

enum class SignatureErrc {
    // Signing identity.
    wrongPassphrase = 1,
    malformedPkcs12,
    noPrivateKey,
    noCertificate,
    keyCertificateMismatch,
    invalidPkcs11Uri,
    pkcs11ModuleUnavailable,
    pkcs11TokenNotFound,
    pkcs11LoginFailed,
    pkcs11KeyNotFound,
    pkcs11CertificateNotFound,
    // Signing.
    signingFailed,
    signatureTooLarge,
    // PDF structure.
    malformedPdf,
    unsupportedPdf,
    // Signature checks.
    noSignature,
    byteRangeIncomplete,
    malformedSignature,
    signatureInvalid,
    signingCertificateMismatch,
    notPadesBaseline,
    multipleSignatures,    // more than one signature in the file: counter-signed or re-signed
    contentAfterSignature, // bytes after the signed range (an incremental update after signing)
    // Certificate checks.
    invalidTrustAnchor,
    untrustedCertificate,
    certificateExpired,
    certificateNotYetValid,
    keyUsageNotAllowed,
    certificateRejected,
    signerNotPrescriber, // the certificate names another RPPS than the ordonnance's prescriber
    signerNotAPrescriber, // a cabin, service, coordinator, authority or RPPS-less certificate
    // QR code and signed content.
    qrEncodingFailed,
    malformedQrPayload,
    qrNotFound,
    missingSignedContent,
    qrIdMismatch,
    qrDigestMismatch,
    renderFailed,
    signedContentInvalid, // the embedded content is not a canonical document of its kind
};

const boost::system::error_category& signatureCategory() noexcept;

inline boost::system::error_code make_error_code(SignatureErrc e) noexcept {
    return {static_cast<int>(e), signatureCategory()};
}

// Stable snake_case name, e.g. "wrong_passphrase" (used in the verifier's --json output).
std::string_view signatureErrcName(SignatureErrc e) noexcept;

} // namespace tc::prescriptions

namespace boost::system {
template <> struct is_error_code_enum<tc::prescriptions::SignatureErrc> : std::true_type {};
} // namespace boost::system

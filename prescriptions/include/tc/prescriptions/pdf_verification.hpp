#pragma once
// The pharmacist's checks on a signed prescription PDF, without Qt: the last signature's byte
// range and CMS (pdf signature), the certificate chain against a trusted authority, and the
// embedded canonical content the QR code vouches for.

#include "tc/prescriptions/cms_signature.hpp"
#include "tc/prescriptions/signature_errors.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::prescriptions {

struct PdfSignatureField {
    std::string fieldName;
    std::string subFilter;
    std::string signingTimeText; // the /M entry, as written ("D:20250101120000+00'00'")
    std::array<std::size_t, 4> byteRange{};
    std::vector<std::byte> contents; // the CMS DER (hex decoded, padding included)
};

// The signature field whose /ByteRange ends last (the newest signature). Errors: malformedPdf,
// unsupportedPdf, noSignature, malformedSignature.
boost::system::result<PdfSignatureField> findLastSignature(std::span<const std::byte> pdf);

struct PdfSignatureCheck {
    PdfSignatureField field;
    CmsSignatureInfo cms;
};

// Check 1: the file carries exactly one signature (multipleSignatures: an ordonnance is signed
// by its prescriber alone, and updates after signing, long-term validation ones included, are
// refused); its byte range is [0, a, b, c] ending at the end of the file (contentAfterSignature
// when bytes follow it) with the gap exactly this signature's /Contents hex string
// (byteRangeIncomplete); the CMS verifies over the ranges (signatureInvalid) with a
// signing-certificate-v2 naming the signer (signingCertificateMismatch); the profile is PAdES
// baseline: /SubFilter /ETSI.CAdES.detached and no signing-time attribute (notPadesBaseline).
boost::system::result<PdfSignatureCheck> verifyPdfSignature(std::span<const std::byte> pdf);

// Trusted authorities for check 2, from PEM (one or more certificates).
class TrustAnchors {
public:
    static boost::system::result<TrustAnchors> fromPem(std::string_view pem);
    TrustAnchors(TrustAnchors&&) noexcept;
    TrustAnchors& operator=(TrustAnchors&&) noexcept;
    ~TrustAnchors();

    struct Impl;
    const Impl& impl() const noexcept { return *m_impl; }

private:
    explicit TrustAnchors(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// Check 2: X509_verify_cert from the signer through `intermediates` to an anchor at time `at`
// (untrustedCertificate, certificateExpired, certificateNotYetValid, certificateRejected), and
// the signer's keyUsage extension present with digitalSignature or nonRepudiation
// (keyUsageNotAllowed). An anchor may be an intermediate authority (partial chains accepted).
boost::system::result<void>
verifyCertificateChain(std::span<const std::byte> signerDer,
                       const std::vector<std::vector<std::byte>>& intermediatesDer,
                       const TrustAnchors& anchors, std::chrono::system_clock::time_point at);

// The data of an embedded file (EmbeddedFiles name tree, unfiltered stream). Errors:
// missingSignedContent, malformedPdf, unsupportedPdf (filtered stream, /Kids tree).
boost::system::result<std::vector<std::byte>> extractEmbeddedFile(std::span<const std::byte> pdf,
                                                                  std::string_view name);

} // namespace tc::prescriptions

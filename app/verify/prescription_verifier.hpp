#pragma once
// The checks on a signed document, with their verdicts in French and English and the exit codes
// of telecabine-verify. An ordonnance (the pharmacist's checks):
//   1. the last PDF signature (byte range = whole file, CMS over the ranges, signing-
//      certificate-v2, PAdES baseline profile);
//   1b. exactly one signature, covering the whole file (no update after signing);
//   2. the signer's chain to the given CA at the verification time, key usage
//      digitalSignature or nonRepudiation, and the signer being a prescriber
//      (prescriber_certificate.hpp: a doctor or CPS-like certificate naming an RPPS, never a
//      cabin, service, coordinator or authority) naming the RPPS of the signed content;
//   3. the QR code on page 1 (rasterised, decoded) against the embedded canonical content:
//      SHA-256 and prescription id.
// A consultation report: checks 1 and 2 the same (the RPPS is the content's author.rpps), and
//   3. the embedded "compte-rendu.json" present, strictly a signed report and exactly its
//      canonical (RFC 8785) form (SealedReport::fromCanonical).

#include "tc/prescriptions/pdf_verification.hpp"
#include "tc/prescriptions/prescriber_certificate.hpp"
#include "tc/prescriptions/signed_document.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace tc::verify {

enum class Check { signature, certificate, qrCode, content };

struct CheckOutcome {
    Check check;
    boost::system::error_code error; // empty: passed
    bool skipped = false;            // an earlier check left nothing to check
};

struct VerificationReport {
    prescriptions::SignedDocumentKind kind = prescriptions::SignedDocumentKind::ordonnance;
    std::vector<CheckOutcome> checks;
    std::string signer;         // RFC 2253 subject
    std::string signingTime;    // the signature dictionary's /M
    std::string prescriptionId; // from the QR code (ordonnance)
    std::string signerRpps;     // a prescriber certificate's RPPS ("" for any other)
    prescriptions::SignerKind signerKind = prescriptions::SignerKind::unreadable;
    std::string prescriberRpps; // in the signed content, when compared
    // A report's content, once check 3 passed: its id, consultation and SHA-256.
    std::string reportId;
    std::string consultationId;
    std::string contentSha256;
    bool valid() const;
    // 0 when valid, else the code of the first failed check (see exitCodeFor).
    int exitCode() const;
};

VerificationReport verifyPrescription(std::span<const std::byte> pdf,
                                      const prescriptions::TrustAnchors& anchors,
                                      std::chrono::system_clock::time_point now, double dpi = 150);

VerificationReport verifyReport(std::span<const std::byte> pdf,
                                const prescriptions::TrustAnchors& anchors,
                                std::chrono::system_clock::time_point now);

VerificationReport verifyDocument(prescriptions::SignedDocumentKind kind,
                                  std::span<const std::byte> pdf,
                                  const prescriptions::TrustAnchors& anchors,
                                  std::chrono::system_clock::time_point now);

// Exit codes: 10 unreadable PDF, 11 no signature, 12 invalid signature, 13 a second signature or
// an update after the signature, 20 untrusted chain, 21 expired or not yet valid, 22 key usage,
// 23 other chain rejection, 24 the signer is a prescriber with another RPPS, 25 the signer is not
// a prescriber (cabin, service, coordinator, authority, no RPPS), 30 no readable QR code,
// 31 no signed content, 32 QR code does not match the content, 33 the signed content is not a
// canonical document of its kind; 2 usage / input files.
int exitCodeFor(const boost::system::error_code& error);

struct Verdict {
    std::string_view fr;
    std::string_view en;
};
Verdict checkTitle(Check check);
Verdict
verdictText(const boost::system::error_code& error,
            prescriptions::SignedDocumentKind kind = prescriptions::SignedDocumentKind::ordonnance);
std::string_view checkName(Check check); // "signature", "certificate", "qr_code", "content"
// The signer's profile in words ("certificat d'une cabine" / "a cabin's certificate").
Verdict signerKindText(prescriptions::SignerKind kind);

} // namespace tc::verify

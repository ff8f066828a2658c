#pragma once
// PAdES baseline B-B signatures (ETSI EN 319 142-1) on a PDF, appended as an incremental update:
// a signature dictionary (/Filter /Adobe.PPKLite, /SubFilter /ETSI.CAdES.detached, /M the
// signing time), an invisible signature field whose widget sits on page 1, an AcroForm with
// /SigFlags 3, and optionally an embedded file (the prescription's canonical JSON) so that the
// signed range carries the content the QR code vouches for. The CMS carries content-type,
// message-digest and signing-certificate-v2, and no signing-time (the standard puts it in /M).

#include "tc/prescriptions/signature_errors.hpp"
#include "tc/prescriptions/signing_identity.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tc::prescriptions {

// The name under which the prescription's canonical JSON is embedded (EmbeddedFiles name tree).
inline constexpr const char* kPrescriptionAttachmentName = "ordonnance.json";

struct PdfAttachment {
    std::string fileName = kPrescriptionAttachmentName;
    std::string mimeType = "application/json";
    std::string description = "Ordonnance, JSON canonique (RFC 8785)";
    std::vector<std::byte> data;
};

struct SignatureDetails {
    std::string signerName; // /Name; empty: the certificate's common name
    std::string reason;     // /Reason, e.g. "Ordonnance"
    std::string location;   // /Location
    std::string contactInfo;
    // /M; defaults to now.
    std::optional<std::chrono::system_clock::time_point> signingTime;
    // Embedded before signing, so covered by the signature.
    std::optional<PdfAttachment> attachment;
    std::string fieldName = "Signature1";
};

// An ordonnance or a consultation report (the attachment is kPrescriptionAttachmentName or
// kReportAttachmentName, or the PDF already embeds one; signed_document.hpp) is signed once, by
// the prescriber its content names: a PDF already signed is refused (multipleSignatures), and so
// is an identity that is not a prescriber (signerNotAPrescriber) or names another RPPS than the
// content's prescriber or author (signerNotPrescriber); see prescriber_certificate.hpp. Any other
// PDF is signed with any identity.
// Refuses PDFs it cannot parse (malformedPdf), with cross-reference streams, encryption or an
// existing EmbeddedFiles tree with /Kids (unsupportedPdf).
boost::system::result<std::vector<std::byte>> signPdf(std::span<const std::byte> pdf,
                                                      const SigningIdentity& identity,
                                                      const SignatureDetails& details);

} // namespace tc::prescriptions

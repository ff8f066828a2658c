#pragma once
// The documents a doctor signs, and what they share: each is a PDF signed once (PAdES B-B) by a
// prescriber, with its canonical JSON (RFC 8785) embedded under a name of its own, and that JSON
// names the RPPS the signer's certificate must carry. The ordonnance and the consultation report
// (compte rendu) follow the same rules: signPdf applies them when it attaches or finds either
// document's JSON, and telecabine-verify checks them (prescriber_certificate.hpp).

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tc::prescriptions {

enum class SignedDocumentKind { ordonnance, consultationReport };

// The name under which the consultation report's canonical JSON is embedded.
inline constexpr const char* kReportAttachmentName = "compte-rendu.json";

struct SignedDocumentInfo {
    SignedDocumentKind kind;
    std::string_view wire;                  // "ordonnance", "report" (telecabine-verify --kind)
    std::string_view attachmentName;        // EmbeddedFiles name of the canonical JSON
    std::string_view attachmentDescription; // its /Desc in the PDF
    std::string_view rppsPointer;           // JSON pointer to the signer's RPPS in that JSON
    std::string_view labelFr;               // "ordonnance", "compte rendu"
    std::string_view labelEn;               // "prescription", "consultation report"
};

std::span<const SignedDocumentInfo> allSignedDocumentKinds() noexcept;
const SignedDocumentInfo& infoOf(SignedDocumentKind kind) noexcept;
std::optional<SignedDocumentKind> signedDocumentKindFromWire(std::string_view wire) noexcept;
// The kind whose canonical JSON is embedded under `attachmentName`, if any.
std::optional<SignedDocumentKind> signedDocumentKindOfAttachment(std::string_view name) noexcept;

// The RPPS the document's canonical JSON names for its signer (the ordonnance's
// prescriber.rpps, the report's author.rpps), or nullopt when the bytes are not such a JSON
// object.
std::optional<std::string> signerRppsInContent(SignedDocumentKind kind,
                                               std::span<const std::byte> canonicalJson);

} // namespace tc::prescriptions

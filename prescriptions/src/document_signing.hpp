#pragma once
// The signing steps the ordonnance and the consultation report share: the rendered page
// PAdES-signed with the canonical JSON attached under the document kind's name, then the
// detached CMS (with signing-time) over the same canonical JSON. Each pipeline
// (ordonnance.cpp, signed_report.cpp) validates, checks the signer and renders before.

#include "tc/errors/outcome.hpp"
#include "tc/prescriptions/pades.hpp"
#include "tc/prescriptions/signed_document.hpp"
#include "tc/prescriptions/signing_identity.hpp"

#include <chrono>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace tc::prescriptions::detail {

struct DocumentSignatures {
    std::vector<std::byte> pdf;        // PAdES B-B, canonical JSON embedded
    std::vector<std::byte> jsonCmsDer; // detached CMS over the canonical JSON
};

// Which step failed, and why.
struct DocumentSigningFailure : errors::Failure {
    bool pdfStep = true; // false: the detached CMS
};

// `details` gives the reason, location and contact; its signing time and attachment are set
// here (`signingTime`, the kind's attachment name and description, `canonicalJson`).
errors::Outcome<DocumentSignatures, DocumentSigningFailure>
signDocument(SignedDocumentKind kind, std::span<const std::byte> page,
             std::string_view canonicalJson, const SigningIdentity& identity,
             SignatureDetails details, std::chrono::system_clock::time_point signingTime);

} // namespace tc::prescriptions::detail

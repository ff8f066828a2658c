#include "document_signing.hpp"

#include "openssl_handles.hpp"
#include "tc/prescriptions/cms_signature.hpp"

namespace tc::prescriptions::detail {

errors::Outcome<DocumentSignatures, DocumentSigningFailure>
signDocument(SignedDocumentKind kind, std::span<const std::byte> page,
             std::string_view canonicalJson, const SigningIdentity& identity,
             SignatureDetails details, std::chrono::system_clock::time_point signingTime) {
    const auto& info = infoOf(kind);
    const auto content = asBytes(canonicalJson);
    details.signingTime = signingTime;
    details.attachment = PdfAttachment{};
    details.attachment->fileName = info.attachmentName;
    details.attachment->description = info.attachmentDescription;
    details.attachment->data.assign(content.begin(), content.end());
    auto pdf = signPdf(page, identity, details);
    if (!pdf) {
        return DocumentSigningFailure{{pdf.error(), {}}, true};
    }
    DetachedSignatureOptions cmsOptions;
    cmsOptions.includeSigningTime = true;
    cmsOptions.signingTime = signingTime;
    auto cms = signDetached(content, identity, cmsOptions);
    if (!cms) {
        return DocumentSigningFailure{{cms.error(), {}}, false};
    }
    return DocumentSignatures{std::move(*pdf), std::move(*cms)};
}

} // namespace tc::prescriptions::detail

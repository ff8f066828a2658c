#include "tc/prescriptions/signed_document.hpp"

#include "tc/errors/table_lookup.hpp"
#include "tc/prescriptions/pades.hpp"

#include <array>
#include <nlohmann/json.hpp>

namespace tc::prescriptions {
namespace {

constexpr std::array kKinds{
    SignedDocumentInfo{SignedDocumentKind::ordonnance, "ordonnance", kPrescriptionAttachmentName,
                       "Ordonnance, JSON canonique (RFC 8785)", "/prescriber/rpps", "ordonnance",
                       "prescription"},
    SignedDocumentInfo{SignedDocumentKind::consultationReport, "report", kReportAttachmentName,
                       "Compte rendu de téléconsultation, JSON canonique (RFC 8785)",
                       "/author/rpps", "compte rendu", "consultation report"},
};

} // namespace

std::span<const SignedDocumentInfo> allSignedDocumentKinds() noexcept {
    return kKinds;
}

const SignedDocumentInfo& infoOf(SignedDocumentKind kind) noexcept {
    return errors::entryOrFirst(kKinds, &SignedDocumentInfo::kind, kind);
}

std::optional<SignedDocumentKind> signedDocumentKindFromWire(std::string_view wire) noexcept {
    return errors::valueWhere(kKinds, &SignedDocumentInfo::wire, wire, &SignedDocumentInfo::kind);
}

std::optional<SignedDocumentKind> signedDocumentKindOfAttachment(std::string_view name) noexcept {
    return errors::valueWhere(kKinds, &SignedDocumentInfo::attachmentName, name,
                              &SignedDocumentInfo::kind);
}

std::optional<std::string> signerRppsInContent(SignedDocumentKind kind,
                                               std::span<const std::byte> canonicalJson) {
    const auto* first = reinterpret_cast<const char*>(canonicalJson.data());
    const auto json = nlohmann::json::parse(first, first + canonicalJson.size(), nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        return std::nullopt;
    }
    const nlohmann::json::json_pointer pointer{std::string(infoOf(kind).rppsPointer)};
    if (!json.contains(pointer)) {
        return std::nullopt;
    }
    const auto& rpps = json.at(pointer);
    if (!rpps.is_string()) {
        return std::nullopt;
    }
    return rpps.get<std::string>();
}

} // namespace tc::prescriptions

#include "cabin_report_check.hpp"

#include "prescription_verifier.hpp"

#include <chrono>
#include <memory>

namespace tc::cabin {

CabinDocuments::ReportCheck makeReportCheck(const std::string& caPem) {
    auto anchors = prescriptions::TrustAnchors::fromPem(caPem);
    if (!anchors) {
        return [](std::string_view) -> std::optional<std::string> {
            return "autorité de confiance de la cabine illisible";
        };
    }
    auto shared = std::make_shared<prescriptions::TrustAnchors>(std::move(*anchors));
    return [shared](std::string_view pdf) -> std::optional<std::string> {
        const auto bytes = std::as_bytes(std::span(pdf.data(), pdf.size()));
        const auto report = verify::verifyReport(bytes, *shared, std::chrono::system_clock::now());
        if (report.valid()) {
            return std::nullopt;
        }
        for (const auto& check : report.checks) {
            if (check.error) {
                return std::string(
                    verify::verdictText(check.error,
                                        prescriptions::SignedDocumentKind::consultationReport)
                        .fr);
            }
        }
        return "compte rendu non vérifiable";
    };
}

} // namespace tc::cabin

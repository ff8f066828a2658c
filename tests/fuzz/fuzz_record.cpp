// libFuzzer target: the consultation record's and the report's strict JSON parsers, their
// validation, the signed report's canonical reader and the FHIR document checker, with their
// round-trip properties checked on every accepted input.

#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/consultation_report.hpp"
#include "tc/prescriptions/fhir_document.hpp"
#include "tc/prescriptions/sealed_report.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace tc::prescriptions;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (const auto record = parseConsultationRecord(text)) {
        const auto again = parseConsultationRecord(toJson(*record).dump());
        if (!again || !(*again == *record) || !canonicalJson(*record)) {
            std::abort();
        }
        (void)validateRecord(*record);
    }
    if (const auto report = parseConsultationReport(text)) {
        const auto again = parseConsultationReport(toJson(*report).dump());
        if (!again || !(*again == *report)) {
            std::abort();
        }
        (void)validateReport(*report);
    }
    if (const auto sealed = SealedReport::fromCanonical(text)) {
        // Accepted bytes are exactly the canonical form of what they hold.
        if (sealed->canonicalJson() != text) {
            std::abort();
        }
    }
    const auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (!json.is_discarded()) {
        (void)checkFhirDocument(json);
    }
    return 0;
}

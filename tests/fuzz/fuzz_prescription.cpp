// libFuzzer target: the prescription's strict JSON parser, RFC 8785 canonicalisation and the
// identifier parser, with their round-trip properties checked on every accepted input.

#include "tc/prescriptions/canonical_json.hpp"
#include "tc/prescriptions/prescription_id.hpp"
#include "tc/prescriptions/prescription_json.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace tc::prescriptions;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (const auto id = PrescriptionId::parse(text)) {
        if (PrescriptionId::parse(id->toString()).value() != *id) {
            std::abort();
        }
    }
    if (const auto canonical = canonicalizeJsonText(text)) {
        // Canonicalisation is idempotent.
        if (canonicalizeJsonText(*canonical).value() != *canonical) {
            std::abort();
        }
    }
    if (const auto parsed = parsePrescription(text)) {
        // What parses, serialises and parses back to the same model.
        const auto again = parsePrescription(toJson(*parsed).dump());
        if (!again || !(*again == *parsed)) {
            std::abort();
        }
        if (!canonicalJson(toJson(*parsed))) {
            std::abort();
        }
    }
    return 0;
}

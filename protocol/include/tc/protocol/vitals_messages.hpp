#pragma once
// The payloads of the three vitals session messages (protocol/README.md, "Vital signs"):
//   vitals.measure_request  doctor -> cabin  {"request_id", "measurement", "site"?}
//   vitals.measure_ack      cabin -> doctor  {"request", "acknowledged", "reason"?,
//                                             "expected_duration_ms"?}
//   vitals.measurement      cabin -> doctor  {"request_id"?, "measurement", "values", "site"?,
//                                             "instrument", "source", "acquired_at_us",
//                                             "quality"}
// Parsing is strict: a missing or unknown field, a wrong JSON type or an unknown name is a
// VitalsError naming the field ("payload.values[1].unit"); a measurement must also pass
// validateMeasurement. Serialising then parsing gives the same value back, units included.

#include "tc/protocol/session_kinds.hpp"
#include "tc/protocol/vitals.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace tc::protocol {

// The message kinds: kind::vitalsMeasureRequest, vitalsMeasureAck, vitalsMeasurement
// (session_kinds.hpp).

struct MeasureRequest {
    std::string requestId; // 1-64 bytes, chosen by the doctor; echoed in the measurement
    MeasurementKind measurement = MeasurementKind::bloodPressure;
    std::optional<TemperatureSite> site; // temperature: where to take it (default: the cabin's)
    friend bool operator==(const MeasureRequest&, const MeasureRequest&) = default;
};

// Why a cabin cannot take a requested measurement.
enum class MeasureRefusal : std::uint8_t {
    unknownMeasurement, // not a measurement kind this protocol knows, or no such instrument
    invalidRequest,     // the payload is not a valid measure_request
    instrumentBusy,     // the same instrument is already measuring
};
std::string_view toString(MeasureRefusal reason) noexcept; // "unknown_measurement", ...
std::optional<MeasureRefusal> measureRefusalFromString(std::string_view name) noexcept;

struct MeasureAck {
    nlohmann::json request = nlohmann::json::object(); // the request's payload, unchanged
    bool acknowledged = false;
    std::optional<MeasureRefusal> reason;           // when not acknowledged
    std::optional<std::int64_t> expectedDurationMs; // when acknowledged: the instrument's time
    friend bool operator==(const MeasureAck&, const MeasureAck&) = default;
};

struct MeasurementReport {
    std::optional<std::string> requestId; // absent for an unsolicited (e.g. manual) measurement
    Measurement measurement;
    friend bool operator==(const MeasurementReport&, const MeasurementReport&) = default;
};

nlohmann::json toJson(const MeasureRequest& request);
nlohmann::json toJson(const MeasureAck& ack);
// Values are written as given (unit included), each with its LOINC code.
nlohmann::json toJson(const MeasurementReport& report);

VitalsResult<MeasureRequest> parseMeasureRequest(const nlohmann::json& payload);
VitalsResult<MeasureAck> parseMeasureAck(const nlohmann::json& payload);
VitalsResult<MeasurementReport> parseMeasurementReport(const nlohmann::json& payload);

} // namespace tc::protocol

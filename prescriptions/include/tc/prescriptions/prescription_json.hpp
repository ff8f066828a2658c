#pragma once
// The prescription's JSON form (format "telecabine.prescription/1"), as it travels in session
// messages and as it is canonicalised (RFC 8785) for sealing. Every member is always written;
// optional values are written as null. Parsing is strict: a missing member, an unknown member, a
// wrong type, an unknown enumeration value or an oversized string is a typed ParseError located
// by a JSON pointer. Content rules (units, doses, legal fields) are validate()'s job
// (validation.hpp): the parser accepts a draft that is well-formed but not yet valid.

#include "tc/prescriptions/errors.hpp"
#include "tc/prescriptions/prescription.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace tc::prescriptions {

inline constexpr std::string_view kPrescriptionFormat = "telecabine.prescription/1";
inline constexpr std::size_t kMaxLines = 100;
inline constexpr std::size_t kMaxPrescriptionBytes = 256 * 1024;

nlohmann::json toJson(const Prescription& prescription);
ParseResult<Prescription> prescriptionFromJson(const nlohmann::json& value);
// Parses text (at most kMaxPrescriptionBytes); malformed JSON is Errc::malformedJson.
ParseResult<Prescription> parsePrescription(std::string_view text);

// "2024-05-03"; strict parsing (exactly that shape, a real calendar date).
std::string isoDate(std::chrono::year_month_day date);
std::optional<std::chrono::year_month_day> parseIsoDate(std::string_view text);
// "2024-05-03T09:12:00Z"; strict parsing (UTC, whole seconds).
std::string isoInstant(std::chrono::sys_seconds instant);
std::optional<std::chrono::sys_seconds> parseIsoInstant(std::string_view text);

} // namespace tc::prescriptions

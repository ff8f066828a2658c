#pragma once
// JSON Canonicalization Scheme, RFC 8785 (JCS): the byte form of a prescription that is hashed
// and signed. Object members sorted by the UTF-16 code units of their names, no whitespace,
// numbers as ECMAScript's Number.prototype.toString writes them (shortest round-trip digits),
// strings escaped as JCS says (only '"', '\\' and control characters; the rest as UTF-8).
//
// Every JSON number is an IEEE 754 double here, as I-JSON (RFC 7493) requires: an integer beyond
// 2^53 is written as the double nearest to it.

#include "tc/prescriptions/errors.hpp"

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace tc::prescriptions {

// Errc::nonFiniteNumber, invalidUtf8 (a string or a member name), invalidField (binary values).
Result<std::string> canonicalJson(const nlohmann::json& value);

// Parses JSON text, refusing duplicate member names (Errc::duplicateKey) and malformed text
// (Errc::malformedJson), and returns its canonical form.
Result<std::string> canonicalizeJsonText(std::string_view text);

// ECMAScript Number::toString(x) (ECMA-262, 6.1.6.1.20); nullopt for NaN and infinities.
std::optional<std::string> ecmaNumberString(double value);

} // namespace tc::prescriptions

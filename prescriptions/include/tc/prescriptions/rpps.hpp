#pragma once
// RPPS (Répertoire partagé des professionnels de santé) identifiers: 11 digits, the last one a
// Luhn check digit over the first ten.

#include <optional>
#include <string>
#include <string_view>

namespace tc::prescriptions {

// The Luhn check digit for the first ten digits, or nullopt if they are not ten ASCII digits.
std::optional<char> rppsCheckDigit(std::string_view firstTenDigits) noexcept;

// True when `rpps` is exactly 11 ASCII digits whose last digit is the Luhn key of the others.
bool isValidRpps(std::string_view rpps) noexcept;

// Appends the check digit to ten digits (development PKI, tests, demo data).
std::optional<std::string> completeRpps(std::string_view firstTenDigits);

// The RPPS a certificate's subject (RFC 2253 text, "CN=...,serialNumber=...,O=...") names, if it
// names one: the serialNumber attribute when it is 11 digits, else a run of 11 digits in the
// common name, or of 12 digits starting with 8 (the national identifier of a CPS certificate:
// "8" then the RPPS). nullopt when the subject names none.
std::optional<std::string> rppsNamedInSubject(std::string_view subject);

} // namespace tc::prescriptions

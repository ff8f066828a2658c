#pragma once
// Typed errors of tc::prescriptions. Every value has a stable snake_case wire name and a readable
// message (see prescriptions/README.md). Validation problems of a prescription's content are not
// errors but located issues: see validation.hpp.

#include "tc/errors/outcome.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace tc::prescriptions {

enum class Errc {
    // JSON shape (strict parsing of prescriptions and of the DCI table).
    malformedJson = 1,
    missingField,
    wrongFieldType,
    invalidField,
    unknownField,
    unknownEnumValue,
    invalidDate,
    invalidTimestamp,
    duplicateKey,
    // Prescription identifiers.
    idWrongLength,
    idInvalidCharacter,
    idCheckMismatch,
    // Canonical JSON (RFC 8785).
    nonFiniteNumber,
    invalidUtf8,
    // DCI table.
    tableDuplicateEntry,
    tableUnknownUnit,
    tableMissingSource,
    // Sealing and amendments.
    validationFailed,
    notCanonical,
    digestMismatch,
    amendmentMismatch,
    unknownPrevious,
    alreadyCancelled,
    duplicateId,
    // Local failures.
    randomFailure,
    cryptoFailure,
};

const boost::system::error_category& prescriptionsCategory() noexcept;

inline boost::system::error_code make_error_code(Errc e) noexcept {
    return {static_cast<int>(e), prescriptionsCategory()};
}

// Stable snake_case wire name, e.g. "id_check_mismatch".
std::string_view wireName(Errc e) noexcept;
std::optional<Errc> errcFromWireName(std::string_view name) noexcept;

// A parse failure located in the input: `path` is a JSON pointer ("/lines/2/dosage/dose/unit",
// "" for the document itself) and `detail` a readable explanation.
struct ParseError : errors::Failure {
    ParseError() = default;
    ParseError(boost::system::error_code errorCode, std::string pointer, std::string text)
        : Failure{errorCode, std::move(text)}
        , path(std::move(pointer)) {}
    std::string path;
};

template <class T> using Result = boost::system::result<T>;
template <class T> using ParseResult = boost::system::result<T, ParseError>;

} // namespace tc::prescriptions

namespace boost::system {
template <> struct is_error_code_enum<tc::prescriptions::Errc> : std::true_type {};
} // namespace boost::system

#pragma once
// Typed, located problems of the consultation record (dossier) and of the doctor's report
// (compte rendu): what validation finds in content that parsed. Parsing problems (a member
// missing, unknown, of the wrong type) are ParseErrors (errors.hpp), as for prescriptions.
// Each code has a stable snake_case key (the category's table, see errors/README.md).

#include "tc/errors/outcome.hpp"

#include <boost/system/error_code.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::prescriptions {

enum class RecordErrc {
    missingMotif = 1,   // the report has no motif (reason for the consultation)
    missingConclusion,  // the report has no conclusion
    missingField,       // another required value is empty (a name, a site code...)
    controlCharacter,   // a control character other than newline and tab, or invalid UTF-8
    textTooLong,        // over the member's limit (see the README's table)
    tooManyItems,       // a list over its limit
    invalidIdentifier,  // an id, file name, wire name or figure name outside its syntax
    invalidRpps,        // not 11 digits with a valid Luhn key
    invalidDigest,      // not 64 lowercase hexadecimal digits
    invalidCode,        // a LOINC code or UCUM unit outside its syntax
    invalidValue,       // a number that is not finite, or negative where it cannot be
    invalidTime,        // a time outside 2000-01-01..2100-01-01, or before what it follows
    duplicateId,        // two acts, prescriptions or items with the same id
    unknownSource,      // an examination item names an act the record does not hold
    specialtyMisplaced, // a specialty given for a follow-up that is not a specialist's
    recordMismatch,     // the report names another consultation than the record
    identityIncomplete, // the patient identity lacks a birth name, first name or birth date
};

const boost::system::error_category& recordCategory() noexcept;

inline boost::system::error_code make_error_code(RecordErrc e) noexcept {
    return {static_cast<int>(e), recordCategory()};
}

// Stable snake_case key, e.g. "missing_motif".
std::string_view wireName(RecordErrc e) noexcept;
std::optional<RecordErrc> recordErrcFromWireName(std::string_view name) noexcept;

// One problem, located by a JSON pointer into the JSON form ("/examination/items/2/source/id").
struct RecordIssue : errors::Failure {
    RecordIssue() = default;
    RecordIssue(RecordErrc errc, std::string pointer, std::string text)
        : Failure{make_error_code(errc), std::move(text)}
        , path(std::move(pointer)) {}
    std::string path;
};

using RecordIssues = std::vector<RecordIssue>;

} // namespace tc::prescriptions

namespace boost::system {
template <> struct is_error_code_enum<tc::prescriptions::RecordErrc> : std::true_type {};
} // namespace boost::system

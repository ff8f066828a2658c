#include "tc/prescriptions/record_errors.hpp"

#include "tc/errors/error_table.hpp"

#include <array>

namespace tc::prescriptions {
namespace {

constexpr std::array kRecordErrors{
    errors::ErrcEntry{RecordErrc::missingMotif, "missing_motif", "the report has no motif"},
    errors::ErrcEntry{RecordErrc::missingConclusion, "missing_conclusion",
                      "the report has no conclusion"},
    errors::ErrcEntry{RecordErrc::missingField, "missing_field", "a required value is empty"},
    errors::ErrcEntry{RecordErrc::controlCharacter, "control_character",
                      "a text holds a control character or invalid UTF-8"},
    errors::ErrcEntry{RecordErrc::textTooLong, "text_too_long", "a text is over its limit"},
    errors::ErrcEntry{RecordErrc::tooManyItems, "too_many_items", "a list is over its limit"},
    errors::ErrcEntry{RecordErrc::invalidIdentifier, "invalid_identifier",
                      "an identifier, file name or wire name is outside its syntax"},
    errors::ErrcEntry{RecordErrc::invalidRpps, "invalid_rpps",
                      "the RPPS is not 11 digits with a valid check digit"},
    errors::ErrcEntry{RecordErrc::invalidDigest, "invalid_digest",
                      "a SHA-256 digest is not 64 lowercase hexadecimal digits"},
    errors::ErrcEntry{RecordErrc::invalidCode, "invalid_code",
                      "a LOINC code or UCUM unit is outside its syntax"},
    errors::ErrcEntry{RecordErrc::invalidValue, "invalid_value",
                      "a number is not finite, or negative where it cannot be"},
    errors::ErrcEntry{RecordErrc::invalidTime, "invalid_time",
                      "a time is out of range or before the time it follows"},
    errors::ErrcEntry{RecordErrc::duplicateId, "duplicate_id", "two entries have the same id"},
    errors::ErrcEntry{RecordErrc::unknownSource, "unknown_source",
                      "an examination item names an act the record does not hold"},
    errors::ErrcEntry{RecordErrc::specialtyMisplaced, "specialty_misplaced",
                      "a specialty is given for a follow-up that is not a specialist's"},
    errors::ErrcEntry{RecordErrc::recordMismatch, "record_mismatch",
                      "the report names another consultation than the record"},
    errors::ErrcEntry{RecordErrc::identityIncomplete, "identity_incomplete",
                      "the patient identity lacks a birth name, first name or birth date"},
};

const auto& category() noexcept {
    static const errors::TableCategory instance("tc.record", kRecordErrors);
    return instance;
}

} // namespace

const boost::system::error_category& recordCategory() noexcept {
    return category();
}

std::string_view wireName(RecordErrc e) noexcept {
    return category().key(e);
}

std::optional<RecordErrc> recordErrcFromWireName(std::string_view name) noexcept {
    return category().fromKey(name);
}

} // namespace tc::prescriptions

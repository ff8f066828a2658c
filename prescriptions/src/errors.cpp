#include "tc/prescriptions/errors.hpp"

#include "tc/errors/error_table.hpp"

#include <array>

namespace tc::prescriptions {
namespace {

constexpr std::array kErrors{
    errors::ErrcEntry{Errc::malformedJson, "malformed_json", "the text is not well-formed JSON"},
    errors::ErrcEntry{Errc::missingField, "missing_field", "a required field is missing"},
    errors::ErrcEntry{Errc::wrongFieldType, "wrong_field_type", "a field has the wrong JSON type"},
    errors::ErrcEntry{Errc::invalidField, "invalid_field", "a field's value is out of range"},
    errors::ErrcEntry{Errc::unknownField, "unknown_field", "an unknown field is present"},
    errors::ErrcEntry{Errc::unknownEnumValue, "unknown_enum_value", "a field has an unknown value"},
    errors::ErrcEntry{Errc::invalidDate, "invalid_date",
                      "a date is not a valid YYYY-MM-DD civil date"},
    errors::ErrcEntry{Errc::invalidTimestamp, "invalid_timestamp",
                      "an instant is not a valid YYYY-MM-DDTHH:MM:SSZ UTC timestamp"},
    errors::ErrcEntry{Errc::duplicateKey, "duplicate_key", "an object has the same key twice"},
    errors::ErrcEntry{Errc::idWrongLength, "id_wrong_length",
                      "a prescription identifier has the wrong number of symbols"},
    errors::ErrcEntry{Errc::idInvalidCharacter, "id_invalid_character",
                      "a prescription identifier contains a character outside its alphabet"},
    errors::ErrcEntry{Errc::idCheckMismatch, "id_check_mismatch",
                      "a prescription identifier's check symbol does not match (typo?)"},
    errors::ErrcEntry{Errc::nonFiniteNumber, "non_finite_number",
                      "NaN and infinities have no JSON representation"},
    errors::ErrcEntry{Errc::invalidUtf8, "invalid_utf8", "a string is not valid UTF-8"},
    errors::ErrcEntry{Errc::tableDuplicateEntry, "table_duplicate_entry",
                      "the DCI table lists the same substance twice"},
    errors::ErrcEntry{Errc::tableUnknownUnit, "table_unknown_unit",
                      "the DCI table uses an unknown unit"},
    errors::ErrcEntry{Errc::tableMissingSource, "table_missing_source",
                      "a figure of the DCI table has no source"},
    errors::ErrcEntry{Errc::validationFailed, "validation_failed",
                      "the prescription has validation errors and cannot be sealed"},
    errors::ErrcEntry{Errc::notCanonical, "not_canonical",
                      "the bytes are not the RFC 8785 canonical form of their content"},
    errors::ErrcEntry{Errc::digestMismatch, "digest_mismatch",
                      "the SHA-256 digest does not match the content"},
    errors::ErrcEntry{
        Errc::amendmentMismatch, "amendment_mismatch",
        "an amendment must keep the prescriber and the patient of the prescription it "
        "replaces"},
    errors::ErrcEntry{Errc::unknownPrevious, "unknown_previous",
                      "the prescription replaced by this amendment is unknown"},
    errors::ErrcEntry{Errc::alreadyCancelled, "already_cancelled",
                      "the prescription replaced by this amendment was already cancelled"},
    errors::ErrcEntry{Errc::duplicateId, "duplicate_id",
                      "a prescription with this identifier exists"},
    errors::ErrcEntry{Errc::randomFailure, "random_failure", "the random generator failed"},
    errors::ErrcEntry{Errc::cryptoFailure, "crypto_failure", "a cryptographic primitive failed"},
};

const auto& category() noexcept {
    static const errors::TableCategory instance("tc.prescriptions", kErrors);
    return instance;
}

} // namespace

const boost::system::error_category& prescriptionsCategory() noexcept {
    return category();
}

std::string_view wireName(Errc e) noexcept {
    return category().key(e);
}

std::optional<Errc> errcFromWireName(std::string_view name) noexcept {
    return category().fromKey(name);
}

} // namespace tc::prescriptions

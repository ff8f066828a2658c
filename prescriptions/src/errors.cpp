#include "tc/prescriptions/errors.hpp"

#include <array>
#include <string>
#include <utility>

namespace tc::prescriptions {
namespace {

struct ErrcInfo {
    Errc code;
    std::string_view wire;
    std::string_view message;
};

constexpr std::array kErrors{
    ErrcInfo{Errc::malformedJson, "malformed_json", "the text is not well-formed JSON"},
    ErrcInfo{Errc::missingField, "missing_field", "a required field is missing"},
    ErrcInfo{Errc::wrongFieldType, "wrong_field_type", "a field has the wrong JSON type"},
    ErrcInfo{Errc::invalidField, "invalid_field", "a field's value is out of range"},
    ErrcInfo{Errc::unknownField, "unknown_field", "an unknown field is present"},
    ErrcInfo{Errc::unknownEnumValue, "unknown_enum_value", "a field has an unknown value"},
    ErrcInfo{Errc::invalidDate, "invalid_date", "a date is not a valid YYYY-MM-DD civil date"},
    ErrcInfo{Errc::invalidTimestamp, "invalid_timestamp",
             "an instant is not a valid YYYY-MM-DDTHH:MM:SSZ UTC timestamp"},
    ErrcInfo{Errc::duplicateKey, "duplicate_key", "an object has the same key twice"},
    ErrcInfo{Errc::idWrongLength, "id_wrong_length",
             "a prescription identifier has the wrong number of symbols"},
    ErrcInfo{Errc::idInvalidCharacter, "id_invalid_character",
             "a prescription identifier contains a character outside its alphabet"},
    ErrcInfo{Errc::idCheckMismatch, "id_check_mismatch",
             "a prescription identifier's check symbol does not match (typo?)"},
    ErrcInfo{Errc::nonFiniteNumber, "non_finite_number",
             "NaN and infinities have no JSON representation"},
    ErrcInfo{Errc::invalidUtf8, "invalid_utf8", "a string is not valid UTF-8"},
    ErrcInfo{Errc::tableDuplicateEntry, "table_duplicate_entry",
             "the DCI table lists the same substance twice"},
    ErrcInfo{Errc::tableUnknownUnit, "table_unknown_unit", "the DCI table uses an unknown unit"},
    ErrcInfo{Errc::tableMissingSource, "table_missing_source",
             "a figure of the DCI table has no source"},
    ErrcInfo{Errc::validationFailed, "validation_failed",
             "the prescription has validation errors and cannot be sealed"},
    ErrcInfo{Errc::notCanonical, "not_canonical",
             "the bytes are not the RFC 8785 canonical form of their content"},
    ErrcInfo{Errc::digestMismatch, "digest_mismatch",
             "the SHA-256 digest does not match the content"},
    ErrcInfo{Errc::amendmentMismatch, "amendment_mismatch",
             "an amendment must keep the prescriber and the patient of the prescription it "
             "replaces"},
    ErrcInfo{Errc::unknownPrevious, "unknown_previous",
             "the prescription replaced by this amendment is unknown"},
    ErrcInfo{Errc::alreadyCancelled, "already_cancelled",
             "the prescription replaced by this amendment was already cancelled"},
    ErrcInfo{Errc::duplicateId, "duplicate_id", "a prescription with this identifier exists"},
    ErrcInfo{Errc::randomFailure, "random_failure", "the random generator failed"},
    ErrcInfo{Errc::cryptoFailure, "crypto_failure", "a cryptographic primitive failed"},
};

const ErrcInfo* infoOf(int value) noexcept {
    for (const auto& info : kErrors) {
        if (static_cast<int>(info.code) == value) {
            return &info;
        }
    }
    return nullptr;
}

class Category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "tc.prescriptions"; }
    std::string message(int value) const override {
        const auto* info = infoOf(value);
        return info != nullptr ? std::string(info->message) : "unknown prescriptions error";
    }
};

} // namespace

const boost::system::error_category& prescriptionsCategory() noexcept {
    static const Category category;
    return category;
}

std::string_view wireName(Errc e) noexcept {
    const auto* info = infoOf(static_cast<int>(e));
    return info != nullptr ? info->wire : std::string_view("unknown");
}

std::optional<Errc> errcFromWireName(std::string_view name) noexcept {
    for (const auto& info : kErrors) {
        if (info.wire == name) {
            return info.code;
        }
    }
    return std::nullopt;
}

} // namespace tc::prescriptions

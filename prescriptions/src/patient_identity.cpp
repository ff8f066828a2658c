// The patient identity: INS key arithmetic, trait checks and strict JSON.
#include "tc/prescriptions/patient_identity.hpp"

#include "identity_wire.hpp"
#include "tc/errors/table_lookup.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <set>

namespace tc::prescriptions {
namespace {

IdentityError refuse(IdentityErrc code, std::string field, std::string detail = {}) {
    IdentityError error;
    error.code = make_error_code(code);
    error.field = std::move(field);
    error.detail = std::move(detail);
    return error;
}

constexpr std::size_t kMaxNameBytes = 100;
constexpr std::size_t kMaxFirstNames = 10;

// Valid UTF-8 without C0/C1 control characters (a tab or a newline in a name is an input error).
bool cleanText(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::uint32_t code = 0;
        std::size_t length = 0;
        if (byte < 0x80) {
            code = byte;
            length = 1;
        } else if ((byte & 0xE0) == 0xC0) {
            code = byte & 0x1F;
            length = 2;
        } else if ((byte & 0xF0) == 0xE0) {
            code = byte & 0x0F;
            length = 3;
        } else if ((byte & 0xF8) == 0xF0) {
            code = byte & 0x07;
            length = 4;
        } else {
            return false;
        }
        if (i + length > text.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) {
                return false;
            }
            code = (code << 6) | (next & 0x3F);
        }
        const bool overlong = (length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                              (length == 4 && code < 0x10000);
        if (overlong || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) || code < 0x20 ||
            (code >= 0x7F && code <= 0x9F)) {
            return false;
        }
        i += length;
    }
    return true;
}

std::optional<IdentityError> checkName(std::string_view text, const std::string& field,
                                       bool required) {
    if (text.empty()) {
        return required ? std::optional(refuse(IdentityErrc::missingName, field)) : std::nullopt;
    }
    if (!cleanText(text)) {
        return refuse(IdentityErrc::controlCharacter, field);
    }
    if (text.size() > kMaxNameBytes) {
        return refuse(IdentityErrc::nameTooLong, field);
    }
    return std::nullopt;
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// A birth place: 5 digits, or 2A/2B followed by 3 digits (Corsica).
bool validBirthPlace(std::string_view code) {
    if (code.size() != 5) {
        return false;
    }
    const bool corsica = code[0] == '2' && (code[1] == 'A' || code[1] == 'B');
    return (corsica || (isDigit(code[0]) && isDigit(code[1]))) && isDigit(code[2]) &&
           isDigit(code[3]) && isDigit(code[4]);
}

using detail::identityValue;
using detail::identityWire;
using detail::kIdentitySources;
using detail::kIdentityStatuses;
using detail::kInsSystems;

std::optional<IdentityError> checkIns(const Ins& ins, Sex sex) {
    const auto expected = insKeyOf(ins.number);
    if (!expected || ins.key.size() != 2 || !isDigit(ins.key[0]) || !isDigit(ins.key[1])) {
        return refuse(IdentityErrc::insMalformed, "ins");
    }
    if (*expected != ins.key) {
        return refuse(IdentityErrc::insKeyMismatch, "ins/key",
                      "key " + ins.key + ", the number's is " + *expected);
    }
    // A NIA (and a temporary number) starts with 7 or 8; a NIR with 1 or 2 (3 and 4 for people
    // born abroad registered before 1970 are rare and still men/women).
    const char first = ins.number[0];
    const bool niaNumber = first == '7' || first == '8';
    const bool niaSystem = ins.system == InsSystem::nia || ins.system == InsSystem::testNia;
    if (niaNumber != niaSystem) {
        return refuse(IdentityErrc::insSystemMismatch, "ins/system");
    }
    if (!niaNumber) {
        const bool man = first == '1' || first == '3';
        const bool woman = first == '2' || first == '4';
        if ((sex == Sex::male && !man) || (sex == Sex::female && !woman)) {
            return refuse(IdentityErrc::insSexMismatch, "ins/number");
        }
    }
    return std::nullopt;
}

} // namespace

std::string_view wireName(IdentityStatus v) noexcept {
    return identityWire(kIdentityStatuses, v);
}
std::string_view wireName(IdentitySource v) noexcept {
    return identityWire(kIdentitySources, v);
}
std::string_view wireName(InsSystem v) noexcept {
    return identityWire(kInsSystems, v);
}

std::string_view oidOf(InsSystem v) noexcept {
    static constexpr errors::EnumNames<InsSystem::testNia> names{
        {"1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9", "1.2.250.1.213.1.4.10",
         "1.2.250.1.213.1.4.11"}};
    return names(v, "1.2.250.1.213.1.4.8");
}

std::string fhirSystemOf(InsSystem v) {
    return "urn:oid:" + std::string(oidOf(v));
}

std::optional<std::string> insKeyOf(std::string_view number) {
    if (number.size() != 13) {
        return std::nullopt;
    }
    // Corsica: département 2A and 2B are read as 19 and 18 for the key.
    std::uint64_t value = 0;
    std::int64_t corsicaOffset = 0;
    for (std::size_t i = 0; i < number.size(); ++i) {
        char c = number[i];
        if (i == 6 && number[5] == '2' && (c == 'A' || c == 'B')) {
            corsicaOffset = c == 'A' ? 1'000'000 : 2'000'000; // 2A reads 19, 2B 18: 20 less 1 or 2
            c = '0';
        } else if (!isDigit(c)) {
            return std::nullopt;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    const auto adjusted = static_cast<std::int64_t>(value) - corsicaOffset;
    const auto key = 97 - adjusted % 97;
    const std::array<char, 2> digits{static_cast<char>('0' + key / 10),
                                     static_cast<char>('0' + key % 10)};
    return std::string(digits.data(), digits.size());
}

const std::string& PatientIdentity::displayFirstName() const {
    static const std::string none;
    if (!usedFirstName.empty()) {
        return usedFirstName;
    }
    return firstNames.empty() ? none : firstNames.front();
}

IdentityResult<void> validateIdentity(const PatientIdentity& identity,
                                      std::chrono::year_month_day today) {
    if (auto error = checkName(identity.birthName, "birth_name", true)) {
        return *error;
    }
    if (auto error = checkName(identity.usedName, "used_name", false)) {
        return *error;
    }
    if (identity.firstNames.empty()) {
        return refuse(IdentityErrc::missingName, "first_names");
    }
    if (identity.firstNames.size() > kMaxFirstNames) {
        return refuse(IdentityErrc::nameTooLong, "first_names");
    }
    for (std::size_t i = 0; i < identity.firstNames.size(); ++i) {
        if (auto error =
                checkName(identity.firstNames[i], "first_names/" + std::to_string(i), true)) {
            return *error;
        }
    }
    if (auto error = checkName(identity.usedFirstName, "used_first_name", false)) {
        return *error;
    }
    const auto& birth = identity.birthDate;
    if (!birth.ok() || birth > today || birth.year() < std::chrono::year(1890)) {
        return refuse(IdentityErrc::impossibleDate, "birth_date");
    }
    if (!identity.birthPlaceCode.empty() && !validBirthPlace(identity.birthPlaceCode)) {
        return refuse(IdentityErrc::birthPlaceMalformed, "birth_place_code");
    }
    if (identity.ins) {
        if (auto error = checkIns(*identity.ins, identity.sex)) {
            return *error;
        }
    } else if (identity.status == IdentityStatus::qualified) {
        return refuse(IdentityErrc::qualifiedWithoutIns, "ins");
    }
    for (const auto& field : identity.correctedFields) {
        if (auto error = checkName(field, "corrected_fields", true)) {
            return *error;
        }
    }
    return {};
}

namespace {

using nlohmann::json;

std::string dateText(std::chrono::year_month_day date) {
    std::array<char, 16> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text.data();
}

std::optional<std::chrono::year_month_day> parseDate(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    for (const std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U}) {
        if (!isDigit(text[i])) {
            return std::nullopt;
        }
    }
    const std::chrono::year_month_day date{std::chrono::year(std::stoi(text.substr(0, 4))),
                                           std::chrono::month(std::stoul(text.substr(5, 2))),
                                           std::chrono::day(std::stoul(text.substr(8, 2)))};
    return date;
}

// Reads the members of one object, refusing unknown ones and wrong types.
class Reader {
public:
    Reader(const json& object, std::string path)
        : m_object(object)
        , m_path(std::move(path)) {}

    std::optional<IdentityError> error;

    const json* member(const std::string& key, bool required) {
        m_known.insert(key);
        if (error) {
            return nullptr;
        }
        const auto it = m_object.find(key);
        if (it == m_object.end() || it->is_null()) {
            if (required) {
                error = refuse(IdentityErrc::malformed, m_path + key, "missing");
            }
            return nullptr;
        }
        return &*it;
    }
    void text(const std::string& key, std::string& out, bool required) {
        if (const auto* value = member(key, required)) {
            if (!value->is_string()) {
                error = refuse(IdentityErrc::malformed, m_path + key, "expected a string");
                return;
            }
            out = value->get<std::string>();
        }
    }
    template <class Enum, std::size_t N>
    void enumeration(const std::string& key, Enum& out,
                     const std::array<detail::IdentityWire<Enum>, N>& table) {
        std::string name;
        text(key, name, true);
        if (error) {
            return;
        }
        if (const auto value = identityValue(table, name)) {
            out = *value;
        } else {
            error = refuse(IdentityErrc::malformed, m_path + key, "unknown value " + name);
        }
    }
    void finish() {
        if (error) {
            return;
        }
        for (const auto& [key, value] : m_object.items()) {
            if (!m_known.contains(key)) {
                error = refuse(IdentityErrc::malformed, m_path + key, "unknown member");
                return;
            }
        }
    }

private:
    const json& m_object;
    std::string m_path;
    std::set<std::string> m_known;
};

} // namespace

nlohmann::json toJson(const PatientIdentity& identity) {
    json out{
        {"birth_name", identity.birthName},
        {"used_name", identity.usedName},
        {"first_names", identity.firstNames},
        {"used_first_name", identity.usedFirstName},
        {"birth_date", dateText(identity.birthDate)},
        {"sex", std::string(wireName(identity.sex))},
        {"birth_place_code", identity.birthPlaceCode},
        {"ins", nullptr},
        {"status", std::string(wireName(identity.status))},
        {"source", std::string(wireName(identity.source))},
        {"corrected_fields", identity.correctedFields},
    };
    if (identity.ins) {
        out["ins"] = json{{"system", std::string(wireName(identity.ins->system))},
                          {"number", identity.ins->number},
                          {"key", identity.ins->key}};
    }
    return out;
}

IdentityResult<PatientIdentity> identityFromJson(const nlohmann::json& value,
                                                 std::chrono::year_month_day today) {
    if (!value.is_object()) {
        return refuse(IdentityErrc::malformed, "", "expected an object");
    }
    PatientIdentity identity;
    Reader r(value, "");
    r.text("birth_name", identity.birthName, true);
    r.text("used_name", identity.usedName, false);
    if (const auto* names = r.member("first_names", true)) {
        if (!names->is_array() || names->size() > kMaxFirstNames) {
            return refuse(IdentityErrc::malformed, "first_names", "expected an array of names");
        }
        for (const auto& name : *names) {
            if (!name.is_string()) {
                return refuse(IdentityErrc::malformed, "first_names", "expected strings");
            }
            identity.firstNames.push_back(name.get<std::string>());
        }
    }
    r.text("used_first_name", identity.usedFirstName, false);
    std::string birthDate;
    r.text("birth_date", birthDate, true);
    std::string sex;
    r.text("sex", sex, true);
    r.text("birth_place_code", identity.birthPlaceCode, false);
    const auto* ins = r.member("ins", false);
    r.enumeration("status", identity.status, kIdentityStatuses);
    r.enumeration("source", identity.source, kIdentitySources);
    if (const auto* corrected = r.member("corrected_fields", false)) {
        if (!corrected->is_array() || corrected->size() > 16) {
            return refuse(IdentityErrc::malformed, "corrected_fields", "expected an array");
        }
        for (const auto& field : *corrected) {
            if (!field.is_string()) {
                return refuse(IdentityErrc::malformed, "corrected_fields", "expected strings");
            }
            identity.correctedFields.push_back(field.get<std::string>());
        }
    }
    r.finish();
    if (r.error) {
        return *r.error;
    }
    const auto date = parseDate(birthDate);
    if (!date) {
        return refuse(IdentityErrc::impossibleDate, "birth_date", "expected YYYY-MM-DD");
    }
    identity.birthDate = *date;
    bool sexKnown = false;
    for (const auto& entry : allSexes()) {
        if (entry.wire == sex) {
            identity.sex = entry.value;
            sexKnown = true;
        }
    }
    if (!sexKnown) {
        return refuse(IdentityErrc::malformed, "sex", "unknown value " + sex);
    }
    if (ins != nullptr) {
        if (!ins->is_object()) {
            return refuse(IdentityErrc::malformed, "ins", "expected an object");
        }
        Ins parsed;
        Reader insReader(*ins, "ins/");
        insReader.enumeration("system", parsed.system, kInsSystems);
        insReader.text("number", parsed.number, true);
        insReader.text("key", parsed.key, true);
        insReader.finish();
        if (insReader.error) {
            return *insReader.error;
        }
        identity.ins = std::move(parsed);
    }
    if (auto valid = validateIdentity(identity, today); !valid) {
        return valid.error();
    }
    return identity;
}

IdentityResult<PatientIdentity> correctIdentity(const PatientIdentity& original,
                                                const PatientIdentity& corrected,
                                                std::chrono::year_month_day today) {
    if (original.status == IdentityStatus::qualified) {
        return refuse(IdentityErrc::correctionRefused, "status");
    }
    PatientIdentity result = corrected;
    // What the cabin said about trust stays; the doctor's changes are marked, field by field.
    result.status = original.status;
    result.source = original.source;
    result.ins = original.ins;
    result.correctedFields = original.correctedFields;
    const auto mark = [&](bool changed, const char* field) {
        if (changed && std::find(result.correctedFields.begin(), result.correctedFields.end(),
                                 field) == result.correctedFields.end()) {
            result.correctedFields.emplace_back(field);
        }
    };
    mark(corrected.birthName != original.birthName, "birth_name");
    mark(corrected.usedName != original.usedName, "used_name");
    mark(corrected.firstNames != original.firstNames, "first_names");
    mark(corrected.usedFirstName != original.usedFirstName, "used_first_name");
    mark(corrected.birthDate != original.birthDate, "birth_date");
    mark(corrected.sex != original.sex, "sex");
    mark(corrected.birthPlaceCode != original.birthPlaceCode, "birth_place_code");
    if (auto valid = validateIdentity(result, today); !valid) {
        return valid.error();
    }
    return result;
}

} // namespace tc::prescriptions

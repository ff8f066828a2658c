#include "record_json.hpp"

#include "identity_wire.hpp"
#include "tc/prescriptions/prescription_json.hpp"
#include "tc/prescriptions/rpps.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace tc::prescriptions::detail {
namespace {

using nlohmann::json;

void readTextList(ObjectReader& r, std::string_view key, std::vector<std::string>& out,
                  std::size_t maxItems, std::size_t maxBytes) {
    if (const auto* list = r.array(key, maxItems)) {
        for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
            std::string text;
            if (readText((*list)[i], pointerAppend(r.pointerOf(key), i), text, maxBytes,
                         r.slot())) {
                out.push_back(std::move(text));
            }
        }
    }
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

} // namespace

json identityJson(const PatientIdentity& identity) {
    json out{
        {"birth_name", identity.birthName},
        {"used_name", identity.usedName},
        {"first_names", identity.firstNames},
        {"used_first_name", identity.usedFirstName},
        {"birth_date", isoDate(identity.birthDate)},
        {"sex", wireName(identity.sex)},
        {"birth_place_code", identity.birthPlaceCode},
        {"ins", nullptr},
        {"status", wireName(identity.status)},
        {"source", wireName(identity.source)},
        {"corrected_fields", identity.correctedFields},
    };
    if (identity.ins) {
        out["ins"] = json{{"system", wireName(identity.ins->system)},
                          {"number", identity.ins->number},
                          {"key", identity.ins->key}};
    }
    return out;
}

void readIdentity(const json& value, const std::string& pointer, PatientIdentity& out,
                  ErrorSlot& slot) {
    ObjectReader r(value, pointer, slot);
    r.text("birth_name", out.birthName, kMaxNameBytes);
    r.text("used_name", out.usedName, kMaxNameBytes);
    readTextList(r, "first_names", out.firstNames, 10, kMaxNameBytes);
    r.text("used_first_name", out.usedFirstName, kMaxNameBytes);
    std::string birthDate;
    r.text("birth_date", birthDate, 16);
    if (r.ok()) {
        if (const auto date = parseIsoDate(birthDate)) {
            out.birthDate = *date;
        } else {
            slot.fail(Errc::invalidDate, r.pointerOf("birth_date"), "expected YYYY-MM-DD");
        }
    }
    r.enumeration("sex", out.sex, allSexes());
    r.text("birth_place_code", out.birthPlaceCode, 16);
    if (const auto* ins = r.object("ins", Nullable::yes)) {
        Ins read;
        ObjectReader i(*ins, r.pointerOf("ins"), slot);
        i.enumeration("system", read.system, kInsSystems);
        i.text("number", read.number, 16);
        i.text("key", read.key, 4);
        i.finish();
        out.ins = read;
    }
    r.enumeration("status", out.status, kIdentityStatuses);
    r.enumeration("source", out.source, kIdentitySources);
    readTextList(r, "corrected_fields", out.correctedFields, 16, 64);
    r.finish();
}

json doctorJson(const RecordDoctor& doctor) {
    return json{
        {"rpps", doctor.rpps}, {"familyName", doctor.familyName}, {"givenName", doctor.givenName}};
}

void readDoctor(const json& value, const std::string& pointer, RecordDoctor& out, ErrorSlot& slot) {
    ObjectReader r(value, pointer, slot);
    r.text("rpps", out.rpps, 32);
    r.text("familyName", out.familyName, kMaxNameBytes);
    r.text("givenName", out.givenName, kMaxNameBytes);
    r.finish();
}

json siteJson(const RecordSite& site) {
    return json{{"code", site.code}, {"name", site.name}};
}

void readSite(const json& value, const std::string& pointer, RecordSite& out, ErrorSlot& slot) {
    ObjectReader r(value, pointer, slot);
    r.text("code", out.code, 64);
    r.text("name", out.name, kMaxNameBytes);
    r.finish();
}

json assistantJson(const std::optional<RecordAssistant>& assistant) {
    if (!assistant) {
        return nullptr;
    }
    return json{{"role", wireName(assistant->role)}, {"name", assistant->name}};
}

void readAssistant(ObjectReader& parent, std::string_view key,
                   std::optional<RecordAssistant>& out) {
    const auto* value = parent.object(key, Nullable::yes);
    if (value == nullptr) {
        return;
    }
    RecordAssistant assistant;
    ObjectReader r(*value, parent.pointerOf(key), parent.slot());
    const auto* role = r.member("role", Nullable::no);
    if (role != nullptr) {
        if (!role->is_string()) {
            r.slot().fail(Errc::wrongFieldType, r.pointerOf("role"), "expected a string");
        } else if (const auto parsed = assistantRoleFromWire(role->get_ref<const std::string&>())) {
            assistant.role = *parsed;
        } else {
            r.slot().fail(Errc::unknownEnumValue, r.pointerOf("role"), "unknown role");
        }
    }
    r.text("name", assistant.name, kMaxNameBytes);
    r.finish();
    out = assistant;
}

bool isToken(std::string_view text, std::size_t maxBytes) {
    return !text.empty() && text.size() <= maxBytes &&
           std::all_of(text.begin(), text.end(), [](char c) {
               return isDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' ||
                      c == '_' || c == '-';
           });
}

bool isWireName(std::string_view text) {
    return !text.empty() && text.size() <= 64 && text.front() >= 'a' && text.front() <= 'z' &&
           std::all_of(text.begin(), text.end(),
                       [](char c) { return isDigit(c) || (c >= 'a' && c <= 'z') || c == '_'; });
}

bool isSiteCode(std::string_view text) {
    return text.size() >= 3 && text.size() <= 32 &&
           std::all_of(text.begin(), text.end(),
                       [](char c) { return isDigit(c) || (c >= 'A' && c <= 'Z') || c == '-'; });
}

bool isSha256Hex(std::string_view text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
               return isDigit(c) || (c >= 'a' && c <= 'f');
           });
}

// LOINC's check digit (LOINC Users' Guide, "Calculating Mod 10 check digits"): the digits in odd
// positions from the right, read as a number and doubled, written after the digits in even
// positions; the check digit brings the sum of all those digits to a multiple of ten.
bool isLoincCode(std::string_view text) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash > 7 || dash + 2 != text.size() ||
        !isDigit(text.back())) {
        return false;
    }
    const auto number = text.substr(0, dash);
    if (!std::all_of(number.begin(), number.end(), isDigit)) {
        return false;
    }
    std::string odd;
    std::string even;
    for (std::size_t i = 0; i < number.size(); ++i) {
        const char c = number[number.size() - 1 - i];
        (i % 2 == 0 ? odd : even).push_back(c);
    }
    const unsigned long long doubled = 2 * std::stoull(odd);
    const std::string digits = even + std::to_string(doubled);
    int sum = 0;
    for (const char c : digits) {
        sum += c - '0';
    }
    return (10 - sum % 10) % 10 == text.back() - '0';
}

bool isUcumCode(std::string_view text) {
    return !text.empty() && text.size() <= 32 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c <= '~'; });
}

bool isArchiveFileName(std::string_view text, std::span<const std::string_view> extensions) {
    if (!isToken(text, 128) || text.front() == '.') {
        return false;
    }
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    return std::any_of(extensions.begin(), extensions.end(), [&](std::string_view ext) {
        return lower.size() > ext.size() && lower.ends_with(ext);
    });
}

void IssueCollector::text(const std::string& pointer, std::string_view value, std::size_t maxBytes,
                          std::optional<RecordErrc> ifEmpty) {
    const bool blank = std::all_of(value.begin(), value.end(), [](char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r';
    });
    if (ifEmpty && blank) {
        add(*ifEmpty, pointer, "empty");
        return;
    }
    if (value.size() > maxBytes) {
        add(RecordErrc::textTooLong, pointer, "at most " + std::to_string(maxBytes) + " bytes");
    }
    const bool control = std::any_of(value.begin(), value.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\n' && c != '\t') || u == 0x7F;
    });
    if (control || !isValidUtf8(value)) {
        add(RecordErrc::controlCharacter, pointer, control ? "control character" : "invalid UTF-8");
    }
}

void IssueCollector::line(const std::string& pointer, std::string_view value, std::size_t maxBytes,
                          std::optional<RecordErrc> ifEmpty) {
    const auto before = m_out.size();
    text(pointer, value, maxBytes, ifEmpty);
    if (m_out.size() == before && value.find_first_of("\n\t") != std::string_view::npos) {
        add(RecordErrc::controlCharacter, pointer, "a single line is expected");
    }
}

void IssueCollector::time(const std::string& pointer, UnixMs value) {
    check(value >= kEarliestMs && value <= kLatestMs, RecordErrc::invalidTime, pointer,
          "outside 2000-01-01..2100-01-01");
}

void validateIdentity(const PatientIdentity& identity, const std::string& pointer,
                      IssueCollector& issues) {
    issues.line(pointerAppend(pointer, "birth_name"), identity.birthName, kMaxNameBytes,
                RecordErrc::identityIncomplete);
    issues.line(pointerAppend(pointer, "used_name"), identity.usedName, kMaxNameBytes);
    issues.check(!identity.firstNames.empty(), RecordErrc::identityIncomplete,
                 pointerAppend(pointer, "first_names"), "no first name");
    for (std::size_t i = 0; i < identity.firstNames.size(); ++i) {
        issues.line(pointerAppend(pointerAppend(pointer, "first_names"), i), identity.firstNames[i],
                    kMaxNameBytes, RecordErrc::identityIncomplete);
    }
    issues.line(pointerAppend(pointer, "used_first_name"), identity.usedFirstName, kMaxNameBytes);
    issues.check(identity.birthDate.ok(), RecordErrc::identityIncomplete,
                 pointerAppend(pointer, "birth_date"), "not a calendar date");
    if (identity.ins) {
        const auto& number = identity.ins->number;
        const bool numberShape =
            number.size() == 13 && std::all_of(number.begin(), number.end(), [](char c) {
                return isDigit(c) || c == 'A' || c == 'B';
            });
        const auto& key = identity.ins->key;
        issues.check(numberShape && key.size() == 2 && isDigit(key[0]) && isDigit(key[1]),
                     RecordErrc::invalidIdentifier, pointerAppend(pointer, "ins"),
                     "an INS is 13 characters and a 2-digit key");
    }
    issues.check(identity.status != IdentityStatus::qualified || identity.ins.has_value(),
                 RecordErrc::identityIncomplete, pointerAppend(pointer, "ins"),
                 "a qualified identity has an INS");
    for (std::size_t i = 0; i < identity.correctedFields.size(); ++i) {
        issues.check(isWireName(identity.correctedFields[i]), RecordErrc::invalidIdentifier,
                     pointerAppend(pointerAppend(pointer, "corrected_fields"), i),
                     "a field name (snake_case)");
    }
}

void validateDoctor(const RecordDoctor& doctor, const std::string& pointer,
                    IssueCollector& issues) {
    issues.check(isValidRpps(doctor.rpps), RecordErrc::invalidRpps, pointerAppend(pointer, "rpps"),
                 "11 digits with a valid check digit");
    issues.line(pointerAppend(pointer, "familyName"), doctor.familyName, kMaxNameBytes,
                RecordErrc::missingField);
    issues.line(pointerAppend(pointer, "givenName"), doctor.givenName, kMaxNameBytes,
                RecordErrc::missingField);
}

void validateSite(const RecordSite& site, const std::string& pointer, IssueCollector& issues) {
    issues.check(isSiteCode(site.code), RecordErrc::invalidIdentifier,
                 pointerAppend(pointer, "code"), "3 to 32 of A-Z 0-9 -");
    issues.line(pointerAppend(pointer, "name"), site.name, kMaxNameBytes, RecordErrc::missingField);
}

void validateAssistant(const std::optional<RecordAssistant>& assistant, const std::string& pointer,
                       IssueCollector& issues) {
    if (assistant) {
        issues.line(pointerAppend(pointer, "name"), assistant->name, kMaxNameBytes,
                    RecordErrc::missingField);
    }
}

} // namespace tc::prescriptions::detail

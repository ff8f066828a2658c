#include "json_reader.hpp"

#include <cmath>
#include <limits>
#include <vector>

namespace tc::prescriptions::detail {

std::string pointerAppend(const std::string& pointer, std::string_view key) {
    std::string out = pointer + "/";
    for (const char c : key) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string pointerAppend(const std::string& pointer, std::size_t index) {
    return pointer + "/" + std::to_string(index);
}

ObjectReader::ObjectReader(const nlohmann::json& value, std::string pointer, ErrorSlot& slot)
    : m_value(value)
    , m_pointer(std::move(pointer))
    , m_slot(slot) {
    if (!m_value.is_object()) {
        m_slot.fail(Errc::wrongFieldType, m_pointer, "expected an object");
    }
}

const nlohmann::json* ObjectReader::member(std::string_view key, Nullable nullable) {
    if (!ok()) {
        return nullptr;
    }
    m_seen.emplace(key);
    const auto it = m_value.find(key);
    if (it == m_value.end()) {
        m_slot.fail(Errc::missingField, pointerOf(key), "missing");
        return nullptr;
    }
    if (it->is_null()) {
        if (nullable == Nullable::no) {
            m_slot.fail(Errc::wrongFieldType, pointerOf(key), "must not be null");
        }
        return nullptr;
    }
    return &*it;
}

const nlohmann::json* ObjectReader::object(std::string_view key, Nullable nullable) {
    const auto* value = member(key, nullable);
    if (value != nullptr && !value->is_object()) {
        m_slot.fail(Errc::wrongFieldType, pointerOf(key), "expected an object");
        return nullptr;
    }
    return value;
}

const nlohmann::json* ObjectReader::array(std::string_view key, std::size_t maxItems) {
    const auto* value = member(key, Nullable::no);
    if (value == nullptr) {
        return nullptr;
    }
    if (!value->is_array()) {
        m_slot.fail(Errc::wrongFieldType, pointerOf(key), "expected an array");
        return nullptr;
    }
    if (value->size() > maxItems) {
        m_slot.fail(Errc::invalidField, pointerOf(key),
                    "at most " + std::to_string(maxItems) + " items");
        return nullptr;
    }
    return value;
}

bool readText(const nlohmann::json& value, const std::string& pointer, std::string& out,
              std::size_t maxBytes, ErrorSlot& slot) {
    if (!value.is_string()) {
        slot.fail(Errc::wrongFieldType, pointer, "expected a string");
        return false;
    }
    const auto& text = value.get_ref<const std::string&>();
    if (text.size() > maxBytes) {
        slot.fail(Errc::invalidField, pointer, "at most " + std::to_string(maxBytes) + " bytes");
        return false;
    }
    for (const unsigned char c : text) {
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
            slot.fail(Errc::invalidField, pointer, "control characters are not allowed");
            return false;
        }
    }
    out = text;
    return true;
}

void ObjectReader::text(std::string_view key, std::string& out, std::size_t maxBytes) {
    if (const auto* value = member(key, Nullable::no)) {
        readText(*value, pointerOf(key), out, maxBytes, m_slot);
    }
}

void ObjectReader::format(std::string_view expected) {
    std::string format;
    text("format", format, 64);
    if (ok() && format != expected) {
        m_slot.fail(Errc::unknownEnumValue, pointerOf("format"),
                    "expected \"" + std::string(expected) + "\"");
    }
}

void ObjectReader::number(std::string_view key, double& out) {
    std::optional<double> value;
    if (member(key, Nullable::no) == nullptr) {
        return;
    }
    number(key, value);
    if (value) {
        out = *value;
    }
}

void ObjectReader::number(std::string_view key, std::optional<double>& out) {
    const auto* value = member(key, Nullable::yes);
    if (value == nullptr) {
        return;
    }
    if (!value->is_number()) {
        m_slot.fail(Errc::wrongFieldType, pointerOf(key), "expected a number");
        return;
    }
    const double number = value->get<double>();
    if (!std::isfinite(number) || std::fabs(number) > 1e9) {
        m_slot.fail(Errc::invalidField, pointerOf(key), "out of range");
        return;
    }
    out = number;
}

void ObjectReader::integer(std::string_view key, int& out, int min, int max) {
    std::optional<int> value;
    if (member(key, Nullable::no) == nullptr) {
        return;
    }
    integer(key, value, min, max);
    if (value) {
        out = *value;
    }
}

void ObjectReader::integer(std::string_view key, std::optional<int>& out, int min, int max) {
    const auto* value = member(key, Nullable::yes);
    if (value == nullptr) {
        return;
    }
    if (!value->is_number_integer()) {
        m_slot.fail(Errc::wrongFieldType, pointerOf(key), "expected an integer");
        return;
    }
    const auto number = value->get<std::int64_t>();
    if (number < min || number > max) {
        m_slot.fail(Errc::invalidField, pointerOf(key),
                    "must be " + std::to_string(min) + " to " + std::to_string(max));
        return;
    }
    out = static_cast<int>(number);
}

void ObjectReader::integer64(std::string_view key, std::int64_t& out, std::int64_t min,
                             std::int64_t max) {
    const auto* value = member(key, Nullable::no);
    if (value == nullptr) {
        return;
    }
    if (!value->is_number_integer()) {
        m_slot.fail(Errc::wrongFieldType, pointerOf(key), "expected an integer");
        return;
    }
    std::int64_t number = 0;
    if (value->is_number_unsigned()) {
        const auto unsignedNumber = value->get<std::uint64_t>();
        if (max < 0 || unsignedNumber > static_cast<std::uint64_t>(max)) {
            m_slot.fail(Errc::invalidField, pointerOf(key), "out of range");
            return;
        }
        number = static_cast<std::int64_t>(unsignedNumber);
    } else {
        number = value->get<std::int64_t>();
    }
    if (number < min || number > max) {
        m_slot.fail(Errc::invalidField, pointerOf(key), "out of range");
        return;
    }
    out = number;
}

void ObjectReader::boolean(std::string_view key, bool& out) {
    const auto* value = member(key, Nullable::no);
    if (value == nullptr) {
        return;
    }
    if (!value->is_boolean()) {
        m_slot.fail(Errc::wrongFieldType, pointerOf(key), "expected true or false");
        return;
    }
    out = value->get<bool>();
}

void ObjectReader::finish() {
    if (!ok() || !m_value.is_object()) {
        return;
    }
    for (auto it = m_value.begin(); it != m_value.end(); ++it) {
        if (!m_seen.contains(it.key())) {
            m_slot.fail(Errc::unknownField, pointerOf(it.key()), "unknown member");
            return;
        }
    }
}

ParseResult<nlohmann::json> parseDocument(std::string_view text, std::size_t maxBytes) {
    if (text.size() > maxBytes) {
        return ParseError{make_error_code(Errc::invalidField), "", "document too large"};
    }
    std::vector<std::set<std::string>> openObjects;
    std::optional<std::string> duplicate;
    const nlohmann::json::parser_callback_t onEvent = [&](int, nlohmann::json::parse_event_t event,
                                                          nlohmann::json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        if (event == Event::object_start) {
            openObjects.emplace_back();
        } else if (event == Event::object_end && !openObjects.empty()) {
            openObjects.pop_back();
        } else if (event == Event::key && !openObjects.empty()) {
            if (!openObjects.back().insert(parsed.get<std::string>()).second && !duplicate) {
                duplicate = parsed.get<std::string>();
            }
        }
        return true;
    };
    auto parsed = nlohmann::json::parse(text.begin(), text.end(), onEvent, false);
    if (parsed.is_discarded()) {
        return ParseError{make_error_code(Errc::malformedJson), "", "not well-formed JSON"};
    }
    if (duplicate) {
        return ParseError{make_error_code(Errc::duplicateKey), "",
                          "member \"" + *duplicate + "\" given twice"};
    }
    return parsed;
}

} // namespace tc::prescriptions::detail

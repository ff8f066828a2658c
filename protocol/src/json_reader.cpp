#include "json_reader.hpp"

#include "text_rules.hpp"

#include <cmath>
#include <limits>

namespace tc::protocol::detail {

bool isBeyond64Bits(const nlohmann::json& value) noexcept {
    if (!value.is_number_float()) {
        return false;
    }
    const double number = value.get<double>();
    return !std::isfinite(number) || std::fabs(number) >= 9223372036854775808.0; // 2^63
}

JsonReader::JsonReader(const nlohmann::json& object, std::string path)
    : m_object(object)
    , m_path(std::move(path)) {
    if (!m_object.is_object()) {
        fail(Errc::wrongFieldType, m_path + ": expected an object");
    }
}

std::string JsonReader::pathOf(std::string_view key) const {
    return m_path + "." + std::string(key);
}

void JsonReader::fail(Errc code, std::string detail) {
    if (!m_error) {
        m_error = ParseError{make_error_code(code), {}, std::move(detail)};
    }
}

void JsonReader::merge(const JsonReader& nested) {
    if (!m_error && nested.m_error) {
        m_error = nested.m_error;
    }
}

const nlohmann::json* JsonReader::find(std::string_view key, bool required) {
    if (!ok()) {
        return nullptr;
    }
    m_seen.emplace(key);
    const auto it = m_object.find(key);
    if (it == m_object.end() || it->is_null()) {
        if (required) {
            fail(Errc::missingField, pathOf(key) + ": missing");
        }
        return nullptr;
    }
    return &*it;
}

void JsonReader::string(std::string_view key, std::string& out, std::size_t minBytes,
                        std::size_t maxBytes, bool required) {
    const auto* value = find(key, required);
    if (value == nullptr) {
        return;
    }
    if (!value->is_string()) {
        fail(Errc::wrongFieldType, pathOf(key) + ": expected a string");
        return;
    }
    const auto& text = value->get_ref<const std::string&>();
    if (text.size() < minBytes || text.size() > maxBytes) {
        fail(Errc::invalidField, pathOf(key) + ": length must be " + std::to_string(minBytes) +
                                     " to " + std::to_string(maxBytes) + " bytes");
        return;
    }
    if (hasControlCharacter(text, LineBreaks::allowed)) {
        fail(Errc::invalidField, pathOf(key) + ": control characters are not allowed");
        return;
    }
    out = text;
}

void JsonReader::integer(std::string_view key, std::int64_t& out, std::int64_t min,
                         std::int64_t max, bool required) {
    const auto* value = find(key, required);
    if (value == nullptr) {
        return;
    }
    const auto outOfRange = [&] {
        fail(Errc::invalidField, pathOf(key) + ": must be between " + std::to_string(min) +
                                     " and " + std::to_string(max));
    };
    if (!value->is_number_integer()) {
        if (isBeyond64Bits(*value)) {
            outOfRange();
        } else {
            fail(Errc::wrongFieldType, pathOf(key) + ": expected an integer");
        }
        return;
    }
    std::int64_t number = 0;
    if (value->is_number_unsigned()) {
        const auto u = value->get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            outOfRange();
            return;
        }
        number = static_cast<std::int64_t>(u);
    } else {
        number = value->get<std::int64_t>();
    }
    if (number < min || number > max) {
        outOfRange();
        return;
    }
    out = number;
}

void JsonReader::integer(std::string_view key, int& out, int min, int max, bool required) {
    std::int64_t wide = out;
    integer(key, wide, min, max, required);
    out = static_cast<int>(wide);
}

void JsonReader::boolean(std::string_view key, bool& out, bool required) {
    const auto* value = find(key, required);
    if (value == nullptr) {
        return;
    }
    if (!value->is_boolean()) {
        fail(Errc::wrongFieldType, pathOf(key) + ": expected true or false");
        return;
    }
    out = value->get<bool>();
}

const nlohmann::json* JsonReader::object(std::string_view key, bool required) {
    const auto* value = find(key, required);
    if (value != nullptr && !value->is_object()) {
        fail(Errc::wrongFieldType, pathOf(key) + ": expected an object");
        return nullptr;
    }
    return value;
}

const nlohmann::json* JsonReader::array(std::string_view key, std::size_t maxItems, bool required) {
    const auto* value = find(key, required);
    if (value == nullptr) {
        return nullptr;
    }
    if (!value->is_array()) {
        fail(Errc::wrongFieldType, pathOf(key) + ": expected an array");
        return nullptr;
    }
    if (value->size() > maxItems) {
        fail(Errc::invalidField, pathOf(key) + ": at most " + std::to_string(maxItems) + " items");
        return nullptr;
    }
    return value;
}

std::optional<ParseError> JsonReader::finish() {
    if (ok()) {
        for (const auto& [key, value] : m_object.items()) {
            if (m_seen.find(key) == m_seen.end()) {
                fail(Errc::unknownField, pathOf(key) + ": unknown field");
                break;
            }
        }
    }
    return m_error;
}

} // namespace tc::protocol::detail

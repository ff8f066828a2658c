#include "tc/prescriptions/canonical_json.hpp"

#include "json_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>
#include <vector>

namespace tc::prescriptions {
namespace {

// Decodes UTF-8 strictly (no overlong forms, no surrogates, nothing above U+10FFFF) into UTF-16
// code units.
std::optional<std::u16string> toUtf16(std::string_view text) {
    std::u16string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        char32_t cp = 0;
        std::size_t extra = 0;
        char32_t min = 0;
        if (b0 < 0x80) {
            cp = b0;
        } else if ((b0 & 0xE0) == 0xC0) {
            cp = b0 & 0x1F;
            extra = 1;
            min = 0x80;
        } else if ((b0 & 0xF0) == 0xE0) {
            cp = b0 & 0x0F;
            extra = 2;
            min = 0x800;
        } else if ((b0 & 0xF8) == 0xF0) {
            cp = b0 & 0x07;
            extra = 3;
            min = 0x10000;
        } else {
            return std::nullopt;
        }
        if (i + extra >= text.size() && extra > 0) {
            return std::nullopt; // truncated sequence
        }
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto b = static_cast<unsigned char>(text[i + k]);
            if ((b & 0xC0) != 0x80) {
                return std::nullopt;
            }
            cp = (cp << 6) | (b & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return std::nullopt;
        }
        if (cp >= 0x10000) {
            const char32_t v = cp - 0x10000;
            out.push_back(static_cast<char16_t>(0xD800 + (v >> 10)));
            out.push_back(static_cast<char16_t>(0xDC00 + (v & 0x3FF)));
        } else {
            out.push_back(static_cast<char16_t>(cp));
        }
        i += extra + 1;
    }
    return out;
}

bool appendString(std::string& out, std::string_view text) {
    if (!toUtf16(text)) {
        return false;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (u < 0x20) {
                out += "\\u00";
                out.push_back(kHex[u >> 4]);
                out.push_back(kHex[u & 0x0F]);
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
    return true;
}

boost::system::error_code appendValue(std::string& out, const nlohmann::json& value) {
    using Type = nlohmann::json::value_t;
    switch (value.type()) {
    case Type::null:
        out += "null";
        return {};
    case Type::boolean:
        out += value.get<bool>() ? "true" : "false";
        return {};
    case Type::number_integer:
    case Type::number_unsigned:
    case Type::number_float: {
        const auto text = ecmaNumberString(value.get<double>());
        if (!text) {
            return Errc::nonFiniteNumber;
        }
        out += *text;
        return {};
    }
    case Type::string:
        if (!appendString(out, value.get_ref<const std::string&>())) {
            return Errc::invalidUtf8;
        }
        return {};
    case Type::array: {
        out.push_back('[');
        bool first = true;
        for (const auto& item : value) {
            if (!first) {
                out.push_back(',');
            }
            first = false;
            if (const auto ec = appendValue(out, item)) {
                return ec;
            }
        }
        out.push_back(']');
        return {};
    }
    case Type::object: {
        std::vector<std::pair<std::u16string, nlohmann::json::const_iterator>> members;
        members.reserve(value.size());
        for (auto it = value.cbegin(); it != value.cend(); ++it) {
            auto key = toUtf16(it.key());
            if (!key) {
                return Errc::invalidUtf8;
            }
            members.emplace_back(std::move(*key), it);
        }
        std::sort(members.begin(), members.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        out.push_back('{');
        bool first = true;
        for (const auto& [key, it] : members) {
            if (!first) {
                out.push_back(',');
            }
            first = false;
            appendString(out, it.key());
            out.push_back(':');
            if (const auto ec = appendValue(out, it.value())) {
                return ec;
            }
        }
        out.push_back('}');
        return {};
    }
    case Type::binary:
    case Type::discarded:
        return Errc::invalidField;
    }
    return Errc::invalidField;
}

} // namespace

std::optional<std::string> ecmaNumberString(double value) {
    if (!std::isfinite(value)) {
        return std::nullopt;
    }
    if (value == 0) {
        return std::string("0"); // also for -0
    }
    std::string out;
    if (value < 0) {
        out.push_back('-');
        value = -value;
    }
    // Shortest round-trip digits, in scientific form "d.ddde±x".
    char buffer[64];
    const auto [end, ec] =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    if (ec != std::errc{}) {
        return std::nullopt;
    }
    const std::string_view sci(buffer, static_cast<std::size_t>(end - buffer));
    const auto ePos = sci.find('e');
    std::string digits;
    for (const char c : sci.substr(0, ePos)) {
        if (c != '.') {
            digits.push_back(c);
        }
    }
    int exponent = 0;
    const auto expText = sci.substr(ePos + 1);
    std::from_chars(expText.data() + (expText.front() == '+' ? 1 : 0),
                    expText.data() + expText.size(), exponent);
    const int k = static_cast<int>(digits.size());
    const int n = exponent + 1; // value = 0.digits × 10^n
    if (k <= n && n <= 21) {
        out += digits;
        out.append(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, static_cast<std::size_t>(n));
        out.push_back('.');
        out += digits.substr(static_cast<std::size_t>(n));
    } else if (-6 < n && n <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out += digits;
    } else {
        out.push_back(digits.front());
        if (k > 1) {
            out.push_back('.');
            out += digits.substr(1);
        }
        out.push_back('e');
        out.push_back(n - 1 >= 0 ? '+' : '-');
        out += std::to_string(std::abs(n - 1));
    }
    return out;
}

Result<std::string> canonicalJson(const nlohmann::json& value) {
    std::string out;
    if (const auto ec = appendValue(out, value)) {
        return ec;
    }
    return out;
}

Result<std::string> canonicalizeJsonText(std::string_view text) {
    auto parsed = detail::parseDocument(text, text.size());
    if (!parsed) {
        return parsed.error().code;
    }
    return canonicalJson(*parsed);
}

namespace detail {

bool isValidUtf8(std::string_view text) {
    return toUtf16(text).has_value();
}

} // namespace detail

} // namespace tc::prescriptions

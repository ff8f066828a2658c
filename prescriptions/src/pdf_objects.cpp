#include "pdf_objects.hpp"

#include "hex_digit.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace tc::prescriptions::pdf {
namespace {

constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxContainerItems = 100000;

bool isRegularNameChar(unsigned char c) noexcept {
    return c > 0x20 && c < 0x7F && c != '#' && !isPdfDelimiter(static_cast<char>(c));
}

void appendUtf16(std::string& out, char32_t cp) {
    const auto unit = [&out](char16_t u) {
        out.push_back(static_cast<char>(u >> 8));
        out.push_back(static_cast<char>(u & 0xFF));
    };
    if (cp >= 0x10000) {
        cp -= 0x10000;
        unit(static_cast<char16_t>(0xD800 + (cp >> 10)));
        unit(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
        unit(static_cast<char16_t>(cp));
    }
}

} // namespace

bool isPdfWhitespace(char c) noexcept {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

bool isPdfDelimiter(char c) noexcept {
    switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '[':
    case ']':
    case '{':
    case '}':
    case '/':
    case '%':
        return true;
    default:
        return false;
    }
}

Object Object::name(std::string n) {
    Object o;
    o.type = Type::name;
    o.text = std::move(n);
    return o;
}
Object Object::integerValue(long long v) {
    Object o;
    o.type = Type::integer;
    o.integer = v;
    return o;
}
Object Object::reference(ObjRef r) {
    Object o;
    o.type = Type::ref;
    o.ref = r;
    return o;
}
Object Object::string(std::string bytes, bool hex) {
    Object o;
    o.type = Type::string;
    o.text = std::move(bytes);
    o.hexString = hex;
    return o;
}
Object Object::array(std::vector<Object> items) {
    Object o;
    o.type = Type::array;
    o.items = std::move(items);
    return o;
}
Object Object::dictionary() {
    Object o;
    o.type = Type::dict;
    return o;
}

const Object* Object::get(std::string_view key) const noexcept {
    if (type != Type::dict) {
        return nullptr;
    }
    for (const auto& [k, v] : entries) {
        if (k == key) {
            return &v;
        }
    }
    return nullptr;
}

void Object::set(std::string key, Object value) {
    for (auto& [k, v] : entries) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    entries.push_back(DictEntry{std::move(key), std::move(value)});
}

void Parser::skipWhitespace() {
    while (m_pos < m_data.size()) {
        const char c = m_data[m_pos];
        if (isPdfWhitespace(c)) {
            ++m_pos;
        } else if (c == '%') {
            while (m_pos < m_data.size() && m_data[m_pos] != '\n' && m_data[m_pos] != '\r') {
                ++m_pos;
            }
        } else {
            return;
        }
    }
}

bool Parser::atDelimiterOrEnd(std::size_t at) const noexcept {
    return at >= m_data.size() || isPdfWhitespace(m_data[at]) || isPdfDelimiter(m_data[at]);
}

bool Parser::consumeKeyword(std::string_view keyword) {
    skipWhitespace();
    if (m_data.substr(m_pos, keyword.size()) != keyword ||
        !atDelimiterOrEnd(m_pos + keyword.size())) {
        return false;
    }
    m_pos += keyword.size();
    return true;
}

std::optional<long long> Parser::parseUnsigned() {
    skipWhitespace();
    std::size_t end = m_pos;
    while (end < m_data.size() && end - m_pos < 19 && m_data[end] >= '0' && m_data[end] <= '9') {
        ++end;
    }
    if (end == m_pos || !atDelimiterOrEnd(end)) {
        return std::nullopt;
    }
    long long value = 0;
    std::from_chars(m_data.data() + m_pos, m_data.data() + end, value);
    m_pos = end;
    return value;
}

boost::system::result<Object> Parser::parseObject() {
    return parseValue(0);
}

boost::system::result<Object> Parser::parseValue(int depth) {
    if (depth > kMaxDepth) {
        return SignatureErrc::unsupportedPdf;
    }
    skipWhitespace();
    if (m_pos >= m_data.size()) {
        return SignatureErrc::malformedPdf;
    }
    const char c = m_data[m_pos];
    if (c == '<' && m_data.substr(m_pos, 2) == "<<") {
        m_pos += 2;
        Object dict = Object::dictionary();
        for (;;) {
            skipWhitespace();
            if (m_data.substr(m_pos, 2) == ">>") {
                m_pos += 2;
                return dict;
            }
            if (m_pos >= m_data.size() || m_data[m_pos] != '/' ||
                dict.entries.size() >= kMaxContainerItems) {
                return SignatureErrc::malformedPdf;
            }
            auto key = parseName();
            if (!key) {
                return key.error();
            }
            auto value = parseValue(depth + 1);
            if (!value) {
                return value.error();
            }
            dict.set(std::move(key->text), std::move(*value));
        }
    }
    if (c == '[') {
        ++m_pos;
        Object array = Object::array({});
        for (;;) {
            skipWhitespace();
            if (m_pos < m_data.size() && m_data[m_pos] == ']') {
                ++m_pos;
                return array;
            }
            if (array.items.size() >= kMaxContainerItems) {
                return SignatureErrc::malformedPdf;
            }
            auto value = parseValue(depth + 1);
            if (!value) {
                return value.error();
            }
            array.items.push_back(std::move(*value));
        }
    }
    if (c == '(') {
        return parseLiteralString();
    }
    if (c == '<') {
        return parseHexString();
    }
    if (c == '/') {
        return parseName();
    }
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
        return parseNumberOrRef();
    }
    Object keyword;
    if (consumeKeyword("true")) {
        keyword.type = Object::Type::boolean;
        keyword.boolean = true;
        return keyword;
    }
    if (consumeKeyword("false")) {
        keyword.type = Object::Type::boolean;
        return keyword;
    }
    if (consumeKeyword("null")) {
        return keyword;
    }
    return SignatureErrc::malformedPdf;
}

boost::system::result<Object> Parser::parseLiteralString() {
    ++m_pos; // '('
    std::string out;
    int nesting = 1;
    while (m_pos < m_data.size()) {
        char c = m_data[m_pos++];
        if (c == '(') {
            ++nesting;
        } else if (c == ')') {
            if (--nesting == 0) {
                return Object::string(std::move(out));
            }
        } else if (c == '\\') {
            if (m_pos >= m_data.size()) {
                break;
            }
            c = m_data[m_pos++];
            switch (c) {
            case 'n':
                out.push_back('\n');
                continue;
            case 'r':
                out.push_back('\r');
                continue;
            case 't':
                out.push_back('\t');
                continue;
            case 'b':
                out.push_back('\b');
                continue;
            case 'f':
                out.push_back('\f');
                continue;
            case '\r':
                if (m_pos < m_data.size() && m_data[m_pos] == '\n') {
                    ++m_pos;
                }
                continue;
            case '\n':
                continue;
            default:
                break;
            }
            if (c >= '0' && c <= '7') {
                int value = c - '0';
                for (int i = 0;
                     i < 2 && m_pos < m_data.size() && m_data[m_pos] >= '0' && m_data[m_pos] <= '7';
                     ++i) {
                    value = value * 8 + (m_data[m_pos++] - '0');
                }
                out.push_back(static_cast<char>(value & 0xFF));
                continue;
            }
            out.push_back(c); // \( \) \\ and unknown escapes: the character itself
            continue;
        } else if (c == '\r') {
            if (m_pos < m_data.size() && m_data[m_pos] == '\n') {
                ++m_pos;
            }
            c = '\n';
        }
        out.push_back(c);
    }
    return SignatureErrc::malformedPdf;
}

boost::system::result<Object> Parser::parseHexString() {
    ++m_pos; // '<'
    std::string out;
    int high = -1;
    while (m_pos < m_data.size()) {
        const char c = m_data[m_pos++];
        if (c == '>') {
            if (high >= 0) {
                out.push_back(static_cast<char>(high << 4));
            }
            return Object::string(std::move(out), true);
        }
        if (isPdfWhitespace(c)) {
            continue;
        }
        const int v = detail::hexDigitValue(c);
        if (v < 0) {
            return SignatureErrc::malformedPdf;
        }
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<char>(high << 4 | v));
            high = -1;
        }
    }
    return SignatureErrc::malformedPdf;
}

boost::system::result<Object> Parser::parseName() {
    ++m_pos; // '/'
    std::string out;
    while (!atDelimiterOrEnd(m_pos)) {
        const char c = m_data[m_pos++];
        if (c == '#') {
            const int high = m_pos < m_data.size() ? detail::hexDigitValue(m_data[m_pos]) : -1;
            const int low =
                m_pos + 1 < m_data.size() ? detail::hexDigitValue(m_data[m_pos + 1]) : -1;
            if (high < 0 || low < 0) {
                return SignatureErrc::malformedPdf;
            }
            out.push_back(static_cast<char>(high << 4 | low));
            m_pos += 2;
        } else {
            out.push_back(c);
        }
    }
    return Object::name(std::move(out));
}

boost::system::result<Object> Parser::parseNumberOrRef() {
    const std::size_t start = m_pos;
    std::size_t end = m_pos;
    bool real = false;
    if (m_data[end] == '+' || m_data[end] == '-') {
        ++end;
    }
    std::size_t digits = 0;
    while (end < m_data.size() &&
           ((m_data[end] >= '0' && m_data[end] <= '9') || (m_data[end] == '.' && !real))) {
        real = real || m_data[end] == '.';
        ++digits;
        ++end;
    }
    if (digits == 0 || digits > 32 || !atDelimiterOrEnd(end)) {
        return SignatureErrc::malformedPdf;
    }
    const std::string token(m_data.substr(start, end - start));
    m_pos = end;
    if (real) {
        Object o;
        o.type = Object::Type::real;
        o.real = std::strtod(token.c_str(), nullptr);
        return o;
    }
    long long value = 0;
    const char* first = token.c_str() + (token[0] == '+' ? 1 : 0);
    if (std::from_chars(first, token.c_str() + token.size(), value).ec != std::errc{}) {
        return SignatureErrc::malformedPdf;
    }
    // "num gen R": look ahead without consuming anything else.
    if (token[0] != '+' && token[0] != '-' && value <= 0x7FFFFFFF) {
        const std::size_t save = m_pos;
        const auto gen = parseUnsigned();
        if (gen && *gen <= 65535 && consumeKeyword("R")) {
            return Object::reference({static_cast<int>(value), static_cast<int>(*gen)});
        }
        m_pos = save;
    }
    return Object::integerValue(value);
}

std::string serialize(const Object& object) {
    switch (object.type) {
    case Object::Type::null:
        return "null";
    case Object::Type::boolean:
        return object.boolean ? "true" : "false";
    case Object::Type::integer:
        return std::to_string(object.integer);
    case Object::Type::real: {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.6f", object.real);
        return buffer;
    }
    case Object::Type::string: {
        std::string out;
        if (object.hexString) {
            static constexpr char kDigits[] = "0123456789ABCDEF";
            out = "<";
            for (const char c : object.text) {
                const auto u = static_cast<unsigned char>(c);
                out.push_back(kDigits[u >> 4]);
                out.push_back(kDigits[u & 0xF]);
            }
            return out + ">";
        }
        out = "(";
        for (const char c : object.text) {
            const auto u = static_cast<unsigned char>(c);
            if (c == '(' || c == ')' || c == '\\') {
                out.push_back('\\');
                out.push_back(c);
            } else if (u < 0x20 || u >= 0x7F) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\%03o", u);
                out += buffer;
            } else {
                out.push_back(c);
            }
        }
        return out + ")";
    }
    case Object::Type::name: {
        std::string out = "/";
        for (const char c : object.text) {
            const auto u = static_cast<unsigned char>(c);
            if (isRegularNameChar(u)) {
                out.push_back(c);
            } else {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "#%02X", u);
                out += buffer;
            }
        }
        return out;
    }
    case Object::Type::array: {
        std::string out = "[";
        for (std::size_t i = 0; i < object.items.size(); ++i) {
            out += (i == 0 ? "" : " ") + serialize(object.items[i]);
        }
        return out + "]";
    }
    case Object::Type::dict: {
        std::string out = "<<";
        for (const auto& [key, value] : object.entries) {
            out += serialize(Object::name(key)) + " " + serialize(value) + "\n";
        }
        return out + ">>";
    }
    case Object::Type::ref:
        return std::to_string(object.ref.num) + " " + std::to_string(object.ref.gen) + " R";
    }
    return "null";
}

Object textString(std::string_view utf8) {
    bool ascii = true;
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        ascii = ascii && u >= 0x20 && u < 0x7F;
    }
    if (ascii) {
        return Object::string(std::string(utf8));
    }
    std::string out = "\xFE\xFF";
    for (std::size_t i = 0; i < utf8.size();) {
        const auto lead = static_cast<unsigned char>(utf8[i]);
        const int length = lead < 0x80         ? 1
                           : (lead >> 5) == 6  ? 2
                           : (lead >> 4) == 14 ? 3
                           : (lead >> 3) == 30 ? 4
                                               : 0;
        char32_t cp = 0xFFFD;
        if (length == 1) {
            cp = lead;
        } else if (length > 1 && i + static_cast<std::size_t>(length) <= utf8.size()) {
            cp = lead & (0x7F >> length);
            bool valid = true;
            for (int k = 1; k < length; ++k) {
                const auto next = static_cast<unsigned char>(utf8[i + static_cast<std::size_t>(k)]);
                valid = valid && (next >> 6) == 2;
                cp = cp << 6 | (next & 0x3F);
            }
            if (!valid || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                cp = 0xFFFD;
            }
        }
        appendUtf16(out, cp);
        i += static_cast<std::size_t>(length > 0 ? length : 1);
    }
    return Object::string(std::move(out), true);
}

} // namespace tc::prescriptions::pdf

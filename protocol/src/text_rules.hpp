#pragma once
// The one rule for the text the protocol carries (message fields, request ids, certificate
// display names): no control characters. That is C0 (U+0000-U+001F), DEL (U+007F) and C1
// (U+0080-U+009F, the bytes C2 80 to C2 9F in UTF-8). Free text may keep TAB, LF and CR;
// names and ids may not.

#include <cstddef>
#include <string_view>

namespace tc::protocol::detail {

enum class LineBreaks { allowed, refused };

// Whether `utf8` holds a control character. The text is valid UTF-8 (nlohmann/json and
// ASN1_STRING_to_UTF8 guarantee it), so a C1 control is exactly a C2 byte followed by 80-9F.
constexpr bool hasControlCharacter(std::string_view utf8, LineBreaks breaks) noexcept {
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c == '\t' || c == '\n' || c == '\r') {
            if (breaks == LineBreaks::refused) {
                return true;
            }
            continue;
        }
        if (c < 0x20 || c == 0x7F) {
            return true;
        }
        if (c == 0xC2 && i + 1 < utf8.size()) {
            const auto next = static_cast<unsigned char>(utf8[i + 1]);
            if (next >= 0x80 && next <= 0x9F) {
                return true;
            }
        }
    }
    return false;
}

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
constexpr bool isValidUtf8(std::string_view text) noexcept {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80; // bounds of the second byte
        unsigned char high = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            low = c == 0xE0 ? 0xA0 : 0x80;  // overlong
            high = c == 0xED ? 0x9F : 0xBF; // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            low = c == 0xF0 ? 0x90 : 0x80;  // overlong
            high = c == 0xF4 ? 0x8F : 0xBF; // above U+10FFFF
        } else {
            return false;
        }
        if (text.size() - i < length) {
            return false;
        }
        const auto second = static_cast<unsigned char>(text[i + 1]);
        if (second < low || second > high) {
            return false;
        }
        for (std::size_t k = 2; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if (next < 0x80 || next > 0xBF) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

} // namespace tc::protocol::detail

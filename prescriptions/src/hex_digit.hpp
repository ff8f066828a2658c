#pragma once
// A hexadecimal digit's value, either case: the PDF parser's hex strings and names, the
// signature gap check and PKCS#11 URIs' percent-escapes all read them.

namespace tc::prescriptions::detail {

// 0 to 15, or -1 when `c` is not a hex digit.
constexpr int hexDigitValue(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

} // namespace tc::prescriptions::detail

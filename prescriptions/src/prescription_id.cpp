#include "tc/prescriptions/prescription_id.hpp"

#include <openssl/rand.h>

namespace tc::prescriptions {
namespace {

// Crockford's base32 alphabet, then the five extra check symbols (values 32..36).
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";
constexpr std::size_t kGroup = 4;

int decodeSymbol(char c, bool checkPosition) noexcept {
    if (c >= 'a' && c <= 'z') {
        c = static_cast<char>(c - 'a' + 'A');
    }
    if (c == 'O') {
        return 0;
    }
    if (c == 'I' || c == 'L') {
        return 1;
    }
    const auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) {
        return -1;
    }
    if (pos >= 32 && !checkPosition) {
        return -1;
    }
    return static_cast<int>(pos);
}

int checkValue(const std::array<std::uint8_t, PrescriptionId::kDataSymbols>& symbols) noexcept {
    int remainder = 0;
    for (const auto s : symbols) {
        remainder = (remainder * 32 + s) % 37;
    }
    return remainder;
}

} // namespace

Result<PrescriptionId> PrescriptionId::generate() {
    std::array<unsigned char, (kBits + 7) / 8> raw{};
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
        return Errc::randomFailure;
    }
    std::array<std::uint8_t, kDataSymbols> symbols{};
    for (std::size_t i = 0; i < kDataSymbols; ++i) {
        std::uint8_t value = 0;
        for (std::size_t b = 0; b < 5; ++b) {
            const std::size_t bit = i * 5 + b;
            const int set = (raw[bit / 8] >> (7 - bit % 8)) & 1;
            value = static_cast<std::uint8_t>((value << 1) | set);
        }
        symbols[i] = value;
    }
    return PrescriptionId(symbols);
}

Result<PrescriptionId> PrescriptionId::parse(std::string_view text) {
    std::string compact;
    compact.reserve(text.size());
    for (const char c : text) {
        if (c != '-') {
            compact.push_back(c);
        }
    }
    if (compact.size() != kDataSymbols + 1) {
        return Errc::idWrongLength;
    }
    std::array<std::uint8_t, kDataSymbols> symbols{};
    for (std::size_t i = 0; i < kDataSymbols; ++i) {
        const int value = decodeSymbol(compact[i], false);
        if (value < 0) {
            return Errc::idInvalidCharacter;
        }
        symbols[i] = static_cast<std::uint8_t>(value);
    }
    const int check = decodeSymbol(compact.back(), true);
    if (check < 0) {
        return Errc::idInvalidCharacter;
    }
    if (check != checkValue(symbols)) {
        return Errc::idCheckMismatch;
    }
    return PrescriptionId(symbols);
}

std::string PrescriptionId::toString() const {
    std::string plain;
    plain.reserve(kDataSymbols + 1);
    for (const auto s : m_symbols) {
        plain.push_back(kAlphabet[s]);
    }
    plain.push_back(kAlphabet[static_cast<std::size_t>(checkValue(m_symbols))]);
    std::string out;
    for (std::size_t i = 0; i < plain.size(); ++i) {
        if (i > 0 && i % kGroup == 0) {
            out.push_back('-');
        }
        out.push_back(plain[i]);
    }
    return out;
}

bool PrescriptionId::isNil() const noexcept {
    for (const auto s : m_symbols) {
        if (s != 0) {
            return false;
        }
    }
    return true;
}

} // namespace tc::prescriptions

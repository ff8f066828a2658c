#pragma once
// Prescription identifiers: 135 random bits (OpenSSL RAND_bytes) written as 27 Crockford base32
// symbols plus one check symbol (the value modulo 37, Crockford's check alphabet), in seven
// groups of four: "7KQM-2W9D-XH4T-...-R3G*". Parsing ignores case and hyphens, reads I/L as 1
// and O as 0 (Crockford's decoding), and refuses any other typo with a typed error: modulo 37,
// a prime above 32, catches every single substituted symbol and every swap of two neighbours.

#include "tc/prescriptions/errors.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tc::prescriptions {

class PrescriptionId {
public:
    static constexpr std::size_t kDataSymbols = 27;
    static constexpr std::size_t kBits = kDataSymbols * 5;

    // The nil identifier (all zeros); a prescription never carries it once drafted.
    PrescriptionId() = default;

    // A new random identifier; fails only if the CSPRNG does.
    static Result<PrescriptionId> generate();
    // Errc::idWrongLength, idInvalidCharacter or idCheckMismatch on bad input.
    static Result<PrescriptionId> parse(std::string_view text);

    // Canonical form: upper case, grouped by four with hyphens, check symbol last.
    std::string toString() const;
    // The 27 data symbols' values (0..31).
    const std::array<std::uint8_t, kDataSymbols>& symbols() const noexcept { return m_symbols; }
    bool isNil() const noexcept;

    friend bool operator==(const PrescriptionId&, const PrescriptionId&) = default;
    friend auto operator<=>(const PrescriptionId&, const PrescriptionId&) = default;

private:
    explicit PrescriptionId(const std::array<std::uint8_t, kDataSymbols>& symbols)
        : m_symbols(symbols) {}

    std::array<std::uint8_t, kDataSymbols> m_symbols{};
};

} // namespace tc::prescriptions

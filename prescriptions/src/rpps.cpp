#include "tc/prescriptions/rpps.hpp"

namespace tc::prescriptions {
namespace {

bool allDigits(std::string_view text) noexcept {
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

} // namespace

std::optional<char> rppsCheckDigit(std::string_view firstTenDigits) noexcept {
    if (firstTenDigits.size() != 10 || !allDigits(firstTenDigits)) {
        return std::nullopt;
    }
    // Luhn: from the right of the payload, every first digit is doubled (the check digit will
    // sit to its right), and digits of doubled values are summed.
    int sum = 0;
    bool doubleIt = true;
    for (auto it = firstTenDigits.rbegin(); it != firstTenDigits.rend(); ++it) {
        int digit = *it - '0';
        if (doubleIt) {
            digit *= 2;
            if (digit > 9) {
                digit -= 9;
            }
        }
        sum += digit;
        doubleIt = !doubleIt;
    }
    return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool isValidRpps(std::string_view rpps) noexcept {
    if (rpps.size() != 11) {
        return false;
    }
    const auto key = rppsCheckDigit(rpps.substr(0, 10));
    return key.has_value() && *key == rpps[10];
}

std::optional<std::string> completeRpps(std::string_view firstTenDigits) {
    const auto key = rppsCheckDigit(firstTenDigits);
    if (!key) {
        return std::nullopt;
    }
    return std::string(firstTenDigits) + *key;
}

} // namespace tc::prescriptions

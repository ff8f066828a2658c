#include "tc/prescriptions/rpps.hpp"

#include <algorithm>
#include <cctype>

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

namespace {

// The value of attribute `name` (case-insensitive) in an RFC 2253 name; commas escaped with a
// backslash stay inside values.
std::optional<std::string_view> attribute(std::string_view subject, std::string_view name) {
    std::size_t start = 0;
    while (start < subject.size()) {
        std::size_t end = start;
        while (end < subject.size() && !(subject[end] == ',' && subject[end - 1] != '\\')) {
            ++end;
        }
        const std::string_view part = subject.substr(start, end - start);
        const auto eq = part.find('=');
        if (eq == name.size() &&
            std::equal(name.begin(), name.end(), part.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            })) {
            return part.substr(eq + 1);
        }
        start = end + 1;
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> rppsNamedInSubject(std::string_view subject) {
    if (const auto serial = attribute(subject, "serialNumber");
        serial && serial->size() == 11 && allDigits(*serial)) {
        return std::string(*serial);
    }
    const auto common = attribute(subject, "CN");
    if (!common) {
        return std::nullopt;
    }
    std::size_t i = 0;
    while (i < common->size()) {
        if (!allDigits(common->substr(i, 1))) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < common->size() && allDigits(common->substr(j, 1))) {
            ++j;
        }
        const std::string_view run = common->substr(i, j - i);
        if (run.size() == 11) {
            return std::string(run);
        }
        if (run.size() == 12 && run.front() == '8') {
            return std::string(run.substr(1));
        }
        i = j;
    }
    return std::nullopt;
}

} // namespace tc::prescriptions

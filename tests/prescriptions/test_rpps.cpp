#include "tc/prescriptions/rpps.hpp"

#include <catch2/catch.hpp>

using namespace tc::prescriptions;

// An independent Luhn check, written the textbook way (sum over all 11 digits, doubling every
// second digit from the right, total divisible by 10), to cross-check the implementation.
static bool textbookLuhn(const std::string& digits) {
    int sum = 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        int d = digits[digits.size() - 1 - i] - '0';
        if (i % 2 == 1) {
            d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        }
        sum += d;
    }
    return sum % 10 == 0;
}

TEST_CASE("RPPS check digits: known vectors", "[rpps]") {
    // 1010123456, rightmost first: 6 5 4 3 2 1 0 1 0 1; doubling 6,4,2,0,0 gives 3,8,4,0,0;
    // with 5,3,1,1,1 the sum is 26, so the key is (10 - 6) % 10 = 4.
    CHECK(completeRpps("1010123456") == std::optional<std::string>("10101234564"));
    CHECK(isValidRpps("10101234564"));
    CHECK_FALSE(isValidRpps("10101234565"));
    CHECK(rppsCheckDigit("0000000000") == '0');
}

TEST_CASE("RPPS validation agrees with a textbook Luhn check", "[rpps]") {
    const auto payload = GENERATE(as<std::string>{}, "1000000000", "1234567890", "9999999999",
                                  "8000123456", "1010101010", "2000000000");
    const auto full = completeRpps(payload);
    REQUIRE(full);
    CHECK(textbookLuhn(*full));
    CHECK(isValidRpps(*full));
    // Every single-digit substitution of the key is refused.
    for (char c = '0'; c <= '9'; ++c) {
        std::string altered = *full;
        altered.back() = c;
        CHECK(isValidRpps(altered) == (c == full->back()));
    }
}

TEST_CASE("RPPS: malformed input", "[rpps]") {
    CHECK_FALSE(isValidRpps(""));
    CHECK_FALSE(isValidRpps("1010123456"));   // 10 digits
    CHECK_FALSE(isValidRpps("101012345640")); // 12 digits
    CHECK_FALSE(isValidRpps("1010123456a"));
    CHECK_FALSE(isValidRpps(" 0101234564"));
    CHECK_FALSE(completeRpps("101012345x"));
    CHECK_FALSE(rppsCheckDigit("123"));
}

TEST_CASE("RPPS named by a certificate's subject", "[rpps]") {
    // The development PKI's form: serialNumber.
    CHECK(rppsNamedInSubject("CN=Dr Claire Martin,serialNumber=10101234564,OU=doctor,O=x") ==
          std::optional<std::string>("10101234564"));
    CHECK(rppsNamedInSubject("cn=Dr A,SERIALNUMBER=10101234564") ==
          std::optional<std::string>("10101234564"));
    // A CPS certificate's form: the national identifier (8 + RPPS) in the common name.
    CHECK(rppsNamedInSubject("CN=810101234564/Martin Claire,O=CPS") ==
          std::optional<std::string>("10101234564"));
    CHECK(rppsNamedInSubject("CN=10101234564 Martin") ==
          std::optional<std::string>("10101234564"));
    // An escaped comma stays inside the value.
    CHECK(rppsNamedInSubject("CN=Martin\\, Claire 810101234564,O=x") ==
          std::optional<std::string>("10101234564"));
    // None: no digits, a serial number that is no RPPS, runs of other lengths.
    CHECK_FALSE(rppsNamedInSubject("CN=Dr Marie Curie,O=telecabine").has_value());
    CHECK_FALSE(rppsNamedInSubject("CN=Dr A,serialNumber=42").has_value());
    CHECK_FALSE(rppsNamedInSubject("CN=Dr A 1234567890,O=x").has_value());
    CHECK_FALSE(rppsNamedInSubject("CN=Dr A 910101234564").has_value());
    CHECK_FALSE(rppsNamedInSubject("").has_value());
}

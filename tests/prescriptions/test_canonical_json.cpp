#include "tc/prescriptions/canonical_json.hpp"

#include <array>
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <unistd.h>

using namespace tc::prescriptions;

namespace {

double fromBits(std::uint64_t bits) {
    return std::bit_cast<double>(bits);
}

std::string canonical(std::string_view text) {
    const auto out = canonicalizeJsonText(text);
    REQUIRE(out.has_value());
    return *out;
}

} // namespace

TEST_CASE("JCS numbers: RFC 8785 appendix B vectors", "[jcs]") {
    const std::pair<std::uint64_t, const char*> vectors[] = {
        {0x0000000000000000, "0"},
        {0x8000000000000000, "0"}, // minus zero
        {0x0000000000000001, "5e-324"},
        {0x8000000000000001, "-5e-324"},
        {0x7fefffffffffffff, "1.7976931348623157e+308"},
        {0xffefffffffffffff, "-1.7976931348623157e+308"},
        {0x4340000000000000, "9007199254740992"},
        {0xc340000000000000, "-9007199254740992"},
        {0x4430000000000000, "295147905179352830000"},
        {0x44b52d02c7e14af5, "9.999999999999997e+22"},
        {0x44b52d02c7e14af6, "1e+23"},
        {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
        {0x444b1ae4d6e2ef4e, "999999999999999700000"},
        {0x444b1ae4d6e2ef4f, "999999999999999900000"},
        {0x444b1ae4d6e2ef50, "1e+21"},
        {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
        {0x3eb0c6f7a0b5ed8d, "0.000001"},
        {0x41b3de4355555553, "333333333.3333332"},
        {0x41b3de4355555554, "333333333.33333325"},
        {0x41b3de4355555555, "333333333.3333333"},
        {0x41b3de4355555556, "333333333.3333334"},
        {0x41b3de4355555557, "333333333.33333343"},
        {0xbecbf647612f3696, "-0.0000033333333333333333"},
        {0x43143ff3c1cb0959, "1424953923781206.2"},
    };
    for (const auto& [bits, expected] : vectors) {
        INFO(std::hex << bits);
        CHECK(ecmaNumberString(fromBits(bits)) == std::optional<std::string>(expected));
    }
    CHECK_FALSE(ecmaNumberString(fromBits(0x7fffffffffffffff))); // NaN
    CHECK_FALSE(ecmaNumberString(fromBits(0x7ff0000000000000))); // Infinity
    CHECK_FALSE(ecmaNumberString(-std::numeric_limits<double>::infinity()));
}

TEST_CASE("JCS numbers: the task's examples and the exponent boundaries", "[jcs]") {
    CHECK(*ecmaNumberString(1e21) == "1e+21");
    CHECK(*ecmaNumberString(1e20) == "100000000000000000000");
    CHECK(*ecmaNumberString(1e-7) == "1e-7");
    CHECK(*ecmaNumberString(1e-6) == "0.000001");
    CHECK(*ecmaNumberString(4.50) == "4.5");
    CHECK(*ecmaNumberString(2e-3) == "0.002");
    CHECK(*ecmaNumberString(-0.0) == "0");
    CHECK(*ecmaNumberString(123.456e5) == "12345600");
    CHECK(*ecmaNumberString(1.5e300) == "1.5e+300");
    CHECK(*ecmaNumberString(0.1) == "0.1");
    CHECK(*ecmaNumberString(-1.25e-10) == "-1.25e-10");
}

TEST_CASE("JCS: RFC 8785 section 3.2.2 example", "[jcs]") {
    const char* input = R"({
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
})";
    const std::string expected =
        "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
        "\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
    CHECK(canonical(input) == expected);
}

TEST_CASE("JCS: member names sort by UTF-16 code units (RFC 8785 section 3.2.3)", "[jcs]") {
    const char* input = R"({
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
})";
    // UTF-8 byte order would put U+FB33 before U+1F600; UTF-16 puts the surrogates (D83D) first.
    const std::string expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":"
                                 "\"Control\",\"\xC3\xB6\":\"Latin Small Letter O With "
                                 "Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\",\"\xF0\x9F\x98\x80\":"
                                 "\"Emoji: Grinning Face\",\"\xEF\xAC\xB3\":\"Hebrew Letter "
                                 "Dalet With Dagesh\"}";
    CHECK(canonical(input) == expected);
}

TEST_CASE("JCS: nesting, escapes and whitespace", "[jcs]") {
    CHECK(canonical(" { \"b\" : [ 1 , { \"z\":1, \"a\":2 } ], \"a\" : \"x\" } ") ==
          R"({"a":"x","b":[1,{"a":2,"z":1}]})");
    CHECK(canonical(R"("\u0000\u001f\u007f\b\t")") == "\"\\u0000\\u001f\x7f\\b\\t\"");
    CHECK(canonical("[]") == "[]");
    CHECK(canonical("{}") == "{}");
    CHECK(canonical("12345678901234567890") == "12345678901234567000"); // nearest double
    CHECK(canonical("-0") == "0");
}

TEST_CASE("JCS: bad input gets a typed error", "[jcs]") {
    const auto errc = [](std::string_view text) {
        const auto r = canonicalizeJsonText(text);
        REQUIRE_FALSE(r.has_value());
        return static_cast<Errc>(r.error().value());
    };
    CHECK(errc(R"({"a":1,"a":2})") == Errc::duplicateKey);
    CHECK(errc(R"({"x":{"a":1,"b":{"a":3},"a":2}})") == Errc::duplicateKey);
    CHECK(errc("{\"a\":1") == Errc::malformedJson);
    CHECK(errc("\"\\ud800\"") == Errc::malformedJson);  // lone surrogate
    CHECK(errc("\"\xC3\x28\"") == Errc::malformedJson); // invalid UTF-8
    // Built in code, not parsed: the serialiser itself refuses.
    nlohmann::json bad = std::string("\xC0\xAF"); // overlong '/'
    CHECK(static_cast<Errc>(canonicalJson(bad).error().value()) == Errc::invalidUtf8);
    nlohmann::json nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(static_cast<Errc>(canonicalJson(nan).error().value()) == Errc::nonFiniteNumber);
    nlohmann::json badKey = {{std::string("\xED\xA0\x80"), 1}}; // encoded surrogate
    CHECK(static_cast<Errc>(canonicalJson(badKey).error().value()) == Errc::invalidUtf8);
}

// Independent peer: ECMAScript itself. Node's Number.prototype.toString (through JSON.stringify,
// which RFC 8785 defines numbers by) on thousands of random doubles of every magnitude.
TEST_CASE("JCS numbers agree with node's JSON.stringify", "[jcs][node]") {
    if (std::system("node --version > /dev/null 2>&1") != 0) {
        FAIL("node (Debian package nodejs) is required as the ECMAScript reference");
    }
    std::mt19937_64 random(20240503);
    std::vector<double> values;
    while (values.size() < 5000) {
        const double v = std::bit_cast<double>(random());
        if (std::isfinite(v)) {
            values.push_back(v);
        }
    }
    // Also short decimals of every exponent, where the 21-digit and 1e-6 rules bite.
    for (int e = -30; e <= 30; ++e) {
        for (const double m : {1.0, 1.5, 4.5, 123.456, 9.999999999999999}) {
            values.push_back(m * std::pow(10.0, e));
        }
    }
    char dir[] = "/tmp/tc_jcs_XXXXXX";
    REQUIRE(mkdtemp(dir) != nullptr);
    const std::string inPath = std::string(dir) + "/bits.txt";
    const std::string outPath = std::string(dir) + "/out.txt";
    {
        std::ofstream in(inPath);
        for (const double v : values) {
            in << std::hex << std::bit_cast<std::uint64_t>(v) << "\n";
        }
    }
    const std::string script =
        "const fs=require('fs');const b=Buffer.alloc(8);"
        "const out=fs.readFileSync(process.argv[1],'utf8').trim().split('\\n').map(h=>{"
        "b.writeBigUInt64BE(BigInt('0x'+h));return JSON.stringify(b.readDoubleBE(0));});"
        "fs.writeFileSync(process.argv[2],out.join('\\n')+'\\n');";
    const std::string command =
        "node -e \"" + script + "\" " + inPath + " " + outPath + " > /dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
    std::ifstream out(outPath);
    std::string line;
    std::size_t i = 0;
    std::size_t mismatches = 0;
    while (std::getline(out, line) && i < values.size()) {
        const auto ours = ecmaNumberString(values[i]);
        if (!ours || *ours != line) {
            ++mismatches;
            UNSCOPED_INFO(std::hex << std::bit_cast<std::uint64_t>(values[i]) << ": node " << line
                                   << ", ours " << ours.value_or("none"));
        }
        ++i;
    }
    CHECK(i == values.size());
    CHECK(mismatches == 0);
    std::remove(inPath.c_str());
    std::remove(outPath.c_str());
    rmdir(dir);
}

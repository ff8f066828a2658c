#include "fixtures.hpp"
#include "tc/prescriptions/prescription_id.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace tc::prescriptions;

namespace {
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

Errc errcOf(const Result<PrescriptionId>& r) {
    REQUIRE_FALSE(r.has_value());
    return static_cast<Errc>(r.error().value());
}
} // namespace

TEST_CASE("Prescription id: known vectors from an independent implementation", "[id]") {
    for (const char* text : {test::kAdultId, test::kChildId}) {
        const auto id = PrescriptionId::parse(text);
        REQUIRE(id.has_value());
        CHECK(id->toString() == text);
    }
    // The nil identifier: 27 zeros, and 0 mod 37 is the check symbol '0'.
    CHECK(PrescriptionId().toString() == "0000-0000-0000-0000-0000-0000-0000");
    CHECK(PrescriptionId().isNil());
}

TEST_CASE("Prescription id: generated ids round trip and are distinct", "[id]") {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const auto id = PrescriptionId::generate();
        REQUIRE(id.has_value());
        const auto text = id->toString();
        CHECK(text.size() == 28 + 6);
        const auto back = PrescriptionId::parse(text);
        REQUIRE(back.has_value());
        CHECK(*back == *id);
        CHECK_FALSE(id->isNil());
        seen.insert(text);
    }
    CHECK(seen.size() == 200);
    static_assert(PrescriptionId::kBits >= 128);
}

TEST_CASE("Prescription id: every single substituted symbol is detected", "[id]") {
    const auto id = PrescriptionId::generate();
    REQUIRE(id.has_value());
    std::string compact;
    for (const char c : id->toString()) {
        if (c != '-') {
            compact.push_back(c);
        }
    }
    int tried = 0;
    for (std::size_t pos = 0; pos < compact.size(); ++pos) {
        const std::string_view alphabet =
            pos + 1 == compact.size() ? "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U" : kAlphabet;
        for (const char c : alphabet) {
            if (c == compact[pos]) {
                continue;
            }
            std::string altered = compact;
            altered[pos] = c;
            CHECK(errcOf(PrescriptionId::parse(altered)) == Errc::idCheckMismatch);
            ++tried;
        }
    }
    CHECK(tried == 27 * 31 + 36);
}

TEST_CASE("Prescription id: swapped neighbours are detected", "[id]") {
    const auto id = PrescriptionId::parse(test::kAdultId);
    REQUIRE(id.has_value());
    std::string compact;
    for (const char c : id->toString()) {
        if (c != '-') {
            compact.push_back(c);
        }
    }
    for (std::size_t pos = 0; pos + 2 < compact.size(); ++pos) {
        if (compact[pos] == compact[pos + 1]) {
            continue;
        }
        std::string swapped = compact;
        std::swap(swapped[pos], swapped[pos + 1]);
        CHECK(errcOf(PrescriptionId::parse(swapped)) == Errc::idCheckMismatch);
    }
}

TEST_CASE("Prescription id: case, hyphens and Crockford aliases are tolerated", "[id]") {
    const std::string canonical = test::kAdultId;
    std::string lower;
    for (const char c : canonical) {
        lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
    std::string compact;
    for (const char c : canonical) {
        if (c != '-') {
            compact.push_back(c);
        }
    }
    for (const auto& text : {lower, compact}) {
        const auto id = PrescriptionId::parse(text);
        REQUIRE(id.has_value());
        CHECK(id->toString() == canonical);
    }
    // "1" may be read as I or L, "0" as O: the id "9ZZZ-0000-1111-..." parses written either way.
    const auto aliased = PrescriptionId::parse("9ZZZ-OoOO-IiLl-2222-3333-4444-55GB");
    REQUIRE(aliased.has_value());
    CHECK(aliased->toString() == test::kChildId);
}

TEST_CASE("Prescription id: malformed input gets a typed error", "[id]") {
    CHECK(errcOf(PrescriptionId::parse("")) == Errc::idWrongLength);
    CHECK(errcOf(PrescriptionId::parse("7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1A")) ==
          Errc::idWrongLength);
    CHECK(errcOf(PrescriptionId::parse("7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1AHH")) ==
          Errc::idWrongLength);
    CHECK(errcOf(PrescriptionId::parse("7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1UH")) ==
          Errc::idInvalidCharacter); // U is a check symbol only
    CHECK(errcOf(PrescriptionId::parse("7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1 H")) ==
          Errc::idInvalidCharacter);
    CHECK(errcOf(PrescriptionId::parse("7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1A!")) ==
          Errc::idInvalidCharacter);
    CHECK(errcOf(PrescriptionId::parse("7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1Aé")) ==
          Errc::idWrongLength); // two bytes of UTF-8
}

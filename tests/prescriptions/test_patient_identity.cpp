// The patient identity from the cabin: INS keys (Corsica included), trait checks with typed
// refusals, strict JSON both ways, and the doctor's marked corrections.
#include "support/catch_result.hpp"
#include "support/test_patient.hpp"
#include "tc/prescriptions/patient_identity.hpp"

#include <catch2/catch.hpp>

using namespace tc::prescriptions;
using namespace std::chrono;

namespace {

constexpr year_month_day kToday{year(2026), month(12), day(6)};

PatientIdentity jeanne() {
    return tc::test::jeanneDupont();
}

IdentityErrc errcOf(const IdentityResult<void>& result) {
    REQUIRE(result.has_error());
    return static_cast<IdentityErrc>(result.error().code.value());
}

} // namespace

TEST_CASE("the INS key is 97 less the number modulo 97, with 2A read as 19 and 2B as 18",
          "[identity]") {
    CHECK(insKeyOf("2690499350101") == "90");
    CHECK(insKeyOf("1850575123456") == "73");
    CHECK(insKeyOf("185052A004123") == "56");
    CHECK(insKeyOf("185052B004123") == "83");
    CHECK(insKeyOf("7790199999123") == "83");
    CHECK_FALSE(insKeyOf("18505751234").has_value());   // too short
    CHECK_FALSE(insKeyOf("1850575123X56").has_value()); // a letter outside the département
    CHECK_FALSE(insKeyOf("18505A2004123").has_value()); // A where 2A cannot be
    CHECK(fhirSystemOf(InsSystem::nir) == "urn:oid:1.2.250.1.213.1.4.8");
    CHECK(oidOf(InsSystem::testNia) == "1.2.250.1.213.1.4.11");
}

TEST_CASE("a well-formed identity is accepted, in each status", "[identity]") {
    auto p = jeanne();
    CHECK(validateIdentity(p, kToday).has_value());
    CHECK(p.displayFamilyName() == "MARTIN");
    CHECK(p.displayFirstName() == "Jeanne");
    p.status = IdentityStatus::provisional;
    CHECK(validateIdentity(p, kToday).has_value());
    p.ins.reset();
    p.status = IdentityStatus::unverified;
    p.source = IdentitySource::assistant;
    CHECK(validateIdentity(p, kToday).has_value());
    auto corsican = jeanne();
    corsican.sex = Sex::male;
    corsican.birthPlaceCode = "2A004";
    corsican.ins = Ins{InsSystem::nir, "185052A004123", "56"};
    CHECK(validateIdentity(corsican, kToday).has_value());
}

TEST_CASE("bad identities get typed refusals naming the field", "[identity]") {
    SECTION("impossible dates") {
        auto p = jeanne();
        p.birthDate = year_month_day{year(1955), month(2), day(30)};
        CHECK(errcOf(validateIdentity(p, kToday)) == IdentityErrc::impossibleDate);
        p.birthDate = year_month_day{year(2027), month(1), day(1)};
        CHECK(errcOf(validateIdentity(p, kToday)) == IdentityErrc::impossibleDate);
        p.birthDate = year_month_day{year(1850), month(1), day(1)};
        const auto result = validateIdentity(p, kToday);
        CHECK(errcOf(result) == IdentityErrc::impossibleDate);
        CHECK(result.error().field == "birth_date");
    }
    SECTION("an INS whose key is wrong") {
        auto p = jeanne();
        p.ins->key = "67";
        const auto result = validateIdentity(p, kToday);
        CHECK(errcOf(result) == IdentityErrc::insKeyMismatch);
        CHECK(result.error().field == "ins/key");
        p.ins->key = "6";
        CHECK(errcOf(validateIdentity(p, kToday)) == IdentityErrc::insMalformed);
        p.ins->key = "66";
        p.ins->number = "255037505607";
        CHECK(errcOf(validateIdentity(p, kToday)) == IdentityErrc::insMalformed);
    }
    SECTION("control characters and invalid UTF-8") {
        for (const std::string& bad :
             std::vector<std::string>{"DU\tPONT", "DUPONT\n", std::string("DU\0PONT", 7),
                                      "DU\x7fPONT", "DU\xc2\x85PONT", "DU\xff", "DU\xc3"}) {
            auto p = jeanne();
            p.birthName = bad;
            CHECK(errcOf(validateIdentity(p, kToday)) == IdentityErrc::controlCharacter);
        }
        auto p = jeanne();
        p.firstNames[1] = "Ma\x1brie";
        const auto result = validateIdentity(p, kToday);
        CHECK(errcOf(result) == IdentityErrc::controlCharacter);
        CHECK(result.error().field == "first_names/1");
        p = jeanne();
        p.birthName = "DUPONT-LEFÈVRE D'ARC"; // accents, hyphens, apostrophes are names
        CHECK(validateIdentity(p, kToday).has_value());
    }
    SECTION("the INS against the sex and its system; qualified needs an INS") {
        auto p = jeanne();
        p.sex = Sex::male;
        CHECK(errcOf(validateIdentity(p, kToday)) == IdentityErrc::insSexMismatch);
        p = jeanne();
        p.ins = Ins{InsSystem::nir, "7790199999123", "83"};
        CHECK(errcOf(validateIdentity(p, kToday)) == IdentityErrc::insSystemMismatch);
        p.ins->system = InsSystem::nia;
        CHECK(validateIdentity(p, kToday).has_value());
        p.ins.reset();
        CHECK(errcOf(validateIdentity(p, kToday)) == IdentityErrc::qualifiedWithoutIns);
    }
    SECTION("names and birth place") {
        auto p = jeanne();
        p.firstNames.clear();
        CHECK(errcOf(validateIdentity(p, kToday)) == IdentityErrc::missingName);
        p = jeanne();
        p.birthName = std::string(101, 'A');
        CHECK(errcOf(validateIdentity(p, kToday)) == IdentityErrc::nameTooLong);
        p = jeanne();
        p.birthPlaceCode = "7505";
        CHECK(errcOf(validateIdentity(p, kToday)) == IdentityErrc::birthPlaceMalformed);
        p.birthPlaceCode = "2C004";
        CHECK(errcOf(validateIdentity(p, kToday)) == IdentityErrc::birthPlaceMalformed);
    }
}

TEST_CASE("the identity's JSON is strict and round-trips", "[identity]") {
    const auto p = jeanne();
    const auto json = toJson(p);
    CHECK(json.at("ins").at("system") == "test_nir");
    CHECK(json.at("status") == "qualified");
    const auto back = identityFromJson(json, kToday);
    REQUIRE(back.has_value());
    CHECK(*back == p);

    auto unknown = json;
    unknown["nickname"] = "Jeannot";
    auto result = identityFromJson(unknown, kToday);
    REQUIRE(result.has_error());
    CHECK(result.error().code == IdentityErrc::malformed);
    CHECK(result.error().field == "nickname");

    auto wrongType = json;
    wrongType["first_names"] = "Jeanne";
    CHECK(identityFromJson(wrongType, kToday).error().code == IdentityErrc::malformed);

    auto badDate = json;
    badDate["birth_date"] = "1955-02-30";
    CHECK(identityFromJson(badDate, kToday).error().code == IdentityErrc::impossibleDate);

    auto badKey = json;
    badKey["ins"]["key"] = "01";
    CHECK(identityFromJson(badKey, kToday).error().code == IdentityErrc::insKeyMismatch);

    auto badStatus = json;
    badStatus["status"] = "trusted";
    CHECK(identityFromJson(badStatus, kToday).error().code == IdentityErrc::malformed);

    auto noIns = json;
    noIns["ins"] = nullptr;
    noIns["status"] = "unverified";
    REQUIRE(identityFromJson(noIns, kToday).has_value());
    CHECK_FALSE(identityFromJson(noIns, kToday)->ins.has_value());
}

TEST_CASE("only a non-qualified identity is corrected, and each correction is marked",
          "[identity]") {
    const auto qualified = jeanne();
    auto changed = qualified;
    changed.birthName = "DURAND";
    const auto refused = correctIdentity(qualified, changed, kToday);
    REQUIRE(refused.has_error());
    CHECK(refused.error().code == IdentityErrc::correctionRefused);

    auto provisional = jeanne();
    provisional.status = IdentityStatus::provisional;
    changed = provisional;
    changed.firstNames = {"Jeanne", "Marie", "Louise"};
    changed.birthDate = year_month_day{year(1955), month(3), day(13)};
    changed.status = IdentityStatus::qualified; // the doctor cannot raise the trust
    const auto corrected = correctIdentity(provisional, changed, kToday);
    REQUIRE(corrected.has_value());
    CHECK(corrected->status == IdentityStatus::provisional);
    CHECK(corrected->correctedFields == std::vector<std::string>{"first_names", "birth_date"});
    CHECK(corrected->firstNames.size() == 3);

    // A correction that makes it invalid is refused like any bad identity.
    changed = provisional;
    changed.birthDate = year_month_day{year(2030), month(1), day(1)};
    CHECK(correctIdentity(provisional, changed, kToday).error().code ==
          IdentityErrc::impossibleDate);
}

#include "support/catch_result.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "tc/protocol/identity.hpp"

#include <vector>

using namespace tc::protocol;

TEST_CASE("roles round-trip by name", "[identity]") {
    for (const auto role : {Role::cabin, Role::doctor, Role::coordinator, Role::service}) {
        CHECK(roleFromString(toString(role)) == role);
    }
    CHECK(roleFromString("admin").error() == Errc::badIdentity);
    CHECK(roleFromString("").error() == Errc::badIdentity);
}

TEST_CASE("identity rules per role", "[identity]") {
    const auto rpps = *tc::prescriptions::completeRpps("8000123456");
    CHECK(validateIdentity({Role::doctor, rpps, "Dr Anne Leroy"}));
    CHECK(validateIdentity({Role::coordinator, rpps, "CPTS Nièvre", "CPTS-58"}));
    std::string badKey = rpps;
    badKey.back() = badKey.back() == '9' ? '0' : static_cast<char>(badKey.back() + 1);
    CHECK(validateIdentity({Role::doctor, badKey, "Dr X"}).error() == Errc::invalidRpps);
    CHECK(validateIdentity({Role::doctor, "FR-NEV-01", "Dr X"}).error() == Errc::invalidRpps);
    CHECK(validateIdentity({Role::cabin, "FR-NEV-GARE-01", "Cabine gare de Nevers"}));
    CHECK(validateIdentity({Role::cabin, "fr-nev", "Cabine"}).error() == Errc::badIdentity);
    CHECK(validateIdentity({Role::cabin, "AB", "Cabine"}).error() == Errc::badIdentity);
    CHECK(validateIdentity({Role::cabin, std::string(33, 'A'), "Cabine"}).error() ==
          Errc::badIdentity);
    CHECK(validateIdentity({Role::cabin, "FR-1", std::string(129, 'a')}).error() ==
          Errc::badIdentity);
    // No control character in a display name: C0, DEL or C1 (U+0080-U+009F).
    for (const std::string control : {"\x01", "\t", "\x7f", "\xc2\x80", "\xc2\x85", "\xc2\x9f"}) {
        CHECK(validateIdentity({Role::cabin, "FR-1", "Cabine" + control + "1"}).error() ==
              Errc::badIdentity);
    }
    CHECK(validateIdentity({Role::cabin, "FR-NEV-01", "Cabine \xc2\xa0gare \xc3\xa0 Nevers"}));
    CHECK(validateIdentity({Role::service, "rendezvous", "service"}));
    CHECK(validateIdentity({Role::service, "Rendez Vous", "service"}).error() == Errc::badIdentity);
    CHECK(identityFromCertificate(nullptr).error() == Errc::noCertificate);
    CHECK(identityFromCertificatePem("garbage").error() == Errc::badIdentity);
}

TEST_CASE("a coordinator names a valid CPTS and no other role names one", "[identity]") {
    const auto rpps = *tc::prescriptions::completeRpps("8000123456");
    CHECK(validateIdentity({Role::coordinator, rpps, "Coord"}).error() == Errc::invalidCpts);
    for (const std::string& bad :
         std::vector<std::string>{"AB", "cpts-58", "CPTS 58", std::string(33, 'C'), "CPTS:58"}) {
        INFO(bad);
        CHECK(validateIdentity({Role::coordinator, rpps, "Coord", bad}).error() ==
              Errc::invalidCpts);
    }
    CHECK(validateIdentity({Role::coordinator, rpps, "Coord", std::string(32, 'C')}));
    CHECK(validateIdentity({Role::doctor, rpps, "Dr X", "CPTS-58"}).error() ==
          Errc::unexpectedCpts);
    CHECK(validateIdentity({Role::cabin, "FR-NEV-01", "Cabine", "CPTS-58"}).error() ==
          Errc::unexpectedCpts);
    CHECK(validateIdentity({Role::service, "rendezvous", "service", "CPTS-58"}).error() ==
          Errc::unexpectedCpts);
    CHECK(isValidCptsId("CPTS-DEMO"));
    CHECK_FALSE(isValidCptsId(""));
}

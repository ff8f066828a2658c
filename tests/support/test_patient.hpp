#pragma once
// The patient whose identity the suites pass around (check-in, claim, records): Jeanne Marie
// DUPONT, used name MARTIN, born on 12 March 1955 in Paris, with a test NIR whose key checks.

#include "tc/prescriptions/patient_identity.hpp"

namespace tc::test {

inline prescriptions::PatientIdentity
jeanneDupont(prescriptions::IdentityStatus status = prescriptions::IdentityStatus::qualified) {
    using namespace prescriptions;
    PatientIdentity p;
    p.birthName = "DUPONT";
    p.usedName = "MARTIN";
    p.firstNames = {"Jeanne", "Marie"};
    p.birthDate = std::chrono::year_month_day{std::chrono::year(1955), std::chrono::month(3),
                                              std::chrono::day(12)};
    p.sex = Sex::female;
    p.birthPlaceCode = "75056";
    p.ins = Ins{InsSystem::testNir, "2550375056078", "66"};
    p.status = status;
    p.source = IdentitySource::carteVitale;
    return p;
}

} // namespace tc::test

#include "validation_checks.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace tc::prescriptions;
using namespace std::chrono;
using test::check;
using test::requireOnly;
using test::ymd;

TEST_CASE("Validation: the fixtures are valid", "[validation]") {
    for (const auto& p : {test::adultPrescription(), test::childPrescription()}) {
        const auto report = check(p);
        for (const auto& issue : report.issues) {
            UNSCOPED_INFO(wireName(issue.code)
                          << " at " << issue.location << ": " << issue.messageFr);
        }
        CHECK(report.issues.empty());
    }
}

TEST_CASE("Validation: issue codes have unique wire names and both languages", "[validation]") {
    std::set<std::string_view> wires;
    for (const auto& info : allIssueCodes()) {
        CHECK(wires.insert(info.wire).second);
        CHECK(issueCodeFromWireName(info.wire) == info.code);
        CHECK_FALSE(info.messageFr.empty());
        CHECK_FALSE(info.messageEn.empty());
    }
    CHECK(wireName(IssueCode::missingDuration) == "missing_duration");
    CHECK_FALSE(issueCodeFromWireName("no_such_rule"));
}

TEST_CASE("Validation: empty prescription", "[validation]") {
    auto p = test::adultPrescription();
    p.lines.clear();
    requireOnly(p, IssueCode::emptyPrescription, "/lines");
}

TEST_CASE("Validation: missing prescriber fields, each at its field", "[validation]") {
    const std::pair<void (*)(Prescriber&), const char*> cases[] = {
        {[](Prescriber& p) { p.familyName = " "; }, "/prescriber/familyName"},
        {[](Prescriber& p) { p.givenName.clear(); }, "/prescriber/givenName"},
        {[](Prescriber& p) { p.qualification.clear(); }, "/prescriber/qualification"},
        {[](Prescriber& p) { p.rpps.clear(); }, "/prescriber/rpps"},
        {[](Prescriber& p) {
             p.address.lines = {"", " "};
         },
         "/prescriber/address/lines"},
        {[](Prescriber& p) { p.address.postalCode.clear(); }, "/prescriber/address/postalCode"},
        {[](Prescriber& p) { p.address.city.clear(); }, "/prescriber/address/city"},
        {[](Prescriber& p) { p.address.country.clear(); }, "/prescriber/address/country"},
        {[](Prescriber& p) { p.telephone.clear(); }, "/prescriber/telephone"},
        {[](Prescriber& p) { p.email.clear(); }, "/prescriber/email"},
    };
    for (const auto& [mutate, location] : cases) {
        auto p = test::adultPrescription();
        mutate(p.prescriber);
        requireOnly(p, IssueCode::missingField, location);
    }
}

TEST_CASE("Validation: missing patient fields and prescription id", "[validation]") {
    auto p = test::adultPrescription();
    p.patient.familyName.clear();
    requireOnly(p, IssueCode::missingField, "/patient/familyName");
    p = test::adultPrescription();
    p.patient.givenName.clear();
    requireOnly(p, IssueCode::missingField, "/patient/givenName");
    p = test::adultPrescription();
    p.patient.sex = Sex::unknown;
    requireOnly(p, IssueCode::missingField, "/patient/sex");
    p = test::adultPrescription();
    p.id = PrescriptionId();
    requireOnly(p, IssueCode::missingField, "/id");
    p = test::adultPrescription();
    p.issuedAt = sys_seconds{};
    requireOnly(p, IssueCode::missingField, "/issuedAt");
}

TEST_CASE("Validation: RPPS format and check digit", "[validation]") {
    auto p = test::adultPrescription();
    p.prescriber.rpps = "1010123456";
    requireOnly(p, IssueCode::malformedRpps, "/prescriber/rpps");
    p.prescriber.rpps = "1010123456a";
    requireOnly(p, IssueCode::malformedRpps, "/prescriber/rpps");
    p.prescriber.rpps = "10101234565";
    requireOnly(p, IssueCode::rppsCheckDigit, "/prescriber/rpps");
}

TEST_CASE("Validation: telephone in E.164 form", "[validation]") {
    for (const char* bad : {"0123456789", "+33 1 23 45 67 89", "+330123456789", "+3312345678",
                            "+0123456789", "+1234567890123456", "+33a23456789"}) {
        auto p = test::adultPrescription();
        p.prescriber.telephone = bad;
        INFO(bad);
        requireOnly(p, IssueCode::invalidPhone, "/prescriber/telephone");
    }
    for (const char* good : {"+33612345678", "+590590123456", "+14155550100", "+4930123456"}) {
        auto p = test::adultPrescription();
        p.prescriber.telephone = good;
        INFO(good);
        CHECK(check(p).issues.empty());
    }
}

TEST_CASE("Validation: e-mail address", "[validation]") {
    for (const char* bad : {"claire", "claire@", "@example.fr", "claire@example", "a@@b.fr",
                            "claire martin@example.fr", "claire@exa_mple.fr", "claire@-x.fr",
                            ".claire@example.fr", "cl..aire@example.fr", "claire@example..fr"}) {
        auto p = test::adultPrescription();
        p.prescriber.email = bad;
        INFO(bad);
        requireOnly(p, IssueCode::invalidEmail, "/prescriber/email");
    }
    auto p = test::adultPrescription();
    p.prescriber.email = "dr.claire-martin+rx@medecin.mssante.fr";
    CHECK(check(p).issues.empty());
}

TEST_CASE("Validation: country code and French postal code", "[validation]") {
    auto p = test::adultPrescription();
    p.prescriber.address.country = "France";
    requireOnly(p, IssueCode::invalidCountry, "/prescriber/address/country");
    p = test::adultPrescription();
    p.prescriber.address.postalCode = "7502";
    requireOnly(p, IssueCode::invalidPostalCode, "/prescriber/address/postalCode");
    p.prescriber.address.country = "BE"; // other countries' formats are not checked
    p.prescriber.address.postalCode = "1000";
    CHECK(check(p).issues.empty());
}

TEST_CASE("Validation: dates", "[validation]") {
    auto p = test::adultPrescription();
    p.date = ymd(2024, 2, 30);
    requireOnly(p, IssueCode::invalidDate, "/date");
    p = test::adultPrescription();
    p.date = ymd(2024, 5, 5); // two days after the issue instant
    requireOnly(p, IssueCode::dateInconsistent, "/date");
    p = test::adultPrescription();
    p.issuedAt = sys_days(ymd(2024, 5, 2)) + hours(23); // 01:00 in Paris on 3 May
    CHECK(check(p).issues.empty());
    p = test::adultPrescription();
    p.patient.birthDate = ymd(1970, 13, 1);
    requireOnly(p, IssueCode::invalidDate, "/patient/birthDate");
}

TEST_CASE("Validation: date of birth in the future", "[validation]") {
    auto p = test::adultPrescription();
    p.patient.birthDate = ymd(2024, 5, 4);
    requireOnly(p, IssueCode::birthDateInFuture, "/patient/birthDate");
}

TEST_CASE("Validation: implausible age", "[validation]") {
    auto p = test::adultPrescription();
    p.patient.birthDate = ymd(1890, 1, 1);
    requireOnly(p, IssueCode::implausibleAge, "/patient/birthDate");
}

TEST_CASE("Validation: a child without a weight", "[validation]") {
    auto p = test::adultPrescription();
    p.patient.birthDate = ymd(2006, 5, 4); // 17 the day before the 18th birthday
    p.patient.weightKg.reset();
    requireOnly(p, IssueCode::childWithoutWeight, "/patient/weightKg");
    p.patient.birthDate = ymd(2006, 5, 3); // 18 on the prescription date: an adult
    CHECK(check(p).issues.empty());
}

TEST_CASE("Validation: implausible weight and height", "[validation]") {
    auto p = test::adultPrescription();
    p.patient.weightKg = 785;
    requireOnly(p, IssueCode::implausibleWeight, "/patient/weightKg");
    p = test::adultPrescription();
    p.patient.heightCm = 1.8; // metres typed as centimetres
    requireOnly(p, IssueCode::implausibleHeight, "/patient/heightCm");
}

TEST_CASE("Validation: age in years", "[validation]") {
    CHECK(ageInYears(ymd(2000, 3, 15), ymd(2024, 3, 14)) == 23);
    CHECK(ageInYears(ymd(2000, 3, 15), ymd(2024, 3, 15)) == 24);
    CHECK(ageInYears(ymd(2004, 2, 29), ymd(2023, 2, 28)) == 18);
    CHECK(ageInYears(ymd(2004, 2, 29), ymd(2023, 3, 1)) == 19);
    CHECK(ageInYears(ymd(2004, 2, 29), ymd(2024, 2, 29)) == 20);
    CHECK(ageInYears(ymd(2004, 2, 29), ymd(2023, 1, 31)) == 18);
}

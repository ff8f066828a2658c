#include "validation_checks.hpp"

#include <catch2/catch.hpp>

using namespace tc::prescriptions;
using test::check;
using test::requireOnly;
using test::ymd;

namespace {

MedicationLine& med(Prescription& p, std::size_t i) {
    return std::get<MedicationLine>(p.lines[i]);
}

} // namespace

TEST_CASE("Lines: missing duration", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 0).dosage.duration.reset();
    const auto& issue = requireOnly(p, IssueCode::missingDuration, "/lines/0/dosage/duration");
    CHECK(issue.severity == Severity::error);
    CHECK(issue.messageFr == "Durée du traitement manquante");
    CHECK(issue.messageEn == "Treatment duration missing");
}

TEST_CASE("Lines: missing and invalid frequency", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 0).dosage.frequency.reset();
    requireOnly(p, IssueCode::missingFrequency, "/lines/0/dosage/frequency");
    med(p, 0).dosage.frequency = Frequency{FrequencyKind::timesPerDay, 0};
    requireOnly(p, IssueCode::invalidFrequency, "/lines/0/dosage/frequency/value");
    med(p, 0).dosage.frequency = Frequency{FrequencyKind::everyHours, 200};
    requireOnly(p, IssueCode::invalidFrequency, "/lines/0/dosage/frequency/value");
}

TEST_CASE("Lines: an unknown unit, wherever it is", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 0).dosage.dose.unit = "gelule";
    requireOnly(p, IssueCode::unknownUnit, "/lines/0/dosage/dose/unit");
    p = test::adultPrescription();
    med(p, 0).strength.amounts[0].unit = "MG"; // UCUM codes are case-sensitive
    requireOnly(p, IssueCode::unknownUnit, "/lines/0/strength/amounts/0/unit");
    p = test::childPrescription();
    med(p, 0).strength.per->unit = "ml";
    requireOnly(p, IssueCode::unknownUnit, "/lines/0/strength/per/unit");
    p = test::adultPrescription();
    med(p, 0).dispense.quantity->unit = "caps";
    requireOnly(p, IssueCode::unknownUnit, "/lines/0/dispense/quantity/unit");
    p = test::adultPrescription();
    med(p, 0).dosage.dose.unit.clear();
    requireOnly(p, IssueCode::missingField, "/lines/0/dosage/dose/unit");
}

TEST_CASE("Lines: strength units, components and values", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 0).strength.amounts[0].unit = "mL";
    const auto report = check(p);
    CHECK(report.has(IssueCode::invalidStrengthUnit, "/lines/0/strength/amounts/0/unit"));
    p = test::childPrescription();
    med(p, 0).strength.per->unit = "mg";
    requireOnly(p, IssueCode::invalidStrengthUnit, "/lines/0/strength/per/unit");
    p = test::adultPrescription();
    med(p, 0).strength.amounts.push_back(Quantity{125, "mg"});
    requireOnly(p, IssueCode::strengthComponentMismatch, "/lines/0/strength/amounts");
    p = test::adultPrescription();
    med(p, 0).strength.amounts.clear();
    requireOnly(p, IssueCode::missingField, "/lines/0/strength/amounts");
    p = test::adultPrescription();
    med(p, 0).strength.amounts[0].value = 0;
    requireOnly(p, IssueCode::nonPositiveValue, "/lines/0/strength/amounts/0/value");
}

TEST_CASE("Lines: non-positive dose, duration, quantity and packs", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 0).dosage.dose.value = -1;
    requireOnly(p, IssueCode::nonPositiveValue, "/lines/0/dosage/dose/value");
    p = test::adultPrescription();
    med(p, 0).dosage.duration->value = 0;
    requireOnly(p, IssueCode::nonPositiveValue, "/lines/0/dosage/duration/value");
    p = test::adultPrescription();
    med(p, 0).dispense.quantity->value = 0;
    requireOnly(p, IssueCode::nonPositiveValue, "/lines/0/dispense/quantity/value");
    p = test::adultPrescription();
    med(p, 1).dispense.packs = 0;
    requireOnly(p, IssueCode::nonPositiveValue, "/lines/1/dispense/packs");
}

TEST_CASE("Lines: dose unit must fit the strength or the form", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 0).dosage.dose = Dose{2, "{tablet}", false}; // capsules, not tablets
    requireOnly(p, IssueCode::incompatibleDoseUnit, "/lines/0/dosage/dose/unit");
    p = test::adultPrescription();
    med(p, 0).dosage.dose = Dose{5, "mL", false}; // capsules have no volume
    requireOnly(p, IssueCode::incompatibleDoseUnit, "/lines/0/dosage/dose/unit");
    p = test::adultPrescription();
    med(p, 0).dosage.dose = Dose{1, "{capsule}", true}; // "per kg" of a count
    requireOnly(p, IssueCode::incompatibleDoseUnit, "/lines/0/dosage/dose/unit");
    p = test::adultPrescription();
    med(p, 0).dosage.dose = Dose{1000, "[iU]", false}; // IU of a substance dosed in mg
    requireOnly(p, IssueCode::incompatibleDoseUnit, "/lines/0/dosage/dose/unit");
    // Accepted: mL of a suspension dosed per mL, mg of a capsule, puffs of a per-puff inhaler.
    p = test::childPrescription();
    med(p, 0).dosage.dose = Dose{5, "mL", false};
    CHECK(check(p).issues.empty());
    p = test::adultPrescription();
    med(p, 0).dosage.dose = Dose{1, "g", false};
    CHECK(check(p).issues.empty());
}

TEST_CASE("Lines: quantity or packs, exactly one", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 0).dispense = Dispense{};
    requireOnly(p, IssueCode::missingQuantity, "/lines/0/dispense");
    med(p, 0).dispense = Dispense{Quantity{42, "{capsule}"}, 2};
    requireOnly(p, IssueCode::ambiguousQuantity, "/lines/0/dispense");
}

TEST_CASE("Lines: renewal count out of range", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 2).renewals = 12;
    auto report = check(p);
    CHECK(report.has(IssueCode::renewalsOutOfRange, "/lines/2/renewals"));
    med(p, 2).renewals = -1;
    requireOnly(p, IssueCode::renewalsOutOfRange, "/lines/2/renewals");
}

TEST_CASE("Lines: twelve months at most, renewals included", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 2).renewals = 4; // 3 months × 5
    requireOnly(p, IssueCode::durationExceedsLimit, "/lines/2/dosage/duration");
    med(p, 2).renewals = 3; // 3 months × 4 = 12 months exactly
    CHECK(check(p).issues.empty());
}

TEST_CASE("Lines: substance-specific maximum duration (tramadol, 12 weeks)",
          "[validation][lines]") {
    auto p = test::adultPrescription();
    auto t = test::medication("tramadol", {{Quantity{50, "mg"}}, std::nullopt}, Form::capsule,
                              {Dose{1, "{capsule}", false}, Frequency{FrequencyKind::everyHours, 6},
                               Duration{4, DurationUnit::week}, true});
    t.dispense.packs = 2;
    t.renewals = 2; // 12 weeks
    p.lines.push_back(t);
    CHECK(check(p).issues.empty());
    med(p, 5).renewals = 3; // 16 weeks
    const auto& issue = requireOnly(p, IssueCode::durationExceedsLimit, "/lines/5/dosage/duration");
    CHECK(issue.messageFr.find("12 semaines") != std::string::npos);
}

TEST_CASE("Lines: non substituable without its reason", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 2).nonSubstitutionReason.reset();
    requireOnly(p, IssueCode::nonSubstitutableWithoutReason, "/lines/2/nonSubstitutionReason");
    p = test::adultPrescription();
    med(p, 2).nonSubstitutable = false;
    requireOnly(p, IssueCode::reasonWithoutNonSubstitutable, "/lines/2/nonSubstitutionReason");
}

TEST_CASE("Lines: EFG only under 6, MTE only for listed substances", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 0).nonSubstitutable = true;
    med(p, 0).nonSubstitutionReason = NonSubstitutionReason::efg;
    requireOnly(p, IssueCode::efgNotApplicable, "/lines/0/nonSubstitutionReason");
    auto child = test::childPrescription(); // 4 years old: EFG is the right reason
    med(child, 0).nonSubstitutable = true;
    med(child, 0).nonSubstitutionReason = NonSubstitutionReason::efg;
    CHECK(check(child).issues.empty());
    med(p, 0).nonSubstitutionReason = NonSubstitutionReason::mte;
    const auto& issue =
        requireOnly(p, IssueCode::mteNotApplicable, "/lines/0/nonSubstitutionReason");
    CHECK(issue.severity == Severity::warning);
    med(p, 0).nonSubstitutionReason = NonSubstitutionReason::cif;
    CHECK(check(p).issues.empty());
}

TEST_CASE("Lines: weight-based dose without a weight", "[validation][lines]") {
    auto p = test::adultPrescription();
    p.patient.weightKg.reset();
    med(p, 0).dosage.dose = Dose{25, "mg", true};
    requireOnly(p, IssueCode::weightBasedDoseWithoutWeight, "/lines/0/dosage/dose/perKg");
}

TEST_CASE("Lines: a dose above the maximum daily dose", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 1).dosage.frequency = Frequency{FrequencyKind::everyHours, 4}; // 6 g of paracetamol
    const auto& issue = requireOnly(p, IssueCode::doseAboveMaximum, "/lines/1/dosage/dose");
    CHECK(issue.severity == Severity::error);
    CHECK(issue.messageFr.find("6000 mg/j > 4000 mg/j") != std::string::npos);
    CHECK(issue.messageFr.find("RCP Doliprane") != std::string::npos);
    // "Je dis bien": the prescriber confirms, the issue stays but as a warning.
    med(p, 1).doseConfirmed = true;
    const auto report = check(p);
    REQUIRE(report.issues.size() == 1);
    CHECK(report.issues[0].severity == Severity::warning);
    CHECK_FALSE(report.hasErrors());
}

TEST_CASE("Lines: paediatric maxima per kg, from mL of a suspension", "[validation][lines]") {
    auto p = test::childPrescription(); // 16 kg: paracétamol at most 80 mg/kg/day = 1280 mg
    med(p, 1).dosage.dose = Dose{15, "mL", false}; // 15 mL × 24 mg/mL × 4 = 1440 mg/day
    const auto& issue = requireOnly(p, IssueCode::doseAboveMaximum, "/lines/1/dosage/dose");
    CHECK(issue.messageFr.find("1440 mg/j > 1280 mg/j") != std::string::npos);
    med(p, 1).dosage.dose = Dose{13, "mL", false}; // 1248 mg/day
    CHECK(check(p).issues.empty());
    // A per-kg dose: amoxicilline 60 mg/kg twice a day = 120 mg/kg/day > 100 mg/kg/day.
    p = test::childPrescription();
    med(p, 0).dosage.dose = Dose{60, "mg", true};
    requireOnly(p, IssueCode::doseAboveMaximum, "/lines/0/dosage/dose");
}

TEST_CASE("Lines: each substance of a combination has its maximum", "[validation][lines]") {
    auto p = test::adultPrescription();
    auto c = test::medication("amoxicilline + acide clavulanique",
                              {{Quantity{1, "g"}, Quantity{125, "mg"}}, std::nullopt},
                              Form::filmCoatedTablet,
                              {Dose{1, "{tablet}", false}, Frequency{FrequencyKind::timesPerDay, 3},
                               Duration{7, DurationUnit::day}, false});
    c.dispense.packs = 2;
    p.lines.push_back(c);
    CHECK(check(p).issues.empty()); // 3 g + 375 mg: both at their maxima
    med(p, 5).dosage.frequency->value = 4;
    const auto report = check(p);
    CHECK(report.count(IssueCode::doseAboveMaximum) == 2); // amoxicilline and clavulanate
    // A mass dose names the first substance; the second follows the proportions.
    med(p, 5).dosage.dose = Dose{1, "g", false};
    med(p, 5).dosage.frequency->value = 3;
    CHECK(check(p).issues.empty());
    med(p, 5).strength.amounts.pop_back();
    requireOnly(p, IssueCode::strengthComponentMismatch, "/lines/5/strength/amounts");
}

TEST_CASE("Lines: micrograms per puff (salbutamol)", "[validation][lines]") {
    auto p = test::adultPrescription();
    auto s = test::medication("salbutamol", {{Quantity{100, "ug"}}, Quantity{1, "{puff}"}},
                              Form::inhalation,
                              {Dose{2, "{puff}", false}, Frequency{FrequencyKind::timesPerDay, 4},
                               Duration{1, DurationUnit::month}, true},
                              Route::inhalation);
    s.dispense.packs = 1;
    p.lines.push_back(s);
    CHECK(check(p).issues.empty());  // 800 µg/day
    med(p, 5).dosage.dose.value = 5; // 2000 µg/day > 1600
    requireOnly(p, IssueCode::doseAboveMaximum, "/lines/5/dosage/dose");
}

TEST_CASE("Lines: below the substance's minimum age", "[validation][lines]") {
    auto p = test::childPrescription(); // 4 years old
    auto d = test::medication("doxycycline", {{Quantity{100, "mg"}}, std::nullopt}, Form::tablet,
                              {Dose{1, "{tablet}", false}, Frequency{FrequencyKind::timesPerDay, 1},
                               Duration{10, DurationUnit::day}, false});
    d.dispense.packs = 1;
    p.lines.push_back(d);
    // 100 mg/day is also above 4 mg/kg/day for 16 kg (64 mg): two problems, both reported.
    const auto report = check(p);
    CHECK(report.has(IssueCode::belowMinimumAge, "/lines/3/dci"));
    CHECK(report.has(IssueCode::doseAboveMaximum, "/lines/3/dosage/dose"));
    CHECK(report.issues.size() == 2);
}

TEST_CASE("Lines: unknown substance, unusual form, missing form and route", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 0).dci = "amoxicillin-x";
    const auto& unknown = requireOnly(p, IssueCode::unknownDci, "/lines/0/dci");
    CHECK(unknown.severity == Severity::warning);
    p = test::adultPrescription();
    med(p, 0).dci.clear();
    requireOnly(p, IssueCode::missingField, "/lines/0/dci");
    p = test::adultPrescription();
    med(p, 1).form = Form::effervescentTablet; // listed for paracétamol: fine
    CHECK(check(p).issues.empty());
    med(p, 1).form = Form::filmCoatedTablet;
    requireOnly(p, IssueCode::formNotListed, "/lines/1/form");
    p = test::adultPrescription();
    med(p, 0).form.reset();
    auto report = check(p);
    CHECK(report.has(IssueCode::missingField, "/lines/0/form"));
    p = test::adultPrescription();
    med(p, 0).route.reset();
    requireOnly(p, IssueCode::missingField, "/lines/0/route");
}

TEST_CASE("Lines: non-drug lines need their text, referrals their specialty",
          "[validation][lines]") {
    auto p = test::adultPrescription();
    std::get<NonDrugLine>(p.lines[3]).text.clear();
    requireOnly(p, IssueCode::missingField, "/lines/3/text");
    p = test::adultPrescription();
    std::get<NonDrugLine>(p.lines[4]).specialty = " ";
    requireOnly(p, IssueCode::missingField, "/lines/4/specialty");
}

TEST_CASE("Lines: every problem is reported, not the first", "[validation][lines]") {
    auto p = test::adultPrescription();
    med(p, 0).dosage.duration.reset();
    med(p, 1).dosage.dose.unit = "pill";
    med(p, 2).renewals = 20;
    p.prescriber.rpps = "10101234565";
    p.patient.birthDate = ymd(2030, 1, 1);
    const auto report = check(p);
    CHECK(report.has(IssueCode::missingDuration, "/lines/0/dosage/duration"));
    CHECK(report.has(IssueCode::unknownUnit, "/lines/1/dosage/dose/unit"));
    CHECK(report.has(IssueCode::renewalsOutOfRange, "/lines/2/renewals"));
    CHECK(report.has(IssueCode::rppsCheckDigit, "/prescriber/rpps"));
    CHECK(report.has(IssueCode::birthDateInFuture, "/patient/birthDate"));
    CHECK(report.hasErrors());
}

#pragma once
// The ordonnance model (Code de la santé publique, article R5132-3): the prescriber, the
// patient, the dates and the lines (medications and non-drug orders).
//
// The model holds what the editor holds, including incomplete or wrong values: a unit is the
// UCUM code as chosen, an optional value may be missing. validate() (validation.hpp) says what
// is wrong, where; only a prescription without validation errors can be sealed
// (sealed_prescription.hpp).

#include "tc/prescriptions/prescription_id.hpp"
#include "tc/prescriptions/vocabulary.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tc::prescriptions {

// A value with a UCUM unit code (see vocabulary.hpp for the closed set).
struct Quantity {
    double value = 0;
    std::string unit;
    friend bool operator==(const Quantity&, const Quantity&) = default;
};

// Strength of a medication: one amount per active substance, in the order the DCI names them
// ("amoxicilline + acide clavulanique": 1 g, 125 mg), optionally per a quantity of the form
// (250 mg per 5 mL, 100 µg per puff).
struct Strength {
    std::vector<Quantity> amounts;
    std::optional<Quantity> per;
    friend bool operator==(const Strength&, const Strength&) = default;
};

// One administration. With perKg, the value is per kilogram of body weight (15 mg/kg).
struct Dose {
    double value = 0;
    std::string unit;
    bool perKg = false;
    friend bool operator==(const Dose&, const Dose&) = default;
};

// timesPerDay: `value` administrations a day; everyHours: one every `value` hours.
struct Frequency {
    FrequencyKind kind = FrequencyKind::timesPerDay;
    int value = 0;
    friend bool operator==(const Frequency&, const Frequency&) = default;
};

struct Duration {
    double value = 0;
    DurationUnit unit = DurationUnit::day;
    friend bool operator==(const Duration&, const Duration&) = default;
};

struct Dosage {
    Dose dose;
    std::optional<Frequency> frequency;
    std::optional<Duration> duration;
    bool asNeeded = false; // "si besoin": the frequency is then a maximum
    friend bool operator==(const Dosage&, const Dosage&) = default;
};

// What the pharmacist dispenses: a quantity of the form (30 tablets, 150 mL) or a number of
// packs; exactly one of the two.
struct Dispense {
    std::optional<Quantity> quantity;
    std::optional<int> packs;
    friend bool operator==(const Dispense&, const Dispense&) = default;
};

struct MedicationLine {
    std::string dci; // dénomination commune, as in the DCI table when it is listed there
    Strength strength;
    std::optional<Form> form;
    Dosage dosage;
    std::optional<Route> route;
    Dispense dispense;
    int renewals = 0; // "à renouveler N fois"
    bool nonSubstitutable = false;
    std::optional<NonSubstitutionReason> nonSubstitutionReason;
    // The prescriber confirms a dose above the table's maximum ("je dis bien"): the issue is
    // then a warning, not an error.
    bool doseConfirmed = false;
    std::string instructions; // free text for the patient
    friend bool operator==(const MedicationLine&, const MedicationLine&) = default;
};

// A laboratory test, an imaging exam or a referral (with the specialty).
struct NonDrugLine {
    NonDrugKind kind = NonDrugKind::laboratory;
    std::string text;
    std::string specialty; // referrals only; empty otherwise
    friend bool operator==(const NonDrugLine&, const NonDrugLine&) = default;
};

using Line = std::variant<MedicationLine, NonDrugLine>;

struct Address {
    std::vector<std::string> lines;
    std::string postalCode;
    std::string city;
    std::string country; // ISO 3166-1 alpha-2, "FR"
    friend bool operator==(const Address&, const Address&) = default;
};

struct Prescriber {
    std::string familyName;
    std::string givenName;
    std::string qualification; // "Médecin généraliste", "Pédiatre", ...
    std::string rpps;          // 11 digits with the Luhn key
    Address address;
    std::string telephone; // E.164: "+33123456789"
    std::string email;
    friend bool operator==(const Prescriber&, const Prescriber&) = default;
};

struct Patient {
    std::string familyName;
    std::string givenName;
    Sex sex = Sex::unknown;
    std::chrono::year_month_day birthDate{};
    std::optional<double> weightKg;
    std::optional<double> heightCm;
    friend bool operator==(const Patient&, const Patient&) = default;
};

struct Prescription {
    PrescriptionId id;
    // An amendment names the prescription it replaces and cancels.
    std::optional<PrescriptionId> replaces;
    std::chrono::year_month_day date{};  // the civil date written on the ordonnance
    std::chrono::sys_seconds issuedAt{}; // the instant it was issued, UTC
    Prescriber prescriber;
    Patient patient;
    std::vector<Line> lines;
    friend bool operator==(const Prescription&, const Prescription&) = default;
};

// Age in whole years on a date (the birthday counts from its day; 29 February births have their
// birthday on 1 March in common years). Negative when `on` is before the birth.
int ageInYears(std::chrono::year_month_day birth, std::chrono::year_month_day on) noexcept;

// Patients under this age are children: their weight is mandatory and paediatric maxima apply.
inline constexpr int kAdultAgeYears = 18;

} // namespace tc::prescriptions

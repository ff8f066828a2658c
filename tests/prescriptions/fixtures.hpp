#pragma once
// Shared test data: a valid adult prescription and a valid paediatric one, built in code (the
// JSON fixtures in tests/data/ must parse to exactly these).

#include "tc/prescriptions/dci_table.hpp"
#include "tc/prescriptions/prescription.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace tc::prescriptions::test {

// Identifiers whose check symbols were computed by an independent (Python) implementation.
inline constexpr const char* kAdultId = "7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1AH";
inline constexpr const char* kChildId = "9ZZZ-0000-1111-2222-3333-4444-55GB";

inline const DciTable& table() {
    const auto& loaded = DciTable::builtIn();
    REQUIRE(loaded.has_value());
    return *loaded;
}

inline std::chrono::year_month_day ymd(int y, unsigned m, unsigned d) {
    return std::chrono::year_month_day{std::chrono::year(y), std::chrono::month(m),
                                       std::chrono::day(d)};
}

// When the fixtures' documents are signed: the adult prescription's day, 11:14 in Paris.
inline const auto kSigningTime =
    std::chrono::sys_days(ymd(2024, 5, 3)) + std::chrono::hours(9) + std::chrono::minutes(14);

inline PrescriptionId parseId(const char* text) {
    auto id = PrescriptionId::parse(text);
    REQUIRE(id.has_value());
    return *id;
}

inline Prescriber prescriber() {
    Prescriber p;
    p.familyName = "Martin";
    p.givenName = "Claire";
    p.qualification = "Médecin généraliste";
    p.rpps = "10101234564";
    p.address = Address{{"Cabinet médical", "12 rue de la Paix"}, "75002", "Paris", "FR"};
    p.telephone = "+33123456789";
    p.email = "claire.martin@example.fr";
    return p;
}

// A medication line: what is taken and how; the dispensing and the rest are the caller's.
inline MedicationLine medication(std::string dci, Strength strength, Form form, Dosage dosage,
                                 Route route = Route::oral) {
    MedicationLine m;
    m.dci = std::move(dci);
    m.strength = std::move(strength);
    m.form = form;
    m.dosage = std::move(dosage);
    m.route = route;
    return m;
}

inline MedicationLine amoxicillinCapsules() {
    auto m = medication("amoxicilline", {{Quantity{500, "mg"}}, std::nullopt}, Form::capsule,
                        {Dose{2, "{capsule}", false}, Frequency{FrequencyKind::timesPerDay, 3},
                         Duration{7, DurationUnit::day}});
    m.dispense.quantity = Quantity{42, "{capsule}"};
    m.instructions = "Au milieu des repas.";
    return m;
}

inline MedicationLine paracetamolTablets() {
    auto m = medication("paracétamol", {{Quantity{1, "g"}}, std::nullopt}, Form::tablet,
                        {Dose{1, "{tablet}", false}, Frequency{FrequencyKind::everyHours, 6},
                         Duration{5, DurationUnit::day}, true});
    m.dispense.packs = 1;
    return m;
}

inline Prescription adultPrescription() {
    using namespace std::chrono;
    Prescription p;
    p.id = parseId(kAdultId);
    p.date = ymd(2024, 5, 3);
    p.issuedAt = sys_days(ymd(2024, 5, 3)) + hours(9) + minutes(12);
    p.prescriber = prescriber();
    p.patient = Patient{"Durand", "Paul", Sex::male, ymd(1970, 2, 14), 78.5, 180};
    auto levothyroxine =
        medication("lévothyroxine", {{Quantity{75, "ug"}}, std::nullopt}, Form::tablet,
                   {Dose{1, "{tablet}", false}, Frequency{FrequencyKind::timesPerDay, 1},
                    Duration{3, DurationUnit::month}});
    levothyroxine.dispense.packs = 3;
    levothyroxine.renewals = 3;
    levothyroxine.nonSubstitutable = true;
    levothyroxine.nonSubstitutionReason = NonSubstitutionReason::mte;
    p.lines = {amoxicillinCapsules(), paracetamolTablets(), levothyroxine,
               NonDrugLine{NonDrugKind::laboratory, "TSH, T4 libre", ""},
               NonDrugLine{NonDrugKind::referral, "Avis pour nodule thyroïdien", "Endocrinologie"}};
    return p;
}

// A 4-year-old, 16 kg: amoxicilline suspension 250 mg/5 mL at 25 mg/kg twice a day.
inline Prescription childPrescription() {
    using namespace std::chrono;
    Prescription p;
    p.id = parseId(kChildId);
    p.date = ymd(2024, 11, 20);
    p.issuedAt = sys_days(ymd(2024, 11, 20)) + hours(16) + minutes(45) + seconds(30);
    p.prescriber = prescriber();
    p.patient = Patient{"Durand", "Léa", Sex::female, ymd(2020, 7, 1), 16, 104.5};
    auto m =
        medication("amoxicilline", {{Quantity{250, "mg"}}, Quantity{5, "mL"}}, Form::oralSuspension,
                   {Dose{25, "mg", true}, Frequency{FrequencyKind::timesPerDay, 2},
                    Duration{6, DurationUnit::day}});
    m.dispense.packs = 1;
    // The table lookup ignores case and accents.
    auto para =
        medication("Paracetamol", {{Quantity{24, "mg"}}, Quantity{1, "mL"}}, Form::oralSuspension,
                   {Dose{15, "mg", true}, Frequency{FrequencyKind::everyHours, 6},
                    Duration{3, DurationUnit::day}, true});
    para.dispense.quantity = Quantity{100, "mL"};
    p.lines = {m, para, NonDrugLine{NonDrugKind::imaging, "Radiographie thoracique de face", ""}};
    return p;
}

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// The resources of type `type` in a FHIR bundle, in entry order.
inline std::vector<nlohmann::json> resources(const nlohmann::json& bundle,
                                             const std::string& type) {
    std::vector<nlohmann::json> out;
    for (const auto& entry : bundle["entry"]) {
        if (entry["resource"]["resourceType"] == type) {
            out.push_back(entry["resource"]);
        }
    }
    return out;
}

} // namespace tc::prescriptions::test

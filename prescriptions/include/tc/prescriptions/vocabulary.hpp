#pragma once
// The closed vocabularies of a prescription: units (UCUM codes), pharmaceutical forms, routes,
// sex, duration units, frequency kinds, the French non-substitution reasons and the kinds of
// non-drug lines. Each value has a stable wire name and French and English labels.

#include <optional>
#include <span>
#include <string_view>

namespace tc::prescriptions {

// ---- Units ------------------------------------------------------------------------------------

// What a unit measures. Amounts of different dimensions never convert into each other.
enum class Dimension { mass, volume, internationalUnit, drop, count };

enum class Unit {
    mg,
    g,
    ug,
    mL,
    internationalUnit, // "[iU]"
    drop,              // "[drp]"
    tablet,            // "{tablet}" and the other counted units are UCUM annotations of "1"
    capsule,
    sachet,
    puff,
    spray,
    application,
    suppository,
    ampoule,
    pack, // for dispensing quantities only ("{pack}": one box)
};

struct UnitInfo {
    Unit unit;
    std::string_view code; // UCUM code, the wire form
    Dimension dimension;
    double toBase; // factor to the dimension's base unit: mg for mass, mL for volume, else 1
    std::string_view labelFr;
    std::string_view labelEn;
};

std::span<const UnitInfo> allUnits() noexcept;
const UnitInfo& unitInfo(Unit unit) noexcept;
// The unit for a UCUM code, exactly as listed (case-sensitive: "mL", "[iU]", "ug").
std::optional<Unit> unitFromCode(std::string_view code) noexcept;

// ---- Enumerations with wire names ---------------------------------------------------------------

enum class Form {
    tablet,
    filmCoatedTablet,
    effervescentTablet,
    orodispersibleTablet,
    capsule,
    oralSolution,
    oralSuspension,
    syrup,
    oralDrops,
    powderForOralUse, // sachets
    suppository,
    inhalation,
    nasalSpray,
    eyeDrops,
    cream,
    ointment,
    gel,
    injection,
};

enum class Route {
    oral,
    sublingual,
    rectal,
    cutaneous,
    ophthalmic,
    auricular,
    nasal,
    inhalation,
    vaginal,
    subcutaneous,
    intramuscular,
    intravenous,
};

// FHIR AdministrativeGender's values.
enum class Sex { female, male, other, unknown };

enum class DurationUnit { day, week, month };

enum class FrequencyKind { timesPerDay, everyHours };

// The reasons of article L5125-23 CSP (arrêté du 12 novembre 2019) for "non substituable".
enum class NonSubstitutionReason {
    mte, // marge thérapeutique étroite
    efg, // enfant de moins de 6 ans, aucun générique à la forme galénique adaptée
    cif, // contre-indication formelle et démontrée à un excipient à effet notoire
};

enum class NonDrugKind { laboratory, imaging, referral };

struct FormInfo {
    Form value;
    std::string_view wire;
    std::string_view labelFr;
    std::string_view labelEn;
    // The unit a dose of this form is naturally counted in ({tablet}, mL, [drp], ...).
    Unit doseUnit;
};
std::span<const FormInfo> allForms() noexcept;
const FormInfo& formInfo(Form form) noexcept;

template <class Enum> struct Labelled {
    Enum value;
    std::string_view wire;
    std::string_view labelFr;
    std::string_view labelEn;
};

std::span<const Labelled<Route>> allRoutes() noexcept;
std::span<const Labelled<Sex>> allSexes() noexcept;
std::span<const Labelled<DurationUnit>> allDurationUnits() noexcept; // wire names are UCUM
std::span<const Labelled<FrequencyKind>> allFrequencyKinds() noexcept;
std::span<const Labelled<NonSubstitutionReason>> allNonSubstitutionReasons() noexcept;
std::span<const Labelled<NonDrugKind>> allNonDrugKinds() noexcept;

std::string_view wireName(Form v) noexcept;
std::string_view wireName(Route v) noexcept;
std::string_view wireName(Sex v) noexcept;
std::string_view wireName(DurationUnit v) noexcept;
std::string_view wireName(FrequencyKind v) noexcept;
std::string_view wireName(NonSubstitutionReason v) noexcept;
std::string_view wireName(NonDrugKind v) noexcept;

std::string_view labelFr(Route v) noexcept;
std::string_view labelEn(Route v) noexcept;
std::string_view labelFr(NonSubstitutionReason v) noexcept;
std::string_view labelFr(NonDrugKind v) noexcept;

// Looks a value up by its wire name in any of the tables above.
template <class Enum, class Table>
std::optional<Enum> fromWireName(const Table& table, std::string_view wire) noexcept {
    for (const auto& entry : table) {
        if (entry.wire == wire) {
            return entry.value;
        }
    }
    return std::nullopt;
}

// Days in a duration unit, for legal limits (a month counts 365.25 / 12 days).
double daysPer(DurationUnit unit) noexcept;

} // namespace tc::prescriptions

#include "tc/prescriptions/vocabulary.hpp"

#include "tc/errors/table_lookup.hpp"

#include <array>

namespace tc::prescriptions {
namespace {

using D = Dimension;

constexpr std::array kUnits{
    UnitInfo{Unit::mg, "mg", D::mass, 1.0, "mg", "mg"},
    UnitInfo{Unit::g, "g", D::mass, 1000.0, "g", "g"},
    UnitInfo{Unit::ug, "ug", D::mass, 0.001, "µg", "µg"},
    UnitInfo{Unit::mL, "mL", D::volume, 1.0, "mL", "mL"},
    UnitInfo{Unit::internationalUnit, "[iU]", D::internationalUnit, 1.0, "UI", "IU"},
    UnitInfo{Unit::drop, "[drp]", D::drop, 1.0, "goutte", "drop"},
    UnitInfo{Unit::tablet, "{tablet}", D::count, 1.0, "comprimé", "tablet"},
    UnitInfo{Unit::capsule, "{capsule}", D::count, 1.0, "gélule", "capsule"},
    UnitInfo{Unit::sachet, "{sachet}", D::count, 1.0, "sachet", "sachet"},
    UnitInfo{Unit::puff, "{puff}", D::count, 1.0, "bouffée", "puff"},
    UnitInfo{Unit::spray, "{spray}", D::count, 1.0, "pulvérisation", "spray"},
    UnitInfo{Unit::application, "{application}", D::count, 1.0, "application", "application"},
    UnitInfo{Unit::suppository, "{suppository}", D::count, 1.0, "suppositoire", "suppository"},
    UnitInfo{Unit::ampoule, "{ampoule}", D::count, 1.0, "ampoule", "ampoule"},
    UnitInfo{Unit::pack, "{pack}", D::count, 1.0, "boîte", "pack"},
};

constexpr std::array kForms{
    FormInfo{Form::tablet, "tablet", "comprimé", "tablet", Unit::tablet},
    FormInfo{Form::filmCoatedTablet, "film_coated_tablet", "comprimé pelliculé",
             "film-coated tablet", Unit::tablet},
    FormInfo{Form::effervescentTablet, "effervescent_tablet", "comprimé effervescent",
             "effervescent tablet", Unit::tablet},
    FormInfo{Form::orodispersibleTablet, "orodispersible_tablet", "comprimé orodispersible",
             "orodispersible tablet", Unit::tablet},
    FormInfo{Form::capsule, "capsule", "gélule", "capsule", Unit::capsule},
    FormInfo{Form::oralSolution, "oral_solution", "solution buvable", "oral solution", Unit::mL},
    FormInfo{Form::oralSuspension, "oral_suspension", "suspension buvable", "oral suspension",
             Unit::mL},
    FormInfo{Form::syrup, "syrup", "sirop", "syrup", Unit::mL},
    FormInfo{Form::oralDrops, "oral_drops", "solution buvable en gouttes", "oral drops",
             Unit::drop},
    FormInfo{Form::powderForOralUse, "powder_oral", "poudre orale en sachet",
             "oral powder in sachets", Unit::sachet},
    FormInfo{Form::suppository, "suppository", "suppositoire", "suppository", Unit::suppository},
    FormInfo{Form::inhalation, "inhalation", "solution ou poudre pour inhalation", "inhalation",
             Unit::puff},
    FormInfo{Form::nasalSpray, "nasal_spray", "pulvérisation nasale", "nasal spray", Unit::spray},
    FormInfo{Form::eyeDrops, "eye_drops", "collyre", "eye drops", Unit::drop},
    FormInfo{Form::cream, "cream", "crème", "cream", Unit::application},
    FormInfo{Form::ointment, "ointment", "pommade", "ointment", Unit::application},
    FormInfo{Form::gel, "gel", "gel", "gel", Unit::application},
    FormInfo{Form::injection, "injection", "solution injectable", "injection", Unit::mL},
};

constexpr std::array kRoutes{
    Labelled<Route>{Route::oral, "oral", "voie orale", "oral route"},
    Labelled<Route>{Route::sublingual, "sublingual", "voie sublinguale", "sublingual route"},
    Labelled<Route>{Route::rectal, "rectal", "voie rectale", "rectal route"},
    Labelled<Route>{Route::cutaneous, "cutaneous", "voie cutanée", "cutaneous route"},
    Labelled<Route>{Route::ophthalmic, "ophthalmic", "voie ophtalmique", "ophthalmic route"},
    Labelled<Route>{Route::auricular, "auricular", "voie auriculaire", "auricular route"},
    Labelled<Route>{Route::nasal, "nasal", "voie nasale", "nasal route"},
    Labelled<Route>{Route::inhalation, "inhalation", "voie inhalée", "inhalation"},
    Labelled<Route>{Route::vaginal, "vaginal", "voie vaginale", "vaginal route"},
    Labelled<Route>{Route::subcutaneous, "subcutaneous", "voie sous-cutanée", "subcutaneous route"},
    Labelled<Route>{Route::intramuscular, "intramuscular", "voie intramusculaire",
                    "intramuscular route"},
    Labelled<Route>{Route::intravenous, "intravenous", "voie intraveineuse", "intravenous route"},
};

constexpr std::array kSexes{
    Labelled<Sex>{Sex::female, "female", "féminin", "female"},
    Labelled<Sex>{Sex::male, "male", "masculin", "male"},
    Labelled<Sex>{Sex::other, "other", "autre", "other"},
    Labelled<Sex>{Sex::unknown, "unknown", "non renseigné", "unknown"},
};

constexpr std::array kDurationUnits{
    Labelled<DurationUnit>{DurationUnit::day, "d", "jour", "day"},
    Labelled<DurationUnit>{DurationUnit::week, "wk", "semaine", "week"},
    Labelled<DurationUnit>{DurationUnit::month, "mo", "mois", "month"},
};

constexpr std::array kFrequencyKinds{
    Labelled<FrequencyKind>{FrequencyKind::timesPerDay, "times_per_day", "fois par jour",
                            "times a day"},
    Labelled<FrequencyKind>{FrequencyKind::everyHours, "every_hours", "toutes les N heures",
                            "every N hours"},
};

constexpr std::array kReasons{
    Labelled<NonSubstitutionReason>{NonSubstitutionReason::mte, "MTE",
                                    "marge thérapeutique étroite", "narrow therapeutic margin"},
    Labelled<NonSubstitutionReason>{
        NonSubstitutionReason::efg, "EFG",
        "enfant de moins de 6 ans, aucun générique à la forme galénique adaptée",
        "child under 6, no generic in a suitable form"},
    Labelled<NonSubstitutionReason>{
        NonSubstitutionReason::cif, "CIF",
        "contre-indication formelle et démontrée à un excipient à effet notoire",
        "formal, demonstrated contraindication to an excipient with a known effect"},
};

constexpr std::array kNonDrugKinds{
    Labelled<NonDrugKind>{NonDrugKind::laboratory, "laboratory", "examen de biologie",
                          "laboratory test"},
    Labelled<NonDrugKind>{NonDrugKind::imaging, "imaging", "examen d'imagerie", "imaging"},
    Labelled<NonDrugKind>{NonDrugKind::referral, "referral", "avis spécialisé",
                          "referral to a specialist"},
};

template <class Table, class Enum> const auto& entryOf(const Table& table, Enum value) noexcept {
    return errors::entryOrFirst(table, &Table::value_type::value, value);
}

} // namespace

std::span<const UnitInfo> allUnits() noexcept {
    return kUnits;
}

const UnitInfo& unitInfo(Unit unit) noexcept {
    return errors::entryOrFirst(kUnits, &UnitInfo::unit, unit);
}

std::optional<Unit> unitFromCode(std::string_view code) noexcept {
    return errors::valueWhere(kUnits, &UnitInfo::code, code, &UnitInfo::unit);
}

std::span<const FormInfo> allForms() noexcept {
    return kForms;
}
const FormInfo& formInfo(Form form) noexcept {
    return entryOf(kForms, form);
}
std::span<const Labelled<Route>> allRoutes() noexcept {
    return kRoutes;
}
std::span<const Labelled<Sex>> allSexes() noexcept {
    return kSexes;
}
std::span<const Labelled<DurationUnit>> allDurationUnits() noexcept {
    return kDurationUnits;
}
std::span<const Labelled<FrequencyKind>> allFrequencyKinds() noexcept {
    return kFrequencyKinds;
}
std::span<const Labelled<NonSubstitutionReason>> allNonSubstitutionReasons() noexcept {
    return kReasons;
}
std::span<const Labelled<NonDrugKind>> allNonDrugKinds() noexcept {
    return kNonDrugKinds;
}

std::string_view wireName(Form v) noexcept {
    return entryOf(kForms, v).wire;
}
std::string_view wireName(Route v) noexcept {
    return entryOf(kRoutes, v).wire;
}
std::string_view wireName(Sex v) noexcept {
    return entryOf(kSexes, v).wire;
}
std::string_view wireName(DurationUnit v) noexcept {
    return entryOf(kDurationUnits, v).wire;
}
std::string_view wireName(FrequencyKind v) noexcept {
    return entryOf(kFrequencyKinds, v).wire;
}
std::string_view wireName(NonSubstitutionReason v) noexcept {
    return entryOf(kReasons, v).wire;
}
std::string_view wireName(NonDrugKind v) noexcept {
    return entryOf(kNonDrugKinds, v).wire;
}

std::string_view labelFr(Route v) noexcept {
    return entryOf(kRoutes, v).labelFr;
}
std::string_view labelEn(Route v) noexcept {
    return entryOf(kRoutes, v).labelEn;
}
std::string_view labelFr(NonSubstitutionReason v) noexcept {
    return entryOf(kReasons, v).labelFr;
}
std::string_view labelFr(NonDrugKind v) noexcept {
    return entryOf(kNonDrugKinds, v).labelFr;
}

double daysPer(DurationUnit unit) noexcept {
    switch (unit) {
    case DurationUnit::day:
        return 1.0;
    case DurationUnit::week:
        return 7.0;
    case DurationUnit::month:
        return 365.25 / 12.0;
    }
    return 1.0;
}

} // namespace tc::prescriptions

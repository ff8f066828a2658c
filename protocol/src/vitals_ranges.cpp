#include "tc/protocol/vitals_ranges.hpp"

#include "tc/errors/table_lookup.hpp"

#include <algorithm>

// Sources of the thresholds (canonical units; each is the first abnormal value on its side):
// - Blood pressure, adults: 2018 ESC/ESH Guidelines for the management of arterial hypertension
//   (Williams B. et al., Eur Heart J 2018;39:3021-3104): grade 1 from 140/90, grade 3 from
//   180/110 mm[Hg]. Hypotension: systolic below 90 mm[Hg] (the usual clinical definition; also
//   the shock criterion of the ATLS/ESC texts); critical below 70.
// - Mean arterial pressure: below 65 mm[Hg] is the Surviving Sepsis Campaign 2021 target
//   (Evans L. et al., Crit Care Med 2021); low below 70; high from 110, critical from 133 (the
//   mean of 180/110).
// - Heart and pulse rate, adults: 2018 ACC/AHA/HRS bradycardia guideline (Kusumoto F.M. et al.,
//   Circulation 2019;140:e382): bradycardia below 50 /min; tachycardia above 100 /min (from 101);
//   critical below 40 and from 131 /min (NEWS2, Royal College of Physicians 2017: score 3).
// - SpO2: NEWS2 scale 1: low below 96 scores, below 92 scores 3 (critical); the French usual
//   normal is 95 % and over, which we take as the low threshold.
// - Temperature: fever from 38.0 °C (HAS / SPILF definition), low below 36.0 (NEWS2 scores
//   35.1-36.0), critical below 35.0 (hypothermia) and from 40.0 °C (hyperpyrexia).
// - BMI, adults: WHO classification (WHO Technical Report Series 894, 2000): thinness below 18.5,
//   severe thinness below 16, overweight from 25, obesity class III from 40. Not assessed under
//   18 years (IOTF / WHO growth references by age and sex are needed).
// - Capillary glucose (random): ADA Standards of Care 2023, section 6: level 1 hypoglycaemia below
//   3.9 mmol/L (70 mg/dL), level 2 below 3.0 (54 mg/dL); hyperglycaemia from 11.1 mmol/L (the
//   WHO/ADA random-glucose diabetes threshold, 200 mg/dL), severe from 16.7 mmol/L (3 g/L).
// - Adolescents (12-17): AAP 2017 Clinical Practice Guideline for High Blood Pressure in Children
//   and Adolescents (Flynn J.T. et al., Pediatrics 2017;140:e20171904): from 13 years, stage 1
//   from 130/80 mm[Hg], immediate referral above 180/120. PALS 2020 (AHA): hypotension below
//   90 mm[Hg] from 10 years; heart rate awake 60-100 /min.
// - Children: PALS 2020 heart rates awake: infants 100-180, 1-5 years 80-140, 6-11 years
//   75-118 /min; hypotension below 70 mm[Hg] under 1 year, below 70 + 2 × age from 1 to 10
//   years, below 90 from 10 years.

namespace tc::protocol {
namespace {

using R = ReferenceRange;
constexpr std::optional<double> kNone = std::nullopt;

std::optional<ReferenceRange> adultRange(VitalQuantity quantity) {
    switch (quantity) {
    case VitalQuantity::systolic:
        return R{70, 90, 140, 180};
    case VitalQuantity::diastolic:
        return R{40, 60, 90, 110};
    case VitalQuantity::meanPressure:
        return R{65, 70, 110, 133};
    case VitalQuantity::heartRate:
    case VitalQuantity::pulseRate:
        return R{40, 50, 101, 131};
    case VitalQuantity::spo2:
        return R{92, 95, kNone, kNone};
    case VitalQuantity::temperature:
        return R{35.0, 36.0, 38.0, 40.0};
    case VitalQuantity::bmi:
        return R{16, 18.5, 25, 40};
    case VitalQuantity::glucose:
        return R{3.0, 3.9, 11.1, 16.7};
    case VitalQuantity::perfusionIndex:
    case VitalQuantity::weight:
    case VitalQuantity::height:
        return std::nullopt;
    }
    return std::nullopt;
}

// PALS hypotension limit: the critical low systolic pressure of a child.
double palsHypotension(int ageYears) {
    if (ageYears < 1) {
        return 70;
    }
    return std::min(90, 70 + 2 * ageYears);
}

} // namespace

AgeBand ageBandOf(int ageYears) noexcept {
    if (ageYears < 1) {
        return AgeBand::infant;
    }
    if (ageYears <= 5) {
        return AgeBand::preschool;
    }
    if (ageYears <= 11) {
        return AgeBand::schoolAge;
    }
    if (ageYears <= 17) {
        return AgeBand::adolescent;
    }
    return AgeBand::adult;
}

std::string_view toString(AgeBand band) noexcept {
    static constexpr errors::EnumNames<AgeBand::adult> names{
        {"infant", "preschool", "school_age", "adolescent", "adult"}};
    return names(band, "unknown");
}

std::string_view toString(VitalFlag flag) noexcept {
    static constexpr errors::EnumNames<VitalFlag::notAssessed> names{
        {"normal", "low", "high", "critical_low", "critical_high", "not_assessed"}};
    return names(flag, "unknown");
}

std::optional<ReferenceRange> referenceRange(VitalQuantity quantity, int ageYears) noexcept {
    const auto band = ageBandOf(ageYears);
    if (band == AgeBand::adult) {
        return adultRange(quantity);
    }
    switch (quantity) {
    case VitalQuantity::spo2:
    case VitalQuantity::temperature:
    case VitalQuantity::glucose:
        return adultRange(quantity); // the same thresholds at every age
    case VitalQuantity::bmi:
    case VitalQuantity::perfusionIndex:
    case VitalQuantity::weight:
    case VitalQuantity::height:
        return std::nullopt;
    case VitalQuantity::systolic:
        if (band == AgeBand::adolescent) {
            return R{70, 90, 130, 180};
        }
        return R{palsHypotension(ageYears), kNone, kNone, kNone};
    case VitalQuantity::diastolic:
        if (band == AgeBand::adolescent) {
            return R{kNone, kNone, 80, 120};
        }
        return std::nullopt;
    case VitalQuantity::meanPressure:
        return std::nullopt;
    case VitalQuantity::heartRate:
    case VitalQuantity::pulseRate:
        switch (band) {
        case AgeBand::infant:
            return R{80, 100, 181, 220};
        case AgeBand::preschool:
            return R{60, 80, 141, 180};
        case AgeBand::schoolAge:
            return R{55, 75, 119, 160};
        case AgeBand::adolescent:
            return R{40, 60, 101, 140};
        case AgeBand::adult:
            break;
        }
        return adultRange(quantity);
    }
    return std::nullopt;
}

VitalFlag flagOf(VitalQuantity quantity, double value, int ageYears) noexcept {
    const auto range = referenceRange(quantity, ageYears);
    if (!range) {
        return VitalFlag::notAssessed;
    }
    if (range->criticalLow && value < *range->criticalLow) {
        return VitalFlag::criticalLow;
    }
    if (range->low && value < *range->low) {
        return VitalFlag::low;
    }
    if (range->criticalHigh && value >= *range->criticalHigh) {
        return VitalFlag::criticalHigh;
    }
    if (range->high && value >= *range->high) {
        return VitalFlag::high;
    }
    return VitalFlag::normal;
}

FlagText flagText(VitalFlag flag, VitalQuantity quantity) {
    const bool f = infoOf(quantity).feminine;
    const std::string e = f ? "e" : "";
    switch (flag) {
    case VitalFlag::normal:
        return {"", "normal" + e, "normal"};
    case VitalFlag::low:
        return {"↓", "↓ bas" + std::string(f ? "se" : ""), "↓ low"};
    case VitalFlag::high:
        return {"↑", "↑ élevé" + e, "↑ high"};
    case VitalFlag::criticalLow:
        return {"↓↓", "↓↓ critique", "↓↓ critical"};
    case VitalFlag::criticalHigh:
        return {"↑↑", "↑↑ critique", "↑↑ critical"};
    case VitalFlag::notAssessed:
        return {"–", "– non évalué" + e, "– not assessed"};
    }
    return {"?", "?", "?"};
}

std::vector<FlaggedValue> flagMeasurement(const Measurement& measurement, int ageYears) {
    std::vector<FlaggedValue> out;
    for (const auto& v : measurement.values) {
        const auto canonical = toCanonical(v.quantity, v.value, v.unit).value_or(v.value);
        const auto flag = flagOf(v.quantity, canonical, ageYears);
        out.push_back({{v.quantity, canonical, std::string(infoOf(v.quantity).canonicalUnit)},
                       flag,
                       flagText(flag, v.quantity),
                       referenceRange(v.quantity, ageYears)});
    }
    return out;
}

} // namespace tc::protocol

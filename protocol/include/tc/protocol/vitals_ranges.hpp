#pragma once
// Reference ranges of the vital signs by age band, and the flag each value gets (normal, low,
// high, critical low, critical high, or not assessed), with a symbol and a text that say it
// without colour ("↑ élevée", "↓↓ critique"). The thresholds and their sources are listed in
// protocol/README.md ("Vital signs: reference ranges") and in vitals_ranges.cpp. No Qt.
//
// Semantics of a range, in the quantity's canonical unit: each threshold is the first abnormal
// value on its side. A value below `low` is low, below `criticalLow` critically low; a value at
// or above `high` is high, at or above `criticalHigh` critically high. So the normal interval is
// [low, high). A threshold that does not apply is absent.

#include "tc/protocol/vitals.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace tc::protocol {

enum class AgeBand : std::uint8_t {
    infant,     // under 1 year
    preschool,  // 1-5 years
    schoolAge,  // 6-11 years
    adolescent, // 12-17 years
    adult,      // 18 years and over
};
AgeBand ageBandOf(int ageYears) noexcept; // negative ages count as infants
std::string_view toString(AgeBand band) noexcept;

enum class VitalFlag : std::uint8_t { normal, low, high, criticalLow, criticalHigh, notAssessed };
std::string_view toString(VitalFlag flag) noexcept; // "normal", "critical_low", ...

struct ReferenceRange {
    std::optional<double> criticalLow;
    std::optional<double> low;
    std::optional<double> high;
    std::optional<double> criticalHigh;
};
// The range for a patient of `ageYears` (some thresholds depend on the exact age, e.g. the
// PALS hypotension limit 70 + 2 × age mm[Hg]); nothing when the quantity is not assessed at that
// age (weight, height, perfusion index; BMI under 18, which needs growth charts).
std::optional<ReferenceRange> referenceRange(VitalQuantity quantity, int ageYears) noexcept;
VitalFlag flagOf(VitalQuantity quantity, double canonicalValue, int ageYears) noexcept;

struct FlagText {
    std::string_view symbol; // "", "↓", "↑", "↓↓", "↑↑", "–"
    std::string text;        // French: "normale", "↑ élevée", "↓↓ critique", "non évalué"
    std::string textEn;      // English: "normal", "↑ high", "↓↓ critical", "not assessed"
};
// The words agree with the quantity's grammatical gender in French ("élevée" for a pressure,
// "élevé" for a BMI).
FlagText flagText(VitalFlag flag, VitalQuantity quantity);

struct FlaggedValue {
    VitalValue value; // canonical unit
    VitalFlag flag = VitalFlag::notAssessed;
    FlagText label;
    std::optional<ReferenceRange> range;
};
// Every value of a validated measurement (validateMeasurement) with its flag.
std::vector<FlaggedValue> flagMeasurement(const Measurement& measurement, int ageYears);

} // namespace tc::protocol

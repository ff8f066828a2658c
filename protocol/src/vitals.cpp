#include "tc/protocol/vitals.hpp"

#include "tc/errors/table_lookup.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace tc::protocol {
namespace {

constexpr std::array<QuantityInfo, 12> kQuantities{{
    {VitalQuantity::systolic, "systolic", "8480-6", "mm[Hg]", "Pression systolique",
     "Systolic pressure", true},
    {VitalQuantity::diastolic, "diastolic", "8462-4", "mm[Hg]", "Pression diastolique",
     "Diastolic pressure", true},
    {VitalQuantity::meanPressure, "mean_pressure", "8478-0", "mm[Hg]",
     "Pression artérielle moyenne", "Mean arterial pressure", true},
    {VitalQuantity::heartRate, "heart_rate", "8867-4", "/min", "Fréquence cardiaque", "Heart rate",
     true},
    {VitalQuantity::spo2, "spo2", "59408-5", "%", "Saturation en oxygène (SpO2)",
     "Oxygen saturation (SpO2)", true},
    {VitalQuantity::pulseRate, "pulse_rate", "8889-8", "/min", "Fréquence du pouls", "Pulse rate",
     true},
    {VitalQuantity::perfusionIndex, "perfusion_index", "61006-3", "%", "Indice de perfusion",
     "Perfusion index", false},
    {VitalQuantity::temperature, "temperature", "8310-5", "Cel", "Température", "Body temperature",
     true},
    {VitalQuantity::weight, "weight", "29463-7", "kg", "Poids", "Body weight", false},
    {VitalQuantity::height, "height", "8302-2", "cm", "Taille", "Body height", true},
    {VitalQuantity::bmi, "bmi", "39156-5", "kg/m2", "Indice de masse corporelle", "Body mass index",
     false},
    {VitalQuantity::glucose, "glucose", "14743-9", "mmol/L", "Glycémie capillaire",
     "Capillary glucose", true},
}};

struct UnitConversion {
    VitalQuantity quantity;
    std::string_view unit;
    double factor; // canonical = value * factor + offset
    double offset;
    std::string_view loinc; // empty: the quantity's own
};

// Glucose: 1 mmol/L = 18.016 mg/dL (molar mass 180.16 g/mol).
constexpr double kGlucoseMgPerDlPerMmol = 18.016;

constexpr std::array<UnitConversion, 23> kUnits{{
    {VitalQuantity::systolic, "mm[Hg]", 1, 0, {}},
    {VitalQuantity::systolic, "kPa", 7.50062, 0, {}},
    {VitalQuantity::diastolic, "mm[Hg]", 1, 0, {}},
    {VitalQuantity::diastolic, "kPa", 7.50062, 0, {}},
    {VitalQuantity::meanPressure, "mm[Hg]", 1, 0, {}},
    {VitalQuantity::meanPressure, "kPa", 7.50062, 0, {}},
    {VitalQuantity::heartRate, "/min", 1, 0, {}},
    {VitalQuantity::heartRate, "{beats}/min", 1, 0, {}},
    {VitalQuantity::spo2, "%", 1, 0, {}},
    {VitalQuantity::pulseRate, "/min", 1, 0, {}},
    {VitalQuantity::pulseRate, "{beats}/min", 1, 0, {}},
    {VitalQuantity::perfusionIndex, "%", 1, 0, {}},
    {VitalQuantity::temperature, "Cel", 1, 0, {}},
    {VitalQuantity::temperature, "[degF]", 5.0 / 9.0, -32 * 5.0 / 9.0, {}},
    {VitalQuantity::weight, "kg", 1, 0, {}},
    {VitalQuantity::weight, "g", 0.001, 0, {}},
    {VitalQuantity::weight, "[lb_av]", 0.45359237, 0, {}},
    {VitalQuantity::height, "cm", 1, 0, {}},
    {VitalQuantity::height, "m", 100, 0, {}},
    {VitalQuantity::height, "[in_i]", 2.54, 0, {}},
    {VitalQuantity::bmi, "kg/m2", 1, 0, {}},
    {VitalQuantity::glucose, "mmol/L", 1, 0, {}},
    {VitalQuantity::glucose, "mg/dL", 1 / kGlucoseMgPerDlPerMmol, 0, "41653-7"},
}};
// g/L is mg/dL × 100: kept separate so that the table above stays one line per unit.
constexpr UnitConversion kGlucoseGramsPerLitre{VitalQuantity::glucose, "g/L",
                                               100 / kGlucoseMgPerDlPerMmol, 0, "41653-7"};

const UnitConversion* conversionOf(VitalQuantity quantity, std::string_view unit) {
    for (const auto& u : kUnits) {
        if (u.quantity == quantity && u.unit == unit) {
            return &u;
        }
    }
    if (quantity == VitalQuantity::glucose && unit == kGlucoseGramsPerLitre.unit) {
        return &kGlucoseGramsPerLitre;
    }
    return nullptr;
}

constexpr VitalQuantity kBloodPressure[] = {VitalQuantity::systolic, VitalQuantity::diastolic,
                                            VitalQuantity::meanPressure, VitalQuantity::heartRate};
constexpr VitalQuantity kOximetry[] = {VitalQuantity::spo2, VitalQuantity::pulseRate,
                                       VitalQuantity::perfusionIndex};
constexpr VitalQuantity kTemperature[] = {VitalQuantity::temperature};
constexpr VitalQuantity kAnthropometry[] = {VitalQuantity::weight, VitalQuantity::height,
                                            VitalQuantity::bmi};
constexpr VitalQuantity kGlucose[] = {VitalQuantity::glucose};

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& names,
                        std::string_view name) {
    for (const auto& [value, text] : names) {
        if (text == name) {
            return value;
        }
    }
    return std::nullopt;
}
template <class E, std::size_t N>
std::string_view nameOf(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
    for (const auto& [v, text] : names) {
        if (v == value) {
            return text;
        }
    }
    return "unknown";
}

constexpr std::array<std::pair<MeasurementKind, std::string_view>, 5> kKinds{{
    {MeasurementKind::bloodPressure, "blood_pressure"},
    {MeasurementKind::oximetry, "oximetry"},
    {MeasurementKind::temperature, "temperature"},
    {MeasurementKind::anthropometry, "anthropometry"},
    {MeasurementKind::glucose, "glucose"},
}};
constexpr std::array<std::pair<TemperatureSite, std::string_view>, 5> kSites{{
    {TemperatureSite::oral, "oral"},
    {TemperatureSite::axillary, "axillary"},
    {TemperatureSite::tympanic, "tympanic"},
    {TemperatureSite::rectal, "rectal"},
    {TemperatureSite::temporal, "temporal"},
}};
constexpr std::array<std::pair<MeasurementSource, std::string_view>, 2> kSources{{
    {MeasurementSource::instrument, "instrument"},
    {MeasurementSource::manual, "manual"},
}};
constexpr std::array<std::pair<MeasurementQuality, std::string_view>, 3> kQualities{{
    {MeasurementQuality::good, "good"},
    {MeasurementQuality::artifact, "artifact"},
    {MeasurementQuality::unreliable, "unreliable"},
}};
constexpr std::array<std::pair<VitalsErrc, std::string_view>, 13> kErrors{{
    {VitalsErrc::notFinite, "not_finite"},
    {VitalsErrc::negative, "negative"},
    {VitalsErrc::outOfRange, "out_of_range"},
    {VitalsErrc::unknownUnit, "unknown_unit"},
    {VitalsErrc::inconsistent, "inconsistent"},
    {VitalsErrc::missingValue, "missing_value"},
    {VitalsErrc::unexpectedValue, "unexpected_value"},
    {VitalsErrc::invalidField, "invalid_field"},
    {VitalsErrc::missingField, "missing_field"},
    {VitalsErrc::unknownField, "unknown_field"},
    {VitalsErrc::wrongType, "wrong_type"},
    {VitalsErrc::unknownEnumValue, "unknown_value"},
    {VitalsErrc::codeMismatch, "code_mismatch"},
}};

std::string number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    return text;
}

std::string fieldOf(VitalQuantity q) {
    return "values[" + std::string(infoOf(q).name) + "]";
}

VitalsError error(VitalsErrc code, std::string field, std::string reason) {
    return VitalsError{code, std::move(field), std::move(reason)};
}

} // namespace

const QuantityInfo& infoOf(VitalQuantity quantity) noexcept {
    return kQuantities[static_cast<std::size_t>(quantity)];
}

std::optional<VitalQuantity> quantityFromName(std::string_view name) noexcept {
    return errors::valueWhere(kQuantities, &QuantityInfo::name, name, &QuantityInfo::quantity);
}

std::span<const QuantityInfo> allQuantities() noexcept {
    return kQuantities;
}

std::optional<std::string_view> loincFor(VitalQuantity quantity, std::string_view unit) noexcept {
    const auto* conversion = conversionOf(quantity, unit);
    if (conversion == nullptr) {
        return std::nullopt;
    }
    return conversion->loinc.empty() ? infoOf(quantity).loinc : conversion->loinc;
}

std::optional<double> toCanonical(VitalQuantity quantity, double value,
                                  std::string_view unit) noexcept {
    const auto* conversion = conversionOf(quantity, unit);
    if (conversion == nullptr) {
        return std::nullopt;
    }
    return value * conversion->factor + conversion->offset;
}

std::string_view toString(MeasurementKind kind) noexcept {
    return nameOf(kKinds, kind);
}
std::optional<MeasurementKind> measurementKindFromString(std::string_view name) noexcept {
    return lookup(kKinds, name);
}
std::string_view toString(TemperatureSite site) noexcept {
    return nameOf(kSites, site);
}
std::optional<TemperatureSite> temperatureSiteFromString(std::string_view name) noexcept {
    return lookup(kSites, name);
}
std::string_view toString(MeasurementSource source) noexcept {
    return nameOf(kSources, source);
}
std::optional<MeasurementSource> measurementSourceFromString(std::string_view name) noexcept {
    return lookup(kSources, name);
}
std::string_view toString(MeasurementQuality quality) noexcept {
    return nameOf(kQualities, quality);
}
std::optional<MeasurementQuality> measurementQualityFromString(std::string_view name) noexcept {
    return lookup(kQualities, name);
}
std::string_view toString(VitalsErrc code) noexcept {
    return nameOf(kErrors, code);
}

std::span<const VitalQuantity> quantitiesOf(MeasurementKind kind) noexcept {
    switch (kind) {
    case MeasurementKind::bloodPressure:
        return kBloodPressure;
    case MeasurementKind::oximetry:
        return kOximetry;
    case MeasurementKind::temperature:
        return kTemperature;
    case MeasurementKind::anthropometry:
        return kAnthropometry;
    case MeasurementKind::glucose:
        return kGlucose;
    }
    return {};
}

bool isRequired(MeasurementKind kind, VitalQuantity quantity) noexcept {
    switch (kind) {
    case MeasurementKind::bloodPressure:
        // An oscillometric cuff always gives both pressures; mean and pulse are optional.
        return quantity == VitalQuantity::systolic || quantity == VitalQuantity::diastolic;
    case MeasurementKind::oximetry:
        return quantity == VitalQuantity::spo2;
    case MeasurementKind::anthropometry:
        // A weight alone is a measurement; a height alone too. BMI needs both (derived).
        return false;
    case MeasurementKind::temperature:
    case MeasurementKind::glucose:
        return true;
    }
    return false;
}

PlausibleLimits plausibleLimits(VitalQuantity quantity) noexcept {
    switch (quantity) {
    case VitalQuantity::systolic:
        return {40, 300};
    case VitalQuantity::diastolic:
        return {15, 200};
    case VitalQuantity::meanPressure:
        return {20, 250};
    case VitalQuantity::heartRate:
    case VitalQuantity::pulseRate:
        return {20, 300};
    case VitalQuantity::spo2:
        return {30, 100};
    case VitalQuantity::perfusionIndex:
        return {0.01, 30};
    case VitalQuantity::temperature:
        return {25, 45};
    case VitalQuantity::weight:
        return {0.3, 400}; // a premature newborn to the heaviest adults a cabin scale takes
    case VitalQuantity::height:
        return {20, 260};
    case VitalQuantity::bmi:
        return {5, 150};
    case VitalQuantity::glucose:
        return {0.5, 60}; // mmol/L; meters read about 0.6-33.3
    }
    return {0, 0};
}

const VitalValue* Measurement::find(VitalQuantity quantity) const noexcept {
    for (const auto& v : values) {
        if (v.quantity == quantity) {
            return &v;
        }
    }
    return nullptr;
}

void throw_exception_from_error(const VitalsError& error, const boost::source_location&) {
    throw std::invalid_argument(error.field + ": " + error.reason);
}

double bodyMassIndex(double weightKg, double heightCm) noexcept {
    const double metres = heightCm / 100;
    return std::round(weightKg / (metres * metres) * 10) / 10;
}

VitalsResult<Measurement> validateMeasurement(const Measurement& measurement) {
    Measurement out = measurement;
    out.values.clear();
    if (measurement.instrumentId.empty() || measurement.instrumentId.size() > 64) {
        return error(VitalsErrc::invalidField, "instrument", "must be 1-64 bytes");
    }
    if (measurement.acquiredAtUs < 0) {
        return error(VitalsErrc::negative, "acquired_at_us", "a session time is never negative");
    }
    if (measurement.site && measurement.kind != MeasurementKind::temperature) {
        return error(VitalsErrc::invalidField, "site", "only a temperature has a site");
    }
    const auto allowed = quantitiesOf(measurement.kind);
    // Each value: known to this kind, once, finite, not negative, in a known unit, plausible.
    for (const auto& v : measurement.values) {
        const auto field = fieldOf(v.quantity);
        if (std::find(allowed.begin(), allowed.end(), v.quantity) == allowed.end()) {
            return error(VitalsErrc::unexpectedValue, field,
                         std::string(infoOf(v.quantity).name) + " is not part of a " +
                             std::string(toString(measurement.kind)) + " measurement");
        }
        if (out.find(v.quantity) != nullptr) {
            return error(VitalsErrc::unexpectedValue, field, "given twice");
        }
        if (!std::isfinite(v.value)) {
            return error(VitalsErrc::notFinite, field, "not a finite number");
        }
        if (v.value < 0) {
            return error(VitalsErrc::negative, field, number(v.value) + " is negative");
        }
        const auto canonical = toCanonical(v.quantity, v.value, v.unit);
        if (!canonical) {
            return error(VitalsErrc::unknownUnit, field + ".unit",
                         "\"" + v.unit + "\" is not a unit for " +
                             std::string(infoOf(v.quantity).name) + " (expected " +
                             std::string(infoOf(v.quantity).canonicalUnit) + ")");
        }
        const auto limits = plausibleLimits(v.quantity);
        const auto unit = std::string(infoOf(v.quantity).canonicalUnit);
        if (*canonical < limits.min || *canonical > limits.max) {
            return error(VitalsErrc::outOfRange, field,
                         number(*canonical) + " " + unit + " is outside " + number(limits.min) +
                             "-" + number(limits.max) + " " + unit);
        }
        out.values.push_back({v.quantity, *canonical, unit});
    }
    for (const auto q : allowed) {
        if (isRequired(measurement.kind, q) && out.find(q) == nullptr) {
            return error(VitalsErrc::missingValue, fieldOf(q), "required");
        }
    }
    if (measurement.kind == MeasurementKind::anthropometry && out.values.empty()) {
        return error(VitalsErrc::missingValue, "values", "a weight or a height is required");
    }
    // Consistency between the values.
    const auto* sys = out.find(VitalQuantity::systolic);
    const auto* dia = out.find(VitalQuantity::diastolic);
    if (sys && dia && dia->value >= sys->value) {
        return error(VitalsErrc::inconsistent, fieldOf(VitalQuantity::diastolic),
                     "diastolic " + number(dia->value) + " mm[Hg] is not below systolic " +
                         number(sys->value) + " mm[Hg]");
    }
    if (const auto* mean = out.find(VitalQuantity::meanPressure); mean && sys && dia) {
        if (mean->value <= dia->value || mean->value >= sys->value) {
            return error(VitalsErrc::inconsistent, fieldOf(VitalQuantity::meanPressure),
                         "mean " + number(mean->value) + " mm[Hg] is outside (" +
                             number(dia->value) + ", " + number(sys->value) + ")");
        }
    }
    const auto* weight = out.find(VitalQuantity::weight);
    const auto* height = out.find(VitalQuantity::height);
    const auto* bmi = out.find(VitalQuantity::bmi);
    if (bmi && !(weight && height)) {
        return error(VitalsErrc::missingValue, "values[weight]",
                     "a BMI needs the weight and the height it comes from");
    }
    if (weight && height) {
        const double derived = bodyMassIndex(weight->value, height->value);
        const auto limits = plausibleLimits(VitalQuantity::bmi);
        if (derived < limits.min || derived > limits.max) {
            return error(VitalsErrc::inconsistent, fieldOf(VitalQuantity::height),
                         "weight and height give a BMI of " + number(derived));
        }
        if (bmi && std::abs(bmi->value - derived) > 0.5) {
            return error(VitalsErrc::inconsistent, fieldOf(VitalQuantity::bmi),
                         "BMI " + number(bmi->value) + " does not match weight and height (" +
                             number(derived) + ")");
        }
        if (!bmi) {
            out.values.push_back({VitalQuantity::bmi, derived, "kg/m2"});
        }
    }
    // Canonical order.
    std::vector<VitalValue> ordered;
    for (const auto q : allowed) {
        if (const auto* v = out.find(q)) {
            ordered.push_back(*v);
        }
    }
    out.values = std::move(ordered);
    return out;
}

} // namespace tc::protocol

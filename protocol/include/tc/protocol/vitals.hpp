#pragma once
// Vital signs: the measurements a cabin's instruments (or its operator) take, ready to become
// FHIR Observations: every value carries its LOINC code and a UCUM unit, the instrument that
// took it, its acquisition time on the session clock, a quality flag and its source. No Qt.
//
// The session clock. Every time a cabin stamps on what it captures — a video frame's
// FrameStamp::captureUs, the capture-time RTP header extension of the stethoscope and waveform
// streams (tc/media/session_clock.hpp), a measurement's `acquiredAtUs` — is in microseconds on
// the cabin's monotonic clock (std::chrono::steady_clock there). Its epoch is arbitrary; only
// differences mean something, and they are comparable across streams and measurements of one
// session. A console never converts it to wall time: it orders and aligns with it.
//
// Validation (validateMeasurement) refuses what cannot be true of a living patient or of an
// instrument: not-a-number, negative values, SpO2 over 100 %, a diastolic pressure not below the
// systolic one, a mean pressure outside (diastolic, systolic), a temperature outside 25-45 °C,
// absurd weights and heights, a unit that is not UCUM for that quantity, and so on. Each refusal
// names the field and the reason (VitalsError).

#include <boost/system/result.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

// Microseconds on the cabin's monotonic capture clock (see above).
using SessionTimeUs = std::int64_t;

// What can be measured, each with one LOINC code (per unit kind for glucose) and one canonical
// UCUM unit.
enum class VitalQuantity : std::uint8_t {
    systolic,       // 8480-6, mm[Hg]
    diastolic,      // 8462-4, mm[Hg]
    meanPressure,   // 8478-0, mm[Hg]
    heartRate,      // 8867-4, /min: the pulse the blood-pressure cuff counted
    spo2,           // 59408-5, %
    pulseRate,      // 8889-8, /min: the pulse the oximeter counted
    perfusionIndex, // 61006-3, %
    temperature,    // 8310-5, Cel
    weight,         // 29463-7, kg
    height,         // 8302-2, cm
    bmi,            // 39156-5, kg/m2
    glucose,        // 14743-9 (mmol/L, canonical) or 41653-7 (mass concentration): capillary
};

struct QuantityInfo {
    VitalQuantity quantity;
    std::string_view name;          // wire name: "systolic", "spo2", ...
    std::string_view loinc;         // for the canonical unit
    std::string_view canonicalUnit; // UCUM
    std::string_view labelFr;       // "Pression systolique"
    std::string_view labelEn;       // "Systolic pressure"
    bool feminine;                  // for the French flag text ("élevée" / "élevé")
};
const QuantityInfo& infoOf(VitalQuantity quantity) noexcept;
std::optional<VitalQuantity> quantityFromName(std::string_view name) noexcept;
std::span<const QuantityInfo> allQuantities() noexcept;

// The LOINC code of a value in `unit` (glucose has one per kind of unit), if the unit is one we
// accept for that quantity.
std::optional<std::string_view> loincFor(VitalQuantity quantity, std::string_view unit) noexcept;
// `value` in `unit` converted to the canonical unit; nothing for a unit we do not accept.
// Accepted: mm[Hg], kPa; /min, {beats}/min; %; Cel, [degF]; kg, g, [lb_av]; cm, m, [in_i];
// kg/m2; mmol/L, mg/dL, g/L.
std::optional<double> toCanonical(VitalQuantity quantity, double value,
                                  std::string_view unit) noexcept;

// One measurement request or result groups the values one instrument gives at once.
enum class MeasurementKind : std::uint8_t {
    bloodPressure, // systolic, diastolic, mean, heart rate (cuff)
    oximetry,      // SpO2, pulse rate, perfusion index
    temperature,   // temperature (+ site)
    anthropometry, // weight, height -> BMI
    glucose,       // capillary glucose
};
std::string_view toString(MeasurementKind kind) noexcept; // "blood_pressure", "oximetry", ...
std::optional<MeasurementKind> measurementKindFromString(std::string_view name) noexcept;
// Which quantities a kind may carry, and which it must.
std::span<const VitalQuantity> quantitiesOf(MeasurementKind kind) noexcept;
bool isRequired(MeasurementKind kind, VitalQuantity quantity) noexcept;

enum class TemperatureSite : std::uint8_t { oral, axillary, tympanic, rectal, temporal };
std::string_view toString(TemperatureSite site) noexcept;
std::optional<TemperatureSite> temperatureSiteFromString(std::string_view name) noexcept;

enum class MeasurementSource : std::uint8_t { instrument, manual }; // manual: the operator typed it
std::string_view toString(MeasurementSource source) noexcept;
std::optional<MeasurementSource> measurementSourceFromString(std::string_view name) noexcept;

// good: a clean acquisition; artifact: the instrument flagged motion or poor contact (the value
// is shown, marked); unreliable: the instrument doubts the value itself (weak signal).
enum class MeasurementQuality : std::uint8_t { good, artifact, unreliable };
std::string_view toString(MeasurementQuality quality) noexcept;
std::optional<MeasurementQuality> measurementQualityFromString(std::string_view name) noexcept;

struct VitalValue {
    VitalQuantity quantity = VitalQuantity::systolic;
    double value = 0;
    std::string unit; // UCUM
    friend bool operator==(const VitalValue&, const VitalValue&) = default;
};

struct Measurement {
    MeasurementKind kind = MeasurementKind::bloodPressure;
    std::vector<VitalValue> values;
    std::optional<TemperatureSite> site; // temperature only
    std::string instrumentId;            // "cuff-1"; "operator" for a manual entry
    MeasurementSource source = MeasurementSource::instrument;
    SessionTimeUs acquiredAtUs = 0;
    MeasurementQuality quality = MeasurementQuality::good;

    // The value of `quantity`, if present.
    const VitalValue* find(VitalQuantity quantity) const noexcept;
    friend bool operator==(const Measurement&, const Measurement&) = default;
};

enum class VitalsErrc : std::uint8_t {
    notFinite = 1,    // NaN or infinite
    negative,         // below zero where nothing can be
    outOfRange,       // beyond what a living patient or the instrument can give
    unknownUnit,      // not a UCUM unit we accept for this quantity
    inconsistent,     // diastolic >= systolic, mean outside (diastolic, systolic), BMI != w/h²
    missingValue,     // a value the kind requires is absent
    unexpectedValue,  // a value of another kind, or given twice
    invalidField,     // instrument id, site, time
    missingField,     // JSON: a required field is absent
    unknownField,     // JSON: a field we do not know
    wrongType,        // JSON: a field has the wrong JSON type
    unknownEnumValue, // JSON: a kind, quantity, source, quality or site we do not know
    codeMismatch,     // JSON: the LOINC code does not belong to the quantity and unit
};
std::string_view toString(VitalsErrc code) noexcept; // "not_finite", "out_of_range", ...

struct VitalsError {
    VitalsErrc code = VitalsErrc::outOfRange;
    std::string field;  // "values[diastolic]", "payload.values[1].unit", "acquired_at_us"
    std::string reason; // "diastolic 130 mm[Hg] is not below systolic 120 mm[Hg]"
};

template <class T> using VitalsResult = boost::system::result<T, VitalsError>;
// What VitalsResult::value() throws on an error (std::invalid_argument with field and reason):
// for callers that have checked, and tests. Code that may fail tests has_value() first.
[[noreturn]] void throw_exception_from_error(const VitalsError& error,
                                             const boost::source_location& location);

// The plausible limits of a quantity in its canonical unit: values outside are refused.
struct PlausibleLimits {
    double min;
    double max;
};
PlausibleLimits plausibleLimits(VitalQuantity quantity) noexcept;

// Checks a measurement and returns it normalised: every value in its canonical unit, in the
// order of quantitiesOf(kind), and a BMI derived from weight and height when absent (a given
// BMI must agree with them within 0.5 kg/m2). The first problem found is the error.
VitalsResult<Measurement> validateMeasurement(const Measurement& measurement);

// BMI from weight (kg) and height (cm), rounded to one decimal.
double bodyMassIndex(double weightKg, double heightCm) noexcept;

} // namespace tc::protocol

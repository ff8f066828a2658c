// Vital-sign measurements: units and codes, normalisation, and one test per validation rule,
// each refusal typed and located.
#include "support/catch_result.hpp"
#include "tc/protocol/vitals.hpp"

#include <cmath>
#include <limits>

using namespace tc::protocol;

namespace {

Measurement bloodPressure(double sys, double dia, std::optional<double> mean = std::nullopt) {
    Measurement m;
    m.kind = MeasurementKind::bloodPressure;
    m.values = {{VitalQuantity::systolic, sys, "mm[Hg]"},
                {VitalQuantity::diastolic, dia, "mm[Hg]"}};
    if (mean) {
        m.values.push_back({VitalQuantity::meanPressure, *mean, "mm[Hg]"});
    }
    m.instrumentId = "cuff-1";
    m.acquiredAtUs = 1'000'000;
    return m;
}

Measurement single(MeasurementKind kind, VitalQuantity q, double value, std::string unit) {
    Measurement m;
    m.kind = kind;
    m.values = {{q, value, std::move(unit)}};
    m.instrumentId = "instrument-1";
    return m;
}

VitalsError refusal(const Measurement& m) {
    const auto r = validateMeasurement(m);
    REQUIRE_FALSE(r);
    return r.error();
}

} // namespace

TEST_CASE("vitals: LOINC codes and canonical UCUM units", "[vitals]") {
    CHECK(infoOf(VitalQuantity::systolic).loinc == "8480-6");
    CHECK(infoOf(VitalQuantity::diastolic).loinc == "8462-4");
    CHECK(infoOf(VitalQuantity::meanPressure).loinc == "8478-0");
    CHECK(infoOf(VitalQuantity::heartRate).loinc == "8867-4");
    CHECK(infoOf(VitalQuantity::spo2).loinc == "59408-5");
    CHECK(infoOf(VitalQuantity::temperature).loinc == "8310-5");
    CHECK(infoOf(VitalQuantity::weight).loinc == "29463-7");
    CHECK(infoOf(VitalQuantity::height).loinc == "8302-2");
    CHECK(infoOf(VitalQuantity::bmi).loinc == "39156-5");
    CHECK(loincFor(VitalQuantity::glucose, "mmol/L") == "14743-9");
    CHECK(loincFor(VitalQuantity::glucose, "mg/dL") == "41653-7");
    CHECK_FALSE(loincFor(VitalQuantity::glucose, "mmHg"));
    for (const auto& q : allQuantities()) {
        CHECK(quantityFromName(q.name) == q.quantity);
        CHECK(toCanonical(q.quantity, 1, q.canonicalUnit) == 1.0);
    }
    CHECK(*toCanonical(VitalQuantity::temperature, 98.6, "[degF]") == Approx(37.0));
    CHECK(*toCanonical(VitalQuantity::systolic, 16, "kPa") == Approx(120.01).epsilon(1e-3));
    CHECK(*toCanonical(VitalQuantity::glucose, 90, "mg/dL") == Approx(4.9956).epsilon(1e-3));
    CHECK(*toCanonical(VitalQuantity::glucose, 0.9, "g/L") == Approx(4.9956).epsilon(1e-3));
    CHECK(*toCanonical(VitalQuantity::height, 1.75, "m") == Approx(175));
}

TEST_CASE("vitals: a valid measurement is normalised to canonical units, in order", "[vitals]") {
    auto m = bloodPressure(120, 80, 93);
    m.values.insert(m.values.begin(), {VitalQuantity::heartRate, 72, "{beats}/min"});
    m.values[1] = {VitalQuantity::systolic, 16, "kPa"};
    const auto r = validateMeasurement(m);
    REQUIRE(r);
    REQUIRE(r->values.size() == 4);
    CHECK(r->values[0].quantity == VitalQuantity::systolic);
    CHECK(r->values[0].unit == "mm[Hg]");
    CHECK(r->values[0].value == Approx(120.01).epsilon(1e-3));
    CHECK(r->values[3].quantity == VitalQuantity::heartRate);
    CHECK(r->values[3].unit == "/min");
}

TEST_CASE("vitals: weight and height give the BMI", "[vitals]") {
    Measurement m;
    m.kind = MeasurementKind::anthropometry;
    m.values = {{VitalQuantity::weight, 70, "kg"}, {VitalQuantity::height, 1.75, "m"}};
    m.instrumentId = "scale-1";
    const auto r = validateMeasurement(m);
    REQUIRE(r);
    REQUIRE(r->find(VitalQuantity::bmi));
    CHECK(r->find(VitalQuantity::bmi)->value == Approx(22.9));
    CHECK(bodyMassIndex(70, 175) == Approx(22.9));
}

TEST_CASE("vitals rule: NaN and infinity are refused", "[vitals][validation]") {
    const auto nan = std::numeric_limits<double>::quiet_NaN();
    auto e = refusal(single(MeasurementKind::oximetry, VitalQuantity::spo2, nan, "%"));
    CHECK(e.code == VitalsErrc::notFinite);
    CHECK(e.field == "values[spo2]");
    e = refusal(single(MeasurementKind::temperature, VitalQuantity::temperature,
                       std::numeric_limits<double>::infinity(), "Cel"));
    CHECK(e.code == VitalsErrc::notFinite);
}

TEST_CASE("vitals rule: negative values are refused", "[vitals][validation]") {
    const auto e = refusal(single(MeasurementKind::glucose, VitalQuantity::glucose, -1, "mmol/L"));
    CHECK(e.code == VitalsErrc::negative);
    CHECK(e.field == "values[glucose]");
}

TEST_CASE("vitals rule: SpO2 over 100 % is refused", "[vitals][validation]") {
    CHECK(validateMeasurement(single(MeasurementKind::oximetry, VitalQuantity::spo2, 100, "%")));
    const auto e = refusal(single(MeasurementKind::oximetry, VitalQuantity::spo2, 100.5, "%"));
    CHECK(e.code == VitalsErrc::outOfRange);
    CHECK(e.field == "values[spo2]");
}

TEST_CASE("vitals rule: diastolic not below systolic is refused", "[vitals][validation]") {
    auto e = refusal(bloodPressure(120, 120));
    CHECK(e.code == VitalsErrc::inconsistent);
    CHECK(e.field == "values[diastolic]");
    CHECK(e.reason.find("not below systolic") != std::string::npos);
    CHECK(refusal(bloodPressure(110, 130)).code == VitalsErrc::inconsistent);
}

TEST_CASE("vitals rule: a mean pressure outside (diastolic, systolic) is refused",
          "[vitals][validation]") {
    CHECK(validateMeasurement(bloodPressure(120, 80, 81)));
    for (const double mean : {80.0, 120.0, 60.0, 130.0}) {
        const auto e = refusal(bloodPressure(120, 80, mean));
        CHECK(e.code == VitalsErrc::inconsistent);
        CHECK(e.field == "values[mean_pressure]");
    }
}

TEST_CASE("vitals rule: a temperature outside 25-45 °C is refused", "[vitals][validation]") {
    const auto at = [](double c) {
        return single(MeasurementKind::temperature, VitalQuantity::temperature, c, "Cel");
    };
    CHECK(validateMeasurement(at(25)));
    CHECK(validateMeasurement(at(45)));
    CHECK(refusal(at(24.9)).code == VitalsErrc::outOfRange);
    CHECK(refusal(at(45.1)).code == VitalsErrc::outOfRange);
    // In Fahrenheit, converted first: 114 °F is 45.6 °C.
    CHECK(refusal(single(MeasurementKind::temperature, VitalQuantity::temperature, 114, "[degF]"))
              .code == VitalsErrc::outOfRange);
}

TEST_CASE("vitals rule: absurd weights and heights are refused", "[vitals][validation]") {
    CHECK(refusal(single(MeasurementKind::anthropometry, VitalQuantity::weight, 700, "kg")).code ==
          VitalsErrc::outOfRange);
    CHECK(refusal(single(MeasurementKind::anthropometry, VitalQuantity::weight, 100, "g")).code ==
          VitalsErrc::outOfRange);
    const auto e = refusal(single(MeasurementKind::anthropometry, VitalQuantity::height, 3, "m"));
    CHECK(e.code == VitalsErrc::outOfRange);
    CHECK(e.field == "values[height]");
    // Each plausible, together absurd: 250 kg at 60 cm.
    Measurement m;
    m.kind = MeasurementKind::anthropometry;
    m.values = {{VitalQuantity::weight, 250, "kg"}, {VitalQuantity::height, 60, "cm"}};
    m.instrumentId = "scale-1";
    CHECK(refusal(m).code == VitalsErrc::inconsistent);
}

TEST_CASE("vitals rule: a BMI that does not match weight and height is refused",
          "[vitals][validation]") {
    Measurement m;
    m.kind = MeasurementKind::anthropometry;
    m.values = {{VitalQuantity::weight, 70, "kg"},
                {VitalQuantity::height, 175, "cm"},
                {VitalQuantity::bmi, 30, "kg/m2"}};
    m.instrumentId = "scale-1";
    const auto e = refusal(m);
    CHECK(e.code == VitalsErrc::inconsistent);
    CHECK(e.field == "values[bmi]");
}

TEST_CASE("vitals rule: an unknown unit is refused", "[vitals][validation]") {
    const auto e =
        refusal(single(MeasurementKind::temperature, VitalQuantity::temperature, 37, "degC"));
    CHECK(e.code == VitalsErrc::unknownUnit);
    CHECK(e.field == "values[temperature].unit");
    CHECK(e.reason.find("Cel") != std::string::npos);
}

TEST_CASE("vitals rule: heart rate outside 20-300 /min is refused", "[vitals][validation]") {
    CHECK(refusal(single(MeasurementKind::oximetry, VitalQuantity::pulseRate, 400, "/min")).code ==
          VitalsErrc::outOfRange);
}

TEST_CASE("vitals rule: a required value is missing", "[vitals][validation]") {
    auto m = bloodPressure(120, 80);
    m.values.pop_back();
    const auto e = refusal(m);
    CHECK(e.code == VitalsErrc::missingValue);
    CHECK(e.field == "values[diastolic]");
}

TEST_CASE("vitals rule: a value of another kind, or twice, is refused", "[vitals][validation]") {
    auto m = bloodPressure(120, 80);
    m.values.push_back({VitalQuantity::spo2, 98, "%"});
    CHECK(refusal(m).code == VitalsErrc::unexpectedValue);
    m = bloodPressure(120, 80);
    m.values.push_back({VitalQuantity::systolic, 121, "mm[Hg]"});
    const auto e = refusal(m);
    CHECK(e.code == VitalsErrc::unexpectedValue);
    CHECK(e.reason == "given twice");
}

TEST_CASE("vitals rule: instrument id, site and time are checked", "[vitals][validation]") {
    auto m = bloodPressure(120, 80);
    m.instrumentId.clear();
    CHECK(refusal(m).field == "instrument");
    m = bloodPressure(120, 80);
    m.site = TemperatureSite::oral;
    CHECK(refusal(m).field == "site");
    m = bloodPressure(120, 80);
    m.acquiredAtUs = -5;
    CHECK(refusal(m).code == VitalsErrc::negative);
}

// Reference ranges and flags: each band's thresholds at their exact boundaries, and the flag
// texts that say it without colour.
#include "tc/protocol/vitals_ranges.hpp"

#include <catch2/catch.hpp>

using namespace tc::protocol;

namespace {
VitalFlag adult(VitalQuantity q, double v) {
    return flagOf(q, v, 40);
}
VitalFlag adolescent(VitalQuantity q, double v) {
    return flagOf(q, v, 15);
}
} // namespace

TEST_CASE("ranges: age bands", "[vitals][ranges]") {
    CHECK(ageBandOf(0) == AgeBand::infant);
    CHECK(ageBandOf(1) == AgeBand::preschool);
    CHECK(ageBandOf(5) == AgeBand::preschool);
    CHECK(ageBandOf(6) == AgeBand::schoolAge);
    CHECK(ageBandOf(11) == AgeBand::schoolAge);
    CHECK(ageBandOf(12) == AgeBand::adolescent);
    CHECK(ageBandOf(17) == AgeBand::adolescent);
    CHECK(ageBandOf(18) == AgeBand::adult);
}

TEST_CASE("ranges: adult systolic pressure at its boundaries", "[vitals][ranges]") {
    const auto q = VitalQuantity::systolic;
    CHECK(adult(q, 69.9) == VitalFlag::criticalLow);
    CHECK(adult(q, 70) == VitalFlag::low);
    CHECK(adult(q, 89.9) == VitalFlag::low);
    CHECK(adult(q, 90) == VitalFlag::normal);
    CHECK(adult(q, 139) == VitalFlag::normal);
    CHECK(adult(q, 140) == VitalFlag::high);
    CHECK(adult(q, 179) == VitalFlag::high);
    CHECK(adult(q, 180) == VitalFlag::criticalHigh);
}

TEST_CASE("ranges: adult diastolic and mean pressure at their boundaries", "[vitals][ranges]") {
    CHECK(adult(VitalQuantity::diastolic, 39) == VitalFlag::criticalLow);
    CHECK(adult(VitalQuantity::diastolic, 40) == VitalFlag::low);
    CHECK(adult(VitalQuantity::diastolic, 60) == VitalFlag::normal);
    CHECK(adult(VitalQuantity::diastolic, 89) == VitalFlag::normal);
    CHECK(adult(VitalQuantity::diastolic, 90) == VitalFlag::high);
    CHECK(adult(VitalQuantity::diastolic, 110) == VitalFlag::criticalHigh);
    CHECK(adult(VitalQuantity::meanPressure, 64.9) == VitalFlag::criticalLow);
    CHECK(adult(VitalQuantity::meanPressure, 65) == VitalFlag::low);
    CHECK(adult(VitalQuantity::meanPressure, 70) == VitalFlag::normal);
}

TEST_CASE("ranges: adult heart rate at its boundaries", "[vitals][ranges]") {
    for (const auto q : {VitalQuantity::heartRate, VitalQuantity::pulseRate}) {
        CHECK(adult(q, 39) == VitalFlag::criticalLow);
        CHECK(adult(q, 40) == VitalFlag::low);
        CHECK(adult(q, 49) == VitalFlag::low);
        CHECK(adult(q, 50) == VitalFlag::normal);
        CHECK(adult(q, 100) == VitalFlag::normal);
        CHECK(adult(q, 101) == VitalFlag::high);
        CHECK(adult(q, 130) == VitalFlag::high);
        CHECK(adult(q, 131) == VitalFlag::criticalHigh);
    }
}

TEST_CASE("ranges: SpO2, temperature, glucose and BMI at their boundaries", "[vitals][ranges]") {
    CHECK(adult(VitalQuantity::spo2, 91) == VitalFlag::criticalLow);
    CHECK(adult(VitalQuantity::spo2, 92) == VitalFlag::low);
    CHECK(adult(VitalQuantity::spo2, 94) == VitalFlag::low);
    CHECK(adult(VitalQuantity::spo2, 95) == VitalFlag::normal);
    CHECK(adult(VitalQuantity::spo2, 100) == VitalFlag::normal);
    CHECK(adult(VitalQuantity::temperature, 34.9) == VitalFlag::criticalLow);
    CHECK(adult(VitalQuantity::temperature, 35.0) == VitalFlag::low);
    CHECK(adult(VitalQuantity::temperature, 36.0) == VitalFlag::normal);
    CHECK(adult(VitalQuantity::temperature, 37.9) == VitalFlag::normal);
    CHECK(adult(VitalQuantity::temperature, 38.0) == VitalFlag::high);
    CHECK(adult(VitalQuantity::temperature, 40.0) == VitalFlag::criticalHigh);
    CHECK(adult(VitalQuantity::glucose, 2.9) == VitalFlag::criticalLow);
    CHECK(adult(VitalQuantity::glucose, 3.0) == VitalFlag::low);
    CHECK(adult(VitalQuantity::glucose, 3.9) == VitalFlag::normal);
    CHECK(adult(VitalQuantity::glucose, 11.1) == VitalFlag::high);
    CHECK(adult(VitalQuantity::glucose, 16.7) == VitalFlag::criticalHigh);
    CHECK(adult(VitalQuantity::bmi, 15.9) == VitalFlag::criticalLow);
    CHECK(adult(VitalQuantity::bmi, 18.5) == VitalFlag::normal);
    CHECK(adult(VitalQuantity::bmi, 25) == VitalFlag::high);
    CHECK(adult(VitalQuantity::bmi, 40) == VitalFlag::criticalHigh);
    CHECK(adult(VitalQuantity::weight, 500) == VitalFlag::notAssessed);
}

TEST_CASE("ranges: adolescents have their own pressure and heart-rate thresholds",
          "[vitals][ranges]") {
    CHECK(adolescent(VitalQuantity::systolic, 129) == VitalFlag::normal);
    CHECK(adolescent(VitalQuantity::systolic, 130) == VitalFlag::high); // adult: normal
    CHECK(adult(VitalQuantity::systolic, 130) == VitalFlag::normal);
    CHECK(adolescent(VitalQuantity::systolic, 180) == VitalFlag::criticalHigh);
    CHECK(adolescent(VitalQuantity::systolic, 89) == VitalFlag::low);
    CHECK(adolescent(VitalQuantity::diastolic, 79) == VitalFlag::normal);
    CHECK(adolescent(VitalQuantity::diastolic, 80) == VitalFlag::high);
    CHECK(adolescent(VitalQuantity::diastolic, 120) == VitalFlag::criticalHigh);
    CHECK(adolescent(VitalQuantity::heartRate, 59) == VitalFlag::low); // adult: normal
    CHECK(adolescent(VitalQuantity::heartRate, 60) == VitalFlag::normal);
    CHECK(adolescent(VitalQuantity::heartRate, 140) == VitalFlag::criticalHigh);
    CHECK(adolescent(VitalQuantity::bmi, 30) == VitalFlag::notAssessed); // needs growth charts
}

TEST_CASE("ranges: children by PALS", "[vitals][ranges]") {
    // Hypotension below 70 + 2 × age: 80 mm[Hg] at 5 years.
    CHECK(flagOf(VitalQuantity::systolic, 79, 5) == VitalFlag::criticalLow);
    CHECK(flagOf(VitalQuantity::systolic, 80, 5) == VitalFlag::normal);
    CHECK(flagOf(VitalQuantity::heartRate, 140, 3) == VitalFlag::normal);
    CHECK(flagOf(VitalQuantity::heartRate, 141, 3) == VitalFlag::high);
    CHECK(flagOf(VitalQuantity::heartRate, 99, 0) == VitalFlag::low);
    CHECK(flagOf(VitalQuantity::heartRate, 119, 8) == VitalFlag::high);
}

TEST_CASE("ranges: flag texts without colour", "[vitals][ranges]") {
    CHECK(flagText(VitalFlag::high, VitalQuantity::systolic).text == "↑ élevée");
    CHECK(flagText(VitalFlag::high, VitalQuantity::bmi).text == "↑ élevé");
    CHECK(flagText(VitalFlag::low, VitalQuantity::spo2).text == "↓ basse");
    CHECK(flagText(VitalFlag::criticalLow, VitalQuantity::spo2).text == "↓↓ critique");
    CHECK(flagText(VitalFlag::criticalHigh, VitalQuantity::temperature).symbol == "↑↑");
    CHECK(flagText(VitalFlag::normal, VitalQuantity::temperature).text == "normale");
    CHECK(flagText(VitalFlag::high, VitalQuantity::temperature).textEn == "↑ high");
}

TEST_CASE("ranges: a whole measurement is flagged in canonical units", "[vitals][ranges]") {
    Measurement m;
    m.kind = MeasurementKind::temperature;
    m.values = {{VitalQuantity::temperature, 102.2, "[degF]"}}; // 39 °C
    const auto flagged = flagMeasurement(m, 30);
    REQUIRE(flagged.size() == 1);
    CHECK(flagged[0].value.value == Approx(39.0));
    CHECK(flagged[0].value.unit == "Cel");
    CHECK(flagged[0].flag == VitalFlag::high);
    CHECK(flagged[0].label.text == "↑ élevée");
    REQUIRE(flagged[0].range);
    CHECK(flagged[0].range->high == 38.0);
}

#pragma once
// A simulated patient's scenario: the rhythm and rate of the heart, the breathing, the
// oximetry, the blood pressure, the temperature and the body measures the cabin's simulated
// instruments give. Read from JSON (format in app/cabin/README.md, "Scenarios") by a strict
// loader: unknown fields, wrong types and implausible values are refused with the field and
// the reason. Deterministic: the same scenario (seed included) gives the same patient.

#include "tc/media/auscultation.hpp"
#include "tc/media/physiology.hpp"

#include <boost/system/result.hpp>
#include <filesystem>
#include <string>
#include <string_view>

namespace tc::media {

struct Scenario {
    std::string name;        // "normal_adult"
    std::string description; // for the log
    CardiacModel cardiac;    // rhythm, heart rate and its variability, breathing, seed
    EcgSettings ecg;
    PlethSettings pleth;                  // pulse transit time and perfusion index
    double electromechanicalDelayMs = 50; // R peak to S1
    double spo2 = 98;                     // %
    double systolic = 120;                // mm[Hg]
    double diastolic = 78;
    double temperature = 36.8; // Cel
    double weightKg = 70;
    double heightCm = 172;
    double glucoseMmolL = 5.4;
    // The stethoscope's synthetic body for this patient (heart rate and breathing from above).
    AuscultationModel sounds() const;
};

struct ScenarioError {
    std::string field;  // "heart_rate", "blood_pressure.diastolic"
    std::string reason; // "must be 30-220"
};

// What result::value() throws on an error (std::invalid_argument), for callers that checked.
[[noreturn]] void throw_exception_from_error(const ScenarioError& error,
                                             const boost::source_location& location);

boost::system::result<Scenario, ScenarioError> parseScenario(std::string_view json);
boost::system::result<Scenario, ScenarioError> loadScenarioFile(const std::filesystem::path& path);

} // namespace tc::media

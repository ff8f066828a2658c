#pragma once
// A consultation's dossier as the console writes it (ConsultationDossier, writeDossier) with ECG
// and pleth, a measurement, the signed compte rendu's and an ordonnance's canonical JSON; on
// demand pseudonymised as the service serves every JSON file to a coordinator. Shared by the
// replay's tests and the review screens' language tour.
#include "consultation_dossier.hpp"
#include "support/test_patient.hpp"
#include "tc/media/physiology.hpp"
#include "tc/prescriptions/canonical_json.hpp"
#include "tc/prescriptions/prescription_json.hpp"
#include "tc/prescriptions/sealed_report.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>

namespace tc::test::review {

namespace rx = tc::prescriptions;
namespace fs = std::filesystem;

inline constexpr rx::UnixMs kT0 = 1'795'000'000'000;
inline constexpr rx::UnixMs kStart = kT0 + 60'000;
inline constexpr std::int64_t kCabinClockUs = 9'000'000'000; // the cabin's steady clock at kStart

inline rx::PrescriptionId idOf(const char* text) {
    auto id = rx::PrescriptionId::parse(text);
    REQUIRE(id.has_value());
    return *id;
}

inline rx::ConsultationRecord baseRecord() {
    rx::ConsultationRecord record;
    record.consultationId = "S-docs-0001";
    record.patient = jeanneDupont();
    record.doctor = {"10101234564", "Martin", "Claire"};
    record.site = {"FR-NEV-GARE-01", "Cabine gare de Nevers"};
    record.times = {kT0, kT0 + 30'000, 0, 0};
    record.consent = {true, true};
    return record;
}

// Two seconds of ECG (500 Hz) and pleth (100 Hz) from the cabin, 200 ms lost, then one more second.
inline void addFlatWaveforms(app::ConsultationDossier& dossier) {
    const auto span = [](std::int64_t firstTick, std::int64_t ticks, std::int16_t ecg) {
        media::WaveformSpan s;
        s.firstTick = firstTick;
        s.ticks = ticks;
        s.startUs = kCabinClockUs + firstTick * 1000;
        s.channels = {{media::WaveformChannel::ecgII, 2,
                       std::vector<std::int16_t>(static_cast<std::size_t>(ticks / 2), ecg)},
                      {media::WaveformChannel::pleth, 10,
                       std::vector<std::int16_t>(static_cast<std::size_t>(ticks / 10), 500)}};
        return s;
    };
    dossier.addWaveforms(span(0, 2000, 1000)); // 1 mV
    media::WaveformSpan gap;
    gap.firstTick = 2000;
    gap.ticks = 200;
    gap.gap = true;
    dossier.addWaveforms(gap);
    dossier.addWaveforms(span(2200, 1000, -500));
}

// `seconds` of the cabin simulator's ECG (three leads, 500 Hz) and pleth, as received.
inline void addSimulatedWaveforms(app::ConsultationDossier& dossier, int seconds) {
    media::CardiacModel model;
    model.seed = 4;
    media::WaveformSource source(std::make_shared<media::BeatTrain>(model), {}, {}, kCabinClockUs);
    for (std::int64_t tick = 0; tick < seconds * 1000;) {
        auto block = source.next();
        media::WaveformSpan span;
        span.firstTick = block.firstTick;
        span.ticks = block.ticks();
        span.startUs = block.captureUs;
        span.channels = std::move(block.channels);
        tick += span.ticks;
        dossier.addWaveforms(span);
    }
}

inline rx::Prescription prescriptionFor(const rx::ConsultationRecord& record) {
    rx::Prescription p;
    p.id = idOf("7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1AH");
    p.date = std::chrono::year{2026} / 11 / 18;
    p.issuedAt = std::chrono::sys_seconds(std::chrono::seconds((kStart + 40'000) / 1000));
    p.prescriber = {"Martin", "Claire", "Médecin généraliste", record.doctor.rpps, {}, "", ""};
    p.patient = {"DUPONT", "Jeanne", rx::Sex::female, record.patient.birthDate, 62, std::nullopt};
    rx::MedicationLine amoxicillin;
    amoxicillin.dci = "amoxicilline";
    amoxicillin.strength.amounts = {{500, "mg"}};
    amoxicillin.form = rx::Form::capsule;
    amoxicillin.dosage = {{1, "gélule", false},
                          rx::Frequency{rx::FrequencyKind::timesPerDay, 3},
                          rx::Duration{7, rx::DurationUnit::day},
                          false};
    p.lines = {amoxicillin, rx::NonDrugLine{rx::NonDrugKind::laboratory, "NFS, CRP", ""}};
    return p;
}

inline void writeJson(const fs::path& path, const nlohmann::json& value) {
    const auto canonical = rx::canonicalJson(value);
    REQUIRE(canonical);
    std::ofstream(path, std::ios::binary) << *canonical;
}

// What the service does to each JSON file it serves a coordinator (review_rules.cpp).
inline void pseudonymise(nlohmann::json& document) {
    if (document.is_object()) {
        for (auto& [key, value] : document.items()) {
            if (key == "patient" && !value.is_null()) {
                value = {{"ageBand", "70-79"}, {"sex", "female"}};
            } else {
                pseudonymise(value);
            }
        }
    } else if (document.is_array()) {
        for (auto& item : document) {
            pseudonymise(item);
        }
    }
}

// A dossier as the console writes it, with its report and ordonnance; pseudonymised on demand.
using Waveforms = std::function<void(app::ConsultationDossier&)>;
inline fs::path writeDossierWithDocuments(const fs::path& root, bool coordinatorCopy,
                                          const Waveforms& waveforms = addFlatWaveforms) {
    const auto staging = root / "staging";
    fs::create_directories(staging);
    app::ConsultationDossier dossier;
    dossier.begin(baseRecord());
    dossier.mediaStarted(kStart);
    waveforms(dossier);
    protocol::Measurement oximetry;
    oximetry.kind = protocol::MeasurementKind::oximetry;
    oximetry.values = {{protocol::VitalQuantity::spo2, 97, "%"}};
    oximetry.instrumentId = "oximeter-1";
    oximetry.acquiredAtUs = kCabinClockUs + 1'000'000;
    dossier.addMeasurement(oximetry, kStart + 1'000 + 40); // 40 ms on the way

    const auto record = dossier.current(kStart + 50'000);
    const auto prescription = prescriptionFor(record);
    writeJson(staging / "ordonnance-A.json", rx::toJson(prescription));
    dossier.addPrescription(prescription.id.toString(), std::string(64, 'b'),
                            {staging / "ordonnance-A.json"});
    rx::ConsultationReport report;
    auto reportId = rx::PrescriptionId::generate();
    REQUIRE(reportId.has_value());
    report.id = *reportId;
    report.consultationId = record.consultationId;
    report.motif = "Fièvre depuis trois jours";
    report.history = "Pas d'antécédent notable";
    report.examination.text = "Gorge érythémateuse";
    report.conclusion = "Angine probablement bactérienne";
    report.followUp = {rx::FollowUpKind::gpInPerson, ""};
    auto context = rx::reportContextOf(dossier.current(kStart + 50'000));
    writeJson(staging / "compte-rendu-A.json", rx::signedReportJson(report, context));
    std::ofstream(staging / "compte-rendu-A.fhir.json") << R"({"resourceType":"Bundle"})";
    dossier.setReport({report.id.toString(), std::string(64, 'c'), kStart + 55'000},
                      {staging / "compte-rendu-A.json", staging / "compte-rendu-A.fhir.json"});

    const auto dir = root / "dossier";
    const auto written = app::writeDossier(dossier.close("completed", kStart + 60'000), dir);
    INFO((written ? std::string() : written.error().detail));
    REQUIRE(written.has_value());
    if (coordinatorCopy) {
        for (const auto& entry : fs::recursive_directory_iterator(dir)) {
            if (entry.path().extension() == ".json") {
                std::ifstream in(entry.path(), std::ios::binary);
                auto document = nlohmann::json::parse(in);
                pseudonymise(document);
                in.close();
                std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << document.dump();
            }
        }
    }
    return dir;
}

} // namespace tc::test::review

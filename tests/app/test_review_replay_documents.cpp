// What a replay reads from a dossier besides its record: the ECG and pleth as the console wrote
// them (WaveformLog through writeDossier), placed on the replay's clock with their gap, and the
// signed compte rendu and ordonnance as text from their canonical JSON, whole (the doctor's copy)
// or pseudonymised as the service serves them to a coordinator.
#include "consultation_dossier.hpp"
#include "review_replay.hpp"
#include "stethoscope_controller.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/prescriptions/canonical_json.hpp"
#include "tc/prescriptions/prescription_json.hpp"
#include "tc/prescriptions/sealed_report.hpp"

#include <QJsonDocument>
#include <QTest>
#include <catch2/catch.hpp>
#include <fstream>
#include <functional>

using namespace tc;
namespace rx = tc::prescriptions;
namespace fs = std::filesystem;

namespace {

constexpr rx::UnixMs kT0 = 1'795'000'000'000;
constexpr rx::UnixMs kStart = kT0 + 60'000;
constexpr std::int64_t kCabinClockUs = 9'000'000'000; // the cabin's steady clock at kStart

rx::PrescriptionId idOf(const char* text) {
    auto id = rx::PrescriptionId::parse(text);
    REQUIRE(id.has_value());
    return *id;
}

rx::ConsultationRecord baseRecord() {
    rx::ConsultationRecord record;
    record.consultationId = "S-docs-0001";
    rx::PatientIdentity patient;
    patient.birthName = "MERCIER";
    patient.firstNames = {"Françoise"};
    patient.birthDate = std::chrono::year{1961} / 4 / 12;
    patient.sex = rx::Sex::female;
    patient.birthPlaceCode = "35238";
    record.patient = patient;
    record.doctor = {"10101234564", "Martin", "Claire"};
    record.site = {"FR-NEV-GARE-01", "Cabine gare de Nevers"};
    record.times = {kT0, kT0 + 30'000, 0, 0};
    record.consent = {true, true};
    return record;
}

// Two seconds of ECG (500 Hz) and pleth (100 Hz) from the cabin, 200 ms lost, then one more second.
void addWaveforms(app::ConsultationDossier& dossier) {
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

rx::Prescription prescriptionFor(const rx::ConsultationRecord& record) {
    rx::Prescription p;
    p.id = idOf("7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1AH");
    p.date = std::chrono::year{2026} / 11 / 18;
    p.issuedAt = std::chrono::sys_seconds(std::chrono::seconds((kStart + 40'000) / 1000));
    p.prescriber = {"Martin", "Claire", "Médecin généraliste", record.doctor.rpps, {}, "", ""};
    p.patient = {"MERCIER", "Françoise", rx::Sex::female, record.patient.birthDate,
                 62,        std::nullopt};
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

void writeJson(const fs::path& path, const nlohmann::json& value) {
    const auto canonical = rx::canonicalJson(value);
    REQUIRE(canonical);
    std::ofstream(path, std::ios::binary) << *canonical;
}

// What the service does to each JSON file it serves a coordinator (review_rules.cpp).
void pseudonymise(nlohmann::json& document) {
    if (document.is_object()) {
        for (auto& [key, value] : document.items()) {
            if (key == "patient" && !value.is_null()) {
                value = {{"ageBand", "60-69"}, {"sex", "female"}};
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
fs::path writeDossierWithDocuments(const fs::path& root, bool coordinatorCopy) {
    const auto staging = root / "staging";
    fs::create_directories(staging);
    app::ConsultationDossier dossier;
    dossier.begin(baseRecord());
    dossier.mediaStarted(kStart);
    addWaveforms(dossier);
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

} // namespace

TEST_CASE("review replay documents: the ECG and pleth on the replay's clock, the gap kept, the "
          "strip standing at the clock",
          "[app][review][replay]") {
    test::TempDir temp;
    const auto dir = writeDossierWithDocuments(temp.path(), false);
    app::StethoscopeController live;
    live.setAudioSink("none");
    app::ReviewReplayController replay(&live);
    replay.openDossier(QString::fromStdString(dir.string()));
    REQUIRE(replay.isOpen());
    INFO(replay.errorString().toStdString());
    CHECK(replay.errorString().isEmpty());
    REQUIRE(replay.hasWaveforms());

    // The measurement arrived 40 ms after its acquisition: the cabin's clock maps to the
    // replay's through that arrival, so the samples sit 40 ms late (the least delay seen).
    constexpr std::int64_t d = 40'000;
    const auto& ecg = replay.ecgTrace();
    const auto first = ecg.extent(d, d + 2'000);
    REQUIRE(first);
    CHECK(first->high == Approx(1.0)); // 1000 µV is 1 mV
    CHECK_FALSE(ecg.extent(0, d));
    // The 200 ms lost from 2 s on: a gap, and no samples there.
    CHECK(ecg.hasGap(2'000'000 + d, 2'100'000 + d));
    CHECK_FALSE(ecg.extent(2'010'000 + d, 2'190'000 + d));
    const auto after = ecg.extent(2'200'000 + d, 2'300'000 + d);
    REQUIRE(after);
    CHECK(after->low == Approx(-0.5));
    CHECK(ecg.endUs() == 3'200'000 + d);
    const auto pleth = replay.plethTrace().extent(d, d + 100'000);
    REQUIRE(pleth);
    CHECK(pleth->high == Approx(0.5));

    // The strip's right edge follows the clock.
    app::WaveformStrip strip;
    replay.setEcgStrip(&strip);
    CHECK(strip.rightEdgeUs() == 0);
    replay.seek(2.5);
    CHECK(strip.rightEdgeUs() == 2'500'000);

    replay.close();
    CHECK_FALSE(replay.hasWaveforms());
    CHECK_FALSE(replay.ecgTrace().endUs());
}

TEST_CASE("review replay documents: the report and the ordonnance rendered as text, on the "
          "timeline, for the doctor's copy and the coordinator's pseudonymised one",
          "[app][review][replay]") {
    const bool coordinator = GENERATE(false, true);
    INFO((coordinator ? "coordinator" : "doctor"));
    test::TempDir temp;
    const auto dir = writeDossierWithDocuments(temp.path(), coordinator);
    app::StethoscopeController live;
    live.setAudioSink("none");
    app::ReviewReplayController replay(&live);
    replay.openDossier(QString::fromStdString(dir.string()));
    REQUIRE(replay.isOpen());
    INFO(replay.errorString().toStdString());
    CHECK(replay.errorString().isEmpty());
    CHECK(replay.recordId() == "S-docs-0001");

    const auto documents = replay.documents();
    REQUIRE(documents.size() == 2);
    const auto report = documents[0].toMap();
    CHECK(report["kind"] == "report");
    CHECK(report["orientation"] == "gp_in_person");
    CHECK(report["at"].toDouble() == 55.0);
    QStringList sections;
    for (const auto& s : report["sections"].toList()) {
        sections << s.toMap()["text"].toString();
    }
    CHECK(sections.contains("Fièvre depuis trois jours"));
    CHECK(sections.contains("Angine probablement bactérienne"));
    CHECK(sections.contains("Consulter votre médecin traitant en présentiel."));

    const auto ordonnance = documents[1].toMap();
    CHECK(ordonnance["kind"] == "prescription");
    CHECK(ordonnance["id"] == "7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1AH");
    CHECK(ordonnance["at"].toDouble() == 40.0);
    const auto lines = ordonnance["lines"].toList();
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].toMap()["medicine"].toString().startsWith("amoxicilline 500 mg"));
    CHECK(lines[0].toMap()["dosage"] == "1 gélule 3 fois par jour");
    CHECK(lines[0].toMap()["duration"] == "7 jours");
    CHECK(lines[1].toMap()["medicine"].toString().contains("NFS, CRP"));

    // On the timeline's documents lane, where they were signed.
    int onLane = 0;
    for (const auto& item : replay.items()) {
        if (item.toMap()["lane"] == "documents") {
            ++onLane;
        }
    }
    CHECK(onLane == 2);
    // Nothing shown names the patient (the coordinator's copy never had the name to show).
    const auto shown = QString::fromUtf8(
        QJsonDocument::fromVariant(QVariant(documents)).toJson(QJsonDocument::Compact));
    CHECK_FALSE(shown.contains("MERCIER"));
}

TEST_CASE("review replay documents: hostile waveform descriptions are refused, never followed",
          "[app][review][replay]") {
    test::TempDir temp;
    const auto dir = writeDossierWithDocuments(temp.path(), false);
    auto description = nlohmann::json::parse(std::ifstream(dir / "vitals" / "waveforms.json"));
    const auto breakWith = [&](const std::function<void(nlohmann::json&)>& change) {
        auto changed = description;
        change(changed);
        std::ofstream(dir / "vitals" / "waveforms.json", std::ios::trunc) << changed.dump();
        app::StethoscopeController live;
        live.setAudioSink("none");
        app::ReviewReplayController replay(&live);
        replay.openDossier(QString::fromStdString(dir.string()));
        REQUIRE(replay.isOpen()); // the rest of the record still replays
        CHECK_FALSE(replay.hasWaveforms());
        CHECK(replay.errorString().contains("illisibles"));
    };
    breakWith([](auto& d) { d["channels"][0]["file"] = "../../record.json"; });
    breakWith([](auto& d) { d["channels"][0]["segments"][0]["samples"] = 1'000'000; });
    breakWith([](auto& d) { d["channels"][0]["segments"][0]["offset"] = -1; });
    breakWith([](auto& d) { d["format"] = "other/1"; });
    breakWith([](auto& d) { d["gaps"][0]["ticks"] = "many"; });
    fs::resize_file(dir / "vitals" / "ecg_ii.s16le", 11);
    breakWith([](auto&) {});
}

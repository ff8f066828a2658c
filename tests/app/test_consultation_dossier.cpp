// The consultation's dossier as the console writes it at the end: every act's file taken in and
// hashed, a record that validates, written last; what cannot be read is a typed refusal.
#include "consultation_dossier.hpp"
#include "support/test_record.hpp"
#include "tc/protocol/archive_store.hpp"

#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <fstream>

using namespace tc::app;
namespace fs = std::filesystem;
namespace rx = tc::prescriptions;

namespace {

constexpr rx::UnixMs kT0 = 1'795'000'000'000;

void writeBytes(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string readBytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

rx::ConsultationRecord base() {
    auto record = tc::test::francoiseMercierRecord("S-0123456789abcdef");
    record.assistant = rx::RecordAssistant{rx::AssistantRole::nurse, "Sophie Bernard"};
    record.times.checkInMs = kT0;
    record.times.claimMs = kT0 + 60'000;
    record.consent = {true, false};
    return record;
}

tc::protocol::Measurement oximetry() {
    tc::protocol::Measurement m;
    m.kind = tc::protocol::MeasurementKind::oximetry;
    m.values = {{tc::protocol::VitalQuantity::spo2, 97, "%"},
                {tc::protocol::VitalQuantity::pulseRate, 72, "/min"}};
    m.instrumentId = "oximeter-1";
    return m;
}

} // namespace

TEST_CASE("dossier: the acts' files taken in, hashed, and a record that validates, written last",
          "[dossier]") {
    QTemporaryDir temp;
    const fs::path root = temp.path().toStdString();
    writeBytes(root / "recordings/S-1.flac", std::string(5000, 'f'));
    writeBytes(root / "recordings/S-1.json", R"({"state":"complete"})");
    writeBytes(root / "snapshots/otoscope-1.png", "\x89PNG-still");
    writeBytes(root / "rx/ordonnance-A.pdf", "%PDF-1.7");

    ConsultationDossier dossier;
    dossier.begin(base());
    dossier.mediaStarted(kT0 + 65'000);
    dossier.addAuscultation("aortic", root / "recordings/S-1.flac", kT0 + 70'000, 12'000);
    dossier.addMeasurement(oximetry(), kT0 + 90'000);
    dossier.addStill(root / "snapshots/otoscope-1.png", "otoscope", kT0 + 100'000);
    dossier.addPrescription("7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1AH", std::string(64, 'a'),
                            {root / "rx/ordonnance-A.pdf"});
    dossier.incidents().transportState(kT0 + 65'000, tc::protocol::TransportState::connected);
    dossier.incidents().mediaSample(kT0 + 110'000, {30, 20, 0, 5});
    // What the compte rendu is drafted from, before the end.
    const auto current = dossier.current(kT0 + 111'000);
    CHECK(current.acts.measurements.size() == 2);
    CHECK(current.incidents.size() == 1); // the burst, still open

    auto content = dossier.close("completed", kT0 + 120'000);
    CHECK_FALSE(dossier.open());
    const auto written = writeDossier(std::move(content), root / "dossiers/S-0123456789abcdef");
    INFO((written ? std::string() : written.error().detail));
    REQUIRE(written.has_value());
    const auto dir = root / "dossiers/S-0123456789abcdef";
    for (const char* name : {"steth-aortic-1.flac", "steth-aortic-1.json", "still-otoscope-1.png",
                             "prescriptions/ordonnance-A.pdf", "vitals/measurements.json",
                             "incidents.json", "record.json"}) {
        INFO(name);
        CHECK(fs::is_regular_file(dir / name));
    }
    const auto record = rx::parseConsultationRecord(readBytes(dir / "record.json"));
    REQUIRE(record.has_value());
    CHECK(rx::validateRecord(*record).empty());
    CHECK(*record == *written);
    CHECK(record->acts.instruments ==
          std::vector<std::string>{"stethoscope", "oximeter-1", "otoscope"});
    const auto flac = readBytes(dir / "steth-aortic-1.flac");
    CHECK(record->acts.auscultations.at(0).sha256 ==
          tc::protocol::toHex(tc::protocol::sha256Of(
              std::span(reinterpret_cast<const std::uint8_t*>(flac.data()), flac.size()))));
    CHECK(record->acts.stills.at(0).caption == "Otoscope");
    CHECK(record->acts.measurements.at(0).loinc == "59408-5");
    REQUIRE(record->incidents.size() == 1);
    CHECK(record->incidents[0].kind == rx::IncidentKind::lossBurst);
    CHECK(record->incidents[0].endMs == kT0 + 120'000); // closed by the end
    CHECK(record->endReason == "completed");
}

TEST_CASE("dossier: a file that vanished is a typed refusal and no record.json is left; a second "
          "attempt starts clean",
          "[dossier]") {
    QTemporaryDir temp;
    const fs::path root = temp.path().toStdString();
    ConsultationDossier dossier;
    dossier.begin(base());
    dossier.addStill(root / "snapshots/gone.png", "room", kT0 + 70'000);
    const auto dir = root / "dossiers/S-0123456789abcdef";
    const auto written = writeDossier(dossier.close("completed", kT0 + 80'000), dir);
    REQUIRE_FALSE(written.has_value());
    CHECK(written.error().code == DossierErrc::sourceMissing);
    CHECK_FALSE(fs::exists(dir / "record.json"));

    // An identity without a name makes an invalid record: refused, named, not written.
    auto nameless = base();
    nameless.patient.birthName.clear();
    ConsultationDossier second;
    second.begin(nameless);
    const auto refused = writeDossier(second.close("completed", kT0 + 80'000), dir);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == DossierErrc::invalidRecord);
    CHECK(refused.error().detail.find("/patient") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "record.json"));
}

TEST_CASE("dossier: the waveforms as received, spans joined, gaps listed", "[dossier]") {
    WaveformLog log;
    tc::media::WaveformSpan first;
    first.firstTick = 0;
    first.ticks = 20;
    first.startUs = 1000;
    first.channels = {{tc::media::WaveformChannel::ecgII, 2, std::vector<std::int16_t>(10, 5)}};
    auto second = first;
    second.firstTick = 20;
    second.startUs = 21'000;
    tc::media::WaveformSpan gap;
    gap.firstTick = 40;
    gap.ticks = 20;
    gap.gap = true;
    auto third = first;
    third.firstTick = 60;
    log.append(first);
    log.append(second);
    log.append(gap);
    log.append(third);
    const auto described = log.describe();
    const auto& channel = described.at("channels").at(0);
    CHECK(channel.at("channel") == "ecg_ii");
    CHECK(channel.at("sample_rate_hz") == 500);
    CHECK(channel.at("samples") == 30);
    CHECK(channel.at("segments").size() == 2); // the first two joined, the third after the gap
    CHECK(described.at("gaps").size() == 1);
    CHECK(log.samplesByFile().at("ecg_ii.s16le").size() == 30);
}

// What a replay reads from a dossier besides its record: the ECG and pleth as the console wrote
// them (WaveformLog through writeDossier), placed on the replay's clock with their gap, and the
// signed compte rendu and ordonnance as text from their canonical JSON, whole (the doctor's copy)
// or pseudonymised as the service serves them to a coordinator.
#include "review_dossier_fixture.hpp"
#include "review_replay.hpp"
#include "stethoscope_controller.hpp"
#include "support/tls_test_peer.hpp"

#include <QJsonDocument>
#include <QTest>
#include <catch2/catch.hpp>
#include <fstream>
#include <functional>

using namespace tc;
namespace rx = tc::prescriptions;
namespace fs = std::filesystem;

using namespace tc::test::review;

namespace {

// A dossier written (the coordinator's copy on demand) and replayed, heard nowhere.
struct OpenedReplay {
    test::TempDir temp;
    fs::path dir;
    app::StethoscopeController live;
    app::ReviewReplayController replay{&live};
    explicit OpenedReplay(bool coordinatorCopy)
        : dir(writeDossierWithDocuments(temp.path(), coordinatorCopy)) {
        live.setAudioSink("none");
        open();
    }
    void open() { replay.openDossier(QString::fromStdString(dir.string())); }
};

} // namespace

TEST_CASE("review replay documents: the ECG and pleth on the replay's clock, the gap kept, the "
          "strip standing at the clock",
          "[app][review][replay]") {
    OpenedReplay opened(false);
    auto& replay = opened.replay;
    INFO(replay.errorString().toStdString());
    REQUIRE((replay.isOpen() && replay.errorString().isEmpty() && replay.hasWaveforms()));

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
    OpenedReplay opened(coordinator);
    auto& replay = opened.replay;
    INFO(replay.errorString().toStdString());
    REQUIRE((replay.isOpen() && replay.errorString().isEmpty()));
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
    CHECK_FALSE(shown.contains("DUPONT"));
    CHECK_FALSE(shown.contains("Jeanne"));
}

TEST_CASE("review replay documents: hostile waveform descriptions are refused, never followed",
          "[app][review][replay]") {
    OpenedReplay opened(false);
    const auto& dir = opened.dir;
    const auto& replay = opened.replay;
    auto description = nlohmann::json::parse(std::ifstream(dir / "vitals" / "waveforms.json"));
    const auto breakWith = [&](const std::function<void(nlohmann::json&)>& change) {
        auto changed = description;
        change(changed);
        std::ofstream(dir / "vitals" / "waveforms.json", std::ios::trunc) << changed.dump();
        opened.open();
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

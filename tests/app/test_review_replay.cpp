// Replaying a consultation from its dossier: the record's timeline, its recording decoded off
// the UI thread and played where the clock is, at 0.5x, 1x and 2x, the vitals, still and
// incidents at the clock's moment, seeks and jumps. The recording is a real FLAC file made by
// GStreamer's flacenc (gst-launch-1.0), the record real canonical JSON.
#include "review_replay.hpp"
#include "stethoscope_controller.hpp"
#include "support/test_record.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/prescriptions/consultation_record.hpp"

#include <QSignalSpy>
#include <QTest>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

using namespace tc;
namespace rx = tc::prescriptions;

namespace {

constexpr rx::UnixMs kT0 = 1'795'000'000'000;
constexpr rx::UnixMs kStart = kT0 + 120'000; // the media flowed two minutes after check-in

rx::ConsultationRecord replayedRecord() {
    auto record = test::francoiseMercierRecord("S-review-0001");
    record.times = {kT0, kT0 + 60'000, kStart, kStart + 60'000};
    record.consent = {true, true};
    record.endReason = "completed";
    record.acts.auscultations = {
        {"aortic", "steth-aortic-1.flac", kStart + 10'000, 3'000, std::string(64, 'a')}};
    record.acts.measurements = {
        {"m-1", "8310-5", "Température", 38.4, "Cel", kStart + 5'000, "thermo-1"}};
    record.acts.stills = {{"still-otoscope-1.png", std::string(64, 'c'), kStart + 20'000, ""}};
    record.incidents = {{rx::IncidentKind::lossBurst,
                         kStart + 30'000,
                         kStart + 33'000,
                         {{"loss_percent", 12.5}},
                         "Pertes de paquets"}};
    return record;
}

void writeDossier(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    const auto canonical = rx::canonicalJson(replayedRecord());
    REQUIRE(canonical);
    std::ofstream(dir / "record.json", std::ios::binary) << *canonical;
    // Three seconds of a 200 Hz tone at 48 kHz, encoded by GStreamer's own FLAC encoder.
    const std::string command =
        "gst-launch-1.0 -q audiotestsrc freq=200 num-buffers=150 samplesperbuffer=960 ! "
        "audio/x-raw,rate=48000,channels=1,format=S16LE ! flacenc ! filesink location=" +
        (dir / "steth-aortic-1.flac").string();
    REQUIRE(std::system(command.c_str()) == 0);
}

} // namespace

TEST_CASE("review replay: a dossier's consultation replays on one clock, with its recording, "
          "vitals, still and incidents",
          "[app][review][replay]") {
    test::TempDir dir;
    writeDossier(dir.path() / "dossier");
    app::StethoscopeController live;
    live.setAudioSink("none");
    app::ReviewReplayController replay(&live);

    replay.openDossier(QString::fromStdString((dir.path() / "missing").string()));
    CHECK_FALSE(replay.isOpen());
    CHECK_FALSE(replay.errorString().isEmpty());

    replay.openDossier(QString::fromStdString((dir.path() / "dossier").string()));
    REQUIRE(replay.isOpen());
    CHECK(replay.errorString().isEmpty());
    CHECK(replay.recordId() == "S-review-0001");
    REQUIRE(QTest::qWaitFor([&] { return !replay.loading(); }, 10'000));
    CHECK(replay.loadingProgress() == 1.0);
    CHECK(replay.errorString().isEmpty());
    CHECK(replay.begin() == -120.0);
    CHECK(replay.duration() == 60.0);
    CHECK(replay.items().size() == 8); // 4 milestones, 1 auscultation, measurement, still, incident

    // Before anything was done: no vitals, no still, nothing playing.
    CHECK(replay.position() == 0.0);
    CHECK(replay.vitals().isEmpty());
    CHECK(replay.still().isEmpty());
    CHECK(replay.auscultation().isEmpty());

    // Inside the recording, after the temperature and before the still.
    replay.seek(11.0);
    CHECK(replay.auscultation().value("kind").toString() == "aortic");
    REQUIRE(replay.vitals().size() == 1);
    CHECK(replay.vitals().front().toMap().value("value").toDouble() == 38.4);
    CHECK(replay.still().isEmpty());
    CHECK(replay.incidents().isEmpty());

    // Playing at 2x: the clock runs twice as fast, and the recording plays.
    replay.setSpeed(3.0); // not a replay speed: ignored
    CHECK(replay.speed() == 1.0);
    replay.setSpeed(2.0);
    replay.togglePlay();
    CHECK(replay.playing());
    QTest::qWait(500);
    CHECK(replay.position() == Approx(12.0).margin(0.3));
    CHECK(replay.auscultation().value("id").toString() == "steth-aortic-1.flac");
    replay.togglePlay();
    CHECK_FALSE(replay.playing());
    const double paused = replay.position();
    QTest::qWait(200);
    CHECK(replay.position() == paused);

    // The still and the incident at their moments; jumps between them.
    replay.jump(QStringLiteral("stills"), true);
    CHECK(replay.position() == 20.0);
    CHECK(replay.still().endsWith("/dossier/still-otoscope-1.png"));
    replay.jump(QStringLiteral("incidents"), true);
    CHECK(replay.position() == 30.0);
    REQUIRE(replay.incidents().size() == 1);
    CHECK(replay.incidents().front().toMap().value("kind").toString() == "loss_burst");
    replay.jump(QStringLiteral("auscultations"), false);
    CHECK(replay.position() == 10.0);
    replay.jump(QStringLiteral("nonsense"), true);
    CHECK(replay.position() == 10.0);

    // Seeks stay within the session; playing to the end stops there.
    replay.seek(-50);
    CHECK(replay.position() == 0.0);
    replay.seek(59.9);
    replay.togglePlay();
    REQUIRE(QTest::qWaitFor([&] { return !replay.playing(); }, 3'000));
    CHECK(replay.position() == 60.0);

    replay.close();
    CHECK_FALSE(replay.isOpen());
    CHECK(replay.items().isEmpty());
}

TEST_CASE("review replay: a recording that cannot be decoded is said, and the rest replays",
          "[app][review][replay]") {
    test::TempDir dir;
    const auto dossier = dir.path() / "dossier";
    writeDossier(dossier);
    std::ofstream(dossier / "steth-aortic-1.flac", std::ios::binary | std::ios::trunc)
        << "not a flac file";
    app::StethoscopeController live;
    live.setAudioSink("none");
    app::ReviewReplayController replay(&live);
    replay.openDossier(QString::fromStdString(dossier.string()));
    REQUIRE(replay.isOpen());
    REQUIRE(QTest::qWaitFor([&] { return !replay.loading(); }, 10'000));
    CHECK(replay.errorString().contains("steth-aortic-1.flac"));
    replay.seek(11.0);
    CHECK(replay.vitals().size() == 1);
}

// The console's replay glue: a stethoscope stream recorded through the StethoscopeController
// (two auscultation sites), then reopened by the ReplayController, which plays it on the live
// controls' filter and gain, seeks, jumps between sites, loops and plays at half speed.
#include "replay_controller.hpp"
#include "stethoscope_controller.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/media/flac_recorder.hpp"

#include <QFileInfo>
#include <QTest>
#include <catch2/catch.hpp>

using namespace tc;
using namespace std::chrono_literals;

namespace {

// Two seconds at the mitral focus then two at the aortic, as the cabin would send them, paced
// in real time so that the receive path sees a live stream.
void streamTwoSites(media::StethoscopeReceiver& receiver) {
    media::AuscultationModel model;
    auto source = media::StethoscopeSource::synthetic(model, 48000);
    auto packetizer =
        media::StethoscopePacketizer::create(media::StethoscopeFormat{}, 7, 1, 0).value();
    std::vector<std::int16_t> frame(480);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 400; ++i) {
        source.setSite(i < 200 ? media::AuscultationSite::mitral : media::AuscultationSite::aortic);
        source.render(frame);
        receiver.onPacket(packetizer.packetize(frame, source.site()).value());
        if (i % 10 == 9) {
            QCoreApplication::processEvents();
            std::this_thread::sleep_until(start + (i + 1) * 10ms);
        }
    }
}

} // namespace

TEST_CASE("replay controller: the last recording replays with the live controls", "[app][replay]") {
    test::TempDir dir;
    app::StethoscopeController live;
    live.setAudioSink("none");
    live.recorder()->setDirectory(QString::fromStdString(dir.path().string()));
    app::ReplayController replay(&live);
    CHECK_FALSE(replay.available());
    replay.openLast(); // nothing recorded yet: refused with a reason, nothing opened
    CHECK_FALSE(replay.isOpen());

    auto receiver = std::make_shared<media::StethoscopeReceiver>(media::StethoscopeFormat{});
    live.attach(receiver, QStringLiteral("S-test"));
    REQUIRE(live.available());
    live.recorder()->start();
    REQUIRE(live.recorder()->recording());
    streamTwoSites(*receiver);
    CHECK(replay.available());

    // Opening stops the recording: what was just heard is what the doctor wants again.
    replay.openLast();
    REQUIRE(replay.isOpen());
    CHECK_FALSE(live.recorder()->recording());
    CHECK(QFileInfo::exists(live.recorder()->file()));
    CHECK(replay.errorString().isEmpty());
    CHECK(replay.duration() == Approx(4.0).margin(0.05));
    const auto segments = replay.segments();
    REQUIRE(segments.size() == 2);
    CHECK(replay.siteLabel() == app::StethoscopeController::labelOf(QStringLiteral("mitral")));

    // Site jumps land on the segment's first sample; seeking lands where asked.
    replay.nextSegment();
    CHECK(replay.position() == Approx(2.0).margin(0.011));
    CHECK(replay.siteLabel() == app::StethoscopeController::labelOf(QStringLiteral("aortic")));
    replay.previousSegment();
    CHECK(replay.position() == Approx(0.0).margin(0.011));
    replay.seek(3.25);
    CHECK(replay.position() == Approx(3.25).margin(0.01));

    // It plays, on whatever filter the doctor picks live (changed on either, applied to both).
    live.setMode(app::StethoscopeMode::Diaphragm);
    live.setGainDb(12);
    replay.togglePlay();
    CHECK(replay.playing());
    REQUIRE(QTest::qWaitFor([&] { return replay.position() > 3.45; }, 3000));
    CHECK(replay.isOpen());
    CHECK(replay.playing());

    // Half speed: the position advances at half the wall clock's pace.
    replay.seek(1.0);
    replay.setHalfSpeed(true);
    CHECK(replay.halfSpeed());
    QTest::qWait(600);
    const double advanced = replay.position() - 1.0;
    CHECK(advanced > 0.15);
    CHECK(advanced < 0.45);
    replay.setHalfSpeed(false);

    // A loop around the moment keeps the position within 1.5 s either side of it.
    replay.seek(2.0);
    replay.toggleLoop();
    CHECK(replay.looping());
    QTest::qWait(300);
    CHECK(replay.position() >= 0.5);
    CHECK(replay.position() <= 3.5);
    replay.toggleLoop();
    CHECK_FALSE(replay.looping());

    replay.togglePlay();
    CHECK_FALSE(replay.playing());
    replay.close();
    CHECK_FALSE(replay.isOpen());

    // The consultation ends: the replay closes with it.
    replay.openLast();
    REQUIRE(replay.isOpen());
    live.detach();
    CHECK_FALSE(replay.isOpen());
}

TEST_CASE("replay controller: a recording a crash interrupted is repaired at start-up and "
          "offered for replay, marked as recovered",
          "[app][replay][recording]") {
    test::TempDir dir;
    const auto directory = dir.path();
    // A recording caught mid-way, as kill -9 leaves it: the file as far as it was written, the
    // manifest still saying "recording". The one it was copied from ends normally.
    auto recorder = media::FlacRecorder::start(directory / "whole.flac", 48000);
    REQUIRE(recorder.has_value());
    std::vector<std::int16_t> second(48000);
    for (std::size_t i = 0; i < second.size(); ++i) {
        second[i] = static_cast<std::int16_t>((i * 7919) % 20000 - 10000);
    }
    REQUIRE_FALSE((*recorder)->write(second, media::AuscultationSite::mitral));
    REQUIRE(QTest::qWaitFor(
        [&] { return std::filesystem::file_size(directory / "whole.flac") > 40000; }, 10000));
    std::filesystem::copy_file(directory / "whole.flac", directory / "crashed.flac");
    std::filesystem::copy_file(directory / "whole.json", directory / "crashed.json");
    REQUIRE_FALSE((*recorder)->stop());

    app::StethoscopeController live;
    live.setAudioSink("none");
    live.recorder()->setDirectory(QString::fromStdString(directory.string()));
    app::ReplayController replay(&live);
    CHECK_FALSE(replay.available());
    replay.recoverInterrupted();
    REQUIRE(QTest::qWaitFor([&] { return replay.recordings().size() == 2; }, 20000));
    CHECK(replay.recoveredCount() == 1);
    CHECK(replay.available());
    QString recovered;
    for (const auto& entry : replay.recordings()) {
        const auto map = entry.toMap();
        if (map.value(QStringLiteral("recovered")).toBool()) {
            recovered = map.value(QStringLiteral("file")).toString();
            CHECK(map.value(QStringLiteral("seconds")).toDouble() > 0.1);
            CHECK(map.value(QStringLiteral("seconds")).toDouble() <= 1.0);
        }
    }
    REQUIRE(recovered.endsWith(QStringLiteral("crashed.flac")));
    replay.openFile(recovered);
    REQUIRE(replay.isOpen());
    CHECK(replay.errorString().isEmpty());
    CHECK(replay.duration() > 0.1);
    CHECK(replay.segments().size() == 1);
    replay.close();
}

// The console's review session (review_session.hpp) against a real service on loopback with a
// real archive (tests/protocol/review_lab.hpp): a coordinator signs in, gets its scope and the
// consented records of its CPTS, filters and pages them, opens one (downloaded to the private
// cache, then replayed, its real FLAC recording decoded), reads the quarter's indicators,
// exports them as CSV and reads its own trail. Sign-out clears everything, the cache included.
#include "demo_environment.hpp"
#include "review_lab.hpp"
#include "review_session.hpp"
#include "stethoscope_controller.hpp"
#include "tc/protocol/quarter_period.hpp"
#include "test_console.hpp"

#include <QSignalSpy>
#include <QTest>
#include <cstdlib>
#include <sys/stat.h>

using namespace tc;
using namespace tc::test;
using namespace tc::test::review;

namespace {

// Three seconds of a 200 Hz tone, encoded by GStreamer's own FLAC encoder.
Bytes realFlac(const TempDir& dir) {
    const auto file = dir.path() / "tone.flac";
    const std::string command =
        "gst-launch-1.0 -q audiotestsrc freq=200 num-buffers=150 samplesperbuffer=960 ! "
        "audio/x-raw,rate=48000,channels=1,format=S16LE ! flacenc ! filesink location=" +
        file.string();
    REQUIRE(std::system(command.c_str()) == 0);
    const auto bytes = protocol::readFile(file.string());
    REQUIRE(bytes);
    return Bytes(bytes->begin(), bytes->end());
}

QStringList column(QAbstractListModel* model, const char* role) {
    const auto roles = model->roleNames();
    const int key = roles.key(role);
    QStringList values;
    for (int row = 0; row < model->rowCount(); ++row) {
        values.append(model->data(model->index(row), key).toString());
    }
    return values;
}

QStringList qsorted(const std::vector<std::string>& ids) {
    QStringList list;
    for (const auto& id : ids) {
        list.append(QString::fromStdString(id));
    }
    list.sort();
    return list;
}

} // namespace

TEST_CASE("a coordinator lists, filters, pages, opens and replays records in the review session",
          "[app][review]") {
    ReviewLab lab(ReviewLab::Audit::file);
    TempDir data;
    lab.recording = realFlac(data);
    const auto doctor = lab.pki.doctor(1);
    const auto held = lab.consultSeveral(doctor, 3, kSiteVal);
    lab.consult(doctor, "V-8", kSiteVal, false); // no review consent: never listed
    lab.consult(doctor, "V-9", kSiteNord, true); // another CPTS
    // A cache left by an earlier run is removed when the session is built.
    std::filesystem::create_directories(data.path() / "review-cache" / "S-stale");

    protocol::IoThread io("review-session");
    app::StethoscopeController live;
    app::ReviewSession review(io.executor(), QString::fromStdString(data.path().string()), &live);
    CHECK_FALSE(std::filesystem::exists(data.path() / "review-cache"));
    CHECK(review.quarters().size() == 8);
    CHECK(protocol::parseQuarterLabel(review.quarters().front().toStdString()));
    QSignalSpy errors(&review, &app::ReviewSession::errorOccurred);

    review.start(lab.service->clientConfig(lab.pki.coordinator("CPTS-VAL")));
    REQUIRE(QTest::qWaitFor([&] { return !review.listing() && review.coordinator(); }, 20000));
    CHECK(review.cptsId() == "CPTS-VAL");
    CHECK(review.cptsName() == "CPTS du Val");
    CHECK(review.sites() == QStringList{"FR-TEST-01", "FR-TEST-02"});
    auto* records = review.records();
    CHECK(records->property("count").toInt() == 3);
    CHECK(column(records, "recordId").size() == 3);
    auto ids = column(records, "recordId");
    ids.sort();
    CHECK(ids == qsorted(held));
    CHECK(column(records, "site") == QStringList(3, QString::fromStdString(kSiteVal)));
    CHECK(column(records, "sex") == QStringList(3, "male"));
    const auto roles = records->roleNames();
    CHECK(records->data(records->index(0), roles.key("startedAt")).toDouble() > 0);
    CHECK(records->data(records->index(0), roles.key("incidentCount")).toInt() == 1);
    CHECK_FALSE(review.hasMore());

    review.applyFilters({{"orientation", "emergency"}, {"incident", "yes"}});
    REQUIRE(QTest::qWaitFor([&] { return !review.listing(); }, 20000));
    CHECK(column(records, "recordId") == QStringList{QString::fromStdString(held[0])});
    review.applyFilters({{"orientation", "none_signed"}});
    REQUIRE(QTest::qWaitFor([&] { return !review.listing(); }, 20000));
    CHECK(records->rowCount() == 0);
    review.applyFilters({{"site", QString::fromStdString(kSiteNord)}});
    REQUIRE(QTest::qWaitFor([&] { return !review.listing(); }, 20000));
    CHECK(records->rowCount() == 0); // another CPTS's site: nothing, not an error
    review.applyFilters({});
    REQUIRE(QTest::qWaitFor([&] { return !review.listing(); }, 20000));
    CHECK(records->rowCount() == 3);
    CHECK(errors.isEmpty());

    // Open one: downloaded into the private cache, then replayed with its real recording.
    QSignalSpy opened(&review, &app::ReviewSession::recordOpened);
    std::vector<double> progress;
    QObject::connect(&review, &app::ReviewSession::openingChanged,
                     [&] { progress.push_back(review.openingProgress()); });
    const auto id = QString::fromStdString(held[1]);
    review.openRecord(id);
    CHECK(review.opening());
    CHECK(review.openRecordId() == id);
    REQUIRE(opened.wait(20000));
    CHECK_FALSE(review.opening());
    CHECK(review.openingProgress() == 1.0);
    CHECK(std::is_sorted(progress.begin(), progress.end() - 1));
    CHECK(review.replay()->isOpen());
    CHECK(review.replay()->recordId() == id);
    const auto cache = data.path() / "review-cache" / held[1];
    struct stat info {};
    REQUIRE(::stat(cache.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);
    CHECK(std::filesystem::exists(cache / "record.json"));
    CHECK(std::filesystem::file_size(cache / "steth-aortic-1.flac") == lab.recording->size());
    CHECK(std::filesystem::exists(cache / "still-room-1.png"));
    CHECK(std::filesystem::exists(cache / ("report/CR-" + held[1] + ".json")));
    CHECK_FALSE(std::filesystem::exists(cache / ("report/CR-" + held[1] + ".pdf")));
    for (const auto& entry : std::filesystem::recursive_directory_iterator(cache)) {
        CHECK(entry.path().extension() != ".part");
    }
    const auto record = protocol::readFile((cache / "record.json").string());
    REQUIRE(record);
    CHECK_FALSE(carriesIdentity(*record));
    REQUIRE(QTest::qWaitFor([&] { return !review.replay()->loading(); }, 20000));
    review.replay()->togglePlay();
    CHECK(review.replay()->playing());
    review.replay()->togglePlay();

    // A record of another CPTS: the typed refusal, in words.
    review.openRecord("S-not-yours");
    REQUIRE(errors.wait(20000));
    CHECK_FALSE(review.opening());
    CHECK(review.errorString().contains("accessible"));

    // Indicators, the CSV export and the trail.
    review.loadIndicators(review.quarters().front(), "");
    CHECK(review.indicatorsLoading());
    REQUIRE(QTest::qWaitFor([&] { return !review.indicatorsLoading(); }, 20000));
    const auto indicators = review.indicators();
    CHECK(indicators.value("period").toMap().value("label") == review.quarters().front());
    // Every consultation that ended at the CPTS's sites counts, consented to review or not.
    CHECK(indicators.value("all").toMap().value("consultations").toInt() == 4);
    QSignalSpy exported(&review, &app::ReviewSession::indicatorsExported);
    const auto csvPath = data.path() / "indicators.csv";
    review.exportIndicatorsCsv(QUrl::fromLocalFile(QString::fromStdString(csvPath.string())));
    REQUIRE(exported.wait(20000));
    CHECK(exported.front().front().toString().toStdString() == csvPath.string());
    const auto csv = protocol::readFile(csvPath.string());
    REQUIRE(csv);
    CHECK(csv->find(kSiteVal) != std::string::npos);
    review.loadIndicators(review.quarters().front(), QString::fromStdString(kSiteNord));
    REQUIRE(QTest::qWaitFor([&] { return !review.indicatorsLoading(); }, 20000));
    CHECK(review.errorString().contains("CPTS"));
    CHECK(review.indicators().isEmpty());

    review.loadTrail();
    REQUIRE(QTest::qWaitFor([&] { return !review.trailLoading() && !review.trail().isEmpty(); },
                            20000));
    const auto trail = review.trail();
    const auto newest = trail.front().toMap();
    CHECK(newest.value("action") == "export");
    CHECK(newest.value("time").toDouble() > 0);
    QStringList actions;
    for (const auto& entry : trail) {
        actions.append(entry.toMap().value("action").toString());
    }
    CHECK(actions.contains("indicators"));
    CHECK(actions.contains("play"));
    CHECK(actions.contains("open"));
    CHECK(actions.back() == "list");

    // Sign-out: the list, the scope, the replay and the cache are gone.
    review.stop();
    CHECK(records->rowCount() == 0);
    CHECK_FALSE(review.coordinator());
    CHECK_FALSE(review.replay()->isOpen());
    CHECK(review.trail().isEmpty());
    CHECK_FALSE(std::filesystem::exists(data.path() / "review-cache"));
}

TEST_CASE("a doctor's review session lists their own records and has no indicators",
          "[app][review]") {
    ReviewLab lab;
    const auto doctor = lab.pki.doctor(1);
    const auto own = lab.consult(doctor, "V-1", kSiteVal, false);
    lab.consult(lab.pki.doctor(2), "V-2", kSiteVal, true);
    TempDir data;
    protocol::IoThread io("review-session");
    app::StethoscopeController live;
    app::ReviewSession review(io.executor(), QString::fromStdString(data.path().string()), &live);
    review.start(lab.service->clientConfig(doctor));
    REQUIRE(QTest::qWaitFor([&] { return !review.listing() && review.records()->rowCount() > 0; },
                            20000));
    QTest::qWait(50);
    CHECK_FALSE(review.coordinator());
    CHECK(review.sites().isEmpty());
    CHECK(column(review.records(), "recordId") == QStringList{QString::fromStdString(own)});
    QSignalSpy errors(&review, &app::ReviewSession::errorOccurred);
    review.loadIndicators(review.quarters().front(), "");
    REQUIRE(errors.wait(20000));
    CHECK(review.errorString().contains("certificat"));
}

TEST_CASE("a coordinator's certificate signs the console in for review only, without the "
          "rendezvous link",
          "[app][review][console]") {
    ReviewLab lab;
    const auto doctor = lab.pki.doctor(1);
    const auto held = lab.consultSeveral(doctor, 2, kSiteVal);
    const auto before = lab.service->stats();

    TempDir dir;
    app::Console console(testConsoleOptions(dir));
    auto& connection = console.connection();
    connection.setCaPath(
        QString::fromStdString(dir.write("ca.pem", lab.pki.ca.certificatePem()).string()));
    const auto bundle = protocol::toPkcs12(lab.pki.coordinator("CPTS-VAL"), "pass", "Coord");
    REQUIRE(bundle);
    const auto path = dir.write("coordinator.p12", *bundle);
    connection.signIn(QString::fromStdString(path.string()), QStringLiteral("pass"),
                      QStringLiteral("127.0.0.1"), lab.service->port());
    CHECK(connection.errorString().isEmpty());
    CHECK(connection.signedIn());
    CHECK(connection.role() == app::SignedInRole::Coordinator);
    CHECK(connection.state() == app::ConnectionState::Disconnected);
    REQUIRE(connection.archiveClientConfig());

    // Review mode: the session started with the coordinator's identity.
    auto& review = console.review();
    REQUIRE(QTest::qWaitFor(
        [&] { return review.coordinator() && review.records()->rowCount() == 2; }, 20000));
    CHECK(review.cptsId() == "CPTS-VAL");
    auto ids = column(review.records(), "recordId");
    ids.sort();
    CHECK(ids == qsorted(held));
    // Only HTTPS connections (scope, list), never a rendezvous WebSocket: the service's stats
    // count no WebSocket message from this console.
    const auto stats = lab.service->stats();
    CHECK(stats.messagesIn == before.messagesIn);
    CHECK(stats.archiveRequests > before.archiveRequests);

    connection.signOut();
    CHECK_FALSE(connection.signedIn());
    CHECK(connection.role() == app::SignedInRole::Doctor);
    CHECK_FALSE(review.started());
    CHECK(review.records()->rowCount() == 0);
}

TEST_CASE("the demo's coordinator signs in to review mode and reads its own trail",
          "[app][review][demo]") {
    TempDir dir;
    auto demo = app::DemoEnvironment::start(dir.path() / "demo", [](const std::string&) {});
    REQUIRE(demo);
    const auto& pki = (*demo)->pki();
    app::Console console(testConsoleOptions(dir));
    auto& connection = console.connection();
    connection.setCaPath(QString::fromStdString(pki.caCertificate().string()));
    connection.signIn(QString::fromStdString(pki.coordinatorBundle().string()),
                      QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase),
                      QStringLiteral("127.0.0.1"), (*demo)->port());
    CHECK(connection.role() == app::SignedInRole::Coordinator);
    auto& review = console.review();
    REQUIRE(QTest::qWaitFor([&] { return review.coordinator() && !review.listing(); }, 20000));
    CHECK(review.cptsId() ==
          QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentCpts.data(),
                              protocol::DevelopmentPki::kDevelopmentCpts.size()));
    CHECK_FALSE(review.sites().isEmpty());
    CHECK(review.errorString().isEmpty());
    review.loadTrail();
    REQUIRE(QTest::qWaitFor([&] { return !review.trailLoading(); }, 20000));
    CHECK(review.errorString().isEmpty());
    REQUIRE_FALSE(review.trail().isEmpty());
    CHECK(review.trail().back().toMap().value("action") == "list");
}

#include "connection_controller.hpp"
#include "queue_model.hpp"
#include "session_controller.hpp"
#include "support/catch_result.hpp"
#include "support/test_support.hpp"
#include "support/tls_test_peer.hpp"
#include "test_console.hpp"
#include "ui_dispatch.hpp"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace tc;

namespace {
// A cabin's answer with a transport and a stethoscope stream and nothing else: an answer
// without them is refused (media.refused), and the session would end instead.
const std::string kStethoscopeOnlyAnswer =
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=cabin\r\nt=0 0\r\na=group:BUNDLE steth\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:4Cfm\r\n"
    "a=ice-pwd:x/NlGCpeSatMZVgn92wVDc0+\r\na=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 E0:BF:47:ED:85:2F:33:41:C0:63:04:7F:C6:00:BE:2B:95:AF:FA:A2:FA:89:03:"
    "47:13:72:36:D8:12:35:27:93\r\na=setup:active\r\na=mid:steth\r\na=sendonly\r\n"
    "a=rtcp-mux\r\na=rtpmap:96 L16/48000/1\r\n";
} // namespace
using namespace tc::test;
namespace type = protocol::type;

namespace {

using Console = TestConsole;

QStringList queueIds(const app::QueueModel& queue) {
    QStringList ids;
    for (int i = 0; i < queue.count(); ++i) {
        ids << queue.visitIdAt(i);
    }
    return ids;
}

} // namespace

TEST_CASE("the UI dispatch runs a functor posted from another thread on the UI thread", "[app]") {
    QObject context;
    QThread* ranOn = nullptr;
    std::thread worker([&] { app::postToUi(&context, [&] { ranOn = QThread::currentThread(); }); });
    worker.join();
    REQUIRE(QTest::qWaitFor([&] { return ranOn != nullptr; }, 2000));
    CHECK(ranOn == QCoreApplication::instance()->thread());
}

TEST_CASE("sign-in errors are explained before any connection", "[app]") {
    TestPki pki;
    app::ConnectionController connection;
    TempDir dir;
    connection.setCaPath(
        QString::fromStdString(dir.write("ca.pem", pki.ca.certificatePem()).string()));
    connection.signIn(QStringLiteral("/no/such/file.p12"), QStringLiteral("x"),
                      QStringLiteral("127.0.0.1"), 8443);
    CHECK(connection.errorString().contains(QStringLiteral("introuvable")));
    CHECK_FALSE(connection.signedIn());
    const auto bundle = protocol::toPkcs12(pki.doctor(), "right", "Dr");
    const auto path = dir.write("d.p12", *bundle);
    connection.signIn(QString::fromStdString(path.string()), QStringLiteral("wrong"),
                      QStringLiteral("127.0.0.1"), 8443);
    CHECK(connection.errorString().contains(QStringLiteral("phrase de passe")));
    const auto cabinBundle = protocol::toPkcs12(pki.cabin(), "right", "Cabine");
    const auto cabinPath = dir.write("c.p12", *cabinBundle);
    connection.signIn(QString::fromStdString(cabinPath.string()), QStringLiteral("right"),
                      QStringLiteral("127.0.0.1"), 8443);
    CHECK(connection.errorString().contains(QStringLiteral("médecin")));
    CHECK_FALSE(connection.signedIn());
}

TEST_CASE("console controllers: live queue, claim, join, end", "[app]") {
    TestPki pki;
    TestService service(pki);
    SyncClient cabin(pki, pki.cabin(), service.port());
    REQUIRE(cabin.waitWelcome());
    Console console(pki, service.port());
    REQUIRE(QTest::qWaitFor(
        [&] { return console.connection.state() == app::ConnectionState::Connected; }, 5000));
    CHECK(console.connection.identityName() == QStringLiteral("Dr Test 0"));

    // Snapshot then incremental updates, in the service's order.
    REQUIRE_FALSE(cabin.request(type::visitCheckIn, toJson(adultVisit("V-1"))).code);
    REQUIRE(QTest::qWaitFor([&] { return console.queue.count() == 1; }, 5000));
    auto urgent = adultVisit("V-2");
    urgent.priority = protocol::Priority::urgent;
    REQUIRE_FALSE(cabin.request(type::visitCheckIn, toJson(urgent)).code);
    REQUIRE(QTest::qWaitFor([&] { return console.queue.count() == 2; }, 5000));
    CHECK(queueIds(console.queue) == QStringList{"V-2", "V-1"});
    const auto first = console.queue.index(0);
    CHECK(console.queue.data(first, app::QueueModel::UrgentRole).toBool());
    CHECK(console.queue.data(first, app::QueueModel::ReasonRole).toString() ==
          QStringLiteral("Fièvre et toux depuis trois jours"));
    CHECK(console.queue.data(first, app::QueueModel::InstrumentsRole).toStringList() ==
          QStringList{"Stéthoscope", "Thermomètre"});
    CHECK(console.queue.data(first, app::QueueModel::WaitingSecondsRole).toLongLong() >= 0);

    // Paused doctors are refused with an explanation.
    console.session.claim(QStringLiteral("V-2"));
    REQUIRE(QTest::qWaitFor([&] { return !console.session.errorString().isEmpty(); }, 5000));
    CHECK(console.session.errorString().contains(QStringLiteral("pause")));
    CHECK(console.session.state() == app::SessionState::Idle);

    console.connection.setOnShift(true);
    REQUIRE(QTest::qWaitFor([&] { return console.connection.onShift(); }, 5000));
    console.session.claim(QStringLiteral("V-2"));
    REQUIRE(QTest::qWaitFor([&] { return console.session.state() == app::SessionState::Joining; },
                            5000));
    CHECK(console.session.visit()->urgent());
    CHECK(console.session.visit()->siteCode() == QStringLiteral("FR-TEST-01"));

    // The cabin receives the offer and answers: the session becomes active.
    const auto offer = cabin.nextEvent(type::sessionOffer);
    REQUIRE(offer);
    CHECK(offer->body["sdp"].get<std::string>().find("L16/48000") != std::string::npos);
    const auto sessionId = offer->body["session_id"].get<std::string>();
    REQUIRE_FALSE(cabin
                      .request(type::sessionAnswer, {{"session_id", sessionId},
                                                     {"sdp_type", "answer"},
                                                     {"sdp", kStethoscopeOnlyAnswer}})
                      .code);
    REQUIRE(QTest::qWaitFor([&] { return console.session.state() == app::SessionState::Active; },
                            5000));

    // The cabin drops and comes back: the session shows it.
    cabin.client().simulateNetworkFailure();
    REQUIRE(QTest::qWaitFor([&] { return !console.session.cabinConnected(); }, 5000));
    REQUIRE(QTest::qWaitFor([&] { return console.session.cabinConnected(); }, 5000));

    console.session.end(QStringLiteral("referred_in_person"), QStringLiteral("radio du genou"));
    REQUIRE(
        QTest::qWaitFor([&] { return console.session.state() == app::SessionState::Ended; }, 5000));
    CHECK(console.session.summary()->endReasonText().contains(QStringLiteral("présentiel")));
    const auto ended = cabin.nextEvent(type::sessionEnded);
    REQUIRE(ended);
    CHECK(ended->body["reason"] == "referred_in_person");
    console.session.dismiss();
    CHECK(console.session.state() == app::SessionState::Idle);
    // The cabin is cleaning: V-1 is not offered.
    CHECK(console.queue.count() == 0);
}

TEST_CASE("two consoles race for one patient: the loser is told", "[app]") {
    TestPki pki;
    TestService service(pki);
    SyncClient cabin(pki, pki.cabin(), service.port());
    REQUIRE(cabin.waitWelcome());
    Console a(pki, service.port(), 1);
    Console b(pki, service.port(), 2);
    for (auto* c : {&a, &b}) {
        REQUIRE(QTest::qWaitFor(
            [&] { return c->connection.state() == app::ConnectionState::Connected; }, 5000));
        c->connection.setOnShift(true);
        REQUIRE(QTest::qWaitFor([&] { return c->connection.onShift(); }, 5000));
    }
    REQUIRE_FALSE(cabin.request(type::visitCheckIn, toJson(adultVisit("V-1"))).code);
    REQUIRE(QTest::qWaitFor([&] { return a.queue.count() == 1 && b.queue.count() == 1; }, 5000));
    a.session.claim(QStringLiteral("V-1"));
    b.session.claim(QStringLiteral("V-1"));
    REQUIRE(QTest::qWaitFor(
        [&] {
            return a.session.state() != app::SessionState::Claiming &&
                   b.session.state() != app::SessionState::Claiming;
        },
        5000));
    const bool aWon = a.session.state() == app::SessionState::Joining;
    auto& loser = aWon ? b : a;
    CHECK((aWon != (b.session.state() == app::SessionState::Joining)));
    CHECK(loser.session.state() == app::SessionState::Idle);
    CHECK(loser.session.errorString().contains(QStringLiteral("déjà pris en charge")));
}

// Prescription delivery end to end: the console's controllers, a real in-process rendezvous
// service, the real cabin simulator and a real IPP printer (ippeveprinter). The console reaches
// the service through a TCP relay that the test can cut, as a network failure would.
#include "cabin_printer.hpp"
#include "cabin_simulator.hpp"
#include "connection_controller.hpp"
#include "demo_environment.hpp"
#include "ipp_printer_process.hpp"
#include "prescription_editor.hpp"
#include "queue_model.hpp"
#include "report_editor.hpp"
#include "session_controller.hpp"
#include "support/catch_result.hpp"
#include "support/sample_pdf.hpp"
#include "support/test_support.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/prescriptions/prescription_id.hpp"
#include "test_console.hpp"

#include <QSignalSpy>
#include <QTest>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fstream>
#include <optional>
#include <sstream>
#include <sys/stat.h>

using namespace tc;
using namespace tc::test;
namespace net = boost::asio;
namespace fs = std::filesystem;

namespace {

// 127.0.0.1:port() relays to 127.0.0.1:target; cut() closes every relayed connection.
class Relay {
public:
    explicit Relay(std::uint16_t target)
        : m_target(target)
        , m_acceptor(m_io.executor(), {net::ip::address_v4::loopback(), 0}) {
        net::co_spawn(m_acceptor.get_executor(), accept(), net::detached);
    }
    ~Relay() {
        net::post(m_acceptor.get_executor(), [this] {
            m_acceptor.close();
            closeAll();
        });
        CHECK(m_io.stop());
    }
    std::uint16_t port() const { return m_acceptor.local_endpoint().port(); }
    void cut() {
        net::post(m_acceptor.get_executor(), [this] { closeAll(); });
    }

private:
    using Socket = net::ip::tcp::socket;
    net::awaitable<void> accept() {
        while (m_acceptor.is_open()) {
            auto [ec, client] = co_await m_acceptor.async_accept(net::as_tuple(net::use_awaitable));
            if (ec) {
                co_return;
            }
            auto down = std::make_shared<Socket>(std::move(client));
            auto up = std::make_shared<Socket>(m_acceptor.get_executor());
            auto [connectError] = co_await up->async_connect(
                {net::ip::address_v4::loopback(), m_target}, net::as_tuple(net::use_awaitable));
            if (connectError) {
                continue;
            }
            m_sockets.push_back(down);
            m_sockets.push_back(up);
            net::co_spawn(m_acceptor.get_executor(), pipe(down, up), net::detached);
            net::co_spawn(m_acceptor.get_executor(), pipe(up, down), net::detached);
        }
    }
    static net::awaitable<void> pipe(std::shared_ptr<Socket> from, std::shared_ptr<Socket> to) {
        std::array<char, 16384> buffer;
        while (true) {
            auto [ec, n] = co_await from->async_read_some(net::buffer(buffer),
                                                          net::as_tuple(net::use_awaitable));
            if (ec) {
                break;
            }
            auto [wec, written] = co_await net::async_write(*to, net::buffer(buffer.data(), n),
                                                            net::as_tuple(net::use_awaitable));
            if (wec) {
                break;
            }
        }
        boost::system::error_code ignored;
        from->close(ignored);
        to->close(ignored);
    }
    void closeAll() {
        for (auto& s : m_sockets) {
            boost::system::error_code ignored;
            s->close(ignored);
        }
        m_sockets.clear();
    }

    protocol::IoThread m_io{"test-relay"};
    std::uint16_t m_target;
    net::ip::tcp::acceptor m_acceptor;
    std::vector<std::shared_ptr<Socket>> m_sockets;
};

using Console = TestConsole;

using tc::test::readAll;

std::vector<fs::path> printedCopies(const fs::path& dir) {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(dir)) {
        found.push_back(entry.path());
    }
    return found;
}

// A real IPP printer (ippeveprinter) in `dir` that copies each printed document into
// dir/printed: one file per copy. `port` 0: a free one.
std::unique_ptr<cabin::IppPrinterProcess> startCopyingPrinter(const TempDir& dir,
                                                              std::uint16_t port = 0) {
    fs::create_directories(dir.path() / "printed");
    const auto command = dir.write("print.sh", "#!/bin/sh\ncp \"$1\" '" +
                                                   (dir.path() / "printed").string() + "/'\n");
    ::chmod(command.c_str(), 0755);
    auto printer = cabin::IppPrinterProcess::start(
        {.directory = dir.path() / "printer", .command = command, .port = port});
    REQUIRE(printer);
    return std::move(*printer);
}

QByteArray bytesOf(const std::string& s) {
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

// A real service, the real cabin simulator printing on `printerUri`, and the console (through
// a relay) in session with it.
struct Rig {
    TestPki pki;
    TempDir cabinState; // the cabin's print ledger
    TestService service{pki};
    protocol::IoThread cabinIo{"test-cabin"};
    std::shared_ptr<cabin::CabinSimulator> simulator;
    Relay relay{service.port()};
    std::optional<Console> consoleStorage;
    Console& console;

    explicit Rig(const std::string& printerUri)
        : console(start(printerUri)) {}
    ~Rig() {
        simulator->stop();
        CHECK(cabinIo.stop()); // its close handshake through the relay, still up
    }

    Console& start(const std::string& printerUri) {
        protocol::ClientConfig client;
        client.port = service.port();
        client.tls = {pki.cabin("FR-SIM-01"), pki.ca.certificatePem()};
        client.initialBackoff = 50ms;
        auto script = cabin::demoScript({"FR-SIM-01", "Cabine simulée", "Mo-Su 00:00-24:00"}, 5);
        script.waitingAtOnce = 1;
        script.printerUri = printerUri;
        script.stateDirectory = cabinState.path();
        script.cameras.width = 160; // light media: these tests are about the prescription
        script.cameras.height = 120;
        script.cameras.fps = 5;
        simulator = cabin::CabinSimulator::create(cabinIo.executor(), client, script);
        simulator->start();
        return consoleStorage.emplace(pki, relay.port());
    }

    bool inSession() {
        if (!QTest::qWaitFor(
                [&] { return console.connection.state() == app::ConnectionState::Connected; },
                5000)) {
            return false;
        }
        console.connection.setOnShift(true);
        if (!QTest::qWaitFor([&] { return console.queue.count() >= 1; }, 10000)) {
            return false;
        }
        console.session.claim(console.queue.visitIdAt(0));
        return QTest::qWaitFor(
            [&] { return console.session.state() == app::SessionState::Joining; }, 5000);
    }
};

} // namespace

TEST_CASE("a prescription goes to the cabin's printer once, and survives a dropped link",
          "[app][delivery]") {
    // A required package (cups-ipp-utils): missing, the test fails.
    REQUIRE(cabin::IppPrinterProcess::findBinary());
    TempDir dir;
    const auto printer = startCopyingPrinter(dir);

    Rig rig(printer->uri());
    auto& console = rig.console;
    auto& relay = rig.relay;
    REQUIRE(rig.inSession());

    auto& delivery = *console.session.delivery();
    QStringList seen;
    QObject::connect(&delivery, &app::PrescriptionDeliveryController::statusChanged,
                     [&] { seen << app::stateName(delivery.state()); });

    // 1. Sent, printed, byte for byte.
    const auto id = prescriptions::PrescriptionId::generate()->toString();
    const auto pdf = samplePdf("premiere", 30'000); // 8 chunks
    REQUIRE(delivery.send(bytesOf(pdf), QString::fromStdString(id), QStringLiteral("Ordonnance")));
    CHECK(delivery.state() == app::DeliveryState::Sending);
    REQUIRE(
        QTest::qWaitFor([&] { return delivery.state() == app::DeliveryState::Printed; }, 30000));
    CHECK(seen.contains(QStringLiteral("printing")));
    CHECK(delivery.progress() == 1.0);
    CHECK(delivery.statusText() == QStringLiteral("Imprimée dans la cabine"));
    auto copies = printedCopies(dir.path() / "printed");
    REQUIRE(copies.size() == 1);
    CHECK(readAll(copies[0]) == pdf);

    // 2. The same prescription again: the cabin says printed, prints nothing, no chunk is sent.
    seen.clear();
    REQUIRE(delivery.send(bytesOf(pdf), QString::fromStdString(id), QStringLiteral("Ordonnance")));
    REQUIRE(
        QTest::qWaitFor([&] { return delivery.state() == app::DeliveryState::Printed; }, 10000));
    CHECK(delivery.chunksSent() == 0);
    CHECK_FALSE(seen.contains(QStringLiteral("printing")));
    QTest::qWait(1000);
    CHECK(printedCopies(dir.path() / "printed").size() == 1);

    // 3. The link drops in the middle of a larger one: it resumes and completes.
    const auto id2 = prescriptions::PrescriptionId::generate()->toString();
    const auto pdf2 = samplePdf("seconde", 250'000); // 62 chunks, about 6 s at 10 messages/s
    REQUIRE(
        delivery.send(bytesOf(pdf2), QString::fromStdString(id2), QStringLiteral("Ordonnance")));
    REQUIRE(QTest::qWaitFor([&] { return delivery.chunksAcknowledged() >= 16; }, 20000));
    CHECK(delivery.state() == app::DeliveryState::Sending);
    const auto before = delivery.chunksAcknowledged();
    relay.cut();
    REQUIRE(QTest::qWaitFor(
        [&] { return console.connection.state() != app::ConnectionState::Connected; }, 5000));
    REQUIRE(QTest::qWaitFor(
        [&] { return console.connection.state() == app::ConnectionState::Connected; }, 10000));
    REQUIRE(
        QTest::qWaitFor([&] { return delivery.state() == app::DeliveryState::Printed; }, 60000));
    CHECK(delivery.chunksAcknowledged() == delivery.chunkCount());
    CHECK(before < delivery.chunkCount());
    // Resumed, not restarted: at most the chunks in flight at the drop (a window) went twice.
    CHECK(delivery.chunkMessages() >= delivery.chunkCount());
    CHECK(delivery.chunkMessages() <= delivery.chunkCount() + 16);
    copies = printedCopies(dir.path() / "printed");
    REQUIRE(copies.size() == 2);
    const auto second = readAll(copies[0]) == pdf ? copies[1] : copies[0];
    CHECK(readAll(second) == pdf2);
}

TEST_CASE("the patient's copy of the signed report prints with the ordonnance; a forged or "
          "unsigned report does not",
          "[app][delivery][report]") {
    // A required package (cups-ipp-utils): missing, the test fails.
    REQUIRE(cabin::IppPrinterProcess::findBinary());
    TempDir dir;
    const auto printer = startCopyingPrinter(dir);
    Rig rig(printer->uri());
    auto& session = rig.console.session;
    REQUIRE(rig.inSession());
    REQUIRE(QTest::qWaitFor([&] { return session.state() == app::SessionState::Active; }, 20000));

    // The compte rendu, written against the session's record (the cabin's identity, the
    // signed-in doctor), signed, and its patient copy asked for.
    // The identity the test console signed in with (the session hands the editors the
    // connection's default, which a test sign-in does not set).
    const auto bundle = QString::fromStdString((rig.console.dir.path() / "doctor.p12").string());
    auto* report = session.report();
    report->setBundlePath(bundle);
    session.prescription()->setBundlePath(bundle);
    REQUIRE(report->open());
    report->applyTemplate(QStringLiteral("fever_ent"));
    report->setValue(QStringLiteral("conclusion"), QStringLiteral("Angine virale."));
    report->setPatientCopy(true);
    INFO(report->validation()->issues().size());
    REQUIRE(report->validation()->valid());
    {
        QSignalSpy signedOk(report, &app::ReportEditor::signFinished);
        REQUIRE(report->sign(QStringLiteral("pass")));
        REQUIRE(signedOk.wait(60000));
        INFO(report->signText().toStdString());
        REQUIRE(signedOk.takeFirst().at(0).toBool());
    }

    // The ordonnance, signed and sent: the copy follows it.
    auto* rx = session.prescription();
    const std::pair<const char*, const char*> fields[] = {
        {"/patient/weightKg", "70"},
        {"/prescriber/address/lines/0", "12 rue de la Paix"},
        {"/prescriber/address/postalCode", "75002"},
        {"/prescriber/address/city", "Paris"},
        {"/prescriber/telephone", "+33123456789"},
        {"/prescriber/email", "test@example.fr"}};
    for (const auto& [path, value] : fields) {
        rx->setValue(QLatin1String(path), QString::fromUtf8(value));
    }
    rx->addMedication(QStringLiteral("paracétamol"));
    REQUIRE(rx->validation()->valid());
    {
        QSignalSpy signedOk(rx, &app::PrescriptionEditor::signFinished);
        REQUIRE(rx->sign(QStringLiteral("pass")));
        REQUIRE(signedOk.wait(60000));
        REQUIRE(signedOk.takeFirst().at(0).toBool());
    }
    REQUIRE(rx->send());
    auto& copy = *report->copyDelivery();
    CHECK(copy.state() == app::DeliveryState::Sending);
    REQUIRE(QTest::qWaitFor(
        [&] {
            return session.delivery()->state() == app::DeliveryState::Printed &&
                   copy.state() == app::DeliveryState::Printed;
        },
        60000));
    auto copies = printedCopies(dir.path() / "printed");
    REQUIRE(copies.size() == 2);
    const std::string reportPdf(reinterpret_cast<const char*>(report->signedReport()->pdf.data()),
                                report->signedReport()->pdf.size());
    CHECK((readAll(copies[0]) == reportPdf || readAll(copies[1]) == reportPdf));

    // A forged report (one byte of the signed content changed) and an unsigned PDF sent as
    // reports: refused with the reason, nothing printed.
    auto forged = reportPdf;
    const auto at = forged.find("/Contents") - 200; // in the page's signed bytes
    forged[at] = forged[at] == 'a' ? 'b' : 'a';
    const auto unsigned_ = samplePdf("non-signe", 9'000);
    for (const auto& bytes : {forged, unsigned_}) {
        const auto id = prescriptions::PrescriptionId::generate()->toString();
        REQUIRE(copy.send(bytesOf(bytes), QString::fromStdString(id), QStringLiteral("faux")));
        REQUIRE(QTest::qWaitFor([&] { return copy.state() == app::DeliveryState::Failed; }, 30000));
        CHECK(copy.reason() == QStringLiteral("unverified_report"));
        CHECK(copy.reasonText().startsWith(
            QStringLiteral("la cabine n'a pas pu vérifier la signature du compte rendu")));
    }
    QTest::qWait(500);
    CHECK(printedCopies(dir.path() / "printed").size() == 2);
}

TEST_CASE("the printer is offline: the console says why, and its retry prints once it is back",
          "[app][delivery]") {
    // A required package (cups-ipp-utils): missing, the test fails.
    REQUIRE(cabin::IppPrinterProcess::findBinary());
    TempDir dir;
    const auto port = cabin::freeLoopbackPort(); // nothing listens there yet
    Rig rig("ipp://127.0.0.1:" + std::to_string(port) + "/ipp/print");
    REQUIRE(rig.inSession());
    auto& delivery = *rig.console.session.delivery();
    const auto id = prescriptions::PrescriptionId::generate()->toString();
    const auto pdf = samplePdf("hors-ligne", 9'000);
    REQUIRE(delivery.send(bytesOf(pdf), QString::fromStdString(id), QStringLiteral("Ordonnance")));
    REQUIRE(QTest::qWaitFor([&] { return delivery.state() == app::DeliveryState::Failed; }, 20000));
    CHECK(delivery.reason() == QStringLiteral("printer_offline"));
    CHECK(delivery.reasonText() == QStringLiteral("imprimante hors ligne"));
    CHECK(delivery.statusText() == QStringLiteral("Échec : imprimante hors ligne"));
    CHECK(delivery.canRetry());

    // The printer comes back on its address; the doctor retries: printed, once.
    const auto printer = startCopyingPrinter(dir, port);
    const auto chunksBefore = delivery.chunkMessages();
    delivery.retry();
    REQUIRE(
        QTest::qWaitFor([&] { return delivery.state() == app::DeliveryState::Printed; }, 30000));
    CHECK(delivery.chunkMessages() == chunksBefore); // printed again, not sent again
    delivery.retry();                                // nothing to retry once printed
    QTest::qWait(500);
    const auto copies = printedCopies(dir.path() / "printed");
    REQUIRE(copies.size() == 1);
    CHECK(readAll(copies[0]) == pdf);
}

TEST_CASE("the demo gives its cabin a real printer, and stops it on shutdown", "[app][delivery]") {
    // A required package (cups-ipp-utils): missing, the test fails.
    REQUIRE(cabin::IppPrinterProcess::findBinary());
    TempDir dir;
    std::mutex mutex;
    std::vector<std::string> lines;
    auto demo = app::DemoEnvironment::start(dir.path(), [&](const std::string& line) {
        std::lock_guard lock(mutex);
        lines.push_back(line);
    });
    REQUIRE(demo);
    std::string uri;
    {
        std::lock_guard lock(mutex);
        for (const auto& line : lines) {
            if (line.rfind("cabin printer: ippeveprinter at ", 0) == 0) {
                uri = line.substr(std::string("cabin printer: ippeveprinter at ").size());
            }
        }
    }
    const auto parsed = cabin::parsePrinterUri(uri);
    REQUIRE(parsed);
    const auto listening = [port = parsed->port] {
        net::io_context io;
        net::ip::tcp::socket socket(io);
        boost::system::error_code ec;
        socket.connect({net::ip::address_v4::loopback(), port}, ec);
        return !ec;
    };
    CHECK(listening());
    CHECK(fs::is_directory(dir.path() / "printer" / "spool"));
    demo->reset();
    CHECK_FALSE(listening()); // the child is gone with the demo
}

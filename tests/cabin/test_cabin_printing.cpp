// The cabin's printing against a real IPP printer: CUPS' ippeveprinter on a free loopback port.
#include "cabin_documents.hpp"
#include "cabin_printer.hpp"
#include "ipp_codec.hpp"
#include "ipp_printer_process.hpp"
#include "support/catch_result.hpp"
#include "support/sample_pdf.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/prescriptions/prescription_id.hpp"
#include "tc/protocol/io_thread.hpp"

#include <boost/asio/strand.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <future>
#include <sstream>
#include <sys/stat.h>

using namespace tc;
using tc::test::samplePdf;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using tc::test::readAll;

std::vector<fs::path> filesIn(const fs::path& dir, const std::string& extension) {
    std::vector<fs::path> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() == extension) {
            found.push_back(entry.path());
        }
    }
    return found;
}

// A print command for ippeveprinter: out of paper until `paper` exists; else copies the
// document into `printed/` (one file per printed copy).
fs::path paperCommand(const test::TempDir& dir) {
    fs::create_directories(dir.path() / "printed");
    const auto script =
        dir.write("print.sh", "#!/bin/sh\n"
                              "if [ ! -e '" +
                                  (dir.path() / "paper").string() +
                                  "' ]; then\n"
                                  "  echo 'STATE: +media-empty-error' >&2\n"
                                  "  exit 1\n"
                                  "fi\n"
                                  "echo 'STATE: -media-empty-error,media-empty-report' >&2\n"
                                  "cp \"$1\" '" +
                                  (dir.path() / "printed").string() + "/'\n");
    ::chmod(script.c_str(), 0755);
    return script;
}

cabin::PrintOutcome printOnce(cabin::CabinPrinter& printer, const std::string& pdf,
                              const std::string& jobName) {
    std::promise<cabin::PrintOutcome> done;
    auto future = done.get_future();
    printer.print(pdf, jobName, [&done](cabin::PrintOutcome o) { done.set_value(std::move(o)); });
    REQUIRE(future.wait_for(60s) == std::future_status::ready);
    return future.get();
}

// A required package (cups-ipp-utils): missing, the test fails.
#define REQUIRE_IPPEVEPRINTER() REQUIRE(cabin::IppPrinterProcess::findBinary())

} // namespace

TEST_CASE("printer URIs are parsed strictly", "[cabin][printing]") {
    const auto uri = cabin::parsePrinterUri("ipp://127.0.0.1:8631/ipp/print");
    REQUIRE(uri);
    CHECK(uri->host == "127.0.0.1");
    CHECK(uri->port == 8631);
    CHECK(uri->path == "/ipp/print");
    CHECK(cabin::parsePrinterUri("ipp://printer.local/ipp/print")->port == 631);
    for (const auto* bad : {"http://x/ipp", "ipp://", "ipp:///ipp", "ipp://x:0/ipp",
                            "ipp://x:70000/ipp", "ipp://x:12a/ipp", "ipp://x", "ipp://u@x/p"}) {
        INFO(bad);
        CHECK_FALSE(cabin::parsePrinterUri(bad));
    }
}

TEST_CASE("IPP responses are decoded, and malformed ones refused", "[cabin][printing]") {
    // A response is encoded like a request, with a status code in place of the operation.
    auto bytes = cabin::ipp::RequestBuilder(0x0000, 7, "ipp://x/ipp")
                     .addInteger(cabin::ipp::tag::integer, "job-id", 42)
                     .add(cabin::ipp::tag::keyword, "printer-state-reasons", "media-empty-error")
                     .alsoValue(cabin::ipp::tag::keyword, "media-jam-warning")
                     .finish();
    const auto response = cabin::ipp::decode(bytes);
    REQUIRE(response);
    CHECK(response->successful());
    CHECK(response->requestId == 7);
    CHECK(response->integer("job-id") == 42);
    CHECK(response->strings("printer-state-reasons") ==
          std::vector<std::string>{"media-empty-error", "media-jam-warning"});
    const auto explained = cabin::explainPrinterReasons(response->strings("printer-state-reasons"));
    REQUIRE(explained);
    CHECK(explained->reason() == "media_empty");
    CHECK(explained->code == cabin::PrintErrc::mediaEmpty);
    CHECK(explained->text == "plus de papier");
    CHECK(cabin::explainPrinterReasons({"offline-report"})->text == "imprimante hors ligne");
    CHECK_FALSE(cabin::explainPrinterReasons({"none"}));
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        CHECK_FALSE(cabin::ipp::decode(std::string_view(bytes).substr(0, cut)));
    }
    auto lying = bytes;
    lying[10] = '\x7F'; // a name length past the end
    CHECK_FALSE(cabin::ipp::decode(lying));
}

TEST_CASE("a PDF printed on ippeveprinter arrives byte for byte", "[cabin][printing][ipp]") {
    REQUIRE_IPPEVEPRINTER();
    test::TempDir dir;
    auto printer = cabin::IppPrinterProcess::start({.directory = dir.path()});
    REQUIRE(printer);
    protocol::IoThread io("test-printer");
    const auto device = cabin::CabinPrinter::create(boost::asio::make_strand(io.executor()),
                                                    *cabin::parsePrinterUri((*printer)->uri()));
    const auto pdf = samplePdf("byte-identical");
    const auto outcome = printOnce(*device, pdf, "7KQM-TEST");
    REQUIRE(outcome.has_value());
    CHECK(outcome->jobId > 0);
    const auto spooled = filesIn((*printer)->spoolDirectory(), ".pdf");
    REQUIRE(spooled.size() == 1);
    CHECK(readAll(spooled[0]) == pdf);
}

TEST_CASE("nothing listening: failed, printer offline", "[cabin][printing]") {
    protocol::IoThread io("test-printer");
    const auto port = cabin::freeLoopbackPort();
    const auto device = cabin::CabinPrinter::create(
        boost::asio::make_strand(io.executor()),
        *cabin::parsePrinterUri("ipp://127.0.0.1:" + std::to_string(port) + "/ipp/print"));
    const auto outcome = printOnce(*device, samplePdf("offline"), "job");
    REQUIRE(outcome.has_error());
    CHECK(outcome.error().reason() == "printer_offline");
    CHECK(outcome.error().text == "imprimante hors ligne");
}

TEST_CASE("out of paper: failed with the reason, and once paper is back, a retry prints it once",
          "[cabin][printing][ipp]") {
    REQUIRE_IPPEVEPRINTER();
    test::TempDir dir;
    auto printer = cabin::IppPrinterProcess::start(
        {.directory = dir.path() / "printer", .command = paperCommand(dir)});
    REQUIRE(printer);
    protocol::IoThread io("test-cabin-docs");
    const auto strand = boost::asio::make_strand(io.executor());
    std::mutex mutex;
    std::vector<protocol::DocumentStatus> statuses;
    std::condition_variable arrived;
    auto documents = cabin::CabinDocuments::create(
        strand, cabin::parsePrinterUri((*printer)->uri()), dir.path() / "state",
        [&](const std::string& sessionId, std::string_view kind, nlohmann::json payload) {
            CHECK(sessionId == "S-1");
            CHECK(kind == protocol::kind::documentStatus);
            auto status = protocol::parseDocumentStatus(payload);
            REQUIRE(status);
            std::lock_guard lock(mutex);
            statuses.push_back(*status);
            arrived.notify_all();
        },
        {},
        {.pollInterval = std::chrono::milliseconds(100), .stuck = std::chrono::milliseconds(1500)});
    const auto waitFor = [&](protocol::DocumentState state) {
        std::unique_lock lock(mutex);
        return arrived.wait_for(
            lock, 30s, [&] { return !statuses.empty() && statuses.back().state == state; });
    };
    const auto feed = [&](const protocol::OutgoingMessage& m) {
        boost::asio::post(strand, [=] { documents->onMessage("S-1", m.kind, m.payload); });
    };
    const auto id = prescriptions::PrescriptionId::generate()->toString();
    const auto pdf = samplePdf("paper");
    auto sender = *protocol::DocumentSender::create(id, pdf, "Ordonnance");
    for (const auto& m : sender.poll(std::chrono::steady_clock::now())) {
        feed(m);
    }
    REQUIRE(waitFor(protocol::DocumentState::receiving));
    {
        std::lock_guard lock(mutex);
        sender.onStatus(statuses.back(), std::chrono::steady_clock::now());
    }
    for (const auto& m : sender.poll(std::chrono::steady_clock::now())) {
        feed(m);
    }
    REQUIRE(waitFor(protocol::DocumentState::failed));
    {
        std::lock_guard lock(mutex);
        CHECK(statuses.back().reason == "media_empty");
        CHECK(statuses.back().text == "plus de papier");
        CHECK(std::any_of(statuses.begin(), statuses.end(), [](const auto& s) {
            return s.state == protocol::DocumentState::printing;
        }));
        sender.onStatus(statuses.back(), std::chrono::steady_clock::now());
    }
    CHECK(filesIn(dir.path() / "printed", ".pdf").empty());

    // A retry while the tray is still empty: the printer holds the job waiting for paper; the
    // cabin cancels it (so that it cannot come out later beside another retry) and says why.
    const auto retryOnce = [&] {
        std::lock_guard lock(mutex);
        statuses.clear();
        sender.retry(std::chrono::steady_clock::now());
        const auto retry = sender.poll(std::chrono::steady_clock::now());
        REQUIRE(retry.size() == 1);
        CHECK(retry[0].kind == protocol::kind::documentPrint);
        feed(retry[0]);
        return retry[0];
    };
    retryOnce();
    REQUIRE(waitFor(protocol::DocumentState::failed));
    {
        std::lock_guard lock(mutex);
        CHECK(statuses.back().reason == "media_empty");
        sender.onStatus(statuses.back(), std::chrono::steady_clock::now());
    }

    // The operator refills the tray and restarts the printer; the doctor retries: one copy,
    // byte for byte.
    dir.write("paper", "");
    const auto port = (*printer)->port();
    (*printer)->stop();
    printer = cabin::IppPrinterProcess::start(
        {.directory = dir.path() / "printer", .command = paperCommand(dir), .port = port});
    REQUIRE(printer);
    const auto print = retryOnce();
    REQUIRE(waitFor(protocol::DocumentState::printed));
    // Asking again prints nothing more: the cabin answers from what it printed.
    const auto answered = [&] {
        std::lock_guard lock(mutex);
        return statuses.size();
    }();
    feed(print);
    {
        std::unique_lock lock(mutex);
        REQUIRE(arrived.wait_for(lock, 30s, [&] { return statuses.size() > answered; }));
    }
    const auto copies = filesIn(dir.path() / "printed", ".pdf");
    REQUIRE(copies.size() == 1);
    CHECK(readAll(copies[0]) == pdf);
    std::lock_guard lock(mutex);
    CHECK(statuses.back().state == protocol::DocumentState::printed);
}

TEST_CASE("a cabin without a printer reports failed: no_printer", "[cabin][printing]") {
    protocol::IoThread io("test-cabin-docs");
    const auto strand = boost::asio::make_strand(io.executor());
    std::promise<protocol::DocumentStatus> failed;
    auto documents = cabin::CabinDocuments::create(
        strand, std::nullopt, {},
        [&](const std::string&, std::string_view, nlohmann::json payload) {
            auto status = protocol::parseDocumentStatus(payload);
            if (status && status->state == protocol::DocumentState::failed) {
                failed.set_value(*status);
            }
        },
        {});
    const auto id = prescriptions::PrescriptionId::generate()->toString();
    auto sender = *protocol::DocumentSender::create(id, samplePdf("none"), "");
    const auto offer = sender.poll(std::chrono::steady_clock::now());
    boost::asio::post(strand, [&, offer] {
        documents->onMessage("S-1", offer[0].kind, offer[0].payload);
        sender.onStatus(
            protocol::DocumentStatus{
                id, protocol::DocumentState::receiving, 0, {{0, 0}}, 1, {}, {}},
            std::chrono::steady_clock::now());
        for (const auto& m : sender.poll(std::chrono::steady_clock::now())) {
            documents->onMessage("S-1", m.kind, m.payload);
        }
    });
    auto future = failed.get_future();
    REQUIRE(future.wait_for(5s) == std::future_status::ready);
    const auto status = future.get();
    CHECK(status.reason == "no_printer");
    CHECK(status.receivedChunks == 1);
}

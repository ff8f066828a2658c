// A prescription id never prints twice: the cabin's documents with their print ledger against
// the real IPP printer (CUPS' ippeveprinter), counting its jobs by the files it spools (one per
// job, kept with -k). Re-sent, after a restart of the cabin, and after a kill -9 of a cabin
// process between the print and its acknowledgement. These tests need ippeveprinter
// (cups-ipp-utils, a required package): without it they fail.
#include "cabin_documents.hpp"
#include "ipp_printer_process.hpp"
#include "support/eventually.hpp"
#include "support/sample_pdf.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/prescriptions/prescription_id.hpp"
#include "tc/protocol/io_thread.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <catch2/catch.hpp>
#include <cctype>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <future>
#include <spawn.h>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>

extern char** environ;

using namespace tc;
using namespace std::chrono_literals;
using protocol::DocumentState;
using protocol::DocumentStatus;
namespace fs = std::filesystem;

namespace {

constexpr const char* kChildTest = "print ledger child: a cabin printing until it is killed";

using tc::test::readAll;

// The printer's jobs for `id`: ippeveprinter spools each job's document as
// "<job id>-<job name>.pdf", the job name in lower case with each run of other characters than
// letters, digits and '-' made one '_' (a check symbol * ~ $ = too).
std::vector<fs::path> jobsFor(const fs::path& spool, const std::string& id) {
    std::string lower;
    for (const char c : id) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') {
            lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (lower.empty() || lower.back() != '_') {
            lower += '_';
        }
    }
    std::vector<fs::path> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(spool, ec)) {
        if (entry.path().extension() == ".pdf" &&
            entry.path().filename().string().find(lower) != std::string::npos) {
            found.push_back(entry.path());
        }
    }
    std::sort(found.begin(), found.end());
    return found;
}

template <class Predicate> bool eventually(Predicate done, std::chrono::milliseconds limit) {
    return test::pollUntil(done, limit, 20ms);
}

std::unique_ptr<cabin::IppPrinterProcess> startPrinter(const cabin::IppPrinterOptions& options) {
    INFO("ippeveprinter (cups-ipp-utils) is required");
    REQUIRE(cabin::IppPrinterProcess::findBinary());
    auto printer = cabin::IppPrinterProcess::start(options);
    REQUIRE(printer);
    return std::move(*printer);
}

// A printer command (ippeveprinter -c) that "prints" by copying the document into `printed/`,
// once `gate` exists (out of paper until then, or held while printing: see `held`).
fs::path printCommand(const test::TempDir& dir, const std::string& gate, bool held) {
    fs::create_directories(dir.path() / "printed");
    const auto gatePath = (dir.path() / gate).string();
    const std::string wait = held ? "i=0\n"
                                    "while [ ! -e '" +
                                        gatePath +
                                        "' ] && [ $i -lt 600 ]; do\n"
                                        "  sleep 0.05; i=$((i + 1))\n"
                                        "done\n"
                                  : "if [ ! -e '" + gatePath +
                                        "' ]; then\n"
                                        "  echo 'STATE: +media-empty-error' >&2\n"
                                        "  exit 1\n"
                                        "fi\n"
                                        "echo 'STATE: -media-empty-error' >&2\n";
    const auto script = dir.write(gate + ".sh", "#!/bin/sh\n" + wait + "cp \"$1\" '" +
                                                    (dir.path() / "printed").string() + "/'\n");
    ::chmod(script.c_str(), 0755);
    return script;
}

// A printer that prints at once (without a command, ippeveprinter takes seconds per job).
std::unique_ptr<cabin::IppPrinterProcess> readyPrinter(const test::TempDir& dir) {
    dir.write("paper", "");
    return startPrinter(
        {.directory = dir.path() / "printer", .command = printCommand(dir, "paper", false)});
}

std::size_t copiesPrinted(const test::TempDir& dir) {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir.path() / "printed"), fs::directory_iterator()));
}

// One life of a cabin: its documents and print ledger on their own strand.
class Cabin {
public:
    Cabin(const fs::path& state, const std::string& printerUri)
        : m_strand(boost::asio::make_strand(m_io.executor())) {
        m_documents = cabin::CabinDocuments::create(
            m_strand, cabin::parsePrinterUri(printerUri), state,
            [this](const std::string&, std::string_view, nlohmann::json payload) {
                auto status = protocol::parseDocumentStatus(payload);
                std::lock_guard lock(m_mutex);
                if (status) {
                    m_statuses.push_back(*status);
                }
                m_changed.notify_all();
            },
            [this](const std::string& line) {
                std::lock_guard lock(m_mutex);
                m_log.push_back(line);
            },
            {.pollInterval = 50ms, .stuck = 1500ms});
    }
    ~Cabin() {
        std::promise<void> gone;
        boost::asio::post(m_strand, [&] {
            m_documents.reset(); // closes the ledger (and releases its lock)
            gone.set_value();
        });
        gone.get_future().wait();
        m_io.stop();
    }

    void feed(const protocol::OutgoingMessage& m) {
        boost::asio::post(m_strand,
                          [this, m] { m_documents->onMessage("S-1", m.kind, m.payload); });
    }

    // Sends `pdf` as `id` like the doctor's console, until a status says printed or failed.
    DocumentStatus deliver(const std::string& id, const std::string& pdf) {
        auto sender = *protocol::DocumentSender::create(id, pdf, "Ordonnance");
        std::size_t seen = statuses().size();
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < deadline) {
            for (const auto& m : sender.poll(std::chrono::steady_clock::now())) {
                feed(m);
            }
            std::unique_lock lock(m_mutex);
            m_changed.wait_for(lock, 50ms, [&] { return m_statuses.size() > seen; });
            for (; seen < m_statuses.size(); ++seen) {
                const auto status = m_statuses[seen];
                sender.onStatus(status, std::chrono::steady_clock::now());
                if (status.state == DocumentState::printed ||
                    status.state == DocumentState::failed) {
                    return status;
                }
            }
        }
        FAIL("no final status for " << id);
        return {};
    }

    // The doctor asks for a print again (document.print); the status that answers it.
    DocumentStatus printAgain(const std::string& id, std::uint64_t seq) {
        const auto before = statuses().size();
        feed({std::string(protocol::kind::documentPrint),
              protocol::toJson(protocol::DocumentPrint{id, seq})});
        std::unique_lock lock(m_mutex);
        REQUIRE(m_changed.wait_for(lock, 10s, [&] { return m_statuses.size() > before; }));
        return m_statuses[before];
    }

    std::vector<DocumentStatus> statuses() {
        std::lock_guard lock(m_mutex);
        return m_statuses;
    }
    bool logged(const std::string& text) {
        std::lock_guard lock(m_mutex);
        return std::any_of(m_log.begin(), m_log.end(), [&](const std::string& line) {
            return line.find(text) != std::string::npos;
        });
    }

private:
    protocol::IoThread m_io{"test-reprint"};
    boost::asio::strand<boost::asio::any_io_executor> m_strand;
    std::shared_ptr<cabin::CabinDocuments> m_documents;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<DocumentStatus> m_statuses;
    std::vector<std::string> m_log;
};

std::string newId() {
    return prescriptions::PrescriptionId::generate()->toString();
}

} // namespace

TEST_CASE("the same prescription re-sent prints once: one IPP job", "[cabin][printing][ledger]") {
    test::TempDir dir;
    const auto printer = readyPrinter(dir);
    Cabin cabin(dir.path() / "state", printer->uri());
    const auto id = newId();
    const auto pdf = test::samplePdf("resent", 9000);
    CHECK(cabin.deliver(id, pdf).state == DocumentState::printed);
    // The doctor's console sends it again (a new transfer of the same prescription), then asks
    // for a print: each time the answer is its status, and nothing prints.
    const auto again = cabin.deliver(id, pdf);
    CHECK(again.state == DocumentState::printed);
    CHECK(again.receivedChunks == 3);
    CHECK(cabin.printAgain(id, 99).state == DocumentState::printed);
    // Another document under the same id: refused, nothing printed.
    const auto other = cabin.deliver(id, test::samplePdf("forged", 9000));
    CHECK(other.state == DocumentState::failed);
    CHECK(other.reason == "conflict");
    const auto jobs = jobsFor(printer->spoolDirectory(), id);
    REQUIRE(jobs.size() == 1);
    CHECK(readAll(jobs[0]) == pdf);
    CHECK(copiesPrinted(dir) == 1);
}

TEST_CASE("a prescription offered again after the cabin restarted prints once",
          "[cabin][printing][ledger]") {
    test::TempDir dir;
    const auto printer = readyPrinter(dir);
    const auto id = newId();
    const auto pdf = test::samplePdf("restarted");
    {
        Cabin first(dir.path() / "state", printer->uri());
        CHECK(first.deliver(id, pdf).state == DocumentState::printed);
    }
    // A new cabin on the same state directory: the doctor's console offers it again.
    Cabin second(dir.path() / "state", printer->uri());
    const auto status = second.deliver(id, pdf);
    CHECK(status.state == DocumentState::printed);
    CHECK(second.printAgain(id, 7).state == DocumentState::printed);
    CHECK(second.logged("printed already (print ledger"));
    CHECK(jobsFor(printer->spoolDirectory(), id).size() == 1);
    // A new prescription still prints.
    const auto next = newId();
    CHECK(second.deliver(next, test::samplePdf("next")).state == DocumentState::printed);
    CHECK(jobsFor(printer->spoolDirectory(), next).size() == 1);
    CHECK(copiesPrinted(dir) == 2);
}

// Runs only when the next test starts it, in a process of its own: a cabin that prints one
// prescription (the printer holds the job) until it is killed.
TEST_CASE(kChildTest, "[.ledger-child]") {
    const char* state = std::getenv("TC_LEDGER_STATE");
    const char* uri = std::getenv("TC_LEDGER_PRINTER");
    const char* id = std::getenv("TC_LEDGER_ID");
    const char* pdf = std::getenv("TC_LEDGER_PDF");
    REQUIRE(state);
    REQUIRE(uri);
    REQUIRE(id);
    REQUIRE(pdf);
    Cabin cabin(state, uri);
    cabin.deliver(id, readAll(pdf));
    FAIL("the child was not killed while printing");
}

TEST_CASE("killed between the print and its acknowledgement: printed, not confirmed, and never "
          "printed again",
          "[cabin][printing][ledger]") {
    test::TempDir dir;
    // The printer holds each job until `release` exists, as a real one does while it prints.
    const auto printer = startPrinter(
        {.directory = dir.path() / "printer", .command = printCommand(dir, "release", true)});
    const auto id = newId();
    const auto pdf = test::samplePdf("killed", 5000);
    const auto pdfPath = dir.write("ordonnance.pdf", pdf);
    const auto state = dir.path() / "state";

    // The cabin's first life, in its own process: it writes the print ahead, submits the job,
    // and is killed (SIGKILL) while it waits for the printer to complete it.
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        env.emplace_back(*e);
    }
    env.push_back("TC_LEDGER_STATE=" + state.string());
    env.push_back("TC_LEDGER_PRINTER=" + printer->uri());
    env.push_back("TC_LEDGER_ID=" + id);
    env.push_back("TC_LEDGER_PDF=" + pdfPath.string());
    std::vector<char*> envp;
    for (auto& e : env) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    const auto self = fs::read_symlink("/proc/self/exe").string();
    std::string name = kChildTest;
    std::string out = "-o";
    std::string outFile = (dir.path() / "child.log").string();
    std::vector<char*> argv{const_cast<char*>(self.c_str()), name.data(), out.data(),
                            outFile.data(), nullptr};
    pid_t child = -1;
    REQUIRE(::posix_spawn(&child, self.c_str(), nullptr, nullptr, argv.data(), envp.data()) == 0);
    const bool submitted =
        eventually([&] { return !jobsFor(printer->spoolDirectory(), id).empty(); }, 30s);
    ::kill(child, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(submitted);
    CHECK(WIFSIGNALED(status));
    // The printer finishes the job after the cabin died: one copy is in the tray.
    dir.write("release", "");
    REQUIRE(eventually([&] { return !fs::is_empty(dir.path() / "printed"); }, 30s));

    // The cabin restarts on the same state: it says so in its log, and answers the doctor's
    // offer (and print request) with "printed, not confirmed", in words, printing nothing.
    Cabin restarted(state, printer->uri());
    CHECK(restarted.logged(id + " printed, not confirmed"));
    const auto answer = restarted.deliver(id, pdf);
    CHECK(answer.state == DocumentState::failed);
    CHECK(answer.reason == "printed_unconfirmed");
    CHECK(answer.text.find("impression non confirmée") != std::string::npos);
    CHECK(answer.text.find("ne l'imprimera pas une seconde fois") != std::string::npos);
    const auto retried = restarted.printAgain(id, 50);
    CHECK(retried.state == DocumentState::failed);
    CHECK(retried.reason == "printed_unconfirmed");
    CHECK(jobsFor(printer->spoolDirectory(), id).size() == 1);
    CHECK(copiesPrinted(dir) == 1);
}

TEST_CASE("the printer lost while it holds the job: printed, not confirmed, never printed again",
          "[cabin][printing][ledger]") {
    test::TempDir dir;
    const auto command = printCommand(dir, "release", true);
    auto printer = startPrinter({.directory = dir.path() / "printer", .command = command});
    const auto spool = printer->spoolDirectory();
    const auto port = printer->port();
    const auto id = newId();
    const auto pdf = test::samplePdf("printer-lost");
    std::optional<Cabin> cabin(std::in_place, dir.path() / "state", printer->uri());
    // The printer goes away (power cut, restart) while it holds the job: the job may come out
    // later, or may not.
    std::thread powerCut([&] {
        if (eventually([&] { return !jobsFor(spool, id).empty(); }, 30s)) {
            printer->stop();
        }
    });
    const auto status = cabin->deliver(id, pdf);
    powerCut.join();
    CHECK(status.state == DocumentState::failed);
    CHECK(status.reason == "printed_unconfirmed");
    CHECK(status.text.find("imprimante hors ligne") != std::string::npos);
    CHECK(status.text.find("peut-être sortie") != std::string::npos);

    // The printer is back: asking again, in this run or after a restart, prints nothing.
    dir.write("release", "");
    printer = startPrinter({.directory = dir.path() / "printer", .command = command, .port = port});
    CHECK(cabin->printAgain(id, 90).reason == "printed_unconfirmed");
    cabin.reset();
    cabin.emplace(dir.path() / "state", printer->uri());
    CHECK(cabin->deliver(id, pdf).reason == "printed_unconfirmed");
    CHECK(jobsFor(spool, id).size() == 1);
    CHECK(copiesPrinted(dir) <= 1); // the first job, if the printer finished it on its own
}

TEST_CASE("spooled copies are never overwritten: a retry after a restart is a job of its own",
          "[cabin][printing][ledger]") {
    test::TempDir dir;
    const auto command = printCommand(dir, "paper", false);
    auto printer = startPrinter({.directory = dir.path() / "printer", .command = command});
    const auto id = newId();
    const auto pdf = test::samplePdf("paper-then-restart");
    {
        Cabin first(dir.path() / "state", printer->uri());
        const auto status = first.deliver(id, pdf);
        CHECK(status.state == DocumentState::failed);
        CHECK(status.reason == "media_empty");
    }
    REQUIRE(jobsFor(printer->spoolDirectory(), id).size() == 1);
    const auto firstCopy = jobsFor(printer->spoolDirectory(), id)[0];
    // Paper is back; the printer and the cabin restart on the same directories. The printer's
    // job ids start again from 1, the ledger's attempts do not.
    dir.write("paper", "");
    const auto port = printer->port();
    printer.reset();
    printer = startPrinter({.directory = dir.path() / "printer", .command = command, .port = port});
    Cabin second(dir.path() / "state", printer->uri());
    CHECK(second.deliver(id, pdf).state == DocumentState::printed);
    const auto jobs = jobsFor(printer->spoolDirectory(), id);
    REQUIRE(jobs.size() == 2);
    CHECK(std::find(jobs.begin(), jobs.end(), firstCopy) != jobs.end());
    for (const auto& job : jobs) {
        CHECK(readAll(job) == pdf);
    }
    CHECK(copiesPrinted(dir) == 1);
    // And never a third time.
    CHECK(second.printAgain(id, 40).state == DocumentState::printed);
    CHECK(jobsFor(printer->spoolDirectory(), id).size() == 2);
}

TEST_CASE("a cabin without a state directory prints nothing, and says why",
          "[cabin][printing][ledger]") {
    test::TempDir dir;
    const auto printer = readyPrinter(dir);
    Cabin cabin({}, printer->uri());
    const auto id = newId();
    const auto status = cabin.deliver(id, test::samplePdf("no-ledger"));
    CHECK(status.state == DocumentState::failed);
    CHECK(status.reason == "ledger_unavailable");
    CHECK(cabin.logged("print ledger: no state directory"));
    CHECK(jobsFor(printer->spoolDirectory(), id).empty());
}

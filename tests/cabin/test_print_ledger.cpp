// The cabin's print ledger on its own: write-ahead and outcomes survive a reopen (a restart), an
// attempt without an outcome (a crash) is "printed, not confirmed", and a damaged file never
// lets a prescription print twice.
#include "print_ledger.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/prescriptions/prescription_id.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

using namespace tc;
using cabin::LedgerErrc;
using cabin::PrintLedger;
using cabin::PrintState;
namespace fs = std::filesystem;

namespace {

const std::string kSha(64, 'a');
const std::string kOtherSha(64, 'b');

std::string newId() {
    return prescriptions::PrescriptionId::generate()->toString();
}

using tc::test::readAll;

void appendRaw(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << bytes;
}

std::string line(const std::string& id, const std::string& event, int attempt,
                 const std::string& extra) {
    return R"({"v":1,"at_ms":1,"id":")" + id + R"(","event":")" + event + R"(","attempt":)" +
           std::to_string(attempt) + extra + "}\n";
}

std::string printing(const std::string& id, int attempt = 1) {
    return line(id, "printing", attempt, R"(,"sha256":")" + kSha + R"(","size":100)");
}

std::string printed(const std::string& id, int attempt = 1) {
    return line(id, "printed", attempt, R"(,"job":7)");
}

} // namespace

TEST_CASE("print ledger: a print written ahead and acknowledged survives a restart",
          "[cabin][ledger]") {
    test::TempDir dir;
    const auto state = dir.path() / "state" / "cabin";
    const auto id = newId();
    {
        auto ledger = PrintLedger::open(state);
        REQUIRE(ledger.has_value());
        CHECK(ledger->records().empty());
        const auto attempt = ledger->begin(id, kSha, 100);
        REQUIRE(attempt);
        CHECK(*attempt == 1);
        CHECK(ledger->find(id)->state == PrintState::printing);
        CHECK(ledger->begin(id, kSha, 100).error() == LedgerErrc::printing);
        CHECK_FALSE(ledger->printed(id, 1, 42));
    }
    struct stat info {};
    REQUIRE(::stat((state / cabin::kLedgerFileName).c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    REQUIRE(::stat(state.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);

    auto reopened = PrintLedger::open(state);
    REQUIRE(reopened.has_value());
    CHECK(reopened->problems().empty());
    const auto* record = reopened->find(id);
    REQUIRE(record);
    CHECK(record->state == PrintState::printed);
    CHECK(record->jobId == 42);
    CHECK(record->sha256 == kSha);
    CHECK(reopened->begin(id, kSha, 100).error() == LedgerErrc::alreadyPrinted);
    CHECK(reopened->begin(id, kOtherSha, 100).error() == LedgerErrc::conflict);
    // Each line is one JSON object: the file is the format README describes.
    const auto text = readAll(reopened->path());
    CHECK(std::count(text.begin(), text.end(), '\n') == 2);
    CHECK(text.find(R"("event":"printing")") != std::string::npos);
    CHECK(text.find(R"("event":"printed")") != std::string::npos);
}

TEST_CASE("print ledger: an attempt without an outcome (a crash) is printed, not confirmed",
          "[cabin][ledger]") {
    test::TempDir dir;
    const auto id = newId();
    {
        auto ledger = PrintLedger::open(dir.path());
        REQUIRE(ledger.has_value());
        REQUIRE(ledger->begin(id, kSha, 100));
        // The process dies here: the job may be on the printer, its outcome is never written.
    }
    auto reopened = PrintLedger::open(dir.path());
    REQUIRE(reopened.has_value());
    const auto* record = reopened->find(id);
    REQUIRE(record);
    CHECK(record->state == PrintState::unconfirmed);
    CHECK(record->reason == "interrupted");
    CHECK(reopened->begin(id, kSha, 100).error() == LedgerErrc::printedUnconfirmed);
}

TEST_CASE("print ledger: a print the printer certainly refused may be tried again, as attempt 2",
          "[cabin][ledger]") {
    test::TempDir dir;
    const auto id = newId();
    const auto lost = newId();
    {
        auto ledger = PrintLedger::open(dir.path());
        REQUIRE(ledger.has_value());
        REQUIRE(ledger->begin(id, kSha, 100));
        CHECK_FALSE(ledger->notPrinted(id, 1, "media_empty"));
        REQUIRE(ledger->begin(lost, kSha, 100));
        CHECK_FALSE(ledger->unconfirmed(lost, 1, 9, "printer_offline"));
        CHECK(ledger->begin(lost, kSha, 100).error() == LedgerErrc::printedUnconfirmed);
    }
    auto reopened = PrintLedger::open(dir.path());
    REQUIRE(reopened.has_value());
    CHECK(reopened->find(id)->state == PrintState::notPrinted);
    CHECK(reopened->find(id)->reason == "media_empty");
    CHECK(reopened->find(lost)->state == PrintState::unconfirmed);
    CHECK(reopened->find(lost)->jobId == 9);
    CHECK(reopened->begin(id, kOtherSha, 100).error() == LedgerErrc::conflict);
    const auto again = reopened->begin(id, kSha, 100);
    REQUIRE(again);
    CHECK(*again == 2);
}

TEST_CASE("print ledger: a torn last line is dropped and the good lines kept", "[cabin][ledger]") {
    test::TempDir dir;
    const auto done = newId();
    const auto torn = newId();
    const auto path = dir.path() / cabin::kLedgerFileName;
    appendRaw(path, printing(done) + printed(done));
    const auto good = fs::file_size(path);
    // The crash came in the middle of writing the write-ahead line of `torn`: its fsync never
    // returned, so its job was never submitted.
    appendRaw(path, printing(torn).substr(0, 40));
    {
        auto ledger = PrintLedger::open(dir.path());
        REQUIRE(ledger.has_value());
        REQUIRE(ledger->problems().size() == 1);
        CHECK(ledger->problems()[0].code == LedgerErrc::tornLine);
        CHECK(ledger->problems()[0].line == 3);
        CHECK_FALSE(ledger->damaged());
        CHECK(ledger->find(done)->state == PrintState::printed);
        CHECK(ledger->find(torn) == nullptr);
        CHECK(fs::file_size(path) == good); // cut off, so that the next line starts cleanly
        REQUIRE(ledger->begin(torn, kSha, 100));
        CHECK_FALSE(ledger->printed(torn, 1, 3));
    }
    auto reopened = PrintLedger::open(dir.path());
    REQUIRE(reopened.has_value());
    CHECK(reopened->problems().empty());
    CHECK(reopened->find(torn)->state == PrintState::printed);
}

TEST_CASE("print ledger: each kind of bad line has its typed error, and blocks the id it names",
          "[cabin][ledger]") {
    struct Case {
        const char* name;
        std::function<std::string(const std::string&)> make;
        LedgerErrc code;
    };
    const std::vector<Case> cases{
        {"not JSON", [](const std::string& id) { return R"({"v":1,"id":")" + id + "\",\n"; },
         LedgerErrc::notJson},
        {"an array", [](const std::string& id) { return "[\"" + id + "\"]\n"; },
         LedgerErrc::notAnObject},
        {"version 2",
         [](const std::string& id) {
             auto l = printing(id);
             return l.replace(l.find("\"v\":1"), 5, "\"v\":2");
         },
         LedgerErrc::unknownVersion},
        {"id not canonical",
         [](const std::string& id) {
             std::string lower = id;
             std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
             return printing(lower);
         },
         LedgerErrc::badId},
        {"unknown event", [](const std::string& id) { return line(id, "reprinted", 1, ""); },
         LedgerErrc::unknownEvent},
        {"unknown field",
         [](const std::string& id) { return line(id, "printed", 1, R"(,"job":1,"x":1)"); },
         LedgerErrc::badField},
        {"short sha256",
         [](const std::string& id) {
             return line(id, "printing", 1, R"(,"sha256":"ab","size":1)");
         },
         LedgerErrc::badField},
        {"no attempt",
         [](const std::string& id) {
             return R"({"v":1,"at_ms":1,"id":")" + id +
                    R"(","event":"printed","job":1})"
                    "\n";
         },
         LedgerErrc::badField},
        {"a wrong type",
         [](const std::string& id) { return line(id, "printed", 1, R"(,"job":"7")"); },
         LedgerErrc::badField},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        test::TempDir dir;
        const auto before = newId();
        const auto damaged = newId();
        const auto after = newId();
        const auto path = dir.path() / cabin::kLedgerFileName;
        appendRaw(path, printing(before) + printed(before) + c.make(damaged) + printing(after) +
                            printed(after));
        auto ledger = PrintLedger::open(dir.path());
        REQUIRE(ledger.has_value());
        REQUIRE(ledger->problems().size() == 1);
        CHECK(ledger->problems()[0].code == c.code);
        CHECK(ledger->problems()[0].line == 3);
        CHECK(ledger->problems()[0].id == damaged);
        CHECK_FALSE(ledger->damaged()); // the damage names its id
        // The good lines around it are kept...
        CHECK(ledger->find(before)->state == PrintState::printed);
        CHECK(ledger->find(after)->state == PrintState::printed);
        // ...and what the ledger cannot read never prints.
        REQUIRE(ledger->find(damaged));
        CHECK(ledger->find(damaged)->state == PrintState::unreadable);
        CHECK(ledger->begin(damaged, kSha, 100).error() == LedgerErrc::unreadableEntry);
        CHECK(ledger->begin(newId(), kSha, 100)); // the rest of the cabin keeps printing
    }
}

TEST_CASE("print ledger: a damaged line that names no id stops every new print",
          "[cabin][ledger]") {
    test::TempDir dir;
    const auto done = newId();
    const auto failed = newId();
    const auto path = dir.path() / cabin::kLedgerFileName;
    appendRaw(path, printing(done) + printed(done) + printing(failed) +
                        line(failed, "not_printed", 1, R"(,"job":0,"reason":"media_empty")") +
                        std::string("\0\0\0\0\x01garbage\n", 13));
    auto ledger = PrintLedger::open(dir.path());
    REQUIRE(ledger.has_value());
    REQUIRE(ledger->problems().size() == 1);
    CHECK(ledger->problems()[0].code == LedgerErrc::notJson);
    CHECK_FALSE(ledger->problems()[0].id);
    CHECK(ledger->damaged());
    CHECK(ledger->begin(done, kSha, 100).error() == LedgerErrc::alreadyPrinted);
    // The unreadable line might have been about any id: nothing the ledger cannot vouch for.
    CHECK(ledger->begin(failed, kSha, 100).error() == LedgerErrc::damaged);
    CHECK(ledger->begin(newId(), kSha, 100).error() == LedgerErrc::damaged);
}

TEST_CASE("print ledger: one cabin at a time, and no state directory is no ledger",
          "[cabin][ledger]") {
    test::TempDir dir;
    auto first = PrintLedger::open(dir.path());
    REQUIRE(first.has_value());
    const auto second = PrintLedger::open(dir.path());
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error() == LedgerErrc::inUse);
    first = PrintLedger::open(dir.path() / "elsewhere"); // the first one is closed
    CHECK(PrintLedger::open(dir.path()).has_value());
    CHECK(PrintLedger::open({}).error() == LedgerErrc::cannotOpen);
    const auto file = dir.write("a-file", "x");
    CHECK(PrintLedger::open(file / "state").error() == LedgerErrc::cannotOpen);
}

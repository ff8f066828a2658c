// kill -9: a child process (archive_upload_child.cpp, spawned with posix_spawn) uploads records
// in a loop and is SIGKILLed at random moments. After each kill the archive opens; every listed
// record reads back whole and verified, every commit the child saw acknowledged is listed,
// nothing partial is visible, and the interrupted upload resumes from what the store says is
// missing and completes.

#include "archive_test_support.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <map>
#include <poll.h>
#include <random>
#include <set>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

using namespace tc::protocol;
using namespace tc::test::archive;

namespace {

constexpr std::uint32_t kChildChunkBytes = 4096; // as in archive_upload_child.cpp
constexpr int kRounds = 16;

struct Child {
    pid_t pid = -1;
    int out = -1; // read end of its stdout
    std::string output;

    // Reads what the child wrote until `text` appears or `limit` passes.
    bool waitFor(const std::string& text, std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (output.find(text) == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                return false;
            }
            pollfd p{out, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
                continue;
            }
            if (!readSome()) {
                return output.find(text) != std::string::npos;
            }
        }
        return true;
    }

    bool readSome() {
        char buffer[4096];
        const auto n = ::read(out, buffer, sizeof buffer);
        if (n > 0) {
            output.append(buffer, static_cast<std::size_t>(n));
            return true;
        }
        return n < 0 && errno == EINTR;
    }

    void drain() {
        while (readSome()) {
        }
    }
};

Child spawnChild(const std::vector<std::string>& args) {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::vector<char*> argv;
    for (const auto& a : args) {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    Child child;
    const int rc = ::posix_spawn(&child.pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    child.out = fds[0];
    REQUIRE(rc == 0);
    return child;
}

std::vector<std::string> linesStarting(const std::string& output, const std::string& prefix) {
    std::vector<std::string> found;
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0) {
            found.push_back(line.substr(prefix.size()));
        }
    }
    return found;
}

} // namespace

TEST_CASE("archive crash: kill -9 at random moments leaves no partial record, loses no "
          "acknowledged commit, and the interrupted upload resumes",
          "[archive][crash]") {
    ArchiveFixture fx;
    const auto owner = doctorRpps(40);
    const auto seed = std::random_device()();
    INFO("seed " << seed);
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> early(0, 10);
    std::uniform_int_distribution<int> later(10, 150);

    std::set<std::string> begun;     // every record id the children began
    std::set<std::string> verified;  // listed records read back whole
    std::set<std::string> confirmed; // commits the children saw acknowledged
    int resumed = 0;                 // interrupted uploads completed by resuming
    int resumedPartway = 0;          // ... of which some chunks were already stored
    int roundsAfterCommit = 0;       // rounds killed after the child's first commit
    for (int round = 0; round < kRounds; ++round) {
        INFO("round " << round);
        auto child = spawnChild({TC_ARCHIVE_UPLOAD_CHILD, fx.directory.string(),
                                 fx.keyFile.string(), std::to_string(round), owner});
        const bool opened = child.waitFor("open\n", std::chrono::seconds(10));
        // One round in four, after a first acknowledged commit, whatever the disk's speed.
        const bool afterCommit =
            round % 4 == 2 && child.waitFor("committed ", std::chrono::seconds(10));
        const auto delay = round % 4 == 0 ? early(random) : later(random);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        ::kill(child.pid, SIGKILL);
        int status = 0;
        REQUIRE(::waitpid(child.pid, &status, 0) == child.pid);
        child.drain();
        ::close(child.out);
        INFO("child output:\n" << child.output);
        REQUIRE(opened);
        roundsAfterCommit += afterCommit ? 1 : 0;
        // Killed, not exited: an error line would mean a call failed.
        REQUIRE(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGKILL);
        CHECK(linesStarting(child.output, "error").empty());
        const auto begins = linesStarting(child.output, "begin ");
        begun.insert(begins.begin(), begins.end());
        for (const auto& id : linesStarting(child.output, "committed ")) {
            confirmed.insert(id);
        }

        auto store = fx.open();
        CHECK(countFiles(fx.directory / "tmp") == 0);
        const auto records = store.records(owner);
        REQUIRE(records);
        std::set<std::string> listed;
        for (const auto& record : *records) {
            listed.insert(record.recordId);
            CHECK(begun.contains(record.recordId));
            if (!verified.contains(record.recordId)) {
                checkRecord(store, record.recordId, owner, consultationFiles(record.recordId));
                verified.insert(record.recordId);
            }
        }
        for (const auto& id : confirmed) {
            INFO("acknowledged " << id);
            CHECK(listed.contains(id));
        }

        // At most the one upload the kill interrupted is pending; resume it.
        const auto pending = store.pendingUploads();
        REQUIRE(pending);
        REQUIRE(pending->size() <= 1);
        if (pending->empty()) {
            continue; // killed before its begin was durable, or between two records
        }
        const auto& upload = pending->front();
        REQUIRE(!begins.empty());
        CHECK(upload.recordId == begins.back());
        CHECK_FALSE(listed.contains(upload.recordId));
        const auto files = consultationFiles(upload.recordId);
        auto state =
            store.beginUpload(manifestFor(upload.recordId, owner, files, kChildChunkBytes));
        REQUIRE(state);
        CHECK_FALSE(state->alreadyCommitted);
        CHECK(state->chunkCount == upload.chunkCount);
        CHECK(state->missing.size() == upload.chunkCount - upload.chunksStored);
        resumedPartway += state->missing.size() < state->chunkCount ? 1 : 0;
        CHECK(putMissing(store, upload.recordId, files, kChildChunkBytes, state->missing) ==
              state->missing.size());
        const auto committed = store.commit(upload.recordId);
        INFO("commit: " << keyOf(committed));
        REQUIRE(committed);
        checkRecord(store, upload.recordId, owner, files);
        verified.insert(upload.recordId);
        CHECK(store.pendingUploads()->empty());
        ++resumed;
    }
    // The kills did interrupt uploads, and some of them after chunks were stored.
    WARN("kill -9: " << kRounds << " rounds, " << verified.size() << " records verified, "
                     << confirmed.size() << " commits acknowledged by the child, " << resumed
                     << " uploads resumed (" << resumedPartway << " partway)");
    CHECK(resumed >= kRounds / 4);
    CHECK(resumedPartway >= 1);
    CHECK(roundsAfterCommit == kRounds / 4);
    CHECK(confirmed.size() >= static_cast<std::size_t>(roundsAfterCommit));
    // Finally: everything listed is what was verified, and reads back once more.
    auto store = fx.open();
    const auto records = store.records(owner);
    REQUIRE(records);
    CHECK(records->size() == verified.size());
    for (const auto& record : *records) {
        checkRecord(store, record.recordId, owner, consultationFiles(record.recordId));
    }
    CHECK(store.pendingUploads()->empty());
}

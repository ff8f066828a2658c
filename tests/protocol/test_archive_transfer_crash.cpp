// kill -9 on both sides of the archive transfer, with real processes:
// - the console's upload queue (tc_archive_queue_child) killed mid-upload: a fresh queue on the
//   same journal resumes from what the service misses and commits exactly once;
// - the real telecabine-rendezvous killed mid-upload and started again on the same archive: no
//   partial record is listed, and the upload completes (the session is found in the durable event
//   log, the service's memory of it being gone);
// - the real telecabine-rendezvous started with the wrong archive key refuses to start, clearly.

#include "archive_process.hpp"
#include "archive_transfer_support.hpp"

#include <atomic>
#include <sstream>

using namespace tc;
using namespace tc::test;
using namespace tc::test::transfer;
using protocol::UploadProgress;

namespace {

struct Pems {
    std::filesystem::path ca;
    std::filesystem::path cert;
    std::filesystem::path key;
};

Pems writePems(const TempDir& dir, const std::string& name, const protocol::Credentials& own,
               const TestPki& pki) {
    return {dir.write("ca.pem", pki.ca.certificatePem()),
            dir.write(name + ".pem", own.certificatePem),
            dir.write(name + ".key", own.privateKeyPem)};
}

protocol::ArchiveClientConfig clientFor(std::uint16_t port, const TestPki& pki,
                                        const protocol::Credentials& own) {
    protocol::ArchiveClientConfig config;
    config.port = port;
    config.tls = {own, pki.ca.certificatePem()};
    return config;
}

// The last "<state> <record> <acknowledged> <total>" line's acknowledged count, 0 if none.
std::uint64_t acknowledgedIn(const std::string& out, const std::string& recordId) {
    std::istringstream lines(out);
    std::string line;
    std::uint64_t acknowledged = 0;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string state;
        std::string record;
        std::uint64_t acked = 0;
        if (words >> state >> record >> acked && state == "uploading" && record == recordId) {
            acknowledged = acked;
        }
    }
    return acknowledged;
}

// The real service binary on the given files.
class RendezvousProcess {
public:
    struct Files {
        Pems pems;
        std::filesystem::path eventLog;
        std::filesystem::path archive;
        std::filesystem::path archiveKey;
    };

    static std::vector<std::string> args(const Files& f, const std::filesystem::path& portFile) {
        auto command =
            transfer::serveCommand(TC_RENDEZVOUS_BINARY, f.pems.ca, f.pems.cert, f.pems.key);
        command.insert(command.end(),
                       {"--port-file", portFile.string(), "--event-log", f.eventLog.string(),
                        "--archive-dir", f.archive.string(), "--archive-key", f.archiveKey.string(),
                        "--archive-chunk-bytes", "16384"});
        return command;
    }

    RendezvousProcess(const Files& files, const std::filesystem::path& portFile)
        : process(args(files, portFile)) {
        const bool listening = waitUntil(
            [&] { return std::filesystem::exists(portFile) || process.wait(0ms) != -1; }, 15s);
        INFO("service stderr: " << process.err());
        REQUIRE(listening);
        REQUIRE(std::filesystem::exists(portFile));
        std::ifstream in(portFile);
        int bound = 0;
        in >> bound;
        REQUIRE(bound > 0);
        port = static_cast<std::uint16_t>(bound);
    }

    ChildProcess process;
    std::uint16_t port = 0;
};

} // namespace

TEST_CASE_METHOD(
    ArchiveServiceFixture,
    "archive crash: the console's upload queue killed with SIGKILL mid-upload resumes at the "
    "next start and commits exactly once",
    "[archive][transfer][crash]") {
    const auto [doctor, session, files] = claimWithDossier(21, 300);
    const auto pems = writePems(temp, "doctor", doctor, pki);
    const auto journal = temp.path() / "journal";
    const auto entry = journal / (session + ".upload");

    {
        ChildProcess child({TC_ARCHIVE_QUEUE_CHILD, journal.string(),
                            std::to_string(service.port()), pems.ca.string(), pems.cert.string(),
                            pems.key.string(), session, dossier.string()});
        const bool midway = child.waitFor(
            [&](const std::string& out) { return acknowledgedIn(out, session) >= 10; }, 60s);
        INFO("child stdout: " << child.out() << "\nstderr: " << child.err());
        REQUIRE(midway);
        child.kill(SIGKILL);
        CHECK(child.wait() == 128 + SIGKILL);
        CHECK(child.out().find("enqueued " + session) != std::string::npos);
        CHECK(child.out().find("done " + session) == std::string::npos);
    }
    REQUIRE(service.waitIdle());
    CHECK(std::filesystem::exists(entry)); // the journal kept the record
    const auto storedBefore = service.stats().archiveChunksStored;
    CHECK(storedBefore >= 10);
    Client reader(service, doctor);
    const auto before = reader.run(reader.client.records());
    REQUIRE(before);
    CHECK(before->empty());

    // The console's next start: a fresh queue on the same journal.
    protocol::IoThread io("queue");
    protocol::ArchiveUploadQueueConfig config;
    config.journalDirectory = journal;
    config.client = service.clientConfig(doctor);
    auto queue = protocol::ArchiveUploadQueue::open(io.executor(), config);
    REQUIRE(queue);
    const auto listed = (*queue)->snapshot();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].recordId == session);
    CHECK(listed[0].state == protocol::QueuedUploadState::waiting);
    (*queue)->start();
    const bool done = waitUntil(
        [&] { return (*queue)->snapshot().front().state == protocol::QueuedUploadState::done; },
        60s);
    const auto status = (*queue)->snapshot().front();
    (*queue)->stop();
    io.stop();
    INFO("state " << toString(status.state) << " "
                  << (status.lastError ? status.lastError->message() : std::string()));
    REQUIRE(done);
    CHECK_FALSE(std::filesystem::exists(entry)); // left the journal once committed
    const auto stats = service.stats();
    CHECK(stats.archiveCommits == 1);
    CHECK(stats.archiveChunksStored == status.progress.chunksTotal);
    CHECK(stats.archiveChunksAlreadyStored == 0);
    REQUIRE(status.record);
    CHECK(status.record->recordId == session);
    const auto after = reader.run(reader.client.records());
    REQUIRE(after);
    CHECK(after->size() == 1);
    const auto flac = reader.read(session, "stethoscope/mitral.flac");
    REQUIRE(flac);
    CHECK(*flac == files[2].content);
}

TEST_CASE("archive crash: telecabine-rendezvous killed with SIGKILL mid-upload lists no partial "
          "record after its restart, and the upload then completes",
          "[archive][transfer][crash]") {
    TestPki pki;
    TempDir temp;
    const RendezvousProcess::Files files{writePems(temp, "service", pki.service, pki),
                                         temp.path() / "events.sqlite", temp.path() / "archive",
                                         temp.path() / "archive.key"};
    const auto doctor = pki.doctor(22);
    auto first = std::make_unique<RendezvousProcess>(files, temp.path() / "port-1");
    std::string session;
    {
        SyncClient cabin(pki, pki.cabin(), first->port);
        SyncClient physician(pki, doctor, first->port);
        session = claimVisit(cabin, physician, "V-22").doctor.sessionId;
    }
    const auto content = dossierFiles(session, 300);
    const auto dossier = temp.path() / "dossier";
    writeDossier(dossier, content);

    std::atomic<std::uint64_t> acknowledgedAtKill{0};
    {
        Client client(clientFor(first->port, pki, doctor));
        const auto pid = first->process.pid();
        const auto interrupted = client.upload(session, dossier, [&](const UploadProgress& p) {
            if (p.chunksAcknowledged >= 30 && acknowledgedAtKill == 0) {
                acknowledgedAtKill = p.chunksAcknowledged;
                ::kill(pid, SIGKILL);
            }
        });
        INFO(describe(interrupted));
        REQUIRE_FALSE(interrupted);
        CHECK(interrupted.error().httpStatus == 0);
        CHECK(interrupted.error().transient());
    }
    CHECK(first->process.wait() == 128 + SIGKILL);
    first.reset();

    RendezvousProcess second(files, temp.path() / "port-2");
    Client client(clientFor(second.port, pki, doctor));
    const auto listed = client.run(client.client.records());
    INFO(describe(listed));
    REQUIRE(listed);
    CHECK(listed->empty());
    // The service forgot the session when it died; its event log did not.
    const auto report = client.upload(session, dossier);
    INFO(describe(report) << "\nservice stderr: " << second.process.err());
    REQUIRE(report);
    CHECK(report->chunksSkipped >= acknowledgedAtKill.load());
    CHECK(report->chunksSkipped + report->chunksSent == report->chunksTotal);
    const auto after = client.run(client.client.records());
    REQUIRE(after);
    CHECK(after->size() == 1);
    for (const auto& file : content) {
        const auto read = client.read(session, file.name);
        INFO(file.name);
        REQUIRE(read);
        CHECK(*read == file.content);
    }
    second.process.kill(SIGTERM);
    CHECK(second.process.wait() == 0);
}

TEST_CASE("archive crash: telecabine-rendezvous refuses to start on the wrong archive key, an "
          "exposed key file, or half the archive options",
          "[archive][transfer][startup]") {
    TestPki pki;
    TempDir temp;
    RendezvousProcess::Files files{writePems(temp, "service", pki.service, pki),
                                   temp.path() / "events.sqlite", temp.path() / "archive",
                                   temp.path() / "archive.key"};
    {
        RendezvousProcess created(files, temp.path() / "port-1");
        created.process.kill(SIGTERM);
        CHECK(created.process.wait() == 0);
    }
    CHECK(std::filesystem::exists(files.archiveKey));
    const auto keyMode =
        std::filesystem::status(files.archiveKey).permissions() & std::filesystem::perms::all;
    CHECK((keyMode == (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)));

    SECTION("another key") {
        files.archiveKey = temp.path() / "other.key";
        REQUIRE(protocol::ArchiveKey::loadOrCreate(files.archiveKey));
        ChildProcess refused(RendezvousProcess::args(files, temp.path() / "port-2"));
        CHECK(refused.wait() == 1);
        INFO(refused.err());
        CHECK(refused.err().find("wrong_archive_key") != std::string::npos);
        CHECK(refused.err().find(files.archive.string()) != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(temp.path() / "port-2"));
    }
    SECTION("a key file others may read") {
        const auto exposed = temp.path() / "exposed.key";
        std::filesystem::copy_file(files.archiveKey, exposed);
        std::filesystem::permissions(exposed, std::filesystem::perms::others_read,
                                     std::filesystem::perm_options::add);
        files.archiveKey = exposed;
        ChildProcess refused(RendezvousProcess::args(files, temp.path() / "port-2"));
        CHECK(refused.wait() == 1);
        INFO(refused.err());
        CHECK(refused.err().find("key_file_exposed") != std::string::npos);
    }
    SECTION("an archive without its key") {
        auto args = RendezvousProcess::args(files, temp.path() / "port-2");
        args.resize(args.size() - 4); // drops --archive-key FILE --archive-chunk-bytes N
        ChildProcess refused(args);
        CHECK(refused.wait() == 2);
        CHECK(refused.err().find("--archive-dir and --archive-key go together") !=
              std::string::npos);
    }
}

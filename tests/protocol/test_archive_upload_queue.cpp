// The console's durable upload queue against a real service: the journal is written before
// enqueue() returns, a refused record is blocked and stays in the journal across a restart, a
// service that does not answer is retried with backoff until it does.

#include "archive_transfer_support.hpp"

#include <boost/asio/ip/tcp.hpp>

using namespace tc;
using namespace tc::test;
using namespace tc::test::transfer;
using protocol::QueuedUploadState;

namespace {

nlohmann::json journalEntry(const std::filesystem::path& journal, const std::string& recordId) {
    const auto bytes = archive::readWhole(journal / (recordId + ".upload"));
    return nlohmann::json::parse(bytes.begin(), bytes.end());
}

std::optional<protocol::QueuedUploadStatus> statusOf(const protocol::ArchiveUploadQueue& queue,
                                                     const std::string& recordId) {
    for (const auto& status : queue.snapshot()) {
        if (status.recordId == recordId) {
            return status;
        }
    }
    return std::nullopt;
}

bool waitState(const protocol::ArchiveUploadQueue& queue, const std::string& recordId,
               QueuedUploadState state, std::chrono::milliseconds limit = 30s) {
    return waitUntil(
        [&] {
            const auto status = statusOf(queue, recordId);
            return status && status->state == state;
        },
        limit);
}

} // namespace

TEST_CASE_METHOD(
    ArchiveServiceFixture,
    "upload queue: enqueue is durable before it returns; a refused record is blocked, kept "
    "in the journal across a restart, and sent again on retry",
    "[archive][queue]") {
    const auto [doctor, session, files] = claimWithDossier(30, 20);
    const auto journal = temp.path() / "journal";
    const std::string unknown = "S-000000000000000000000000";
    protocol::ArchiveUploadQueueConfig config;
    config.journalDirectory = journal;
    config.client = service.clientConfig(doctor);

    protocol::IoThread ui("ui");
    std::mutex mutex;
    std::vector<protocol::QueuedUploadStatus> heard;
    {
        protocol::IoThread io("queue");
        auto queue = protocol::ArchiveUploadQueue::open(io.executor(), config);
        REQUIRE(queue);
        (*queue)->setListener(ui.executor(), [&](const protocol::QueuedUploadStatus& status) {
            const std::lock_guard lock(mutex);
            heard.push_back(status);
        });
        CHECK(keyOf((*queue)->enqueue("../escape", dossier, {true, false})) == "invalid_record_id");
        REQUIRE((*queue)->enqueue(unknown, dossier, {true, false}));
        // On disk, owner-only, before anything was sent.
        const auto entry = journalEntry(journal, unknown);
        CHECK(entry["record_id"] == unknown);
        CHECK(entry["state"] == "pending");
        CHECK(entry["directory"] == std::filesystem::absolute(dossier).string());
        CHECK((std::filesystem::status(journal / (unknown + ".upload")).permissions() &
               std::filesystem::perms::all) ==
              (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
        REQUIRE((*queue)->enqueue(session, dossier, {true, false}));
        const auto waiting = (*queue)->snapshot();
        REQUIRE(waiting.size() == 2);
        CHECK(waiting[0].recordId == unknown); // oldest first
        CHECK(waiting[1].state == QueuedUploadState::waiting);

        (*queue)->start();
        REQUIRE(waitState(**queue, session, QueuedUploadState::done));
        REQUIRE(waitState(**queue, unknown, QueuedUploadState::blocked));
        const auto blocked = statusOf(**queue, unknown);
        REQUIRE(blocked->lastError);
        CHECK(protocol::archiveErrorKey(blocked->lastError->code) == "unknown_session");
        CHECK(blocked->lastError->httpStatus == 403);
        CHECK_FALSE(std::filesystem::exists(journal / (session + ".upload")));
        CHECK(journalEntry(journal, unknown)["state"] == "blocked");
        CHECK(journalEntry(journal, unknown)["error"] == "unknown_session");
        (*queue)->stop();
        io.stop();
    }
    ui.stop();
    {
        const std::lock_guard lock(mutex);
        const auto uploading = std::find_if(heard.begin(), heard.end(), [&](const auto& s) {
            return s.recordId == session && s.state == QueuedUploadState::uploading &&
                   s.progress.chunksAcknowledged > 0;
        });
        CHECK(uploading != heard.end());
        CHECK(std::any_of(heard.begin(), heard.end(), [&](const auto& s) {
            return s.recordId == session && s.state == QueuedUploadState::done && s.record;
        }));
    }

    // The next start: the blocked record is listed, still blocked, and not sent by itself.
    protocol::IoThread io("queue-2");
    auto queue = protocol::ArchiveUploadQueue::open(io.executor(), config);
    REQUIRE(queue);
    const auto listed = (*queue)->snapshot();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].state == QueuedUploadState::blocked);
    REQUIRE(listed[0].lastError);
    CHECK(protocol::archiveErrorKey(listed[0].lastError->code) == "unknown_session");
    const auto requestsBefore = service.stats().archiveRequests;
    (*queue)->start();
    (*queue)->retry(unknown);
    REQUIRE(waitUntil([&] {
        const auto status = statusOf(**queue, unknown);
        return status && status->attempts == 1 && status->state == QueuedUploadState::blocked;
    }));
    CHECK(service.stats().archiveRequests > requestsBefore);
    (*queue)->stop();
    io.stop();
}

TEST_CASE("upload queue: a service that does not answer is retried with backoff until it does",
          "[archive][queue]") {
    TestPki pki;
    TempDir temp;
    const auto doctor = pki.doctor(31);
    ServiceOptions options;
    options.eventLog = (temp.path() / "events.sqlite").string();
    std::string session;
    {
        ArchiveService first(pki, temp.path() / "archive", options);
        options.port = first.port();
        session = first.claimSession(doctor, "V-31");
    }
    const auto dossier = temp.path() / "dossier";
    const auto files = dossierFiles(session, 20);
    writeDossier(dossier, files);
    protocol::ArchiveUploadQueueConfig config;
    config.journalDirectory = temp.path() / "journal";
    config.client.port = options.port;
    config.client.tls = {doctor, pki.ca.certificatePem()};
    config.initialRetry = 20ms;
    config.maxRetry = 200ms;
    protocol::IoThread io("queue");
    auto queue = protocol::ArchiveUploadQueue::open(io.executor(), config);
    REQUIRE(queue);
    REQUIRE((*queue)->enqueue(session, dossier, {true, true}));
    (*queue)->start();
    REQUIRE(waitUntil([&] {
        const auto status = statusOf(**queue, session);
        return status && status->state == QueuedUploadState::retrying && status->attempts >= 3;
    }));
    const auto retrying = statusOf(**queue, session);
    REQUIRE(retrying->lastError);
    CHECK(retrying->lastError->transient());
    CHECK(retrying->lastError->httpStatus == 0);

    ArchiveService second(pki, temp.path() / "archive", options); // back, on the same port
    REQUIRE(waitState(**queue, session, QueuedUploadState::done));
    (*queue)->stop();
    io.stop();
    Client reader(second, doctor);
    const auto read = reader.read(session, "report.pdf");
    REQUIRE(read);
    CHECK(*read == files[0].content);
}

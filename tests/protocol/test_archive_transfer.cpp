// The archive over HTTPS on the rendezvous port: a real service with an archive, real TLS on
// loopback with certificates made at test time, the real ArchiveClient. Uploads read back
// bit-exact, an interrupted upload resumes with only the missing chunks, and the policy holds
// against every other role of the same CA.

#include "archive_transfer_support.hpp"

#include <atomic>

using namespace tc;
using namespace tc::test;
using namespace tc::test::transfer;
using protocol::UploadProgress;

namespace {

std::uint64_t chunkEntries(const std::vector<TestFile>& files, std::uint32_t chunkBytes) {
    std::uint64_t entries = 0;
    for (const auto& file : files) {
        entries += (file.content.size() + chunkBytes - 1) / chunkBytes;
    }
    return entries;
}

std::uint64_t plainBytes(const std::vector<TestFile>& files) {
    std::uint64_t bytes = 0;
    for (const auto& file : files) {
        bytes += file.content.size();
    }
    return bytes;
}

} // namespace

TEST_CASE_METHOD(
    ArchiveServiceFixture,
    "archive transfer: a dossier uploaded over HTTPS reads back bit-exact, is listed once, "
    "and a second upload sends nothing",
    "[archive][transfer]") {
    const auto [doctor, session, files] = claimWithDossier(1, 80);

    Client client(service, doctor);
    std::vector<UploadProgress> seen;
    const auto report =
        client.upload(session, dossier, [&](const UploadProgress& p) { seen.push_back(p); });
    INFO(describe(report));
    REQUIRE(report);
    // The still's copy shares its chunks: fewer distinct chunks than chunk entries.
    CHECK(report->chunksTotal < chunkEntries(files, 16 * 1024));
    CHECK(report->chunksSent == report->chunksTotal);
    CHECK(report->chunksSkipped == 0);
    CHECK_FALSE(report->alreadyCommitted);
    CHECK(report->record.recordId == session);
    CHECK(report->record.ownerRpps ==
          protocol::identityFromCertificatePem(doctor.certificatePem)->identifier);
    CHECK(report->record.fileCount == files.size());
    CHECK(report->record.plainBytes == plainBytes(files));
    REQUIRE_FALSE(seen.empty());
    for (std::size_t i = 1; i < seen.size(); ++i) {
        CHECK(seen[i].bytesAcknowledged >= seen[i - 1].bytesAcknowledged);
    }
    CHECK(seen.back().bytesAcknowledged == seen.back().bytesTotal);
    CHECK(seen.back().chunksAcknowledged == report->chunksTotal);

    const auto records = client.run(client.client.records());
    REQUIRE(records);
    REQUIRE(records->size() == 1);
    CHECK(records->front().recordId == session);

    const auto listed = client.run(client.client.files(session));
    REQUIRE(listed);
    REQUIRE(listed->size() == files.size());
    for (const auto& file : files) {
        const auto content = client.read(session, file.name);
        INFO(file.name << ": " << describe(content));
        REQUIRE(content);
        CHECK(*content == file.content);
    }

    const auto again = client.upload(session, dossier);
    REQUIRE(again);
    CHECK(again->alreadyCommitted);
    CHECK(again->chunksSent == 0);
    const auto stats = service.stats();
    CHECK(stats.archiveCommits == 1);
    CHECK(stats.archiveChunksStored == report->chunksTotal);
    CHECK(stats.archiveChunksAlreadyStored == 0);
}

TEST_CASE("archive transfer: the client's manifest of a directory is describeFile's of each file",
          "[archive][transfer]") {
    TempDir temp;
    const auto files = dossierFiles("S-manifest", 20);
    writeDossier(temp.path(), files);
    const auto source = protocol::uploadSourceFromDirectory("S-manifest", temp.path(), {});
    REQUIRE(source);
    const auto manifest = protocol::describeSource(*source, 4096);
    REQUIRE(manifest);
    auto sorted = files;
    std::sort(sorted.begin(), sorted.end(),
              [](const TestFile& a, const TestFile& b) { return a.name < b.name; });
    REQUIRE(manifest->files.size() == sorted.size());
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        CHECK(manifest->files[i] ==
              protocol::describeFile(sorted[i].name, sorted[i].content, 4096));
    }
    // A symbolic link is not archived silently.
    std::filesystem::create_symlink(temp.path() / "report.pdf", temp.path() / "link.pdf");
    const auto refused = protocol::uploadSourceFromDirectory("S-manifest", temp.path(), {});
    CHECK(keyOf(refused) == "source_unreadable");
}

TEST_CASE_METHOD(
    ArchiveServiceFixture,
    "archive transfer: an interrupted upload resumes and sends only the chunks the service "
    "still misses",
    "[archive][transfer]") {
    const auto [doctor, session, files] = claimWithDossier(2, 200);

    {
        Client first(service, doctor);
        std::atomic<bool> stopped{false};
        const auto interrupted = first.upload(session, dossier, [&](const UploadProgress& p) {
            if (p.chunksAcknowledged >= 20 && !stopped.exchange(true)) {
                first.client.stop(); // the console closed mid-upload
            }
        });
        CHECK(keyOf(interrupted) == "cancelled");
    }
    // What the service stored of the chunks that were in flight is settled before it is counted.
    REQUIRE(service.waitIdle());
    const auto storedBefore = service.stats().archiveChunksStored;
    CHECK(storedBefore >= 20);

    Client second(service, doctor);
    const auto listed = second.run(second.client.records());
    REQUIRE(listed);
    CHECK(listed->empty()); // a pending upload is listed nowhere
    const auto report = second.upload(session, dossier);
    INFO(describe(report));
    REQUIRE(report);
    CHECK(storedBefore < report->chunksTotal);
    CHECK(report->chunksSkipped == storedBefore);
    CHECK(report->chunksSent == report->chunksTotal - storedBefore);
    const auto stats = service.stats();
    CHECK(stats.archiveChunksStored == report->chunksTotal); // each chunk sent and stored once
    CHECK(stats.archiveChunksAlreadyStored == 0);
    CHECK(stats.archiveCommits == 1);
    const auto flac = second.read(session, "stethoscope/mitral.flac");
    REQUIRE(flac);
    CHECK(*flac == files[2].content);
}

TEST_CASE_METHOD(
    ArchiveServiceFixture,
    "archive transfer: only the owner doctor reads a record; cabins, coordinators and the "
    "service are refused uploads and reads; another doctor cannot touch an upload",
    "[archive][transfer][policy]") {
    const auto owner = pki.doctor(3);
    const auto session = service.claimSession(owner, "V-3");
    const auto pendingSession = service.claimSession(owner, "V-4");
    const auto files = writeDossierOf(session, 4);
    Client ownerClient(service, owner);
    REQUIRE(ownerClient.upload(session, dossier));
    // A second upload of the owner, begun and not finished.
    auto source = protocol::uploadSourceFromDirectory(pendingSession, dossier, {true, false});
    REQUIRE(source);
    auto manifest = protocol::describeSource(*source, 16 * 1024);
    REQUIRE(manifest);
    const auto pending = ownerClient.run(ownerClient.client.begin(*manifest));
    REQUIRE(pending);
    REQUIRE_FALSE(pending->missing.empty());
    const auto chunk = archive::chunksOf(files, 16 * 1024).front();

    struct Stranger {
        std::string what;
        protocol::Credentials credentials;
        std::string uploadKey; // beginning an upload of the owner's session
        std::string listKey;   // listing records
        std::string chunkKey;  // a chunk or a commit for the owner's pending upload
    };
    const std::vector<Stranger> strangers{
        {"a cabin", pki.cabin("FR-STRANGER-01"), "forbidden_role", "forbidden_role",
         "forbidden_role"},
        {"a coordinator", pki.coordinator(), "forbidden_role", "forbidden_role", "forbidden_role"},
        {"another doctor", pki.doctor(4), "unknown_session", "ok", "not_permitted"},
        {"the service's certificate", pki.service, "forbidden_role", "forbidden_role",
         "forbidden_role"},
    };
    for (const auto& stranger : strangers) {
        INFO(stranger.what);
        Client client(service, stranger.credentials);
        CHECK(keyOf(client.upload(session, dossier)) == stranger.uploadKey);
        const auto records = client.run(client.client.records());
        CHECK(keyOf(records) == stranger.listKey);
        if (records) {
            CHECK(records->empty());
        }
        const auto listing = client.run(client.client.files(session));
        CHECK(keyOf(listing) == "not_permitted");
        CHECK(listing.error().httpStatus == 403);
        CHECK(keyOf(client.read(session, "report.pdf")) == "not_permitted");
        CHECK(keyOf(client.run(client.client.putChunk(pendingSession, chunk.first,
                                                      chunk.second))) == stranger.chunkKey);
        CHECK(keyOf(client.run(client.client.commit(pendingSession))) == stranger.chunkKey);
    }
    // Nothing the strangers did reached the owner's upload.
    const auto still = ownerClient.run(ownerClient.client.begin(*manifest));
    REQUIRE(still);
    CHECK(still->missing.size() == pending->missing.size());
    CHECK(service.stats().archiveCommits == 1);
}

TEST_CASE_METHOD(ArchiveServiceFixture,
                 "archive transfer: a doctor uploads only for a session they had",
                 "[archive][transfer][policy]") {
    const auto doctor = pki.doctor(5);
    const auto colleague = pki.doctor(6);
    const auto colleagueSession = service.claimSession(colleague, "V-5");
    writeDossierOf("S-none", 2);
    Client client(service, doctor);
    for (const auto& id : {std::string("S-000000000000000000000000"), colleagueSession}) {
        INFO("session " << id);
        const auto refused = client.upload(id, dossier);
        CHECK(keyOf(refused) == "unknown_session");
        CHECK(refused.error().httpStatus == 403);
        CHECK_FALSE(refused.error().transient());
    }
    CHECK(service.store->pendingUploads()->empty());
}

TEST_CASE_METHOD(
    ArchiveServiceFixture,
    "archive transfer: a chunk is refused when its body does not hash to its URL, when it is "
    "larger than the limit, or not in the manifest; an early commit says how many are missing",
    "[archive][transfer]") {
    const auto [doctor, session, files] = claimWithDossier(7, 10);
    Client client(service, doctor);
    auto source = protocol::uploadSourceFromDirectory(session, dossier, {true, true});
    REQUIRE(source);
    const auto manifest = protocol::describeSource(*source, 16 * 1024);
    REQUIRE(manifest);
    const auto state = client.run(client.client.begin(*manifest));
    REQUIRE(state);
    const auto chunks = archive::chunksOf(files, 16 * 1024);
    REQUIRE(chunks.size() > 2);

    const auto swapped =
        client.run(client.client.putChunk(session, chunks[0].first, chunks[1].second));
    CHECK(keyOf(swapped) == "hash_mismatch");
    CHECK(swapped.error().httpStatus == 400);

    const Bytes large(32 * 1024, 0x5a);
    const auto oversized =
        client.run(client.client.putChunk(session, protocol::sha256Of(large), large));
    CHECK(keyOf(oversized) == "chunk_too_large");
    CHECK(oversized.error().httpStatus == 413);

    const Bytes stranger(100, 0x42);
    const auto unlisted =
        client.run(client.client.putChunk(session, protocol::sha256Of(stranger), stranger));
    CHECK(keyOf(unlisted) == "chunk_not_in_manifest");

    const auto stored =
        client.run(client.client.putChunk(session, chunks[0].first, chunks[0].second));
    REQUIRE(stored);
    CHECK_FALSE(stored->alreadyStored);
    const auto twice =
        client.run(client.client.putChunk(session, chunks[0].first, chunks[0].second));
    REQUIRE(twice);
    CHECK(twice->alreadyStored); // idempotent

    const auto early = client.run(client.client.commit(session));
    CHECK(keyOf(early) == "chunks_missing");
    CHECK(early.error().httpStatus == 409);
    CHECK(early.error().missingChunks == state->missing.size() - 1);
    // The client then finishes the upload: the connection survived the refusals.
    REQUIRE(client.upload(session, dossier));
}

// Regression: the first request's header was read with Beast's default body limit (1 MiB), so a
// manifest over a megabyte dropped the connection before the route could judge it.
TEST_CASE_METHOD(ArchiveServiceFixture,
                 "archive transfer: a manifest over a megabyte (15,000 chunk entries) is taken",
                 "[archive][transfer]") {
    const auto doctor = pki.doctor(11);
    const auto session = service.claimSession(doctor, "V-11");
    const Bytes content(15'000, 'a');
    auto manifest = archive::manifestFor(session, {}, {{"long.txt", content}}, 1);
    REQUIRE(protocol::manifestBodyToJson(manifest).dump().size() > 1024 * 1024);
    Client client(service, doctor);
    const auto state = client.run(client.client.begin(manifest));
    INFO(describe(state));
    REQUIRE(state);
    REQUIRE(state->missing.size() == 1);
    REQUIRE(client.run(client.client.putChunk(session, state->missing[0], Bytes{'a'})));
    REQUIRE(client.run(client.client.commit(session)));
    const auto read = client.read(session, "long.txt");
    REQUIRE(read);
    CHECK(*read == content);
}

// Regression: the client read an answer's header with Beast's default body limit (8 MB), so a
// recording longer than that could not be read back.
TEST_CASE_METHOD(ArchiveServiceFixture, "archive transfer: a file over 8 MB streams back whole",
                 "[archive][transfer]") {
    const auto doctor = pki.doctor(12);
    const auto session = service.claimSession(doctor, "V-12");
    std::mt19937_64 random(12);
    const auto block = archive::randomBytes(random, 16 * 1024);
    Bytes content;
    for (int i = 0; i < 600; ++i) { // 9.8 MB, one distinct chunk
        content.insert(content.end(), block.begin(), block.end());
    }
    const auto manifest = archive::manifestFor(session, {}, {{"long.flac", content}}, 16 * 1024);
    Client client(service, doctor);
    const auto state = client.run(client.client.begin(manifest));
    REQUIRE(state);
    REQUIRE(state->missing.size() == 1);
    REQUIRE(client.run(client.client.putChunk(session, state->missing[0], block)));
    REQUIRE(client.run(client.client.commit(session)));
    const auto read = client.read(session, "long.flac");
    INFO(describe(read));
    REQUIRE(read);
    CHECK(read->size() == content.size());
    CHECK(*read == content);
}

// The archive store's upload model: round trip, resume, idempotence, listings, access rule,
// concurrency. Real files in a temp directory.

#include "archive_test_support.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sqlite3.h>
#include <sys/stat.h>
#include <thread>

using namespace tc::protocol;
using namespace tc::test::archive;

namespace {

// Each object file's inode: an object written again (temp file, rename) gets a new one.
std::map<std::string, ino_t> objectInodes(const std::filesystem::path& directory) {
    std::map<std::string, ino_t> inodes;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(directory / "objects")) {
        struct stat info {};
        if (entry.is_regular_file() && ::stat(entry.path().c_str(), &info) == 0) {
            inodes[entry.path().filename().string()] = info.st_ino;
        }
    }
    return inodes;
}

} // namespace

TEST_CASE("archive: several multi-chunk files round-trip bit-exact", "[archive]") {
    ArchiveFixture fx;
    auto store = fx.open();
    const auto owner = doctorRpps(1);
    const auto files = consultationFiles("S-roundtrip", 2);
    const auto manifest = manifestFor("S-roundtrip", owner, files, kChunk, {true, true});
    std::size_t multiChunk = 0;
    for (const auto& file : manifest.files) {
        multiChunk += file.chunks.size() > 1 ? 1 : 0;
    }
    REQUIRE(multiChunk >= 3);

    auto state = store.beginUpload(manifest);
    REQUIRE(state);
    CHECK_FALSE(state->alreadyCommitted);
    CHECK(state->missing.size() == state->chunkCount);
    // Chunks in reverse order: the store does not care.
    auto missing = state->missing;
    std::reverse(missing.begin(), missing.end());
    CHECK(putMissing(store, "S-roundtrip", files, kChunk, missing) == missing.size());

    // Not visible before the commit: no listing, no reader.
    CHECK(store.records(owner)->empty());
    CHECK(keyOf(store.openRecord("S-roundtrip", {Role::doctor, owner})) == "unknown_record");
    REQUIRE(store.pendingUploads()->size() == 1);
    CHECK(store.pendingUploads()->front().chunksStored == state->chunkCount);

    const auto committed = store.commit("S-roundtrip");
    REQUIRE(committed);
    CHECK(committed->recordId == "S-roundtrip");
    CHECK(committed->ownerRpps == owner);
    CHECK(committed->fileCount == files.size());
    std::uint64_t plain = 0;
    for (const auto& f : files) {
        plain += f.content.size();
    }
    CHECK(committed->plainBytes == plain);
    CHECK(committed->storedBytes > plain); // nonce and tag per chunk
    CHECK(committed->consent == ConsentScopes{true, true});
    CHECK(committed->committedUnixMs >= committed->createdUnixMs);
    CHECK(store.pendingUploads()->empty());

    const auto listed = store.records(owner);
    REQUIRE(listed);
    REQUIRE(listed->size() == 1);
    CHECK(listed->front().recordId == "S-roundtrip");
    CHECK(listed->front().storedBytes == committed->storedBytes);
    CHECK(store.records(doctorRpps(2))->empty());
    checkRecord(store, "S-roundtrip", owner, files);

    const auto reader = store.openRecord("S-roundtrip", {Role::doctor, owner});
    REQUIRE(reader);
    CHECK(reader->files()[0].sha256 == sha256Of(files[0].content));
    CHECK(keyOf(reader->read("nope.pdf")) == "unknown_file");
    // Commit again: idempotent.
    CHECK(keyOf(store.commit("S-roundtrip")) == "ok");
}

TEST_CASE("archive: an upload resumes after the store is reopened", "[archive]") {
    ArchiveFixture fx;
    const auto owner = doctorRpps(3);
    const auto files = consultationFiles("S-resume");
    const auto manifest = manifestFor("S-resume", owner, files, kChunk);
    std::vector<Sha256Digest> all;
    {
        auto store = fx.open();
        auto state = store.beginUpload(manifest);
        REQUIRE(state);
        all = state->missing;
        REQUIRE(all.size() > 6);
        // Half of the chunks, then the "console" goes away and the store closes.
        const std::vector<Sha256Digest> half(all.begin(), all.begin() + all.size() / 2);
        REQUIRE(putMissing(store, "S-resume", files, kChunk, half) == half.size());
        const auto early = store.commit("S-resume");
        CHECK(keyOf(early) == "chunks_missing");
        CHECK(early.error().missingChunks == all.size() - half.size());
    }
    auto store = fx.open();
    const auto pending = store.pendingUploads();
    REQUIRE(pending);
    REQUIRE(pending->size() == 1);
    CHECK(store.pendingUploads(owner)->size() == 1);
    CHECK(store.pendingUploads(doctorRpps(4))->empty());
    CHECK(pending->front().recordId == "S-resume");
    CHECK(pending->front().ownerRpps == owner);
    CHECK(pending->front().chunkCount == all.size());
    CHECK(pending->front().chunksStored == all.size() / 2);

    auto resumed = store.beginUpload(manifest);
    REQUIRE(resumed);
    CHECK_FALSE(resumed->alreadyCommitted);
    CHECK(resumed->missing == std::vector<Sha256Digest>(all.begin() + all.size() / 2, all.end()));
    CHECK(putMissing(store, "S-resume", files, kChunk, resumed->missing) ==
          resumed->missing.size());
    REQUIRE(store.commit("S-resume"));
    checkRecord(store, "S-resume", owner, files);
}

TEST_CASE("archive: a chunk sent twice is stored once, a committed record uploaded again "
          "writes nothing",
          "[archive]") {
    ArchiveFixture fx;
    auto store = fx.open();
    const auto owner = doctorRpps(4);
    // A file made of one repeated block: its chunks share a hash.
    std::vector<TestFile> files = consultationFiles("S-idem");
    files.push_back({"silence.raw", Bytes(kChunk * 3, 0)});
    const auto manifest = manifestFor("S-idem", owner, files, kChunk);
    const auto chunks = chunksOf(files, kChunk);
    std::set<Sha256Digest> distinct;
    for (const auto& [sha, bytes] : chunks) {
        distinct.insert(sha);
    }
    REQUIRE(distinct.size() < chunks.size());

    auto state = store.beginUpload(manifest);
    REQUIRE(state);
    CHECK(state->chunkCount == distinct.size());
    CHECK(state->missing.size() == distinct.size());
    const auto objects = fx.directory / "objects";
    const auto first = store.putChunk("S-idem", chunks[0].first, chunks[0].second);
    REQUIRE(first);
    CHECK_FALSE(first->alreadyStored);
    CHECK(first->missing == distinct.size() - 1);
    const auto afterOne = countFiles(objects);
    CHECK(afterOne == 1);
    const auto again = store.putChunk("S-idem", chunks[0].first, chunks[0].second);
    REQUIRE(again);
    CHECK(again->alreadyStored);
    CHECK(again->missing == distinct.size() - 1);
    CHECK(countFiles(objects) == afterOne);

    // Every chunk, duplicates included.
    for (const auto& [sha, bytes] : chunks) {
        REQUIRE(store.putChunk("S-idem", sha, bytes));
    }
    CHECK(countFiles(objects) == distinct.size());
    REQUIRE(store.commit("S-idem"));
    const auto filesAfterCommit = countFiles(fx.directory);

    // The same record again: already committed, nothing missing, nothing written.
    const auto repeat = store.beginUpload(manifest);
    REQUIRE(repeat);
    CHECK(repeat->alreadyCommitted);
    CHECK(repeat->missing.empty());
    for (const auto& [sha, bytes] : chunks) {
        const auto receipt = store.putChunk("S-idem", sha, bytes);
        REQUIRE(receipt);
        CHECK(receipt->alreadyStored);
    }
    REQUIRE(store.commit("S-idem"));
    CHECK(countFiles(objects) == distinct.size());
    CHECK(countFiles(fx.directory) == filesAfterCommit);
    CHECK(store.records(owner)->size() == 1);
    checkRecord(store, "S-idem", owner, files);
}

TEST_CASE("archive: only the owner doctor may read a record", "[archive]") {
    ArchiveFixture fx;
    auto store = fx.open();
    const auto owner = doctorRpps(5);
    const auto files = consultationFiles("S-access");
    upload(store, manifestFor("S-access", owner, files, kChunk, {true, true}), files);

    CHECK(keyOf(store.openRecord("S-access", {Role::doctor, owner})) == "ok");
    CHECK(keyOf(store.openRecord("S-access", {Role::doctor, doctorRpps(6)})) == "not_permitted");
    CHECK(keyOf(store.openRecord("S-access", {Role::doctor, ""})) == "not_permitted");
    // Any other role, even with the owner's RPPS as its identifier.
    for (const auto role : {Role::cabin, Role::coordinator, Role::service}) {
        INFO("role " << toString(role));
        CHECK(keyOf(store.openRecord("S-access", {role, owner})) == "not_permitted");
        CHECK_FALSE(mayReadRecord({role, owner}, {.recordId = "S-access", .ownerRpps = owner}));
    }
    CHECK(keyOf(store.openRecord("S-unknown", {Role::doctor, owner})) == "unknown_record");
    // A pending upload is as invisible as no record.
    const auto pendingFiles = consultationFiles("S-pending");
    REQUIRE(store.beginUpload(manifestFor("S-pending", owner, pendingFiles, kChunk)));
    CHECK(keyOf(store.openRecord("S-pending", {Role::doctor, owner})) == "unknown_record");
    CHECK(store.records(owner)->size() == 1);
}

TEST_CASE("archive: records list per owner, oldest first, with no patient data", "[archive]") {
    ArchiveFixture fx;
    auto store = fx.open();
    const auto a = doctorRpps(7);
    const auto b = doctorRpps(8);
    for (const auto* id : {"S-a1", "S-a2"}) {
        const auto files = consultationFiles(id);
        upload(store, manifestFor(id, a, files, kChunk, {true, false}), files);
    }
    const auto files = consultationFiles("S-b1");
    upload(store, manifestFor("S-b1", b, files, kChunk, {false, true}), files);
    const auto listA = store.records(a);
    REQUIRE(listA);
    REQUIRE(listA->size() == 2);
    CHECK((*listA)[0].recordId == "S-a1");
    CHECK((*listA)[1].recordId == "S-a2");
    CHECK((*listA)[0].consent == ConsentScopes{true, false});
    const auto listB = store.records(b);
    REQUIRE(listB->size() == 1);
    CHECK(listB->front().consent == ConsentScopes{false, true});
    CHECK(store.records("00000000000")->empty());
}

TEST_CASE("archive: concurrent uploads and duplicate chunks from several threads", "[archive]") {
    ArchiveFixture fx;
    auto store = fx.open();
    const auto owner = doctorRpps(9);
    constexpr int kRecords = 4;
    std::vector<std::vector<TestFile>> files;
    for (int i = 0; i < kRecords; ++i) {
        const auto id = "S-par" + std::to_string(i);
        files.push_back(consultationFiles(id));
        REQUIRE(store.beginUpload(manifestFor(id, owner, files.back(), kChunk)));
    }
    // Two threads per record, sending the same chunks in opposite orders.
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int i = 0; i < kRecords; ++i) {
        for (const bool reversed : {false, true}) {
            threads.emplace_back([&, i, reversed] {
                auto chunks = chunksOf(files[static_cast<std::size_t>(i)], kChunk);
                if (reversed) {
                    std::reverse(chunks.begin(), chunks.end());
                }
                for (const auto& [sha, bytes] : chunks) {
                    if (!store.putChunk("S-par" + std::to_string(i), sha, bytes)) {
                        ++failures;
                    }
                }
            });
        }
    }
    for (auto& t : threads) {
        t.join();
    }
    CHECK(failures == 0);
    for (int i = 0; i < kRecords; ++i) {
        const auto id = "S-par" + std::to_string(i);
        REQUIRE(store.commit(id));
        checkRecord(store, id, owner, files[static_cast<std::size_t>(i)]);
    }
    CHECK(countFiles(fx.directory / "tmp") == 0);
}

TEST_CASE("archive: a second process (or handle) cannot open an archive in use", "[archive]") {
    ArchiveFixture fx;
    auto store = fx.open();
    const auto second = ArchiveStore::open(fx.directory, fx.key, smallLimits());
    CHECK(keyOf(second) == "store_in_use");
}

TEST_CASE("archive: an object written but never indexed (a crash in between) is reused",
          "[archive]") {
    ArchiveFixture fx;
    const auto owner = doctorRpps(10);
    const auto files = consultationFiles("S-orphan");
    const auto manifest = manifestFor("S-orphan", owner, files, kChunk);
    std::size_t objectCount = 0;
    std::map<std::string, ino_t> inodes;
    {
        auto store = fx.open();
        auto state = store.beginUpload(manifest);
        REQUIRE(state);
        putMissing(store, "S-orphan", files, kChunk, state->missing);
        objectCount = countFiles(fx.directory / "objects");
        CHECK(objectCount == state->chunkCount);
        inodes = objectInodes(fx.directory);
    }
    // As if the process had died after each object's rename, before its index update.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((fx.directory / "index.sqlite").c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "UPDATE chunks SET object_name = NULL, object_bytes = 0", nullptr,
                         nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);

    auto store = fx.open();
    auto state = store.beginUpload(manifest);
    REQUIRE(state);
    CHECK(state->missing.size() == state->chunkCount);
    CHECK(keyOf(store.commit("S-orphan")) == "chunks_missing");
    for (const auto& [sha, bytes] : chunksOf(files, kChunk)) {
        REQUIRE(store.putChunk("S-orphan", sha, bytes));
    }
    CHECK(countFiles(fx.directory / "objects") == objectCount);
    CHECK(objectInodes(fx.directory) == inodes); // the same files, not written again
    REQUIRE(store.commit("S-orphan"));
    checkRecord(store, "S-orphan", owner, files);
}

TEST_CASE("archive: a file streams chunk by chunk, each verified", "[archive]") {
    ArchiveFixture fx;
    auto store = fx.open();
    const auto owner = doctorRpps(11);
    const auto files = consultationFiles("S-stream", 3);
    upload(store, manifestFor("S-stream", owner, files, kChunk), files);
    const auto reader = store.openRecord("S-stream", {Role::doctor, owner});
    REQUIRE(reader);
    const auto& flac = files[2];
    REQUIRE(flac.name == "stethoscope/mitral.flac");
    Bytes streamed;
    std::size_t pieces = 0;
    const auto done = reader->stream(flac.name, [&](std::span<const std::uint8_t> piece) {
        CHECK(piece.size() <= kChunk);
        streamed.insert(streamed.end(), piece.begin(), piece.end());
        ++pieces;
    });
    REQUIRE(done);
    CHECK(pieces == (flac.content.size() + kChunk - 1) / kChunk);
    CHECK(streamed == flac.content);
    CHECK(keyOf(reader->stream("missing", [](std::span<const std::uint8_t>) {})) == "unknown_file");
}

// The archive store's refusals: every limit, every bad input, conflicts. Each one is its own
// typed error, and a refused call changes nothing.

#include "archive_test_support.hpp"

using namespace tc::protocol;
using namespace tc::test::archive;

namespace {

// A small valid manifest: two files of a few chunks.
struct Small {
    std::string owner = doctorRpps(20);
    std::vector<TestFile> files{{"a.bin", Bytes(10000, 1)}, {"dir/b.txt", bytesOf("hello")}};
    UploadManifest manifest(const std::string& id = "S-small") const {
        return manifestFor(id, owner, files, kChunk);
    }
};

} // namespace

TEST_CASE("archive errors: the category names every code with a stable key", "[archive]") {
    CHECK(std::string(archiveCategory().name()) == "tc.archive");
    CHECK(wireName(ArchiveErrc::wrongArchiveKey) == "wrong_archive_key");
    CHECK(archiveErrcFromWireName("chunks_missing") == ArchiveErrc::chunksMissing);
    CHECK(make_error_code(ArchiveErrc::corrupt).message().find("verification") !=
          std::string::npos);
    for (int value = static_cast<int>(ArchiveErrc::keyFileMissing);
         value <= static_cast<int>(ArchiveErrc::corrupt); ++value) {
        const auto key = wireName(static_cast<ArchiveErrc>(value));
        INFO("value " << value);
        CHECK(key != "unknown");
        CHECK(archiveErrcFromWireName(key) == static_cast<ArchiveErrc>(value));
    }
}

TEST_CASE("archive errors: bad record ids, owners and file names are refused", "[archive]") {
    ArchiveFixture fx;
    auto store = fx.open();
    const Small small;

    for (const auto& id : std::vector<std::string>{"", "-S", "_S", "S 1", "S/1", "S.1", "S\n",
                                                   std::string(65, 'a')}) {
        INFO("record id '" << id << "'");
        CHECK(keyOf(store.beginUpload(small.manifest(id))) == "invalid_record_id");
    }
    CHECK(keyOf(store.beginUpload(small.manifest(std::string(64, 'a')))) == "ok");

    auto wrongCheckDigit = small.owner;
    wrongCheckDigit.back() = wrongCheckDigit.back() == '9' ? '0' : wrongCheckDigit.back() + 1;
    for (const auto& owner : std::vector<std::string>{"", "1234567890", "123456789012",
                                                      "1010123451a", wrongCheckDigit}) {
        INFO("owner '" << owner << "'");
        auto manifest = small.manifest();
        manifest.ownerRpps = owner;
        CHECK(keyOf(store.beginUpload(manifest)) == "invalid_owner");
    }

    for (const std::string_view name :
         {"", "/abs", "a/../b", "..", ".", "./a", "a/.", "a//b", "a/", "sp ace", "caf\xc3\xa9",
          "a\\b", "a:b", "a\nb", "x/../../etc/passwd"}) {
        INFO("name '" << name << "'");
        auto manifest = small.manifest();
        manifest.files[0].name = std::string(name);
        CHECK(keyOf(store.beginUpload(manifest)) == "invalid_file_name");
    }
    {
        auto manifest = small.manifest();
        manifest.files[1].name = "a.bin";
        CHECK(keyOf(store.beginUpload(manifest)) == "duplicate_file_name");
        manifest.files[1].name = "a.bin/c";
        CHECK(keyOf(store.beginUpload(manifest)) == "invalid_file_name"); // file and directory
        manifest.files[1].name = "..a.bin-_/C.9";                         // odd but valid
        CHECK(keyOf(store.beginUpload(manifest)) == "ok");
    }
    CHECK(store.pendingUploads()->size() == 2); // the two "ok" above, nothing else
}

TEST_CASE("archive errors: inconsistent manifests are refused", "[archive]") {
    ArchiveFixture fx;
    auto store = fx.open();
    const Small small;
    {
        auto manifest = small.manifest();
        manifest.files.clear();
        CHECK(keyOf(store.beginUpload(manifest)) == "invalid_manifest");
    }
    {
        auto manifest = small.manifest();
        manifest.files[0].size += 1; // chunks do not add up
        CHECK(keyOf(store.beginUpload(manifest)) == "invalid_manifest");
    }
    {
        auto manifest = small.manifest();
        manifest.files[0].chunks.push_back({sha256Of({}), 0}); // empty chunk
        CHECK(keyOf(store.beginUpload(manifest)) == "invalid_manifest");
    }
    {
        auto manifest = small.manifest();
        manifest.files[1].chunks[0].sha256 = manifest.files[0].chunks[0].sha256; // 2 sizes
        CHECK(keyOf(store.beginUpload(manifest)) == "invalid_manifest");
    }
    {
        auto manifest = small.manifest();
        manifest.files.push_back({"empty", 0, sha256Of(bytesOf("x")), {}});
        CHECK(keyOf(store.beginUpload(manifest)) == "invalid_manifest");
        manifest.files.back().sha256 = sha256Of({});
        CHECK(keyOf(store.beginUpload(manifest)) == "ok"); // an empty file is fine
    }
}

TEST_CASE("archive errors: each limit is its own error", "[archive]") {
    ArchiveFixture fx;
    ArchiveLimits limits = smallLimits();
    limits.maxFilesPerRecord = 3;
    limits.maxChunksPerRecord = 10;
    limits.maxRecordBytes = 30000;
    limits.ownerQuotaBytes = 50000;
    limits.maxNameLength = 16;
    auto store = fx.open(limits);
    const auto owner = doctorRpps(21);

    SECTION("chunk size") {
        std::vector<TestFile> files{{"a", Bytes(kChunk + 1, 7)}};
        CHECK(keyOf(store.beginUpload(manifestFor("S-1", owner, files, kChunk + 1))) ==
              "chunk_too_large");
        // And on the wire: bytes over the limit are refused before anything else.
        files[0].content.resize(kChunk);
        REQUIRE(store.beginUpload(manifestFor("S-1", owner, files, kChunk)));
        const Bytes big(kChunk + 1, 7);
        CHECK(keyOf(store.putChunk("S-1", sha256Of(big), big)) == "chunk_too_large");
    }
    SECTION("files") {
        std::vector<TestFile> files{{"a", bytesOf("1")}, {"b", bytesOf("2")}, {"c", bytesOf("3")}};
        CHECK(keyOf(store.beginUpload(manifestFor("S-2", owner, files, kChunk))) == "ok");
        files.push_back({"d", bytesOf("4")});
        CHECK(keyOf(store.beginUpload(manifestFor("S-3", owner, files, kChunk))) ==
              "too_many_files");
    }
    SECTION("chunks") {
        std::vector<TestFile> files{{"a", Bytes(11 * 100, 1)}};
        CHECK(keyOf(store.beginUpload(manifestFor("S-4", owner, files, 100))) == "too_many_chunks");
        CHECK(keyOf(store.beginUpload(manifestFor("S-4", owner, files, 110))) == "ok");
    }
    SECTION("record size") {
        std::vector<TestFile> files{{"a", Bytes(30001, 1)}};
        CHECK(keyOf(store.beginUpload(manifestFor("S-5", owner, files, kChunk))) ==
              "record_too_large");
        files[0].content.resize(30000);
        CHECK(keyOf(store.beginUpload(manifestFor("S-5", owner, files, kChunk))) == "ok");
    }
    SECTION("owner quota, pending uploads included, per owner") {
        const std::vector<TestFile> files{{"a", Bytes(25000, 1)}};
        REQUIRE(store.beginUpload(manifestFor("S-6", owner, files, kChunk)));
        REQUIRE(store.beginUpload(manifestFor("S-7", owner, files, kChunk)));
        CHECK(keyOf(store.beginUpload(manifestFor("S-8", owner, files, kChunk))) ==
              "quota_exceeded");
        // Resuming what is already counted is not refused, and another owner has their own.
        CHECK(keyOf(store.beginUpload(manifestFor("S-7", owner, files, kChunk))) == "ok");
        CHECK(keyOf(store.beginUpload(manifestFor("S-8", doctorRpps(22), files, kChunk))) == "ok");
    }
    SECTION("name length") {
        std::vector<TestFile> files{{std::string(16, 'n'), bytesOf("x")}};
        CHECK(keyOf(store.beginUpload(manifestFor("S-9", owner, files, kChunk))) == "ok");
        files[0].name += "n";
        CHECK(keyOf(store.beginUpload(manifestFor("S-10", owner, files, kChunk))) ==
              "name_too_long");
    }
}

TEST_CASE("archive errors: chunks that do not match, or belong to nothing", "[archive]") {
    ArchiveFixture fx;
    auto store = fx.open();
    const Small small;
    const auto chunks = chunksOf(small.files, kChunk);
    const auto objects = fx.directory / "objects";

    CHECK(keyOf(store.putChunk("S-small", chunks[0].first, chunks[0].second)) == "unknown_upload");
    CHECK(keyOf(store.commit("S-small")) == "unknown_upload");
    REQUIRE(store.beginUpload(small.manifest()));

    // Bytes that do not hash to the claimed SHA-256 (the claim is in the manifest).
    auto altered = chunks[0].second;
    altered[100] ^= 1;
    CHECK(keyOf(store.putChunk("S-small", chunks[0].first, altered)) == "hash_mismatch");
    // A chunk the manifest does not list (bytes and claim agree).
    const auto stranger = bytesOf("not in the manifest");
    CHECK(keyOf(store.putChunk("S-small", sha256Of(stranger), stranger)) ==
          "chunk_not_in_manifest");
    CHECK(countFiles(objects) == 0); // nothing was written for either

    // Commit with chunks missing: typed, with the count.
    REQUIRE(store.putChunk("S-small", chunks[0].first, chunks[0].second));
    // A stored chunk is acknowledged again only for the right bytes.
    CHECK(keyOf(store.putChunk("S-small", chunks[0].first, altered)) == "hash_mismatch");
    const auto early = store.commit("S-small");
    CHECK(keyOf(early) == "chunks_missing");
    // a.bin is 10000 bytes of 1: its first two chunks are one; b.txt is one more.
    REQUIRE(chunks.size() == 4);
    CHECK(early.error().missingChunks == 2);
    CHECK(early.error().detail == "2 of 3 chunks missing");
    CHECK(store.records(small.owner)->empty());
}

TEST_CASE("archive errors: a file whose chunks do not hash to its SHA-256 is not committed",
          "[archive]") {
    ArchiveFixture fx;
    auto store = fx.open();
    const Small small;
    auto manifest = small.manifest();
    manifest.files[0].sha256 = sha256Of(bytesOf("something else"));
    auto state = store.beginUpload(manifest);
    REQUIRE(state);
    putMissing(store, "S-small", small.files, kChunk, state->missing);
    const auto committed = store.commit("S-small");
    CHECK(keyOf(committed) == "file_hash_mismatch");
    CHECK(committed.error().detail.find("a.bin") != std::string::npos);
    CHECK(store.records(small.owner)->empty());
    // The console corrects its manifest: the pending upload is replaced, and the chunks it has
    // sent are found again (same bytes, new key: sent again, then committed).
    auto corrected = store.beginUpload(small.manifest());
    REQUIRE(corrected);
    CHECK(corrected->missing.size() == corrected->chunkCount);
    putMissing(store, "S-small", small.files, kChunk, corrected->missing);
    REQUIRE(store.commit("S-small"));
    checkRecord(store, "S-small", small.owner, small.files);
}

TEST_CASE("archive errors: another manifest for a record id is a conflict, or a restart",
          "[archive]") {
    ArchiveFixture fx;
    auto store = fx.open();
    const Small small;
    auto other = small.manifest();
    other.files[1].name = "dir/c.txt";

    // Pending, another owner: conflict; the same owner: the upload restarts.
    REQUIRE(store.beginUpload(small.manifest()));
    auto stolen = other;
    stolen.ownerRpps = doctorRpps(23);
    CHECK(keyOf(store.beginUpload(stolen)) == "manifest_conflict");
    const auto chunks = chunksOf(small.files, kChunk);
    REQUIRE(store.putChunk("S-small", chunks[0].first, chunks[0].second));
    const auto restarted = store.beginUpload(other);
    REQUIRE(restarted);
    CHECK(restarted->missing.size() == restarted->chunkCount);
    CHECK(store.pendingUploads()->size() == 1);

    // Committed: any other manifest (files, consent, owner) is a conflict.
    putMissing(store, "S-small", small.files, kChunk, restarted->missing);
    REQUIRE(store.commit("S-small"));
    CHECK(keyOf(store.beginUpload(small.manifest())) == "manifest_conflict");
    auto consent = other;
    consent.consent.qualityReview = true;
    CHECK(keyOf(store.beginUpload(consent)) == "manifest_conflict");
    CHECK(keyOf(store.beginUpload(stolen)) == "manifest_conflict");
    const auto same = store.beginUpload(other);
    REQUIRE(same);
    CHECK(same->alreadyCommitted);
    // The committed record is untouched.
    std::vector<TestFile> otherFiles = small.files;
    otherFiles[1].name = "dir/c.txt";
    checkRecord(store, "S-small", small.owner, otherFiles);
}

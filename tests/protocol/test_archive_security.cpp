// The archive at rest: no plaintext anywhere on disk, the archive key and its file, damage
// detected on read (never wrong bytes), tampering with the index.

#include "archive_test_support.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <sqlite3.h>
#include <sys/stat.h>

using namespace tc::protocol;
using namespace tc::test::archive;
namespace fs = std::filesystem;

namespace {

struct Needle {
    std::string what;
    Bytes bytes;
};

bool contains(const Bytes& haystack, const Bytes& needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
           haystack.end();
}

// Every needle found in a regular file under `root`, as "file: what".
std::vector<std::string> findNeedles(const fs::path& root, const std::vector<Needle>& needles) {
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        const auto bytes = readWhole(entry.path());
        for (const auto& needle : needles) {
            if (contains(bytes, needle.bytes)) {
                found.push_back(entry.path().filename().string() + ": " + needle.what);
            }
        }
    }
    return found;
}

void addHash(std::vector<Needle>& needles, const std::string& what, const Sha256Digest& sha) {
    needles.push_back({what + " (binary)", Bytes(sha.begin(), sha.end())});
    auto hex = toHex(sha);
    needles.push_back({what + " (hex)", bytesOf(hex)});
    std::transform(hex.begin(), hex.end(), hex.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    needles.push_back({what + " (HEX)", bytesOf(hex)});
}

std::vector<Needle> needlesOf(const std::vector<TestFile>& files, const ArchiveKey& key) {
    std::vector<Needle> needles;
    needles.push_back({"patient name", bytesOf(kPatientName)});
    needles.push_back({"archive key", Bytes(key.bytes().begin(), key.bytes().end())});
    for (const auto& file : files) {
        needles.push_back({"name " + file.name, bytesOf(file.name)});
        addHash(needles, "sha256 of " + file.name, sha256Of(file.content));
        if (file.name.ends_with(".flac")) {
            // Runs of PCM samples from several places of the recording.
            for (std::size_t at = 4; at + 64 < file.content.size(); at += file.content.size() / 7) {
                needles.push_back(
                    {"PCM at " + std::to_string(at),
                     Bytes(file.content.begin() + static_cast<std::ptrdiff_t>(at),
                           file.content.begin() + static_cast<std::ptrdiff_t>(at + 32))});
            }
        }
    }
    for (const auto& [sha, bytes] : chunksOf(files, kChunk)) {
        addHash(needles, "chunk sha256", sha);
    }
    return needles;
}

fs::perms permsOf(const fs::path& path) {
    return fs::status(path).permissions() & fs::perms::all;
}

// Runs `sql` on the archive's index with the store closed.
void tamper(const fs::path& directory, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((directory / "index.sqlite").c_str(), &db) == SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    INFO((error != nullptr ? error : ""));
    sqlite3_free(error);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
}

// Flips one bit in the middle of the record's BLOB `column`, with the store closed.
void flipBlobBit(const fs::path& directory, const std::string& column) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((directory / "index.sqlite").c_str(), &db) == SQLITE_OK);
    Bytes blob;
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, ("SELECT " + column + " FROM records").c_str(), -1, &s, nullptr);
    if (s != nullptr && sqlite3_step(s) == SQLITE_ROW) {
        const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, 0));
        blob.assign(data, data + sqlite3_column_bytes(s, 0));
    }
    sqlite3_finalize(s);
    REQUIRE(blob.size() > 30);
    blob[blob.size() / 2] ^= 0x10;
    sqlite3_prepare_v2(db, ("UPDATE records SET " + column + " = ?").c_str(), -1, &s, nullptr);
    sqlite3_bind_blob(s, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    const int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_DONE);
}

std::vector<fs::path> objectFiles(const fs::path& directory) {
    std::vector<fs::path> objects;
    for (const auto& entry : fs::recursive_directory_iterator(directory / "objects")) {
        if (entry.is_regular_file()) {
            objects.push_back(entry.path());
        }
    }
    std::sort(objects.begin(), objects.end());
    return objects;
}

// An index that counts what the store asks of it, around the real SQLite one.
class CountingIndex final : public ArchiveIndex {
public:
    CountingIndex(std::unique_ptr<ArchiveIndex> inner, std::shared_ptr<std::atomic<int>> reads)
        : m_inner(std::move(inner))
        , m_reads(std::move(reads)) {}
    ArchiveResult<std::optional<Bytes>> keyCheck() override { return m_inner->keyCheck(); }
    ArchiveResult<void> setKeyCheck(const Bytes& v) override { return m_inner->setKeyCheck(v); }
    ArchiveResult<std::optional<IndexedRecord>> record(std::string_view id) override {
        ++*m_reads;
        return m_inner->record(id);
    }
    ArchiveResult<void> beginUpload(const IndexedRecord& r,
                                    const std::vector<KeyedChunkId>& c) override {
        ++*m_reads;
        return m_inner->beginUpload(r, c);
    }
    ArchiveResult<std::vector<IndexedChunk>> chunks(std::string_view id) override {
        ++*m_reads;
        return m_inner->chunks(id);
    }
    ArchiveResult<std::optional<IndexedChunk>> chunk(std::string_view id,
                                                     const KeyedChunkId& k) override {
        ++*m_reads;
        return m_inner->chunk(id, k);
    }
    ArchiveResult<bool> markStored(std::string_view id, const KeyedChunkId& k,
                                   std::string_view name, std::uint64_t size) override {
        ++*m_reads;
        return m_inner->markStored(id, k, name, size);
    }
    ArchiveResult<std::uint64_t> missingCount(std::string_view id) override {
        ++*m_reads;
        return m_inner->missingCount(id);
    }
    ArchiveResult<std::uint64_t> commit(std::string_view id, std::int64_t at) override {
        ++*m_reads;
        return m_inner->commit(id, at);
    }
    ArchiveResult<std::vector<IndexedRecord>> list(RecordState s,
                                                   std::optional<std::string_view> o) override {
        ++*m_reads;
        return m_inner->list(s, o);
    }
    ArchiveResult<std::uint64_t> ownerBytes(std::string_view o, std::string_view e) override {
        ++*m_reads;
        return m_inner->ownerBytes(o, e);
    }

private:
    std::unique_ptr<ArchiveIndex> m_inner;
    std::shared_ptr<std::atomic<int>> m_reads;
};

} // namespace

TEST_CASE("archive at rest: no plaintext in any file, SQLite database and WAL included",
          "[archive]") {
    ArchiveFixture fx;
    const auto owner = doctorRpps(30);
    const auto committedFiles = consultationFiles("S-secret-1");
    const auto pendingFiles = consultationFiles("S-secret-2");
    auto needles = needlesOf(committedFiles, fx.key);
    const auto more = needlesOf(pendingFiles, fx.key);
    needles.insert(needles.end(), more.begin(), more.end());

    // The scan finds what it looks for: the files in the clear are caught, and every needle
    // is caught in a file that holds them all.
    for (const auto& file : committedFiles) {
        fs::create_directories((fx.temp.path() / "clear" / file.name).parent_path());
        writeWhole(fx.temp.path() / "clear" / file.name, file.content);
    }
    CHECK(findNeedles(fx.temp.path() / "clear", needles).size() >= 10);
    Bytes all;
    for (const auto& needle : needles) {
        all.insert(all.end(), needle.bytes.begin(), needle.bytes.end());
    }
    fs::create_directories(fx.temp.path() / "all");
    writeWhole(fx.temp.path() / "all" / "needles", all);
    CHECK(findNeedles(fx.temp.path() / "all", needles).size() == needles.size());

    {
        auto store = fx.open();
        upload(store, manifestFor("S-secret-1", owner, committedFiles, kChunk), committedFiles);
        auto state = store.beginUpload(manifestFor("S-secret-2", owner, pendingFiles, kChunk));
        REQUIRE(state);
        const std::vector<Sha256Digest> half(state->missing.begin(),
                                             state->missing.begin() + state->missing.size() / 2);
        putMissing(store, "S-secret-2", pendingFiles, kChunk, half);
        checkRecord(store, "S-secret-1", owner, committedFiles);

        // While the store is open, the WAL holds the recent transactions.
        const auto wal = fx.directory / "index.sqlite-wal";
        REQUIRE(fs::exists(wal));
        CHECK(fs::file_size(wal) > 0);
        const auto found = findNeedles(fx.directory, needles);
        INFO("found: " << (found.empty() ? std::string() : found.front()));
        CHECK(found.empty());

        // Private: directories 0700, files 0600.
        CHECK(permsOf(fx.directory) == fs::perms::owner_all);
        CHECK(permsOf(fx.directory / "objects") == fs::perms::owner_all);
        for (const auto& entry : fs::recursive_directory_iterator(fx.directory)) {
            INFO(entry.path());
            if (entry.is_regular_file()) {
                CHECK((permsOf(entry.path()) & (fs::perms::group_all | fs::perms::others_all)) ==
                      fs::perms::none);
            }
        }
    }
    // Closed (the WAL checkpointed into the database): still nothing.
    CHECK(findNeedles(fx.directory, needles).empty());
    CHECK(countFiles(fx.directory / "tmp") == 0);
}

TEST_CASE("archive key: created once 0600, then loaded, with typed errors for bad files",
          "[archive]") {
    tc::test::TempDir temp;
    const auto path = temp.path() / "archive.key";
    CHECK(keyOf(ArchiveKey::load(path)) == "key_file_missing");
    const auto created = ArchiveKey::loadOrCreate(path);
    REQUIRE(created);
    CHECK(fs::file_size(path) == 32);
    CHECK(permsOf(path) == (fs::perms::owner_read | fs::perms::owner_write));
    const auto loaded = ArchiveKey::load(path);
    REQUIRE(loaded);
    CHECK(std::equal(loaded->bytes().begin(), loaded->bytes().end(), created->bytes().begin()));
    const auto again = ArchiveKey::loadOrCreate(path);
    REQUIRE(again);
    CHECK(std::equal(again->bytes().begin(), again->bytes().end(), created->bytes().begin()));
    CHECK(countFiles(temp.path()) == 1); // no temp file left

    const auto shortKey = temp.path() / "short.key";
    writeWhole(shortKey, Bytes(31, 1));
    fs::permissions(shortKey, fs::perms::owner_read | fs::perms::owner_write);
    CHECK(keyOf(ArchiveKey::load(shortKey)) == "key_file_wrong_size");
    CHECK(keyOf(ArchiveKey::loadOrCreate(shortKey)) == "key_file_wrong_size"); // not replaced
    const auto longKey = temp.path() / "long.key";
    writeWhole(longKey, Bytes(33, 1));
    fs::permissions(longKey, fs::perms::owner_read | fs::perms::owner_write);
    CHECK(keyOf(ArchiveKey::load(longKey)) == "key_file_wrong_size");
    CHECK(keyOf(ArchiveKey::load(temp.path() / "empty.key")) == "key_file_missing");

    fs::permissions(path, fs::perms::group_read, fs::perm_options::add);
    CHECK(keyOf(ArchiveKey::load(path)) == "key_file_exposed");
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    CHECK(keyOf(ArchiveKey::load(path)) == "ok");

    fs::create_directory(temp.path() / "a-directory");
    fs::permissions(temp.path() / "a-directory", fs::perms::owner_all);
    CHECK(keyOf(ArchiveKey::load(temp.path() / "a-directory")) == "key_file_unreadable");
    CHECK(keyOf(ArchiveKey::loadOrCreate(temp.path() / "no-such-dir" / "k")) ==
          "key_file_unwritable");
}

TEST_CASE("archive key: another key fails at once and reads nothing", "[archive]") {
    ArchiveFixture fx;
    const auto owner = doctorRpps(31);
    const auto files = consultationFiles("S-key");
    {
        auto store = fx.open();
        upload(store, manifestFor("S-key", owner, files, kChunk), files);
    }
    const auto otherKey = ArchiveKey::loadOrCreate(fx.temp.path() / "other.key");
    REQUIRE(otherKey);
    const auto reads = std::make_shared<std::atomic<int>>(0);
    auto index = SqliteArchiveIndex::open(fx.directory / "index.sqlite");
    REQUIRE(index);
    const auto wrong =
        ArchiveStore::open(fx.directory, *otherKey, smallLimits(),
                           std::make_unique<CountingIndex>(std::move(*index), reads));
    CHECK(keyOf(wrong) == "wrong_archive_key");
    CHECK(*reads == 0);

    // The right key, through the same kind of index: everything is there.
    index = SqliteArchiveIndex::open(fx.directory / "index.sqlite");
    REQUIRE(index);
    auto store = ArchiveStore::open(fx.directory, fx.key, smallLimits(),
                                    std::make_unique<CountingIndex>(std::move(*index), reads));
    REQUIRE(store);
    checkRecord(*store, "S-key", owner, files);
    CHECK(*reads > 0);
}

TEST_CASE("archive damage: a changed byte is a corrupt error, never wrong data", "[archive]") {
    ArchiveFixture fx;
    const auto owner = doctorRpps(32);
    const auto files = consultationFiles("S-damage");
    {
        auto store = fx.open();
        upload(store, manifestFor("S-damage", owner, files, kChunk), files);
    }
    const auto objects = objectFiles(fx.directory);
    REQUIRE(objects.size() > 5);
    // Each case damages a fresh copy of the archive.
    const auto pristine = fx.temp.path() / "pristine";
    fs::copy(fx.directory, pristine, fs::copy_options::recursive);
    const auto restore = [&] {
        fs::remove_all(fx.directory);
        fs::copy(pristine, fx.directory, fs::copy_options::recursive);
    };

    // Reads every file; returns how many failed as corrupt. Every success must be exact.
    const auto readAll = [&](ArchiveStore& store) {
        auto reader = store.openRecord("S-damage", {Role::doctor, owner});
        REQUIRE(reader);
        int corrupt = 0;
        for (const auto& file : files) {
            const auto content = reader->read(file.name);
            if (content) {
                CHECK(*content == file.content);
            } else {
                CHECK(keyOf(content) == "corrupt");
                ++corrupt;
            }
        }
        return corrupt;
    };

    {
        INFO("a bit flipped in each object in turn (nonce, ciphertext, tag)");
        auto store = fx.open();
        for (std::size_t i = 0; i < objects.size(); ++i) {
            const auto original = readWhole(objects[i]);
            auto damaged = original;
            const std::size_t at = i % 3 == 0   ? 0
                                   : i % 3 == 1 ? damaged.size() / 2
                                                : damaged.size() - 1;
            damaged[at] ^= 0x01;
            writeWhole(objects[i], damaged);
            INFO("object " << i << " byte " << at);
            CHECK(readAll(store) >= 1);
            writeWhole(objects[i], original);
        }
        CHECK(readAll(store) == 0);
    }
    {
        INFO("an object truncated, deleted, or replaced by another object of the record");
        auto store = fx.open();
        const auto original = readWhole(objects[0]);
        writeWhole(objects[0], Bytes(original.begin(), original.end() - 1));
        CHECK(readAll(store) >= 1);
        fs::remove(objects[0]);
        CHECK(readAll(store) >= 1);
        writeWhole(objects[0], readWhole(objects[1]));
        CHECK(readAll(store) >= 1);
        writeWhole(objects[0], original);
        CHECK(readAll(store) == 0);
    }
    {
        INFO("two chunks' objects swapped in the index");
        // Valid objects with the right names, under the wrong chunks: the AAD (record id and
        // chunk hash) catches it.
        tamper(fx.directory,
               "CREATE TEMP TABLE two AS SELECT keyed_id, object_name FROM chunks "
               "ORDER BY keyed_id LIMIT 2;"
               "UPDATE chunks SET object_name = (SELECT object_name FROM two WHERE "
               "two.keyed_id != chunks.keyed_id) WHERE keyed_id IN (SELECT keyed_id FROM two);");
        auto store = fx.open();
        CHECK(readAll(store) >= 1);
    }
    for (const auto* column : {"wrapped_key", "sealed_manifest"}) {
        INFO("a bit flipped in " << column << " in the index");
        restore();
        flipBlobBit(fx.directory, column);
        auto store = fx.open();
        CHECK(keyOf(store.openRecord("S-damage", {Role::doctor, owner})) == "corrupt");
    }
    {
        INFO("the owner changed in the index does not open the record to another doctor");
        restore();
        const auto thief = doctorRpps(33);
        tamper(fx.directory, "UPDATE records SET owner_rpps = '" + thief + "'");
        auto store = fx.open();
        // The manifest, sealed under the record's key, still names the real owner.
        CHECK(keyOf(store.openRecord("S-damage", {Role::doctor, thief})) == "corrupt");
        CHECK(keyOf(store.openRecord("S-damage", {Role::doctor, owner})) == "not_permitted");
    }
    restore();
    auto store = fx.open();
    CHECK(readAll(store) == 0);
}

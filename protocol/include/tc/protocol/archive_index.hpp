#pragma once
// The archive's index: which records exist, in which state, whose they are, and which of their
// chunks are stored in which object. ArchiveStore (archive_store.hpp) is its only caller and
// serialises every call, so an implementation need not be thread-safe. SqliteArchiveIndex is
// the one in the archive directory; a shared database (PostgreSQL) can replace it.
//
// The index holds no patient data and no plaintext hash: record ids, owner RPPS, consent
// scopes, times, sizes, states, keyed chunk ids (HMAC under the record's data key), object
// names (SHA-256 of ciphertext), the record's data key wrapped by the archive key and its
// manifest encrypted under the data key.

#include "tc/protocol/archive_errors.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

typedef struct sqlite3 sqlite3;

namespace tc::protocol {

using ArchiveBytes = std::vector<std::uint8_t>;
using Sha256Digest = std::array<std::uint8_t, 32>;
using KeyedChunkId = std::array<std::uint8_t, 32>; // HMAC-SHA256 of a chunk hash, data-keyed

// What the patient consented to, as recorded at upload. The store keeps them; the access rule
// (mayReadRecord, archive_store.hpp) will use them.
struct ConsentScopes {
    bool care = false;          // the owner doctor's follow-up care
    bool qualityReview = false; // review by the deployment's coordinators

    friend bool operator==(const ConsentScopes&, const ConsentScopes&) = default;
};

enum class RecordState { pending, committed };

// One row of the records table.
struct IndexedRecord {
    std::string recordId;
    std::string ownerRpps;
    RecordState state = RecordState::pending;
    ConsentScopes consent;
    std::int64_t createdUnixMs = 0;
    std::int64_t committedUnixMs = 0; // 0 while pending
    std::uint64_t fileCount = 0;
    std::uint64_t plainBytes = 0; // sum of the files' sizes
    // Read only (computed from the chunks): distinct chunks, those stored, their objects' size.
    std::uint64_t chunkCount = 0;
    std::uint64_t chunksStored = 0;
    std::uint64_t storedBytes = 0;
    ArchiveBytes wrappedKey; // the data key, AES-256-GCM under the archive key (not in listings)
    ArchiveBytes sealedManifest; // the manifest, AES-256-GCM under the data key (not in listings)
};

// One chunk of a record: its keyed id, and once stored the object that holds it.
struct IndexedChunk {
    KeyedChunkId keyedId{};
    std::string objectName; // empty while missing
    std::uint64_t objectBytes = 0;
};

class ArchiveIndex {
public:
    virtual ~ArchiveIndex() = default;

    // The key-check value the archive was created with, or nullopt for a new index.
    virtual ArchiveResult<std::optional<ArchiveBytes>> keyCheck() = 0;
    // Sets it; fails if one is set already.
    virtual ArchiveResult<void> setKeyCheck(const ArchiveBytes& value) = 0;

    // The record with this id, in any state.
    virtual ArchiveResult<std::optional<IndexedRecord>> record(std::string_view recordId) = 0;
    // In one transaction: replaces any pending record of this id and its chunks by `record`
    // (state pending) and its chunks (none stored). Fails if a committed record has this id.
    virtual ArchiveResult<void> beginUpload(const IndexedRecord& record,
                                            const std::vector<KeyedChunkId>& chunks) = 0;
    virtual ArchiveResult<std::vector<IndexedChunk>> chunks(std::string_view recordId) = 0;
    // One chunk of the record; nullopt if the record has no such chunk.
    virtual ArchiveResult<std::optional<IndexedChunk>> chunk(std::string_view recordId,
                                                             const KeyedChunkId& keyedId) = 0;
    // Records the chunk's object; false if the record has no such chunk.
    virtual ArchiveResult<bool> markStored(std::string_view recordId, const KeyedChunkId& keyedId,
                                           std::string_view objectName,
                                           std::uint64_t objectBytes) = 0;
    // How many of the record's chunks have no object yet.
    virtual ArchiveResult<std::uint64_t> missingCount(std::string_view recordId) = 0;
    // In one transaction: if the record is pending and none of its chunks is missing, it
    // becomes committed at `atUnixMs`. Returns the number of missing chunks (0: committed).
    virtual ArchiveResult<std::uint64_t> commit(std::string_view recordId,
                                                std::int64_t atUnixMs) = 0;
    // Records in `state` (all owners when `ownerRpps` is nullopt), oldest first, without
    // wrapped key and manifest.
    virtual ArchiveResult<std::vector<IndexedRecord>>
    list(RecordState state, std::optional<std::string_view> ownerRpps) = 0;
    // Sum of plainBytes of the owner's records in any state, except `exceptRecordId`.
    virtual ArchiveResult<std::uint64_t> ownerBytes(std::string_view ownerRpps,
                                                    std::string_view exceptRecordId) = 0;

    // Whether other processes (nodes of a cluster) use the same index and the same archive
    // directory at once: the store then shares the directory (archive_store.hpp).
    virtual bool sharedAcrossProcesses() const noexcept { return false; }

    // --- Media retention (ArchiveStore::purgeMedia). An index without them refuses retention
    // (indexFailure); the rest of the archive works without.

    // Committed records with committed time before `committedBeforeUnixMs` that retention has
    // not processed yet, oldest first.
    virtual ArchiveResult<std::vector<std::string>>
    purgeCandidates(std::int64_t committedBeforeUnixMs);
    // The record's purged files: manifest index -> when.
    virtual ArchiveResult<std::map<std::uint32_t, std::int64_t>>
    purgedFiles(std::string_view recordId);
    // In one transaction: the files (manifest indexes) marked purged at `atUnixMs`, the record
    // marked processed, and each chunk's object moved from the chunk to the purge queue (the
    // chunk keeps no object).
    virtual ArchiveResult<void> markPurged(std::string_view recordId,
                                           const std::vector<std::uint32_t>& fileIndexes,
                                           const std::vector<KeyedChunkId>& chunks,
                                           std::int64_t atUnixMs);
    // Objects whose removal is decided and not yet done.
    virtual ArchiveResult<std::vector<std::string>> purgeQueue();
    // Whether any chunk (of any record) still has this object.
    virtual ArchiveResult<bool> objectReferenced(std::string_view objectName);
    // The object is gone from disk: off the queue.
    virtual ArchiveResult<void> dequeuePurged(std::string_view objectName);
};

// The index in the cluster's PostgreSQL database (`url`: postgresql://...), shared by every
// node: tables archive_* (protocol/README.md, "Service nodes sharing PostgreSQL"). Connects and
// migrates the cluster schema before it returns; a connection lost later is opened again by
// the next call.
ArchiveResult<std::unique_ptr<ArchiveIndex>> openPostgresArchiveIndex(const std::string& url);

// The index in an SQLite database (WAL, synchronous=FULL; every multi-row change in one
// transaction). The file is created with mode 0600.
class SqliteArchiveIndex final : public ArchiveIndex {
public:
    static ArchiveResult<std::unique_ptr<SqliteArchiveIndex>>
    open(const std::filesystem::path& databaseFile);

    ~SqliteArchiveIndex() override;
    SqliteArchiveIndex(const SqliteArchiveIndex&) = delete;
    SqliteArchiveIndex& operator=(const SqliteArchiveIndex&) = delete;

    ArchiveResult<std::optional<ArchiveBytes>> keyCheck() override;
    ArchiveResult<void> setKeyCheck(const ArchiveBytes& value) override;
    ArchiveResult<std::optional<IndexedRecord>> record(std::string_view recordId) override;
    ArchiveResult<void> beginUpload(const IndexedRecord& record,
                                    const std::vector<KeyedChunkId>& chunks) override;
    ArchiveResult<std::vector<IndexedChunk>> chunks(std::string_view recordId) override;
    ArchiveResult<std::optional<IndexedChunk>> chunk(std::string_view recordId,
                                                     const KeyedChunkId& keyedId) override;
    ArchiveResult<bool> markStored(std::string_view recordId, const KeyedChunkId& keyedId,
                                   std::string_view objectName, std::uint64_t objectBytes) override;
    ArchiveResult<std::uint64_t> missingCount(std::string_view recordId) override;
    ArchiveResult<std::uint64_t> commit(std::string_view recordId, std::int64_t atUnixMs) override;
    ArchiveResult<std::vector<IndexedRecord>>
    list(RecordState state, std::optional<std::string_view> ownerRpps) override;
    ArchiveResult<std::uint64_t> ownerBytes(std::string_view ownerRpps,
                                            std::string_view exceptRecordId) override;
    ArchiveResult<std::vector<std::string>>
    purgeCandidates(std::int64_t committedBeforeUnixMs) override;
    ArchiveResult<std::map<std::uint32_t, std::int64_t>>
    purgedFiles(std::string_view recordId) override;
    ArchiveResult<void> markPurged(std::string_view recordId,
                                   const std::vector<std::uint32_t>& fileIndexes,
                                   const std::vector<KeyedChunkId>& chunks,
                                   std::int64_t atUnixMs) override;
    ArchiveResult<std::vector<std::string>> purgeQueue() override;
    ArchiveResult<bool> objectReferenced(std::string_view objectName) override;
    ArchiveResult<void> dequeuePurged(std::string_view objectName) override;

private:
    struct Impl;
    explicit SqliteArchiveIndex(std::unique_ptr<Impl> impl);
    ::sqlite3* database() const noexcept; // for archive_index_retention.cpp
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::protocol

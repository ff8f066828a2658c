#pragma once
// What audit_log.cpp (the chain, checkpoints, queries), audit_log_verify.cpp and the two
// storages share: the checkpoint's signed bytes, an entry as stored, and the Store interface
// the chain logic runs on, whichever database keeps the log (an SQLite file,
// audit_store_sqlite.cpp, or the cluster's PostgreSQL database, audit_store_pg.cpp).

#include "tc/protocol/audit_log.hpp"

#include <filesystem>
#include <functional>
#include <string_view>

namespace tc::protocol::audit {

inline constexpr std::string_view kEntryTag = "telecabine.audit.entry/1";
inline constexpr std::string_view kCheckpointTag = "telecabine.audit.checkpoint/1";

// The bytes a checkpoint's signature covers: the tag, a zero byte, then the sequence (8 bytes
// big-endian), the entry's hash, and the signing time (8 bytes big-endian, Unix ms).
std::vector<std::uint8_t> checkpointMessage(std::int64_t sequence, const AuditHash& hash,
                                            std::int64_t signedAtUnixMs);

// An entry as stored: the role and action as text (verify hashes what is there, known names or
// not), and whether both hashes are 32 bytes.
struct RawEntry {
    AuditEntry entry;
    std::string role;
    std::string action;
    bool hashSizesOk = true;
};
// From the stored columns (hashes as their bytes).
RawEntry rawEntry(std::int64_t sequence, std::int64_t atUnixMs, std::string role,
                  std::string actorId, std::string action, std::string recordId, std::string detail,
                  std::string_view prevHash, std::string_view hash);
AuditHash hashOf(const RawEntry& raw, std::int64_t sequence);

// The 32 bytes of `bytes`, or nullopt when it is not 32 bytes long.
std::optional<AuditHash> hashFromBytes(std::string_view bytes);

struct StoredCheckpoint {
    std::int64_t sequence = 0;
    std::string hash; // the bytes as stored
    std::int64_t signedAtUnixMs = 0;
    std::string signature;
    std::string certificatePem;
};

// An entry's place in the chain as stored (hash bytes as they are).
struct ChainLink {
    std::int64_t sequence = 0;
    std::string prevHash;
    std::string hash;
};

enum class Query {
    byRecord,           // record_id = key AND sequence > cursor, oldest first
    byActor,            // actor_id = key AND sequence > cursor, oldest first
    byActorNewestFirst, // actor_id = key AND sequence < cursor, newest first
};

using Head = std::pair<std::int64_t, AuditHash>; // the last entry's sequence and hash

// Where the log is kept. AuditLog calls it with its mutex held, verify from one thread: an
// implementation is not thread-safe. Failures are storageFailure (the database), notAnAuditLog
// (not its tables), or changed (a stored hash that is not 32 bytes).
class Store {
public:
    virtual ~Store() = default;

    // An append is one write transaction that excludes every other writer of the log, whatever
    // process or node: beginAppend, head, insertEntry, then commitAppend (committed and on disk
    // when it returns) or rollbackAppend.
    virtual AuditResult<void> beginAppend() = 0;
    virtual AuditResult<void> insertEntry(const AuditEntry& entry) = 0;
    virtual AuditResult<void> commitAppend() = 0;
    virtual void rollbackAppend() = 0;
    // The last entry's sequence and hash (0 and zeros when empty).
    virtual AuditResult<Head> head() = 0;
    virtual AuditResult<std::int64_t> lastCheckpointSequence() = 0;
    // A checkpoint already at that sequence (another node's) stays, and it is no error.
    virtual AuditResult<void> insertCheckpoint(const StoredCheckpoint& checkpoint) = 0;
    // Up to `count` entries of the query, in its order.
    virtual AuditResult<std::vector<AuditEntry>> query(Query query, std::string_view key,
                                                       std::int64_t cursor, std::size_t count) = 0;

    // verify: every read between beginRead and endRead sees the same state of the log.
    virtual AuditResult<void> beginRead() = 0;
    virtual void endRead() = 0;
    // Every entry by sequence until `visit` returns false.
    virtual AuditResult<void> forEachEntry(const std::function<bool(const RawEntry&)>& visit) = 0;
    virtual AuditResult<std::vector<ChainLink>> links() = 0;
    // Every checkpoint by sequence until `visit` returns false.
    virtual AuditResult<void>
    forEachCheckpoint(const std::function<bool(const StoredCheckpoint&)>& visit) = 0;
    // The stored hash of entry `sequence`; nullopt when there is no such entry.
    virtual AuditResult<std::optional<std::string>> entryHash(std::int64_t sequence) = 0;
};

// `target`: a postgresql:// URL or an SQLite file. Read-write creates what is missing (the
// file, 0600, or the cluster schema); read-only creates nothing.
AuditResult<std::unique_ptr<Store>> openStore(const std::string& target, bool readOnly);
AuditResult<std::unique_ptr<Store>> openSqliteStore(const std::filesystem::path& file,
                                                    bool readOnly);
AuditResult<std::unique_ptr<Store>> openPgStore(const std::string& url, bool readOnly);

} // namespace tc::protocol::audit

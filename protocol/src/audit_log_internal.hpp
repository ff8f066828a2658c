#pragma once
// What audit_log.cpp (writing, queries) and audit_log_verify.cpp share: the schema, the
// checkpoint's signed bytes, and opening the database.

#include "sqlite_handles.hpp"
#include "tc/protocol/audit_log.hpp"

#include <filesystem>
#include <string_view>

namespace tc::protocol::audit {

// The format, in the meta table: a log of another format is not read or written.
inline constexpr std::string_view kFormat = "telecabine.audit/1";
inline constexpr std::string_view kEntryTag = "telecabine.audit.entry/1";
inline constexpr std::string_view kCheckpointTag = "telecabine.audit.checkpoint/1";

inline constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
    sequence   INTEGER PRIMARY KEY,
    at_unix_ms INTEGER NOT NULL,
    actor_role TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    action     TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_record ON entries (record_id, sequence);
CREATE INDEX IF NOT EXISTS entries_actor ON entries (actor_id, sequence);
CREATE TABLE IF NOT EXISTS checkpoints (
    sequence          INTEGER PRIMARY KEY,
    hash              BLOB NOT NULL,
    signed_at_unix_ms INTEGER NOT NULL,
    signature         BLOB NOT NULL,
    certificate       TEXT NOT NULL
);
)sql";

// The entry columns every query selects, in this order (columns 0 to 8).
inline constexpr const char* kEntryColumns =
    "sequence, at_unix_ms, actor_role, actor_id, action, record_id, detail, prev_hash, hash";

// The bytes a checkpoint's signature covers: the tag, a zero byte, then the sequence (8 bytes
// big-endian), the entry's hash, and the signing time (8 bytes big-endian, Unix ms).
std::vector<std::uint8_t> checkpointMessage(std::int64_t sequence, const AuditHash& hash,
                                            std::int64_t signedAtUnixMs);

struct RawEntry {
    AuditEntry entry;
    std::string role;   // as stored
    std::string action; // as stored
    bool hashSizesOk = true;
};
// Columns 0 to 8 of kEntryColumns.
RawEntry readEntry(sqlite3_stmt* s);
AuditHash hashOf(const RawEntry& raw, std::int64_t sequence);

// Opens the database (read-only, or read-write creating it 0600) and checks or sets its format.
AuditResult<detail::DbPtr> openDatabase(const std::filesystem::path& file, bool readOnly);

AuditFailure storageError(sqlite3* db, std::string_view what);

} // namespace tc::protocol::audit

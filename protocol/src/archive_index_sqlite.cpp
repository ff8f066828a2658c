// SqliteArchiveIndex: the archive index in one SQLite file (WAL, synchronous=FULL).

#include "sqlite_handles.hpp"
#include "tc/protocol/archive_index.hpp"

#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace tc::protocol {
namespace {

using namespace detail; // sqlite_handles.hpp

// 2: media retention's tables (purged_records, purged_files, purge_queue). A version 1 index
// is upgraded in place: its tables are unchanged.
constexpr std::int64_t kSchemaVersion = 2;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
    record_id              TEXT PRIMARY KEY,
    owner_rpps             TEXT NOT NULL,
    state                  TEXT NOT NULL CHECK (state IN ('pending', 'committed')),
    consent_care           INTEGER NOT NULL CHECK (consent_care IN (0, 1)),
    consent_quality_review INTEGER NOT NULL CHECK (consent_quality_review IN (0, 1)),
    created_unix_ms        INTEGER NOT NULL,
    committed_unix_ms      INTEGER NOT NULL DEFAULT 0,
    file_count             INTEGER NOT NULL,
    plain_bytes            INTEGER NOT NULL,
    wrapped_key            BLOB NOT NULL,
    sealed_manifest        BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_owner_state ON records (owner_rpps, state);
CREATE INDEX IF NOT EXISTS records_state ON records (state, created_unix_ms);
CREATE TABLE IF NOT EXISTS chunks (
    record_id    TEXT NOT NULL REFERENCES records (record_id),
    keyed_id     BLOB NOT NULL CHECK (length(keyed_id) = 32),
    object_name  TEXT,
    object_bytes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (record_id, keyed_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS chunks_object ON chunks (object_name);
CREATE INDEX IF NOT EXISTS records_committed ON records (state, committed_unix_ms);
CREATE TABLE IF NOT EXISTS purged_records (
    record_id      TEXT PRIMARY KEY REFERENCES records (record_id),
    purged_unix_ms INTEGER NOT NULL,
    file_count     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS purged_files (
    record_id      TEXT NOT NULL REFERENCES records (record_id),
    file_index     INTEGER NOT NULL,
    purged_unix_ms INTEGER NOT NULL,
    PRIMARY KEY (record_id, file_index)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS purge_queue (
    object_name TEXT PRIMARY KEY
) WITHOUT ROWID;
)sql";

// A record's columns with its chunk counts and stored bytes (columns 0 to 11).
#define TC_ARCHIVE_RECORD_COLUMNS                                                                  \
    "SELECT r.record_id, r.owner_rpps, r.state, r.consent_care, r.consent_quality_review, "        \
    "r.created_unix_ms, r.committed_unix_ms, r.file_count, r.plain_bytes, "                        \
    "(SELECT count(*) FROM chunks c WHERE c.record_id = r.record_id), "                            \
    "(SELECT count(c.object_name) FROM chunks c WHERE c.record_id = r.record_id), "                \
    "(SELECT coalesce(sum(c.object_bytes), 0) FROM chunks c WHERE c.record_id = r.record_id) "

constexpr const char* kRecordSql = TC_ARCHIVE_RECORD_COLUMNS
    ", r.wrapped_key, r.sealed_manifest FROM records r WHERE r.record_id = ?";
constexpr const char* kListSql = TC_ARCHIVE_RECORD_COLUMNS
    "FROM records r WHERE r.state = ?1 AND (?2 IS NULL OR r.owner_rpps = ?2) "
    "ORDER BY r.created_unix_ms, r.record_id";
#undef TC_ARCHIVE_RECORD_COLUMNS

ArchiveFailure indexError(sqlite3* db, std::string_view what) {
    std::string detail(what);
    if (db != nullptr) {
        detail += ": ";
        detail += sqlite3_errmsg(db);
    }
    return archiveFailure(ArchiveErrc::indexFailure, std::move(detail));
}

void bindBlob(sqlite3_stmt* s, int index, const std::uint8_t* data, std::size_t size) {
    sqlite3_bind_blob(s, index, data, static_cast<int>(size), SQLITE_TRANSIENT);
}

ArchiveBytes columnBlob(sqlite3_stmt* s, int index) {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, index));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(s, index));
    return data != nullptr ? ArchiveBytes(data, data + size) : ArchiveBytes();
}

std::uint64_t columnCount(sqlite3_stmt* s, int index) {
    const auto value = sqlite3_column_int64(s, index);
    return value > 0 ? static_cast<std::uint64_t>(value) : 0;
}

ArchiveResult<IndexedChunk> chunkRow(sqlite3_stmt* s) {
    IndexedChunk c;
    const auto id = columnBlob(s, 0);
    if (id.size() != c.keyedId.size()) {
        return archiveFailure(ArchiveErrc::indexFailure, "a keyed chunk id is not 32 bytes");
    }
    std::copy(id.begin(), id.end(), c.keyedId.begin());
    c.objectName = columnText(s, 1);
    c.objectBytes = columnCount(s, 2);
    return c;
}

// Columns 0 to 11 of TC_ARCHIVE_RECORD_COLUMNS.
IndexedRecord recordRow(sqlite3_stmt* s) {
    IndexedRecord r;
    r.recordId = columnText(s, 0);
    r.ownerRpps = columnText(s, 1);
    r.state = columnText(s, 2) == "committed" ? RecordState::committed : RecordState::pending;
    r.consent.care = sqlite3_column_int(s, 3) != 0;
    r.consent.qualityReview = sqlite3_column_int(s, 4) != 0;
    r.createdUnixMs = sqlite3_column_int64(s, 5);
    r.committedUnixMs = sqlite3_column_int64(s, 6);
    r.fileCount = columnCount(s, 7);
    r.plainBytes = columnCount(s, 8);
    r.chunkCount = columnCount(s, 9);
    r.chunksStored = columnCount(s, 10);
    r.storedBytes = columnCount(s, 11);
    return r;
}

const char* stateText(RecordState state) {
    return state == RecordState::committed ? "committed" : "pending";
}

} // namespace

struct SqliteArchiveIndex::Impl {
    DbPtr db;
    StatementPtr getMeta, putMeta, getRecord, deleteChunks, deleteRecord, insertRecord, insertChunk,
        selectChunks, selectChunk, markStored, countMissing, commit, list, ownerBytes;

    ArchiveResult<void> exec(const char* sql) {
        if (sqlite3_exec(db.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
            return indexError(db.get(), sql);
        }
        return {};
    }

    StatementPtr prepare(const char* sql) { return prepareStatement(db.get(), sql); }

    // Runs `body` in one IMMEDIATE transaction; rolls back if it fails.
    template <class Body> auto transaction(Body body) -> decltype(body()) {
        if (auto begun = exec("BEGIN IMMEDIATE"); !begun) {
            return begun.error();
        }
        auto result = body();
        if (!result) {
            static_cast<void>(exec("ROLLBACK"));
            return result;
        }
        if (auto done = exec("COMMIT"); !done) {
            static_cast<void>(exec("ROLLBACK"));
            return done.error();
        }
        return result;
    }

    ArchiveResult<void> done(sqlite3_stmt* s, std::string_view what) {
        if (sqlite3_step(s) != SQLITE_DONE) {
            return indexError(db.get(), what);
        }
        return {};
    }
};

SqliteArchiveIndex::SqliteArchiveIndex(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
SqliteArchiveIndex::~SqliteArchiveIndex() = default;

sqlite3* SqliteArchiveIndex::database() const noexcept {
    return m_impl->db.get();
}

ArchiveResult<std::unique_ptr<SqliteArchiveIndex>>
SqliteArchiveIndex::open(const std::filesystem::path& databaseFile) {
    // Created 0600 before SQLite opens it: SQLite gives its WAL and shared-memory files the
    // main file's mode.
    const int fd = ::open(databaseFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return archiveFailure(ArchiveErrc::indexFailure, "cannot create " + databaseFile.string() +
                                                             ": " +
                                                             std::system_category().message(errno));
    }
    ::close(fd);

    auto impl = std::make_unique<Impl>();
    sqlite3* raw = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int opened = sqlite3_open_v2(databaseFile.c_str(), &raw, flags, nullptr);
    impl->db.reset(raw);
    if (opened != SQLITE_OK) {
        return indexError(raw, "open");
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 5000);
    // WAL: readers do not block the writer. synchronous=FULL: every commit is fsynced before it
    // returns, so a chunk the store acknowledged or a record it committed survives a power
    // loss, not only a crash of the process.
    {
        auto mode = impl->prepare("PRAGMA journal_mode=WAL");
        if (!mode || sqlite3_step(mode.get()) != SQLITE_ROW || columnText(mode.get(), 0) != "wal") {
            return indexError(raw, "journal_mode=WAL");
        }
    }
    if (auto r = impl->exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"); !r) {
        return r.error();
    }
    if (auto r = impl->exec(kSchema); !r) {
        return r.error();
    }

    auto& i = *impl;
    i.getMeta = i.prepare("SELECT value FROM meta WHERE name = ?");
    i.putMeta = i.prepare("INSERT INTO meta (name, value) VALUES (?, ?)");
    i.getRecord = i.prepare(kRecordSql);
    i.deleteChunks = i.prepare("DELETE FROM chunks WHERE record_id = ?");
    i.deleteRecord = i.prepare("DELETE FROM records WHERE record_id = ? AND state = 'pending'");
    i.insertRecord = i.prepare(
        "INSERT INTO records (record_id, owner_rpps, state, consent_care, "
        "consent_quality_review, created_unix_ms, committed_unix_ms, file_count, plain_bytes, "
        "wrapped_key, sealed_manifest) VALUES (?, ?, 'pending', ?, ?, ?, 0, ?, ?, ?, ?)");
    i.insertChunk = i.prepare("INSERT INTO chunks (record_id, keyed_id) VALUES (?, ?)");
    i.selectChunks =
        i.prepare("SELECT keyed_id, object_name, object_bytes FROM chunks WHERE record_id = ?");
    i.selectChunk = i.prepare("SELECT keyed_id, object_name, object_bytes FROM chunks "
                              "WHERE record_id = ? AND keyed_id = ?");
    i.markStored = i.prepare("UPDATE chunks SET object_name = ?, object_bytes = ? "
                             "WHERE record_id = ? AND keyed_id = ?");
    i.countMissing =
        i.prepare("SELECT count(*) FROM chunks WHERE record_id = ? AND object_name IS NULL");
    i.commit = i.prepare("UPDATE records SET state = 'committed', committed_unix_ms = ? "
                         "WHERE record_id = ? AND state = 'pending'");
    i.list = i.prepare(kListSql);
    i.ownerBytes = i.prepare("SELECT coalesce(sum(plain_bytes), 0) FROM records "
                             "WHERE owner_rpps = ? AND record_id != ?");
    for (const auto* s : {&i.getMeta, &i.putMeta, &i.getRecord, &i.deleteChunks, &i.deleteRecord,
                          &i.insertRecord, &i.insertChunk, &i.selectChunks, &i.selectChunk,
                          &i.markStored, &i.countMissing, &i.commit, &i.list, &i.ownerBytes}) {
        if (!*s) {
            return indexError(raw, "prepare");
        }
    }

    // The schema version, set once; an index written by another version is not mixed with.
    {
        StatementUse get(i.getMeta.get());
        bindText(get.get(), 1, "schema_version");
        const int stepped = sqlite3_step(get.get());
        if (stepped == SQLITE_ROW) {
            const auto version = sqlite3_column_int64(get.get(), 0);
            if (version == 1) {
                if (auto r = i.exec("UPDATE meta SET value = 2 WHERE name = 'schema_version'");
                    !r) {
                    return r.error();
                }
            } else if (version != kSchemaVersion) {
                return archiveFailure(ArchiveErrc::indexFailure,
                                      "the index was written by another schema version");
            }
        } else if (stepped == SQLITE_DONE) {
            StatementUse put(i.putMeta.get());
            bindText(put.get(), 1, "schema_version");
            sqlite3_bind_int64(put.get(), 2, kSchemaVersion);
            if (auto r = i.done(put.get(), "schema_version"); !r) {
                return r.error();
            }
        } else {
            return indexError(raw, "schema_version");
        }
    }
    return std::unique_ptr<SqliteArchiveIndex>(new SqliteArchiveIndex(std::move(impl)));
}

ArchiveResult<std::optional<ArchiveBytes>> SqliteArchiveIndex::keyCheck() {
    StatementUse s(m_impl->getMeta.get());
    bindText(s.get(), 1, "key_check");
    const int stepped = sqlite3_step(s.get());
    if (stepped == SQLITE_ROW) {
        return std::optional<ArchiveBytes>(columnBlob(s.get(), 0));
    }
    if (stepped == SQLITE_DONE) {
        return std::optional<ArchiveBytes>();
    }
    return indexError(m_impl->db.get(), "key_check");
}

ArchiveResult<void> SqliteArchiveIndex::setKeyCheck(const ArchiveBytes& value) {
    StatementUse s(m_impl->putMeta.get());
    bindText(s.get(), 1, "key_check");
    bindBlob(s.get(), 2, value.data(), value.size());
    return m_impl->done(s.get(), "set key_check");
}

ArchiveResult<std::optional<IndexedRecord>> SqliteArchiveIndex::record(std::string_view recordId) {
    StatementUse s(m_impl->getRecord.get());
    bindText(s.get(), 1, recordId);
    const int stepped = sqlite3_step(s.get());
    if (stepped == SQLITE_DONE) {
        return std::optional<IndexedRecord>();
    }
    if (stepped != SQLITE_ROW) {
        return indexError(m_impl->db.get(), "record");
    }
    IndexedRecord r = recordRow(s.get());
    r.wrappedKey = columnBlob(s.get(), 12);
    r.sealedManifest = columnBlob(s.get(), 13);
    return std::optional<IndexedRecord>(std::move(r));
}

ArchiveResult<void> SqliteArchiveIndex::beginUpload(const IndexedRecord& record,
                                                    const std::vector<KeyedChunkId>& chunks) {
    auto& i = *m_impl;
    return i.transaction([&]() -> ArchiveResult<void> {
        {
            StatementUse s(i.getRecord.get());
            bindText(s.get(), 1, record.recordId);
            const int stepped = sqlite3_step(s.get());
            if (stepped == SQLITE_ROW && columnText(s.get(), 2) == "committed") {
                return archiveFailure(ArchiveErrc::manifestConflict,
                                      "record " + record.recordId + " is committed");
            }
            if (stepped != SQLITE_ROW && stepped != SQLITE_DONE) {
                return indexError(i.db.get(), "record");
            }
        }
        {
            StatementUse s(i.deleteChunks.get());
            bindText(s.get(), 1, record.recordId);
            if (auto r = i.done(s.get(), "delete chunks"); !r) {
                return r;
            }
        }
        {
            StatementUse s(i.deleteRecord.get());
            bindText(s.get(), 1, record.recordId);
            if (auto r = i.done(s.get(), "delete record"); !r) {
                return r;
            }
        }
        {
            StatementUse s(i.insertRecord.get());
            bindText(s.get(), 1, record.recordId);
            bindText(s.get(), 2, record.ownerRpps);
            sqlite3_bind_int(s.get(), 3, record.consent.care ? 1 : 0);
            sqlite3_bind_int(s.get(), 4, record.consent.qualityReview ? 1 : 0);
            sqlite3_bind_int64(s.get(), 5, record.createdUnixMs);
            sqlite3_bind_int64(s.get(), 6, static_cast<sqlite3_int64>(record.fileCount));
            sqlite3_bind_int64(s.get(), 7, static_cast<sqlite3_int64>(record.plainBytes));
            bindBlob(s.get(), 8, record.wrappedKey.data(), record.wrappedKey.size());
            bindBlob(s.get(), 9, record.sealedManifest.data(), record.sealedManifest.size());
            if (auto r = i.done(s.get(), "insert record"); !r) {
                return r;
            }
        }
        for (const auto& id : chunks) {
            StatementUse s(i.insertChunk.get());
            bindText(s.get(), 1, record.recordId);
            bindBlob(s.get(), 2, id.data(), id.size());
            if (auto r = i.done(s.get(), "insert chunk"); !r) {
                return r;
            }
        }
        return {};
    });
}

ArchiveResult<std::vector<IndexedChunk>> SqliteArchiveIndex::chunks(std::string_view recordId) {
    StatementUse s(m_impl->selectChunks.get());
    bindText(s.get(), 1, recordId);
    std::vector<IndexedChunk> chunks;
    int stepped = SQLITE_ROW;
    while ((stepped = sqlite3_step(s.get())) == SQLITE_ROW) {
        auto c = chunkRow(s.get());
        if (!c) {
            return c.error();
        }
        chunks.push_back(std::move(*c));
    }
    if (stepped != SQLITE_DONE) {
        return indexError(m_impl->db.get(), "chunks");
    }
    return chunks;
}

ArchiveResult<std::optional<IndexedChunk>> SqliteArchiveIndex::chunk(std::string_view recordId,
                                                                     const KeyedChunkId& keyedId) {
    StatementUse s(m_impl->selectChunk.get());
    bindText(s.get(), 1, recordId);
    bindBlob(s.get(), 2, keyedId.data(), keyedId.size());
    const int stepped = sqlite3_step(s.get());
    if (stepped == SQLITE_DONE) {
        return std::optional<IndexedChunk>();
    }
    if (stepped != SQLITE_ROW) {
        return indexError(m_impl->db.get(), "chunk");
    }
    auto c = chunkRow(s.get());
    if (!c) {
        return c.error();
    }
    return std::optional<IndexedChunk>(std::move(*c));
}

ArchiveResult<bool> SqliteArchiveIndex::markStored(std::string_view recordId,
                                                   const KeyedChunkId& keyedId,
                                                   std::string_view objectName,
                                                   std::uint64_t objectBytes) {
    StatementUse s(m_impl->markStored.get());
    bindText(s.get(), 1, objectName);
    sqlite3_bind_int64(s.get(), 2, static_cast<sqlite3_int64>(objectBytes));
    bindText(s.get(), 3, recordId);
    bindBlob(s.get(), 4, keyedId.data(), keyedId.size());
    if (auto r = m_impl->done(s.get(), "mark stored"); !r) {
        return r.error();
    }
    return sqlite3_changes(m_impl->db.get()) == 1;
}

ArchiveResult<std::uint64_t> SqliteArchiveIndex::missingCount(std::string_view recordId) {
    StatementUse s(m_impl->countMissing.get());
    bindText(s.get(), 1, recordId);
    if (sqlite3_step(s.get()) != SQLITE_ROW) {
        return indexError(m_impl->db.get(), "missing count");
    }
    return columnCount(s.get(), 0);
}

ArchiveResult<std::uint64_t> SqliteArchiveIndex::commit(std::string_view recordId,
                                                        std::int64_t atUnixMs) {
    auto& i = *m_impl;
    return i.transaction([&]() -> ArchiveResult<std::uint64_t> {
        auto missing = missingCount(recordId);
        if (!missing || *missing != 0) {
            return missing;
        }
        StatementUse s(i.commit.get());
        sqlite3_bind_int64(s.get(), 1, atUnixMs);
        bindText(s.get(), 2, recordId);
        if (auto r = i.done(s.get(), "commit"); !r) {
            return r.error();
        }
        if (sqlite3_changes(i.db.get()) != 1) {
            return archiveFailure(ArchiveErrc::unknownUpload,
                                  "no pending upload " + std::string(recordId));
        }
        return std::uint64_t{0};
    });
}

ArchiveResult<std::vector<IndexedRecord>>
SqliteArchiveIndex::list(RecordState state, std::optional<std::string_view> ownerRpps) {
    StatementUse s(m_impl->list.get());
    bindText(s.get(), 1, stateText(state));
    if (ownerRpps) {
        bindText(s.get(), 2, *ownerRpps);
    } else {
        sqlite3_bind_null(s.get(), 2);
    }
    std::vector<IndexedRecord> records;
    int stepped = SQLITE_ROW;
    while ((stepped = sqlite3_step(s.get())) == SQLITE_ROW) {
        records.push_back(recordRow(s.get()));
    }
    if (stepped != SQLITE_DONE) {
        return indexError(m_impl->db.get(), "list");
    }
    return records;
}

ArchiveResult<std::uint64_t> SqliteArchiveIndex::ownerBytes(std::string_view ownerRpps,
                                                            std::string_view exceptRecordId) {
    StatementUse s(m_impl->ownerBytes.get());
    bindText(s.get(), 1, ownerRpps);
    bindText(s.get(), 2, exceptRecordId);
    if (sqlite3_step(s.get()) != SQLITE_ROW) {
        return indexError(m_impl->db.get(), "owner bytes");
    }
    return columnCount(s.get(), 0);
}

} // namespace tc::protocol

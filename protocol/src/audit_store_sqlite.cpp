// The audit log in one SQLite file (a single service): WAL, synchronous=FULL, the format in a
// meta table.

#include "audit_log_internal.hpp"
#include "sqlite_handles.hpp"

#include <cerrno>
#include <fcntl.h>
#include <span>
#include <system_error>
#include <unistd.h>

namespace tc::protocol::audit {
namespace {

using namespace detail; // sqlite_handles.hpp

// The format, in the meta table: a log of another format is not read or written.
constexpr std::string_view kFormat = "telecabine.audit/1";

constexpr const char* kSchema = R"sql(
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

// "SELECT <the entry columns, in readEntry's order> <rest>".
std::string selectEntries(std::string_view rest) {
    return std::string("SELECT sequence, at_unix_ms, actor_role, actor_id, action, record_id, "
                       "detail, prev_hash, hash ") +
           std::string(rest);
}

AuditFailure storageError(sqlite3* db, std::string_view what) {
    std::string detail(what);
    if (db != nullptr) {
        detail += ": ";
        detail += sqlite3_errmsg(db);
    }
    return auditFailure(AuditErrc::storageFailure, std::move(detail));
}

void bindBlob(sqlite3_stmt* s, int index, std::span<const std::uint8_t> bytes) {
    sqlite3_bind_blob(s, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
}

void bindBlob(sqlite3_stmt* s, int index, std::string_view bytes) {
    sqlite3_bind_blob(s, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
}

RawEntry readEntry(sqlite3_stmt* s) {
    return rawEntry(sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), columnText(s, 2),
                    columnText(s, 3), columnText(s, 4), columnText(s, 5), columnText(s, 6),
                    columnText(s, 7), columnText(s, 8));
}

// Opens the database (read-only, or read-write creating it 0600) and checks or sets its format.
AuditResult<DbPtr> openDatabase(const std::filesystem::path& file, bool readOnly) {
    if (!readOnly) {
        // Created 0600 before SQLite opens it: its WAL and shared-memory files take this mode.
        const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            return auditFailure(AuditErrc::storageFailure,
                                "cannot create " + file.string() + ": " +
                                    std::system_category().message(errno));
        }
        ::close(fd);
    } else if (!std::filesystem::exists(file)) {
        return auditFailure(AuditErrc::storageFailure, file.string() + " does not exist");
    }
    sqlite3* raw = nullptr;
    const int flags =
        (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
    const int opened = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
    DbPtr db(raw);
    if (opened != SQLITE_OK) {
        return storageError(raw, "open " + file.string());
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 5000);
    const auto exec = [&](const char* sql) {
        return sqlite3_exec(raw, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    };
    if (!readOnly) {
        // WAL and synchronous=FULL: an appended entry is fsynced before append returns.
        auto mode = prepareStatement(raw, "PRAGMA journal_mode=WAL");
        if (!mode || sqlite3_step(mode.get()) != SQLITE_ROW || columnText(mode.get(), 0) != "wal") {
            return storageError(raw, "journal_mode=WAL");
        }
        mode.reset();
        if (!exec("PRAGMA synchronous=FULL") || !exec(kSchema)) {
            return storageError(raw, "schema");
        }
    }
    auto get = prepareStatement(raw, "SELECT value FROM meta WHERE name = 'format'");
    if (!get) {
        return auditFailure(AuditErrc::notAnAuditLog, file.string() + " has no audit log tables");
    }
    const int stepped = sqlite3_step(get.get());
    if (stepped == SQLITE_ROW) {
        if (columnText(get.get(), 0) != kFormat) {
            return auditFailure(AuditErrc::notAnAuditLog,
                                file.string() + " is of format " + columnText(get.get(), 0));
        }
    } else if (stepped == SQLITE_DONE && !readOnly) {
        get.reset();
        auto put = prepareStatement(raw, "INSERT INTO meta (name, value) VALUES ('format', ?)");
        if (!put) {
            return storageError(raw, "format");
        }
        bindText(put.get(), 1, kFormat);
        if (sqlite3_step(put.get()) != SQLITE_DONE) {
            return storageError(raw, "format");
        }
    } else {
        return auditFailure(AuditErrc::notAnAuditLog, file.string() + " has no format");
    }
    return db;
}

class SqliteStore final : public Store {
public:
    static AuditResult<std::unique_ptr<Store>> open(const std::filesystem::path& file,
                                                    bool readOnly);

    AuditResult<void> beginAppend() override;
    AuditResult<void> insertEntry(const AuditEntry& entry) override;
    AuditResult<void> commitAppend() override;
    void rollbackAppend() override { exec("ROLLBACK"); }
    AuditResult<Head> head() override;
    AuditResult<std::int64_t> lastCheckpointSequence() override;
    AuditResult<void> insertCheckpoint(const StoredCheckpoint& checkpoint) override;
    AuditResult<std::vector<AuditEntry>> query(Query query, std::string_view key,
                                               std::int64_t cursor, std::size_t count) override;

    AuditResult<void> beginRead() override;
    void endRead() override { exec("COMMIT"); }
    AuditResult<void> forEachEntry(const std::function<bool(const RawEntry&)>& visit) override;
    AuditResult<std::vector<ChainLink>> links() override;
    AuditResult<void>
    forEachCheckpoint(const std::function<bool(const StoredCheckpoint&)>& visit) override;
    AuditResult<std::optional<std::string>> entryHash(std::int64_t sequence) override;

private:
    bool exec(const char* sql) {
        return sqlite3_exec(m_db.get(), sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    }

    DbPtr m_db;
    StatementPtr m_last, m_insert, m_lastCheckpoint, m_insertCheckpoint, m_byRecord, m_byActor,
        m_byActorDesc;
};

AuditResult<std::unique_ptr<Store>> SqliteStore::open(const std::filesystem::path& file,
                                                      bool readOnly) {
    auto db = openDatabase(file, readOnly);
    if (!db) {
        return db.error();
    }
    auto store = std::make_unique<SqliteStore>();
    store->m_db = std::move(*db);
    auto* raw = store->m_db.get();
    store->m_last =
        prepareStatement(raw, "SELECT sequence, hash FROM entries ORDER BY sequence DESC LIMIT 1");
    store->m_insert = prepareStatement(
        raw, "INSERT INTO entries (sequence, at_unix_ms, actor_role, actor_id, action, record_id, "
             "detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    store->m_lastCheckpoint =
        prepareStatement(raw, "SELECT sequence FROM checkpoints ORDER BY sequence DESC LIMIT 1");
    // Two services on one file may sign the same head: the first checkpoint stays.
    store->m_insertCheckpoint = prepareStatement(
        raw, "INSERT INTO checkpoints (sequence, hash, signed_at_unix_ms, signature, "
             "certificate) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sequence) DO NOTHING");
    const auto prepareQuery = [raw](std::string_view rest) {
        return prepareStatement(raw, selectEntries(rest).c_str());
    };
    store->m_byRecord =
        prepareQuery("FROM entries WHERE record_id = ? AND sequence > ? ORDER BY sequence LIMIT ?");
    store->m_byActor =
        prepareQuery("FROM entries WHERE actor_id = ? AND sequence > ? ORDER BY sequence LIMIT ?");
    store->m_byActorDesc = prepareQuery(
        "FROM entries WHERE actor_id = ? AND sequence < ? ORDER BY sequence DESC LIMIT ?");
    for (const auto* s : {&store->m_last, &store->m_lastCheckpoint, &store->m_byRecord,
                          &store->m_byActor, &store->m_byActorDesc}) {
        if (!*s) {
            return auditFailure(AuditErrc::notAnAuditLog,
                                file.string() + ": " + sqlite3_errmsg(raw));
        }
    }
    if (!readOnly && (!store->m_insert || !store->m_insertCheckpoint)) {
        return storageError(raw, "prepare");
    }
    return std::unique_ptr<Store>(std::move(store));
}

AuditResult<Head> SqliteStore::head() {
    StatementUse s(m_last.get());
    const int stepped = sqlite3_step(s.get());
    if (stepped == SQLITE_DONE) {
        return Head{0, AuditHash{}};
    }
    if (stepped != SQLITE_ROW) {
        return storageError(m_db.get(), "last entry");
    }
    const auto sequence = sqlite3_column_int64(s.get(), 0);
    const auto hash = hashFromBytes(columnText(s.get(), 1));
    if (!hash) {
        return auditFailure(AuditErrc::changed, "the last entry's hash is not 32 bytes", sequence);
    }
    return Head{sequence, *hash};
}

AuditResult<void> SqliteStore::beginAppend() {
    if (!exec("BEGIN IMMEDIATE")) {
        return storageError(m_db.get(), "begin");
    }
    return {};
}

AuditResult<void> SqliteStore::insertEntry(const AuditEntry& entry) {
    const auto& event = entry.event;
    StatementUse s(m_insert.get());
    sqlite3_bind_int64(s.get(), 1, entry.sequence);
    sqlite3_bind_int64(s.get(), 2, event.atUnixMs);
    bindText(s.get(), 3, toString(event.actorRole));
    bindText(s.get(), 4, event.actorId);
    bindText(s.get(), 5, wireName(event.action));
    bindText(s.get(), 6, event.recordId);
    bindText(s.get(), 7, event.detailJson);
    bindBlob(s.get(), 8, entry.prevHash);
    bindBlob(s.get(), 9, entry.hash);
    if (sqlite3_step(s.get()) != SQLITE_DONE) {
        return storageError(m_db.get(), "insert entry");
    }
    return {};
}

AuditResult<void> SqliteStore::commitAppend() {
    // WAL with synchronous=FULL: the commit is fsynced.
    if (!exec("COMMIT")) {
        return storageError(m_db.get(), "commit");
    }
    return {};
}

AuditResult<std::int64_t> SqliteStore::lastCheckpointSequence() {
    StatementUse s(m_lastCheckpoint.get());
    const int stepped = sqlite3_step(s.get());
    if (stepped == SQLITE_DONE) {
        return std::int64_t{0};
    }
    if (stepped != SQLITE_ROW) {
        return storageError(m_db.get(), "last checkpoint");
    }
    return sqlite3_column_int64(s.get(), 0);
}

AuditResult<void> SqliteStore::insertCheckpoint(const StoredCheckpoint& checkpoint) {
    StatementUse s(m_insertCheckpoint.get());
    sqlite3_bind_int64(s.get(), 1, checkpoint.sequence);
    bindBlob(s.get(), 2, std::string_view(checkpoint.hash));
    sqlite3_bind_int64(s.get(), 3, checkpoint.signedAtUnixMs);
    bindBlob(s.get(), 4, std::string_view(checkpoint.signature));
    bindText(s.get(), 5, checkpoint.certificatePem);
    if (sqlite3_step(s.get()) != SQLITE_DONE) {
        return storageError(m_db.get(), "insert checkpoint");
    }
    return {};
}

AuditResult<std::vector<AuditEntry>> SqliteStore::query(Query query, std::string_view key,
                                                        std::int64_t cursor, std::size_t count) {
    auto* statement = query == Query::byRecord  ? m_byRecord.get()
                      : query == Query::byActor ? m_byActor.get()
                                                : m_byActorDesc.get();
    StatementUse s(statement);
    bindText(s.get(), 1, key);
    sqlite3_bind_int64(s.get(), 2, cursor);
    sqlite3_bind_int64(s.get(), 3, static_cast<sqlite3_int64>(count));
    std::vector<AuditEntry> entries;
    int stepped = SQLITE_ROW;
    while ((stepped = sqlite3_step(s.get())) == SQLITE_ROW) {
        entries.push_back(readEntry(s.get()).entry);
    }
    if (stepped != SQLITE_DONE) {
        return storageError(m_db.get(), "query");
    }
    return entries;
}

AuditResult<void> SqliteStore::beginRead() {
    // A read transaction: WAL keeps its snapshot from the first read to the COMMIT.
    if (!exec("BEGIN")) {
        return storageError(m_db.get(), "begin");
    }
    return {};
}

AuditResult<void> SqliteStore::forEachEntry(const std::function<bool(const RawEntry&)>& visit) {
    auto s = prepareStatement(m_db.get(), selectEntries("FROM entries ORDER BY sequence").c_str());
    if (!s) {
        return storageError(m_db.get(), "entries");
    }
    int stepped = SQLITE_ROW;
    while ((stepped = sqlite3_step(s.get())) == SQLITE_ROW) {
        if (!visit(readEntry(s.get()))) {
            return {};
        }
    }
    if (stepped != SQLITE_DONE) {
        return storageError(m_db.get(), "entries");
    }
    return {};
}

AuditResult<std::vector<ChainLink>> SqliteStore::links() {
    auto s = prepareStatement(m_db.get(), "SELECT sequence, prev_hash, hash FROM entries");
    if (!s) {
        return storageError(m_db.get(), "chain index");
    }
    std::vector<ChainLink> links;
    int stepped = SQLITE_ROW;
    while ((stepped = sqlite3_step(s.get())) == SQLITE_ROW) {
        links.push_back(
            {sqlite3_column_int64(s.get(), 0), columnText(s.get(), 1), columnText(s.get(), 2)});
    }
    if (stepped != SQLITE_DONE) {
        return storageError(m_db.get(), "chain index");
    }
    return links;
}

AuditResult<void>
SqliteStore::forEachCheckpoint(const std::function<bool(const StoredCheckpoint&)>& visit) {
    auto s = prepareStatement(m_db.get(), "SELECT sequence, hash, signed_at_unix_ms, signature, "
                                          "certificate FROM checkpoints ORDER BY sequence");
    if (!s) {
        return storageError(m_db.get(), "checkpoints");
    }
    int stepped = SQLITE_ROW;
    while ((stepped = sqlite3_step(s.get())) == SQLITE_ROW) {
        const StoredCheckpoint checkpoint{sqlite3_column_int64(s.get(), 0), columnText(s.get(), 1),
                                          sqlite3_column_int64(s.get(), 2), columnText(s.get(), 3),
                                          columnText(s.get(), 4)};
        if (!visit(checkpoint)) {
            return {};
        }
    }
    if (stepped != SQLITE_DONE) {
        return storageError(m_db.get(), "checkpoints");
    }
    return {};
}

AuditResult<std::optional<std::string>> SqliteStore::entryHash(std::int64_t sequence) {
    auto s = prepareStatement(m_db.get(), "SELECT hash FROM entries WHERE sequence = ?");
    if (!s) {
        return storageError(m_db.get(), "checkpoint entry");
    }
    sqlite3_bind_int64(s.get(), 1, sequence);
    const int found = sqlite3_step(s.get());
    if (found == SQLITE_DONE) {
        return std::optional<std::string>();
    }
    if (found != SQLITE_ROW) {
        return storageError(m_db.get(), "checkpoint entry");
    }
    return std::optional<std::string>(columnText(s.get(), 0));
}

} // namespace

AuditResult<std::unique_ptr<Store>> openSqliteStore(const std::filesystem::path& file,
                                                    bool readOnly) {
    return SqliteStore::open(file, readOnly);
}

} // namespace tc::protocol::audit

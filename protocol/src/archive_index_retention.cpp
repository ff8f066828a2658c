// The archive index's media retention calls: ArchiveIndex's refusals, SqliteArchiveIndex's
// tables (purged_records, purged_files, purge_queue; see archive_index_sqlite.cpp's schema).

#include "sqlite_handles.hpp"
#include "tc/protocol/archive_index.hpp"

namespace tc::protocol {
namespace {

using namespace detail;

ArchiveFailure unsupported() {
    return archiveFailure(ArchiveErrc::indexFailure, "this index does not support retention");
}

ArchiveFailure failed(sqlite3* db, std::string_view what) {
    return archiveFailure(ArchiveErrc::indexFailure, std::string(what) + ": " + sqlite3_errmsg(db));
}

// Runs `query` with `bind`, calling `row` for each result row.
template <class Bind, class Row>
ArchiveResult<void> query(sqlite3* db, const char* sql, Bind bind, Row row) {
    auto s = prepareStatement(db, sql);
    if (!s) {
        return failed(db, sql);
    }
    bind(s.get());
    int stepped = SQLITE_ROW;
    while ((stepped = sqlite3_step(s.get())) == SQLITE_ROW) {
        row(s.get());
    }
    if (stepped != SQLITE_DONE) {
        return failed(db, sql);
    }
    return {};
}

void bindKeyed(sqlite3_stmt* s, int index, const KeyedChunkId& id) {
    sqlite3_bind_blob(s, index, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
}

} // namespace

ArchiveResult<std::vector<std::string>> ArchiveIndex::purgeCandidates(std::int64_t) {
    return unsupported();
}
ArchiveResult<std::map<std::uint32_t, std::int64_t>> ArchiveIndex::purgedFiles(std::string_view) {
    return unsupported();
}
ArchiveResult<void> ArchiveIndex::markPurged(std::string_view, const std::vector<std::uint32_t>&,
                                             const std::vector<KeyedChunkId>&, std::int64_t) {
    return unsupported();
}
ArchiveResult<std::vector<std::string>> ArchiveIndex::purgeQueue() {
    return unsupported();
}
ArchiveResult<bool> ArchiveIndex::objectReferenced(std::string_view) {
    return unsupported();
}
ArchiveResult<void> ArchiveIndex::dequeuePurged(std::string_view) {
    return unsupported();
}

ArchiveResult<std::vector<std::string>>
SqliteArchiveIndex::purgeCandidates(std::int64_t committedBeforeUnixMs) {
    std::vector<std::string> ids;
    auto done = query(
        database(),
        "SELECT r.record_id FROM records r WHERE r.state = 'committed' AND "
        "r.committed_unix_ms < ? AND NOT EXISTS (SELECT 1 FROM purged_records p WHERE "
        "p.record_id = r.record_id) ORDER BY r.committed_unix_ms, r.record_id",
        [&](sqlite3_stmt* s) { sqlite3_bind_int64(s, 1, committedBeforeUnixMs); },
        [&](sqlite3_stmt* s) { ids.push_back(columnText(s, 0)); });
    if (!done) {
        return done.error();
    }
    return ids;
}

ArchiveResult<std::map<std::uint32_t, std::int64_t>>
SqliteArchiveIndex::purgedFiles(std::string_view recordId) {
    std::map<std::uint32_t, std::int64_t> files;
    auto done = query(
        database(), "SELECT file_index, purged_unix_ms FROM purged_files WHERE record_id = ?",
        [&](sqlite3_stmt* s) { bindText(s, 1, recordId); },
        [&](sqlite3_stmt* s) {
            files.emplace(static_cast<std::uint32_t>(sqlite3_column_int64(s, 0)),
                          sqlite3_column_int64(s, 1));
        });
    if (!done) {
        return done.error();
    }
    return files;
}

ArchiveResult<void> SqliteArchiveIndex::markPurged(std::string_view recordId,
                                                   const std::vector<std::uint32_t>& fileIndexes,
                                                   const std::vector<KeyedChunkId>& chunks,
                                                   std::int64_t atUnixMs) {
    sqlite3* db = database();
    const auto exec = [&](const char* sql) {
        return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    };
    if (!exec("BEGIN IMMEDIATE")) {
        return failed(db, "begin");
    }
    const auto body = [&]() -> ArchiveResult<void> {
        auto file = prepareStatement(
            db,
            "INSERT INTO purged_files (record_id, file_index, purged_unix_ms) VALUES (?, ?, ?)");
        auto record = prepareStatement(db, "INSERT INTO purged_records (record_id, "
                                           "purged_unix_ms, file_count) VALUES (?, ?, ?)");
        auto enqueue = prepareStatement(
            db, "INSERT OR IGNORE INTO purge_queue (object_name) SELECT object_name FROM chunks "
                "WHERE record_id = ? AND keyed_id = ? AND object_name IS NOT NULL");
        auto release =
            prepareStatement(db, "UPDATE chunks SET object_name = NULL, "
                                 "object_bytes = 0 WHERE record_id = ? AND keyed_id = ?");
        if (!file || !record || !enqueue || !release) {
            return failed(db, "prepare purge");
        }
        for (const auto index : fileIndexes) {
            sqlite3_reset(file.get());
            bindText(file.get(), 1, recordId);
            sqlite3_bind_int64(file.get(), 2, index);
            sqlite3_bind_int64(file.get(), 3, atUnixMs);
            if (sqlite3_step(file.get()) != SQLITE_DONE) {
                return failed(db, "purged file");
            }
        }
        bindText(record.get(), 1, recordId);
        sqlite3_bind_int64(record.get(), 2, atUnixMs);
        sqlite3_bind_int64(record.get(), 3, static_cast<sqlite3_int64>(fileIndexes.size()));
        if (sqlite3_step(record.get()) != SQLITE_DONE) {
            return failed(db, "purged record");
        }
        for (const auto& id : chunks) {
            for (auto* s : {enqueue.get(), release.get()}) {
                sqlite3_reset(s);
                bindText(s, 1, recordId);
                bindKeyed(s, 2, id);
                if (sqlite3_step(s) != SQLITE_DONE) {
                    return failed(db, "purged chunk");
                }
            }
        }
        return {};
    };
    if (auto result = body(); !result) {
        exec("ROLLBACK");
        return result;
    }
    if (!exec("COMMIT")) {
        const auto failure = failed(db, "commit purge");
        exec("ROLLBACK");
        return failure;
    }
    return {};
}

ArchiveResult<std::vector<std::string>> SqliteArchiveIndex::purgeQueue() {
    std::vector<std::string> names;
    auto done = query(
        database(), "SELECT object_name FROM purge_queue ORDER BY object_name",
        [](sqlite3_stmt*) {}, [&](sqlite3_stmt* s) { names.push_back(columnText(s, 0)); });
    if (!done) {
        return done.error();
    }
    return names;
}

ArchiveResult<bool> SqliteArchiveIndex::objectReferenced(std::string_view objectName) {
    bool referenced = false;
    auto done = query(
        database(), "SELECT 1 FROM chunks WHERE object_name = ? LIMIT 1",
        [&](sqlite3_stmt* s) { bindText(s, 1, objectName); },
        [&](sqlite3_stmt*) { referenced = true; });
    if (!done) {
        return done.error();
    }
    return referenced;
}

ArchiveResult<void> SqliteArchiveIndex::dequeuePurged(std::string_view objectName) {
    return query(
        database(), "DELETE FROM purge_queue WHERE object_name = ?",
        [&](sqlite3_stmt* s) { bindText(s, 1, objectName); }, [](sqlite3_stmt*) {});
}

} // namespace tc::protocol

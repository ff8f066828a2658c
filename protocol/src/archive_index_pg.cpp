// The archive's index in the cluster's PostgreSQL database (cluster_schema.cpp, step 2: the
// archive_* tables, the SQLite index's tables renamed). Every call is one statement or one
// transaction; a lost connection fails the call (indexFailure) and the next call opens another.
// Several nodes share it: a record's row is locked (FOR UPDATE) while an upload replaces it, a
// commit is one conditional UPDATE, and two nodes starting on a new archive agree on its key
// check.

#include "pg_connection.hpp"
#include "tc/protocol/archive_index.hpp"

namespace tc::protocol {
namespace {

using detail::PgConnection;
using detail::PgParams;
using detail::PgResult;

// A record's columns with its chunk counts and stored bytes (columns 0 to 11).
#define TC_PG_RECORD_COLUMNS                                                                       \
    "SELECT r.record_id, r.owner_rpps, r.state, r.consent_care, r.consent_quality_review, "        \
    "r.created_unix_ms, r.committed_unix_ms, r.file_count, r.plain_bytes, "                        \
    "(SELECT count(*) FROM archive_chunks c WHERE c.record_id = r.record_id), "                    \
    "(SELECT count(c.object_name) FROM archive_chunks c WHERE c.record_id = r.record_id), "        \
    "(SELECT coalesce(sum(c.object_bytes), 0) FROM archive_chunks c "                              \
    "WHERE c.record_id = r.record_id) "

constexpr const char* kRecordSql = TC_PG_RECORD_COLUMNS
    ", r.wrapped_key, r.sealed_manifest FROM archive_records r WHERE r.record_id = $1";
constexpr const char* kListSql = TC_PG_RECORD_COLUMNS
    "FROM archive_records r WHERE r.state = $1 AND ($2::text IS NULL OR r.owner_rpps = $2) "
    "ORDER BY r.created_unix_ms, r.record_id";
#undef TC_PG_RECORD_COLUMNS

// The keyed ids of `chunks` as one parameter (decoded by kKeyedIds).
constexpr const char* kKeyedIds = "(SELECT decode(x, 'hex') FROM unnest(string_to_array($2, ',')) "
                                  "AS x)";

std::string keyedIdList(const std::vector<KeyedChunkId>& chunks) {
    std::vector<std::span<const std::uint8_t>> spans;
    spans.reserve(chunks.size());
    for (const auto& id : chunks) {
        spans.emplace_back(id);
    }
    return detail::pgHexList(spans);
}

std::uint64_t count(const PgResult& result, int row, int column) {
    const auto value = result.integer(row, column);
    return value > 0 ? static_cast<std::uint64_t>(value) : 0;
}

bool flag(const PgResult& result, int row, int column) {
    return result.text(row, column) == "t";
}

// Columns 0 to 11 of the record columns.
IndexedRecord recordRow(const PgResult& result, int row) {
    IndexedRecord r;
    r.recordId = std::string(result.text(row, 0));
    r.ownerRpps = std::string(result.text(row, 1));
    r.state = result.text(row, 2) == "committed" ? RecordState::committed : RecordState::pending;
    r.consent.care = flag(result, row, 3);
    r.consent.qualityReview = flag(result, row, 4);
    r.createdUnixMs = result.integer(row, 5);
    r.committedUnixMs = result.integer(row, 6);
    r.fileCount = count(result, row, 7);
    r.plainBytes = count(result, row, 8);
    r.chunkCount = count(result, row, 9);
    r.chunksStored = count(result, row, 10);
    r.storedBytes = count(result, row, 11);
    return r;
}

ArchiveResult<IndexedChunk> chunkRow(const PgResult& result, int row) {
    IndexedChunk c;
    const auto id = detail::parsePgBytea(result.text(row, 0));
    if (!id || id->size() != c.keyedId.size()) {
        return archiveFailure(ArchiveErrc::indexFailure, "a keyed chunk id is not 32 bytes");
    }
    std::copy(id->begin(), id->end(), c.keyedId.begin());
    c.objectName = std::string(result.text(row, 1));
    c.objectBytes = count(result, row, 2);
    return c;
}

const char* stateText(RecordState state) {
    return state == RecordState::committed ? "committed" : "pending";
}

class PgArchiveIndex final : public ArchiveIndex {
public:
    explicit PgArchiveIndex(std::string url)
        : m_link(std::move(url)) {}

    bool sharedAcrossProcesses() const noexcept override { return true; }

    ArchiveResult<std::optional<ArchiveBytes>> keyCheck() override {
        auto result = query("SELECT value FROM archive_meta WHERE name = 'key_check'", {});
        if (!result) {
            return result.error();
        }
        if (result->rows() == 0) {
            return std::optional<ArchiveBytes>();
        }
        auto value = detail::parsePgBytea(result->text(0, 0));
        if (!value) {
            return archiveFailure(ArchiveErrc::indexFailure, "the key check is not bytea");
        }
        return std::optional<ArchiveBytes>(std::move(*value));
    }

    ArchiveResult<void> setKeyCheck(const ArchiveBytes& value) override {
        // Nodes starting together on a new archive: the first sets it, the others find the
        // same value (the same archive key) or a different one (another key: refused).
        auto inserted = query("INSERT INTO archive_meta (name, value) VALUES ('key_check', $1) "
                              "ON CONFLICT (name) DO NOTHING RETURNING name",
                              {detail::pgByteaLiteral(value)});
        if (!inserted) {
            return inserted.error();
        }
        if (inserted->rows() == 1) {
            return {};
        }
        auto stored = keyCheck();
        if (!stored) {
            return stored.error();
        }
        if (*stored == std::optional<ArchiveBytes>(value)) {
            return {};
        }
        return archiveFailure(ArchiveErrc::wrongArchiveKey,
                              "another node set the archive's key check with another key");
    }

    ArchiveResult<std::optional<IndexedRecord>> record(std::string_view recordId) override {
        auto result = query(kRecordSql, {std::string(recordId)});
        if (!result) {
            return result.error();
        }
        if (result->rows() == 0) {
            return std::optional<IndexedRecord>();
        }
        IndexedRecord r = recordRow(*result, 0);
        auto key = detail::parsePgBytea(result->text(0, 12));
        auto manifest = detail::parsePgBytea(result->text(0, 13));
        if (!key || !manifest) {
            return archiveFailure(ArchiveErrc::indexFailure, "a record's key or manifest");
        }
        r.wrappedKey = std::move(*key);
        r.sealedManifest = std::move(*manifest);
        return std::optional<IndexedRecord>(std::move(r));
    }

    ArchiveResult<void> beginUpload(const IndexedRecord& record,
                                    const std::vector<KeyedChunkId>& chunks) override {
        return transaction([&](PgConnection& c) -> ArchiveResult<void> {
            // The row stays locked until COMMIT: another node's upload of the same id waits.
            auto existing = c.exec("SELECT state FROM archive_records WHERE record_id = $1 "
                                   "FOR UPDATE",
                                   {record.recordId});
            if (!existing) {
                return failed(c, "record");
            }
            if (existing->rows() == 1 && existing->text(0, 0) == "committed") {
                return archiveFailure(ArchiveErrc::manifestConflict,
                                      "record " + record.recordId + " is committed");
            }
            const PgParams id{record.recordId};
            if (!c.exec("DELETE FROM archive_chunks WHERE record_id = $1", id) ||
                !c.exec("DELETE FROM archive_records WHERE record_id = $1 AND state = 'pending'",
                        id)) {
                return failed(c, "replace a pending upload");
            }
            if (!c.exec("INSERT INTO archive_records (record_id, owner_rpps, state, consent_care, "
                        "consent_quality_review, created_unix_ms, committed_unix_ms, file_count, "
                        "plain_bytes, wrapped_key, sealed_manifest) VALUES ($1, $2, 'pending', "
                        "$3, $4, $5, 0, $6, $7, $8, $9)",
                        {record.recordId, record.ownerRpps, record.consent.care ? "t" : "f",
                         record.consent.qualityReview ? "t" : "f",
                         std::to_string(record.createdUnixMs), std::to_string(record.fileCount),
                         std::to_string(record.plainBytes),
                         detail::pgByteaLiteral(record.wrappedKey),
                         detail::pgByteaLiteral(record.sealedManifest)})) {
                return failed(c, "insert record");
            }
            if (!chunks.empty() &&
                !c.exec(std::string("INSERT INTO archive_chunks (record_id, keyed_id) SELECT $1, "
                                    "k FROM ") +
                            kKeyedIds + " AS ids(k)",
                        {record.recordId, keyedIdList(chunks)})) {
                return failed(c, "insert chunks");
            }
            return {};
        });
    }

    ArchiveResult<std::vector<IndexedChunk>> chunks(std::string_view recordId) override {
        auto result = query("SELECT keyed_id, object_name, object_bytes FROM archive_chunks "
                            "WHERE record_id = $1",
                            {std::string(recordId)});
        if (!result) {
            return result.error();
        }
        std::vector<IndexedChunk> chunks;
        chunks.reserve(static_cast<std::size_t>(result->rows()));
        for (int row = 0; row < result->rows(); ++row) {
            auto c = chunkRow(*result, row);
            if (!c) {
                return c.error();
            }
            chunks.push_back(std::move(*c));
        }
        return chunks;
    }

    ArchiveResult<std::optional<IndexedChunk>> chunk(std::string_view recordId,
                                                     const KeyedChunkId& keyedId) override {
        auto result = query("SELECT keyed_id, object_name, object_bytes FROM archive_chunks "
                            "WHERE record_id = $1 AND keyed_id = $2",
                            {std::string(recordId), detail::pgByteaLiteral(keyedId)});
        if (!result) {
            return result.error();
        }
        if (result->rows() == 0) {
            return std::optional<IndexedChunk>();
        }
        auto c = chunkRow(*result, 0);
        if (!c) {
            return c.error();
        }
        return std::optional<IndexedChunk>(std::move(*c));
    }

    ArchiveResult<bool> markStored(std::string_view recordId, const KeyedChunkId& keyedId,
                                   std::string_view objectName,
                                   std::uint64_t objectBytes) override {
        auto result = query("UPDATE archive_chunks SET object_name = $1, object_bytes = $2 "
                            "WHERE record_id = $3 AND keyed_id = $4 RETURNING 1",
                            {std::string(objectName), std::to_string(objectBytes),
                             std::string(recordId), detail::pgByteaLiteral(keyedId)});
        if (!result) {
            return result.error();
        }
        return result->rows() == 1;
    }

    ArchiveResult<std::uint64_t> missingCount(std::string_view recordId) override {
        auto result = query("SELECT count(*) FROM archive_chunks WHERE record_id = $1 AND "
                            "object_name IS NULL",
                            {std::string(recordId)});
        if (!result) {
            return result.error();
        }
        return count(*result, 0, 0);
    }

    ArchiveResult<std::uint64_t> commit(std::string_view recordId, std::int64_t atUnixMs) override {
        return transaction([&](PgConnection& c) -> ArchiveResult<std::uint64_t> {
            const std::string id(recordId);
            auto locked =
                c.exec("SELECT 1 FROM archive_records WHERE record_id = $1 FOR UPDATE", {id});
            auto missing = c.exec("SELECT count(*) FROM archive_chunks WHERE record_id = $1 AND "
                                  "object_name IS NULL",
                                  {id});
            if (!locked || !missing) {
                return failed(c, "missing count");
            }
            if (const auto n = count(*missing, 0, 0); n != 0) {
                return n;
            }
            auto updated = c.exec("UPDATE archive_records SET state = 'committed', "
                                  "committed_unix_ms = $1 WHERE record_id = $2 AND state = "
                                  "'pending' RETURNING 1",
                                  {std::to_string(atUnixMs), id});
            if (!updated) {
                return failed(c, "commit");
            }
            if (updated->rows() != 1) {
                return archiveFailure(ArchiveErrc::unknownUpload, "no pending upload " + id);
            }
            return std::uint64_t{0};
        });
    }

    ArchiveResult<std::vector<IndexedRecord>>
    list(RecordState state, std::optional<std::string_view> ownerRpps) override {
        auto result =
            query(kListSql,
                  {stateText(state),
                   ownerRpps ? std::optional<std::string>(std::string(*ownerRpps)) : std::nullopt});
        if (!result) {
            return result.error();
        }
        std::vector<IndexedRecord> records;
        records.reserve(static_cast<std::size_t>(result->rows()));
        for (int row = 0; row < result->rows(); ++row) {
            records.push_back(recordRow(*result, row));
        }
        return records;
    }

    ArchiveResult<std::uint64_t> ownerBytes(std::string_view ownerRpps,
                                            std::string_view exceptRecordId) override {
        auto result = query("SELECT coalesce(sum(plain_bytes), 0) FROM archive_records "
                            "WHERE owner_rpps = $1 AND record_id <> $2",
                            {std::string(ownerRpps), std::string(exceptRecordId)});
        if (!result) {
            return result.error();
        }
        return count(*result, 0, 0);
    }

    ArchiveResult<std::vector<std::string>>
    purgeCandidates(std::int64_t committedBeforeUnixMs) override {
        auto result = query("SELECT r.record_id FROM archive_records r WHERE r.state = "
                            "'committed' AND r.committed_unix_ms < $1 AND NOT EXISTS (SELECT 1 "
                            "FROM archive_purged_records p WHERE p.record_id = r.record_id) "
                            "ORDER BY r.committed_unix_ms, r.record_id",
                            {std::to_string(committedBeforeUnixMs)});
        return column(result);
    }

    ArchiveResult<std::map<std::uint32_t, std::int64_t>>
    purgedFiles(std::string_view recordId) override {
        auto result = query("SELECT file_index, purged_unix_ms FROM archive_purged_files WHERE "
                            "record_id = $1",
                            {std::string(recordId)});
        if (!result) {
            return result.error();
        }
        std::map<std::uint32_t, std::int64_t> files;
        for (int row = 0; row < result->rows(); ++row) {
            files.emplace(static_cast<std::uint32_t>(result->integer(row, 0)),
                          result->integer(row, 1));
        }
        return files;
    }

    ArchiveResult<void> markPurged(std::string_view recordId,
                                   const std::vector<std::uint32_t>& fileIndexes,
                                   const std::vector<KeyedChunkId>& chunks,
                                   std::int64_t atUnixMs) override {
        std::string indexes;
        for (const auto index : fileIndexes) {
            indexes += (indexes.empty() ? "" : ",") + std::to_string(index);
        }
        const std::string id(recordId);
        const std::string at = std::to_string(atUnixMs);
        return transaction([&](PgConnection& c) -> ArchiveResult<void> {
            // A second node purging the same record fails here (primary key), before it
            // touches a chunk.
            if (!c.exec("INSERT INTO archive_purged_records (record_id, purged_unix_ms, "
                        "file_count) VALUES ($1, $2, $3)",
                        {id, at, std::to_string(fileIndexes.size())}) ||
                !c.exec("INSERT INTO archive_purged_files (record_id, file_index, "
                        "purged_unix_ms) SELECT $1, unnest(string_to_array($2, ',')::bigint[]), "
                        "$3",
                        {id, indexes, at})) {
                return failed(c, "purged files");
            }
            const PgParams chunkParams{id, keyedIdList(chunks)};
            if (!c.exec(std::string("INSERT INTO archive_purge_queue (object_name) SELECT "
                                    "object_name FROM archive_chunks WHERE record_id = $1 AND "
                                    "object_name IS NOT NULL AND keyed_id IN ") +
                            kKeyedIds + " ON CONFLICT DO NOTHING",
                        chunkParams) ||
                !c.exec(std::string("UPDATE archive_chunks SET object_name = NULL, object_bytes "
                                    "= 0 WHERE record_id = $1 AND keyed_id IN ") +
                            kKeyedIds,
                        chunkParams)) {
                return failed(c, "purged chunks");
            }
            return {};
        });
    }

    ArchiveResult<std::vector<std::string>> purgeQueue() override {
        auto result = query("SELECT object_name FROM archive_purge_queue ORDER BY object_name", {});
        return column(result);
    }

    ArchiveResult<bool> objectReferenced(std::string_view objectName) override {
        auto result = query("SELECT 1 FROM archive_chunks WHERE object_name = $1 LIMIT 1",
                            {std::string(objectName)});
        if (!result) {
            return result.error();
        }
        return result->rows() > 0;
    }

    ArchiveResult<void> dequeuePurged(std::string_view objectName) override {
        auto result = query("DELETE FROM archive_purge_queue WHERE object_name = $1",
                            {std::string(objectName)});
        if (!result) {
            return result.error();
        }
        return {};
    }

private:
    ArchiveFailure failed(PgConnection& c, std::string_view what) const {
        return archiveFailure(ArchiveErrc::indexFailure, std::string(what) + ": " + c.lastError());
    }

    ArchiveResult<PgResult> query(const char* sql, const PgParams& params) {
        std::string why;
        auto result = m_link.exec(sql, params, why);
        if (!result) {
            return archiveFailure(ArchiveErrc::indexFailure, "PostgreSQL: " + why);
        }
        return std::move(*result);
    }

    template <class Body>
    auto transaction(Body body) -> decltype(body(std::declval<PgConnection&>())) {
        return m_link.transaction(body, [](const std::string& why) {
            return archiveFailure(ArchiveErrc::indexFailure, "PostgreSQL: " + why);
        });
    }

    static ArchiveResult<std::vector<std::string>> column(const ArchiveResult<PgResult>& result) {
        if (!result) {
            return result.error();
        }
        std::vector<std::string> values;
        values.reserve(static_cast<std::size_t>(result->rows()));
        for (int row = 0; row < result->rows(); ++row) {
            values.emplace_back(result->text(row, 0));
        }
        return values;
    }

    detail::PgLink m_link;
};

} // namespace

ArchiveResult<std::unique_ptr<ArchiveIndex>> openPostgresArchiveIndex(const std::string& url) {
    auto index = std::make_unique<PgArchiveIndex>(url);
    // Connects and migrates now: a wrong URL is found at start-up, not at the first upload.
    if (auto check = index->keyCheck(); !check) {
        return check.error();
    }
    return std::unique_ptr<ArchiveIndex>(std::move(index));
}

} // namespace tc::protocol

// The audit log in the cluster's PostgreSQL database (cluster_schema.cpp, step 2: audit_entries
// and audit_checkpoints): the nodes append to one chain, one node at a time (a transaction
// advisory lock), each commit on disk before it is acknowledged.

#include "audit_log_internal.hpp"
#include "cluster_schema.hpp"
#include "pg_connection.hpp"

#include <limits>

namespace tc::protocol::audit {
namespace {

using detail::PgConnection;
using detail::PgParams;
using detail::PgResult;

// Held from an append's head read to its commit, by whichever node appends. The migration's is
// 5117346211, the command log's 5117346212.
constexpr const char* kBeginAppend = "BEGIN ISOLATION LEVEL READ COMMITTED;"
                                     "SELECT pg_advisory_xact_lock(5117346213)";

// The cluster schema's step that made audit_entries and audit_checkpoints.
constexpr std::int64_t kFirstAuditSchema = 2;

// Rows a read of the whole log (verify) fetches at a time.
constexpr int kWalkPage = 1000;

std::string selectEntries(std::string_view rest) {
    return std::string("SELECT sequence, at_unix_ms, actor_role, actor_id, action, record_id, "
                       "detail, prev_hash, hash ") +
           std::string(rest);
}

// The bytes of a bytea column; its text as is when it does not parse (verify then finds a hash
// that is not 32 bytes).
std::string byteaColumn(const PgResult& result, int row, int column) {
    const auto text = result.text(row, column);
    if (const auto bytes = detail::parsePgBytea(text)) {
        return std::string(bytes->begin(), bytes->end());
    }
    return std::string(text);
}

std::string byteaParam(std::string_view bytes) {
    return detail::pgByteaLiteral(
        {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

RawEntry readEntry(const PgResult& r, int row) {
    return rawEntry(r.integer(row, 0), r.integer(row, 1), std::string(r.text(row, 2)),
                    std::string(r.text(row, 3)), std::string(r.text(row, 4)),
                    std::string(r.text(row, 5)), std::string(r.text(row, 6)),
                    byteaColumn(r, row, 7), byteaColumn(r, row, 8));
}

class PgStore final : public Store {
public:
    static AuditResult<std::unique_ptr<Store>> open(const std::string& url, bool readOnly);

    AuditResult<void> beginAppend() override;
    AuditResult<void> insertEntry(const AuditEntry& entry) override;
    AuditResult<void> commitAppend() override;
    void rollbackAppend() override { endTransaction("ROLLBACK"); }
    AuditResult<Head> head() override {
        return retrying([&] { return readHead(); });
    }
    AuditResult<std::int64_t> lastCheckpointSequence() override;
    AuditResult<void> insertCheckpoint(const StoredCheckpoint& checkpoint) override;
    AuditResult<std::vector<AuditEntry>> query(Query query, std::string_view key,
                                               std::int64_t cursor, std::size_t count) override;

    AuditResult<void> beginRead() override;
    void endRead() override { static_cast<void>(endTransaction("COMMIT")); }
    AuditResult<void> forEachEntry(const std::function<bool(const RawEntry&)>& visit) override;
    AuditResult<std::vector<ChainLink>> links() override;
    AuditResult<void>
    forEachCheckpoint(const std::function<bool(const StoredCheckpoint&)>& visit) override;
    AuditResult<std::optional<std::string>> entryHash(std::int64_t sequence) override;

private:
    explicit PgStore(std::string url)
        : m_url(std::move(url)) {}

    AuditFailure failure(std::string_view what) const {
        return auditFailure(AuditErrc::storageFailure,
                            "PostgreSQL: " + std::string(what) +
                                (m_connection ? ": " + m_connection->lastError() : ""));
    }
    // A live connection: the one there is, or a new one when it was lost.
    AuditResult<void> connect();
    AuditResult<PgResult> exec(std::string_view what, const std::string& sql,
                               const PgParams& params = {}) {
        auto result = m_connection->exec(sql, params);
        if (!result) {
            return failure(what);
        }
        return std::move(*result);
    }
    AuditResult<void> script(std::string_view what, const std::string& sql) {
        if (!m_connection->script(sql)) {
            return failure(what);
        }
        return {};
    }
    // Runs `work` on a live connection; when a connection used before turns out to be lost
    // (PostgreSQL restarted since the last call), once more on a new one. `work` is read-only or
    // fails before it changed anything; within a transaction nothing is repeated (a new
    // connection would not have its lock or its snapshot).
    template <class Work> auto retrying(Work work) -> decltype(work()) {
        for (int attempt = 0;; ++attempt) {
            const bool reused = m_connection && m_connection->healthy();
            if (auto connected = connect(); !connected) {
                return connected.error();
            }
            auto result = work();
            if (result || !reused || attempt > 0 || m_inTransaction || m_connection->healthy()) {
                return result;
            }
        }
    }
    AuditResult<Head> readHead();
    // `select` (sequence first) WHERE sequence > the last one seen, kWalkPage rows at a time,
    // each row to `visit` until it returns false.
    AuditResult<void> walk(std::string_view what, std::string_view select,
                           const std::function<bool(const PgResult&, int)>& visit);
    // COMMIT or ROLLBACK of an append's or verify's transaction.
    AuditResult<void> endTransaction(const char* sql);

    std::string m_url;
    std::optional<PgConnection> m_connection;
    bool m_inTransaction = false;
};

AuditResult<void> PgStore::connect() {
    if (m_connection && m_connection->healthy()) {
        return {};
    }
    m_connection.reset();
    std::string why;
    auto opened = PgConnection::open(m_url, why);
    if (!opened) {
        return auditFailure(AuditErrc::storageFailure, "PostgreSQL: " + why);
    }
    // Whatever the server's defaults: a commit is on disk before it returns (durable before the
    // access it records is served), and bytea comes back in hex.
    if (!opened->script("SET synchronous_commit = on; SET bytea_output = hex")) {
        return auditFailure(AuditErrc::storageFailure,
                            "PostgreSQL: session settings: " + opened->lastError());
    }
    m_connection.emplace(std::move(*opened));
    return {};
}

AuditResult<std::unique_ptr<Store>> PgStore::open(const std::string& url, bool readOnly) {
    std::unique_ptr<PgStore> store(new PgStore(url));
    if (auto connected = store->connect(); !connected) {
        return connected.error();
    }
    auto& connection = *store->m_connection;
    if (!readOnly) {
        std::string why;
        if (const auto migrated = detail::migrateClusterSchema(connection, why); !migrated) {
            return auditFailure(migrated.error() == make_error_code(ClusterErrc::schemaTooNew)
                                    ? AuditErrc::notAnAuditLog
                                    : AuditErrc::storageFailure,
                                "PostgreSQL: schema: " + why);
        }
        return std::unique_ptr<Store>(std::move(store));
    }
    // Read-only changes nothing: the schema must already hold the audit tables.
    const auto version = connection.exec("SELECT version FROM schema_version");
    if (!version && !connection.healthy()) {
        return store->failure("schema version");
    }
    const auto at = version && version->rows() == 1 ? version->integer(0, 0) : 0;
    if (at < kFirstAuditSchema || at > detail::kClusterSchemaVersion) {
        return auditFailure(AuditErrc::notAnAuditLog,
                            "the database's telecabine schema is at version " + std::to_string(at) +
                                ": the audit log needs " + std::to_string(kFirstAuditSchema) +
                                " to " + std::to_string(detail::kClusterSchemaVersion));
    }
    return std::unique_ptr<Store>(std::move(store));
}

AuditResult<Head> PgStore::readHead() {
    auto last = exec("last entry",
                     "SELECT sequence, hash FROM audit_entries ORDER BY sequence DESC LIMIT 1");
    if (!last) {
        return last.error();
    }
    if (last->rows() == 0) {
        return Head{0, AuditHash{}};
    }
    const auto sequence = last->integer(0, 0);
    const auto hash = hashFromBytes(byteaColumn(*last, 0, 1));
    if (!hash) {
        return auditFailure(AuditErrc::changed, "the last entry's hash is not 32 bytes", sequence);
    }
    return Head{sequence, *hash};
}

AuditResult<void> PgStore::beginAppend() {
    // Nothing is written before the lock is held: this step alone of an append may be retried.
    // The head is read by a statement of its own after the lock's: under READ COMMITTED its
    // snapshot is taken with the lock held, and holds the previous writer's commit, whichever
    // node made it.
    auto begun = retrying([&] { return script("begin", kBeginAppend); });
    m_inTransaction = static_cast<bool>(begun);
    return begun;
}

AuditResult<void> PgStore::insertEntry(const AuditEntry& entry) {
    const auto& event = entry.event;
    auto inserted =
        exec("insert entry",
             "INSERT INTO audit_entries (sequence, at_unix_ms, actor_role, actor_id, "
             "action, record_id, detail, prev_hash, hash) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
             {std::to_string(entry.sequence), std::to_string(event.atUnixMs),
              std::string(toString(event.actorRole)), event.actorId,
              std::string(wireName(event.action)), event.recordId, event.detailJson,
              detail::pgByteaLiteral(entry.prevHash), detail::pgByteaLiteral(entry.hash)});
    if (!inserted) {
        return inserted.error();
    }
    return {};
}

AuditResult<void> PgStore::commitAppend() {
    // Lost here, the commit may or may not have happened: the caller is told it failed (and
    // refuses the access); the chain is whole either way.
    return endTransaction("COMMIT");
}

AuditResult<std::int64_t> PgStore::lastCheckpointSequence() {
    return retrying([&]() -> AuditResult<std::int64_t> {
        auto last =
            exec("last checkpoint", "SELECT coalesce(max(sequence), 0) FROM audit_checkpoints");
        if (!last) {
            return last.error();
        }
        return last->integer(0, 0);
    });
}

AuditResult<void> PgStore::insertCheckpoint(const StoredCheckpoint& c) {
    // Two nodes may sign the same head: the first checkpoint stays, the second is not needed.
    return retrying([&]() -> AuditResult<void> {
        auto inserted =
            exec("insert checkpoint",
                 "INSERT INTO audit_checkpoints (sequence, hash, signed_at_unix_ms, signature, "
                 "certificate) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sequence) DO NOTHING",
                 {std::to_string(c.sequence), byteaParam(c.hash), std::to_string(c.signedAtUnixMs),
                  byteaParam(c.signature), c.certificatePem});
        if (!inserted) {
            return inserted.error();
        }
        return {};
    });
}

AuditResult<std::vector<AuditEntry>> PgStore::query(Query query, std::string_view key,
                                                    std::int64_t cursor, std::size_t count) {
    const auto sql = selectEntries(
        query == Query::byRecord
            ? "FROM audit_entries WHERE record_id = $1 AND sequence > $2 ORDER BY sequence "
              "LIMIT $3"
        : query == Query::byActor
            ? "FROM audit_entries WHERE actor_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3"
            : "FROM audit_entries WHERE actor_id = $1 AND sequence < $2 ORDER BY sequence DESC "
              "LIMIT $3");
    return retrying([&]() -> AuditResult<std::vector<AuditEntry>> {
        auto rows =
            exec("query", sql, {std::string(key), std::to_string(cursor), std::to_string(count)});
        if (!rows) {
            return rows.error();
        }
        std::vector<AuditEntry> entries;
        for (int row = 0; row < rows->rows(); ++row) {
            entries.push_back(readEntry(*rows, row).entry);
        }
        return entries;
    });
}

AuditResult<void> PgStore::beginRead() {
    // One snapshot for the whole of verify, while the nodes go on appending.
    auto begun = retrying(
        [&] { return script("begin", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); });
    m_inTransaction = static_cast<bool>(begun);
    return begun;
}

AuditResult<void> PgStore::endTransaction(const char* sql) {
    m_inTransaction = false;
    if (!m_connection || !m_connection->healthy()) {
        return failure("connection lost");
    }
    return script(sql, sql);
}

AuditResult<void> PgStore::walk(std::string_view what, std::string_view select,
                                const std::function<bool(const PgResult&, int)>& visit) {
    const auto sql = std::string(select) + " WHERE sequence > $1 ORDER BY sequence LIMIT " +
                     std::to_string(kWalkPage);
    std::int64_t after = std::numeric_limits<std::int64_t>::min();
    for (;;) {
        auto rows = retrying([&] { return exec(what, sql, {std::to_string(after)}); });
        if (!rows) {
            return rows.error();
        }
        for (int row = 0; row < rows->rows(); ++row) {
            if (!visit(*rows, row)) {
                return {};
            }
            after = rows->integer(row, 0);
        }
        if (rows->rows() < kWalkPage) {
            return {};
        }
    }
}

AuditResult<void> PgStore::forEachEntry(const std::function<bool(const RawEntry&)>& visit) {
    return walk("entries", selectEntries("FROM audit_entries"),
                [&](const PgResult& rows, int row) { return visit(readEntry(rows, row)); });
}

AuditResult<std::vector<ChainLink>> PgStore::links() {
    auto rows = retrying(
        [&] { return exec("chain index", "SELECT sequence, prev_hash, hash FROM audit_entries"); });
    if (!rows) {
        return rows.error();
    }
    std::vector<ChainLink> links;
    links.reserve(static_cast<std::size_t>(rows->rows()));
    for (int row = 0; row < rows->rows(); ++row) {
        links.push_back(
            {rows->integer(row, 0), byteaColumn(*rows, row, 1), byteaColumn(*rows, row, 2)});
    }
    return links;
}

AuditResult<void>
PgStore::forEachCheckpoint(const std::function<bool(const StoredCheckpoint&)>& visit) {
    return walk("checkpoints",
                "SELECT sequence, hash, signed_at_unix_ms, signature, certificate "
                "FROM audit_checkpoints",
                [&](const PgResult& rows, int row) {
                    return visit({rows.integer(row, 0), byteaColumn(rows, row, 1),
                                  rows.integer(row, 2), byteaColumn(rows, row, 3),
                                  std::string(rows.text(row, 4))});
                });
}

AuditResult<std::optional<std::string>> PgStore::entryHash(std::int64_t sequence) {
    auto rows = retrying([&] {
        return exec("checkpoint entry", "SELECT hash FROM audit_entries WHERE sequence = $1",
                    {std::to_string(sequence)});
    });
    if (!rows) {
        return rows.error();
    }
    if (rows->rows() == 0) {
        return std::optional<std::string>();
    }
    return std::optional<std::string>(byteaColumn(*rows, 0, 0));
}

} // namespace

AuditResult<std::unique_ptr<Store>> openPgStore(const std::string& url, bool readOnly) {
    return PgStore::open(url, readOnly);
}

} // namespace tc::protocol::audit

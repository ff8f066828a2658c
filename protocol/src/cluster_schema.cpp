#include "cluster_schema.hpp"

#include <array>

namespace tc::protocol::detail {
namespace {

// Taken for the whole migration: nodes starting together migrate one after the other.
constexpr const char* kMigrationLock = "SELECT pg_advisory_lock(5117346211)";
constexpr const char* kMigrationUnlock = "SELECT pg_advisory_unlock(5117346211)";

// Step N brings version N-1 to N. Never edit a shipped step: add one.
constexpr std::array<const char*, kClusterSchemaVersion> kSteps = {
    // 1: the node registry, the command log, the event log.
    R"sql(
CREATE TABLE nodes (
    node_id    BIGSERIAL PRIMARY KEY,
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    seen_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    lost       BOOLEAN NOT NULL DEFAULT false
);
-- The state's source of truth: every change, in one total order (seq). Rows are inserted under
-- a transaction-level advisory lock, so that seq order is commit order and a reader that has
-- seen seq N has seen everything before it.
CREATE TABLE commands (
    seq        BIGSERIAL PRIMARY KEY,
    command_id TEXT NOT NULL UNIQUE,
    node_id    BIGINT NOT NULL,
    at_ms      BIGINT NOT NULL,
    seed       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    connection BIGINT NOT NULL,
    body       TEXT NOT NULL
);
CREATE TABLE events (
    sequence    BIGINT PRIMARY KEY,
    at_unix_ms  BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    visit_id    TEXT NOT NULL DEFAULT '',
    session_id  TEXT NOT NULL DEFAULT '',
    site_code   TEXT NOT NULL DEFAULT '',
    doctor_rpps TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    wait_ms     BIGINT,
    duration_ms BIGINT,
    detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_kind_time ON events (kind, at_unix_ms);
CREATE INDEX events_site_time ON events (site_code, at_unix_ms);
CREATE INDEX events_session ON events (session_id, kind);
)sql",
    // 2: the archive's index, the review index and the audit log, shared by the nodes (the
    // SQLite files' tables, prefixed; bytes as bytea); each node's settings.
    R"sql(
-- What every replica must agree on (cluster_log.cpp, registerNode): a node whose settings
-- differ from a live node's is refused.
ALTER TABLE nodes ADD COLUMN settings TEXT NOT NULL DEFAULT '';
CREATE TABLE archive_meta (
    name  TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);
CREATE TABLE archive_records (
    record_id              TEXT PRIMARY KEY,
    owner_rpps             TEXT NOT NULL,
    state                  TEXT NOT NULL CHECK (state IN ('pending', 'committed')),
    consent_care           BOOLEAN NOT NULL,
    consent_quality_review BOOLEAN NOT NULL,
    created_unix_ms        BIGINT NOT NULL,
    committed_unix_ms      BIGINT NOT NULL DEFAULT 0,
    file_count             BIGINT NOT NULL,
    plain_bytes            BIGINT NOT NULL,
    wrapped_key            BYTEA NOT NULL,
    sealed_manifest        BYTEA NOT NULL
);
CREATE INDEX archive_records_owner_state ON archive_records (owner_rpps, state);
CREATE INDEX archive_records_state ON archive_records (state, created_unix_ms);
CREATE INDEX archive_records_committed ON archive_records (state, committed_unix_ms);
CREATE TABLE archive_chunks (
    record_id    TEXT NOT NULL REFERENCES archive_records (record_id) ON DELETE CASCADE,
    keyed_id     BYTEA NOT NULL CHECK (length(keyed_id) = 32),
    object_name  TEXT,
    object_bytes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (record_id, keyed_id)
);
CREATE INDEX archive_chunks_object ON archive_chunks (object_name);
CREATE TABLE archive_purged_records (
    record_id      TEXT PRIMARY KEY REFERENCES archive_records (record_id),
    purged_unix_ms BIGINT NOT NULL,
    file_count     BIGINT NOT NULL
);
CREATE TABLE archive_purged_files (
    record_id      TEXT NOT NULL REFERENCES archive_records (record_id),
    file_index     BIGINT NOT NULL,
    purged_unix_ms BIGINT NOT NULL,
    PRIMARY KEY (record_id, file_index)
);
CREATE TABLE archive_purge_queue (
    object_name TEXT PRIMARY KEY
);
CREATE TABLE review_records (
    record_id TEXT PRIMARY KEY, site TEXT NOT NULL, doctor_rpps TEXT NOT NULL,
    visit_id TEXT NOT NULL, checkin_ms BIGINT NOT NULL, claim_ms BIGINT NOT NULL,
    start_ms BIGINT NOT NULL, end_ms BIGINT NOT NULL,
    wait_ms BIGINT NOT NULL, duration_ms BIGINT NOT NULL,
    end_reason TEXT NOT NULL, orientation TEXT NOT NULL,
    incident_count BIGINT NOT NULL, prescription_count BIGINT NOT NULL,
    age_band TEXT NOT NULL, sex TEXT NOT NULL,
    quality_review BOOLEAN NOT NULL, care BOOLEAN NOT NULL, committed_ms BIGINT NOT NULL
);
CREATE INDEX review_by_site_time ON review_records (site, start_ms);
CREATE INDEX review_by_doctor_time ON review_records (doctor_rpps, start_ms);
CREATE INDEX review_by_time ON review_records (start_ms, record_id);
CREATE INDEX events_ended ON events (at_unix_ms, site_code) WHERE kind = 'end';
CREATE INDEX events_cancelled ON events (at_unix_ms, site_code) WHERE kind = 'cancel';
CREATE INDEX events_satisfaction ON events (session_id, sequence) WHERE kind = 'satisfaction';
-- The audit chain: one sequence for the whole cluster (appends serialised by a transaction
-- advisory lock), each entry chained to the previous one whichever node wrote it.
CREATE TABLE audit_entries (
    sequence   BIGINT PRIMARY KEY,
    at_unix_ms BIGINT NOT NULL,
    actor_role TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    action     TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  BYTEA NOT NULL,
    hash       BYTEA NOT NULL
);
CREATE INDEX audit_entries_record ON audit_entries (record_id, sequence);
CREATE INDEX audit_entries_actor ON audit_entries (actor_id, sequence);
CREATE TABLE audit_checkpoints (
    sequence          BIGINT PRIMARY KEY,
    hash              BYTEA NOT NULL,
    signed_at_unix_ms BIGINT NOT NULL,
    signature         BYTEA NOT NULL,
    certificate       TEXT NOT NULL
);
)sql",
};

} // namespace

Result<void> migrateClusterSchema(PgConnection& connection, std::string& why) {
    const auto fail = [&](ClusterErrc code) {
        why = connection.lastError();
        static_cast<void>(connection.script("ROLLBACK"));
        static_cast<void>(connection.exec(kMigrationUnlock));
        return make_error_code(code);
    };
    if (!connection.exec(kMigrationLock)) {
        why = connection.lastError();
        return make_error_code(ClusterErrc::unreachable);
    }
    if (!connection.script("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
                           "INSERT INTO schema_version SELECT 0 WHERE NOT EXISTS "
                           "(SELECT 1 FROM schema_version)")) {
        return fail(ClusterErrc::migrationFailed);
    }
    const auto current = connection.exec("SELECT version FROM schema_version");
    if (!current || current->rows() != 1) {
        return fail(ClusterErrc::migrationFailed);
    }
    const auto version = current->integer(0, 0);
    if (version > kClusterSchemaVersion) {
        static_cast<void>(connection.exec(kMigrationUnlock));
        why = "the database is at schema version " + std::to_string(version) +
              ", this program knows up to " + std::to_string(kClusterSchemaVersion);
        return make_error_code(ClusterErrc::schemaTooNew);
    }
    for (auto step = version; step < kClusterSchemaVersion; ++step) {
        const std::string sql = std::string("BEGIN;") + kSteps[static_cast<std::size_t>(step)] +
                                "UPDATE schema_version SET version = " + std::to_string(step + 1) +
                                ";COMMIT;";
        if (!connection.script(sql)) {
            return fail(ClusterErrc::migrationFailed);
        }
    }
    if (!connection.exec(kMigrationUnlock)) {
        why = connection.lastError();
        return make_error_code(ClusterErrc::unreachable);
    }
    return {};
}

} // namespace tc::protocol::detail

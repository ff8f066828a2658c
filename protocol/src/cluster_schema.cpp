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

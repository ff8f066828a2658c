#pragma once
// The cluster database's schema, versioned: each node migrates it at start-up, one node at a
// time (an advisory lock), each step in its own transaction. A database newer than the program
// is refused (schema_too_new), never used.

#include "pg_connection.hpp"

namespace tc::protocol::detail {

inline constexpr int kClusterSchemaVersion = 2;

// Brings the schema to kClusterSchemaVersion. `why` says what failed.
Result<void> migrateClusterSchema(PgConnection& connection, std::string& why);

} // namespace tc::protocol::detail

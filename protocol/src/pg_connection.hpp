#pragma once
// One PostgreSQL connection through libpq, blocking: a cluster node uses these on its database
// threads only (cluster_log.hpp), never on the service's executor.

#include "tc/protocol/errc/cluster_errc.hpp"
#include "tc/protocol/errors.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace tc::protocol::detail {

class PgResult {
public:
    PgResult() = default;
    explicit PgResult(pg_result* result);
    int rows() const;
    bool isNull(int row, int column) const;
    std::string_view text(int row, int column) const;
    std::int64_t integer(int row, int column) const; // 0 for NULL or not a number

private:
    std::shared_ptr<pg_result> m_result;
};

using PgParams = std::vector<std::optional<std::string>>;

class PgConnection {
public:
    // `url`: a libpq connection URI (postgresql://user@host:port/db?...). A few seconds' connect
    // timeout unless the URI sets one.
    static Result<PgConnection> open(const std::string& url, std::string& why);

    PgConnection(PgConnection&&) noexcept = default;
    PgConnection& operator=(PgConnection&&) noexcept = default;
    ~PgConnection();

    // Runs one statement with text parameters ($1, $2...; nullopt is NULL). Fails with
    // `unreachable` when the connection is gone, `queryFailed` otherwise; lastError() says why.
    Result<PgResult> exec(const std::string& sql, const PgParams& params = {});
    // Several statements without parameters (schema, BEGIN/COMMIT).
    Result<void> script(const std::string& sql);
    const std::string& lastError() const noexcept { return m_lastError; }
    bool healthy() const;
    int socket() const;
    // Reads what the server sent and returns the NOTIFY channels received since the last call.
    Result<std::vector<std::string>> takeNotifications();

private:
    explicit PgConnection(pg_conn* connection);
    boost::system::error_code failure();

    std::unique_ptr<pg_conn, void (*)(pg_conn*)> m_connection;
    std::string m_lastError;
};

// A connection opened on first use and opened again after it was lost: for the shared indexes
// (archive, review, audit), whose every call is one statement or one transaction and may fail
// while the server is away, the next call trying again. Not thread-safe: one owner serialises.
class PgLink {
public:
    explicit PgLink(std::string url);
    // The connection, opened (and the cluster schema migrated) if needed; `why` says why not.
    Result<PgConnection*> get(std::string& why);
    // Runs one statement; when the connection turns out to be lost (a server restart), opens
    // another and runs it once more. For statements that may run twice: reads, upserts,
    // conditional updates. `why` says what failed.
    Result<PgResult> exec(const std::string& sql, const PgParams& params, std::string& why);
    // Runs `body(connection)` between BEGIN and COMMIT, rolling back when it fails. A body's
    // failure comes back as it is; no connection, or BEGIN or COMMIT failing, as
    // `fail(why)`.
    template <class Body, class Fail>
    auto transaction(Body body, Fail fail) -> decltype(body(std::declval<PgConnection&>()));

private:
    std::string m_url;
    std::optional<PgConnection> m_connection;
};

// A list of bytea values as one text parameter: hex strings joined by ',' (the SQL side
// decodes with decode(x, 'hex') over unnest(string_to_array($n, ','))).
std::string pgHexList(const std::vector<std::span<const std::uint8_t>>& values);

template <class Body, class Fail>
auto PgLink::transaction(Body body, Fail fail) -> decltype(body(std::declval<PgConnection&>())) {
    std::string why;
    auto connection = get(why);
    if (!connection) {
        return fail(why);
    }
    if (!(*connection)->script("BEGIN")) {
        // Lost before anything was sent: once more on a new connection.
        connection = get(why);
        if (!connection || !(*connection)->script("BEGIN")) {
            return fail(connection ? (*connection)->lastError() : why);
        }
    }
    auto& c = **connection;
    auto result = body(c);
    if (!result) {
        static_cast<void>(c.script("ROLLBACK"));
        return result;
    }
    if (!c.script("COMMIT")) {
        auto failure = fail(c.lastError());
        static_cast<void>(c.script("ROLLBACK"));
        return failure;
    }
    return result;
}

// Whether `database` names a PostgreSQL database (a postgresql:// or postgres:// URI) rather
// than an SQLite file.
bool isPostgresUrl(std::string_view database) noexcept;

// bytea through text parameters and results: the hex input form (backslash, x, two digits a byte),
// and a result's text in either output form (hex, or the older escape form a server may be set
// to with bytea_output). nullopt when the text is neither.
std::string pgByteaLiteral(std::span<const std::uint8_t> bytes);
std::optional<std::vector<std::uint8_t>> parsePgBytea(std::string_view text);

} // namespace tc::protocol::detail

#include "pg_connection.hpp"

#include "archive_crypto.hpp"
#include "cluster_schema.hpp"

#include <charconv>
#include <cstdlib>
#include <libpq-fe.h>

namespace tc::protocol::detail {

PgResult::PgResult(pg_result* result)
    : m_result(result, PQclear) {}

int PgResult::rows() const {
    return m_result ? PQntuples(m_result.get()) : 0;
}

bool PgResult::isNull(int row, int column) const {
    return !m_result || PQgetisnull(m_result.get(), row, column) != 0;
}

std::string_view PgResult::text(int row, int column) const {
    if (isNull(row, column)) {
        return {};
    }
    return {PQgetvalue(m_result.get(), row, column),
            static_cast<std::size_t>(PQgetlength(m_result.get(), row, column))};
}

std::int64_t PgResult::integer(int row, int column) const {
    const auto value = text(row, column);
    return value.empty() ? 0 : std::strtoll(std::string(value).c_str(), nullptr, 10);
}

bool isPostgresUrl(std::string_view database) noexcept {
    return database.starts_with("postgresql://") || database.starts_with("postgres://");
}

std::string pgByteaLiteral(std::span<const std::uint8_t> bytes) {
    return "\\x" + archive::toHex(bytes);
}

std::optional<std::vector<std::uint8_t>> parsePgBytea(std::string_view text) {
    std::vector<std::uint8_t> bytes;
    // Exactly `digits` digits of `base` at `at`, as one byte.
    const auto byteAt = [&](std::size_t at, std::size_t digits, int base) -> bool {
        unsigned value = 256;
        const auto* first = text.data() + at;
        const auto [end, error] = std::from_chars(first, first + digits, value, base);
        if (error != std::errc() || end != first + digits || value > 255) {
            return false;
        }
        bytes.push_back(static_cast<std::uint8_t>(value));
        return true;
    };
    if (text.starts_with("\\x")) {
        if (text.size() % 2 != 0) {
            return std::nullopt;
        }
        for (std::size_t i = 2; i < text.size(); i += 2) {
            if (!byteAt(i, 2, 16)) {
                return std::nullopt;
            }
        }
        return bytes;
    }
    // The escape form: two backslashes are one, a backslash and three octal digits a byte, any
    // other byte itself.
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            bytes.push_back(static_cast<std::uint8_t>(text[i]));
        } else if (i + 1 < text.size() && text[i + 1] == '\\') {
            bytes.push_back('\\');
            ++i;
        } else if (i + 3 < text.size() && byteAt(i + 1, 3, 8)) {
            i += 3;
        } else {
            return std::nullopt;
        }
    }
    return bytes;
}

PgConnection::PgConnection(pg_conn* connection)
    : m_connection(connection, PQfinish) {}

PgConnection::~PgConnection() = default;

Result<PgConnection> PgConnection::open(const std::string& url, std::string& why) {
    if (!isPostgresUrl(url)) {
        why = "not a postgresql:// URL";
        return make_error_code(ClusterErrc::invalidDatabase);
    }
    // A dead server must not hold a node for the kernel's TCP timeout.
    const std::string withTimeout =
        url.find("connect_timeout=") != std::string::npos
            ? url
            : url + (url.find('?') == std::string::npos ? "?" : "&") +
                  "connect_timeout=3&application_name=telecabine-rendezvous"
                  // A partitioned server is found within seconds, not the kernel's hours.
                  "&keepalives=1&keepalives_idle=2&keepalives_interval=1&keepalives_count=3";
    PgConnection connection(PQconnectdb(withTimeout.c_str()));
    if (!connection.m_connection || PQstatus(connection.m_connection.get()) != CONNECTION_OK) {
        why = connection.m_connection ? PQerrorMessage(connection.m_connection.get())
                                      : "out of memory";
        while (!why.empty() && why.back() == '\n') {
            why.pop_back();
        }
        return make_error_code(ClusterErrc::unreachable);
    }
    // The server's notices (an idempotent CREATE ... IF NOT EXISTS) are not errors: libpq
    // would print them on stderr.
    PQsetNoticeProcessor(
        connection.m_connection.get(), [](void*, const char*) {}, nullptr);
    return connection;
}

boost::system::error_code PgConnection::failure() {
    m_lastError = PQerrorMessage(m_connection.get());
    while (!m_lastError.empty() && m_lastError.back() == '\n') {
        m_lastError.pop_back();
    }
    return make_error_code(healthy() ? ClusterErrc::queryFailed : ClusterErrc::unreachable);
}

bool PgConnection::healthy() const {
    return m_connection && PQstatus(m_connection.get()) == CONNECTION_OK;
}

int PgConnection::socket() const {
    return m_connection ? PQsocket(m_connection.get()) : -1;
}

Result<PgResult> PgConnection::exec(const std::string& sql, const PgParams& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& param : params) {
        values.push_back(param ? param->c_str() : nullptr);
    }
    pg_result* raw = PQexecParams(m_connection.get(), sql.c_str(), static_cast<int>(values.size()),
                                  nullptr, values.data(), nullptr, nullptr, 0);
    PgResult result(raw);
    const auto status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        return failure(); // PQerrorMessage holds the statement's error too
    }
    return result;
}

Result<void> PgConnection::script(const std::string& sql) {
    pg_result* raw = PQexec(m_connection.get(), sql.c_str());
    const PgResult result(raw);
    const auto status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        return failure(); // PQerrorMessage holds the statement's error too
    }
    return {};
}

Result<std::vector<std::string>> PgConnection::takeNotifications() {
    if (PQconsumeInput(m_connection.get()) == 0) {
        return failure();
    }
    std::vector<std::string> channels;
    while (PGnotify* notify = PQnotifies(m_connection.get())) {
        channels.emplace_back(notify->relname);
        PQfreemem(notify);
    }
    return channels;
}

PgLink::PgLink(std::string url)
    : m_url(std::move(url)) {}

Result<PgConnection*> PgLink::get(std::string& why) {
    if (m_connection && !m_connection->healthy()) {
        m_connection.reset(); // lost: a server restart, a network cut
    }
    if (!m_connection) {
        auto opened = PgConnection::open(m_url, why);
        if (!opened) {
            return opened.error();
        }
        if (auto migrated = migrateClusterSchema(*opened, why); !migrated) {
            return migrated.error();
        }
        m_connection.emplace(std::move(*opened));
    }
    return &*m_connection;
}

Result<PgResult> PgLink::exec(const std::string& sql, const PgParams& params, std::string& why) {
    for (int attempt = 0;; ++attempt) {
        auto connection = get(why);
        if (!connection) {
            return connection.error();
        }
        auto result = (*connection)->exec(sql, params);
        if (result || attempt == 1 || (*connection)->healthy()) {
            if (!result) {
                why = (*connection)->lastError();
            }
            return result;
        }
    }
}

std::string pgHexList(const std::vector<std::span<const std::uint8_t>>& values) {
    std::string list;
    for (const auto& value : values) {
        if (!list.empty()) {
            list.push_back(',');
        }
        list += archive::toHex(value);
    }
    return list;
}

} // namespace tc::protocol::detail

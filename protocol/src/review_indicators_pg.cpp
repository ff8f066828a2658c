// The indicators' source in the cluster's PostgreSQL database: the cluster's `events` and the
// shared review_records (cluster_schema.cpp), read on a connection of its own, in one
// repeatable-read transaction so that every figure sees the same rows (not READ ONLY: the
// temporary tables are written), never committed.

#include "pg_connection.hpp"
#include "review_indicators_source.hpp"

#include <nlohmann/json.hpp>

namespace tc::protocol::detail {
namespace {

// $1 from, $2 to, $3 the sites as a JSON array.
constexpr const char* kPeriodFilter =
    "at_unix_ms >= $1 AND at_unix_ms < $2 AND site_code IN (SELECT json_array_elements_text($3"
    "::json))";
// A score that is not a small integer counts as no answer (SQLite's CAST gives 0, which the
// 1-to-5 filter drops too).
constexpr const char* kScoreOf =
    "(SELECT CASE WHEN a.detail::json->>'score' ~ '^[0-9]{1,6}$' THEN (a.detail::json->>'score')"
    "::int END FROM events a WHERE a.kind = 'satisfaction' AND a.session_id = e.session_id ORDER "
    "BY a.sequence LIMIT 1)";

class PgRow final : public IndicatorRow {
public:
    PgRow(const PgResult& result, int row)
        : m_result(result)
        , m_row(row) {}
    std::string text(int column) const override {
        return std::string(m_result.text(m_row, column));
    }
    std::optional<std::int64_t> number(int column) const override {
        if (m_result.isNull(m_row, column)) {
            return std::nullopt;
        }
        return m_result.integer(m_row, column);
    }

private:
    const PgResult& m_result;
    int m_row;
};

class PgSource final : public IndicatorSource {
public:
    explicit PgSource(PgConnection connection)
        : m_connection(std::move(connection)) {}

    bool prepare(const IndicatorPeriod& period, const std::vector<std::string>& sites) override {
        const PgParams params{std::to_string(period.fromUnixMs), std::to_string(period.toUnixMs),
                              nlohmann::json(sites).dump()};
        return m_connection.script("BEGIN ISOLATION LEVEL REPEATABLE READ") &&
               m_connection.script(
                   "CREATE TEMP TABLE ended (site TEXT, reason TEXT, wait_ms BIGINT, duration_ms "
                   "BIGINT, score INTEGER, indexed BOOLEAN, orientation TEXT, incident_count "
                   "BIGINT, prescription_count BIGINT); CREATE TEMP TABLE cancelled (site TEXT, "
                   "reason TEXT, wait_ms BIGINT)") &&
               m_connection.exec(
                   std::string("INSERT INTO ended SELECT e.site_code, e.reason, e.wait_ms, "
                               "e.duration_ms, ") +
                       kScoreOf +
                       ", r.record_id IS NOT NULL, r.orientation, r.incident_count, "
                       "r.prescription_count FROM events e LEFT JOIN review_records r ON "
                       "r.record_id = e.session_id WHERE e.kind = 'end' AND e." +
                       kPeriodFilter,
                   params) &&
               m_connection.exec(std::string("INSERT INTO cancelled SELECT site_code, reason, "
                                             "wait_ms FROM events WHERE kind = 'cancel' AND ") +
                                     kPeriodFilter,
                                 params);
    }

    bool each(const std::string& sql,
              const std::function<void(const IndicatorRow&)>& row) override {
        auto result = m_connection.exec(sql);
        if (!result) {
            return false;
        }
        for (int i = 0; i < result->rows(); ++i) {
            row(PgRow(*result, i));
        }
        return true;
    }

private:
    PgConnection m_connection;
};

} // namespace

std::unique_ptr<IndicatorSource> openPostgresIndicatorSource(const std::string& url) {
    std::string why;
    auto connection = PgConnection::open(url, why);
    if (!connection) {
        return nullptr;
    }
    return std::make_unique<PgSource>(std::move(*connection));
}

} // namespace tc::protocol::detail

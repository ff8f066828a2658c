#pragma once
// Where the indicators' SQL runs (review_indicators.cpp): the event log's SQLite file or the
// cluster's PostgreSQL database. A source fills two temporary tables with the period's rows;
// every figure is then plain SQL over them that both engines run.
//   ended(site, reason, wait_ms, duration_ms, score, indexed, orientation, incident_count,
//         prescription_count): the sessions that ended in the period at the sites
//   cancelled(site, reason, wait_ms): the visits cancelled before a claim in the period

#include "tc/protocol/review_indicators.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tc::protocol::detail {

class IndicatorRow {
public:
    virtual ~IndicatorRow() = default;
    virtual std::string text(int column) const = 0;
    virtual std::optional<std::int64_t> number(int column) const = 0; // nullopt: NULL
};

class IndicatorSource {
public:
    virtual ~IndicatorSource() = default;
    // Creates and fills `ended` and `cancelled`; false on a database error.
    virtual bool prepare(const IndicatorPeriod& period, const std::vector<std::string>& sites) = 0;
    // Calls `row` for each row of `sql`; false on a database error.
    virtual bool each(const std::string& sql,
                      const std::function<void(const IndicatorRow&)>& row) = 0;
};

// A source on its own connection to `url` (its temporary tables die with it); nullptr when
// the database cannot be reached.
std::unique_ptr<IndicatorSource> openPostgresIndicatorSource(const std::string& url);

} // namespace tc::protocol::detail

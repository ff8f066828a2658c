// The coordinators' indicators in SQL (review_indicators.hpp). Each query groups by site and
// also by "*" (every requested site together), so the all-sites percentiles are computed over
// the union of the values, never averaged from the sites'.
#include "tc/protocol/review_indicators.hpp"

#include "pg_connection.hpp"
#include "review_indicators_source.hpp"
#include "sqlite_handles.hpp"
#include "tc/prescriptions/consultation_report.hpp"
#include "tc/protocol/identity.hpp"
#include "tc/protocol/messages.hpp"

#include <array>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

namespace tc::protocol {

namespace {

using detail::DbPtr;
using detail::IndicatorRow;
using detail::IndicatorSource;
using nlohmann::json;

constexpr const char* kAllSites = "*";

// One pass over the event log's covering indexes (event_log.cpp: events_ended,
// events_cancelled, events_satisfaction; named, so that the plan never depends on statistics)
// copies the period's consultations and cancellations into two small temporary tables; every
// figure is then an aggregate over them. ?1 from, ?2 to, ?3 the sites as a JSON array.
constexpr const char* kPeriodFilter =
    "at_unix_ms >= ?1 AND at_unix_ms < ?2 AND site_code IN (SELECT value FROM json_each(?3))";
const std::string kScoreOf =
    "(SELECT CAST(json_extract(a.detail, '$.score') AS INTEGER) FROM events a INDEXED BY "
    "events_satisfaction WHERE a.kind = 'satisfaction' AND a.session_id = e.session_id ORDER BY "
    "a.sequence LIMIT 1)";
const std::string kEndedWithRecords =
    "CREATE TEMP TABLE ended AS SELECT e.site_code AS site, e.reason, e.wait_ms, e.duration_ms, " +
    kScoreOf +
    " AS score, r.record_id IS NOT NULL AS indexed, r.orientation, r.incident_count, "
    "r.prescription_count FROM events e INDEXED BY events_ended LEFT JOIN review_records r ON "
    "r.record_id = e.session_id WHERE e.kind = 'end' AND e." +
    kPeriodFilter;
// Before the first record is archived the review index has no table yet.
const std::string kEndedWithoutRecords =
    "CREATE TEMP TABLE ended AS SELECT e.site_code AS site, e.reason, e.wait_ms, e.duration_ms, " +
    kScoreOf +
    " AS score, 0 AS indexed, NULL AS orientation, NULL AS incident_count, NULL AS "
    "prescription_count FROM events e INDEXED BY events_ended WHERE e.kind = 'end' AND e." +
    kPeriodFilter;
const std::string kCancelled =
    std::string("CREATE TEMP TABLE cancelled AS SELECT site_code AS site, reason, wait_ms FROM "
                "events INDEXED BY events_cancelled WHERE kind = 'cancel' AND ") +
    kPeriodFilter;

bool isPeriodLabel(std::string_view label) {
    if (label.size() > 32) {
        return false;
    }
    for (const char c : label) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == ' ' || c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

class SqliteRow final : public IndicatorRow {
public:
    explicit SqliteRow(sqlite3_stmt* s)
        : m_s(s) {}
    std::string text(int column) const override { return detail::columnText(m_s, column); }
    std::optional<std::int64_t> number(int column) const override {
        if (sqlite3_column_type(m_s, column) == SQLITE_NULL) {
            return std::nullopt;
        }
        return sqlite3_column_int64(m_s, column);
    }

private:
    sqlite3_stmt* m_s;
};

// The event log's SQLite file, read-only.
class SqliteSource final : public IndicatorSource {
public:
    explicit SqliteSource(sqlite3* db)
        : m_db(db) {}

    bool prepare(const IndicatorPeriod& period, const std::vector<std::string>& sites) override {
        const std::string sitesJson = json(sites).dump();
        bool ready = execute(hasTable("review_records") ? kEndedWithRecords : kEndedWithoutRecords,
                             period, sitesJson) &&
                     execute(kCancelled, period, sitesJson);
        // The percentiles' windows read their values in order from these.
        for (const char* index :
             {"CREATE INDEX temp.ended_wait ON ended (site, wait_ms)",
              "CREATE INDEX temp.ended_duration ON ended (site, duration_ms)",
              "CREATE INDEX temp.cancelled_wait ON cancelled (site, wait_ms)"}) {
            ready = ready && sqlite3_exec(m_db, index, nullptr, nullptr, nullptr) == SQLITE_OK;
        }
        return ready;
    }

    bool each(const std::string& sql,
              const std::function<void(const IndicatorRow&)>& row) override {
        const auto statement = detail::prepareStatement(m_db, sql.c_str());
        if (!statement) {
            return false;
        }
        const SqliteRow current(statement.get());
        int step = SQLITE_ROW;
        while ((step = sqlite3_step(statement.get())) == SQLITE_ROW) {
            row(current);
        }
        return step == SQLITE_DONE;
    }

private:
    bool execute(const std::string& sql, const IndicatorPeriod& period,
                 const std::string& sitesJson) {
        const auto statement = detail::prepareStatement(m_db, sql.c_str());
        if (!statement) {
            return false;
        }
        sqlite3_bind_int64(statement.get(), 1, period.fromUnixMs);
        sqlite3_bind_int64(statement.get(), 2, period.toUnixMs);
        detail::bindText(statement.get(), 3, sitesJson);
        return sqlite3_step(statement.get()) == SQLITE_DONE;
    }

    bool hasTable(const char* name) {
        auto s = detail::prepareStatement(
            m_db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
        if (!s) {
            return false;
        }
        detail::bindText(s.get(), 1, name);
        return sqlite3_step(s.get()) == SQLITE_ROW;
    }

    sqlite3* m_db;
};

// Nearest-rank p50 and p90 of `column` of a temporary table, per site and for all ("*"): the
// all-sites figures over the union of the values, never from the sites' figures.
std::string percentileSql(const char* table, const char* column) {
    const std::string values = std::string(" FROM (SELECT site, ") + column + " AS v FROM " +
                               table + " WHERE " + column + " IS NOT NULL) AS t";
    const std::string pick = "MIN(CASE WHEN rn >= (n * 50 + 99) / 100 THEN v END), "
                             "MIN(CASE WHEN rn >= (n * 90 + 99) / 100 THEN v END)";
    return "WITH s AS (SELECT site, v, ROW_NUMBER() OVER (PARTITION BY site ORDER BY v) AS rn, "
           "COUNT(*) OVER (PARTITION BY site) AS n" +
           values +
           "), a AS (SELECT v, ROW_NUMBER() OVER (ORDER BY v) AS rn, COUNT(*) OVER () AS n" +
           values + ") SELECT site, " + pick + " FROM s GROUP BY site UNION ALL SELECT '*', " +
           pick + " FROM a";
}

// `site, key, count` of a temporary table's rows that match `where`, per site. The all-sites
// counts are their sums.
std::string countSql(const char* table, const char* key, const char* where = "true") {
    return std::string("SELECT site, ") + key + " AS k, COUNT(*) FROM " + table + " WHERE " +
           where + " GROUP BY site, k";
}

// The figures, from the two temporary tables a source prepared: plain SQL both SQLite and
// PostgreSQL run.
class Computation {
public:
    Computation(IndicatorSource& source, const IndicatorPeriod& period,
                const std::vector<std::string>& sites)
        : m_source(source) {
        for (const auto& site : sites) {
            m_rows.try_emplace(site).first->second.site = site;
        }
        m_rows[kAllSites].site = kAllSites;
        m_ready = source.prepare(period, sites);
    }

    bool run() {
        return m_ready && endReasons() &&
               percentiles("ended", "wait_ms", &SiteIndicators::waitMs) &&
               percentiles("ended", "duration_ms", &SiteIndicators::durationMs) && satisfaction() &&
               records() && orientations() && cancels() &&
               percentiles("cancelled", "wait_ms", &SiteIndicators::cancelledWaitMs);
    }

    SiteIndicators take(const std::string& site) { return std::move(m_rows.at(site)); }

private:
    // Rows come back for the requested sites and "*" only (the temporary tables' filter).
    SiteIndicators& row(const IndicatorRow& s) { return m_rows.at(s.text(0)); }
    // A count goes to its site and to all sites.
    template <class Add> void count(const IndicatorRow& s, const Add& add) {
        add(row(s));
        add(m_rows.at(kAllSites));
    }

    bool endReasons() {
        return m_source.each(countSql("ended", "reason"), [this](const IndicatorRow& s) {
            const auto reason = s.text(1);
            const auto n = s.number(2).value_or(0);
            count(s, [&](SiteIndicators& r) {
                r.endReasons[reason] += n;
                r.consultations += n;
            });
        });
    }

    bool percentiles(const char* table, const char* column, Percentiles SiteIndicators::*field) {
        return m_source.each(percentileSql(table, column), [&](const IndicatorRow& s) {
            row(s).*field = {s.number(1), s.number(2)};
        });
    }

    bool satisfaction() {
        const auto where = "score BETWEEN " + std::to_string(kMinSatisfaction) + " AND " +
                           std::to_string(kMaxSatisfaction);
        return m_source.each(
            countSql("ended", "score", where.c_str()), [this](const IndicatorRow& s) {
                const auto score = static_cast<std::size_t>(s.number(1).value_or(1) - 1);
                const auto n = s.number(2).value_or(0);
                count(s, [&](SiteIndicators& r) {
                    r.satisfactionCounts[score] += n;
                    r.satisfactionAnswers += n;
                });
            });
    }

    bool records() {
        return m_source.each(
            "SELECT site, COUNT(*), SUM(CASE WHEN incident_count > 0 THEN 1 ELSE 0 END), "
            "COALESCE(SUM(prescription_count), 0) FROM ended WHERE indexed GROUP BY site",
            [this](const IndicatorRow& s) {
                count(s, [&](SiteIndicators& r) {
                    r.recordsIndexed += s.number(1).value_or(0);
                    r.recordsWithIncidents += s.number(2).value_or(0);
                    r.prescriptions += s.number(3).value_or(0);
                });
            });
    }

    bool orientations() {
        return m_source.each(
            countSql("ended", "orientation", "indexed"), [this](const IndicatorRow& s) {
                const auto orientation = s.text(1);
                const auto n = s.number(2).value_or(0);
                count(s, [&](SiteIndicators& r) { r.orientations[orientation] += n; });
            });
    }

    bool cancels() {
        return m_source.each(countSql("cancelled", "reason"), [this](const IndicatorRow& s) {
            const auto reason = s.text(1);
            const auto n = s.number(2).value_or(0);
            count(s, [&](SiteIndicators& r) {
                r.cancelReasons[reason] += n;
                r.cancelledBeforeClaim += n;
            });
        });
    }

    IndicatorSource& m_source;
    bool m_ready = false;
    std::map<std::string, SiteIndicators> m_rows;
};

std::optional<double> ratio(std::int64_t numerator, std::int64_t denominator) {
    if (denominator <= 0) {
        return std::nullopt;
    }
    return static_cast<double>(numerator) / static_cast<double>(denominator);
}

json toJson(const Percentiles& p) {
    return json{{"p50", p.p50 ? json(*p.p50) : json(nullptr)},
                {"p90", p.p90 ? json(*p.p90) : json(nullptr)}};
}

json optionalJson(const std::optional<double>& value) {
    return value ? json(*value) : json(nullptr);
}

json toJson(const SiteIndicators& r) {
    return json{{"site", r.site},
                {"consultations", r.consultations},
                {"wait_ms", toJson(r.waitMs)},
                {"duration_ms", toJson(r.durationMs)},
                {"end_reasons", r.endReasons},
                {"satisfaction",
                 {{"answers", r.satisfactionAnswers},
                  {"counts", r.satisfactionCounts},
                  {"mean", optionalJson(r.satisfactionMean())}}},
                {"records_indexed", r.recordsIndexed},
                {"records_with_incidents", r.recordsWithIncidents},
                {"incident_share", optionalJson(r.incidentShare())},
                {"orientations", r.orientations},
                {"prescriptions", r.prescriptions},
                {"prescriptions_per_consultation", optionalJson(r.prescriptionsPerConsultation())},
                {"cancelled_before_claim",
                 {{"count", r.cancelledBeforeClaim},
                  {"wait_ms", toJson(r.cancelledWaitMs)},
                  {"reasons", r.cancelReasons}}}};
}

std::string csvNumber(const std::optional<std::int64_t>& value) {
    return value ? std::to_string(*value) : std::string();
}

std::string csvNumber(const std::optional<double>& value) {
    if (!value) {
        return {};
    }
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out.precision(4);
    out << std::fixed << *value;
    return out.str();
}

constexpr std::array kEndReasonColumns{EndReason::completed,         EndReason::referredInPerson,
                                       EndReason::referredEmergency, EndReason::notSuitable,
                                       EndReason::patientLeft,       EndReason::technicalFailure,
                                       EndReason::peerLost};
constexpr std::array kOrientationColumns{
    prescriptions::FollowUpKind::none, prescriptions::FollowUpKind::gpInPerson,
    prescriptions::FollowUpKind::emergency, prescriptions::FollowUpKind::specialist};

std::int64_t countOf(const std::map<std::string, std::int64_t>& counts, std::string_view key) {
    const auto it = counts.find(std::string(key));
    return it == counts.end() ? 0 : it->second;
}

void csvRow(std::ostringstream& out, const std::string& period, const SiteIndicators& r) {
    out << period << ',' << r.site << ',' << r.consultations << ',' << csvNumber(r.waitMs.p50)
        << ',' << csvNumber(r.waitMs.p90) << ',' << csvNumber(r.durationMs.p50) << ','
        << csvNumber(r.durationMs.p90) << ',' << r.satisfactionAnswers << ','
        << csvNumber(r.satisfactionMean());
    for (const auto count : r.satisfactionCounts) {
        out << ',' << count;
    }
    out << ',' << r.recordsIndexed << ',' << csvNumber(r.incidentShare()) << ','
        << csvNumber(r.prescriptionsPerConsultation());
    for (const auto kind : kOrientationColumns) {
        out << ',' << countOf(r.orientations, prescriptions::wireName(kind));
    }
    out << ',' << countOf(r.orientations, "");
    for (const auto reason : kEndReasonColumns) {
        out << ',' << countOf(r.endReasons, toString(reason));
    }
    out << ',' << r.cancelledBeforeClaim << ',' << csvNumber(r.cancelledWaitMs.p50) << ','
        << csvNumber(r.cancelledWaitMs.p90) << "\r\n";
}

} // namespace

std::optional<double> SiteIndicators::satisfactionMean() const {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < satisfactionCounts.size(); ++i) {
        sum += satisfactionCounts[i] * static_cast<std::int64_t>(i + 1);
    }
    return ratio(sum, satisfactionAnswers);
}

std::optional<double> SiteIndicators::incidentShare() const {
    return ratio(recordsWithIncidents, recordsIndexed);
}

std::optional<double> SiteIndicators::prescriptionsPerConsultation() const {
    return ratio(prescriptions, recordsIndexed);
}

Result<Indicators> computeIndicators(const std::filesystem::path& databaseFile,
                                     const IndicatorPeriod& period,
                                     const std::vector<std::string>& sites) {
    if (period.fromUnixMs < 0 || period.toUnixMs <= period.fromUnixMs ||
        !isPeriodLabel(period.label) || sites.size() > kMaxIndicatorSites) {
        return make_error_code(Errc::invalidField);
    }
    for (const auto& site : sites) {
        if (!isValidSiteCode(site)) {
            return make_error_code(Errc::invalidField);
        }
    }
    // A cluster's events and review index are in PostgreSQL; a single service's in the event
    // log's SQLite file.
    std::unique_ptr<IndicatorSource> source;
    DbPtr db;
    if (detail::isPostgresUrl(databaseFile.native())) {
        source = detail::openPostgresIndicatorSource(databaseFile.native());
    } else {
        sqlite3* raw = nullptr;
        const int opened = sqlite3_open_v2(databaseFile.c_str(), &raw,
                                           SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
        db.reset(raw);
        if (opened == SQLITE_OK) {
            sqlite3_busy_timeout(db.get(), 5000);
            // Mapped reads: the indexes are read in place, without a read(2) per page.
            sqlite3_exec(db.get(), "PRAGMA mmap_size = 1073741824", nullptr, nullptr, nullptr);
            source = std::make_unique<SqliteSource>(db.get());
        }
    }
    if (!source) {
        return make_error_code(Errc::storageFailure);
    }
    Computation computation(*source, period, sites);
    if (!computation.run()) {
        return make_error_code(Errc::storageFailure);
    }
    Indicators out{period, {}, computation.take(kAllSites)};
    for (const auto& site : sites) {
        if (std::none_of(out.sites.begin(), out.sites.end(),
                         [&](const SiteIndicators& r) { return r.site == site; })) {
            out.sites.push_back(computation.take(site));
        }
    }
    return out;
}

json toJson(const Indicators& indicators) {
    json sites = json::array();
    for (const auto& site : indicators.sites) {
        sites.push_back(toJson(site));
    }
    return json{{"period",
                 {{"from_ms", indicators.period.fromUnixMs},
                  {"to_ms", indicators.period.toUnixMs},
                  {"label", indicators.period.label}}},
                {"sites", std::move(sites)},
                {"all", toJson(indicators.all)}};
}

std::string toCsv(const Indicators& indicators) {
    std::ostringstream out;
    out << "period,site,consultations,wait_p50_ms,wait_p90_ms,duration_p50_ms,duration_p90_ms,"
           "satisfaction_answers,satisfaction_mean,satisfaction_1,satisfaction_2,"
           "satisfaction_3,satisfaction_4,satisfaction_5,records_indexed,incident_share,"
           "prescriptions_per_consultation";
    for (const auto kind : kOrientationColumns) {
        out << ",next_" << prescriptions::wireName(kind);
    }
    out << ",next_unreported";
    for (const auto reason : kEndReasonColumns) {
        out << ",end_" << toString(reason);
    }
    out << ",cancelled_before_claim,cancelled_wait_p50_ms,cancelled_wait_p90_ms\r\n";
    for (const auto& site : indicators.sites) {
        csvRow(out, indicators.period.label, site);
    }
    csvRow(out, indicators.period.label, indicators.all);
    return out.str();
}

} // namespace tc::protocol

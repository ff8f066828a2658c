// The review index in the cluster's PostgreSQL database: review_records (cluster_schema.cpp,
// step 2, the SQLite table's columns) next to the cluster's `events`, so that a node's
// coordinators see every node's records and the indicators join both in SQL. See
// review_index.hpp.

#include "pg_connection.hpp"
#include "tc/protocol/review_index.hpp"

#include <mutex>

namespace tc::protocol {
namespace {

using detail::PgConnection;
using detail::PgParams;
using detail::PgResult;

constexpr const char* kColumns =
    "record_id, site, doctor_rpps, visit_id, checkin_ms, claim_ms, start_ms, end_ms, wait_ms, "
    "duration_ms, end_reason, orientation, incident_count, prescription_count, age_band, sex, "
    "quality_review, care, committed_ms";

errors::Failure indexFailure(std::string what) {
    return errors::Failure{make_error_code(ReviewErrc::indexFailure), std::move(what)};
}

ReviewRow rowOf(const PgResult& result, int row) {
    const auto text = [&](int column) {
        return std::string(result.text(row, column));
    };
    ReviewRow r;
    r.recordId = text(0);
    r.site = text(1);
    r.doctorRpps = text(2);
    r.visitId = text(3);
    r.checkinMs = result.integer(row, 4);
    r.claimMs = result.integer(row, 5);
    r.startMs = result.integer(row, 6);
    r.endMs = result.integer(row, 7);
    r.waitMs = result.integer(row, 8);
    r.durationMs = result.integer(row, 9);
    r.endReason = text(10);
    r.orientation = text(11);
    r.incidentCount = result.integer(row, 12);
    r.prescriptionCount = result.integer(row, 13);
    r.ageBand = text(14);
    r.sex = text(15);
    r.qualityReview = result.text(row, 16) == "t";
    r.care = result.text(row, 17) == "t";
    r.committedMs = result.integer(row, 18);
    return r;
}

// A statement's parameters added with their placeholders ($1, $2...).
struct Params {
    PgParams values;
    std::string add(std::string value) {
        values.emplace_back(std::move(value));
        return "$" + std::to_string(values.size());
    }
    std::string add(std::int64_t value) { return add(std::to_string(value)); }
};

class PgReviewIndex final : public ReviewIndex {
public:
    explicit PgReviewIndex(std::string url)
        : m_link(std::move(url)) {}

    ReviewResult<void> connect() {
        const std::lock_guard lock(m_mutex);
        std::string why;
        if (!m_link.get(why)) {
            return indexFailure("PostgreSQL: " + why);
        }
        return {};
    }

    ReviewResult<void> put(const ReviewRow& r) override {
        Params p;
        std::string values;
        for (auto value : {p.add(r.recordId), p.add(r.site), p.add(r.doctorRpps), p.add(r.visitId),
                           p.add(r.checkinMs), p.add(r.claimMs), p.add(r.startMs), p.add(r.endMs),
                           p.add(r.waitMs), p.add(r.durationMs), p.add(r.endReason),
                           p.add(r.orientation), p.add(r.incidentCount), p.add(r.prescriptionCount),
                           p.add(r.ageBand), p.add(r.sex), p.add(r.qualityReview ? "t" : "f"),
                           p.add(r.care ? "t" : "f"), p.add(r.committedMs)}) {
            values += (values.empty() ? "" : ",") + value;
        }
        // Indexing twice (two nodes catching up at once) leaves one row, the last one.
        std::string sql = std::string("INSERT INTO review_records (") + kColumns + ") VALUES (" +
                          values + ") ON CONFLICT (record_id) DO UPDATE SET ";
        std::string_view columns = kColumns;
        bool first = true;
        while (!columns.empty()) {
            const auto comma = columns.find(',');
            auto column = columns.substr(0, comma);
            columns =
                comma == std::string_view::npos ? std::string_view() : columns.substr(comma + 1);
            while (column.starts_with(' ')) {
                column.remove_prefix(1);
            }
            if (column != "record_id") {
                sql += std::string(first ? "" : ", ") + std::string(column) + " = EXCLUDED." +
                       std::string(column);
                first = false;
            }
        }
        auto done = query(sql, p.values, "cannot index " + r.recordId);
        if (!done) {
            return done.error();
        }
        return {};
    }

    ReviewResult<std::optional<ReviewRow>> row(std::string_view recordId) override {
        auto result =
            query(std::string("SELECT ") + kColumns + " FROM review_records WHERE record_id = $1",
                  {std::string(recordId)}, "cannot read the review index");
        if (!result) {
            return result.error();
        }
        if (result->rows() == 0) {
            return std::optional<ReviewRow>();
        }
        return std::optional<ReviewRow>(rowOf(*result, 0));
    }

    ReviewResult<std::vector<ReviewRow>> page(const ReviewQuery& q) override {
        if ((q.consentedSites && q.consentedSites->empty()) ||
            (!q.ownerRpps && !q.consentedSites)) {
            return std::vector<ReviewRow>(); // nobody's rows: never everyone's
        }
        Params p;
        std::string sql = std::string("SELECT ") + kColumns + " FROM review_records WHERE true";
        if (q.ownerRpps) {
            sql += " AND doctor_rpps = " + p.add(*q.ownerRpps);
        }
        if (q.consentedSites) {
            std::string list;
            for (const auto& site : *q.consentedSites) {
                list += (list.empty() ? "" : ",") + p.add(site);
            }
            sql += " AND quality_review AND site IN (" + list + ")";
        }
        if (q.fromMs) {
            sql += " AND start_ms >= " + p.add(*q.fromMs);
        }
        if (q.toMs) {
            sql += " AND start_ms < " + p.add(*q.toMs);
        }
        const std::pair<const std::optional<std::string>*, const char*> texts[] = {
            {&q.site, "site"},
            {&q.doctorRpps, "doctor_rpps"},
            {&q.endReason, "end_reason"},
            {&q.orientation, "orientation"}};
        for (const auto& [value, column] : texts) {
            if (*value) {
                sql += std::string(" AND ") + column + " = " + p.add(**value);
            }
        }
        if (q.incident) {
            sql += *q.incident ? " AND incident_count > 0" : " AND incident_count = 0";
        }
        if (q.after) {
            // Byte order, as SQLite compares: never the database's locale.
            sql += " AND (start_ms, record_id COLLATE \"C\") < (" + p.add(q.after->first) +
                   "::bigint, " + p.add(q.after->second) + ")";
        }
        sql += " ORDER BY start_ms DESC, record_id COLLATE \"C\" DESC LIMIT " +
               p.add(static_cast<std::int64_t>(q.limit));
        auto result = query(sql, p.values, "cannot read the review index");
        if (!result) {
            return result.error();
        }
        std::vector<ReviewRow> rows;
        rows.reserve(static_cast<std::size_t>(result->rows()));
        for (int i = 0; i < result->rows(); ++i) {
            rows.push_back(rowOf(*result, i));
        }
        return rows;
    }

    ReviewResult<std::optional<SessionFacts>> sessionFacts(std::string_view sessionId) override {
        const std::string id(sessionId);
        // The session's first claim, join and end, and the visit's last check-in before the
        // claim (a visit id may come back later), in one statement.
        auto result = query(
            "WITH c AS (SELECT at_unix_ms, visit_id, site_code, doctor_rpps, wait_ms FROM events "
            "WHERE session_id = $1 AND kind = 'claim' ORDER BY sequence LIMIT 1), "
            "j AS (SELECT at_unix_ms FROM events WHERE session_id = $1 AND kind = 'join' ORDER BY "
            "sequence LIMIT 1), "
            "e AS (SELECT at_unix_ms, reason, duration_ms FROM events WHERE session_id = $1 AND "
            "kind = 'end' ORDER BY sequence LIMIT 1) "
            "SELECT c.at_unix_ms, c.visit_id, c.site_code, c.doctor_rpps, c.wait_ms, "
            "(SELECT at_unix_ms FROM j), e.at_unix_ms, e.reason, e.duration_ms, "
            "(SELECT i.at_unix_ms FROM events i WHERE i.kind = 'checkin' AND i.visit_id = "
            "c.visit_id AND i.at_unix_ms <= c.at_unix_ms ORDER BY i.sequence DESC LIMIT 1) "
            "FROM c, e",
            {id}, "cannot read the event log");
        if (!result) {
            return result.error();
        }
        if (result->rows() == 0) {
            return std::optional<SessionFacts>(); // no claim or no end
        }
        const PgResult& r = *result;
        SessionFacts facts;
        facts.claimMs = r.integer(0, 0);
        facts.visitId = std::string(r.text(0, 1));
        facts.site = std::string(r.text(0, 2));
        facts.doctorRpps = std::string(r.text(0, 3));
        const bool logWait = !r.isNull(0, 4);
        facts.waitMs = r.integer(0, 4);
        // Media never flowed: the session's span starts at the claim.
        facts.startMs = r.isNull(0, 5) ? facts.claimMs : r.integer(0, 5);
        facts.endMs = r.integer(0, 6);
        facts.endReason = std::string(r.text(0, 7));
        facts.durationMs = r.integer(0, 8);
        facts.checkinMs = facts.claimMs - facts.waitMs;
        if (!r.isNull(0, 9)) {
            facts.checkinMs = r.integer(0, 9);
            if (!logWait) {
                facts.waitMs = facts.claimMs - facts.checkinMs;
            }
        }
        return std::optional<SessionFacts>(std::move(facts));
    }

private:
    ReviewResult<PgResult> query(const std::string& sql, const PgParams& params,
                                 const std::string& what) {
        const std::lock_guard lock(m_mutex); // one connection, several store threads
        std::string why;
        auto result = m_link.exec(sql, params, why);
        if (!result) {
            return indexFailure(what + ": PostgreSQL: " + why);
        }
        return std::move(*result);
    }

    std::mutex m_mutex;
    detail::PgLink m_link;
};

} // namespace

ReviewResult<std::unique_ptr<ReviewIndex>> openPostgresReviewIndex(const std::string& url) {
    auto index = std::make_unique<PgReviewIndex>(url);
    if (auto connected = index->connect(); !connected) {
        return connected.error();
    }
    return std::unique_ptr<ReviewIndex>(std::move(index));
}

} // namespace tc::protocol

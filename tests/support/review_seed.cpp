#include "support/review_seed.hpp"

#include "tc/protocol/event_log.hpp"
#include "tc/protocol/messages.hpp"
#include "tc/protocol/review_index.hpp"

#include <array>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sqlite3.h>

namespace tc::test {

namespace {

struct DbClose {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StatementFinalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalize>;

constexpr std::array kEndReasons{
    "completed",          "completed",    "completed",    "completed",         "referred_in_person",
    "referred_emergency", "not_suitable", "patient_left", "technical_failure", "peer_lost"};
constexpr std::array kOrientations{"none",         "none",      "none",       "gp_in_person",
                                   "gp_in_person", "emergency", "specialist", ""};
constexpr std::array kAgeBands{"0-17", "18-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+"};
constexpr std::array kSexes{"female", "male", "female", "male", "other"};
constexpr std::array kCancelReasons{"patient_left", "patient_left", "peer_lost", "closing"};
constexpr std::array kScores{5, 5, 4, 4, 4, 3, 2, 1, 5, 4};

class Inserter {
public:
    explicit Inserter(sqlite3* db)
        : m_db(db) {
        sqlite3_stmt* raw = nullptr;
        sqlite3_prepare_v2(db,
                           "INSERT INTO events (at_unix_ms, kind, visit_id, session_id, site_code, "
                           "doctor_rpps, reason, wait_ms, duration_ms, detail) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                           -1, &raw, nullptr);
        m_event.reset(raw);
        raw = nullptr;
        sqlite3_prepare_v2(db,
                           "INSERT INTO review_records VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                           "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
                           -1, &raw, nullptr);
        m_record.reset(raw);
    }

    bool ready() const { return m_event && m_record; }

    struct Event {
        std::int64_t at = 0;
        const char* kind = "";
        std::string visit;
        std::string session;
        std::string site;
        std::string doctor;
        std::string reason;
        std::optional<std::int64_t> waitMs;
        std::optional<std::int64_t> durationMs;
        std::string detail = "{}";
    };

    bool event(const Event& e) {
        sqlite3_stmt* s = m_event.get();
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, e.at);
        sqlite3_bind_text(s, 2, e.kind, -1, SQLITE_TRANSIENT);
        bindText(s, 3, e.visit);
        bindText(s, 4, e.session);
        bindText(s, 5, e.site);
        bindText(s, 6, e.doctor);
        bindText(s, 7, e.reason);
        bindOptional(s, 8, e.waitMs);
        bindOptional(s, 9, e.durationMs);
        bindText(s, 10, e.detail);
        return sqlite3_step(s) == SQLITE_DONE;
    }

    struct Record {
        std::string id, site, doctor, visit;
        std::int64_t checkin = 0, claim = 0, start = 0, end = 0;
        std::string endReason, orientation, ageBand, sex;
        int incidents = 0, prescriptions = 0;
        bool qualityReview = true;
    };

    bool record(const Record& r) {
        sqlite3_stmt* s = m_record.get();
        sqlite3_reset(s);
        bindText(s, 1, r.id);
        bindText(s, 2, r.site);
        bindText(s, 3, r.doctor);
        bindText(s, 4, r.visit);
        sqlite3_bind_int64(s, 5, r.checkin);
        sqlite3_bind_int64(s, 6, r.claim);
        sqlite3_bind_int64(s, 7, r.start);
        sqlite3_bind_int64(s, 8, r.end);
        sqlite3_bind_int64(s, 9, r.claim - r.checkin);
        sqlite3_bind_int64(s, 10, r.end - r.start);
        bindText(s, 11, r.endReason);
        bindText(s, 12, r.orientation);
        sqlite3_bind_int(s, 13, r.incidents);
        sqlite3_bind_int(s, 14, r.prescriptions);
        bindText(s, 15, r.ageBand);
        bindText(s, 16, r.sex);
        sqlite3_bind_int(s, 17, r.qualityReview ? 1 : 0);
        sqlite3_bind_int(s, 18, 1);
        sqlite3_bind_int64(s, 19, r.end + 60'000);
        return sqlite3_step(s) == SQLITE_DONE;
    }

private:
    static void bindText(sqlite3_stmt* s, int index, const std::string& text) {
        sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
    static void bindOptional(sqlite3_stmt* s, int index, std::optional<std::int64_t> value) {
        if (value) {
            sqlite3_bind_int64(s, index, *value);
        } else {
            sqlite3_bind_null(s, index);
        }
    }

    sqlite3* m_db;
    Statement m_event;
    Statement m_record;
};

template <class Array> const auto& pick(const Array& values, std::mt19937_64& random) {
    return values[random() % values.size()];
}

} // namespace

protocol::Result<ReviewSeedSummary> seedReviewDatabase(const std::filesystem::path& database,
                                                       const ReviewSeedPlan& plan) {
    using protocol::Errc;
    if (plan.sites.empty() || plan.toUnixMs <= plan.fromUnixMs) {
        return make_error_code(Errc::invalidField);
    }
    // The service's own schemas first: the event log's, then the review index's.
    if (auto log = protocol::EventLog::open(database.string()); !log) {
        return log.error();
    }
    if (auto index = protocol::SqliteReviewIndex::open(database); !index) {
        return make_error_code(Errc::storageFailure);
    }
    sqlite3* raw = nullptr;
    const int opened = sqlite3_open(database.c_str(), &raw);
    const std::unique_ptr<sqlite3, DbClose> db(raw);
    if (opened != SQLITE_OK ||
        sqlite3_exec(db.get(), "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
        return make_error_code(Errc::storageFailure);
    }
    Inserter insert(db.get());
    if (!insert.ready()) {
        return make_error_code(Errc::storageFailure);
    }
    std::mt19937_64 random(plan.seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::lognormal_distribution<double> waitMinutes(2.0, 0.8);     // median ~7 min
    std::lognormal_distribution<double> durationMinutes(2.6, 0.4); // median ~13 min
    const std::int64_t span = plan.toUnixMs - plan.fromUnixMs;
    ReviewSeedSummary summary;
    bool ok = true;
    const auto doctorOf = [](std::size_t n) {
        return "1010123" + std::to_string(4000 + n % 40);
    };
    for (std::size_t i = 0; i < plan.consultations && ok; ++i) {
        const std::string site = pick(plan.sites, random);
        const std::string doctor = doctorOf(random());
        const std::string visit = "V-seed-" + std::to_string(i);
        const std::string session = "S-seed-" + std::to_string(i);
        const auto wait = static_cast<std::int64_t>(waitMinutes(random) * 60'000);
        const auto duration = static_cast<std::int64_t>(durationMinutes(random) * 60'000);
        const std::int64_t end =
            plan.fromUnixMs + static_cast<std::int64_t>(unit(random) * static_cast<double>(span));
        const std::int64_t start = end - duration;
        const std::int64_t claim = start - 20'000;
        const std::int64_t checkin = claim - wait;
        const std::string reason = pick(kEndReasons, random);
        ok = insert.event({checkin, "checkin", visit, "", site}) &&
             insert.event({claim, "claim", visit, session, site, doctor, "", wait}) &&
             insert.event({start, "join", visit, session, site, doctor}) &&
             insert.event({end, "end", visit, session, site, doctor, reason, wait, duration,
                           nlohmann::json{{"ended_by", "doctor"}, {"note", ""}}.dump()}) &&
             insert.event({end, "cleaning", "", session, site});
        ++summary.consultations;
        if (ok && unit(random) < plan.answeredShare) {
            const int score = pick(kScores, random);
            ok =
                insert.event({end + 30'000, "satisfaction", visit, session, site, doctor, "",
                              std::nullopt, std::nullopt, nlohmann::json{{"score", score}}.dump()});
            ++summary.answers;
        }
        if (ok && unit(random) < plan.archivedShare) {
            const int incidents = unit(random) < 0.2 ? 1 + static_cast<int>(random() % 4) : 0;
            ok = insert.record({session, site, doctor, visit, checkin, claim, start, end, reason,
                                pick(kOrientations, random), pick(kAgeBands, random),
                                pick(kSexes, random), incidents, static_cast<int>(random() % 3),
                                unit(random) < 0.8});
            ++summary.records;
        }
        if (ok && unit(random) < plan.cancelledShare) {
            const std::string gone = "V-seed-cancel-" + std::to_string(i);
            const auto waited = static_cast<std::int64_t>(waitMinutes(random) * 90'000);
            ok = insert.event({end - waited, "checkin", gone, "", site}) &&
                 insert.event(
                     {end, "cancel", gone, "", site, "", pick(kCancelReasons, random), waited});
            ++summary.cancellations;
        }
    }
    if (!ok || sqlite3_exec(db.get(), "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
        return make_error_code(Errc::storageFailure);
    }
    return summary;
}

} // namespace tc::test

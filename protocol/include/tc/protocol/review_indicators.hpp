#pragma once
// The CPTS coordinators' indicators for a period (a quarter) and a set of sites, computed in
// SQL over the service's event log (`events`) and the review index (`review_records`, written
// when a consultation's record is archived), both in the event log's SQLite file.
//
// What each figure counts (protocol/README.md, "Indicators"):
// - consultations, their wait (check-in to claim), duration (join to end) and end reasons:
//   every session that ENDED in the period at the site (`end` events);
// - satisfaction: the patients' answers (`satisfaction` events) to those consultations;
// - incidents, where patients were sent next, prescriptions: those consultations whose record
//   was archived (`review_records`); `recordsIndexed` is their denominator;
// - cancelled before a doctor took them (access delays): `cancel` events in the period, with
//   how long the patient had waited.
// Percentiles are nearest-rank: the smallest value with at least p % of the values at or below
// it (the ceil(p/100 * n)-th smallest).

#include "tc/protocol/errors.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tc::protocol {

// The caller sets the bounds in its own time zone (a quarter in Europe/Paris starts at local
// midnight): the service counts in Unix time only.
struct IndicatorPeriod {
    std::int64_t fromUnixMs = 0; // inclusive
    std::int64_t toUnixMs = 0;   // exclusive
    std::string label;           // "2026-T4", at most 32 bytes of [A-Za-z0-9 _-]
};

struct Percentiles {
    std::optional<std::int64_t> p50; // nullopt: no value
    std::optional<std::int64_t> p90;

    friend bool operator==(const Percentiles&, const Percentiles&) = default;
};

struct SiteIndicators {
    std::string site;
    std::int64_t consultations = 0;
    Percentiles waitMs;
    Percentiles durationMs;
    std::map<std::string, std::int64_t> endReasons;
    std::int64_t satisfactionAnswers = 0;
    std::array<std::int64_t, 5> satisfactionCounts{}; // [score - 1]
    std::int64_t recordsIndexed = 0;
    std::int64_t recordsWithIncidents = 0;
    std::map<std::string, std::int64_t> orientations; // "" for records without a signed report
    std::int64_t prescriptions = 0;                   // over the indexed records
    std::int64_t cancelledBeforeClaim = 0;
    Percentiles cancelledWaitMs;
    std::map<std::string, std::int64_t> cancelReasons;

    // Derived figures; nullopt when their denominator is zero.
    std::optional<double> satisfactionMean() const;
    std::optional<double> incidentShare() const;
    std::optional<double> prescriptionsPerConsultation() const;

    friend bool operator==(const SiteIndicators&, const SiteIndicators&) = default;
};

struct Indicators {
    IndicatorPeriod period;
    std::vector<SiteIndicators> sites; // one per requested site, in the requested order
    SiteIndicators all;                // every requested site together (site "*")
};

// Computes the indicators of `sites` (site codes; at most kMaxIndicatorSites) in `period`,
// reading `databaseFile` (the event log's file) read-only. A site without activity has a row
// of zeros. invalidField for a bad site code, an empty or reversed period, or too many sites;
// storageFailure when the file cannot be read.
inline constexpr std::size_t kMaxIndicatorSites = 500;
Result<Indicators> computeIndicators(const std::filesystem::path& databaseFile,
                                     const IndicatorPeriod& period,
                                     const std::vector<std::string>& sites);

nlohmann::json toJson(const Indicators& indicators);
// One line per site and one for all, with a header; decimal point, no thousands separator.
std::string toCsv(const Indicators& indicators);

} // namespace tc::protocol

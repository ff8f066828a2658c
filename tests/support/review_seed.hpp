#pragma once
// Seeds an event log's SQLite file with realistic consultations for the coordinators'
// indicators: the rows the service writes (check-in, claim, join, end, cleaning, satisfaction,
// cancel) and the review index rows of the archived ones. Bulk SQL in one transaction, so a
// benchmark can seed 100,000 consultations in seconds; the schema is the service's own
// (EventLog::open and SqliteReviewIndex::open create it first). No Catch2: the benchmarks use it too.

#include "tc/protocol/errors.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tc::test {

struct ReviewSeedPlan {
    std::size_t consultations = 1000;
    std::vector<std::string> sites{"FR-SEED-01", "FR-SEED-02", "FR-SEED-03"};
    std::int64_t fromUnixMs = 0; // consultations end within [from, to)
    std::int64_t toUnixMs = 0;
    std::uint32_t seed = 1;
    double archivedShare = 0.85;  // consultations with a review index row
    double answeredShare = 0.7;   // consultations whose patient answered the survey
    double cancelledShare = 0.12; // cancelled visits per consultation
};

struct ReviewSeedSummary {
    std::size_t consultations = 0;
    std::size_t cancellations = 0;
    std::size_t answers = 0;
    std::size_t records = 0;
};

protocol::Result<ReviewSeedSummary> seedReviewDatabase(const std::filesystem::path& database,
                                                       const ReviewSeedPlan& plan);

} // namespace tc::test

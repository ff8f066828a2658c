// telecabine-bench review: the coordinators' indicators (computeIndicators: SQL over the event
// log and the review index) over a year of seeded consultations (100,000 by default) at 30
// sites: one quarter for one CPTS's ten sites, and for all thirty. The database is a real
// SQLite file on disk, seeded in one transaction; each run opens it afresh, as the service does
// for each request.
#include "benchmarks.hpp"
#include "machine_description.hpp"
#include "support/review_seed.hpp"
#ifdef TC_BENCH_REVIEW_SESSION
#include "review_bench.hpp"
#endif
#include "tc/protocol/review_indicators.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

namespace tc::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

nlohmann::json summary(const std::vector<double>& ms) {
    return {{"p50_ms", roundedPercentile(ms, 0.5)},
            {"p95_ms", roundedPercentile(ms, 0.95)},
            {"max_ms", *std::max_element(ms.begin(), ms.end())}};
}

constexpr std::int64_t kYearStart = 1'767'222'000'000; // 2026-01-01T00:00+01:00
constexpr std::int64_t kQ4Start = 1'790'805'600'000;   // 2026-10-01T00:00+02:00
constexpr std::int64_t kQ4End = 1'798'758'000'000;     // 2027-01-01T00:00+01:00

} // namespace

int runReview(cli::CommandLine& args) {
    const auto consultations =
        rangedOption(args, "review", "consultations", 100'000, 1'000, 2'000'000);
    const auto runs = rangedOption(args, "review", "runs", 20, 3, 1000);
    // The replayed record's auscultation: 5 minutes by default, a long one at 48 kHz.
    const auto recordingSeconds = rangedOption(args, "review", "recording-s", 300, 1, 1800);
    if (!consultations || !runs || !recordingSeconds) {
        return 2;
    }
    // --keep FILE: seed FILE once and keep it, so that later runs measure without reseeding.
    const std::string kept = args.value("keep", "");
    std::random_device entropy;
    const fs::path dir =
        kept.empty() ? fs::temp_directory_path() / ("tc-review-bench-" + std::to_string(entropy()))
                     : fs::path();
    if (!dir.empty()) {
        fs::create_directories(dir);
    }
    const auto database = kept.empty() ? dir / "events.sqlite" : fs::path(kept);
    const bool reuse = !kept.empty() && fs::exists(database);

    test::ReviewSeedPlan plan;
    plan.consultations = static_cast<std::size_t>(*consultations);
    plan.sites.clear();
    for (int i = 1; i <= 30; ++i) {
        plan.sites.push_back("FR-BENCH-" + std::to_string(100 + i));
    }
    plan.fromUnixMs = kYearStart;
    plan.toUnixMs = kQ4End;
    const auto seedStart = Clock::now();
    const auto seeded = reuse ? protocol::Result<test::ReviewSeedSummary>(test::ReviewSeedSummary{})
                              : test::seedReviewDatabase(database, plan);
    const double seedSeconds = std::chrono::duration<double>(Clock::now() - seedStart).count();
    if (!seeded) {
        std::cerr << "review: seeding failed: " << seeded.error().message() << "\n";
        if (!dir.empty()) {
            fs::remove_all(dir);
        }
        return 1;
    }
    const std::vector<std::string> cpts(plan.sites.begin(), plan.sites.begin() + 10);
    const protocol::IndicatorPeriod q4{kQ4Start, kQ4End, "2026-T4"};
    const auto measure = [&](const std::vector<std::string>& sites, std::int64_t& counted) {
        std::vector<double> ms;
        for (int i = 0; i < *runs; ++i) {
            const auto start = Clock::now();
            const auto indicators = protocol::computeIndicators(database, q4, sites);
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
            if (!indicators) {
                return std::vector<double>{};
            }
            counted = indicators->all.consultations;
        }
        return ms;
    };
    std::int64_t cptsCounted = 0;
    std::int64_t allCounted = 0;
    const auto cptsMs = measure(cpts, cptsCounted);
    const auto allMs = measure(plan.sites, allCounted);
    const auto bytes = fs::file_size(database);
#ifdef TC_BENCH_REVIEW_SESSION
    // The console's side on the same log: list pages, and a record opened to its replay.
    const auto session =
        cptsMs.empty() ? std::nullopt : measureReviewSession(database, cpts, *runs, *recordingSeconds);
#endif
    if (!dir.empty()) {
        fs::remove_all(dir);
    }
    if (cptsMs.empty() || allMs.empty()) {
        std::cerr << "review: the indicators failed\n";
        return 1;
    }
#ifdef TC_BENCH_REVIEW_SESSION
    if (!session) {
        return 1;
    }
#endif
    nlohmann::json out{
        {"benchmark", "review"},
        {"seeded",
         {{"consultations", seeded->consultations},
          {"records", seeded->records},
          {"answers", seeded->answers},
          {"cancellations", seeded->cancellations},
          {"sites", plan.sites.size()},
          {"database_mb", static_cast<double>(bytes) / 1e6},
          {"seconds", seedSeconds}}},
        {"runs", *runs},
        {"indicators_quarter_one_cpts",
         {{"sites", cpts.size()}, {"consultations", cptsCounted}, {"time", summary(cptsMs)}}},
        {"indicators_quarter_all_sites",
         {{"sites", plan.sites.size()}, {"consultations", allCounted}, {"time", summary(allMs)}}},
        {"target", {{"indicators_ms", 500}, {"list_page_ms", 100}, {"open_replay_ms", 1000}}},
        {"machine", machineDescription()}};
#ifdef TC_BENCH_REVIEW_SESSION
    out.update(*session);
#endif
    std::cout << (args.flag("json") ? out.dump() : out.dump(2)) << "\n";
    return 0;
}

} // namespace tc::bench

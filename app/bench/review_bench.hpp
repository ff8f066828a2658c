#pragma once
// The review benchmark's console side (review_session_bench.cpp, built with the GUI): list
// pages and opening a record to its replay playing, against a service on `database` (the
// seeded event log) whose CPTS covers `sites`. Nothing (and a line on stderr) on failure.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tc::bench {

std::optional<nlohmann::json> measureReviewSession(const std::filesystem::path& database,
                                                   const std::vector<std::string>& sites, int runs,
                                                   int recordingSeconds);

} // namespace tc::bench

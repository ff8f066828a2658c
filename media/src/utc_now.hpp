#pragma once
// The current UTC time as ISO 8601 ("2026-12-06T15:44:19Z"), as recordings' manifests write it.

#include <chrono>
#include <ctime>
#include <string>

namespace tc::media::detail {

inline std::string utcNow() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

} // namespace tc::media::detail

#pragma once
// French civil time (Europe/Paris) without a time-zone database: UTC+1, and UTC+2 from the last
// Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC, the European Union's rule
// (directive 2000/84/EC, applied in France since 1996). Every time a report or an ordonnance
// prints uses it, so the console and the documents agree on machines with or without tz data.

#include <chrono>
#include <cstdint>
#include <string>

namespace tc::prescriptions::detail {

struct CivilTime {
    std::chrono::year_month_day date;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int offsetMinutes = 60; // 60 (CET) or 120 (CEST)
};

CivilTime parisTime(std::chrono::system_clock::time_point instant);
CivilTime parisTimeOfUnixMs(std::int64_t unixMs);

std::string hourMinuteText(const CivilTime& time); // "09:05"
std::string shortDateText(const CivilTime& time);  // "03/05/2024"

} // namespace tc::prescriptions::detail

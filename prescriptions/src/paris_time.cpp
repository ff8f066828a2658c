#include "paris_time.hpp"

#include <cstdio>

namespace tc::prescriptions::detail {
namespace {

using namespace std::chrono;

// The last Sunday of `m` in `y`, at 01:00 UTC.
sys_seconds lastSundayAtOneUtc(year y, month m) {
    const sys_days last{y / m / Sunday[std::chrono::last]};
    return sys_seconds{last} + hours(1);
}

} // namespace

CivilTime parisTime(system_clock::time_point instant) {
    const auto utc = floor<seconds>(instant);
    const year y = year_month_day{floor<days>(utc)}.year();
    const bool summer = utc >= lastSundayAtOneUtc(y, March) && utc < lastSundayAtOneUtc(y, October);
    CivilTime out;
    out.offsetMinutes = summer ? 120 : 60;
    const auto local = utc + minutes(out.offsetMinutes);
    const auto day = floor<days>(local);
    out.date = year_month_day{day};
    const hh_mm_ss clock{local - day};
    out.hour = static_cast<int>(clock.hours().count());
    out.minute = static_cast<int>(clock.minutes().count());
    out.second = static_cast<int>(clock.seconds().count());
    return out;
}

CivilTime parisTimeOfUnixMs(std::int64_t unixMs) {
    return parisTime(system_clock::time_point{milliseconds(unixMs)});
}

std::string hourMinuteText(const CivilTime& time) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%02d:%02d", time.hour, time.minute);
    return buffer;
}

std::string shortDateText(const CivilTime& time) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%02u/%02u/%04d", static_cast<unsigned>(time.date.day()),
                  static_cast<unsigned>(time.date.month()), static_cast<int>(time.date.year()));
    return buffer;
}

} // namespace tc::prescriptions::detail

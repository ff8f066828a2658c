#pragma once
// Quarters as the CPTS coordinators name them ("2026-T4": T1 is January to March) and their
// bounds at local midnight in the deployment's time zone (Europe/Paris), for the indicators
// (review_indicators.hpp counts in Unix time only).
//
// GCC 12's libstdc++ has no std::chrono::zoned_time (its time zone database came in GCC 14),
// and localtime_r reads the process's TZ, which only setenv can change (a race with every other
// thread). So the zone's rules are read here from its TZif file (RFC 8536) in the system's TZ
// database: the 64-bit transitions, and past the last one the file's POSIX TZ footer
// ("CET-1CEST,M3.5.0,M10.5.0/3"), evaluated with Boost.DateTime's posix_time_zone.

#include "tc/protocol/errors.hpp"
#include "tc/protocol/review_indicators.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tc::protocol {

inline constexpr std::string_view kReviewTimeZoneFile = "/usr/share/zoneinfo/Europe/Paris";

struct Quarter {
    int year = 2026; // 1970 to 9999
    int number = 1;  // 1 to 4

    friend bool operator==(const Quarter&, const Quarter&) = default;
};

// "2026-T4" exactly (four digits, "-T", one digit 1-4); nullopt otherwise.
std::optional<Quarter> parseQuarterLabel(std::string_view label) noexcept;
std::string quarterLabel(const Quarter& quarter);
// The quarter before `quarter`.
Quarter previousQuarter(const Quarter& quarter) noexcept;

// A time zone's rules, read from a TZif file.
class ZoneRules {
public:
    // storageFailure when the file cannot be read, invalidField when it is not TZif.
    static Result<ZoneRules> load(const std::filesystem::path& file = kReviewTimeZoneFile);
    ZoneRules(ZoneRules&&) noexcept;
    ZoneRules& operator=(ZoneRules&&) noexcept;
    ~ZoneRules();

    // The zone's offset from UTC, in seconds, at the instant `utcSeconds`.
    std::int64_t offsetAt(std::int64_t utcSeconds) const;
    // The instant of the local wall time `localSeconds` (seconds since 1970-01-01 00:00 local).
    // For a wall time that occurs twice (the autumn hour), the first; one that does not occur
    // (the spring hour) is taken at the offset before the change. Midnights are never either
    // in Europe/Paris.
    std::int64_t instantOf(std::int64_t localSeconds) const;

private:
    struct Impl;
    explicit ZoneRules(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// The quarter's period: from its first day's local midnight (inclusive) to the next quarter's
// (exclusive), labelled with quarterLabel.
IndicatorPeriod quarterPeriod(const Quarter& quarter, const ZoneRules& zone);
// The quarter holding the instant `unixMs`, in the zone's local time.
Quarter quarterOf(std::int64_t unixMs, const ZoneRules& zone);

} // namespace tc::protocol

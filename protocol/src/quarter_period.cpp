// Quarters and their local-midnight bounds: see quarter_period.hpp.

#include "tc/protocol/quarter_period.hpp"

#include <algorithm>
#include <boost/date_time/local_time/posix_time_zone.hpp>
#include <chrono>
#include <fstream>
#include <iterator>
#include <vector>

namespace tc::protocol {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

std::int64_t bigEndian(const std::uint8_t* p, std::size_t bytes) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i) {
        value = (value << 8) | p[i];
    }
    if (bytes == 4) {
        return static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
    }
    return static_cast<std::int64_t>(value);
}

std::int64_t localMidnight(int y, unsigned m) {
    const std::chrono::sys_days days{year(y) / month(m) / day(1)};
    return static_cast<std::int64_t>(days.time_since_epoch().count()) * 86'400;
}

std::int64_t secondsOf(const boost::posix_time::ptime& t) {
    static const boost::posix_time::ptime epoch(boost::gregorian::date(1970, 1, 1));
    return (t - epoch).total_seconds();
}

} // namespace

std::optional<Quarter> parseQuarterLabel(std::string_view label) noexcept {
    if (label.size() != 7 || label[4] != '-' || label[5] != 'T' || label[6] < '1' ||
        label[6] > '4') {
        return std::nullopt;
    }
    int y = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        if (label[i] < '0' || label[i] > '9') {
            return std::nullopt;
        }
        y = y * 10 + (label[i] - '0');
    }
    if (y < 1970) {
        return std::nullopt;
    }
    return Quarter{y, label[6] - '0'};
}

std::string quarterLabel(const Quarter& quarter) {
    auto y = std::to_string(quarter.year);
    y.insert(0, y.size() < 4 ? 4 - y.size() : 0, '0');
    return y + "-T" + std::to_string(quarter.number);
}

Quarter previousQuarter(const Quarter& quarter) noexcept {
    return quarter.number == 1 ? Quarter{quarter.year - 1, 4}
                               : Quarter{quarter.year, quarter.number - 1};
}

struct ZoneRules::Impl {
    std::vector<std::int64_t> transitions; // UTC seconds, ascending
    std::vector<std::int32_t> offsetAfter; // the offset from each transition on
    std::int32_t initialOffset = 0;        // before the first transition (type 0)
    std::optional<boost::local_time::posix_time_zone> footer;

    std::int64_t footerOffset(std::int64_t utc) const {
        // Boost.DateTime reads the POSIX offset with the opposite sign to POSIX ("CET-1" is
        // UTC+1 in POSIX, UTC-1 for posix_time_zone): turned back here.
        const auto base = -footer->base_utc_offset().total_seconds();
        if (!footer->has_dst()) {
            return base;
        }
        const auto dst = footer->dst_offset().total_seconds();
        const std::chrono::sys_days days{std::chrono::floor<std::chrono::days>(
            std::chrono::sys_seconds{std::chrono::seconds(utc + base)})};
        const int y = static_cast<int>(std::chrono::year_month_day(days).year());
        // Start: local standard time; end: local daylight time.
        const auto start = secondsOf(footer->dst_local_start_time(y)) - base;
        const auto end = secondsOf(footer->dst_local_end_time(y)) - base - dst;
        const bool summer = start < end ? (utc >= start && utc < end) : (utc >= start || utc < end);
        return summer ? base + dst : base;
    }
};

ZoneRules::ZoneRules(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
ZoneRules::ZoneRules(ZoneRules&&) noexcept = default;
ZoneRules& ZoneRules::operator=(ZoneRules&&) noexcept = default;
ZoneRules::~ZoneRules() = default;

Result<ZoneRules> ZoneRules::load(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return make_error_code(Errc::storageFailure);
    }
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                          std::istreambuf_iterator<char>()};
    if (bytes.size() > 1024 * 1024) {
        return make_error_code(Errc::invalidField);
    }
    const auto notTzif = make_error_code(Errc::invalidField);
    // Header: "TZif", version, 15 reserved bytes, then isutcnt, isstdcnt, leapcnt, timecnt,
    // typecnt, charcnt (RFC 8536, 3.1).
    struct Counts {
        std::int64_t isut, isstd, leap, time, type, chars;
    };
    const auto header = [&](std::size_t at) -> std::optional<Counts> {
        if (bytes.size() < at + 44 ||
            std::string_view(reinterpret_cast<const char*>(&bytes[at]), 4) != "TZif") {
            return std::nullopt;
        }
        const auto* p = &bytes[at + 20];
        return Counts{bigEndian(p, 4),      bigEndian(p + 4, 4),  bigEndian(p + 8, 4),
                      bigEndian(p + 12, 4), bigEndian(p + 16, 4), bigEndian(p + 20, 4)};
    };
    const auto v1 = header(0);
    if (!v1 || bytes[4] < '2') {
        return notTzif; // version 1 files have no 64-bit data and no footer
    }
    const auto blockBytes = [](const Counts& c, std::int64_t timeBytes) {
        return c.time * timeBytes + c.time + c.type * 6 + c.chars + c.leap * (timeBytes + 4) +
               c.isstd + c.isut;
    };
    const auto at = static_cast<std::size_t>(44 + blockBytes(*v1, 4));
    const auto v2 = header(at);
    if (!v2 || v2->type < 1 || v2->time < 0 || v2->time > 100'000 || v2->type > 256 ||
        v2->chars < 0 || v2->leap < 0 || v2->isstd < 0 || v2->isut < 0 ||
        bytes.size() < at + 44 + static_cast<std::size_t>(blockBytes(*v2, 8))) {
        return notTzif;
    }
    auto impl = std::make_unique<Impl>();
    const auto* times = &bytes[at + 44];
    const auto* indices = times + v2->time * 8;
    const auto* types = indices + v2->time;
    const auto offsetOfType = [&](std::size_t type) {
        return static_cast<std::int32_t>(bigEndian(types + type * 6, 4));
    };
    for (std::int64_t i = 0; i < v2->time; ++i) {
        const auto type = indices[i];
        if (type >= v2->type) {
            return notTzif;
        }
        impl->transitions.push_back(bigEndian(times + i * 8, 8));
        impl->offsetAfter.push_back(offsetOfType(type));
    }
    if (!std::is_sorted(impl->transitions.begin(), impl->transitions.end())) {
        return notTzif;
    }
    impl->initialOffset = offsetOfType(0);
    // The footer: "\n" POSIX-TZ "\n" after the 64-bit block.
    const auto footerAt = at + 44 + static_cast<std::size_t>(blockBytes(*v2, 8));
    if (footerAt + 1 < bytes.size() && bytes[footerAt] == '\n') {
        const std::string rest(bytes.begin() + static_cast<std::ptrdiff_t>(footerAt) + 1,
                               bytes.end());
        const auto tz = rest.substr(0, rest.find('\n'));
        if (!tz.empty()) {
            try {
                impl->footer.emplace(tz);
            } catch (const std::exception&) {
                return notTzif;
            }
        }
    }
    return ZoneRules(std::move(impl));
}

std::int64_t ZoneRules::offsetAt(std::int64_t utcSeconds) const {
    const auto& t = m_impl->transitions;
    if (m_impl->footer && (t.empty() || utcSeconds >= t.back())) {
        return m_impl->footerOffset(utcSeconds);
    }
    const auto after = std::upper_bound(t.begin(), t.end(), utcSeconds);
    if (after == t.begin()) {
        return m_impl->initialOffset;
    }
    return m_impl->offsetAfter[static_cast<std::size_t>(after - t.begin() - 1)];
}

std::int64_t ZoneRules::instantOf(std::int64_t localSeconds) const {
    // The offset in force a day earlier, then the one in force at that guess: a wall time is
    // never more than a day from its instant.
    const auto before = offsetAt(localSeconds - 86'400);
    const auto guess = localSeconds - before;
    const auto at = offsetAt(guess);
    if (at == before) {
        return guess;
    }
    const auto second = localSeconds - at;
    // The wall time exists after the change: take it; else (the spring gap) the earlier guess.
    return offsetAt(second) == at ? second : guess;
}

IndicatorPeriod quarterPeriod(const Quarter& quarter, const ZoneRules& zone) {
    const auto firstMonth = static_cast<unsigned>(quarter.number - 1) * 3 + 1;
    const auto next = quarter.number == 4 ? Quarter{quarter.year + 1, 1}
                                          : Quarter{quarter.year, quarter.number + 1};
    const auto nextMonth = static_cast<unsigned>(next.number - 1) * 3 + 1;
    return IndicatorPeriod{zone.instantOf(localMidnight(quarter.year, firstMonth)) * 1000,
                           zone.instantOf(localMidnight(next.year, nextMonth)) * 1000,
                           quarterLabel(quarter)};
}

Quarter quarterOf(std::int64_t unixMs, const ZoneRules& zone) {
    const auto seconds = unixMs >= 0 ? unixMs / 1000 : (unixMs - 999) / 1000;
    const auto local = seconds + zone.offsetAt(seconds);
    const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(
        std::chrono::sys_seconds{std::chrono::seconds(local)})};
    return Quarter{static_cast<int>(date.year()),
                   static_cast<int>((static_cast<unsigned>(date.month()) - 1) / 3 + 1)};
}

} // namespace tc::protocol

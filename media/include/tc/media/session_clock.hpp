#pragma once
// The session clock, and how RTP streams map their timestamps to it.
//
// The session clock is the cabin's monotonic capture clock, in microseconds
// (std::chrono::steady_clock since its epoch): the clock of a video frame's
// FrameStamp::captureUs, of a measurement's acquired_at_us (tc/protocol/vitals.hpp), and of the
// capture-time RTP header extension below. Only differences are meaningful; on one machine (the
// tests, the demo) the console's steady clock is the same clock, so arrival minus capture is a
// latency.
//
// Capture-time header extension (RFC 8285, one-byte form, 8 bytes of data): the session time in
// microseconds, big-endian signed, of the first sample of the packet. Declared per media section
// as `a=extmap:N urn:telecabine:params:rtp-hdrext:capture-time`. The stethoscope section
// (ids: site 1, capture time 2) and the vitals section (capture time 1) carry it, so a receiver
// maps every packet of either stream to the session clock on its own, without RTCP, and a lost
// packet does not break the mapping of the next one. Within a packet, sample i is at
// capture + i × 10^6 / clock rate.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tc::media {

inline constexpr std::string_view kCaptureTimeExtensionUri =
    "urn:telecabine:params:rtp-hdrext:capture-time";

// Now, on the session clock.
inline std::int64_t sessionNowUs() noexcept {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

inline std::array<std::uint8_t, 8> encodeCaptureTime(std::int64_t us) noexcept {
    std::array<std::uint8_t, 8> out{};
    const auto bits = static_cast<std::uint64_t>(us);
    for (int i = 0; i < 8; ++i) {
        out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
    }
    return out;
}

inline std::optional<std::int64_t> decodeCaptureTime(std::span<const std::uint8_t> data) noexcept {
    if (data.size() != 8) {
        return std::nullopt;
    }
    std::uint64_t bits = 0;
    for (const auto b : data) {
        bits = (bits << 8) | b;
    }
    return static_cast<std::int64_t>(bits);
}

} // namespace tc::media

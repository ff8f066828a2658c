#pragma once
// Network byte order reads; callers have checked the bounds.

#include <cstddef>
#include <cstdint>
#include <span>

namespace tc::protocol::detail {

inline std::uint16_t read16(std::span<const std::uint8_t> b, std::size_t at) noexcept {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

inline std::uint32_t read32(std::span<const std::uint8_t> b, std::size_t at) noexcept {
    return (static_cast<std::uint32_t>(b[at]) << 24) |
           (static_cast<std::uint32_t>(b[at + 1]) << 16) |
           (static_cast<std::uint32_t>(b[at + 2]) << 8) | static_cast<std::uint32_t>(b[at + 3]);
}

} // namespace tc::protocol::detail

#pragma once
// The values of the ICE checks' STUN attributes: byte helpers, XOR-MAPPED-ADDRESS and host
// candidate priorities (media_transport.cpp).

#include "tc/protocol/packets.hpp"

#include <algorithm>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tc::protocol::detail {

using udp = boost::asio::ip::udp;

inline std::vector<std::uint8_t> bytesOf(std::string_view text) {
    return {text.begin(), text.end()};
}

inline std::vector<std::uint8_t> be32(std::uint32_t v) {
    return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
            static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}

// RFC 8489 14.2: the port XORed with the cookie's top half; an IPv4 address with the cookie, an
// IPv6 one with the cookie and the transaction id.
inline std::vector<std::uint8_t> xorMappedAddress(const udp::endpoint& endpoint,
                                                  const TransactionId& id) {
    const std::uint16_t port = endpoint.port() ^ static_cast<std::uint16_t>(kStunMagicCookie >> 16);
    std::vector<std::uint8_t> value = {
        0, static_cast<std::uint8_t>(endpoint.address().is_v4() ? 1 : 2),
        static_cast<std::uint8_t>(port >> 8), static_cast<std::uint8_t>(port)};
    const auto cookie = be32(kStunMagicCookie);
    if (endpoint.address().is_v4()) {
        const auto a = be32(endpoint.address().to_v4().to_uint() ^ kStunMagicCookie);
        value.insert(value.end(), a.begin(), a.end());
        return value;
    }
    const auto bytes = endpoint.address().to_v6().to_bytes();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const std::uint8_t mask = i < 4 ? cookie[i] : id[i - 4];
        value.push_back(static_cast<std::uint8_t>(bytes[i] ^ mask));
    }
    return value;
}

// RFC 8445 5.1.2.1: host candidates, type preference 126, one local preference per address.
inline std::uint32_t hostPriority(std::size_t index) {
    const auto localPreference =
        static_cast<std::uint32_t>(65535 - std::min<std::size_t>(index, 65535));
    return (126u << 24) | (localPreference << 8) | 255u;
}

} // namespace tc::protocol::detail

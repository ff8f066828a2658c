#pragma once
// RTP packets for the transport, SRTP and DTLS tests to send: each one recognisable by its
// sequence number in its payload.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tc::test {

// Payload type 96, `seq`, `timestamp` and `ssrc`, then `payloadBytes` bytes, byte i being
// `step` * i + seq (mod 256).
inline std::vector<std::uint8_t> testRtpPacket(std::uint16_t seq, std::uint32_t ssrc,
                                               std::size_t payloadBytes = 960, unsigned step = 1,
                                               std::uint32_t timestamp = 0) {
    std::vector<std::uint8_t> p{0x80, 96, static_cast<std::uint8_t>(seq >> 8),
                                static_cast<std::uint8_t>(seq)};
    for (const auto word : {timestamp, ssrc}) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            p.push_back(static_cast<std::uint8_t>(word >> shift));
        }
    }
    for (std::size_t i = 0; i < payloadBytes; ++i) {
        p.push_back(static_cast<std::uint8_t>(step * i + seq));
    }
    return p;
}

} // namespace tc::test

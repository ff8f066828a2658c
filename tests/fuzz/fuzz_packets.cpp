// libFuzzer target: datagrams from the network through the RFC 7983 demultiplexer and the RTP,
// RTCP and STUN parsers, as the media transport will see them.
#include "tc/protocol/packets.hpp"

#include <cstddef>
#include <cstdint>

using namespace tc::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes datagram(data, size);
    switch (classify(datagram)) {
    case PacketKind::rtp:
        if (const auto header = parseRtp(datagram)) {
            // The payload must lie inside the datagram: touch its first and last byte.
            if (header->payloadSize > 0) {
                volatile std::uint8_t first = data[header->payloadOffset];
                volatile std::uint8_t last = data[header->payloadOffset + header->payloadSize - 1];
                static_cast<void>(first);
                static_cast<void>(last);
            }
        }
        break;
    case PacketKind::rtcp:
        if (const auto packets = parseRtcpCompound(datagram)) {
            for (const auto& p : *packets) {
                volatile std::uint8_t last = data[p.offset + p.size - 1];
                static_cast<void>(last);
            }
        }
        break;
    case PacketKind::stun:
        if (const auto message = parseStun(datagram)) {
            static_cast<void>(verifyStunIntegrity(datagram, *message, "password"));
        }
        break;
    case PacketKind::dtls:
    case PacketKind::unknown:
        break;
    }
    // Every parser must also survive input meant for another.
    static_cast<void>(parseRtp(datagram));
    static_cast<void>(parseRtcpCompound(datagram));
    static_cast<void>(parseStun(datagram));
    return 0;
}

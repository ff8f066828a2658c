#include "rtp_audio.hpp"

#include "tc/protocol/packets.hpp"

namespace tc::media::detail {

std::vector<std::uint8_t> rtpAudioPacket(const RtpAudioHeader& header, std::size_t payloadSize) {
    std::vector<std::uint8_t> packet;
    packet.reserve(12 + 4 + 4 * header.extensions.size() + payloadSize);
    packet.push_back(0x80);
    packet.push_back(static_cast<std::uint8_t>((header.marker ? 0x80 : 0) | header.payloadType));
    packet.push_back(static_cast<std::uint8_t>(header.sequence >> 8));
    packet.push_back(static_cast<std::uint8_t>(header.sequence));
    for (const auto value : {header.timestamp, header.ssrc}) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            packet.push_back(static_cast<std::uint8_t>(value >> shift));
        }
    }
    if (!header.extensions.empty()) {
        protocol::addRtpExtensions(packet, header.extensions);
    }
    return packet;
}

} // namespace tc::media::detail

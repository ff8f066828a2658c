#pragma once
// An RTP packet for one audio frame (RFC 3550 fixed header, optional RFC 8285 one-byte
// extensions, then the payload): what the stethoscope and voice packetisers share.

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace tc::media::detail {

struct RtpAudioHeader {
    std::uint8_t payloadType = 0;
    bool marker = false; // the first packet of a talkspurt (RFC 3551 §4.1): here, of the stream
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    std::vector<std::pair<std::uint8_t, std::vector<std::uint8_t>>> extensions;
};

// `payloadSize` reserves room; the caller appends the payload.
std::vector<std::uint8_t> rtpAudioPacket(const RtpAudioHeader& header, std::size_t payloadSize);

} // namespace tc::media::detail

#pragma once
// Media transport packets on the one shared 5-tuple: RFC 7983 demultiplexing (STUN, DTLS,
// RTP/RTCP by first byte), RTP (RFC 3550) and RTCP compound parsing with rtcp-mux (RFC 5761),
// and STUN (RFC 8489) with MESSAGE-INTEGRITY and FINGERPRINT. Parsers never trust a length:
// every field is bounds-checked against the datagram and errors are typed.

#include "tc/protocol/errc/packet_errc.hpp"

#include <array>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

using Bytes = std::span<const std::uint8_t>;
template <class T> using PacketResult = boost::system::result<T>;

// Largest datagram accepted on the media port (a jumbo-free Ethernet path's worth).
inline constexpr std::size_t kMaxDatagramBytes = 1500;

enum class PacketKind { stun, dtls, rtp, rtcp, unknown };
std::string_view toString(PacketKind kind) noexcept;
// RFC 7983 first-byte ranges; RTP and RTCP are told apart by the RFC 5761 payload-type range.
PacketKind classify(Bytes datagram) noexcept;

struct RtpHeader {
    bool marker = false;
    std::uint8_t payloadType = 0;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    std::uint8_t csrcCount = 0;
    bool hasExtension = false;
    std::uint16_t extensionProfile = 0;
    std::size_t payloadOffset = 0;
    std::size_t payloadSize = 0;
    std::uint8_t paddingSize = 0;
};
PacketResult<RtpHeader> parseRtp(Bytes packet);

// RFC 8285 header extensions: the value of element `id` (one-byte 0xBEDE or two-byte 0x100x
// form), or nothing when absent or malformed. `header` comes from parseRtp(packet).
std::optional<Bytes> rtpExtension(Bytes packet, const RtpHeader& header, std::uint8_t id) noexcept;
// Appends a one-byte-form header extension holding the given elements (ids 1-14, values of
// 1-16 bytes) to an RTP header of 12 + 4*CC bytes that has none yet; sets the X bit.
void addRtpExtensions(
    std::vector<std::uint8_t>& packet,
    const std::vector<std::pair<std::uint8_t, std::vector<std::uint8_t>>>& elements);

struct RtcpPacketView {
    std::uint8_t type = 0;  // 200 SR, 201 RR, 202 SDES, 203 BYE, 205 RTPFB, 206 PSFB, ...
    std::uint8_t count = 0; // report count / feedback message type
    std::uint32_t senderSsrc = 0;
    std::size_t offset = 0; // within the compound packet
    std::size_t size = 0;   // whole packet, header included
};
// Every packet of a (decrypted) compound RTCP packet; lengths must tile the datagram exactly.
PacketResult<std::vector<RtcpPacketView>> parseRtcpCompound(Bytes packet);

// ---- STUN ----------------------------------------------------------------------------------

inline constexpr std::uint32_t kStunMagicCookie = 0x2112A442;
inline constexpr std::uint16_t kStunBindingRequest = 0x0001;
inline constexpr std::uint16_t kStunBindingSuccess = 0x0101;
inline constexpr std::uint16_t kStunAttrUsername = 0x0006;
inline constexpr std::uint16_t kStunAttrMessageIntegrity = 0x0008;
inline constexpr std::uint16_t kStunAttrXorMappedAddress = 0x0020;
inline constexpr std::uint16_t kStunAttrPriority = 0x0024;
inline constexpr std::uint16_t kStunAttrUseCandidate = 0x0025;
inline constexpr std::uint16_t kStunAttrFingerprint = 0x8028;
inline constexpr std::uint16_t kStunAttrIceControlled = 0x8029;
inline constexpr std::uint16_t kStunAttrIceControlling = 0x802A;

using TransactionId = std::array<std::uint8_t, 12>;

struct StunAttribute {
    std::uint16_t type = 0;
    std::size_t valueOffset = 0; // within the message
    std::uint16_t valueSize = 0;
};

struct StunMessage {
    std::uint16_t type = 0;
    TransactionId transactionId{};
    std::vector<StunAttribute> attributes;
    const StunAttribute* find(std::uint16_t type) const noexcept;
};

// Structure only: header, cookie, attribute TLVs, FINGERPRINT last if present and correct.
PacketResult<StunMessage> parseStun(Bytes packet);
// MESSAGE-INTEGRITY (HMAC-SHA1 over the message up to it, RFC 8489 §14.5) with the ICE
// password as the short-term credential.
boost::system::error_code verifyStunIntegrity(Bytes packet, const StunMessage& message,
                                              std::string_view password);

// Builds a message with the given attributes, then MESSAGE-INTEGRITY (if a password is given)
// and FINGERPRINT.
std::vector<std::uint8_t>
buildStun(std::uint16_t type, const TransactionId& transactionId,
          const std::vector<std::pair<std::uint16_t, std::vector<std::uint8_t>>>& attributes,
          std::string_view integrityPassword);

// CRC-32 (ISO-HDLC, as in RFC 8489's FINGERPRINT).
std::uint32_t crc32(Bytes data) noexcept;

} // namespace tc::protocol

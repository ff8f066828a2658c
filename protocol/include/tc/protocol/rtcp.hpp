#pragma once
// RTCP messages (RFC 3550 SR/RR/SDES/BYE, RFC 4585 generic NACK and PLI, RFC 5104 FIR): typed
// views parsed from a decrypted compound packet, and a writer that builds compound packets.
// Unknown packet types (APP, XR, ...) are skipped, as RFC 3550 requires; malformed known ones
// make the whole compound packet invalid.

#include "tc/protocol/packets.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

namespace tc::protocol {

inline constexpr std::uint8_t kRtcpSenderReport = 200;
inline constexpr std::uint8_t kRtcpReceiverReport = 201;
inline constexpr std::uint8_t kRtcpSourceDescription = 202;
inline constexpr std::uint8_t kRtcpBye = 203;
inline constexpr std::uint8_t kRtcpTransportFeedback = 205; // RTPFB
inline constexpr std::uint8_t kRtcpPayloadFeedback = 206;   // PSFB
inline constexpr std::uint8_t kRtcpExtendedReport = 207;    // XR (RFC 3611)

struct ReportBlock {
    std::uint32_t ssrc = 0;                       // the source this block is about
    std::uint8_t fractionLost = 0;                // since the previous report, in 1/256
    std::int32_t cumulativeLost = 0;              // 24-bit signed on the wire
    std::uint32_t highestSequence = 0;            // extended
    std::uint32_t jitter = 0;                     // in timestamp units
    std::uint32_t lastSenderReport = 0;           // middle 32 bits of the NTP time of the last SR
    std::uint32_t delaySinceLastSenderReport = 0; // in 1/65536 s
};

struct SenderReport {
    std::uint32_t ssrc = 0;
    std::uint64_t ntpTime = 0; // 32.32 fixed point seconds since 1900
    std::uint32_t rtpTimestamp = 0;
    std::uint32_t packetCount = 0;
    std::uint32_t octetCount = 0;
    std::vector<ReportBlock> reports;
};

struct ReceiverReport {
    std::uint32_t ssrc = 0;
    std::vector<ReportBlock> reports;
};

struct GenericNack {
    std::uint32_t senderSsrc = 0;
    std::uint32_t mediaSsrc = 0;
    std::vector<std::uint16_t> sequences; // every lost packet named by PID + BLP
};

struct PictureLossIndication {
    std::uint32_t senderSsrc = 0;
    std::uint32_t mediaSsrc = 0;
};

struct FullIntraRequest {
    std::uint32_t senderSsrc = 0;
    struct Entry {
        std::uint32_t ssrc = 0;
        std::uint8_t sequence = 0;
    };
    std::vector<Entry> entries;
};

struct Goodbye {
    std::vector<std::uint32_t> ssrcs;
};

// RFC 3611 XR blocks that give a receiver-only party its round-trip time: it sends a Receiver
// Reference Time (RRTR); the sender answers with the delay since it got it (DLRR).
struct ExtendedReport {
    std::uint32_t ssrc = 0;
    std::optional<std::uint64_t> referenceTime; // RRTR, NTP
    struct Dlrr {
        std::uint32_t ssrc = 0;
        std::uint32_t lastReceiverReport = 0; // middle 32 bits of the RRTR's NTP time
        std::uint32_t delay = 0;              // in 1/65536 s
    };
    std::vector<Dlrr> dlrr;
};

using RtcpMessage = std::variant<SenderReport, ReceiverReport, GenericNack, PictureLossIndication,
                                 FullIntraRequest, Goodbye, ExtendedReport>;

// Every message of a decrypted compound packet that we act on, in order.
PacketResult<std::vector<RtcpMessage>> parseRtcpMessages(Bytes compound);

// The middle 32 bits of a 64-bit NTP time, as carried in LSR.
constexpr std::uint32_t ntpMiddle(std::uint64_t ntp) noexcept {
    return static_cast<std::uint32_t>(ntp >> 16);
}

// Builds one compound packet; RFC 3550 wants it to start with an SR or RR.
class RtcpWriter {
public:
    RtcpWriter& senderReport(const SenderReport& report);
    RtcpWriter& receiverReport(const ReceiverReport& report);
    RtcpWriter& cname(std::uint32_t ssrc, std::string_view cname);
    RtcpWriter& nack(std::uint32_t senderSsrc, std::uint32_t mediaSsrc,
                     const std::vector<std::uint16_t>& sequences);
    RtcpWriter& pictureLoss(std::uint32_t senderSsrc, std::uint32_t mediaSsrc);
    RtcpWriter& fullIntraRequest(std::uint32_t senderSsrc, std::uint32_t mediaSsrc,
                                 std::uint8_t sequence);
    RtcpWriter& bye(std::uint32_t ssrc);
    RtcpWriter& extendedReport(const ExtendedReport& report);

    bool empty() const noexcept { return m_bytes.empty(); }
    std::size_t size() const noexcept { return m_bytes.size(); }
    std::vector<std::uint8_t> take() { return std::exchange(m_bytes, {}); }

private:
    void header(std::uint8_t count, std::uint8_t type, std::size_t words);
    void u8(std::uint8_t v) { m_bytes.push_back(v); }
    void u16(std::uint16_t v);
    void u32(std::uint32_t v);
    void block(const ReportBlock& block);
    std::vector<std::uint8_t> m_bytes;
};

} // namespace tc::protocol

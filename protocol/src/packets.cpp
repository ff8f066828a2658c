#include "tc/protocol/packets.hpp"

#include "byte_order.hpp"
#include "tc/errors/table_lookup.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace tc::protocol {
namespace {

using detail::read16;
using detail::read32;

void write16(std::vector<std::uint8_t>& out, std::size_t at, std::uint16_t v) {
    out[at] = static_cast<std::uint8_t>(v >> 8);
    out[at + 1] = static_cast<std::uint8_t>(v);
}

void append16(std::vector<std::uint8_t>& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

void append32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(v >> shift));
    }
}

constexpr std::uint32_t kFingerprintXor = 0x5354554e;
constexpr std::size_t kStunHeader = 20;

std::array<std::uint8_t, 20> hmacSha1(Bytes data, std::string_view key) {
    std::array<std::uint8_t, 20> mac{};
    unsigned int size = 0;
    HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), mac.data(),
         &size);
    return mac;
}

} // namespace

std::string_view toString(PacketKind kind) noexcept {
    static constexpr errors::EnumNames<PacketKind::unknown> names{
        {"stun", "dtls", "rtp", "rtcp", "unknown"}};
    return names(kind, "unknown");
}

PacketKind classify(Bytes datagram) noexcept {
    if (datagram.empty()) {
        return PacketKind::unknown;
    }
    const std::uint8_t first = datagram[0];
    if (first <= 3) {
        return PacketKind::stun;
    }
    if (first >= 20 && first <= 63) {
        return PacketKind::dtls;
    }
    if (first >= 128 && first <= 191) {
        if (datagram.size() < 2) {
            return PacketKind::unknown;
        }
        // RFC 5761: RTCP packet types 192-223 sit where RTP payload types 64-95 would.
        const std::uint8_t pt = datagram[1] & 0x7f;
        return pt >= 64 && pt <= 95 ? PacketKind::rtcp : PacketKind::rtp;
    }
    return PacketKind::unknown; // 64-79 TURN channels (later), the rest reserved
}

PacketResult<RtpHeader> parseRtp(Bytes p) {
    if (p.size() > kMaxDatagramBytes) {
        return make_error_code(PacketErrc::oversized);
    }
    if (p.size() < 12) {
        return make_error_code(PacketErrc::truncated);
    }
    if ((p[0] >> 6) != 2) {
        return make_error_code(PacketErrc::badVersion);
    }
    RtpHeader h;
    const bool padding = (p[0] & 0x20) != 0;
    h.hasExtension = (p[0] & 0x10) != 0;
    h.csrcCount = p[0] & 0x0f;
    h.marker = (p[1] & 0x80) != 0;
    h.payloadType = p[1] & 0x7f;
    h.sequence = read16(p, 2);
    h.timestamp = read32(p, 4);
    h.ssrc = read32(p, 8);
    std::size_t offset = 12 + 4u * h.csrcCount;
    if (offset > p.size()) {
        return make_error_code(PacketErrc::truncated);
    }
    if (h.hasExtension) {
        if (offset + 4 > p.size()) {
            return make_error_code(PacketErrc::badExtension);
        }
        h.extensionProfile = read16(p, offset);
        const std::size_t words = read16(p, offset + 2);
        offset += 4 + 4 * words;
        if (offset > p.size()) {
            return make_error_code(PacketErrc::badExtension);
        }
    }
    std::size_t end = p.size();
    if (padding) {
        const std::uint8_t count = p.back();
        if (count == 0 || count > end - offset) {
            return make_error_code(PacketErrc::badPadding);
        }
        h.paddingSize = count;
        end -= count;
    }
    h.payloadOffset = offset;
    h.payloadSize = end - offset;
    return h;
}

std::optional<Bytes> rtpExtension(Bytes p, const RtpHeader& header, std::uint8_t id) noexcept {
    if (!header.hasExtension || id == 0) {
        return std::nullopt;
    }
    const std::size_t start = 12 + 4u * header.csrcCount + 4; // after profile and length
    const std::size_t end = header.payloadOffset;
    const bool oneByte = header.extensionProfile == 0xBEDE;
    const bool twoByte = (header.extensionProfile & 0xFFF0) == 0x1000;
    if (!oneByte && !twoByte) {
        return std::nullopt;
    }
    for (std::size_t at = start; at < end;) {
        if (p[at] == 0) {
            ++at; // padding between elements
            continue;
        }
        std::uint8_t elementId = 0;
        std::size_t length = 0;
        if (oneByte) {
            elementId = p[at] >> 4;
            length = (p[at] & 0x0f) + 1u;
            if (elementId == 15) {
                return std::nullopt; // reserved: stop processing, as RFC 8285 says
            }
            at += 1;
        } else {
            if (at + 2 > end) {
                return std::nullopt;
            }
            elementId = p[at];
            length = p[at + 1];
            at += 2;
        }
        if (at + length > end) {
            return std::nullopt;
        }
        if (elementId == id) {
            return p.subspan(at, length);
        }
        at += length;
    }
    return std::nullopt;
}

void addRtpExtensions(
    std::vector<std::uint8_t>& packet,
    const std::vector<std::pair<std::uint8_t, std::vector<std::uint8_t>>>& elements) {
    std::vector<std::uint8_t> block;
    for (const auto& [id, value] : elements) {
        if (id < 1 || id > 14 || value.empty() || value.size() > 16) {
            continue;
        }
        block.push_back(static_cast<std::uint8_t>((id << 4) | (value.size() - 1)));
        block.insert(block.end(), value.begin(), value.end());
    }
    if (block.empty() || packet.size() < 12) {
        return;
    }
    while (block.size() % 4 != 0) {
        block.push_back(0);
    }
    const std::size_t at = 12 + 4u * (packet[0] & 0x0f);
    const auto words = static_cast<std::uint16_t>(block.size() / 4);
    std::vector<std::uint8_t> header = {0xBE, 0xDE, static_cast<std::uint8_t>(words >> 8),
                                        static_cast<std::uint8_t>(words)};
    header.insert(header.end(), block.begin(), block.end());
    packet.insert(packet.begin() + static_cast<std::ptrdiff_t>(at), header.begin(), header.end());
    packet[0] |= 0x10;
}

PacketResult<std::vector<RtcpPacketView>> parseRtcpCompound(Bytes p) {
    if (p.size() > kMaxDatagramBytes) {
        return make_error_code(PacketErrc::oversized);
    }
    if (p.size() < 8) {
        return make_error_code(PacketErrc::truncated);
    }
    std::vector<RtcpPacketView> packets;
    std::size_t offset = 0;
    while (offset < p.size()) {
        if (p.size() - offset < 4) {
            return make_error_code(PacketErrc::truncated);
        }
        if ((p[offset] >> 6) != 2) {
            return make_error_code(PacketErrc::badVersion);
        }
        const std::size_t size = 4 * (static_cast<std::size_t>(read16(p, offset + 2)) + 1);
        if (size > p.size() - offset) {
            return make_error_code(PacketErrc::badLength);
        }
        RtcpPacketView view;
        view.type = p[offset + 1];
        view.count = p[offset] & 0x1f;
        view.offset = offset;
        view.size = size;
        if (size >= 8) {
            view.senderSsrc = read32(p, offset + 4);
        }
        // Padding is only allowed on the last packet of a compound (RFC 3550 §6.4.1).
        if ((p[offset] & 0x20) != 0) {
            const std::uint8_t count = p[offset + size - 1];
            if (offset + size != p.size() || count == 0 || count > size - 4) {
                return make_error_code(PacketErrc::badPadding);
            }
        }
        packets.push_back(view);
        offset += size;
    }
    return packets;
}

const StunAttribute* StunMessage::find(std::uint16_t wanted) const noexcept {
    const auto it = std::find_if(attributes.begin(), attributes.end(),
                                 [&](const StunAttribute& a) { return a.type == wanted; });
    return it == attributes.end() ? nullptr : &*it;
}

PacketResult<StunMessage> parseStun(Bytes p) {
    if (p.size() > kMaxDatagramBytes) {
        return make_error_code(PacketErrc::oversized);
    }
    if (p.size() < kStunHeader) {
        return make_error_code(PacketErrc::truncated);
    }
    if ((p[0] & 0xc0) != 0 || read32(p, 4) != kStunMagicCookie) {
        return make_error_code(PacketErrc::notStun);
    }
    const std::size_t length = read16(p, 2);
    if (length % 4 != 0 || kStunHeader + length != p.size()) {
        return make_error_code(PacketErrc::badLength);
    }
    StunMessage message;
    message.type = read16(p, 0);
    std::copy(p.begin() + 8, p.begin() + 20, message.transactionId.begin());
    std::size_t offset = kStunHeader;
    while (offset < p.size()) {
        if (p.size() - offset < 4) {
            return make_error_code(PacketErrc::badAttribute);
        }
        StunAttribute attribute;
        attribute.type = read16(p, offset);
        attribute.valueSize = read16(p, offset + 2);
        attribute.valueOffset = offset + 4;
        const std::size_t padded = (attribute.valueSize + 3u) & ~std::size_t{3};
        if (padded > p.size() - attribute.valueOffset) {
            return make_error_code(PacketErrc::badAttribute);
        }
        if (!message.attributes.empty() && message.attributes.back().type == kStunAttrFingerprint) {
            return make_error_code(PacketErrc::badAttribute); // nothing may follow FINGERPRINT
        }
        message.attributes.push_back(attribute);
        offset = attribute.valueOffset + padded;
    }
    if (const auto* fingerprint = message.find(kStunAttrFingerprint)) {
        if (fingerprint->valueSize != 4) {
            return make_error_code(PacketErrc::badAttribute);
        }
        const std::size_t covered = fingerprint->valueOffset - 4;
        const std::uint32_t expected = crc32(p.first(covered)) ^ kFingerprintXor;
        if (read32(p, fingerprint->valueOffset) != expected) {
            return make_error_code(PacketErrc::fingerprintMismatch);
        }
    }
    return message;
}

boost::system::error_code verifyStunIntegrity(Bytes p, const StunMessage& message,
                                              std::string_view password) {
    const auto* integrity = message.find(kStunAttrMessageIntegrity);
    if (integrity == nullptr) {
        return make_error_code(PacketErrc::missingIntegrity);
    }
    if (integrity->valueSize != 20) {
        return make_error_code(PacketErrc::badAttribute);
    }
    // The HMAC covers the message up to MESSAGE-INTEGRITY, with the header length adjusted to
    // end just after it (RFC 8489 §14.5).
    const std::size_t covered = integrity->valueOffset - 4;
    std::vector<std::uint8_t> input(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(covered));
    write16(input, 2, static_cast<std::uint16_t>(covered - kStunHeader + 24));
    const auto mac = hmacSha1(input, password);
    if (CRYPTO_memcmp(mac.data(), p.data() + integrity->valueOffset, mac.size()) != 0) {
        return make_error_code(PacketErrc::integrityMismatch);
    }
    return {};
}

std::vector<std::uint8_t>
buildStun(std::uint16_t type, const TransactionId& transactionId,
          const std::vector<std::pair<std::uint16_t, std::vector<std::uint8_t>>>& attributes,
          std::string_view integrityPassword) {
    std::vector<std::uint8_t> out;
    append16(out, type);
    append16(out, 0);
    append32(out, kStunMagicCookie);
    out.insert(out.end(), transactionId.begin(), transactionId.end());
    for (const auto& [attrType, value] : attributes) {
        append16(out, attrType);
        append16(out, static_cast<std::uint16_t>(value.size()));
        out.insert(out.end(), value.begin(), value.end());
        out.resize((out.size() + 3) & ~std::size_t{3}, 0);
    }
    if (!integrityPassword.empty()) {
        write16(out, 2, static_cast<std::uint16_t>(out.size() - kStunHeader + 24));
        const auto mac = hmacSha1(out, integrityPassword);
        append16(out, kStunAttrMessageIntegrity);
        append16(out, 20);
        out.insert(out.end(), mac.begin(), mac.end());
    }
    write16(out, 2, static_cast<std::uint16_t>(out.size() - kStunHeader + 8));
    const std::uint32_t fingerprint = crc32(out) ^ kFingerprintXor;
    append16(out, kStunAttrFingerprint);
    append16(out, 4);
    append32(out, fingerprint);
    return out;
}

std::uint32_t crc32(Bytes data) noexcept {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t crc = 0xFFFFFFFFu;
    for (const std::uint8_t byte : data) {
        crc = table[(crc ^ byte) & 0xff] ^ (crc >> 8);
    }
    return crc ^ 0xFFFFFFFFu;
}

} // namespace tc::protocol

#include "tc/protocol/rtcp.hpp"

#include "byte_order.hpp"

#include <algorithm>

namespace tc::protocol {
namespace {

using detail::read16;
using detail::read32;

constexpr std::uint8_t kFmtGenericNack = 1;
constexpr std::uint8_t kFmtPictureLoss = 1;
constexpr std::uint8_t kFmtFullIntraRequest = 4;
constexpr std::size_t kReportBlockBytes = 24;
constexpr std::uint8_t kXrReceiverReferenceTime = 4;
constexpr std::uint8_t kXrDlrr = 5;

boost::system::error_code bad() {
    return make_error_code(PacketErrc::badLength);
}

// Report blocks start at `at` and must fit the packet exactly (no profile extensions: we do not
// define any, and a peer that sends them gets its blocks ignored rather than misread).
bool readBlocks(Bytes p, std::size_t at, std::size_t end, std::uint8_t count,
                std::vector<ReportBlock>& out) {
    if (end < at || (end - at) < count * kReportBlockBytes) {
        return false;
    }
    out.reserve(count);
    for (std::uint8_t i = 0; i < count; ++i, at += kReportBlockBytes) {
        ReportBlock b;
        b.ssrc = read32(p, at);
        b.fractionLost = p[at + 4];
        const std::uint32_t lost24 = read32(p, at + 4) & 0x00ffffffu;
        // Sign-extend the 24-bit two's complement count.
        b.cumulativeLost = static_cast<std::int32_t>(lost24 ^ 0x00800000u) - 0x00800000;
        b.highestSequence = read32(p, at + 8);
        b.jitter = read32(p, at + 12);
        b.lastSenderReport = read32(p, at + 16);
        b.delaySinceLastSenderReport = read32(p, at + 20);
        out.push_back(b);
    }
    return true;
}

// The packet's length without its padding (only the last packet of a compound may pad, and
// parseRtcpCompound has checked the count).
std::size_t contentEnd(Bytes p, const RtcpPacketView& v) {
    const bool padded = (p[v.offset] & 0x20) != 0;
    return v.offset + v.size - (padded ? p[v.offset + v.size - 1] : 0);
}

} // namespace

PacketResult<std::vector<RtcpMessage>> parseRtcpMessages(Bytes p) {
    auto views = parseRtcpCompound(p);
    if (!views) {
        return views.error();
    }
    std::vector<RtcpMessage> out;
    for (const auto& v : *views) {
        const std::size_t end = contentEnd(p, v);
        const std::size_t at = v.offset;
        switch (v.type) {
        case kRtcpSenderReport: {
            if (end - at < 28) {
                return bad();
            }
            SenderReport sr;
            sr.ssrc = read32(p, at + 4);
            sr.ntpTime = (static_cast<std::uint64_t>(read32(p, at + 8)) << 32) | read32(p, at + 12);
            sr.rtpTimestamp = read32(p, at + 16);
            sr.packetCount = read32(p, at + 20);
            sr.octetCount = read32(p, at + 24);
            if (!readBlocks(p, at + 28, end, v.count, sr.reports)) {
                return bad();
            }
            out.emplace_back(std::move(sr));
            break;
        }
        case kRtcpReceiverReport: {
            if (end - at < 8) {
                return bad();
            }
            ReceiverReport rr;
            rr.ssrc = read32(p, at + 4);
            if (!readBlocks(p, at + 8, end, v.count, rr.reports)) {
                return bad();
            }
            out.emplace_back(std::move(rr));
            break;
        }
        case kRtcpBye: {
            if (end - at < 4 + 4u * v.count) {
                return bad();
            }
            Goodbye bye;
            for (std::uint8_t i = 0; i < v.count; ++i) {
                bye.ssrcs.push_back(read32(p, at + 4 + 4u * i));
            }
            out.emplace_back(std::move(bye));
            break;
        }
        case kRtcpTransportFeedback:
        case kRtcpPayloadFeedback: {
            if (end - at < 12) {
                return bad();
            }
            const std::uint32_t sender = read32(p, at + 4);
            const std::uint32_t media = read32(p, at + 8);
            const std::size_t fci = at + 12;
            if (v.type == kRtcpTransportFeedback && v.count == kFmtGenericNack) {
                if ((end - fci) % 4 != 0 || end == fci) {
                    return bad();
                }
                GenericNack nack{sender, media, {}};
                for (std::size_t i = fci; i < end; i += 4) {
                    const std::uint16_t pid = read16(p, i);
                    const std::uint16_t blp = read16(p, i + 2);
                    nack.sequences.push_back(pid);
                    for (int bit = 0; bit < 16; ++bit) {
                        if ((blp >> bit) & 1) {
                            nack.sequences.push_back(static_cast<std::uint16_t>(pid + bit + 1));
                        }
                    }
                }
                out.emplace_back(std::move(nack));
            } else if (v.type == kRtcpPayloadFeedback && v.count == kFmtPictureLoss) {
                out.emplace_back(PictureLossIndication{sender, media});
            } else if (v.type == kRtcpPayloadFeedback && v.count == kFmtFullIntraRequest) {
                if ((end - fci) % 8 != 0 || end == fci) {
                    return bad();
                }
                FullIntraRequest fir{sender, {}};
                for (std::size_t i = fci; i < end; i += 8) {
                    fir.entries.push_back({read32(p, i), p[i + 4]});
                }
                out.emplace_back(std::move(fir));
            }
            break; // other feedback (REMB, TWCC, ...) is not ours to act on
        }
        case kRtcpExtendedReport: {
            if (end - at < 8) {
                return bad();
            }
            ExtendedReport xr;
            xr.ssrc = read32(p, at + 4);
            for (std::size_t i = at + 8; i < end;) {
                if (end - i < 4) {
                    return bad();
                }
                const std::uint8_t blockType = p[i];
                const std::size_t blockEnd = i + 4 + 4 * static_cast<std::size_t>(read16(p, i + 2));
                if (blockEnd > end) {
                    return bad();
                }
                if (blockType == kXrReceiverReferenceTime && blockEnd - i == 12) {
                    xr.referenceTime =
                        (static_cast<std::uint64_t>(read32(p, i + 4)) << 32) | read32(p, i + 8);
                } else if (blockType == kXrDlrr) {
                    if ((blockEnd - i - 4) % 12 != 0) {
                        return bad();
                    }
                    for (std::size_t j = i + 4; j < blockEnd; j += 12) {
                        xr.dlrr.push_back({read32(p, j), read32(p, j + 4), read32(p, j + 8)});
                    }
                }
                i = blockEnd;
            }
            out.emplace_back(std::move(xr));
            break;
        }
        default:
            break; // SDES, APP: nothing we act on
        }
    }
    return out;
}

// ---- Writer -------------------------------------------------------------------------------

void RtcpWriter::u16(std::uint16_t v) {
    m_bytes.push_back(static_cast<std::uint8_t>(v >> 8));
    m_bytes.push_back(static_cast<std::uint8_t>(v));
}

void RtcpWriter::u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
}

void RtcpWriter::header(std::uint8_t count, std::uint8_t type, std::size_t words) {
    u8(static_cast<std::uint8_t>(0x80 | (count & 0x1f)));
    u8(type);
    u16(static_cast<std::uint16_t>(words - 1)); // length in 32-bit words minus one
}

void RtcpWriter::block(const ReportBlock& b) {
    u32(b.ssrc);
    const auto lost = static_cast<std::uint32_t>(std::clamp(b.cumulativeLost, -0x800000, 0x7fffff));
    u32((static_cast<std::uint32_t>(b.fractionLost) << 24) | (lost & 0x00ffffffu));
    u32(b.highestSequence);
    u32(b.jitter);
    u32(b.lastSenderReport);
    u32(b.delaySinceLastSenderReport);
}

RtcpWriter& RtcpWriter::senderReport(const SenderReport& r) {
    const auto count = std::min<std::size_t>(r.reports.size(), 31);
    header(static_cast<std::uint8_t>(count), kRtcpSenderReport, 7 + 6 * count);
    u32(r.ssrc);
    u32(static_cast<std::uint32_t>(r.ntpTime >> 32));
    u32(static_cast<std::uint32_t>(r.ntpTime));
    u32(r.rtpTimestamp);
    u32(r.packetCount);
    u32(r.octetCount);
    for (std::size_t i = 0; i < count; ++i) {
        block(r.reports[i]);
    }
    return *this;
}

RtcpWriter& RtcpWriter::receiverReport(const ReceiverReport& r) {
    const auto count = std::min<std::size_t>(r.reports.size(), 31);
    header(static_cast<std::uint8_t>(count), kRtcpReceiverReport, 2 + 6 * count);
    u32(r.ssrc);
    for (std::size_t i = 0; i < count; ++i) {
        block(r.reports[i]);
    }
    return *this;
}

RtcpWriter& RtcpWriter::cname(std::uint32_t ssrc, std::string_view name) {
    name = name.substr(0, 255);
    // SSRC, CNAME item (type, length, text), END item, padded to a 32-bit boundary.
    const std::size_t bytes = 4 + 2 + name.size() + 1;
    const std::size_t words = 1 + (bytes + 3) / 4;
    header(1, kRtcpSourceDescription, words);
    u32(ssrc);
    u8(1);
    u8(static_cast<std::uint8_t>(name.size()));
    m_bytes.insert(m_bytes.end(), name.begin(), name.end());
    for (std::size_t i = bytes; i < 4 * (words - 1) + 1; ++i) {
        u8(0); // END, then padding
    }
    return *this;
}

RtcpWriter& RtcpWriter::nack(std::uint32_t senderSsrc, std::uint32_t mediaSsrc,
                             const std::vector<std::uint16_t>& sequences) {
    // Pack into PID + 16-bit bitmask pairs; `sequences` in sending order, ascending modulo 2^16.
    std::vector<std::pair<std::uint16_t, std::uint16_t>> fci;
    for (const auto seq : sequences) {
        if (!fci.empty()) {
            const auto distance = static_cast<std::uint16_t>(seq - fci.back().first);
            if (distance >= 1 && distance <= 16) {
                fci.back().second |= static_cast<std::uint16_t>(1u << (distance - 1));
                continue;
            }
        }
        fci.emplace_back(seq, 0);
    }
    if (fci.empty()) {
        return *this;
    }
    header(kFmtGenericNack, kRtcpTransportFeedback, 3 + fci.size());
    u32(senderSsrc);
    u32(mediaSsrc);
    for (const auto& [pid, blp] : fci) {
        u16(pid);
        u16(blp);
    }
    return *this;
}

RtcpWriter& RtcpWriter::pictureLoss(std::uint32_t senderSsrc, std::uint32_t mediaSsrc) {
    header(kFmtPictureLoss, kRtcpPayloadFeedback, 3);
    u32(senderSsrc);
    u32(mediaSsrc);
    return *this;
}

RtcpWriter& RtcpWriter::fullIntraRequest(std::uint32_t senderSsrc, std::uint32_t mediaSsrc,
                                         std::uint8_t sequence) {
    header(kFmtFullIntraRequest, kRtcpPayloadFeedback, 5);
    u32(senderSsrc);
    u32(0); // RFC 5104: media source SSRC is unused, the FCI names it
    u32(mediaSsrc);
    u8(sequence);
    u8(0);
    u16(0);
    return *this;
}

RtcpWriter& RtcpWriter::bye(std::uint32_t ssrc) {
    header(1, kRtcpBye, 2);
    u32(ssrc);
    return *this;
}

RtcpWriter& RtcpWriter::extendedReport(const ExtendedReport& r) {
    const std::size_t words =
        2 + (r.referenceTime ? 3 : 0) + (r.dlrr.empty() ? 0 : 1 + 3 * r.dlrr.size());
    header(0, kRtcpExtendedReport, words);
    u32(r.ssrc);
    if (r.referenceTime) {
        u8(kXrReceiverReferenceTime);
        u8(0);
        u16(2);
        u32(static_cast<std::uint32_t>(*r.referenceTime >> 32));
        u32(static_cast<std::uint32_t>(*r.referenceTime));
    }
    if (!r.dlrr.empty()) {
        u8(kXrDlrr);
        u8(0);
        u16(static_cast<std::uint16_t>(3 * r.dlrr.size()));
        for (const auto& d : r.dlrr) {
            u32(d.ssrc);
            u32(d.lastReceiverReport);
            u32(d.delay);
        }
    }
    return *this;
}

} // namespace tc::protocol

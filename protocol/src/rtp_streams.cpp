#include "rtp_streams.hpp"

#include <algorithm>
#include <cmath>

namespace tc::protocol::detail {
namespace {

constexpr std::size_t kHistorySlots = 1024;
// A NACK that arrives while the retransmission is in flight must not double it.
constexpr auto kRetransmitHoldOff = std::chrono::milliseconds(10);
constexpr std::size_t kMaxNackedPerReport = 300;

void put16(std::vector<std::uint8_t>& out, std::size_t at, std::uint16_t v) {
    out[at] = static_cast<std::uint8_t>(v >> 8);
    out[at + 1] = static_cast<std::uint8_t>(v);
}

void put32(std::vector<std::uint8_t>& out, std::size_t at, std::uint32_t v) {
    put16(out, at, static_cast<std::uint16_t>(v >> 16));
    put16(out, at + 2, static_cast<std::uint16_t>(v));
}

} // namespace

std::uint64_t ntpNow() {
    constexpr std::uint64_t kUnixToNtp = 2'208'988'800ULL;
    const auto since = std::chrono::system_clock::now().time_since_epoch();
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since).count();
    const auto seconds = static_cast<std::uint64_t>(micros / 1'000'000) + kUnixToNtp;
    const auto fraction = (static_cast<std::uint64_t>(micros % 1'000'000) << 32) / 1'000'000;
    return (seconds << 32) | fraction;
}

std::optional<double> roundTripMs(std::uint32_t nowMiddle, std::uint32_t last,
                                  std::uint32_t delay) {
    if (last == 0) {
        return std::nullopt;
    }
    const auto rtt = static_cast<std::int32_t>(nowMiddle - last - delay);
    if (rtt < 0 || rtt > 60 * 65536) {
        return std::nullopt; // clocks moved, or a report from another session
    }
    return rtt * 1000.0 / 65536.0;
}

// ---- Receiving -----------------------------------------------------------------------------

ReceiveStream::ReceiveStream(const RtpStreamConfig& config, std::uint32_t ssrc)
    : m_config(config)
    , m_seen(kSeenWindow, 0) {
    m_stats.name = config.name;
    m_stats.ssrc = ssrc;
    m_stats.payloadType = config.payloadType;
}

std::int64_t ReceiveStream::extend(std::uint16_t sequence) const noexcept {
    if (!m_started) {
        return sequence;
    }
    const auto delta = static_cast<std::int16_t>(
        static_cast<std::uint16_t>(sequence - static_cast<std::uint16_t>(m_highest)));
    return m_highest + delta;
}

bool ReceiveStream::seen(std::int64_t ext) const noexcept {
    return m_seen[static_cast<std::size_t>(ext) % kSeenWindow] == ext + 1;
}

void ReceiveStream::markSeen(std::int64_t ext) noexcept {
    m_seen[static_cast<std::size_t>(ext) % kSeenWindow] = ext + 1;
}

ReceiveStream::Arrival ReceiveStream::onPacket(const RtpHeader& header, std::size_t payloadBytes,
                                               Clock::time_point now, bool recovered) {
    const auto ext = extend(header.sequence);
    if (!m_started) {
        m_started = true;
        m_base = m_highest = ext;
    } else if (seen(ext) || m_highest - ext >= static_cast<std::int64_t>(kSeenWindow)) {
        ++m_stats.duplicates; // or too old to tell: either way not playable any more
        return Arrival::duplicate;
    }
    if (ext > m_highest) {
        const auto gap = ext - m_highest - 1;
        if (gap > kMaxGap) {
            m_missing.clear(); // the sender restarted its sequence: nothing to ask for
        } else {
            for (auto e = m_highest + 1; e < ext; ++e) {
                m_missing.emplace(e, Missing{now, {}, 0});
            }
        }
        m_highest = ext;
    } else if (ext < m_base) {
        m_base = ext; // the first packets arrived out of order
    }
    const bool wasMissing = m_missing.erase(ext) > 0;
    markSeen(ext);
    ++m_stats.packets;
    m_stats.bytes += payloadBytes;
    if (recovered) {
        ++m_stats.recovered;
        (void)wasMissing; // a recovery we had given up on still plays if the buffer allows
        return Arrival::recovered;
    }
    ++m_received;
    m_stats.lost = (m_highest - m_base + 1) - static_cast<std::int64_t>(m_received);
    // RFC 3550 A.8 interarrival jitter, in timestamp units.
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(now - m_epoch);
    const auto arrival = static_cast<std::uint32_t>(
        elapsed.count() * static_cast<std::int64_t>(m_config.clockRate) / 1'000'000);
    const auto transit =
        static_cast<std::int64_t>(static_cast<std::int32_t>(arrival - header.timestamp));
    if (m_lastTransit) {
        const auto d = std::abs(transit - *m_lastTransit);
        m_jitter += (static_cast<double>(d) - m_jitter) / 16.0;
        m_stats.jitterMs = m_jitter * 1000.0 / m_config.clockRate;
    }
    m_lastTransit = transit;
    return Arrival::fresh;
}

std::vector<std::uint16_t> ReceiveStream::due(Clock::time_point now,
                                              std::chrono::milliseconds retryAfter,
                                              const RtpSessionConfig& config) {
    std::vector<std::uint16_t> out;
    for (auto it = m_missing.begin(); it != m_missing.end();) {
        auto& missing = it->second;
        const bool expired = now - missing.detected > config.recoveryDeadline;
        const bool exhausted =
            missing.asked >= config.maxNacksPerPacket && now - missing.lastAsked >= retryAfter;
        if (expired || exhausted) {
            ++m_stats.unrecovered;
            it = m_missing.erase(it);
            continue;
        }
        if (out.size() < kMaxNackedPerReport &&
            (missing.asked == 0 || now - missing.lastAsked >= retryAfter)) {
            out.push_back(static_cast<std::uint16_t>(it->first));
            ++missing.asked;
            missing.lastAsked = now;
            ++m_stats.nacked;
        }
        ++it;
    }
    return out;
}

void ReceiveStream::onSenderReport(const SenderReport& report, Clock::time_point now) {
    m_lastSrMiddle = ntpMiddle(report.ntpTime);
    m_lastSrArrival = now;
}

ReportBlock ReceiveStream::reportBlock(Clock::time_point now) {
    const std::int64_t expected = m_started ? m_highest - m_base + 1 : 0;
    const std::int64_t expectedInterval = expected - m_expectedPrior;
    const auto receivedInterval = static_cast<std::int64_t>(m_received - m_receivedPrior);
    const std::int64_t lostInterval = expectedInterval - receivedInterval;
    m_expectedPrior = expected;
    m_receivedPrior = m_received;
    ReportBlock block;
    block.ssrc = m_stats.ssrc;
    block.fractionLost = expectedInterval <= 0 || lostInterval <= 0
                             ? 0
                             : static_cast<std::uint8_t>(std::min<std::int64_t>(
                                   255, (lostInterval << 8) / expectedInterval));
    m_stats.fractionLost = block.fractionLost / 256.0;
    block.cumulativeLost =
        static_cast<std::int32_t>(std::clamp<std::int64_t>(m_stats.lost, -0x800000, 0x7fffff));
    block.highestSequence = static_cast<std::uint32_t>(m_highest);
    block.jitter = static_cast<std::uint32_t>(m_jitter);
    block.lastSenderReport = m_lastSrMiddle;
    if (m_lastSrMiddle != 0) {
        const auto waited =
            std::chrono::duration_cast<std::chrono::microseconds>(now - m_lastSrArrival).count();
        block.delaySinceLastSenderReport = static_cast<std::uint32_t>((waited << 16) / 1'000'000);
    }
    return block;
}

// ---- Sending -------------------------------------------------------------------------------

SendStream::SendStream(const RtpStreamConfig& config, std::uint32_t ssrc, std::uint32_t rtxSsrc,
                       std::chrono::milliseconds historyLength)
    : m_config(config)
    , m_rtxSsrc(rtxSsrc)
    , m_rtxSequence(static_cast<std::uint16_t>(rtxSsrc)) // random start, as RFC 3550 asks
    , m_historyLength(historyLength)
    , m_history(kHistorySlots) {
    m_stats.name = config.name;
    m_stats.outbound = true;
    m_stats.ssrc = ssrc;
    m_stats.payloadType = config.payloadType;
}

void SendStream::onSent(std::span<const std::uint8_t> packet, const RtpHeader& header,
                        Clock::time_point now) {
    auto& slot = m_history[header.sequence % kHistorySlots];
    slot.valid = true;
    slot.sequence = header.sequence;
    slot.sent = now;
    slot.lastRetransmit = {};
    slot.packet.assign(packet.begin(), packet.end());
    ++m_stats.packets;
    m_stats.bytes += header.payloadSize;
    m_lastTimestamp = header.timestamp;
    m_lastSent = now;
}

std::vector<std::uint8_t> SendStream::retransmission(std::uint16_t sequence,
                                                     Clock::time_point now) {
    ++m_stats.nackedByPeer;
    auto& slot = m_history[sequence % kHistorySlots];
    if (!m_config.rtxPayloadType || !slot.valid || slot.sequence != sequence ||
        now - slot.sent > m_historyLength) {
        ++m_stats.retransmitMisses;
        return {};
    }
    if (now - slot.lastRetransmit < kRetransmitHoldOff) {
        return {};
    }
    const auto header = parseRtp(slot.packet);
    if (!header) {
        ++m_stats.retransmitMisses;
        return {};
    }
    slot.lastRetransmit = now;
    // RFC 4588 §4: the original header with the RTX payload type, sequence and SSRC, then the
    // original sequence number, then the original payload (padding dropped).
    std::vector<std::uint8_t> rtx(slot.packet.begin(),
                                  slot.packet.begin() +
                                      static_cast<std::ptrdiff_t>(header->payloadOffset));
    rtx[0] &= static_cast<std::uint8_t>(~0x20);
    rtx[1] = static_cast<std::uint8_t>((rtx[1] & 0x80) | *m_config.rtxPayloadType);
    put16(rtx, 2, m_rtxSequence++);
    put32(rtx, 8, m_rtxSsrc);
    rtx.push_back(static_cast<std::uint8_t>(sequence >> 8));
    rtx.push_back(static_cast<std::uint8_t>(sequence));
    const auto payload = slot.packet.begin() + static_cast<std::ptrdiff_t>(header->payloadOffset);
    rtx.insert(rtx.end(), payload, payload + static_cast<std::ptrdiff_t>(header->payloadSize));
    ++m_stats.retransmitted;
    return rtx;
}

SenderReport SendStream::senderReport(Clock::time_point now) const {
    SenderReport report;
    report.ssrc = m_stats.ssrc;
    report.ntpTime = ntpNow();
    const auto since = std::chrono::duration_cast<std::chrono::microseconds>(now - m_lastSent);
    report.rtpTimestamp = m_lastTimestamp + static_cast<std::uint32_t>(
                                                since.count() * m_config.clockRate / 1'000'000);
    report.packetCount = static_cast<std::uint32_t>(m_stats.packets);
    report.octetCount = static_cast<std::uint32_t>(m_stats.bytes);
    return report;
}

void SendStream::onReportBlock(const ReportBlock& block, std::uint32_t nowNtpMiddle) {
    m_stats.remoteFractionLost = block.fractionLost / 256.0;
    m_stats.remoteJitterMs = block.jitter * 1000.0 / m_config.clockRate;
    m_stats.lost = block.cumulativeLost;
    if (const auto rtt =
            roundTripMs(nowNtpMiddle, block.lastSenderReport, block.delaySinceLastSenderReport)) {
        m_stats.rttMs = rtt;
    }
}

} // namespace tc::protocol::detail

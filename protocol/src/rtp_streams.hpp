#pragma once
// The per-stream bookkeeping behind RtpSession, without I/O: sequence tracking, RFC 3550 loss
// and jitter, the set of missing packets with their NACK schedule, and the sender's history for
// RTX. Times are passed in, so the logic is deterministic.

#include "tc/protocol/rtcp.hpp"
#include "tc/protocol/rtp_session.hpp"

#include <chrono>
#include <map>
#include <vector>

namespace tc::protocol::detail {

using Clock = std::chrono::steady_clock;

// Current wall-clock time as 32.32 NTP.
std::uint64_t ntpNow();

class ReceiveStream {
public:
    ReceiveStream(const RtpStreamConfig& config, std::uint32_t ssrc);

    enum class Arrival { fresh, recovered, duplicate };
    // An original packet (or, with `recovered`, one rebuilt from RTX). Returns what it was.
    Arrival onPacket(const RtpHeader& header, std::size_t payloadBytes, Clock::time_point now,
                     bool recovered);
    // Sequence numbers to NACK now (first asks and retries), and gives up on expired ones.
    std::vector<std::uint16_t> due(Clock::time_point now, std::chrono::milliseconds retryAfter,
                                   const RtpSessionConfig& config);
    bool hasMissing() const noexcept { return !m_missing.empty(); }

    void onSenderReport(const SenderReport& report, Clock::time_point now);
    // The report block about this stream, and the interval's fraction lost.
    ReportBlock reportBlock(Clock::time_point now);

    void countKeyframeRequest() { ++m_stats.keyframeRequestsSent; }
    void setRtt(double ms) { m_stats.rttMs = ms; }
    const RtpStreamStats& stats() const noexcept { return m_stats; }
    std::uint32_t ssrc() const noexcept { return m_stats.ssrc; }
    const RtpStreamConfig& config() const noexcept { return m_config; }
    // The extended sequence number closest to the highest seen.
    std::int64_t extend(std::uint16_t sequence) const noexcept;

private:
    struct Missing {
        Clock::time_point detected;
        Clock::time_point lastAsked;
        int asked = 0;
    };
    static constexpr std::size_t kSeenWindow = 2048;
    static constexpr std::int64_t kMaxGap = 1000; // a bigger jump is a restart, not a loss

    bool seen(std::int64_t ext) const noexcept;
    void markSeen(std::int64_t ext) noexcept;

    RtpStreamConfig m_config;
    RtpStreamStats m_stats;
    bool m_started = false;
    std::int64_t m_base = 0;    // first extended sequence number
    std::int64_t m_highest = 0; // highest extended sequence number
    std::uint64_t m_received = 0;
    std::int64_t m_expectedPrior = 0;
    std::uint64_t m_receivedPrior = 0;
    std::vector<std::int64_t> m_seen; // ring: ext + 1 at ext % window, 0 = empty
    std::map<std::int64_t, Missing> m_missing;
    double m_jitter = 0; // in timestamp units
    std::optional<std::int64_t> m_lastTransit;
    Clock::time_point m_epoch = Clock::now();
    std::uint32_t m_lastSrMiddle = 0;
    Clock::time_point m_lastSrArrival{};
};

class SendStream {
public:
    SendStream(const RtpStreamConfig& config, std::uint32_t ssrc, std::uint32_t rtxSsrc,
               std::chrono::milliseconds historyLength);

    void onSent(std::span<const std::uint8_t> packet, const RtpHeader& header,
                Clock::time_point now);
    // The RTX packet (RFC 4588 §4) for `sequence`, or empty when it cannot be retransmitted.
    std::vector<std::uint8_t> retransmission(std::uint16_t sequence, Clock::time_point now);
    SenderReport senderReport(Clock::time_point now) const;
    void onReportBlock(const ReportBlock& block, std::uint32_t nowNtpMiddle);
    void countKeyframeRequest() { ++m_stats.keyframeRequestsReceived; }
    void setRtt(double ms) { m_stats.rttMs = ms; }

    const RtpStreamStats& stats() const noexcept { return m_stats; }
    std::uint32_t ssrc() const noexcept { return m_stats.ssrc; }

private:
    struct Slot {
        bool valid = false;
        std::uint16_t sequence = 0;
        Clock::time_point sent{};
        Clock::time_point lastRetransmit{};
        std::vector<std::uint8_t> packet; // capacity reused: no allocation once warm
    };
    RtpStreamConfig m_config;
    RtpStreamStats m_stats;
    std::uint32_t m_rtxSsrc;
    std::uint16_t m_rtxSequence;
    std::chrono::milliseconds m_historyLength;
    std::vector<Slot> m_history;
    std::uint32_t m_lastTimestamp = 0;
    Clock::time_point m_lastSent{};
};

// RTT from an LSR/DLSR (or LRR/DLRR) pair, in ms; empty when the pair is unset or nonsense.
std::optional<double> roundTripMs(std::uint32_t nowMiddle, std::uint32_t last, std::uint32_t delay);

} // namespace tc::protocol::detail

#pragma once
// The RTP session above a MediaTransport: per-stream statistics (RFC 3550 loss and jitter),
// sender and receiver reports with RTT (from SR/RR, and RFC 3611 XR for a receiver-only side),
// loss recovery by NACK (RFC 4585) and RTX retransmission (RFC 4588, SSRC-multiplexed, one RTX
// payload type per media payload type), and PLI/FIR keyframe requests (RFC 4585, RFC 5104).
// Streams are told apart by SSRC and payload type: within a BUNDLE each payload type belongs to
// one stream. Runs on the transport's executor; send() and requestKeyframe() may be called from
// any thread.

#include "tc/protocol/media_transport.hpp"
#include "tc/protocol/packets.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tc::protocol {

struct RtpStreamConfig {
    std::string name; // "stethoscope", "room-camera", ...
    std::uint8_t payloadType = 96;
    std::uint32_t clockRate = 48000;
    std::optional<std::uint8_t> rtxPayloadType; // a=rtpmap:N rtx, a=fmtp:N apt=payloadType
    bool video = false;                         // keyframe requests make sense
    std::string encoding = {};                  // from a=rtpmap: "L16", "opus", "VP8", ...
};

struct RtpSessionConfig {
    std::vector<RtpStreamConfig> streams;
    std::string cname;                              // RTCP SDES CNAME
    std::chrono::milliseconds reportInterval{1000}; // RTCP reports, randomised ±50 %
    // Sent packets kept for retransmission; lost ones are asked for until the deadline (the
    // jitter buffer's depth: later than that they could not be played).
    std::chrono::milliseconds historyLength{1000};
    std::chrono::milliseconds recoveryDeadline{500};
    int maxNacksPerPacket = 10;
};

struct RtpStreamStats {
    std::string name;
    bool outbound = false;
    std::uint32_t ssrc = 0;
    std::uint8_t payloadType = 0;
    std::uint64_t packets = 0; // sent, or received once each (originals and recoveries)
    std::uint64_t bytes = 0;   // payload bytes
    // Inbound.
    std::int64_t lost = 0;         // RFC 3550 cumulative: expected minus received
    std::uint64_t recovered = 0;   // by RTX
    std::uint64_t unrecovered = 0; // given up on at the deadline
    std::uint64_t duplicates = 0;  // discarded: already had it
    std::uint64_t nacked = 0;      // sequence numbers asked for (with retries)
    std::uint64_t keyframeRequestsSent = 0;
    double fractionLost = 0; // over the last report interval, before recovery
    double jitterMs = 0;
    // Outbound.
    std::uint64_t retransmitted = 0;
    std::uint64_t retransmitMisses = 0; // asked for, but no longer (or never) in the history
    std::uint64_t nackedByPeer = 0;
    std::uint64_t keyframeRequestsReceived = 0;
    double remoteFractionLost = 0; // as the peer reports it
    double remoteJitterMs = 0;
    // Both: from SR/RR (senders) or XR (receivers).
    std::optional<double> rttMs;
};

class RtpSession : public std::enable_shared_from_this<RtpSession> {
public:
    // A media packet for the application, original or rebuilt from RTX; in order of arrival.
    using MediaHandler = std::function<void(const RtpHeader& header,
                                            std::span<const std::uint8_t> packet, bool recovered)>;
    // The peer wants a keyframe on our stream `ssrc`.
    using KeyframeHandler = std::function<void(std::uint32_t ssrc)>;

    static std::shared_ptr<RtpSession> create(std::shared_ptr<MediaTransport> transport,
                                              RtpSessionConfig config, MediaHandler onMedia,
                                              KeyframeHandler onKeyframeRequest = {});
    ~RtpSession();

    // For MediaTransport::start: the session's packet handler, and a state handler that starts
    // and stops reporting before forwarding to `next`.
    MediaTransport::PacketHandler packetHandler();
    MediaTransport::StateHandler stateHandler(MediaTransport::StateHandler next);

    // A complete RTP packet of one of the configured payload types; kept for retransmission.
    void send(std::vector<std::uint8_t> packet);
    // PLI, or FIR when `full` (a decoder restart).
    void requestKeyframe(std::uint32_t remoteSsrc, bool full = false);
    // Sends BYE for our streams and stops the timers.
    void stop();

    // Snapshot; call on the transport's executor.
    std::vector<RtpStreamStats> stats() const;
    // Packets whose payload type is not one of ours.
    std::uint64_t unknownPayloadType() const;

    struct Impl;

private:
    explicit RtpSession(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::protocol

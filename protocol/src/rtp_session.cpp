#include "tc/protocol/rtp_session.hpp"

#include "rtp_streams.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <openssl/rand.h>
#include <random>

namespace tc::protocol {

namespace net = boost::asio;
using detail::Clock;
using detail::ReceiveStream;
using detail::SendStream;

namespace {

constexpr std::size_t kMaxReceiveStreams = 32; // an authenticated peer, but still bounded
constexpr auto kNackTick = std::chrono::milliseconds(5);
constexpr auto kFirstReport = std::chrono::milliseconds(100); // RTT early in the session

std::uint32_t randomSsrc() {
    std::uint32_t value = 0;
    while (value == 0) {
        RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value);
    }
    return value;
}

} // namespace

struct RtpSession::Impl {
    std::shared_ptr<MediaTransport> transport;
    RtpSessionConfig config;
    MediaHandler onMedia;
    KeyframeHandler onKeyframe;
    net::steady_timer reportTimer;
    net::steady_timer nackTimer;
    std::uint32_t localSsrc = randomSsrc(); // for RTCP when we send no media
    std::map<std::uint32_t, ReceiveStream> receiving;
    std::map<std::uint32_t, SendStream> sending;
    // The peer's RRTRs (RFC 3611), answered with DLRR in our next report.
    std::map<std::uint32_t, std::pair<std::uint32_t, Clock::time_point>> receiverTimes;
    std::optional<double> rttMs;
    std::optional<double> pathRttMs; // the transport's, from its STUN checks
    std::uint64_t unknownPayloadType = 0;
    std::uint64_t malformedRtcp = 0;
    std::uint8_t firSequence = 0;
    bool reporting = false;
    bool stopped = false;
    bool nackTimerRunning = false;
    std::minstd_rand jitterRandom{randomSsrc()};
    std::vector<std::uint8_t> rebuilt; // RTX payloads rebuilt into originals, reused

    Impl(std::shared_ptr<MediaTransport> t, RtpSessionConfig c, MediaHandler media,
         KeyframeHandler keyframe)
        : transport(std::move(t))
        , config(std::move(c))
        , onMedia(std::move(media))
        , onKeyframe(std::move(keyframe))
        , reportTimer(transport->executor())
        , nackTimer(transport->executor()) {}

    const RtpStreamConfig* streamFor(std::uint8_t payloadType) const {
        for (const auto& s : config.streams) {
            if (s.payloadType == payloadType) {
                return &s;
            }
        }
        return nullptr;
    }

    const RtpStreamConfig* streamForRtx(std::uint8_t payloadType) const {
        for (const auto& s : config.streams) {
            if (s.rtxPayloadType == payloadType) {
                return &s;
            }
        }
        return nullptr;
    }

    std::uint32_t ourSsrc() const { return sending.empty() ? localSsrc : sending.begin()->first; }

    std::chrono::milliseconds retryAfter() const {
        // A retransmission needs a round trip; ask again a little after it should have come.
        // Until RTCP has measured it, the transport's STUN checks have (read at each report,
        // not per packet).
        const double rtt = rttMs.value_or(pathRttMs.value_or(100.0));
        return std::chrono::milliseconds(static_cast<long>(rtt * 1.5) + 5);
    }

    // ---- Incoming ----

    void onPacket(std::span<const std::uint8_t> packet, bool rtcp) {
        if (stopped) {
            return;
        }
        if (rtcp) {
            return onRtcp(packet);
        }
        const auto header = parseRtp(packet);
        if (!header) {
            return; // SRTP authenticated it: only a buggy peer gets here
        }
        if (const auto* original = streamForRtx(header->payloadType)) {
            return onRtx(*header, packet, *original);
        }
        const auto* stream = streamFor(header->payloadType);
        if (stream == nullptr) {
            ++unknownPayloadType;
            return;
        }
        auto it = receiving.find(header->ssrc);
        if (it == receiving.end()) {
            if (receiving.size() >= kMaxReceiveStreams) {
                ++unknownPayloadType;
                return;
            }
            it = receiving.emplace(header->ssrc, ReceiveStream(*stream, header->ssrc)).first;
        }
        const auto arrival = it->second.onPacket(*header, header->payloadSize, Clock::now(), false);
        if (arrival == ReceiveStream::Arrival::duplicate) {
            return;
        }
        if (onMedia) {
            onMedia(*header, packet, false);
        }
        if (it->second.hasMissing()) {
            sendNacks(); // at once for a fresh gap; retries follow on the timer
        }
    }

    void onRtx(const RtpHeader& header, std::span<const std::uint8_t> packet,
               const RtpStreamConfig& original) {
        if (header.payloadSize < 2) {
            return;
        }
        const auto at = header.payloadOffset;
        const auto originalSequence =
            static_cast<std::uint16_t>((packet[at] << 8) | packet[at + 1]);
        // SSRC-multiplexed RTX: the media stream is the one of the associated payload type.
        ReceiveStream* stream = nullptr;
        for (auto& [ssrc, candidate] : receiving) {
            if (candidate.config().payloadType == original.payloadType) {
                stream = &candidate;
                break;
            }
        }
        if (stream == nullptr) {
            return;
        }
        rebuilt.assign(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(at));
        rebuilt[0] &= static_cast<std::uint8_t>(~0x20);
        rebuilt[1] = static_cast<std::uint8_t>((rebuilt[1] & 0x80) | original.payloadType);
        rebuilt[2] = static_cast<std::uint8_t>(originalSequence >> 8);
        rebuilt[3] = static_cast<std::uint8_t>(originalSequence);
        const auto ssrc = stream->ssrc();
        for (int i = 0; i < 4; ++i) {
            rebuilt[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
        }
        rebuilt.insert(rebuilt.end(), packet.begin() + static_cast<std::ptrdiff_t>(at + 2),
                       packet.begin() + static_cast<std::ptrdiff_t>(at + header.payloadSize));
        const auto restored = parseRtp(rebuilt);
        if (!restored) {
            return;
        }
        const auto arrival = stream->onPacket(*restored, restored->payloadSize, Clock::now(), true);
        if (arrival == ReceiveStream::Arrival::recovered && onMedia) {
            onMedia(*restored, rebuilt, true);
        }
    }

    void onRtcp(std::span<const std::uint8_t> packet) {
        const auto messages = parseRtcpMessages(packet);
        if (!messages) {
            ++malformedRtcp;
            return;
        }
        const auto now = Clock::now();
        const auto nowMiddle = ntpMiddle(detail::ntpNow());
        auto onBlocks = [&](const std::vector<ReportBlock>& blocks) {
            for (const auto& block : blocks) {
                if (auto it = sending.find(block.ssrc); it != sending.end()) {
                    it->second.onReportBlock(block, nowMiddle);
                    if (it->second.stats().rttMs) {
                        rttMs = it->second.stats().rttMs;
                    }
                }
            }
        };
        for (const auto& message : *messages) {
            if (const auto* sr = std::get_if<SenderReport>(&message)) {
                if (auto it = receiving.find(sr->ssrc); it != receiving.end()) {
                    it->second.onSenderReport(*sr, now);
                }
                onBlocks(sr->reports);
            } else if (const auto* rr = std::get_if<ReceiverReport>(&message)) {
                onBlocks(rr->reports);
            } else if (const auto* nack = std::get_if<GenericNack>(&message)) {
                auto it = sending.find(nack->mediaSsrc);
                if (it == sending.end()) {
                    continue;
                }
                for (const auto sequence : nack->sequences) {
                    auto rtx = it->second.retransmission(sequence, now);
                    if (!rtx.empty()) {
                        transport->sendRtp(std::move(rtx));
                    }
                }
            } else if (const auto* pli = std::get_if<PictureLossIndication>(&message)) {
                keyframeRequested(pli->mediaSsrc);
            } else if (const auto* fir = std::get_if<FullIntraRequest>(&message)) {
                for (const auto& entry : fir->entries) {
                    keyframeRequested(entry.ssrc);
                }
            } else if (const auto* xr = std::get_if<ExtendedReport>(&message)) {
                if (xr->referenceTime) {
                    receiverTimes[xr->ssrc] = {ntpMiddle(*xr->referenceTime), now};
                }
                for (const auto& item : xr->dlrr) {
                    if (item.ssrc == localSsrc) {
                        if (const auto rtt = detail::roundTripMs(nowMiddle, item.lastReceiverReport,
                                                                 item.delay)) {
                            rttMs = rtt;
                        }
                    }
                }
            }
        }
    }

    void keyframeRequested(std::uint32_t ssrc) {
        auto it = sending.find(ssrc);
        if (it == sending.end()) {
            return;
        }
        it->second.countKeyframeRequest();
        if (onKeyframe) {
            onKeyframe(ssrc);
        }
    }

    // ---- Outgoing ----

    void sendRtcp(RtcpWriter& writer) {
        if (!writer.empty()) {
            transport->sendRtcp(writer.take());
        }
    }

    void sendNacks() {
        const auto now = Clock::now();
        bool pending = false;
        for (auto& [ssrc, stream] : receiving) {
            const auto due = stream.due(now, retryAfter(), config);
            if (!due.empty()) {
                // Reduced-size RTCP is not negotiated: lead with an empty receiver report.
                RtcpWriter writer;
                writer.receiverReport({ourSsrc(), {}}).nack(ourSsrc(), ssrc, due);
                sendRtcp(writer);
            }
            pending = pending || stream.hasMissing();
        }
        if (pending && !nackTimerRunning) {
            nackTimerRunning = true;
            nackTimer.expires_after(kNackTick);
            nackTimer.async_wait([weak = weakSelf](boost::system::error_code ec) {
                auto self = weak.lock();
                if (ec || !self) {
                    return;
                }
                auto& impl = *self->m_impl;
                impl.nackTimerRunning = false;
                if (!impl.stopped) {
                    impl.sendNacks();
                }
            });
        }
    }

    void sendReport() {
        const auto now = Clock::now();
        pathRttMs = transport->stats().roundTripMs;
        std::vector<ReportBlock> blocks;
        for (auto& [ssrc, stream] : receiving) {
            blocks.push_back(stream.reportBlock(now));
            if (rttMs) {
                stream.setRtt(*rttMs);
            }
        }
        RtcpWriter writer;
        if (sending.empty()) {
            writer.receiverReport({localSsrc, std::move(blocks)});
        } else {
            bool first = true;
            for (auto& [ssrc, stream] : sending) {
                auto report = stream.senderReport(now);
                if (first) {
                    report.reports = std::move(blocks);
                    first = false;
                }
                writer.senderReport(report);
            }
        }
        writer.cname(ourSsrc(), config.cname);
        ExtendedReport xr;
        xr.ssrc = ourSsrc();
        if (sending.empty()) {
            xr.referenceTime = detail::ntpNow(); // a receiver's only way to its RTT
        }
        for (const auto& [ssrc, received] : receiverTimes) {
            const auto waited =
                std::chrono::duration_cast<std::chrono::microseconds>(now - received.second);
            xr.dlrr.push_back({ssrc, received.first,
                               static_cast<std::uint32_t>((waited.count() << 16) / 1'000'000)});
        }
        receiverTimes.clear();
        if (xr.referenceTime || !xr.dlrr.empty()) {
            writer.extendedReport(xr);
        }
        sendRtcp(writer);
    }

    void scheduleReport(std::chrono::milliseconds after) {
        reportTimer.expires_after(after);
        reportTimer.async_wait([weak = weakSelf](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self || self->m_impl->stopped) {
                return;
            }
            auto& impl = *self->m_impl;
            impl.sendReport();
            // RFC 3550 §6.3.5: randomised over [0.5, 1.5] of the interval.
            std::uniform_real_distribution<double> spread(0.5, 1.5);
            impl.scheduleReport(std::chrono::milliseconds(
                static_cast<long>(static_cast<double>(impl.config.reportInterval.count()) *
                                  spread(impl.jitterRandom))));
        });
    }

    std::weak_ptr<RtpSession> weakSelf;
};

RtpSession::RtpSession(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
RtpSession::~RtpSession() = default;

std::shared_ptr<RtpSession> RtpSession::create(std::shared_ptr<MediaTransport> transport,
                                               RtpSessionConfig config, MediaHandler onMedia,
                                               KeyframeHandler onKeyframeRequest) {
    auto impl = std::make_unique<Impl>(std::move(transport), std::move(config), std::move(onMedia),
                                       std::move(onKeyframeRequest));
    std::shared_ptr<RtpSession> session(new RtpSession(std::move(impl)));
    session->m_impl->weakSelf = session;
    return session;
}

MediaTransport::PacketHandler RtpSession::packetHandler() {
    // Weak: the transport holds this handler, and the session holds the transport.
    return [weak = weak_from_this()](std::span<const std::uint8_t> packet, bool rtcp) {
        if (auto self = weak.lock()) {
            self->m_impl->onPacket(packet, rtcp);
        }
    };
}

MediaTransport::StateHandler RtpSession::stateHandler(MediaTransport::StateHandler next) {
    return [weak = weak_from_this(), next = std::move(next)](TransportState state,
                                                             boost::system::error_code error) {
        if (auto self = weak.lock()) {
            auto& impl = *self->m_impl;
            if (state == TransportState::connected) {
                impl.pathRttMs = impl.transport->stats().roundTripMs;
            }
            if (state == TransportState::connected && !impl.reporting && !impl.stopped) {
                impl.reporting = true;
                impl.scheduleReport(kFirstReport);
            }
        }
        if (next) {
            next(state, error);
        }
    };
}

void RtpSession::send(std::vector<std::uint8_t> packet) {
    net::post(m_impl->transport->executor(), [weak = weak_from_this(),
                                              packet = std::move(packet)]() mutable {
        auto self = weak.lock();
        if (!self || self->m_impl->stopped) {
            return;
        }
        auto& impl = *self->m_impl;
        const auto header = parseRtp(packet);
        const auto* stream = header ? impl.streamFor(header->payloadType) : nullptr;
        if (stream == nullptr) {
            ++impl.unknownPayloadType;
            return;
        }
        auto it = impl.sending.find(header->ssrc);
        if (it == impl.sending.end()) {
            it = impl.sending
                     .emplace(header->ssrc, SendStream(*stream, header->ssrc, randomSsrc(),
                                                       impl.config.historyLength))
                     .first;
        }
        it->second.onSent(packet, *header, Clock::now());
        impl.transport->sendRtp(std::move(packet));
    });
}

void RtpSession::requestKeyframe(std::uint32_t remoteSsrc, bool full) {
    net::post(m_impl->transport->executor(), [weak = weak_from_this(), remoteSsrc, full] {
        auto self = weak.lock();
        if (!self || self->m_impl->stopped) {
            return;
        }
        auto& impl = *self->m_impl;
        auto it = impl.receiving.find(remoteSsrc);
        if (it == impl.receiving.end()) {
            return;
        }
        it->second.countKeyframeRequest();
        RtcpWriter writer;
        writer.receiverReport({impl.ourSsrc(), {}});
        if (full) {
            writer.fullIntraRequest(impl.ourSsrc(), remoteSsrc, impl.firSequence++);
        } else {
            writer.pictureLoss(impl.ourSsrc(), remoteSsrc);
        }
        impl.sendRtcp(writer);
    });
}

void RtpSession::stop() {
    net::post(m_impl->transport->executor(), [self = shared_from_this()] {
        auto& impl = *self->m_impl;
        if (impl.stopped) {
            return;
        }
        impl.stopped = true;
        impl.reportTimer.cancel();
        impl.nackTimer.cancel();
        RtcpWriter writer;
        writer.receiverReport({impl.ourSsrc(), {}});
        for (const auto& [ssrc, stream] : impl.sending) {
            writer.bye(ssrc);
        }
        if (impl.reporting) {
            impl.sendRtcp(writer);
        }
    });
}

std::vector<RtpStreamStats> RtpSession::stats() const {
    std::vector<RtpStreamStats> out;
    for (const auto& [ssrc, stream] : m_impl->sending) {
        out.push_back(stream.stats());
    }
    for (const auto& [ssrc, stream] : m_impl->receiving) {
        out.push_back(stream.stats());
    }
    const auto rtt = m_impl->rttMs ? m_impl->rttMs : m_impl->transport->stats().roundTripMs;
    for (auto& s : out) {
        if (!s.rttMs) {
            s.rttMs = rtt; // one path for every stream of the BUNDLE
        }
    }
    return out;
}

std::uint64_t RtpSession::unknownPayloadType() const {
    return m_impl->unknownPayloadType;
}

} // namespace tc::protocol

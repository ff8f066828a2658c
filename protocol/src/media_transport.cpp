#include "media_transport_impl.hpp"
#include "random_id.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

namespace tc::protocol {

IceCredentials makeIceCredentials() {
    return IceCredentials{detail::randomHex(4), detail::randomHex(16)};
}

boost::system::result<std::shared_ptr<MediaTransport>>
MediaTransport::open(boost::asio::any_io_executor executor, MediaTransportConfig config) {
    auto transport = std::make_shared<detail::Transport>(std::move(executor), std::move(config));
    if (const auto ec = transport->open()) {
        return ec;
    }
    return std::shared_ptr<MediaTransport>(std::move(transport));
}

namespace detail {

Transport::Transport(net::any_io_executor executor, MediaTransportConfig config)
    : m_strand(net::make_strand(executor))
    , m_config(std::move(config))
    , m_consentTimer(m_strand)
    , m_dtlsTimer(m_strand)
    , m_addressTimer(m_strand)
    , m_local(m_config.local)
    , m_hostAddresses(m_config.hostAddresses) {
    if (m_config.egressImpairment) {
        m_impairment = std::make_unique<ImpairmentModel>(*m_config.egressImpairment);
    }
}

Transport::~Transport() {
    std::lock_guard lock(m_agentMutex);
    m_agent.reset(); // before the loop thread it runs on
}

IceCredentials Transport::localCredentials() const {
    std::lock_guard lock(m_agentMutex);
    return m_local;
}

boost::system::error_code Transport::start(std::vector<Candidate> remote, IceCredentials remoteIce,
                                           TransportKeying keying, PacketHandler onPacket,
                                           StateHandler onState) {
    // Keys are checked here, synchronously, so that the caller hears about bad ones at once.
    std::optional<std::pair<SrtpSession, SrtpSession>> sdes;
    std::unique_ptr<DtlsSrtpHandshake> dtls;
    if (const auto* keys = std::get_if<SrtpKeys>(&keying)) {
        auto sessions = makeSessions(*keys);
        if (!sessions) {
            return sessions.error();
        }
        sdes.emplace(std::move(*sessions));
    } else {
        const auto& parameters = std::get<DtlsParameters>(keying);
        auto handshake = DtlsSrtpHandshake::create(parameters.role, parameters.certificate,
                                                   parameters.remoteFingerprint, parameters.suites);
        if (!handshake) {
            return handshake.error();
        }
        dtls = std::move(*handshake);
    }
    net::post(m_strand, [self = shared_from_this(), remote = std::move(remote),
                         remoteIce = std::move(remoteIce), sdes = std::move(sdes),
                         dtls = std::move(dtls), onPacket = std::move(onPacket),
                         onState = std::move(onState)]() mutable {
        if (self->m_started || self->m_state == TransportState::closed) {
            return;
        }
        self->m_started = true;
        self->m_sdes = std::move(sdes);
        self->m_dtls = std::move(dtls);
        self->m_onPacket = std::move(onPacket);
        self->m_onState = std::move(onState);
        if (self->m_generation == 0) {
            self->m_remote = std::move(remoteIce);
            auto agent = self->currentAgent();
            agent->setRemoteCredentials(*self->m_remote);
            remote.insert(remote.end(), self->m_pendingRemote.begin(), self->m_pendingRemote.end());
            agent->addRemoteCandidates(remote);
            if (self->m_remoteEnded) {
                agent->endOfRemoteCandidates();
            }
        }
        self->m_pendingRemote.clear();
        self->consentLoop();
    });
    return {};
}

void Transport::close() {
    net::post(m_strand, [self = shared_from_this()] {
        if (self->m_dtls && self->m_dtls->done()) {
            self->m_dtls->close(); // close_notify, so the peer knows at once
            self->flushDtls();
        }
        self->shutdown(TransportState::closed, {});
    });
}

std::shared_ptr<detail::IceAgent> Transport::currentAgent() const {
    std::lock_guard lock(m_agentMutex);
    return m_agent;
}

boost::system::result<std::pair<SrtpSession, SrtpSession>>
Transport::makeSessions(const SrtpKeys& keys) {
    auto sender = SrtpSession::create(keys.suite, keys.sendKey, SrtpDirection::outbound);
    if (!sender) {
        return sender.error();
    }
    auto receiver = SrtpSession::create(keys.suite, keys.receiveKey, SrtpDirection::inbound);
    if (!receiver) {
        return receiver.error();
    }
    return std::pair<SrtpSession, SrtpSession>(std::move(*sender), std::move(*receiver));
}

void Transport::setState(TransportState state, boost::system::error_code error) {
    if (m_state == state || m_state == TransportState::closed ||
        m_state == TransportState::failed) {
        return;
    }
    m_state = state;
    if (state == TransportState::disconnected) {
        m_disconnectedSince = Clock::now();
    }
    if (m_onState) {
        m_onState(state, error);
    }
}

void Transport::shutdown(TransportState final, boost::system::error_code error) {
    setState(final, error);
    m_consentTimer.cancel();
    m_dtlsTimer.cancel();
    m_addressTimer.cancel();
    for (const auto& tunnel : m_tunnels) {
        tunnel->close();
    }
    // The agent goes now (its TURN allocations released), so that libnice reports nothing
    // more to a transport that is done, whenever its last owner lets go of it.
    std::shared_ptr<detail::IceAgent> agent;
    {
        std::lock_guard lock(m_agentMutex);
        agent = std::move(m_agent);
    }
    ++m_agentSerial;
}

void Transport::installKeys(SrtpSession sender, SrtpSession receiver) {
    m_stats.suite = sender.suite();
    m_sender.emplace(std::move(sender));
    m_receiver.emplace(std::move(receiver));
    m_lastAuthenticated = Clock::now();
    setState(TransportState::connected);
}

void Transport::transmit(std::span<const std::uint8_t> datagram) {
    if (auto agent = currentAgent(); agent && agent->send(datagram)) {
        m_stats.bytesSent += datagram.size();
    }
}

void Transport::flushDtls() {
    for (const auto& datagram : m_dtls->takeOutgoing()) {
        transmit(datagram);
    }
}

void Transport::afterDtls() {
    flushDtls();
    if (const auto failure = m_dtls->failure()) {
        return shutdown(TransportState::failed, failure);
    }
    if (m_dtls->done() && !keyed()) {
        auto sessions = makeSessions(m_dtls->keys());
        if (!sessions) {
            return shutdown(TransportState::failed, sessions.error());
        }
        return installKeys(std::move(sessions->first), std::move(sessions->second));
    }
    if (const auto wait = m_dtls->nextTimeout()) {
        m_dtlsTimer.expires_after(*wait);
        m_dtlsTimer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec && self->m_state == TransportState::securing) {
                self->m_dtls->onTimer();
                self->afterDtls();
            }
        });
    }
}

void Transport::onDtls(std::span<const std::uint8_t> datagram) {
    if (!m_dtls) {
        ++m_stats.droppedUnknown; // SDES session: nobody speaks DTLS here
        return;
    }
    ++m_stats.dtlsReceived;
    if (!m_dtlsStarted) {
        // The peer's pair may be selected a moment before ours: keep its first flight.
        if (m_earlyDtls.size() < kMaxEarlyDtls) {
            m_earlyDtls.emplace_back(datagram.begin(), datagram.end());
        } else {
            ++m_stats.droppedBeforeConnected;
        }
        return;
    }
    m_dtls->receive(datagram);
    if (m_dtls->done()) {
        m_lastAuthenticated = Clock::now(); // a record under the session's keys
    }
    afterDtls();
}

void Transport::send(std::vector<std::uint8_t> packet, bool rtcp) {
    net::post(m_strand, [self = shared_from_this(), packet = std::move(packet), rtcp]() mutable {
        if (!self->keyed() || (self->m_state != TransportState::connected &&
                               self->m_state != TransportState::disconnected)) {
            ++self->m_stats.droppedBeforeConnected;
            return;
        }
        std::size_t length = packet.size();
        packet.resize(length + rtcpTrailerLength(self->m_sender->suite()));
        const auto error = rtcp ? self->m_sender->protectRtcp(packet, length)
                                : self->m_sender->protectRtp(packet, length);
        if (error) {
            ++self->m_stats.droppedMalformed;
            return;
        }
        ++(rtcp ? self->m_stats.rtcpSent : self->m_stats.rtpSent);
        packet.resize(length);
        if (self->m_impairment) {
            return self->impaired(std::move(packet));
        }
        self->transmit(packet);
    });
}

void Transport::impaired(std::vector<std::uint8_t> packet) {
    const auto decision = m_impairment->next();
    if (decision.drop) {
        return;
    }
    if (decision.delay.count() == 0) {
        for (int i = 0; i < decision.copies; ++i) {
            transmit(packet);
        }
        return;
    }
    auto timer = std::make_shared<net::steady_timer>(m_strand, decision.delay);
    timer->async_wait([self = shared_from_this(), timer, packet = std::move(packet),
                       copies = decision.copies](boost::system::error_code ec) {
        if (!ec && self->m_state != TransportState::closed) {
            for (int i = 0; i < copies; ++i) {
                self->transmit(packet);
            }
        }
    });
}

void Transport::consentLoop() {
    m_consentTimer.expires_after(std::min(m_config.consentInterval, m_config.consentTimeout / 4));
    m_consentTimer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (ec || self->m_state == TransportState::closed ||
            self->m_state == TransportState::failed) {
            return;
        }
        const auto now = Clock::now();
        if (self->m_state == TransportState::connected &&
            now - self->m_lastAuthenticated > self->m_config.consentTimeout) {
            self->setState(TransportState::disconnected);
        }
        const auto wait = self->m_config.restartAfterConsentLoss;
        const bool lost = self->m_state == TransportState::disconnected &&
                          now - self->m_disconnectedSince >= wait;
        const bool stuck = self->m_state == TransportState::reconnecting &&
                           now - self->m_lastRestart.value_or(now) >= 4 * kMinRestartSpacing;
        if (wait.count() > 0 && (lost || stuck)) {
            self->restartNow(true);
        }
        self->consentLoop();
    });
}

void Transport::authenticated() {
    m_lastAuthenticated = Clock::now();
    if (m_state == TransportState::disconnected || m_state == TransportState::reconnecting) {
        if (m_path) {
            setState(TransportState::connected); // consent regained
        }
    }
}

void Transport::onDatagram(std::vector<std::uint8_t>& datagram) {
    m_stats.bytesReceived += datagram.size();
    if (datagram.size() > kMaxDatagramBytes) {
        ++m_stats.droppedOversized;
        return;
    }
    switch (classify(datagram)) {
    case PacketKind::rtp:
    case PacketKind::rtcp: {
        if (!keyed()) {
            ++m_stats.droppedBeforeConnected;
            return;
        }
        const bool rtcp = classify(datagram) == PacketKind::rtcp;
        std::size_t length = datagram.size();
        const auto error = rtcp ? m_receiver->unprotectRtcp(datagram, length)
                                : m_receiver->unprotectRtp(datagram, length);
        if (error == SrtpErrc::replayed) {
            ++m_stats.droppedReplayed;
        } else if (error == SrtpErrc::authenticationFailed) {
            ++m_stats.droppedForged;
        } else if (error) {
            ++m_stats.droppedMalformed;
        } else {
            ++(rtcp ? m_stats.rtcpReceived : m_stats.rtpReceived);
            authenticated();
            if (m_onPacket) {
                m_onPacket(std::span<const std::uint8_t>(datagram.data(), length), rtcp);
            }
        }
        return;
    }
    case PacketKind::dtls:
        onDtls(datagram);
        return;
    case PacketKind::stun: // libnice answers STUN; anything else is not ours
    case PacketKind::unknown:
        ++m_stats.droppedUnknown;
        return;
    }
}

} // namespace detail
} // namespace tc::protocol

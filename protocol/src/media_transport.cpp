#include "tc/protocol/media_transport.hpp"

#include "ice_agent.hpp"
#include "ice_server_plan.hpp"
#include "random_id.hpp"
#include "relay_tls_tunnel.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <mutex>
#include <set>

namespace tc::protocol {

IceCredentials makeIceCredentials() {
    return IceCredentials{detail::randomHex(4), detail::randomHex(16)};
}

namespace {

namespace net = boost::asio;
using udp = net::ip::udp;
using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxEarlyDtls = 8;
constexpr std::size_t kMaxPendingRemoteCandidates = 64;
constexpr std::chrono::milliseconds kAddressPollInterval{250};
constexpr std::chrono::seconds kMinRestartSpacing{3};

class Transport final : public MediaTransport, public std::enable_shared_from_this<Transport> {
public:
    Transport(net::any_io_executor executor, MediaTransportConfig config)
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

    ~Transport() override {
        std::lock_guard lock(m_agentMutex);
        m_agent.reset(); // before the loop thread it runs on
    }

    // Plans the servers, opens the TLS tunnels, and starts the first ICE generation.
    boost::system::error_code open() {
        if (m_hostAddresses.empty()) {
            return make_error_code(HostAddressErrc::noUsableAddress);
        }
        auto plan = detail::planServers(m_config.iceServers, std::chrono::system_clock::now());
        m_problems = std::move(plan.problems);
        m_stun = plan.stun;
        for (auto& relay : plan.relays) {
            detail::RelaySetup setup{relay.host, relay.port, detail::RelayType::udp, relay.username,
                                     relay.password};
            if (relay.protocol == RelayProtocol::tcp) {
                setup.type = detail::RelayType::tcp;
            } else if (relay.protocol == RelayProtocol::tls) {
                auto tunnel = detail::RelayTlsTunnel::open(
                    m_strand, relay.host, relay.port, m_config.relayTrustAnchors,
                    [weak = weak_from_this(), uri = relay.uri](boost::system::error_code ec,
                                                               std::string detail) {
                        if (auto self = weak.lock()) {
                            self->noteProblem({uri, ec, std::move(detail)});
                        }
                    });
                if (!tunnel) {
                    m_problems.push_back({relay.uri, tunnel.error(), ""});
                    continue;
                }
                setup.type = detail::RelayType::tcp;
                setup.host = (*tunnel)->localEndpoint().address().to_string();
                setup.port = (*tunnel)->localEndpoint().port();
                m_tunnels.push_back(std::move(*tunnel));
            }
            m_relays.push_back(std::move(relay));
            m_relaySetups.push_back(std::move(setup));
        }
        m_loop = std::make_unique<detail::GlibLoopThread>();
        if (auto ec = startGeneration()) {
            return ec;
        }
        if (m_config.followAddresses) {
            net::post(m_strand, [self = shared_from_this()] { self->watchAddresses(); });
        }
        return {};
    }

    net::any_io_executor executor() const override { return m_strand; }

    std::vector<Candidate> localCandidates() const override {
        const auto agent = currentAgent();
        return agent ? agent->localCandidates() : std::vector<Candidate>{};
    }

    Candidate localCandidate() const override {
        const auto all = localCandidates();
        const auto host = std::find_if(all.begin(), all.end(), [](const Candidate& c) {
            return c.type == Candidate::Type::host;
        });
        return host != all.end() ? *host : all.empty() ? Candidate{} : all.front();
    }

    std::optional<MediaPath> selectedPath() const override { return m_path; }

    IceCredentials localCredentials() const override {
        std::lock_guard lock(m_agentMutex);
        return m_local;
    }

    void setSignalHandler(SignalHandler handler) override {
        net::post(m_strand, [self = shared_from_this(), handler = std::move(handler)]() mutable {
            self->m_onSignal = std::move(handler);
            for (auto& signal : std::exchange(self->m_unsentSignals, {})) {
                self->m_onSignal(std::move(signal));
            }
        });
    }

    void setPathHandler(PathHandler handler) override {
        net::post(m_strand, [self = shared_from_this(), handler = std::move(handler)]() mutable {
            self->m_onPath = std::move(handler);
        });
    }

    void applyRemoteSignal(IceSignal signal) override {
        net::post(m_strand, [self = shared_from_this(), signal = std::move(signal)]() mutable {
            std::visit([&](auto& s) { self->onRemote(std::move(s)); }, signal);
        });
    }

    void restart() override {
        net::post(m_strand, [self = shared_from_this()] { self->restartNow(true); });
    }

    void resendSignals() override {
        net::post(m_strand, [self = shared_from_this()] {
            if (self->m_state == TransportState::closed) {
                return;
            }
            if (self->m_generation > 0) {
                self->signal(IceRestartSignal{self->m_generation, self->m_local});
            }
            for (auto& candidate : self->localCandidates()) {
                self->signal(IceCandidateSignal{self->m_local.ufrag, std::move(candidate)});
            }
            if (self->m_gatheringDone) {
                self->signal(IceEndOfCandidatesSignal{self->m_local.ufrag});
            }
        });
    }

    boost::system::error_code start(std::vector<Candidate> remote, IceCredentials remoteIce,
                                    TransportKeying keying, PacketHandler onPacket,
                                    StateHandler onState) override {
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
            auto handshake =
                DtlsSrtpHandshake::create(parameters.role, parameters.certificate,
                                          parameters.remoteFingerprint, parameters.suites);
            if (!handshake) {
                return handshake.error();
            }
            dtls = std::move(*handshake);
        }
        net::post(m_strand,
                  [self = shared_from_this(), remote = std::move(remote),
                   remoteIce = std::move(remoteIce), sdes = std::move(sdes), dtls = std::move(dtls),
                   onPacket = std::move(onPacket), onState = std::move(onState)]() mutable {
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
                          remote.insert(remote.end(), self->m_pendingRemote.begin(),
                                        self->m_pendingRemote.end());
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

    void sendRtp(std::vector<std::uint8_t> packet) override { send(std::move(packet), false); }
    void sendRtcp(std::vector<std::uint8_t> packet) override { send(std::move(packet), true); }

    void close() override {
        net::post(m_strand, [self = shared_from_this()] {
            if (self->m_dtls && self->m_dtls->done()) {
                self->m_dtls->close(); // close_notify, so the peer knows at once
                self->flushDtls();
            }
            self->shutdown(TransportState::closed, {});
        });
    }

    TransportStats stats() const override { return m_stats; }

    std::vector<RelayProblem> relayProblems() const override { return m_problems; }

private:
    std::shared_ptr<detail::IceAgent> currentAgent() const {
        std::lock_guard lock(m_agentMutex);
        return m_agent;
    }

    // A new ICE agent with our current credentials and addresses; its events come back to the
    // strand tagged with its serial, so that a replaced agent's late events are ignored.
    boost::system::error_code startGeneration() {
        const std::uint64_t serial = ++m_agentSerial;
        const std::weak_ptr<Transport> weak = weak_from_this();
        const auto onStrand = [this, weak, serial](auto work) {
            net::post(m_strand, [weak, serial, work = std::move(work)]() mutable {
                auto self = weak.lock();
                if (self && self->m_agentSerial == serial &&
                    self->m_state != TransportState::closed) {
                    work(*self);
                }
            });
        };
        detail::IceAgentEvents events;
        events.localCandidate = [onStrand](Candidate candidate) {
            onStrand([candidate](Transport& t) { t.localCandidateFound(candidate); });
        };
        events.gatheringDone = [onStrand] {
            onStrand([](Transport& t) { t.gatheringDone(); });
        };
        events.selectedPair = [onStrand](Candidate local, Candidate remote,
                                         std::optional<std::size_t> relay) {
            onStrand(
                [local, remote, relay](Transport& t) { t.pathSelected(local, remote, relay); });
        };
        events.state = [onStrand](detail::IceComponentState state) {
            onStrand([state](Transport& t) { t.iceStateChanged(state); });
        };
        events.datagram = [onStrand](std::vector<std::uint8_t> datagram) {
            onStrand(
                [datagram = std::move(datagram)](Transport& t) mutable { t.onDatagram(datagram); });
        };
        detail::IceAgentConfig config{m_hostAddresses, m_config.controlling, m_local,
                                      m_stun,          m_relaySetups,        m_config.relayOnly};
        auto agent = detail::IceAgent::create(*m_loop, config, std::move(events));
        if (!agent) {
            return agent.error();
        }
        std::shared_ptr<detail::IceAgent> replaced;
        {
            std::lock_guard lock(m_agentMutex);
            replaced = std::exchange(m_agent, std::shared_ptr<detail::IceAgent>(std::move(*agent)));
        }
        m_gatheringDone = false;
        m_allocated.assign(m_relays.size(), false);
        return {};
    }

    void signal(IceSignal signal) {
        if (m_onSignal) {
            m_onSignal(std::move(signal));
        } else {
            m_unsentSignals.push_back(std::move(signal));
        }
    }

    void localCandidateFound(const Candidate& candidate) {
        if (candidate.type == Candidate::Type::relay) {
            // Which server gave it (see ice_agent.cpp, relayIndexOf).
            if (const auto index = relayIndexOf(candidate); index < m_allocated.size()) {
                m_allocated[index] = true;
            }
        }
        signal(IceCandidateSignal{m_local.ufrag, candidate});
    }

    static std::size_t relayIndexOf(const Candidate& candidate) {
        return ((candidate.priority >> 8) & 0xFFFFu) >> 6 & 0x7u;
    }

    void gatheringDone() {
        m_gatheringDone = true;
        for (std::size_t i = 0; i < m_relays.size(); ++i) {
            const bool reported =
                std::any_of(m_problems.begin(), m_problems.end(),
                            [&](const auto& p) { return p.server == m_relays[i].uri; });
            // libnice keeps one relayed candidate per server address: the same server over
            // UDP and over TLS gives one, and the other is no problem.
            bool sameServerAllocated = false;
            for (std::size_t j = 0; j < m_relays.size(); ++j) {
                sameServerAllocated |=
                    j != i && m_allocated[j] && m_relays[j].host == m_relays[i].host;
            }
            if (!m_allocated[i] && !reported && !sameServerAllocated) {
                m_problems.push_back({m_relays[i].uri, make_error_code(IceErrc::relayNotAllocated),
                                      "no relayed address from " + m_relays[i].host});
            }
        }
        signal(IceEndOfCandidatesSignal{m_local.ufrag});
    }

    void noteProblem(RelayProblem problem) {
        net::post(m_strand, [self = shared_from_this(), problem = std::move(problem)]() mutable {
            const bool known = std::any_of(
                self->m_problems.begin(), self->m_problems.end(), [&](const RelayProblem& p) {
                    return p.server == problem.server && p.error == problem.error;
                });
            if (!known) {
                self->m_problems.push_back(std::move(problem));
            }
        });
    }

    void onRemote(IceCandidateSignal candidate) {
        if (!m_started) {
            if (m_pendingRemote.size() < kMaxPendingRemoteCandidates) {
                m_pendingRemote.push_back(std::move(candidate.candidate)); // before start()
            }
            return;
        }
        if (!m_remote || candidate.ufrag != m_remote->ufrag) {
            return; // an older generation's
        }
        currentAgent()->addRemoteCandidates({candidate.candidate});
    }

    void onRemote(IceEndOfCandidatesSignal end) {
        if (!m_started || !m_remote) {
            m_remoteEnded = true;
            return;
        }
        if (end.ufrag == m_remote->ufrag) {
            currentAgent()->endOfRemoteCandidates();
        }
    }

    void onRemote(IceRestartSignal restart) {
        if (restart.generation < m_generation || (restart.generation == m_generation && m_remote &&
                                                  m_remote->ufrag == restart.credentials.ufrag)) {
            return; // stale, or heard already
        }
        if (restart.generation > m_generation) {
            m_generation = restart.generation - 1;
            restartNow(false); // ours too, answered with our new credentials
        }
        m_remote = restart.credentials;
        currentAgent()->setRemoteCredentials(*m_remote);
    }

    // A new ICE generation: new credentials, new gathering on today's addresses, the session's
    // keys kept. `ours`: we noticed (address change, consent lost, asked), not the peer.
    void restartNow(bool ours) {
        if (m_state == TransportState::closed || m_state == TransportState::failed) {
            return;
        }
        if (ours && m_lastRestart && Clock::now() - *m_lastRestart < kMinRestartSpacing &&
            m_state == TransportState::reconnecting) {
            return; // one is under way
        }
        m_lastRestart = Clock::now();
        ++m_generation;
        ++m_stats.restarts;
        {
            std::lock_guard lock(m_agentMutex);
            m_local = makeIceCredentials();
        }
        m_remote.reset();
        m_path.reset();
        if (const auto ec = startGeneration()) {
            return shutdown(TransportState::failed, ec);
        }
        if (keyed()) {
            setState(TransportState::reconnecting);
        }
        signal(IceRestartSignal{m_generation, m_local});
    }

    void watchAddresses() {
        m_addressTimer.expires_after(kAddressPollInterval);
        m_addressTimer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec || self->m_state == TransportState::closed) {
                return;
            }
            const auto now = hostAddresses(*self->m_config.followAddresses);
            if (now && !now->empty() &&
                std::set(now->begin(), now->end()) !=
                    std::set(self->m_hostAddresses.begin(), self->m_hostAddresses.end())) {
                self->m_hostAddresses = *now;
                if (self->m_started) {
                    self->restartNow(true);
                } else {
                    self->startGeneration();
                }
            }
            self->watchAddresses();
        });
    }

    static boost::system::result<std::pair<SrtpSession, SrtpSession>>
    makeSessions(const SrtpKeys& keys) {
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

    void setState(TransportState state, boost::system::error_code error = {}) {
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

    bool keyed() const noexcept { return m_receiver.has_value(); }

    void shutdown(TransportState final, boost::system::error_code error) {
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

    void pathSelected(const Candidate& local, const Candidate& remote,
                      std::optional<std::size_t> relay) {
        MediaPath path{local, remote, std::nullopt, {}};
        if (relay && *relay < m_relays.size()) {
            path.relayProtocol = m_relays[*relay].protocol;
            path.relayServer = m_relays[*relay].uri;
        }
        const bool first = !m_path.has_value();
        m_path = path;
        m_lastAuthenticated = Clock::now();
        if (m_onPath) {
            m_onPath(path);
        }
        if (!first || !m_started) {
            return;
        }
        if (keyed()) {
            setState(TransportState::connected); // a restart: the keys carry over
            return;
        }
        if (m_sdes) {
            installKeys(std::move(m_sdes->first), std::move(m_sdes->second));
            m_sdes.reset();
            return;
        }
        if (m_dtls && !m_dtlsStarted) {
            m_dtlsStarted = true;
            setState(TransportState::securing);
            m_dtls->start();
            for (const auto& datagram : std::exchange(m_earlyDtls, {})) {
                m_dtls->receive(datagram);
            }
            afterDtls();
        }
    }

    void iceStateChanged(detail::IceComponentState state) {
        if (state == detail::IceComponentState::failed && !keyed() &&
            m_state == TransportState::checking) {
            shutdown(TransportState::failed, make_error_code(IceErrc::noPath));
        }
    }

    void installKeys(SrtpSession sender, SrtpSession receiver) {
        m_stats.suite = sender.suite();
        m_sender.emplace(std::move(sender));
        m_receiver.emplace(std::move(receiver));
        m_lastAuthenticated = Clock::now();
        setState(TransportState::connected);
    }

    void transmit(std::span<const std::uint8_t> datagram) {
        if (auto agent = currentAgent(); agent && agent->send(datagram)) {
            m_stats.bytesSent += datagram.size();
        }
    }

    void flushDtls() {
        for (const auto& datagram : m_dtls->takeOutgoing()) {
            transmit(datagram);
        }
    }

    void afterDtls() {
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

    void onDtls(std::span<const std::uint8_t> datagram) {
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

    void send(std::vector<std::uint8_t> packet, bool rtcp) {
        net::post(m_strand,
                  [self = shared_from_this(), packet = std::move(packet), rtcp]() mutable {
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

    // --impair: dropped, delayed (which reorders), or sent twice, as the model draws.
    void impaired(std::vector<std::uint8_t> packet) {
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

    // RFC 7675 as before: consent is authenticated traffic from the peer (SRTP, SRTCP, DTLS
    // records) within consentTimeout; RTCP reports keep it alive when no media flows. Consent
    // lost for restartAfterConsentLoss restarts ICE.
    void consentLoop() {
        m_consentTimer.expires_after(
            std::min(m_config.consentInterval, m_config.consentTimeout / 4));
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

    void authenticated() {
        m_lastAuthenticated = Clock::now();
        if (m_state == TransportState::disconnected || m_state == TransportState::reconnecting) {
            if (m_path) {
                setState(TransportState::connected); // consent regained
            }
        }
    }

    void onDatagram(std::vector<std::uint8_t>& datagram) {
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

    net::strand<net::any_io_executor> m_strand;
    MediaTransportConfig m_config;
    net::steady_timer m_consentTimer;
    net::steady_timer m_dtlsTimer;
    net::steady_timer m_addressTimer;
    // ICE: libnice's loop, the current generation's agent, the servers it uses.
    std::unique_ptr<detail::GlibLoopThread> m_loop;
    mutable std::mutex m_agentMutex; // m_agent and m_local, read from any thread
    std::shared_ptr<detail::IceAgent> m_agent;
    IceCredentials m_local;
    std::uint64_t m_agentSerial = 0;
    std::uint32_t m_generation = 0;
    std::vector<boost::asio::ip::address> m_hostAddresses;
    std::optional<udp::endpoint> m_stun;
    std::vector<detail::PlannedRelay> m_relays;
    std::vector<detail::RelaySetup> m_relaySetups;
    std::vector<std::shared_ptr<detail::RelayTlsTunnel>> m_tunnels;
    std::vector<RelayProblem> m_problems;
    std::vector<bool> m_allocated;
    bool m_gatheringDone = false;
    std::optional<IceCredentials> m_remote;
    std::vector<Candidate> m_pendingRemote;
    bool m_remoteEnded = false;
    std::optional<MediaPath> m_path;
    std::optional<Clock::time_point> m_lastRestart;
    SignalHandler m_onSignal;
    std::vector<IceSignal> m_unsentSignals;
    PathHandler m_onPath;
    // Keying and media.
    std::optional<std::pair<SrtpSession, SrtpSession>> m_sdes; // until a pair is selected
    std::unique_ptr<DtlsSrtpHandshake> m_dtls;
    bool m_dtlsStarted = false;
    std::vector<std::vector<std::uint8_t>> m_earlyDtls;
    std::optional<SrtpSession> m_sender; // once keyed
    std::optional<SrtpSession> m_receiver;
    bool m_started = false;
    TransportState m_state = TransportState::checking;
    Clock::time_point m_lastAuthenticated{};
    Clock::time_point m_disconnectedSince{};
    PacketHandler m_onPacket;
    StateHandler m_onState;
    TransportStats m_stats;
    std::unique_ptr<ImpairmentModel> m_impairment; // --impair
};

} // namespace

boost::system::result<std::shared_ptr<MediaTransport>>
MediaTransport::open(net::any_io_executor executor, MediaTransportConfig config) {
    auto transport = std::make_shared<Transport>(std::move(executor), std::move(config));
    if (const auto ec = transport->open()) {
        return ec;
    }
    return std::shared_ptr<MediaTransport>(std::move(transport));
}

} // namespace tc::protocol

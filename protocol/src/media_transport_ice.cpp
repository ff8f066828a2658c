// The ICE half of the media transport (media_transport_impl.hpp): the agent's generations,
// what is signalled to the peer and applied from it, restarts, the servers and the path.
#include "media_transport_impl.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <set>

namespace tc::protocol::detail {

boost::system::error_code Transport::open() {
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

std::vector<Candidate> Transport::localCandidates() const {
    const auto agent = currentAgent();
    return agent ? agent->localCandidates() : std::vector<Candidate>{};
}

Candidate Transport::localCandidate() const {
    const auto all = localCandidates();
    const auto host = std::find_if(
        all.begin(), all.end(), [](const Candidate& c) { return c.type == Candidate::Type::host; });
    return host != all.end() ? *host : all.empty() ? Candidate{} : all.front();
}

void Transport::setSignalHandler(SignalHandler handler) {
    net::post(m_strand, [self = shared_from_this(), handler = std::move(handler)]() mutable {
        self->m_onSignal = std::move(handler);
        for (auto& signal : std::exchange(self->m_unsentSignals, {})) {
            self->m_onSignal(std::move(signal));
        }
    });
}

void Transport::setPathHandler(PathHandler handler) {
    net::post(m_strand, [self = shared_from_this(), handler = std::move(handler)]() mutable {
        self->m_onPath = std::move(handler);
    });
}

void Transport::applyRemoteSignal(IceSignal signal) {
    net::post(m_strand, [self = shared_from_this(), signal = std::move(signal)]() mutable {
        std::visit([&](auto& s) { self->onRemote(std::move(s)); }, signal);
    });
}

void Transport::restart() {
    net::post(m_strand, [self = shared_from_this()] { self->restartNow(true); });
}

void Transport::resendSignals() {
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

boost::system::error_code Transport::startGeneration() {
    const std::uint64_t serial = ++m_agentSerial;
    const std::weak_ptr<Transport> weak = weak_from_this();
    const auto onStrand = [this, weak, serial](auto work) {
        net::post(m_strand, [weak, serial, work = std::move(work)]() mutable {
            auto self = weak.lock();
            if (self && self->m_agentSerial == serial && self->m_state != TransportState::closed) {
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
        onStrand([local, remote, relay](Transport& t) { t.pathSelected(local, remote, relay); });
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

void Transport::signal(IceSignal signal) {
    if (m_onSignal) {
        m_onSignal(std::move(signal));
    } else {
        m_unsentSignals.push_back(std::move(signal));
    }
}

void Transport::localCandidateFound(const Candidate& candidate) {
    if (candidate.type == Candidate::Type::relay) {
        // Which server gave it (ice_agent.hpp).
        if (const auto index = relayIndexOf(candidate.priority); index < m_allocated.size()) {
            m_allocated[index] = true;
        }
    }
    signal(IceCandidateSignal{m_local.ufrag, candidate});
}

void Transport::gatheringDone() {
    m_gatheringDone = true;
    for (std::size_t i = 0; i < m_relays.size(); ++i) {
        const bool reported = std::any_of(m_problems.begin(), m_problems.end(), [&](const auto& p) {
            return p.server == m_relays[i].uri;
        });
        // libnice keeps one relayed candidate per server address: the same server over
        // UDP and over TLS gives one, and the other is no problem.
        bool sameServerAllocated = false;
        for (std::size_t j = 0; j < m_relays.size(); ++j) {
            sameServerAllocated |= j != i && m_allocated[j] && m_relays[j].host == m_relays[i].host;
        }
        if (!m_allocated[i] && !reported && !sameServerAllocated) {
            m_problems.push_back({m_relays[i].uri, make_error_code(IceErrc::relayNotAllocated),
                                  "no relayed address from " + m_relays[i].host});
        }
    }
    signal(IceEndOfCandidatesSignal{m_local.ufrag});
}

void Transport::noteProblem(RelayProblem problem) {
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

void Transport::onRemote(IceCandidateSignal candidate) {
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

void Transport::onRemote(IceEndOfCandidatesSignal end) {
    if (!m_started || !m_remote) {
        m_remoteEnded = true;
        return;
    }
    if (end.ufrag == m_remote->ufrag) {
        currentAgent()->endOfRemoteCandidates();
    }
}

void Transport::onRemote(IceRestartSignal restart) {
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

void Transport::restartNow(bool ours) {
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

void Transport::watchAddresses() {
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

void Transport::pathSelected(const Candidate& local, const Candidate& remote,
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

void Transport::iceStateChanged(detail::IceComponentState state) {
    if (state == detail::IceComponentState::failed && !keyed() &&
        m_state == TransportState::checking) {
        shutdown(TransportState::failed, make_error_code(IceErrc::noPath));
    }
}

} // namespace tc::protocol::detail

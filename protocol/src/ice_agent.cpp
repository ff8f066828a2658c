#include "ice_agent.hpp"

#include "tc/protocol/media_transport.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <future>
#include <netinet/in.h>
#include <nice/agent.h>
#include <sys/socket.h>

namespace tc::protocol::detail {

namespace ip = boost::asio::ip;

GlibLoopThread::GlibLoopThread()
    : m_context(g_main_context_new())
    , m_loop(g_main_loop_new(m_context, FALSE)) {
    std::promise<void> running;
    m_thread = std::thread([this, &running] {
        g_main_context_push_thread_default(m_context);
        // Quitting before g_main_loop_run() would be lost: the constructor returns only once
        // the loop runs.
        GSource* started = g_idle_source_new();
        g_source_set_callback(
            started,
            [](gpointer data) -> gboolean {
                static_cast<std::promise<void>*>(data)->set_value();
                return G_SOURCE_REMOVE;
            },
            &running, nullptr);
        g_source_attach(started, m_context);
        g_source_unref(started);
        g_main_loop_run(m_loop);
        g_main_context_pop_thread_default(m_context);
    });
    m_threadId = m_thread.get_id();
    running.get_future().wait();
}

GlibLoopThread::~GlibLoopThread() {
    // TURN allocations are released with a Refresh of lifetime 0 (nice_agent_close_async): a
    // server that answers does so within a round trip; one that does not is not waited for.
    for (int i = 0; i < 50 && m_closing.load() > 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    g_main_loop_quit(m_loop);
    g_main_context_wakeup(m_context);
    m_thread.join();
    g_main_loop_unref(m_loop);
    g_main_context_unref(m_context);
}

void GlibLoopThread::invoke(const std::function<void()>& work) {
    if (onLoopThread()) {
        work();
        return;
    }
    struct Call {
        const std::function<void()>* work;
        std::promise<void> done;
    } call{&work, {}};
    GSource* source = g_idle_source_new();
    g_source_set_priority(source, G_PRIORITY_HIGH);
    g_source_set_callback(
        source,
        [](gpointer data) -> gboolean {
            auto* c = static_cast<Call*>(data);
            (*c->work)();
            c->done.set_value();
            return G_SOURCE_REMOVE;
        },
        &call, nullptr);
    g_source_attach(source, m_context);
    g_source_unref(source);
    call.done.get_future().wait();
}

namespace {

ip::udp::endpoint endpointOf(const NiceAddress& address) {
    sockaddr_storage storage{};
    nice_address_copy_to_sockaddr(&address, reinterpret_cast<sockaddr*>(&storage));
    if (storage.ss_family == AF_INET6) {
        const auto& in6 = reinterpret_cast<const sockaddr_in6&>(storage);
        ip::address_v6::bytes_type bytes{};
        std::copy(std::begin(in6.sin6_addr.s6_addr), std::end(in6.sin6_addr.s6_addr),
                  bytes.begin());
        return {ip::address_v6(bytes), ntohs(in6.sin6_port)};
    }
    const auto& in4 = reinterpret_cast<const sockaddr_in&>(storage);
    return {ip::address_v4(ntohl(in4.sin_addr.s_addr)), ntohs(in4.sin_port)};
}

NiceAddress niceAddressOf(const ip::udp::endpoint& endpoint) {
    NiceAddress out;
    nice_address_init(&out);
    nice_address_set_from_string(&out, endpoint.address().to_string().c_str());
    nice_address_set_port(&out, endpoint.port());
    return out;
}

Candidate::Type typeOf(NiceCandidateType type) {
    switch (type) {
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE:
        return Candidate::Type::serverReflexive;
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE:
        return Candidate::Type::peerReflexive;
    case NICE_CANDIDATE_TYPE_RELAYED:
        return Candidate::Type::relay;
    case NICE_CANDIDATE_TYPE_HOST:
        break;
    }
    return Candidate::Type::host;
}

NiceCandidateType niceTypeOf(Candidate::Type type) {
    switch (type) {
    case Candidate::Type::serverReflexive:
        return NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE;
    case Candidate::Type::peerReflexive:
        return NICE_CANDIDATE_TYPE_PEER_REFLEXIVE;
    case Candidate::Type::relay:
        return NICE_CANDIDATE_TYPE_RELAYED;
    case Candidate::Type::host:
        break;
    }
    return NICE_CANDIDATE_TYPE_HOST;
}

Candidate candidateOf(const NiceCandidate& nice) {
    Candidate out;
    out.type = typeOf(nice.type);
    out.endpoint = endpointOf(nice.addr);
    out.priority = nice.priority;
    out.foundation = nice.foundation;
    if (out.type != Candidate::Type::host && nice_address_is_valid(&nice.base_addr)) {
        out.related = endpointOf(nice.base_addr);
    }
    return out;
}

IceComponentState stateOf(unsigned state) {
    switch (state) {
    case NICE_COMPONENT_STATE_GATHERING:
        return IceComponentState::gathering;
    case NICE_COMPONENT_STATE_CONNECTING:
        return IceComponentState::connecting;
    case NICE_COMPONENT_STATE_CONNECTED:
        return IceComponentState::connected;
    case NICE_COMPONENT_STATE_READY:
        return IceComponentState::ready;
    case NICE_COMPONENT_STATE_FAILED:
        return IceComponentState::failed;
    default:
        return IceComponentState::disconnected;
    }
}

} // namespace

IceAgent::IceAgent(GlibLoopThread& loop, IceAgentEvents events)
    : m_loop(loop)
    , m_events(std::move(events)) {}

boost::system::result<std::unique_ptr<IceAgent>>
IceAgent::create(GlibLoopThread& loop, const IceAgentConfig& config, IceAgentEvents events) {
    std::unique_ptr<IceAgent> self(new IceAgent(loop, std::move(events)));
    boost::system::error_code failure;
    loop.invoke([&] {
        auto* agent =
            nice_agent_new_full(loop.context(), NICE_COMPATIBILITY_RFC5245,
                                static_cast<NiceAgentOption>(NICE_AGENT_OPTION_ICE_TRICKLE |
                                                             NICE_AGENT_OPTION_REGULAR_NOMINATION));
        self->m_agent = agent;
        // UDP candidates only (relayed ones may reach their server over TCP); no UPnP probing,
        // which would delay gathering on networks without it.
        g_object_set(agent, "controlling-mode", config.controlling ? TRUE : FALSE, "ice-tcp", FALSE,
                     "upnp", FALSE, "force-relay", config.relayOnly ? TRUE : FALSE, nullptr);
        // A STUN or TURN server that does not answer gives up after about 2 s (200, 400, 800
        // ms and a last 400) rather than libnice's default 7 retransmissions (about 20 s): the
        // end of gathering, and what the doctor is told, should not wait that long. Checks are
        // paced every 10 ms rather than 20 (RFC 8445 allows down to 5 ms for one stream): libnice
        // also scales its check timeouts by it, and a host pair comes up in 44 ms instead of 74.
        g_object_set(agent, "stun-max-retransmissions", 4u, "stun-pacing-timer", 10u, nullptr);
        if (config.stunServer) {
            g_object_set(agent, "stun-server", config.stunServer->address().to_string().c_str(),
                         "stun-server-port", static_cast<guint>(config.stunServer->port()),
                         nullptr);
        }
        for (const auto& address : config.hostAddresses) {
            auto nice = niceAddressOf(ip::udp::endpoint(address, 0));
            nice_agent_add_local_address(agent, &nice);
        }
        self->m_stream = nice_agent_add_stream(agent, 1);
        if (self->m_stream == 0) {
            failure = make_error_code(IceErrc::gatheringFailed);
            return;
        }
        nice_agent_set_local_credentials(agent, self->m_stream, config.local.ufrag.c_str(),
                                         config.local.password.c_str());
        for (const auto& relay : config.relays) {
            nice_agent_set_relay_info(agent, self->m_stream, 1, relay.host.c_str(), relay.port,
                                      relay.username.c_str(), relay.password.c_str(),
                                      relay.type == RelayType::udp ? NICE_RELAY_TYPE_TURN_UDP
                                                                   : NICE_RELAY_TYPE_TURN_TCP);
        }
        self->m_relayCount = config.relays.size();
        g_signal_connect(agent, "new-candidate-full", G_CALLBACK(&IceAgent::onNewCandidate),
                         self.get());
        g_signal_connect(agent, "candidate-gathering-done", G_CALLBACK(&IceAgent::onGatheringDone),
                         self.get());
        g_signal_connect(agent, "component-state-changed", G_CALLBACK(&IceAgent::onStateChanged),
                         self.get());
        g_signal_connect(agent, "new-selected-pair-full", G_CALLBACK(&IceAgent::onSelectedPair),
                         self.get());
        nice_agent_attach_recv(agent, self->m_stream, 1, loop.context(), &IceAgent::onReceive,
                               self.get());
        if (!nice_agent_gather_candidates(agent, self->m_stream)) {
            failure = make_error_code(IceErrc::gatheringFailed);
            return;
        }
        // Room for a video keyframe burst while the loop thread hands packets over; the kernel
        // caps it at net.core.rmem_max.
        if (GPtrArray* sockets = nice_agent_get_sockets(agent, self->m_stream, 1)) {
            for (guint i = 0; i < sockets->len; ++i) {
                const int size = 1 << 20;
                ::setsockopt(g_socket_get_fd(static_cast<GSocket*>(g_ptr_array_index(sockets, i))),
                             SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
            }
            g_ptr_array_unref(sockets);
        }
    });
    if (failure) {
        return failure;
    }
    return self;
}

IceAgent::~IceAgent() {
    if (m_agent == nullptr) {
        return;
    }
    m_loop.invoke([this] {
        g_signal_handlers_disconnect_by_data(m_agent, this);
        if (m_stream != 0) {
            nice_agent_attach_recv(m_agent, m_stream, 1, m_loop.context(), nullptr, nullptr);
        }
        // Releases the TURN allocations, then the agent (on the loop thread, which outlives it
        // or gives up waiting: see ~GlibLoopThread).
        m_loop.closing();
        nice_agent_close_async(
            m_agent,
            [](GObject* agent, GAsyncResult*, gpointer loop) {
                g_object_unref(agent);
                static_cast<GlibLoopThread*>(loop)->closed();
            },
            &m_loop);
    });
}

std::vector<Candidate> IceAgent::localCandidates() const {
    std::vector<Candidate> out;
    GSList* list = nice_agent_get_local_candidates(m_agent, m_stream, 1);
    for (GSList* item = list; item != nullptr; item = item->next) {
        out.push_back(candidateOf(*static_cast<NiceCandidate*>(item->data)));
    }
    g_slist_free_full(list, reinterpret_cast<GDestroyNotify>(&nice_candidate_free));
    return out;
}

void IceAgent::setRemoteCredentials(const IceCredentials& remote) {
    m_loop.invoke([&] {
        nice_agent_set_remote_credentials(m_agent, m_stream, remote.ufrag.c_str(),
                                          remote.password.c_str());
    });
}

void IceAgent::addRemoteCandidates(const std::vector<Candidate>& candidates) {
    if (candidates.empty()) {
        return;
    }
    m_loop.invoke([&] {
        GSList* list = nullptr;
        int number = 0;
        for (const auto& candidate : candidates) {
            NiceCandidate* nice = nice_candidate_new(niceTypeOf(candidate.type));
            nice->transport = NICE_CANDIDATE_TRANSPORT_UDP;
            nice->addr = niceAddressOf(candidate.endpoint);
            if (candidate.related) {
                nice->base_addr = niceAddressOf(*candidate.related);
            }
            nice->priority = candidate.priority;
            nice->stream_id = m_stream;
            nice->component_id = 1;
            // Pairs are frozen per foundation: a peer's candidates without one get their own.
            const std::string foundation = candidate.foundation.empty()
                                               ? "r" + std::to_string(++number)
                                               : candidate.foundation.substr(0, 32);
            g_strlcpy(nice->foundation, foundation.c_str(), NICE_CANDIDATE_MAX_FOUNDATION);
            list = g_slist_append(list, nice);
        }
        nice_agent_set_remote_candidates(m_agent, m_stream, 1, list);
        g_slist_free_full(list, reinterpret_cast<GDestroyNotify>(&nice_candidate_free));
    });
}

void IceAgent::endOfRemoteCandidates() {
    m_loop.invoke([&] { nice_agent_peer_candidate_gathering_done(m_agent, m_stream); });
}

bool IceAgent::send(std::span<const std::uint8_t> packet) {
    return nice_agent_send(m_agent, m_stream, 1, static_cast<guint>(packet.size()),
                           reinterpret_cast<const gchar*>(packet.data())) ==
           static_cast<gint>(packet.size());
}

void IceAgent::onNewCandidate(NiceAgent*, void* candidate, void* self) {
    auto* agent = static_cast<IceAgent*>(self);
    if (agent->m_events.localCandidate) {
        agent->m_events.localCandidate(candidateOf(*static_cast<NiceCandidate*>(candidate)));
    }
}

void IceAgent::onGatheringDone(NiceAgent*, unsigned, void* self) {
    auto* agent = static_cast<IceAgent*>(self);
    if (agent->m_events.gatheringDone) {
        agent->m_events.gatheringDone();
    }
}

void IceAgent::onStateChanged(NiceAgent*, unsigned, unsigned, unsigned state, void* self) {
    auto* agent = static_cast<IceAgent*>(self);
    if (agent->m_events.state) {
        agent->m_events.state(stateOf(state));
    }
}

void IceAgent::onSelectedPair(NiceAgent*, unsigned, unsigned, void* local, void* remote,
                              void* self) {
    auto* agent = static_cast<IceAgent*>(self);
    const auto& l = *static_cast<NiceCandidate*>(local);
    const auto& r = *static_cast<NiceCandidate*>(remote);
    std::optional<std::size_t> relay;
    if (l.type == NICE_CANDIDATE_TYPE_RELAYED) {
        const auto index = relayIndexOf(l.priority);
        if (index < agent->m_relayCount) {
            relay = index;
        }
    }
    if (agent->m_events.selectedPair) {
        agent->m_events.selectedPair(candidateOf(l), candidateOf(r), relay);
    }
}

void IceAgent::onReceive(NiceAgent*, unsigned, unsigned, unsigned length, char* data, void* self) {
    auto* agent = static_cast<IceAgent*>(self);
    if (agent->m_events.datagram && length > 0) {
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
        agent->m_events.datagram(std::vector<std::uint8_t>(bytes, bytes + length));
    }
}

} // namespace tc::protocol::detail

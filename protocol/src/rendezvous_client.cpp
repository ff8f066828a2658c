#include "tc/protocol/rendezvous_client.hpp"

#include "frame_queue.hpp"
#include "tc/errors/table_lookup.hpp"
#include "websocket_types.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <map>
#include <openssl/ssl.h>
#include <random>

namespace tc::protocol {

std::string_view toString(ConnectionState state) noexcept {
    static constexpr errors::EnumNames<ConnectionState::stopped> names{
        {"disconnected", "connecting", "connected", "reconnecting", "stopped"}};
    return names(state, "unknown");
}

namespace {

using namespace detail;
using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxQueuedRequests = 1024;
// How long stop() waits for the service's half of the close handshake.
constexpr std::chrono::seconds kStopTimeout{2};

bool isCertificateRefusal(const boost::system::error_code& ec) {
    return ec == Errc::noCertificate || ec == Errc::unknownCa || ec == Errc::certificateExpired ||
           ec == Errc::certificateRejected || ec == Errc::badIdentity || ec == Errc::invalidRpps;
}

// One live connection: the stream and its writer.
struct Link : std::enable_shared_from_this<Link> {
    Link(net::any_io_executor executor, net::ssl::context& tls, std::uint64_t number)
        : ws(executor, tls)
        , heartbeatTimer(executor)
        , outbox(
              ws, kMaxQueuedRequests, [this] { return std::shared_ptr<void>(shared_from_this()); },
              [this](boost::system::error_code) { beast::get_lowest_layer(ws).close(); })
        , generation(number) {}
    WsStream ws;
    // The heartbeat's wait, cancelled when the link ends so that nothing outlives it.
    net::steady_timer heartbeatTimer;
    detail::FrameQueue<WsStream> outbox;
    std::uint64_t generation;
};

class Client final : public RendezvousClient, public std::enable_shared_from_this<Client> {
public:
    Client(net::any_io_executor executor, ClientConfig config,
           std::shared_ptr<ClientListener> listener)
        : m_strand(net::make_strand(executor))
        , m_config(std::move(config))
        , m_listener(std::move(listener))
        , m_backoffTimer(m_strand)
        , m_stopTimer(m_strand)
        , m_random(std::random_device{}()) {}

    void start() override {
        net::dispatch(m_strand, [self = shared_from_this()] {
            if (self->m_running || self->m_stopped) {
                return;
            }
            self->m_running = true;
            net::co_spawn(self->m_strand, run(self), net::detached);
        });
    }

    void stop() override {
        net::dispatch(m_strand, [self = shared_from_this()] {
            if (self->m_stopped) {
                return;
            }
            self->m_stopped = true;
            self->m_backoffTimer.cancel();
            if (self->m_link) {
                self->m_link->heartbeatTimer.cancel();
                // Before the upgrade, the close fails at once and drops TCP, which ends the
                // connect or handshake in progress.
                self->m_link->outbox.close(websocket::close_code::going_away, "signing out");
                // A service that does not answer the close handshake is not waited for. The
                // run loop cancels this timer once the link has ended, so that it does not keep
                // the executor busy.
                self->m_stopTimer.expires_after(kStopTimeout);
                self->m_stopTimer.async_wait([link = self->m_link](boost::system::error_code) {
                    beast::get_lowest_layer(link->ws).close();
                });
            }
            if (!self->m_running) {
                self->setState(ConnectionState::stopped, {});
            }
        });
    }

    void request(std::string type, nlohmann::json body, ReplyHandler handler) override {
        net::dispatch(m_strand, [self = shared_from_this(), type = std::move(type),
                                 body = std::move(body), handler = std::move(handler)]() mutable {
            self->send(std::move(type), std::move(body), std::move(handler));
        });
    }

    void simulateNetworkFailure() override {
        net::dispatch(m_strand, [self = shared_from_this()] {
            if (self->m_link) {
                beast::get_lowest_layer(self->m_link->ws).close();
            }
        });
    }

private:
    struct Pending {
        ReplyHandler handler;
        Clock::time_point deadline;
    };

    void setState(ConnectionState state, boost::system::error_code reason) {
        m_state = state;
        if (m_listener) {
            m_listener->onConnectionState(state, reason);
        }
    }

    void send(std::string type, nlohmann::json body, ReplyHandler handler) {
        if (m_state != ConnectionState::connected || !m_link) {
            if (handler) {
                handler(Reply{make_error_code(Errc::notConnected), "not connected", {}});
            }
            return;
        }
        const std::string id = "r-" + std::to_string(m_nextRequest++);
        Envelope envelope{kProtocolVersion, std::move(type), id, std::move(body)};
        if (!m_link->outbox.push(std::make_shared<const std::string>(serialise(envelope)))) {
            if (handler) {
                handler(Reply{make_error_code(Errc::rateLimited), "too many pending requests", {}});
            }
            return;
        }
        m_pending.emplace(id, Pending{std::move(handler), Clock::now() + m_config.requestTimeout});
    }

    void failPending(Errc code) {
        auto pending = std::move(m_pending);
        m_pending.clear();
        for (auto& [id, p] : pending) {
            if (p.handler) {
                p.handler(Reply{make_error_code(code), std::string(wireName(code)), {}});
            }
        }
    }

    std::chrono::milliseconds nextBackoff() {
        const auto base = m_config.initialBackoff * (1LL << std::min(m_attempt, 16));
        const auto capped = std::min<std::chrono::milliseconds>(
            std::chrono::duration_cast<std::chrono::milliseconds>(base), m_config.maxBackoff);
        // ±20 % jitter so that a fleet of cabins does not reconnect in lockstep.
        std::uniform_real_distribution<double> jitter(0.8, 1.2);
        ++m_attempt;
        return std::chrono::milliseconds(static_cast<long long>(capped.count() * jitter(m_random)));
    }

    static net::awaitable<void> run(std::shared_ptr<Client> self) {
        // One TLS context per node: each verifies its own node's name.
        self->m_nodes.clear();
        self->m_nodes.push_back({self->m_config.host, self->m_config.port, nullptr});
        for (const auto& other : self->m_config.otherNodes) {
            self->m_nodes.push_back({other.host, other.port, nullptr});
        }
        for (auto& node : self->m_nodes) {
            auto tls = makeClientContext(self->m_config.tls, node.host);
            if (!tls) {
                self->m_running = false;
                self->setState(ConnectionState::disconnected, tls.error());
                co_return;
            }
            node.tls = *tls;
        }
        bool everConnected = false;
        while (!self->m_stopped) {
            self->setState(everConnected ? ConnectionState::reconnecting
                                         : ConnectionState::connecting,
                           self->m_lastError);
            const auto ec = co_await self->connectAndServe(everConnected);
            if (self->m_link) {
                self->m_link->heartbeatTimer.cancel();
            }
            self->m_link.reset();
            self->failPending(Errc::connectionLost);
            if (self->m_stopped) {
                self->m_stopTimer.cancel(); // the link is over: closed, or dropped by the timer
                break;
            }
            self->m_lastError = ec ? ec : make_error_code(Errc::connectionLost);
            if (isCertificateRefusal(self->m_lastError) || !self->m_config.reconnect) {
                self->m_running = false;
                self->setState(ConnectionState::disconnected, self->m_lastError);
                co_return;
            }
            self->setState(ConnectionState::reconnecting, self->m_lastError);
            // The next attempt goes to the next node: a node that died or lost its database
            // has its clients resume on another (protocol/README.md, "Service nodes sharing
            // PostgreSQL").
            self->m_node = (self->m_node + 1) % self->m_nodes.size();
            self->m_backoffTimer.expires_after(self->nextBackoff());
            co_await self->m_backoffTimer.async_wait(kNoThrow);
        }
        self->m_running = false;
        self->setState(ConnectionState::stopped, {});
    }

    // Connects, greets, resumes if it can, then reads until the connection ends.
    net::awaitable<boost::system::error_code> connectAndServe(bool& everConnected) {
        const auto node = m_nodes[m_node]; // a copy: the list may not change, but be safe
        tcp::resolver resolver(m_strand);
        auto [resolveError, endpoints] =
            co_await resolver.async_resolve(node.host, std::to_string(node.port), kNoThrow);
        if (resolveError) {
            co_return resolveError;
        }
        if (m_stopped) { // stopped while resolving: there is no link to close yet
            co_return make_error_code(Errc::connectionLost);
        }
        m_link = std::make_shared<Link>(m_strand, *node.tls, ++m_linkGeneration);
        auto& ws = m_link->ws;
        beast::get_lowest_layer(ws).expires_after(m_config.connectTimeout);
        auto [connectError, endpoint] =
            co_await beast::get_lowest_layer(ws).async_connect(endpoints, kNoThrow);
        if (connectError) {
            co_return connectError;
        }
        boost::system::error_code parseError;
        net::ip::make_address(node.host, parseError);
        if (parseError) { // a host name: send SNI
            // SSL_set_tlsext_host_name() without its C cast.
            SSL_ctrl(ws.next_layer().native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                     TLSEXT_NAMETYPE_host_name, const_cast<char*>(node.host.c_str()));
        }
        auto [tlsError] =
            co_await ws.next_layer().async_handshake(net::ssl::stream_base::client, kNoThrow);
        if (tlsError) {
            // Our own verdict on the service's certificate is more precise than the alert.
            const long verify = SSL_get_verify_result(ws.next_layer().native_handle());
            co_return verify != X509_V_OK ? classifyVerifyResult(verify)
                                          : classifyTlsError(tlsError);
        }
        beast::get_lowest_layer(ws).expires_never();
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = m_config.connectTimeout;
        timeouts.idle_timeout = websocket::stream_base::none();
        timeouts.keep_alive_pings = false;
        ws.set_option(timeouts);
        ws.read_message_max(16 * kMaxFrameBytes);
        // In TLS 1.3 the service's verdict on our certificate arrives here, as an alert.
        auto [wsError] = co_await ws.async_handshake(node.host, "/v1", kNoThrow);
        if (wsError) {
            co_return classifyTlsError(wsError);
        }
        beast::flat_buffer buffer;
        auto [welcomeError, welcomeBytes] = co_await ws.async_read(buffer, kNoThrow);
        if (welcomeError) {
            co_return classifyTlsError(welcomeError);
        }
        auto first = parseEnvelope(beast::buffers_to_string(buffer.data()));
        if (first && first->type == type::error) {
            const auto body = parseErrorBody(first->body);
            co_return body ? body->code : make_error_code(Errc::internal);
        }
        if (!first || first->type != type::welcome) {
            co_return make_error_code(Errc::unknownType);
        }
        auto welcome = fromJson<Welcome>(first->body);
        if (!welcome) {
            co_return welcome.error().code;
        }
        // Connected: the link is usable; resume before telling anyone.
        m_state = ConnectionState::connected;
        bool resumed = false;
        if (!m_resumeToken.empty()) {
            resumed = co_await resume(buffer);
            if (!m_link) {
                co_return make_error_code(Errc::connectionLost);
            }
        }
        if (!resumed) {
            m_resumeToken = welcome->resumeToken;
        }
        m_attempt = 0;
        m_lastError = {};
        everConnected = true;
        // Three missed heartbeats mean the service is gone.
        timeouts.idle_timeout = 3 * std::chrono::milliseconds(welcome->heartbeatIntervalMs);
        ws.set_option(timeouts);
        setState(ConnectionState::connected, {});
        if (m_listener) {
            m_listener->onWelcome(*welcome, resumed);
        }
        net::co_spawn(m_strand,
                      heartbeat(shared_from_this(), m_link,
                                std::chrono::milliseconds(welcome->heartbeatIntervalMs)),
                      net::detached);
        co_return co_await readLoop(buffer);
    }

    net::awaitable<bool> resume(beast::flat_buffer& buffer) {
        struct Outcome {
            bool done = false;
            bool resumed = false;
        };
        auto outcome = std::make_shared<Outcome>();
        send(std::string(type::resume), toJson(ResumeRequest{m_resumeToken}),
             [outcome](Reply reply) {
                 outcome->done = true;
                 outcome->resumed = !reply.code;
             });
        while (!outcome->done && m_link) {
            buffer.clear();
            auto [ec, n] = co_await m_link->ws.async_read(buffer, kNoThrow);
            if (ec) {
                m_link.reset();
                co_return false;
            }
            dispatch(beast::buffers_to_string(buffer.data()));
        }
        co_return outcome->resumed;
    }

    net::awaitable<boost::system::error_code> readLoop(beast::flat_buffer& buffer) {
        while (m_link) {
            buffer.clear();
            auto [ec, n] = co_await m_link->ws.async_read(buffer, kNoThrow);
            if (ec) {
                m_state = ConnectionState::reconnecting;
                co_return ec == websocket::error::closed ? make_error_code(Errc::connectionLost)
                                                         : classifyTlsError(ec);
            }
            dispatch(beast::buffers_to_string(buffer.data()));
        }
        co_return make_error_code(Errc::connectionLost);
    }

    void dispatch(const std::string& frame) {
        auto envelope = parseEnvelope(frame);
        if (!envelope) {
            return; // a broken service frame is not the user's problem; the service logs it
        }
        const bool isReply = envelope->type == type::result || envelope->type == type::error;
        if (isReply && !envelope->id.empty()) {
            const auto it = m_pending.find(envelope->id);
            if (it == m_pending.end()) {
                return; // timed out already
            }
            auto handler = std::move(it->second.handler);
            m_pending.erase(it);
            Reply reply;
            if (envelope->type == type::error) {
                const auto body = parseErrorBody(envelope->body);
                reply.code = body ? body->code : make_error_code(Errc::internal);
                reply.message = body ? body->message : "malformed error reply";
            }
            reply.body = std::move(envelope->body);
            if (handler) {
                handler(std::move(reply));
            }
            return;
        }
        if (m_listener) {
            m_listener->onEvent(*envelope);
        }
    }

    bool linkIs(std::uint64_t generation) const noexcept {
        return m_link && m_link->generation == generation;
    }

    // Whether this host still has the address a connection was made from. Once it is gone
    // (Wi-Fi to 4G, a new DHCP lease) the connection is dead, but TCP would only tell after
    // three missed heartbeats (30 s): the session's messages, ICE restarts included, would be
    // lost meanwhile.
    static bool addressStillLocal(const net::ip::address& address) {
        net::io_context io;
        net::ip::udp::socket probe(io);
        boost::system::error_code ec;
        probe.open(address.is_v4() ? net::ip::udp::v4() : net::ip::udp::v6(), ec);
        if (!ec) {
            probe.bind({address, 0}, ec);
        }
        return ec != boost::system::errc::address_not_available;
    }

    static net::awaitable<void> heartbeat(std::shared_ptr<Client> self, std::shared_ptr<Link> link,
                                          std::chrono::milliseconds interval) {
        const auto generation = link->generation;
        boost::system::error_code noAddress;
        const auto local =
            beast::get_lowest_layer(link->ws).socket().local_endpoint(noAddress).address();
        while (!self->m_stopped && self->linkIs(generation)) {
            link->heartbeatTimer.expires_after(std::min(interval, std::chrono::milliseconds(1000)));
            co_await link->heartbeatTimer.async_wait(kNoThrow);
            if (self->m_stopped || !self->linkIs(generation)) {
                co_return;
            }
            if (!noAddress && !addressStillLocal(local)) {
                // Reconnect now, from an address this host has, and resume the session.
                beast::get_lowest_layer(self->m_link->ws).close();
                co_return;
            }
            const auto now = Clock::now();
            // Requests the service never answered.
            for (auto it = self->m_pending.begin(); it != self->m_pending.end();) {
                if (it->second.deadline <= now) {
                    auto handler = std::move(it->second.handler);
                    it = self->m_pending.erase(it);
                    if (handler) {
                        handler(Reply{make_error_code(Errc::timeout), "no reply in time", {}});
                    }
                } else {
                    ++it;
                }
            }
            if (now - self->m_lastPing >= interval) {
                self->m_lastPing = now;
                self->send(std::string(type::ping), nlohmann::json::object(), nullptr);
            }
        }
    }

    net::strand<net::any_io_executor> m_strand;
    ClientConfig m_config;
    std::shared_ptr<ClientListener> m_listener;
    struct Node {
        std::string host;
        std::uint16_t port = 0;
        std::shared_ptr<net::ssl::context> tls;
    };
    std::vector<Node> m_nodes; // config.host first, then config.otherNodes
    std::size_t m_node = 0;    // the one connected or tried now
    std::shared_ptr<Link> m_link;
    std::uint64_t m_linkGeneration = 0;
    net::steady_timer m_backoffTimer;
    net::steady_timer m_stopTimer;
    std::map<std::string, Pending> m_pending;
    ConnectionState m_state = ConnectionState::disconnected;
    boost::system::error_code m_lastError;
    std::string m_resumeToken;
    std::uint64_t m_nextRequest = 1;
    int m_attempt = 0;
    Clock::time_point m_lastPing = Clock::now();
    std::minstd_rand m_random;
    bool m_running = false;
    bool m_stopped = false;
};

} // namespace

std::optional<ServiceNode> parseServiceNode(std::string_view text, std::uint16_t defaultPort) {
    std::string host;
    std::string_view port;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        host = std::string(text.substr(1, close - 1));
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return std::nullopt;
            }
            port = rest.substr(1);
        }
    } else {
        const auto colon = text.rfind(':');
        if (colon != std::string_view::npos && text.find(':') != colon) {
            return std::nullopt; // a bare IPv6 address: write it [addr]:port
        }
        host = std::string(text.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = text.substr(colon + 1);
        }
    }
    if (host.empty()) {
        return std::nullopt;
    }
    std::uint16_t number = defaultPort;
    if (!port.empty()) {
        unsigned value = 0;
        for (const char c : port) {
            if (c < '0' || c > '9' || value > 65535) {
                return std::nullopt;
            }
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        if (value == 0 || value > 65535) {
            return std::nullopt;
        }
        number = static_cast<std::uint16_t>(value);
    }
    if (number == 0) {
        return std::nullopt;
    }
    return ServiceNode{std::move(host), number};
}

std::shared_ptr<RendezvousClient>
RendezvousClient::create(net::any_io_executor executor, ClientConfig config,
                         std::shared_ptr<ClientListener> listener) {
    return std::make_shared<Client>(std::move(executor), std::move(config), std::move(listener));
}

} // namespace tc::protocol

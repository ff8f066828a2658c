#include "tc/protocol/rendezvous_service.hpp"

#include "archive_http.hpp"
#include "browser_listener.hpp"
#include "cluster_log.hpp"
#include "cluster_replica.hpp"
#include "pg_connection.hpp"
#include "rendezvous_records.hpp"
#include "service_connection.hpp"
#include "tc/protocol/archive_store.hpp"
#include "tc/protocol/envelope.hpp"
#include "tc/protocol/event_log.hpp"
#include "tc/protocol/rendezvous_state.hpp"
#include "tc/protocol/review_index.hpp"
#include "websocket_types.hpp"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <openssl/ssl.h>
#include <unordered_map>

namespace tc::protocol {
namespace {

StateConfig stateConfigOf(const ServiceConfig& config) {
    return {config.gracePeriod, config.heartbeatInterval, static_cast<std::int64_t>(kMaxFrameBytes),
            config.maxMessagesPerSecond, config.ice};
}

using namespace detail;

// The upgrade request is a few hundred bytes; anything near this is not a WebSocket client.
constexpr std::uint32_t kMaxUpgradeRequestBytes = 8192;
// How long stop() waits for the clients' half of the close handshakes before dropping them.
constexpr std::chrono::seconds kStopTimeout{2};
// An idle connection keeps at most this much of its read buffer: a large message (an SDP offer,
// a long queue) does not stay allocated for the life of the connection (issue 19, "Memory").
constexpr std::size_t kIdleReadBufferBytes = 2048;

namespace http = beast::http;

class Service final : public RendezvousService, public std::enable_shared_from_this<Service> {
public:
    // `log`: the SQLite event log; nullopt for a node of a cluster (attachCluster).
    Service(net::any_io_executor executor, ServiceConfig config,
            std::shared_ptr<net::ssl::context> tls, std::optional<EventLog> log,
            std::unique_ptr<BrowserCabins> browser)
        : m_executor(std::move(executor))
        , m_config(std::move(config))
        , m_tls(std::move(tls))
        , m_browser(std::move(browser))
        , m_log(std::move(log))
        , m_acceptor(m_executor)
        , m_expiryTimer(m_executor)
        , m_stopTimer(m_executor)
        , m_archive(
              m_config.archive,
              [this](const std::string& rpps, const std::string& sessionId) {
                  return doctorHadSession(rpps, sessionId);
              },
              [log = m_config.log](const std::string& line) {
                  if (log) {
                      log(line);
                  }
              },
              m_browser ? ArchiveHttp::BrowserTokenIssuer(
                              [this](const Identity& cabin, std::string_view host) {
                                  auto issued = m_browser->issue(cabin, host, m_browserPort);
                                  m_browserTokens += issued ? 1 : 0;
                                  return issued;
                              })
                        : ArchiveHttp::BrowserTokenIssuer()) {
        const StateConfig state = stateConfigOf(m_config);
        if (m_log) {
            m_localState = std::make_unique<RendezvousState>(state, &*m_log);
            m_state = m_localState.get();
        } else {
            m_replica = std::make_unique<ClusterReplica>(state);
            m_state = &m_replica->state();
        }
    }

    ~Service() override {
        if (m_cluster) {
            m_cluster->stop();
        }
    }

    // A node of a cluster: joins the shared log (migrating its schema, registering the node).
    // Its callbacks come from the log's threads and are posted here.
    Result<void> attachCluster(std::chrono::milliseconds nodeLossTimeout) {
        // Never a strong reference on the log's threads: the service must not end there.
        const auto onExecutor = [weak = std::weak_ptr<Service>(shared_from_this()),
                                 executor = m_executor](auto work) {
            net::post(executor, [weak, work = std::move(work)]() mutable {
                if (const auto alive = weak.lock()) {
                    work(*alive);
                }
            });
        };
        ClusterLog::Callbacks callbacks{
            [onExecutor](std::vector<ClusterCommand> commands) {
                onExecutor([commands = std::move(commands)](Service& self) mutable {
                    self.applyCommands(commands);
                });
            },
            [onExecutor] { onExecutor([](Service& self) { self.fence(); }); },
            [onExecutor](std::int64_t node) {
                onExecutor([node](Service& self) { self.rejoin(node); });
            }};
        ClusterLogConfig cluster{m_config.eventLogPath, std::chrono::milliseconds(1000),
                                 nodeLossTimeout, m_config.log};
        cluster.heartbeat = std::min(cluster.heartbeat, nodeLossTimeout / 4);
        cluster.settings = replicaSettings(stateConfigOf(m_config), nodeLossTimeout);
        auto opened = ClusterLog::open(std::move(cluster), std::move(callbacks));
        if (!opened) {
            return opened.error();
        }
        m_cluster = std::move(*opened);
        m_nextConnectionId = firstConnectionOf(m_cluster->node());
        net::co_spawn(m_executor, watchdogLoop(shared_from_this()), net::detached);
        log("cluster node " + std::to_string(m_cluster->node()) + " joined");
        return {};
    }

    Result<void> listen() {
        boost::system::error_code ec;
        const auto address = net::ip::make_address(m_config.bindAddress, ec);
        if (ec) {
            return ec;
        }
        auto bound = bind(m_acceptor, tcp::endpoint(address, m_config.port));
        if (!bound) {
            return bound.error();
        }
        m_port = *bound;
        if (m_browser) {
            bound = bind(m_browserAcceptor, tcp::endpoint(address, *m_config.browser.port));
            if (!bound) {
                return bound.error();
            }
            m_browserPort = *bound;
            net::co_spawn(m_executor, acceptLoop(shared_from_this(), m_browserAcceptor, true),
                          net::detached);
        }
        net::co_spawn(m_executor, acceptLoop(shared_from_this(), m_acceptor, false), net::detached);
        net::co_spawn(m_executor, expiryLoop(shared_from_this()), net::detached);
        if (m_config.archive.store && m_config.archive.mediaRetention.count() > 0) {
            net::co_spawn(m_executor, retentionLoop(shared_from_this()), net::detached);
        }
        return {};
    }

    std::uint16_t port() const noexcept override { return m_port; }
    std::uint16_t browserPort() const noexcept override { return m_browserPort; }

    ServiceStats stats() const override {
        ServiceStats stats{m_accepted.load(),   m_open.load(),       m_tlsRefusals.load(),
                           m_violations.load(), m_messagesIn.load(), m_messagesOut.load()};
        m_archive.addTo(stats);
        stats.browserTokensIssued = m_browserTokens.load();
        stats.browserRefusals = m_browserRefusals.load();
        return stats;
    }

    void stop() override {
        net::post(m_executor, [self = shared_from_this()] {
            if (self->m_stopping) {
                return;
            }
            self->m_stopping = true;
            boost::system::error_code ignored;
            self->m_acceptor.close(ignored);
            self->m_browserAcceptor.close(ignored);
            self->m_expiryTimer.cancel();
            self->m_retentionTimer.cancel();
            // Connected clients get a close handshake; connections still in their TLS or
            // WebSocket handshake are dropped.
            for (const auto& [id, weak] : self->m_live) {
                if (const auto connection = weak.lock()) {
                    if (self->m_connections.contains(id)) {
                        connection->close(make_error_code(Errc::connectionLost),
                                          websocket::close_code::going_away, "service stopping");
                    } else {
                        connection->abort();
                    }
                }
            }
            if (self->m_live.empty()) {
                return;
            }
            // Clients that do not answer are not waited for. Cancelled once the last
            // connection has ended, so that it does not keep the executor busy.
            self->m_stopTimer.expires_after(kStopTimeout);
            self->m_stopTimer.async_wait([self](boost::system::error_code) {
                for (const auto& [id, weak] : self->m_live) {
                    if (const auto connection = weak.lock()) {
                        connection->abort();
                    }
                }
            });
        });
    }

private:
    // The archive's rule for beginning an upload: the record id is a session this doctor had,
    // in progress (the state) or ended, before a restart included (the durable event log). A
    // cluster's log is PostgreSQL: looked up on the archive's pool.
    ArchiveHttp::SessionAnswer doctorHadSession(const std::string& rpps,
                                                const std::string& sessionId) {
        if (const auto doctor = m_state->sessionDoctor(sessionId)) {
            return {*doctor == rpps, {}};
        }
        const auto answer = [rpps, sessionId, log = m_config.log](const auto& logged) {
            if (!logged) {
                if (log) {
                    log("event log: cannot look up session " + sessionId + ": " +
                        logged.error().message());
                }
                return false;
            }
            return *logged && **logged == rpps;
        };
        if (m_cluster) {
            return {std::nullopt, [cluster = m_cluster, sessionId, answer] {
                        return answer(cluster->claimingDoctor(sessionId));
                    }};
        }
        return {answer(m_log->claimingDoctor(sessionId)), {}};
    }

    void log(const std::string& line) const {
        if (m_config.log) {
            m_config.log(line);
        }
    }

    static Result<std::uint16_t> bind(tcp::acceptor& acceptor, const tcp::endpoint& endpoint) {
        boost::system::error_code ec;
        acceptor.open(endpoint.protocol(), ec);
        if (!ec) {
            acceptor.set_option(net::socket_base::reuse_address(true), ec);
        }
        if (!ec) {
            acceptor.bind(endpoint, ec);
        }
        if (!ec) {
            acceptor.listen(net::socket_base::max_listen_connections, ec);
        }
        if (ec) {
            return ec;
        }
        return acceptor.local_endpoint().port();
    }

    // The main port's connections (certificates), or the browser listener's (tokens); both
    // count towards maxConnections.
    static net::awaitable<void> acceptLoop(std::shared_ptr<Service> self, tcp::acceptor& acceptor,
                                           bool browser) {
        while (!self->m_stopping) {
            auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
            if (ec) {
                if (self->m_stopping || ec == net::error::operation_aborted) {
                    co_return;
                }
                self->log("accept failed: " + ec.message());
                continue; // e.g. EMFILE: keep serving the connections we have
            }
            if (self->m_open.load() >= self->m_config.maxConnections) {
                self->log("connection limit reached; refusing a connection");
                continue;
            }
            if (self->m_fenced) {
                // Without the database this node cannot serve: the client tries another.
                continue;
            }
            ++self->m_accepted;
            auto connection = std::make_shared<ServiceConnection>(
                std::move(socket), browser ? self->m_browser->tls() : *self->m_tls,
                self->m_nextConnectionId++,
                [weak = std::weak_ptr<Service>(self)](const std::string& line) {
                    if (const auto service = weak.lock()) {
                        service->log(line);
                    }
                });
            self->m_live.emplace(connection->id(), connection);
            net::co_spawn(self->m_executor,
                          browser ? serveBrowser(self, std::move(connection))
                                  : serve(self, std::move(connection)),
                          net::detached);
        }
    }

    static net::awaitable<void> expiryLoop(std::shared_ptr<Service> self) {
        while (!self->m_stopping) {
            const auto next = self->m_state->nextExpiry();
            if (self->m_cluster) {
                // The replica's times are the log's (Unix ms); the expiry is logged as a
                // command when this host's clock reaches it, and applied at the log's time.
                constexpr std::chrono::milliseconds kAtLeast{200};
                self->m_expiryTimer.expires_after(
                    next ? std::max(kAtLeast, std::chrono::milliseconds(
                                                  ClusterReplica::unixMsOf(*next) - unixMsNow()))
                         : std::chrono::hours(24));
            } else {
                self->m_expiryTimer.expires_at(
                    next.value_or(std::chrono::steady_clock::time_point::max()));
            }
            auto [ec] = co_await self->m_expiryTimer.async_wait(kNoThrow);
            if (self->m_stopping) {
                co_return;
            }
            if (ec) {
                continue; // re-armed: the state changed
            }
            if (self->m_cluster) {
                if (next && !self->m_expirySubmitted && !self->m_fenced) {
                    self->m_expirySubmitted = true;
                    self->m_cluster->submit("expire", 0, {});
                }
                continue;
            }
            Effects effects;
            self->m_state->expire(std::chrono::steady_clock::now(), effects);
            self->apply(effects);
        }
    }

    // A cluster node that has not beaten for half the loss timeout stops serving before the
    // others declare it lost, whatever its database threads are blocked in.
    static net::awaitable<void> watchdogLoop(std::shared_ptr<Service> self) {
        const auto half = self->m_cluster->nodeLossTimeout() / 2;
        net::steady_timer timer(self->m_executor);
        while (!self->m_stopping) {
            timer.expires_after(half / 4);
            co_await timer.async_wait(kNoThrow);
            if (!self->m_stopping && self->m_cluster->sinceLastBeat() > half) {
                self->fence();
            }
        }
    }

    // Media retention: a purge at start, then every sweep period, on the store's threads
    // (ArchiveHttp::purgeMedia); the timer is the service's, cancelled by stop().
    static net::awaitable<void> retentionLoop(std::shared_ptr<Service> self) {
        const auto& archive = self->m_config.archive;
        while (!self->m_stopping) {
            const auto cutoff =
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    (std::chrono::system_clock::now() - archive.mediaRetention).time_since_epoch())
                    .count();
            const auto purged =
                co_await self->m_archive.purgeMedia(cutoff, self->m_config.archive.audit);
            if (purged && !*purged) {
                self->log("media retention: " + (*purged).error().message());
            } else if (purged && (**purged).records != 0) {
                self->log("media retention: purged " + std::to_string((**purged).files) +
                          " files (" + std::to_string((**purged).bytes) + " bytes) of " +
                          std::to_string((**purged).records) + " records");
            }
            if (self->m_stopping) {
                co_return;
            }
            self->m_retentionTimer.expires_after(archive.retentionSweep);
            co_await self->m_retentionTimer.async_wait(kNoThrow);
        }
    }

    // A connection is live from accept until serve() ends, on every path.
    struct LiveConnection {
        Service& service;
        ConnectionId id;
        LiveConnection(Service& s, ConnectionId connection)
            : service(s)
            , id(connection) {}
        LiveConnection(const LiveConnection&) = delete;
        LiveConnection& operator=(const LiveConnection&) = delete;
        ~LiveConnection() {
            service.m_live.erase(id);
            if (service.m_stopping && service.m_live.empty()) {
                service.m_stopTimer.cancel();
            }
        }
    };

    static net::awaitable<void> serve(std::shared_ptr<Service> self,
                                      std::shared_ptr<ServiceConnection> connection) {
        const LiveConnection live(*self, connection->id());
        auto& ws = connection->ws();
        beast::get_lowest_layer(ws).expires_after(self->m_config.handshakeTimeout);
        auto [tlsError] =
            co_await connection->tls().async_handshake(net::ssl::stream_base::server, kNoThrow);
        if (tlsError) {
            ++self->m_tlsRefusals;
            const long verify = SSL_get_verify_result(connection->tls().native_handle());
            const auto reason =
                verify != X509_V_OK ? classifyVerifyResult(verify) : classifyTlsError(tlsError);
            self->log("TLS refused: " + reason.message() + " (" + tlsError.message() + ")");
            co_return;
        }
        const auto identity =
            identityFromCertificate(SSL_get0_peer_certificate(connection->tls().native_handle()));
        // The upgrade request is read here rather than by Beast so that the message kind tap
        // knows where the WebSocket frames begin. A client MUST wait for the 101 before it
        // sends a frame (RFC 6455, section 4.1): bytes after the request end the connection.
        beast::get_lowest_layer(ws).expires_after(self->m_config.handshakeTimeout);
        beast::flat_buffer requestBuffer;
        http::request_parser<http::empty_body> upgrade;
        upgrade.header_limit(kMaxUpgradeRequestBytes);
        // The archive's routes judge a body's length themselves (archive_http.hpp): the header
        // alone must not fail on it.
        upgrade.body_limit(boost::none);
        auto [requestError, requestBytes] =
            co_await http::async_read_header(ws.next_layer(), requestBuffer, upgrade, kNoThrow);
        static_cast<void>(requestBytes);
        if (requestError) {
            connection->abort();
            co_return;
        }
        if (!websocket::is_upgrade(upgrade.get())) {
            // Plain HTTPS on the same port: the archive (protocol/README.md, "Archive
            // transfer"), authenticated by the same client certificate.
            co_await self->m_archive.serve(connection->tls(), requestBuffer, upgrade, identity);
            connection->abort();
            co_return;
        }
        if (!upgrade.is_done() || requestBuffer.size() != 0) {
            connection->abort();
            co_return;
        }
        // Neither the read buffer nor the request outlives the upgrade: this frame lasts as
        // long as the connection.
        requestBuffer.shrink_to_fit();
        co_await join(self, connection, upgrade.release(), identity);
    }

    // The browser listener (browser_listener.hpp): TLS without a client certificate, then the
    // upgrade with a valid token only; the party is then the token's cabin.
    static net::awaitable<void> serveBrowser(std::shared_ptr<Service> self,
                                             std::shared_ptr<ServiceConnection> connection) {
        const LiveConnection live(*self, connection->id());
        const auto name = "browser connection " + std::to_string(connection->id());
        beast::get_lowest_layer(connection->ws()).expires_after(self->m_config.handshakeTimeout);
        auto [tlsError] =
            co_await connection->tls().async_handshake(net::ssl::stream_base::server, kNoThrow);
        if (tlsError) {
            ++self->m_browserRefusals;
            self->log(name + ": TLS failed: " + tlsError.message());
            co_return;
        }
        beast::flat_buffer buffer;
        BrowserCabins::UpgradeParser upgrade;
        const auto admitted = co_await self->m_browser->admit(
            connection->ws().next_layer(), buffer, upgrade, self->m_config.handshakeTimeout);
        if (!admitted) {
            ++self->m_browserRefusals;
            self->log(name + " refused: " + admitted.error().message());
            connection->abort();
            co_return;
        }
        self->log(name + " admitted as cabin " + admitted->identifier);
        buffer.shrink_to_fit(); // empty after the upgrade (BrowserCabins::admit)
        co_await join(self, connection, upgrade.release(), admitted);
    }

    // After the upgrade request has been read and judged: the WebSocket accept, then the party
    // `identity` (refused if invalid) until the connection ends. The request is freed once
    // answered.
    static net::awaitable<void> join(std::shared_ptr<Service> self,
                                     std::shared_ptr<ServiceConnection> connection,
                                     http::request<http::empty_body> upgrade,
                                     const Result<Identity>& identity) {
        auto& ws = connection->ws();
        beast::get_lowest_layer(ws).expires_never();
        ws.next_layer().watchFrames();
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = self->m_config.handshakeTimeout;
        // A client pings every heartbeat interval; three missed heartbeats mean it is gone.
        timeouts.idle_timeout = 3 * self->m_config.heartbeatInterval;
        timeouts.keep_alive_pings = false;
        ws.set_option(timeouts);
        // Hard cap well above the protocol limit so that oversize frames still get a typed
        // error before the connection closes.
        ws.read_message_max(4 * kMaxFrameBytes);
        auto [acceptError] = co_await ws.async_accept(upgrade, kNoThrow);
        upgrade = {};
        if (acceptError) {
            co_return;
        }
        if (!identity || identity->role == Role::service) {
            // A service certificate identifies the service to its clients; as a client it has
            // nothing to do (protocol/README.md, section 3).
            const auto refusal = identity ? make_error_code(Errc::badIdentity) : identity.error();
            ++self->m_tlsRefusals;
            self->log("refused a certificate without a valid client identity: " +
                      refusal.message());
            connection->enqueue(std::make_shared<const std::string>(serialise(
                makeError({}, refusal,
                          identity ? "certificate subject: a service certificate cannot be a client"
                                   : "certificate subject"))));
            connection->close(refusal, websocket::close_code::policy_error);
            co_return;
        }
        self->m_connections.emplace(connection->id(), connection);
        ++self->m_open;
        connection->initTokens(self->m_config.messageBurst);
        self->connect(connection->id(), *identity);
        co_await readLoop(self, connection);
        self->m_connections.erase(connection->id());
        --self->m_open;
        self->disconnect(connection->id());
    }

    static net::awaitable<void> readLoop(std::shared_ptr<Service> self,
                                         std::shared_ptr<ServiceConnection> connection) {
        auto& ws = connection->ws();
        beast::flat_buffer buffer;
        while (!self->m_stopping) {
            buffer.clear();
            if (buffer.capacity() > kIdleReadBufferBytes) {
                buffer.shrink_to_fit();
            }
            auto [ec, bytes] = co_await ws.async_read(buffer, kNoThrow);
            if (ec) {
                if (ec == websocket::error::message_too_big) {
                    ++self->m_violations;
                }
                if (ec == net::error::operation_aborted && connection->closing()) {
                    // The service's own close: its outcome is logged when it is over.
                } else if (ec == websocket::error::closed) {
                    self->log("connection " + std::to_string(connection->id()) +
                              " closed with code " + std::to_string(ws.reason().code) + " \"" +
                              std::string(ws.reason().reason.data(), ws.reason().reason.size()) +
                              "\"");
                } else {
                    self->log("connection " + std::to_string(connection->id()) +
                              " lost: " + ec.message());
                }
                co_return;
            }
            ++self->m_messagesIn;
            const auto violation = [&](Errc code, std::string detail, std::string requestId) {
                ++self->m_violations;
                connection->enqueue(std::make_shared<const std::string>(
                    serialise(makeError(requestId, make_error_code(code), std::move(detail)))));
            };
            if (!connection->takeToken(self->m_config.maxMessagesPerSecond,
                                       self->m_config.messageBurst)) {
                violation(Errc::rateLimited, "the message was dropped", {});
                if (connection->floodBeyondLimit(self->m_config.messageBurst)) {
                    connection->close(make_error_code(Errc::rateLimited),
                                      websocket::close_code::policy_error);
                    co_return;
                }
                continue;
            }
            // Every message's first frame went through the tap, which recorded its kind.
            if (ws.next_layer().takeMessageKind() != MessageKind::text) {
                violation(Errc::binaryFrame, "send JSON text frames", {});
                connection->close(make_error_code(Errc::binaryFrame),
                                  websocket::close_code::unknown_data);
                co_return;
            }
            const std::string_view frame(static_cast<const char*>(buffer.data().data()),
                                         buffer.size());
            auto envelope = parseEnvelope(frame);
            if (!envelope) {
                const auto& error = envelope.error();
                violation(static_cast<Errc>(error.code.value()), error.detail, error.requestId);
                // Unreadable framing ends the connection; a readable envelope with a bad field
                // only fails that request.
                if (error.code == Errc::malformedJson || error.code == Errc::frameTooLarge) {
                    connection->close(error.code, error.code == Errc::frameTooLarge
                                                      ? websocket::close_code::too_big
                                                      : websocket::close_code::bad_payload);
                    co_return;
                }
                continue;
            }
            self->handle(connection->id(), *envelope);
        }
    }

    // The state's three inputs: applied here (one service) or logged for every node (a cluster),
    // then applied in the log's order by applyCommands.
    void connect(ConnectionId connection, const Identity& identity) {
        if (m_cluster) {
            m_cluster->submit("connect", connection, toJson(identity).dump());
            return;
        }
        Effects effects;
        m_state->connect(connection, identity, effects);
        apply(effects);
    }

    void handle(ConnectionId connection, const Envelope& request) {
        Effects effects;
        if (!m_cluster) {
            m_state->handle(connection, request, effects);
        } else if (!m_state->answerWithoutChange(connection, request, effects)) {
            m_cluster->submit("request", connection, serialise(request));
        }
        apply(effects);
    }

    void disconnect(ConnectionId connection) {
        if (m_cluster) {
            m_cluster->submit("disconnect", connection, {});
            return;
        }
        Effects effects;
        m_state->disconnect(connection, effects);
        apply(effects);
        m_expiryTimer.cancel(); // re-arm for the new grace deadline
    }

    void applyCommands(const std::vector<ClusterCommand>& commands) {
        std::vector<SequencedEvent> events;
        for (const auto& command : commands) {
            Effects effects;
            m_replica->apply(command, effects, events);
            apply(effects);
            if (command.kind == "expire" && command.node == m_cluster->node()) {
                m_expirySubmitted = false;
            }
        }
        m_cluster->writeEvents(std::move(events));
        m_expiryTimer.cancel(); // re-arm: grace deadlines may have changed
    }

    // The node may not serve without its database: its clients go to another node (they hold
    // the list) and resume there; their parties live on in the shared log.
    void fence() {
        if (m_fenced) {
            return;
        }
        m_fenced = true;
        log("fenced: closing " + std::to_string(m_connections.size()) + " connections");
        for (const auto& [id, connection] : m_connections) {
            connection->close(make_error_code(Errc::connectionLost),
                              websocket::close_code::try_again_later, "node without database");
        }
    }

    void rejoin(std::int64_t node) {
        m_fenced = false;
        m_nextConnectionId = firstConnectionOf(node);
        log("cluster node " + std::to_string(node) + " serving");
    }

    void apply(Effects& effects) {
        for (auto& send : effects.sends) {
            const auto it = m_connections.find(send.to);
            if (it != m_connections.end()) {
                ++m_messagesOut;
                it->second->enqueue(std::move(send.frame));
            }
        }
        for (const auto& close : effects.closes) {
            const auto it = m_connections.find(close.connection);
            if (it != m_connections.end()) {
                it->second->close(close.reason, websocket::close_code::policy_error);
            }
        }
    }

    net::any_io_executor m_executor;
    ServiceConfig m_config;
    std::shared_ptr<net::ssl::context> m_tls;
    std::unique_ptr<BrowserCabins> m_browser; // null: no browser listener
    std::optional<EventLog> m_log;            // one service; a cluster's events are in its database
    std::unique_ptr<RendezvousState> m_localState;
    std::unique_ptr<ClusterReplica> m_replica;
    RendezvousState* m_state = nullptr;    // one of the two above
    std::shared_ptr<ClusterLog> m_cluster; // shared with the archive's lookups
    bool m_fenced = false;
    bool m_expirySubmitted = false;
    tcp::acceptor m_acceptor;
    tcp::acceptor m_browserAcceptor{m_executor};
    net::steady_timer m_expiryTimer;
    net::steady_timer m_stopTimer;
    net::steady_timer m_retentionTimer{m_executor};
    // Every accepted connection, handshaking or not (stop() must end them all).
    std::unordered_map<ConnectionId, std::weak_ptr<ServiceConnection>> m_live;
    // The connections past their WebSocket upgrade, known to the state.
    std::unordered_map<ConnectionId, std::shared_ptr<ServiceConnection>> m_connections;
    detail::ArchiveHttp m_archive;
    ConnectionId m_nextConnectionId = 1;
    std::uint16_t m_port = 0;
    std::uint16_t m_browserPort = 0;
    bool m_stopping = false;
    std::atomic<std::uint64_t> m_accepted{0};
    std::atomic<std::uint64_t> m_open{0};
    std::atomic<std::uint64_t> m_tlsRefusals{0};
    std::atomic<std::uint64_t> m_violations{0};
    std::atomic<std::uint64_t> m_messagesIn{0};
    std::atomic<std::uint64_t> m_messagesOut{0};
    std::atomic<std::uint64_t> m_browserTokens{0};
    std::atomic<std::uint64_t> m_browserRefusals{0};
};

} // namespace

Result<std::shared_ptr<RendezvousService>> RendezvousService::start(net::any_io_executor executor,
                                                                    ServiceConfig config) {
    if (const auto invalid = validate(config.ice)) {
        return invalid;
    }
    auto tls = makeServerContext(config.tls);
    if (!tls) {
        return tls.error();
    }
    const bool cluster = isPostgresUrl(config.eventLogPath);
    std::optional<EventLog> log;
    if (!cluster) {
        auto opened = EventLog::open(config.eventLogPath);
        if (!opened) {
            return opened.error();
        }
        log = std::move(*opened);
    }
    const bool sqliteFile = !cluster && config.eventLogPath != ":memory:";
    // The review index lives in the event log's file, so that indicators join both in SQL.
    if (config.archive.store && !config.archive.reviewIndex && sqliteFile) {
        auto index = SqliteReviewIndex::open(config.eventLogPath);
        if (!index) {
            if (config.log) {
                config.log("review index: " + index.error().message());
            }
            return make_error_code(Errc::storageFailure);
        }
        config.archive.reviewIndex = std::move(*index);
    }
    // A cluster's nodes share it, next to the cluster's events, in PostgreSQL.
    if (config.archive.store && !config.archive.reviewIndex && cluster) {
        auto index = openPostgresReviewIndex(config.eventLogPath);
        if (!index) {
            if (config.log) {
                config.log("review index: " + index.error().message());
            }
            return make_error_code(Errc::storageFailure);
        }
        config.archive.reviewIndex = std::move(*index);
    }
    if (config.archive.reviewIndex && config.archive.indicatorsDatabase.empty() &&
        (sqliteFile || cluster)) {
        config.archive.indicatorsDatabase = config.eventLogPath;
    }
    std::unique_ptr<BrowserCabins> browser;
    if (config.browser.port) {
        auto created = BrowserCabins::create(config.browser, config.tls);
        if (!created) {
            return created.error();
        }
        browser = std::move(*created);
    }
    const auto nodeLossTimeout = config.nodeLossTimeout;
    auto service = std::make_shared<Service>(std::move(executor), std::move(config), *tls,
                                             std::move(log), std::move(browser));
    if (cluster) {
        if (auto attached = service->attachCluster(nodeLossTimeout); !attached) {
            return attached.error();
        }
    }
    if (auto listening = service->listen(); !listening) {
        return listening.error();
    }
    return std::shared_ptr<RendezvousService>(std::move(service));
}

} // namespace tc::protocol

#pragma once
// The rendezvous client used by the console and the cabin: mutual TLS 1.3 + WebSocket, request /
// reply correlation, heartbeats, and reconnection with exponential backoff that resumes the
// previous session with its resume token.
//
// Threading: everything runs on the executor given at creation (an IoThread). Listener
// callbacks and reply handlers are invoked on that executor; a UI must hop to its own thread.
// request(), start() and stop() may be called from any thread.

#include "tc/protocol/envelope.hpp"
#include "tc/protocol/messages.hpp"
#include "tc/protocol/tls.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

enum class ConnectionState { disconnected, connecting, connected, reconnecting, stopped };
std::string_view toString(ConnectionState state) noexcept;

struct ServiceNode {
    std::string host;
    std::uint16_t port = 0;
};

// "host:port" or "[v6]:port" or "host" (then `defaultPort`); nullopt when unreadable.
std::optional<ServiceNode> parseServiceNode(std::string_view text, std::uint16_t defaultPort);

struct ClientConfig {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    // The other nodes of a cluster (protocol/README.md, "Service nodes sharing PostgreSQL"):
    // after a failed attempt or a lost connection the client tries the next node of
    // host:port then these, in turn, and resumes its session there.
    std::vector<ServiceNode> otherNodes;
    TlsConfig tls;
    std::chrono::milliseconds initialBackoff{250};
    std::chrono::milliseconds maxBackoff{15'000};
    std::chrono::milliseconds requestTimeout{10'000};
    std::chrono::milliseconds connectTimeout{10'000};
    // Certificate refusals are not retried: a new certificate is needed, not a new attempt.
    bool reconnect = true;
};

class ClientListener {
public:
    virtual ~ClientListener() = default;
    // `reason` says why the state changed (empty when all is well).
    virtual void onConnectionState(ConnectionState state, boost::system::error_code reason) = 0;
    // After every (re)connection. `resumed` is false when a previous session could not be
    // resumed (first connection, or grace period over): presence must be set again. Queue
    // subscriptions are per connection: renew them after every welcome, resumed or not (events
    // sent while the link was down are lost; the new snapshot is the truth).
    virtual void onWelcome(const Welcome& welcome, bool resumed) = 0;
    // Server events: queue.update, visit.claimed, session.*.
    virtual void onEvent(const Envelope& event) = 0;
};

// On success `code` is empty and `body` the reply body. On failure `code` is the typed error
// (from the service's `error` reply, or local: not_connected, timeout, connection_lost) and
// `message` explains it.
struct Reply {
    boost::system::error_code code;
    std::string message;
    nlohmann::json body;
};
using ReplyHandler = std::function<void(Reply)>;

class RendezvousClient {
public:
    static std::shared_ptr<RendezvousClient> create(boost::asio::any_io_executor executor,
                                                    ClientConfig config,
                                                    std::shared_ptr<ClientListener> listener);
    virtual ~RendezvousClient() = default;

    virtual void start() = 0;
    // Closes the connection cleanly (pending requests fail with connection_lost) and stops
    // reconnecting. The listener gets ConnectionState::stopped last.
    virtual void stop() = 0;
    virtual void request(std::string type, nlohmann::json body, ReplyHandler handler) = 0;

    // Test hook for the liveness tests: drops the TCP connection without a close handshake, as a
    // network failure would, and lets the reconnect logic run.
    virtual void simulateNetworkFailure() = 0;
};

} // namespace tc::protocol

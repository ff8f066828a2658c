#pragma once
// One connection of the rendezvous service, on its main port (certificate) or its browser port
// (token): the WebSocket stream over the message kind tap, the outgoing frame queue and the
// message rate bucket. rendezvous_service.cpp runs it; browser_listener.cpp admits browsers.

#include "frame_queue.hpp"
#include "message_kind_tap.hpp"
#include "tc/protocol/rendezvous_state.hpp"
#include "tls_stream.hpp"
#include "websocket_types.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace tc::protocol::detail {

// Beyond this many queued frames a peer is not reading; it is dropped rather than let memory
// grow without bound.
inline constexpr std::size_t kMaxOutboxFrames = 4096;

// The service's stream: the message kind tap sits between TLS and WebSocket so that the
// service, not Beast, answers invalid UTF-8 (message_kind_tap.hpp). TLS is TlsStream, which
// holds no buffer while the connection is idle (tls_stream.hpp).
using ServiceWsStream = websocket::stream<MessageKindTap<TlsStream>>;

class ServiceConnection : public std::enable_shared_from_this<ServiceConnection> {
public:
    // `log` hears how the service's own close handshakes end.
    ServiceConnection(tcp::socket socket, net::ssl::context& tls, ConnectionId id,
                      std::function<void(const std::string&)> log)
        : m_ws(std::move(socket), tls)
        , m_id(id)
        , m_outbox(
              m_ws, kMaxOutboxFrames, [this] { return std::shared_ptr<void>(shared_from_this()); },
              [this, log = std::move(log)](boost::system::error_code outcome) {
                  if (log) {
                      log("connection " + std::to_string(m_id) +
                          (outcome ? " dropped, its close handshake failed: " + outcome.message()
                                   : " closed by the service, answered with code " +
                                         std::to_string(m_ws.reason().code)));
                  }
                  abort();
              }) {}

    bool closing() const noexcept { return m_outbox.closing(); }

    ConnectionId id() const noexcept { return m_id; }
    ServiceWsStream& ws() noexcept { return m_ws; }
    TlsStream& tls() noexcept { return m_ws.next_layer().next_layer(); }

    void enqueue(Frame frame) {
        if (!m_outbox.push(std::move(frame))) {
            // The peer does not read what it is sent; drop it rather than buffer forever.
            abort();
        }
    }

    // Sends what is queued, then the close frame, then drops TCP. The close reason is the
    // error's message unless `text` is given.
    void close(boost::system::error_code reason, websocket::close_code code,
               std::string text = {}) {
        m_outbox.close(code, text.empty() ? reason.message() : std::move(text));
    }

    // Drops the TCP connection at once (service shutdown, dead peer).
    void abort() {
        boost::system::error_code ignored;
        beast::get_lowest_layer(m_ws).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(m_ws).close();
    }

    bool takeToken(int perSecond, int burst) {
        const auto now = std::chrono::steady_clock::now();
        const double elapsed = std::chrono::duration<double>(now - m_lastRefill).count();
        m_lastRefill = now;
        m_tokens = std::min<double>(burst, m_tokens + elapsed * perSecond);
        m_tokens -= 1.0; // below zero is debt: a sustained flood goes deeper and deeper
        return m_tokens >= 0.0;
    }
    bool floodBeyondLimit(int burst) const noexcept { return m_tokens < -burst; }
    void initTokens(int burst) { m_tokens = burst; }

private:
    ServiceWsStream m_ws;
    ConnectionId m_id;
    detail::FrameQueue<ServiceWsStream> m_outbox;
    double m_tokens = 0;
    std::chrono::steady_clock::time_point m_lastRefill = std::chrono::steady_clock::now();
};

} // namespace tc::protocol::detail

#pragma once
// A synchronous TLS WebSocket client that sends whatever bytes a test wants: the hostile peer.

#include "tc/protocol/pki.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tc::test {

class RawWsClient {
public:
    RawWsClient(const protocol::Credentials& own, const std::string& caPem, std::uint16_t port);

    void sendText(const std::string& text);
    void sendBinary(const std::string& bytes);
    void send(const nlohmann::json& json) { sendText(json.dump()); }
    // One text message in several frames (a first frame, then continuations).
    void sendTextFragments(const std::vector<std::string>& parts);
    // A WebSocket ping control frame; false once the connection is gone.
    bool ping();

    // The next frame as JSON, or nullopt when the connection is closed or times out.
    std::optional<nlohmann::json> read(std::chrono::seconds limit = std::chrono::seconds(5));
    // Reads until a frame of `type` arrives (skipping events), nullopt if the link closes.
    std::optional<nlohmann::json> readType(const std::string& type);

    bool closed() const noexcept { return m_closed; }
    // The code of the service's close frame, once read() has seen it (nullopt: no close frame).
    std::optional<std::uint16_t> closeCode() const noexcept { return m_closeCode; }

private:
    boost::asio::io_context m_io;
    boost::asio::ssl::context m_tls;
    std::optional<
        boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>>
        m_ws;
    bool m_closed = false;
    std::optional<std::uint16_t> m_closeCode;
};

inline nlohmann::json envelope(const std::string& type, nlohmann::json body,
                               const std::string& id = "t-1") {
    return nlohmann::json{{"v", 1}, {"type", type}, {"id", id}, {"body", std::move(body)}};
}

} // namespace tc::test

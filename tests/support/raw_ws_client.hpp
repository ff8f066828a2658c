#pragma once
// A synchronous TLS WebSocket client that sends whatever bytes a test wants: the hostile peer.

#include "tc/protocol/pki.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>
#include <optional>
#include <string>
#include <vector>

namespace tc::test {

class RawWsClient {
public:
    RawWsClient(const protocol::Credentials& own, const std::string& caPem, std::uint16_t port)
        : m_tls(boost::asio::ssl::context::tls_client) {
        // Configure the context before the stream exists: SSL_new() copies it.
        m_tls.use_certificate_chain(boost::asio::buffer(own.certificatePem));
        m_tls.use_private_key(boost::asio::buffer(own.privateKeyPem),
                              boost::asio::ssl::context::pem);
        m_tls.add_certificate_authority(boost::asio::buffer(caPem));
        m_tls.set_verify_mode(boost::asio::ssl::verify_peer);
        SSL_CTX_set_min_proto_version(m_tls.native_handle(), TLS1_3_VERSION);
        m_ws.emplace(m_io, m_tls);
        auto& tcp = boost::beast::get_lowest_layer(*m_ws);
        tcp.connect(
            boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
        tcp.expires_after(std::chrono::seconds(5));
        m_ws->next_layer().handshake(boost::asio::ssl::stream_base::client);
        m_ws->handshake("127.0.0.1", "/v1");
        m_ws->read_message_max(1 << 24);
    }

    void sendText(const std::string& text) {
        boost::beast::get_lowest_layer(*m_ws).expires_after(std::chrono::seconds(5));
        m_ws->text(true);
        m_ws->write(boost::asio::buffer(text));
    }
    void sendBinary(const std::string& bytes) {
        boost::beast::get_lowest_layer(*m_ws).expires_after(std::chrono::seconds(5));
        m_ws->binary(true);
        m_ws->write(boost::asio::buffer(bytes));
    }
    void send(const nlohmann::json& json) { sendText(json.dump()); }
    // One text message in several frames (a first frame, then continuations).
    void sendTextFragments(const std::vector<std::string>& parts) {
        boost::beast::get_lowest_layer(*m_ws).expires_after(std::chrono::seconds(5));
        m_ws->text(true);
        for (std::size_t i = 0; i < parts.size(); ++i) {
            m_ws->write_some(i + 1 == parts.size(), boost::asio::buffer(parts[i]));
        }
    }
    // A WebSocket ping control frame; false once the connection is gone.
    bool ping() {
        boost::beast::get_lowest_layer(*m_ws).expires_after(std::chrono::seconds(5));
        boost::beast::error_code ec;
        m_ws->ping({}, ec);
        return !ec;
    }

    // The next frame as JSON, or nullopt when the connection is closed or times out.
    std::optional<nlohmann::json> read(std::chrono::seconds limit = std::chrono::seconds(5)) {
        boost::beast::get_lowest_layer(*m_ws).expires_after(limit);
        boost::beast::flat_buffer buffer;
        boost::beast::error_code ec;
        m_ws->read(buffer, ec);
        if (ec) {
            m_closed = true;
            if (ec == boost::beast::websocket::error::closed) {
                m_closeCode = m_ws->reason().code;
            }
            return std::nullopt;
        }
        return nlohmann::json::parse(boost::beast::buffers_to_string(buffer.data()));
    }

    // Reads until a frame of `type` arrives (skipping events), nullopt if the link closes.
    std::optional<nlohmann::json> readType(const std::string& type) {
        for (int i = 0; i < 1000; ++i) {
            auto frame = read();
            if (!frame) {
                return std::nullopt;
            }
            if ((*frame)["type"] == type) {
                return frame;
            }
        }
        return std::nullopt;
    }

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

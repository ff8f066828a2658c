#include "support/raw_ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <openssl/ssl.h>

namespace tc::test {

RawWsClient::RawWsClient(const protocol::Credentials& own, const std::string& caPem,
                         std::uint16_t port)
    : m_tls(boost::asio::ssl::context::tls_client) {
    // Configure the context before the stream exists: SSL_new() copies it.
    m_tls.use_certificate_chain(boost::asio::buffer(own.certificatePem));
    m_tls.use_private_key(boost::asio::buffer(own.privateKeyPem), boost::asio::ssl::context::pem);
    m_tls.add_certificate_authority(boost::asio::buffer(caPem));
    m_tls.set_verify_mode(boost::asio::ssl::verify_peer);
    SSL_CTX_set_min_proto_version(m_tls.native_handle(), TLS1_3_VERSION);
    m_ws.emplace(m_io, m_tls);
    auto& tcp = boost::beast::get_lowest_layer(*m_ws);
    tcp.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    tcp.expires_after(std::chrono::seconds(5));
    m_ws->next_layer().handshake(boost::asio::ssl::stream_base::client);
    m_ws->handshake("127.0.0.1", "/v1");
    m_ws->read_message_max(1 << 24);
}

void RawWsClient::sendText(const std::string& text) {
    boost::beast::get_lowest_layer(*m_ws).expires_after(std::chrono::seconds(5));
    m_ws->text(true);
    m_ws->write(boost::asio::buffer(text));
}

void RawWsClient::sendBinary(const std::string& bytes) {
    boost::beast::get_lowest_layer(*m_ws).expires_after(std::chrono::seconds(5));
    m_ws->binary(true);
    m_ws->write(boost::asio::buffer(bytes));
}

void RawWsClient::sendTextFragments(const std::vector<std::string>& parts) {
    boost::beast::get_lowest_layer(*m_ws).expires_after(std::chrono::seconds(5));
    m_ws->text(true);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        m_ws->write_some(i + 1 == parts.size(), boost::asio::buffer(parts[i]));
    }
}

bool RawWsClient::ping() {
    boost::beast::get_lowest_layer(*m_ws).expires_after(std::chrono::seconds(5));
    boost::beast::error_code ec;
    m_ws->ping({}, ec);
    return !ec;
}

std::optional<nlohmann::json> RawWsClient::read(std::chrono::seconds limit) {
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

std::optional<nlohmann::json> RawWsClient::readType(const std::string& type) {
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

} // namespace tc::test

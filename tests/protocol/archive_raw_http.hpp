#pragma once
// Hand-written HTTP over TLS to the service's archive port, for the tests that speak to it as an
// outsider (the archive routes' wire tests, the review routes).

#include "support/test_support.hpp"
#include "tc/protocol/tls.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace tc::test {

namespace raw_http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct RawAnswer {
    unsigned status = 0; // 0: the connection ended without an answer
    std::string body;
    std::string allow;
    bool keepAlive = false;

    std::string error() const {
        const auto document = nlohmann::json::parse(body, nullptr, false);
        return document.is_object() && document.contains("error")
                   ? document["error"].get<std::string>()
                   : std::string("(none)");
    }
};

// One TLS connection to the service, writing raw bytes and reading HTTP answers.
class RawConnection {
public:
    RawConnection(const TestPki& pki, const protocol::Credentials& own, std::uint16_t port)
        : m_tls(*protocol::makeClientContext({own, pki.ca.certificatePem()}, "127.0.0.1"))
        , m_stream(m_io, *m_tls) {
        m_stream.next_layer().connect(
            net::ip::tcp::endpoint(net::ip::address_v4::loopback(), port));
        m_stream.handshake(net::ssl::stream_base::client);
    }

    void send(const std::string& bytes) {
        boost::system::error_code ignored;
        net::write(m_stream, net::buffer(bytes), ignored);
    }

    RawAnswer read() {
        http::response_parser<http::string_body> parser;
        parser.body_limit(1 << 20);
        boost::system::error_code ec;
        http::read(m_stream, m_buffer, parser, ec);
        if (ec) {
            return {};
        }
        const auto& answer = parser.get();
        return {answer.result_int(), answer.body(), std::string(answer[http::field::allow]),
                answer.keep_alive()};
    }

    RawAnswer exchange(const std::string& request) {
        send(request);
        return read();
    }

private:
    net::io_context m_io;
    std::shared_ptr<net::ssl::context> m_tls;
    beast::ssl_stream<net::ip::tcp::socket> m_stream;
    beast::flat_buffer m_buffer;
};

} // namespace raw_http

using raw_http::RawAnswer;
using raw_http::RawConnection;

// A GET request without a body, as the review routes take it.
inline std::string getRequest(const std::string& target) {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

} // namespace tc::test

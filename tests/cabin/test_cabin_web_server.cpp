// The cabin's web server alone (telecabine-cabin --web): its routes, refusals and headers, over
// real HTTP on loopback.
#include "cabin_web_server.hpp"
#include "support/eventually.hpp"
#include "tc/protocol/io_thread.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using tc::cabin::BrowserTicket;
using tc::cabin::CabinWebConfig;
using tc::cabin::CabinWebServer;
using tc::cabin::TicketOutcome;

std::string sourceFile(const std::string& name) {
    std::ifstream in(std::string(TC_CABIN_WEB_DIR) + "/" + name, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// One HTTP/1.1 client connection, blocking.
class Client {
public:
    explicit Client(std::uint16_t port) {
        m_socket.connect({net::ip::make_address("127.0.0.1"), port});
    }

    http::response<http::string_body> get(const std::string& target, bool keepAlive = true) {
        http::request<http::string_body> request{http::verb::get, target, 11};
        request.set(http::field::host, "127.0.0.1");
        request.keep_alive(keepAlive);
        return exchange(request);
    }

    http::response<http::string_body> exchange(http::request<http::string_body>& request) {
        request.prepare_payload();
        http::write(m_socket, request);
        return read();
    }

    void sendRaw(const std::string& bytes) { net::write(m_socket, net::buffer(bytes)); }

    http::response<http::string_body> read() {
        http::response<http::string_body> response;
        http::read(m_socket, m_buffer, response);
        return response;
    }

    // True once the server has closed the connection.
    bool closedByServer() {
        char byte = 0;
        boost::system::error_code ec;
        m_socket.read_some(net::buffer(&byte, 1), ec);
        return ec == net::error::eof || ec == net::error::connection_reset;
    }

private:
    net::io_context m_io;
    tcp::socket m_socket{m_io};
    boost::beast::flat_buffer m_buffer;
};

nlohmann::json jsonOf(const http::response<http::string_body>& response) {
    return nlohmann::json::parse(response.body());
}

struct Fixture {
    tc::protocol::IoThread io{"test-web"};
    std::shared_ptr<CabinWebServer> server;
    std::atomic<int> tickets{0};
    bool refuse = false;

    explicit Fixture(bool refuseTickets = false)
        : refuse(refuseTickets) {
        CabinWebConfig config;
        config.serviceHost = "rdv.example";
        config.patients = nlohmann::json::array({{{"visit_id", "V-1"}, {"age", 40}}});
        config.tickets = [this]() -> net::awaitable<TicketOutcome> {
            const int n = ++tickets;
            if (refuse) {
                co_return TicketOutcome{std::nullopt,
                                        {"browser_cabins_disabled", "no browser listener", 503}};
            }
            co_return TicketOutcome{BrowserTicket{"wss://rdv.example:9443/v1/browser",
                                                  "v1.token" + std::to_string(n), 1'795'000'000'000,
                                                  "FR-TEST-01", "Cabine test"},
                                    {}};
        };
        auto started = CabinWebServer::start(io.executor(), std::move(config));
        REQUIRE(started);
        server = *started;
    }
    ~Fixture() {
        server->stop();
        io.stop();
    }
};

void requireCommonHeaders(const http::response<http::string_body>& response) {
    CHECK(response[http::field::cache_control] == "no-store");
    const std::string csp(response["Content-Security-Policy"]);
    CHECK(csp.find("default-src 'none'") != std::string::npos);
    CHECK(csp.find("script-src 'self';") != std::string::npos);
    CHECK(csp.find("unsafe") == std::string::npos);
    CHECK(response["X-Content-Type-Options"] == "nosniff");
}

} // namespace

TEST_CASE("The cabin web server serves the embedded page with its content types and headers",
          "[cabin][web]") {
    Fixture fixture;
    Client client(fixture.server->port());
    struct Expected {
        std::string target, file, type;
    };
    for (const auto& [target, file, type] :
         {Expected{"/", "index.html", "text/html; charset=utf-8"},
          Expected{"/?auto=1&steth=none", "index.html", "text/html; charset=utf-8"},
          Expected{"/cabin.js", "cabin.js", "text/javascript; charset=utf-8"},
          Expected{"/cabin.css", "cabin.css", "text/css; charset=utf-8"}}) {
        INFO(target);
        const auto response = client.get(target); // one kept-alive connection for all
        CHECK(response.result() == http::status::ok);
        CHECK(response[http::field::content_type] == type);
        CHECK(response.body() == sourceFile(file));
        requireCommonHeaders(response);
        // Before any token named the browser port, the service's host on any port.
        CHECK(std::string(response["Content-Security-Policy"])
                  .find("connect-src 'self' wss://rdv.example:*;") != std::string::npos);
    }
}

TEST_CASE("The cabin web server answers 404 to other targets and 405 to other methods",
          "[cabin][web]") {
    Fixture fixture;
    Client client(fixture.server->port());
    for (const std::string target : {"/index.html", "/config/x", "/../etc/passwd", "/cabin.js/"}) {
        const auto response = client.get(target);
        INFO(target);
        CHECK(response.result() == http::status::not_found);
        CHECK(response[http::field::content_type] == "application/json");
        CHECK(jsonOf(response)["code"] == "not_found");
        requireCommonHeaders(response);
    }
    // HEAD last: its answer closes the connection.
    for (const auto verb : {http::verb::post, http::verb::put, http::verb::delete_,
                            http::verb::options, http::verb::head}) {
        http::request<http::string_body> request{verb, "/config", 11};
        request.set(http::field::host, "127.0.0.1");
        if (verb == http::verb::post) {
            request.body() = "{}";
        }
        INFO(http::to_string(verb));
        auto response = client.exchange(request);
        CHECK(response.result() == http::status::method_not_allowed);
        CHECK(response[http::field::allow] == "GET");
        if (verb != http::verb::head) {
            CHECK(jsonOf(response)["code"] == "method_not_allowed");
        }
    }
    CHECK(fixture.tickets == 0); // no token asked for a refused request
}

TEST_CASE("The cabin web server refuses a request over 8 KiB and closes", "[cabin][web]") {
    Fixture fixture;
    SECTION("a header over 8 KiB") {
        Client client(fixture.server->port());
        client.sendRaw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(9000, 'a') +
                       "\r\n\r\n");
        const auto response = client.read();
        CHECK(response.result() == http::status::request_header_fields_too_large);
        CHECK(jsonOf(response)["code"] == "request_too_large");
        CHECK(client.closedByServer());
    }
    SECTION("a body that makes the request over 8 KiB") {
        Client client(fixture.server->port());
        http::request<http::string_body> request{http::verb::get, "/", 11};
        request.set(http::field::host, "127.0.0.1");
        request.body() = std::string(8000, 'b');
        request.set("X-Padding", std::string(400, 'c'));
        const auto response = client.exchange(request);
        CHECK(response.result() == http::status::payload_too_large);
        CHECK(jsonOf(response)["code"] == "request_too_large");
        CHECK(client.closedByServer());
    }
    SECTION("just under the limit is served") {
        Client client(fixture.server->port());
        http::request<http::string_body> request{http::verb::get, "/cabin.css", 11};
        request.set(http::field::host, "127.0.0.1");
        request.set("X-Padding", std::string(7000, 'd'));
        CHECK(client.exchange(request).result() == http::status::ok);
    }
    SECTION("not HTTP") {
        Client client(fixture.server->port());
        client.sendRaw("HELLO\r\n\r\n");
        const auto response = client.read();
        CHECK(response.result() == http::status::bad_request);
        CHECK(jsonOf(response)["code"] == "bad_request");
    }
}

TEST_CASE("The cabin web server's /config hands a fresh token each time with the patients",
          "[cabin][web]") {
    Fixture fixture;
    Client client(fixture.server->port());
    const auto first = client.get("/config");
    REQUIRE(first.result() == http::status::ok);
    CHECK(first[http::field::content_type] == "application/json");
    requireCommonHeaders(first);
    const auto body = jsonOf(first);
    CHECK(body["browser_url"] == "wss://rdv.example:9443/v1/browser");
    CHECK(body["token"] == "v1.token1");
    CHECK(body["expires_at_ms"] == 1'795'000'000'000);
    CHECK(body["site"] == "FR-TEST-01");
    CHECK(body["name"] == "Cabine test");
    CHECK(body["patients"] == nlohmann::json::array({{{"visit_id", "V-1"}, {"age", 40}}}));
    CHECK(jsonOf(client.get("/config"))["token"] == "v1.token2");
    // Once a token named the browser listener, the page may connect to exactly that origin.
    CHECK(std::string(client.get("/")["Content-Security-Policy"])
              .find("connect-src 'self' wss://rdv.example:9443;") != std::string::npos);
}

TEST_CASE("The cabin web server answers 502 with the service's typed refusal", "[cabin][web]") {
    Fixture fixture(true);
    Client client(fixture.server->port());
    const auto response = client.get("/config");
    CHECK(response.result() == http::status::bad_gateway);
    const auto body = jsonOf(response);
    CHECK(body["code"] == "token_unavailable");
    CHECK(body["service_code"] == "browser_cabins_disabled");
    CHECK(body["service_status"] == 503);
    CHECK(body["detail"] == "no browser listener");
    CHECK(client.get("/").result() == http::status::ok); // the connection goes on
}

TEST_CASE("The cabin web server stops: its port closes and open connections end", "[cabin][web]") {
    Fixture fixture;
    const auto port = fixture.server->port();
    Client idle(port);
    CHECK(idle.get("/cabin.css").result() == http::status::ok);
    fixture.server->stop();
    CHECK(idle.closedByServer());
    CHECK(tc::test::pollUntil(
        [&] {
            net::io_context io;
            tcp::socket socket(io);
            boost::system::error_code ec;
            socket.connect({net::ip::make_address("127.0.0.1"), port}, ec);
            return static_cast<bool>(ec);
        },
        5s, 20ms));
}

TEST_CASE("The cabin web server refuses a bind address that is not one", "[cabin][web]") {
    tc::protocol::IoThread io{"test-web"};
    CabinWebConfig config;
    config.bindAddress = "not-an-address";
    CHECK_FALSE(CabinWebServer::start(io.executor(), config));
}

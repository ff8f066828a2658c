// The cabin web server's /config against the real rendezvous service: the token comes from the
// service's token route, asked with the cabin's certificate (real TLS on loopback).
#include "cabin_web_server.hpp"
#include "cabin_web_tickets.hpp"
#include "support/test_support.hpp"
#include "tc/protocol/browser_token.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using namespace tc;
using nlohmann::json;

http::response<http::string_body> get(std::uint16_t port, const std::string& target) {
    net::io_context io;
    net::ip::tcp::socket socket(io);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.keep_alive(false);
    http::write(socket, request);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    return response;
}

// A service (with or without its browser listener) and a cabin web server asking it for
// tokens with `credentials`.
struct TokenLab {
    test::TestPki pki;
    protocol::IoThread serviceIo{"test-service"};
    std::shared_ptr<protocol::RendezvousService> service;
    protocol::IoThread webIo{"test-web"};
    std::shared_ptr<cabin::CabinWebServer> web;
    std::optional<protocol::BrowserTokenClient> tokenClient; // stopped with the lab

    explicit TokenLab(bool browserListener, bool asDoctor = false) {
        protocol::ServiceConfig config;
        config.tls = {pki.service, pki.ca.certificatePem()};
        if (browserListener) {
            config.browser.port = 0;
        }
        auto started = protocol::RendezvousService::start(serviceIo.executor(), config);
        REQUIRE(started);
        service = *started;
        protocol::ArchiveClientConfig tokens;
        tokens.host = "127.0.0.1";
        tokens.port = service->port();
        tokens.tls = {asDoctor ? pki.doctor() : pki.cabin("FR-TEST-01"), pki.ca.certificatePem()};
        auto client = protocol::BrowserTokenClient::create(webIo.executor(), tokens);
        REQUIRE(client);
        tokenClient = *client;
        cabin::CabinWebConfig webConfig;
        webConfig.patients.push_back(protocol::toJson(
            protocol::CheckIn{test::adultVisit("V-WEB-1", "FR-TEST-01"), std::nullopt}));
        webConfig.tickets = cabin::serviceTickets(*client);
        auto server = cabin::CabinWebServer::start(webIo.executor(), std::move(webConfig));
        REQUIRE(server);
        web = *server;
    }
    ~TokenLab() {
        web->stop();
        tokenClient->stop();
        webIo.stop();
        service->stop();
        serviceIo.stop();
    }
};

} // namespace

TEST_CASE("The cabin web server's /config carries a token the service issued to this cabin",
          "[cabin][web]") {
    TokenLab lab(true);
    const auto response = get(lab.web->port(), "/config");
    INFO(response.body());
    REQUIRE(response.result() == http::status::ok);
    const auto body = json::parse(response.body());
    CHECK(body["browser_url"] ==
          "wss://127.0.0.1:" + std::to_string(lab.service->browserPort()) + "/v1/browser");
    CHECK(body["site"] == "FR-TEST-01");
    CHECK(body["patients"].size() == 1);
    CHECK(body["patients"][0]["visit_id"] == "V-WEB-1");
    // Signed by the service's key, for this cabin, not expired.
    const auto key = protocol::BrowserTokenKey::fromPrivateKeyPem(lab.pki.service.privateKeyPem);
    REQUIRE(key);
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto claims = key->verify(body["token"].get<std::string>(), now);
    REQUIRE(claims);
    CHECK(claims->site == "FR-TEST-01");
    CHECK(claims->expiresAtMs == body["expires_at_ms"].get<std::int64_t>());
    CHECK(claims->expiresAtMs > now);
    // Each /config is a fresh token.
    CHECK(json::parse(get(lab.web->port(), "/config").body())["token"] != body["token"]);
    CHECK(lab.service->stats().browserTokensIssued == 2);
}

TEST_CASE("The cabin web server's /config is 502 with the service's refusal", "[cabin][web]") {
    SECTION("a service without a browser listener") {
        TokenLab lab(false);
        const auto response = get(lab.web->port(), "/config");
        CHECK(response.result() == http::status::bad_gateway);
        const auto body = json::parse(response.body());
        CHECK(body["code"] == "token_unavailable");
        CHECK(body["service_code"] == "browser_cabins_disabled");
        CHECK(body["service_status"] == 503);
    }
    SECTION("a certificate that is not a cabin's") {
        TokenLab lab(true, true);
        const auto response = get(lab.web->port(), "/config");
        CHECK(response.result() == http::status::bad_gateway);
        const auto body = json::parse(response.body());
        CHECK(body["code"] == "token_unavailable");
        CHECK(body["service_status"] == 403);
        CHECK(body["service_code"] != "");
    }
    SECTION("no service at all") {
        TokenLab lab(true);
        lab.service->stop();
        const auto response = get(lab.web->port(), "/config");
        CHECK(response.result() == http::status::bad_gateway);
        const auto body = json::parse(response.body());
        CHECK(body["code"] == "token_unavailable");
        CHECK(body["service_status"] == 0);
    }
}

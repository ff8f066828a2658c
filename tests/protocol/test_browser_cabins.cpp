// Browser cabins (protocol/README.md, "Browser cabins") against the real service on loopback: a
// cabin certificate gets a token on the main port (BrowserTokenClient); a browser (a Beast
// WebSocket client with no client certificate, verifying the service's) opens the browser
// listener with it and is that cabin. Every other role, every bad token and every other request
// is refused typed before any welcome; the main port still wants a certificate.
#include "archive_process.hpp"
#include "archive_raw_http.hpp"
#include "archive_transfer_support.hpp"
#include "support/raw_ws_client.hpp"
#include "support/test_support.hpp"
#include "tc/protocol/browser_token.hpp"
#include "tc/protocol/browser_token_client.hpp"

#include <atomic>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <fstream>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

using namespace tc;
using namespace tc::test;
using transfer::await;

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using nlohmann::json;

constexpr const char* kSite = "FR-TEST-01";

// Unix ms now, as the service's clock reads it.
std::int64_t systemMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A service with a browser listener on an ephemeral port and a clock the test moves forward.
struct BrowserLab {
    explicit BrowserLab(bool browser = true)
        : service(pki, [this, browser](protocol::ServiceConfig& config) {
            if (browser) {
                config.browser.port = 0;
            }
            config.browser.clock = [skew = skew] {
                return systemMs() + skew->load();
            };
        }) {}

    protocol::ArchiveClientConfig clientConfig(protocol::Credentials own) const {
        protocol::ArchiveClientConfig config;
        config.host = "127.0.0.1";
        config.port = service.port();
        config.tls = {std::move(own), pki.ca.certificatePem()};
        return config;
    }

    protocol::ArchiveClientResult<protocol::BrowserToken>
    requestToken(const protocol::Credentials& own) {
        protocol::IoThread io("token-client");
        auto client = protocol::BrowserTokenClient::create(io.executor(), clientConfig(own));
        REQUIRE(client);
        auto token = await(io, client->request());
        client->stop();
        io.stop();
        return token;
    }

    std::string token() {
        auto issued = requestToken(pki.cabin());
        INFO(transfer::describe(issued));
        REQUIRE(issued);
        return issued->token;
    }

    std::shared_ptr<std::atomic<std::int64_t>> skew =
        std::make_shared<std::atomic<std::int64_t>>(0);
    TestPki pki;
    TestService service;
};

// A browser as the service sees one: TLS 1.3 verifying the service certificate against the
// deployment CA and the address dialled, and no client certificate.
class Browser {
public:
    Browser(const TestPki& pki, std::uint16_t port)
        : m_tls(net::ssl::context::tls_client)
        , m_port(port) {
        m_tls.add_certificate_authority(net::buffer(pki.ca.certificatePem()));
        m_tls.set_verify_mode(net::ssl::verify_peer);
        X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(m_tls.native_handle()), "127.0.0.1");
        SSL_CTX_set_min_proto_version(m_tls.native_handle(), TLS1_3_VERSION);
        m_ws.emplace(m_io, m_tls);
        auto& tcp = beast::get_lowest_layer(*m_ws);
        tcp.expires_after(std::chrono::seconds(5));
        tcp.connect(net::ip::tcp::endpoint(net::ip::address_v4::loopback(), port));
        m_ws->next_layer().handshake(net::ssl::stream_base::client);
    }

    // The WebSocket upgrade to `target`: 101, or the service's refusal (status 0: none).
    RawAnswer upgrade(const std::string& target) {
        websocket::response_type response;
        boost::system::error_code ec;
        m_ws->set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
            request.set(http::field::origin, "http://127.0.0.1:8080"); // as a page sends it
        }));
        m_ws->handshake(response, "127.0.0.1:" + std::to_string(m_port), target, ec);
        return {response.result_int(), response.body(), {}, response.keep_alive()};
    }

    // A plain HTTPS request on the connection, and its answer.
    RawAnswer plain(const std::string& request) {
        auto& stream = m_ws->next_layer();
        boost::system::error_code ec;
        net::write(stream, net::buffer(request), ec);
        http::response_parser<http::string_body> parser;
        beast::flat_buffer buffer;
        http::read(stream, buffer, parser, ec);
        if (ec) {
            return {};
        }
        return {parser.get().result_int(), parser.get().body(), {}, parser.get().keep_alive()};
    }

    void send(const json& message) {
        beast::get_lowest_layer(*m_ws).expires_after(std::chrono::seconds(5));
        m_ws->text(true);
        m_ws->write(net::buffer(message.dump()));
    }

    std::optional<json> read() {
        beast::get_lowest_layer(*m_ws).expires_after(std::chrono::seconds(5));
        beast::flat_buffer buffer;
        boost::system::error_code ec;
        m_ws->read(buffer, ec);
        if (ec) {
            return std::nullopt;
        }
        return json::parse(beast::buffers_to_string(buffer.data()));
    }

    // The next frame of `type`, skipping others.
    std::optional<json> readType(const std::string& type) {
        for (int i = 0; i < 100; ++i) {
            auto frame = read();
            if (!frame || (*frame)["type"] == type) {
                return frame;
            }
        }
        return std::nullopt;
    }

    // Gone without a close frame, as a tab that is closed or a network that drops.
    void drop() {
        boost::system::error_code ignored;
        beast::get_lowest_layer(*m_ws).socket().shutdown(net::ip::tcp::socket::shutdown_both,
                                                         ignored);
        beast::get_lowest_layer(*m_ws).close();
    }

private:
    net::io_context m_io;
    net::ssl::context m_tls;
    std::uint16_t m_port;
    std::optional<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> m_ws;
};

std::string browserTarget(const std::string& token) {
    return std::string(protocol::kBrowserPath) + "?token=" + token;
}

// A browser connection admitted with `token`: its welcome.
json welcomed(Browser& browser, const std::string& token) {
    const auto answer = browser.upgrade(browserTarget(token));
    INFO(answer.body);
    REQUIRE(answer.status == 101);
    auto welcome = browser.read();
    REQUIRE(welcome);
    REQUIRE((*welcome)["type"] == "welcome");
    return *welcome;
}

// The claims of `token` with its payload replaced by `payload` and the same signature.
std::string withPayload(const std::string& token, const json& payload) {
    const auto last = token.rfind('.');
    return "v1." + protocol::base64UrlEncode(payload.dump()) + token.substr(last);
}

json payloadOf(const std::string& token) {
    const auto last = token.rfind('.');
    return json::parse(*protocol::base64UrlDecode(token.substr(3, last - 3)));
}

} // namespace

TEST_CASE("base64url encodes without padding and decodes strictly", "[browser][token]") {
    // RFC 4648, section 10, in the URL alphabet and without padding.
    const std::vector<std::pair<std::string, std::string>> vectors{
        {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"}};
    for (const auto& [plain, encoded] : vectors) {
        CHECK(protocol::base64UrlEncode(plain) == encoded);
        CHECK(protocol::base64UrlDecode(encoded) == plain);
    }
    CHECK_FALSE(protocol::base64UrlDecode("Zg=="));  // padding
    CHECK_FALSE(protocol::base64UrlDecode("Zh"));    // bits beyond the byte: another encoding
    CHECK_FALSE(protocol::base64UrlDecode("Zm9vY")); // no byte count has this length
    CHECK_FALSE(protocol::base64UrlDecode("Zm+v"));  // the standard alphabet's '+'
}

TEST_CASE("a browser cabin token verifies with its key only, until it expires",
          "[browser][token]") {
    TestPki pki;
    TestPki other;
    auto key = protocol::BrowserTokenKey::fromPrivateKeyPem(pki.service.privateKeyPem);
    auto otherKey = protocol::BrowserTokenKey::fromPrivateKeyPem(other.service.privateKeyPem);
    REQUIRE(key);
    REQUIRE(otherKey);
    const protocol::BrowserTokenClaims claims{kSite, "Cabine gare", 2'000'000'000'000, {}};
    auto token = key->sign(claims);
    REQUIRE(token);
    CHECK(token->starts_with("v1."));
    const auto verified = key->verify(*token, 1'999'999'999'999);
    REQUIRE(verified);
    CHECK(verified->site == kSite);
    CHECK(verified->name == "Cabine gare");
    CHECK(verified->expiresAtMs == claims.expiresAtMs);
    CHECK(verified->nonce.size() == 22); // 16 random bytes
    CHECK(*key->sign(claims) != *token); // the nonce differs

    CHECK(key->verify(*token, 2'000'000'000'000).error() == protocol::BrowserErrc::tokenExpired);
    CHECK(otherKey->verify(*token, 0).error() == protocol::BrowserErrc::tokenInvalid);
    CHECK(key->verify(*otherKey->sign(claims), 0).error() == protocol::BrowserErrc::tokenInvalid);
    auto payload = payloadOf(*token);
    payload["site"] = "FR-OTHER-02";
    CHECK(key->verify(withPayload(*token, payload), 0).error() ==
          protocol::BrowserErrc::tokenInvalid);
    auto flipped = *token;
    flipped[flipped.size() - 3] = flipped[flipped.size() - 3] == 'A' ? 'B' : 'A';
    CHECK(key->verify(flipped, 0).error() == protocol::BrowserErrc::tokenInvalid);
    for (const auto* bad : {"v1", "v1.", "v2.e30.AAAA", "v1.e30", "v1..", "v1.e30.!!"}) {
        INFO(bad);
        CHECK(key->verify(bad, 0).error() == protocol::BrowserErrc::tokenMalformed);
    }
    for (std::size_t cut = 1; cut < 8; ++cut) {
        CHECK(key->verify(token->substr(0, token->size() - cut), 0).error() ==
              protocol::BrowserErrc::tokenMalformed);
    }
    CHECK(key->verify("", 0).error() == protocol::BrowserErrc::tokenMissing);
    CHECK(key->verify(std::string(protocol::kMaxBrowserTokenBytes + 1, 'A'), 0).error() ==
          protocol::BrowserErrc::tokenMalformed);
    // Only an ECDSA P-256 key signs tokens.
    CHECK(protocol::BrowserTokenKey::fromPrivateKeyPem("not a key").error() ==
          protocol::BrowserErrc::unusableKey);
}

TEST_CASE("a cabin gets a token and its browser is that cabin: welcome, check-in, claim",
          "[browser][service]") {
    BrowserLab lab;
    REQUIRE(lab.service.service().browserPort() != 0);
    CHECK(lab.service.service().browserPort() != lab.service.port());
    const auto before = systemMs();
    auto issued = lab.requestToken(lab.pki.cabin());
    INFO(transfer::describe(issued));
    REQUIRE(issued);
    CHECK(issued->site == kSite);
    CHECK(issued->name == std::string("Cabine ") + kSite);
    CHECK(issued->expiresAtMs >= before + 300'000);
    CHECK(issued->expiresAtMs <= systemMs() + 300'000);
    CHECK(issued->browserUrl ==
          "wss://127.0.0.1:" + std::to_string(lab.service.service().browserPort()) + "/v1/browser");

    SyncClient doctor(lab.pki, lab.pki.doctor(), lab.service.port());
    REQUIRE(doctor.waitWelcome());
    REQUIRE_FALSE(doctor.request(protocol::type::presenceSet, {{"status", "on_shift"}}).code);

    Browser browser(lab.pki, lab.service.service().browserPort());
    const auto welcome = welcomed(browser, issued->token);
    CHECK(welcome["body"]["identity"] ==
          json({{"role", "cabin"}, {"identifier", kSite}, {"display_name", issued->name}}));
    browser.send(envelope(std::string(protocol::type::visitCheckIn),
                          protocol::toJson(adultVisit("V-BROWSER-1")), "c-1"));
    const auto checkedIn = browser.readType("result");
    REQUIRE(checkedIn);
    CHECK((*checkedIn)["id"] == "c-1");
    CHECK((*checkedIn)["body"]["offered"] == true);
    const auto claim = doctor.request(protocol::type::visitClaim, {{"visit_id", "V-BROWSER-1"}});
    REQUIRE_FALSE(claim.code);
    const auto claimed = browser.readType(std::string(protocol::type::visitClaimed));
    REQUIRE(claimed);
    CHECK((*claimed)["body"]["visit_id"] == "V-BROWSER-1");
    // A page that offers (the doctor's part) or answers with something that is not SDP gets a
    // typed refusal, and its connection stays: it may answer properly next.
    const auto sessionId = (*claimed)["body"]["session_id"].get<std::string>();
    browser.send(envelope(std::string(protocol::type::sessionOffer),
                          {{"session_id", sessionId}, {"sdp_type", "offer"}, {"sdp", "v=0\r\n..."}},
                          "o-1"));
    const auto offered = browser.readType("error");
    REQUIRE(offered);
    CHECK((*offered)["id"] == "o-1");
    CHECK((*offered)["body"]["code"] == "forbidden_role");
    browser.send(envelope(std::string(protocol::type::sessionAnswer),
                          {{"session_id", sessionId}, {"sdp_type", "answer"}, {"sdp", "<html>"}},
                          "a-1"));
    const auto answered = browser.readType("error");
    REQUIRE(answered);
    CHECK((*answered)["id"] == "a-1");
    CHECK((*answered)["body"]["code"] == "invalid_field");
    browser.send(envelope(std::string(protocol::type::ping), json::object(), "p-1"));
    const auto alive = browser.readType("result");
    REQUIRE(alive);
    CHECK((*alive)["id"] == "p-1");
    CHECK(lab.service.service().stats().browserTokensIssued == 1);
    CHECK(lab.service.service().stats().browserRefusals == 0);
}

TEST_CASE("only a cabin certificate gets a browser token, and only from a browser service",
          "[browser][service]") {
    BrowserLab lab;
    const auto doctor = lab.requestToken(lab.pki.doctor());
    REQUIRE_FALSE(doctor);
    CHECK(doctor.error().httpStatus == 403);
    CHECK(doctor.error().code == protocol::Errc::forbiddenRole);
    const auto coordinator = lab.requestToken(lab.pki.coordinator());
    REQUIRE_FALSE(coordinator);
    CHECK(coordinator.error().httpStatus == 403);
    CHECK(coordinator.error().code == protocol::Errc::forbiddenRole);

    // The route as an outsider writes it: another method, a body that is not {}.
    RawConnection cabin(lab.pki, lab.pki.cabin(), lab.service.port());
    const auto get = cabin.exchange(getRequest(std::string(protocol::kBrowserTokenPath)));
    CHECK(get.status == 405);
    CHECK(get.allow == "POST");
    CHECK(get.error() == "method_not_allowed");
    const std::string body = R"({"site":"FR-OTHER-02"})";
    const auto withBody = cabin.exchange("POST " + std::string(protocol::kBrowserTokenPath) +
                                         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                                         std::to_string(body.size()) + "\r\n\r\n" + body);
    CHECK(withBody.status == 400);
    CHECK(withBody.error() == "malformed_request");
    const auto empty =
        cabin.exchange("POST " + std::string(protocol::kBrowserTokenPath) +
                       " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}");
    CHECK(empty.status == 200);
    // The browser URL is built on the host the cabin dialled, its port dropped.
    const auto browserPort = std::to_string(lab.service.service().browserPort());
    const auto post = [&](const std::string& host) {
        return cabin.exchange("POST " + std::string(protocol::kBrowserTokenPath) +
                              " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\n\r\n");
    };
    for (const auto& [host, url] : std::vector<std::pair<std::string, std::string>>{
             {"127.0.0.1:8443", "wss://127.0.0.1:"},
             {"rendezvous.example.fr", "wss://rendezvous.example.fr:"},
             {"[::1]:8443", "wss://[::1]:"}}) {
        INFO(host);
        const auto answer = post(host);
        REQUIRE(answer.status == 200);
        CHECK(json::parse(answer.body)["browser_url"] == url + browserPort + "/v1/browser");
    }
    for (const auto* host : {"bad host", "[::1", "example.fr:port", ":8443"}) {
        INFO(host);
        const auto answer = post(host);
        CHECK(answer.status == 400);
        CHECK(answer.error() == "malformed_request");
    }

    BrowserLab without(false);
    CHECK(without.service.service().browserPort() == 0);
    const auto disabled = without.requestToken(without.pki.cabin());
    REQUIRE_FALSE(disabled);
    CHECK(disabled.error().httpStatus == 503);
    CHECK(disabled.error().code == protocol::BrowserErrc::browserCabinsDisabled);
}

TEST_CASE("the browser port refuses every bad token and every other request before a welcome",
          "[browser][service][hostile]") {
    BrowserLab lab;
    const auto port = lab.service.service().browserPort();
    const auto token = lab.token();
    TestPki other;
    auto otherKey = protocol::BrowserTokenKey::fromPrivateKeyPem(other.service.privateKeyPem);
    REQUIRE(otherKey);
    auto payload = payloadOf(token);
    auto forged = *otherKey->sign({payload["site"].get<std::string>(),
                                   payload["name"].get<std::string>(),
                                   payload["exp_ms"].get<std::int64_t>(),
                                   {}});
    payload["site"] = "FR-OTHER-02";

    struct Case {
        std::string name;
        std::string target;
        unsigned status;
        std::string error;
    };
    const std::vector<Case> cases{
        {"tampered payload", browserTarget(withPayload(token, payload)), 401, "token_invalid"},
        {"another service key", browserTarget(forged), 401, "token_invalid"},
        {"truncated", browserTarget(token.substr(0, token.size() - 6)), 401, "token_malformed"},
        {"no token", std::string(protocol::kBrowserPath), 401, "token_missing"},
        {"an empty token", browserTarget(""), 401, "token_missing"},
        {"two tokens", browserTarget(token) + "&token=" + token, 401, "token_malformed"},
        {"the main port's target", "/v1?token=" + token, 404, "unknown_target"},
        {"another target", "/v1/browser/x?token=" + token, 404, "unknown_target"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        Browser browser(lab.pki, port);
        const auto answer = browser.upgrade(c.target);
        CHECK(answer.status == c.status);
        CHECK(answer.error() == c.error);
        CHECK_FALSE(answer.keepAlive);
    }

    // Plain HTTPS on the browser port, even with a valid token: 404, never the archive.
    Browser plain(lab.pki, port);
    const auto answer = plain.plain(getRequest(browserTarget(token)));
    CHECK(answer.status == 404);
    CHECK(answer.error() == "unknown_target");
    // Counted once the answer is written: the client may read it first.
    CHECK(transfer::waitUntil(
        [&] { return lab.service.service().stats().browserRefusals == cases.size() + 1; }));

    // Expired: the service's clock moves past the token's lifetime (300 s).
    Browser admitted(lab.pki, port);
    welcomed(admitted, token);
    lab.skew->store(301'000);
    Browser late(lab.pki, port);
    const auto expired = late.upgrade(browserTarget(token));
    CHECK(expired.status == 401);
    CHECK(expired.error() == "token_expired");
    // A connection opened before lives on, like one whose certificate expires meanwhile.
    admitted.send(envelope(std::string(protocol::type::ping), json::object(), "p-1"));
    const auto pong = admitted.readType("result");
    REQUIRE(pong);
    CHECK((*pong)["id"] == "p-1");
    // The clock moved for the issuer too: a fresh token opens the port again.
    Browser again(lab.pki, port);
    welcomed(again, lab.token());
}

TEST_CASE("a browser party resumes like a certificate party, its token reused",
          "[browser][service][liveness]") {
    BrowserLab lab;
    const auto port = lab.service.service().browserPort();
    const auto token = lab.token();
    SyncClient doctor(lab.pki, lab.pki.doctor(), lab.service.port());
    REQUIRE(doctor.waitWelcome());
    REQUIRE_FALSE(doctor.request(protocol::type::presenceSet, {{"status", "on_shift"}}).code);

    auto first = std::make_unique<Browser>(lab.pki, port);
    const auto welcome = welcomed(*first, token);
    const auto resumeToken = welcome["body"]["resume_token"].get<std::string>();
    first->send(envelope(std::string(protocol::type::visitCheckIn),
                         protocol::toJson(adultVisit("V-BROWSER-2")), "c-1"));
    REQUIRE(first->readType("result"));
    const auto claim = doctor.request(protocol::type::visitClaim, {{"visit_id", "V-BROWSER-2"}});
    REQUIRE_FALSE(claim.code);
    const auto sessionId = claim.body["session_id"].get<std::string>();
    REQUIRE(first->readType(std::string(protocol::type::visitClaimed)));

    first->drop(); // the page reloads: no close frame
    first.reset();
    Browser second(lab.pki, port);
    welcomed(second, token); // the same token, still valid
    second.send(envelope(std::string(protocol::type::resume), {{"token", resumeToken}}, "r-1"));
    const auto resumed = second.readType("result");
    REQUIRE(resumed);
    CHECK((*resumed)["id"] == "r-1");
    CHECK((*resumed)["body"]["resumed"] == true);
    CHECK((*resumed)["body"]["sessions"] == json::array({sessionId}));

    // The resume token is the party's: a browser of another cabin cannot take it.
    const auto otherToken = lab.requestToken(lab.pki.cabin("FR-OTHER-02"));
    REQUIRE(otherToken);
    Browser otherSite(lab.pki, port);
    welcomed(otherSite, otherToken->token);
    otherSite.send(envelope(std::string(protocol::type::resume), {{"token", resumeToken}}, "r-2"));
    const auto stolen = otherSite.readType("error");
    REQUIRE(stolen);
    CHECK((*stolen)["body"]["code"] == "resume_rejected");
    CHECK((*stolen)["body"]["detail"] == "the token belongs to another identity");
}

TEST_CASE("the main port still requires a client certificate", "[browser][service][tls]") {
    BrowserLab lab;
    // The browser's TLS, which the browser port admits, on the main port.
    Browser noCertificate(lab.pki, lab.service.port());
    const auto answer = noCertificate.upgrade("/v1");
    CHECK(answer.status != 101);
    CHECK(lab.service.waitLog("TLS refused: the peer presented no certificate"));
    // And a token does not stand in for one there.
    Browser withToken(lab.pki, lab.service.port());
    CHECK(withToken.upgrade(browserTarget(lab.token())).status != 101);
}

TEST_CASE("telecabine-rendezvous serve --browser-port: the port reported, a token, a welcome",
          "[browser][service][cli]") {
    TestPki pki;
    TempDir dir;
    const auto ca = dir.write("ca.pem", pki.ca.certificatePem());
    const auto cert = dir.write("service.pem", pki.service.certificatePem);
    const auto key = dir.write("service.key", pki.service.privateKeyPem);
    const auto portFile = dir.path() / "port";
    auto command = transfer::serveCommand(TC_RENDEZVOUS_BINARY, ca, cert, key);
    command.insert(command.end(),
                   {"--event-log", (dir.path() / "events.sqlite").string(), "--port-file",
                    portFile.string(), "--browser-port", "0", "--browser-token-lifetime-s", "120"});

    SECTION("a lifetime out of range is a usage error") {
        command.back() = "30";
        transfer::ChildProcess refused(command);
        CHECK(refused.wait() == 2);
        CHECK(refused.err().find("--browser-token-lifetime-s 60 to 3600") != std::string::npos);
    }
    SECTION("served") {
        transfer::ChildProcess service(command);
        const bool listening = transfer::waitUntil(
            [&] { return std::filesystem::exists(portFile) || service.wait(0ms) != -1; }, 15s);
        INFO("service stderr: " << service.err());
        REQUIRE(listening);
        std::ifstream in(portFile);
        int mainPort = 0;
        int browserPort = 0;
        in >> mainPort >> browserPort;
        REQUIRE(mainPort > 0);
        REQUIRE(browserPort > 0);
        CHECK(browserPort != mainPort);

        protocol::IoThread io("token-client");
        protocol::ArchiveClientConfig config;
        config.host = "127.0.0.1";
        config.port = static_cast<std::uint16_t>(mainPort);
        config.tls = {pki.cabin(), pki.ca.certificatePem()};
        auto client = protocol::BrowserTokenClient::create(io.executor(), config);
        REQUIRE(client);
        const auto before = systemMs();
        auto issued = await(io, client->request());
        client->stop();
        io.stop();
        INFO(transfer::describe(issued));
        REQUIRE(issued);
        CHECK(issued->expiresAtMs >= before + 120'000);
        CHECK(issued->expiresAtMs <= systemMs() + 120'000);
        CHECK(issued->browserUrl ==
              "wss://127.0.0.1:" + std::to_string(browserPort) + "/v1/browser");

        Browser browser(pki, static_cast<std::uint16_t>(browserPort));
        const auto welcome = welcomed(browser, issued->token);
        CHECK(welcome["body"]["identity"]["identifier"] == kSite);
        service.kill(SIGTERM);
        CHECK(service.wait() == 0);
        CHECK(service.err().find("browser cabins on 127.0.0.1:" + std::to_string(browserPort)) !=
              std::string::npos);
    }
}

// protocol/README.md section 22 is what a browser cabin's vendor works from: every refusal of the
// service's, with the status the service answers it with.
TEST_CASE("README 22 names every browser refusal with its status", "[browser][readme]") {
    const auto readme =
        protocol::readFile(std::string(TC_TEST_DATA_DIR) + "/../../protocol/README.md");
    REQUIRE(readme);
    const auto begin = readme->find("## 22. Browser cabins");
    const auto end = readme->find("\n## 23.", begin);
    REQUIRE(begin != std::string::npos);
    REQUIRE(end != std::string::npos);
    const auto section = readme->substr(begin, end - begin);
    using protocol::BrowserErrc;
    for (const auto code :
         {BrowserErrc::tokenMissing, BrowserErrc::tokenMalformed, BrowserErrc::tokenInvalid,
          BrowserErrc::tokenExpired, BrowserErrc::unknownTarget}) {
        const auto row = "| " + std::to_string(protocol::browserHttpStatus(code)) + " | `" +
                         std::string(protocol::wireName(code)) + "` |";
        INFO(row);
        CHECK(section.find(row) != std::string::npos);
    }
    const auto disabled = BrowserErrc::browserCabinsDisabled;
    CHECK(section.find("`" + std::to_string(protocol::browserHttpStatus(disabled)) + " " +
                       std::string(protocol::wireName(disabled)) + "`") != std::string::npos);
}

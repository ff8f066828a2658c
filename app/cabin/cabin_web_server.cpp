// The cabin's web server: see cabin_web_server.hpp.
#include "cabin_web_server.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <set>

namespace tc::cabin {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
// A kiosk's page asks for four files and a token: nothing it sends comes near this.
constexpr std::size_t kMaxRequestBytes = 8 * 1024;
constexpr auto kIdleTimeout = 30s;
constexpr auto kWriteTimeout = 10s;
// The kiosk browser opens a handful; more means something else is knocking.
constexpr std::size_t kMaxConnections = 32;

struct Reply {
    http::status status = http::status::ok;
    std::string contentType = "application/json";
    std::string body;
    bool close = false;
};

nlohmann::json errorBody(WebErrc code, std::string detail = {}) {
    nlohmann::json body{{"code", std::string(wireName(code))},
                        {"message", make_error_code(code).message()}};
    if (!detail.empty()) {
        body["detail"] = std::move(detail);
    }
    return body;
}

Reply refusal(http::status status, WebErrc code, std::string detail = {}) {
    return Reply{status, "application/json", errorBody(code, std::move(detail)).dump(), false};
}

// "wss://host:port/v1/browser" -> "wss://host:port"; nullopt for anything but a wss URL.
std::optional<std::string> originOf(std::string_view url) {
    constexpr std::string_view scheme = "wss://";
    if (url.substr(0, scheme.size()) != scheme) {
        return std::nullopt;
    }
    const auto path = url.find('/', scheme.size());
    const auto origin = url.substr(0, path);
    if (origin.size() == scheme.size() ||
        origin.find_first_of(" ;,'\"\r\n\t") != std::string_view::npos) {
        return std::nullopt; // nothing that could break out of the CSP header
    }
    return std::string(origin);
}

std::string hostForUrl(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host; // an IPv6 literal
}

class Server final : public CabinWebServer, public std::enable_shared_from_this<Server> {
public:
    Server(net::any_io_executor executor, CabinWebConfig config)
        : m_strand(net::make_strand(executor))
        , m_acceptor(m_strand)
        , m_config(std::move(config))
        , m_connectOrigin("wss://" + hostForUrl(m_config.serviceHost) + ":*") {}

    boost::system::error_code listen() {
        boost::system::error_code ec;
        const auto address = net::ip::make_address(m_config.bindAddress, ec);
        if (ec) {
            return ec;
        }
        const tcp::endpoint endpoint(address, m_config.port);
        if (m_acceptor.open(endpoint.protocol(), ec);
            !ec && (m_acceptor.set_option(net::socket_base::reuse_address(true), ec), !ec) &&
            (m_acceptor.bind(endpoint, ec), !ec) &&
            (m_acceptor.listen(net::socket_base::max_listen_connections, ec), !ec)) {
            m_port = m_acceptor.local_endpoint(ec).port();
        }
        return ec;
    }

    void run() {
        net::co_spawn(m_strand, accept(), [self = shared_from_this()](std::exception_ptr e) {
            self->logException("listener", e);
        });
    }

    std::uint16_t port() const noexcept override { return m_port; }

    void stop() override {
        net::post(m_strand, [self = shared_from_this()] {
            self->m_stopped = true;
            boost::system::error_code ignored;
            self->m_acceptor.close(ignored);
            for (const auto& stream : self->m_streams) {
                stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
                stream->close();
            }
        });
    }

private:
    void log(const std::string& line) const {
        if (m_config.log) {
            m_config.log(line);
        }
    }

    void logException(const char* what, std::exception_ptr e) const {
        if (!e) {
            return;
        }
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            log(std::string("web: the ") + what + " failed: " + x.what());
        }
    }

    net::awaitable<void> accept() {
        while (!m_stopped) {
            auto [ec, socket] = co_await m_acceptor.async_accept(kNoThrow);
            if (ec) {
                if (m_stopped || ec == net::error::operation_aborted) {
                    co_return;
                }
                continue; // a connection that died in the backlog, or out of descriptors
            }
            if (m_streams.size() >= kMaxConnections) {
                boost::system::error_code ignored;
                socket.close(ignored);
                continue;
            }
            auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
            m_streams.insert(stream);
            net::co_spawn(m_strand, serve(stream),
                          [self = shared_from_this(), stream](std::exception_ptr e) {
                              self->m_streams.erase(stream);
                              self->logException("connection", e);
                          });
        }
    }

    net::awaitable<void> serve(std::shared_ptr<beast::tcp_stream> stream) {
        beast::flat_buffer buffer;
        while (!m_stopped) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(kMaxRequestBytes);
            parser.body_limit(kMaxRequestBytes);
            stream->expires_after(kIdleTimeout);
            auto [headerError, headerBytes] =
                co_await http::async_read_header(*stream, buffer, parser, kNoThrow);
            std::size_t bodyBytes = 0;
            boost::system::error_code error = headerError;
            if (!error && !parser.is_done()) {
                auto [bodyError, n] = co_await http::async_read(*stream, buffer, parser, kNoThrow);
                error = bodyError;
                bodyBytes = n;
            }
            if (error == http::error::header_limit || error == http::error::body_limit ||
                (!error && headerBytes + bodyBytes > kMaxRequestBytes)) {
                const bool header = error == http::error::header_limit;
                log(std::string("web: a request over 8 KiB refused (") +
                    (header ? "header" : "body") + ")");
                auto reply = refusal(header ? http::status::request_header_fields_too_large
                                            : http::status::payload_too_large,
                                     WebErrc::requestTooLarge);
                reply.close = true;
                co_await send(*stream, reply, 11);
                break;
            }
            if (error) {
                if (error.category() ==
                        http::make_error_code(http::error::end_of_stream).category() &&
                    error != http::error::end_of_stream && error != http::error::partial_message) {
                    auto reply =
                        refusal(http::status::bad_request, WebErrc::badRequest, error.message());
                    reply.close = true;
                    co_await send(*stream, reply, 11);
                }
                break; // closed, idle, or stopped
            }
            const auto& request = parser.get();
            auto reply = co_await answer(request);
            const bool keepAlive = request.keep_alive() && !reply.close;
            reply.close = !keepAlive;
            if (!co_await send(*stream, reply, request.version()) || !keepAlive) {
                break;
            }
        }
        boost::system::error_code ignored;
        stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream->close();
    }

    net::awaitable<Reply> answer(const http::request<http::string_body>& request) {
        std::string_view target = request.target();
        target = target.substr(0, target.find_first_of("?#"));
        if (request.method() != http::verb::get) {
            log("web: " + std::string(request.method_string()) + " " + std::string(target) +
                " refused (405)");
            auto reply = refusal(http::status::method_not_allowed, WebErrc::methodNotAllowed);
            if (request.method() == http::verb::head) {
                reply.body.clear(); // an answer to HEAD has no body
                reply.close = true;
            }
            co_return reply;
        }
        if (target == "/config") {
            co_return co_await config();
        }
        if (const auto* asset = findWebAsset(target)) {
            co_return Reply{http::status::ok, std::string(asset->contentType),
                            std::string(asset->body), false};
        }
        log("web: GET " + std::string(target) + " (404)");
        co_return refusal(http::status::not_found, WebErrc::notFound);
    }

    // A fresh token for the page (it may be reconnecting), with the patients it may check in.
    net::awaitable<Reply> config() {
        if (!m_config.tickets) {
            co_return refusal(http::status::bad_gateway, WebErrc::tokenUnavailable,
                              "no token source");
        }
        const auto outcome = co_await m_config.tickets();
        if (!outcome.ticket) {
            const auto& refused = outcome.refusal;
            log("web: no token for the page: " + refused.code + " (" + refused.message + ")");
            auto body = errorBody(WebErrc::tokenUnavailable, refused.message);
            body["service_code"] = refused.code;
            body["service_status"] = refused.httpStatus;
            co_return Reply{http::status::bad_gateway, "application/json", body.dump(), false};
        }
        const auto& ticket = *outcome.ticket;
        if (auto origin = originOf(ticket.browserUrl)) {
            m_connectOrigin = std::move(*origin);
        }
        log("web: a token for the page, valid until " + std::to_string(ticket.expiresAtMs) + " (" +
            ticket.browserUrl + ")");
        const nlohmann::json body{{"browser_url", ticket.browserUrl},
                                  {"token", ticket.token},
                                  {"expires_at_ms", ticket.expiresAtMs},
                                  {"site", ticket.site},
                                  {"name", ticket.name},
                                  {"patients", m_config.patients}};
        co_return Reply{http::status::ok, "application/json", body.dump(), false};
    }

    net::awaitable<bool> send(beast::tcp_stream& stream, const Reply& reply, unsigned version) {
        http::response<http::string_body> response{reply.status, version};
        response.set(http::field::server, "telecabine-cabin");
        response.set(http::field::content_type, reply.contentType);
        response.set(http::field::cache_control, "no-store");
        response.set("Content-Security-Policy", contentSecurityPolicy(m_connectOrigin));
        response.set("X-Content-Type-Options", "nosniff");
        response.set("Referrer-Policy", "no-referrer");
        if (reply.status == http::status::method_not_allowed) {
            response.set(http::field::allow, "GET");
        }
        response.keep_alive(!reply.close);
        response.body() = reply.body;
        response.prepare_payload();
        stream.expires_after(kWriteTimeout);
        auto [ec, n] = co_await http::async_write(stream, response, kNoThrow);
        static_cast<void>(n);
        if (!ec && reply.close) {
            // Read what the client still sends (bounded) so that it reads this answer rather
            // than a reset.
            boost::system::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            std::array<char, 4096> scratch{};
            std::size_t drained = 0;
            stream.expires_after(1s);
            while (drained < 16 * kMaxRequestBytes) {
                auto [readError, got] =
                    co_await stream.async_read_some(net::buffer(scratch), kNoThrow);
                if (readError) {
                    break;
                }
                drained += got;
            }
        }
        co_return !ec;
    }

    net::strand<net::any_io_executor> m_strand;
    tcp::acceptor m_acceptor;
    CabinWebConfig m_config;
    std::string m_connectOrigin; // the service's WebSocket origin, for the CSP
    std::set<std::shared_ptr<beast::tcp_stream>> m_streams;
    std::atomic<std::uint16_t> m_port{0};
    bool m_stopped = false;
};

} // namespace

std::string contentSecurityPolicy(std::string_view connectOrigin) {
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
           "media-src 'self' blob: mediastream:; connect-src 'self' " +
           std::string(connectOrigin) +
           "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

boost::system::result<std::shared_ptr<CabinWebServer>>
CabinWebServer::start(boost::asio::any_io_executor executor, CabinWebConfig config) {
    auto server = std::make_shared<Server>(std::move(executor), std::move(config));
    if (const auto ec = server->listen()) {
        return ec;
    }
    server->run();
    return std::shared_ptr<CabinWebServer>(std::move(server));
}

} // namespace tc::cabin

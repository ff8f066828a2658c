// Browser cabins on the rendezvous service: see browser_listener.hpp and protocol/README.md,
// "Browser cabins".

#include "browser_listener.hpp"

#include "tc/protocol/archive_transfer.hpp"
#include "tc/protocol/tls.hpp"

#include <boost/beast/http.hpp>

namespace tc::protocol::detail {
namespace {

namespace http = beast::http;

// As on the main port: the upgrade request is a few hundred bytes (a token included).
constexpr std::uint32_t kMaxUpgradeRequestBytes = 8192;

bool isDigits(std::string_view text, std::size_t maxLength) noexcept {
    return !text.empty() && text.size() <= maxLength &&
           text.find_first_not_of("0123456789") == std::string_view::npos;
}

// ":<port>" after the host, or nothing.
bool isPortSuffix(std::string_view rest) noexcept {
    return rest.empty() || (rest.front() == ':' && isDigits(rest.substr(1), 5));
}

} // namespace

std::optional<std::string> hostOfHeader(std::string_view header) {
    if (header.empty() || header.size() > 255) {
        return std::nullopt;
    }
    if (header.front() == '[') {
        const auto close = header.find(']');
        if (close == std::string_view::npos || close < 3 ||
            !isPortSuffix(header.substr(close + 1))) {
            return std::nullopt;
        }
        const auto inner = header.substr(1, close - 1);
        if (inner.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos ||
            inner.find(':') == std::string_view::npos) {
            return std::nullopt;
        }
        return std::string(header.substr(0, close + 1));
    }
    const auto colon = header.find(':');
    const auto name = header.substr(0, colon);
    if (colon != std::string_view::npos && !isPortSuffix(header.substr(colon))) {
        return std::nullopt;
    }
    if (name.empty() || name.front() == '.' || name.front() == '-' ||
        name.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
            std::string_view::npos) {
        return std::nullopt;
    }
    return std::string(name);
}

BrowserCabins::BrowserCabins(BrowserTokenKey key, std::shared_ptr<net::ssl::context> tls,
                             BrowserCabinConfig config)
    : m_key(std::move(key))
    , m_tls(std::move(tls))
    , m_config(std::move(config)) {}

Result<std::unique_ptr<BrowserCabins>> BrowserCabins::create(const BrowserCabinConfig& config,
                                                             const TlsConfig& tls) {
    if (config.tokenLifetime < std::chrono::seconds(60) ||
        config.tokenLifetime > std::chrono::seconds(3600)) {
        return make_error_code(BrowserErrc::lifetimeOutOfRange);
    }
    auto key = BrowserTokenKey::fromPrivateKeyPem(tls.own.privateKeyPem);
    if (!key) {
        return key.error();
    }
    auto context = makeBrowserServerContext(tls);
    if (!context) {
        return context.error();
    }
    return std::unique_ptr<BrowserCabins>(
        new BrowserCabins(std::move(*key), std::move(*context), config));
}

std::int64_t BrowserCabins::nowMs() const {
    if (m_config.clock) {
        return m_config.clock();
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

errors::Outcome<BrowserToken, errors::Failure>
BrowserCabins::issue(const Identity& cabin, std::string_view hostHeader, std::uint16_t port) const {
    const auto host = hostOfHeader(hostHeader);
    if (!host) {
        return errors::Failure{make_error_code(ArchiveTransferErrc::malformedRequest),
                               "the Host header names no host: the browser URL is built on it"};
    }
    const auto expires =
        nowMs() +
        std::chrono::duration_cast<std::chrono::milliseconds>(m_config.tokenLifetime).count();
    auto token = m_key.sign(BrowserTokenClaims{cabin.identifier, cabin.displayName, expires, {}});
    if (!token) {
        return errors::Failure{token.error(), "signing a browser cabin token"};
    }
    return BrowserToken{std::move(*token), expires, cabin.identifier, cabin.displayName,
                        "wss://" + *host + ":" + std::to_string(port) + std::string(kBrowserPath)};
}

Result<Identity> BrowserCabins::judge(std::string_view target) const {
    const auto queryAt = target.find('?');
    if (target.substr(0, queryAt) != kBrowserPath) {
        return make_error_code(BrowserErrc::unknownTarget);
    }
    // The token is base64url and dots: no percent-encoding to undo. Other parameters are
    // ignored; a second token is not.
    std::optional<std::string_view> token;
    auto query =
        queryAt == std::string_view::npos ? std::string_view() : target.substr(queryAt + 1);
    while (!query.empty()) {
        const auto end = std::min(query.find('&'), query.size());
        const auto parameter = query.substr(0, end);
        query.remove_prefix(std::min(end + 1, query.size()));
        const auto equals = parameter.find('=');
        if (parameter.substr(0, equals) != "token") {
            continue;
        }
        if (token) {
            return make_error_code(BrowserErrc::tokenMalformed);
        }
        token =
            equals == std::string_view::npos ? std::string_view() : parameter.substr(equals + 1);
    }
    if (!token || token->empty()) {
        return make_error_code(BrowserErrc::tokenMissing);
    }
    auto claims = m_key.verify(*token, nowMs());
    if (!claims) {
        return claims.error();
    }
    return Identity{Role::cabin, std::move(claims->site), std::move(claims->name), {}};
}

net::awaitable<Result<Identity>> BrowserCabins::admit(MessageKindTap<TlsStream>& stream,
                                                      beast::flat_buffer& buffer,
                                                      UpgradeParser& upgrade,
                                                      std::chrono::milliseconds timeout) const {
    auto& socket = beast::get_lowest_layer(stream);
    socket.expires_after(timeout);
    upgrade.header_limit(kMaxUpgradeRequestBytes);
    upgrade.body_limit(boost::none); // a body is refused below, from the header
    auto [readError, read] = co_await http::async_read_header(stream, buffer, upgrade, kNoThrow);
    static_cast<void>(read);
    if (readError) {
        co_return readError; // closed, too slow, or a header beyond 8 KiB: dropped unanswered
    }
    const auto& request = upgrade.get();
    // As on the main port (RFC 6455, section 4.1): nothing may follow the upgrade request.
    if (websocket::is_upgrade(request) && (!upgrade.is_done() || buffer.size() != 0)) {
        co_return make_error_code(ArchiveTransferErrc::malformedRequest);
    }
    // A plain HTTPS request is answered 404 whatever its target: the token is not even read.
    auto verdict = websocket::is_upgrade(request)
                       ? judge(request.target())
                       : Result<Identity>(make_error_code(BrowserErrc::unknownTarget));
    if (verdict) {
        co_return verdict;
    }
    const auto code = verdict.error();
    const auto status = browserHttpStatus(static_cast<BrowserErrc>(code.value()));
    http::response<http::string_body> response{static_cast<http::status>(status),
                                               request.version()};
    response.set(http::field::content_type, "application/json");
    response.set(http::field::cache_control, "no-store");
    if (status == 401) {
        response.set(http::field::www_authenticate, "Bearer realm=\"telecabine\"");
    }
    const std::string detail = code == BrowserErrc::unknownTarget
                                   ? "the browser port takes GET " + std::string(kBrowserPath) +
                                         "?token=... with a WebSocket upgrade"
                                   : std::string();
    response.body() =
        toJson(ArchiveErrorBody{std::string(wireName(static_cast<BrowserErrc>(code.value()))),
                                errors::Failure{code, detail}.message(), std::nullopt})
            .dump();
    response.keep_alive(false);
    response.prepare_payload();
    socket.expires_after(timeout);
    auto [writeError, written] = co_await http::async_write(stream, response, kNoThrow);
    static_cast<void>(written);
    static_cast<void>(writeError); // refused either way
    co_return code;
}

} // namespace tc::protocol::detail

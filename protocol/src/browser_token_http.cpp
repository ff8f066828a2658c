// POST /cabin/v1/browser-token on the service's main port: a cabin certificate gets a browser
// cabin token for its kiosk browser (protocol/README.md, "Browser cabins").

#include "archive_http.hpp"
#include "archive_http_exchange.hpp"

namespace tc::protocol::detail {
namespace {

// The body is empty or `{}`: anything longer is not this route's.
constexpr std::uint64_t kMaxTokenRequestBytes = 1024;

} // namespace

net::awaitable<ArchiveHttp::Reply> ArchiveHttp::browserToken(Exchange& exchange) {
    if (exchange.target != kBrowserTokenPath) {
        co_return Reply::refuse(make_error_code(ArchiveTransferErrc::malformedRequest),
                                "the browser token route takes no query");
    }
    if (exchange.method != http::verb::post) {
        auto reply =
            Reply::refuse(make_error_code(ArchiveTransferErrc::methodNotAllowed),
                          std::string(http::to_string(exchange.method)) + " " + exchange.target);
        reply.allow = "POST";
        co_return reply;
    }
    if (!exchange.identity) {
        co_return Reply::refuse(exchange.identity.error(), "certificate subject");
    }
    const Identity identity = *exchange.identity;
    if (identity.role != Role::cabin) {
        co_return Reply::refuse(make_error_code(Errc::forbiddenRole),
                                "browser cabin tokens are issued to cabin certificates only");
    }
    // Read before the body: reading it takes the header's parser.
    const std::string host(exchange.header.get()[http::field::host]);
    std::string body;
    if (auto refused =
            co_await readBody<http::string_body>(exchange, kMaxTokenRequestBytes, body)) {
        co_return *refused;
    }
    if (!body.empty()) {
        const auto document = nlohmann::json::parse(body, nullptr, false);
        if (!document.is_object() || !document.empty()) {
            co_return Reply::refuse(make_error_code(ArchiveTransferErrc::malformedRequest),
                                    "the body is empty or {}");
        }
    }
    if (!m_browserTokens) {
        co_return Reply::refuse(make_error_code(BrowserErrc::browserCabinsDisabled), {});
    }
    auto issued = m_browserTokens(identity, host);
    if (!issued) {
        co_return Reply::refuse(issued.error());
    }
    log("browser token issued to cabin " + identity.identifier + ", valid until " +
        std::to_string(issued->expiresAtMs) + " (Unix ms)");
    co_return Reply::json(toJson(*issued));
}

} // namespace tc::protocol::detail

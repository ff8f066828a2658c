#pragma once
// Browser cabins on the rendezvous service (protocol/README.md, "Browser cabins"): the tokens
// the main port's route issues to cabin certificates, and the browser listener's admission of a
// connection: TLS 1.3 with the service certificate and no client certificate asked, then only
// the WebSocket upgrade GET /v1/browser?token=<token>. Anything else is answered with a typed
// JSON error (401 for the token, 404 for the rest) and dropped, before any upgrade. Runs on the
// service's executor.

#include "service_connection.hpp"
#include "tc/errors/outcome.hpp"
#include "tc/protocol/browser_token.hpp"
#include "tc/protocol/identity.hpp"
#include "tc/protocol/rendezvous_service.hpp"

#include <boost/beast/http.hpp>
#include <memory>
#include <string_view>

namespace tc::protocol::detail {

class BrowserCabins {
public:
    using UpgradeParser = beast::http::request_parser<beast::http::empty_body>;

    // unusable_key (not an ECDSA P-256 service key), lifetime_out_of_range, pki_failure (the
    // TLS context).
    static Result<std::unique_ptr<BrowserCabins>> create(const BrowserCabinConfig& config,
                                                         const TlsConfig& tls);

    // The browser listener's TLS context: the service certificate, no client certificate.
    net::ssl::context& tls() noexcept { return *m_tls; }
    // Unix ms, by the configured clock.
    std::int64_t nowMs() const;

    // A token for the cabin certificate `cabin`, valid for the configured lifetime, with the
    // browser URL on the host the client dialled (`hostHeader`, its port dropped) and the
    // listener's `port`. malformed_request for a Host header that names no host.
    errors::Outcome<BrowserToken, errors::Failure>
    issue(const Identity& cabin, std::string_view hostHeader, std::uint16_t port) const;

    // Reads and judges the upgrade request of a browser connection whose TLS handshake is done.
    // Admitted: the cabin identity its token stands for, the request in `upgrade` for the
    // WebSocket accept. Refused: the error, answered to the client when it could be (a
    // BrowserErrc), or the read's failure; the caller drops the connection either way.
    net::awaitable<Result<Identity>> admit(MessageKindTap<TlsStream>& stream,
                                           beast::flat_buffer& buffer, UpgradeParser& upgrade,
                                           std::chrono::milliseconds timeout) const;

private:
    BrowserCabins(BrowserTokenKey key, std::shared_ptr<net::ssl::context> tls,
                  BrowserCabinConfig config);

    // The token's verdict on the request's target (path and query).
    Result<Identity> judge(std::string_view target) const;

    BrowserTokenKey m_key;
    std::shared_ptr<net::ssl::context> m_tls;
    BrowserCabinConfig m_config;
};

// The host of a Host header ("name", "name:port", "1.2.3.4:port", "[v6]:port"), as a URL
// writes it (brackets kept), or nullopt when it names none.
std::optional<std::string> hostOfHeader(std::string_view header);

} // namespace tc::protocol::detail

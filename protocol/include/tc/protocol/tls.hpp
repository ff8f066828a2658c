#pragma once
// TLS 1.3-only contexts for the rendezvous link. Both sides always verify their peer against the
// deployment CA; the client also checks the service's host name and its "service" role.

#include "tc/protocol/errors.hpp"
#include "tc/protocol/identity.hpp"
#include "tc/protocol/pki.hpp"

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace tc::protocol {

struct TlsConfig {
    Credentials own;          // certificate + key (+ chain) presented to the peer
    std::string trustedCaPem; // the deployment CA that peers must chain to
};

Result<std::shared_ptr<boost::asio::ssl::context>> makeServerContext(const TlsConfig& config);
// The browser listener's (protocol/README.md, "Browser cabins"): TLS 1.3 with the service
// certificate, and no client certificate asked: a browser cabin authenticates with its token.
Result<std::shared_ptr<boost::asio::ssl::context>>
makeBrowserServerContext(const TlsConfig& config);
Result<std::shared_ptr<boost::asio::ssl::context>> makeClientContext(const TlsConfig& config,
                                                                     const std::string& host);

// Turns a TLS failure (our own verification or the peer's alert) into a typed error: no
// certificate, unknown CA, expired, or rejected. Returns the input unchanged when it is not a
// certificate problem.
boost::system::error_code classifyTlsError(const boost::system::error_code& ec);

// Turns an X509_V_ERR_* verification result into the same typed errors.
boost::system::error_code classifyVerifyResult(long x509VerifyResult);

} // namespace tc::protocol

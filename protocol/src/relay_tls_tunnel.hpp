#pragma once
// TURN over TLS (RFC 8656 3.1, "turns:" URIs, usually on port 443 where firewalls let only TLS
// out). libnice 0.1.21 has no TLS of its own for RFC 5245 agents: its TURN_TLS relay type is
// plain TCP. So libnice speaks TURN-over-TCP to this tunnel on 127.0.0.1, and the tunnel
// carries the bytes over TLS (1.2 or 1.3) to the server, which it verifies: the chain to the
// system's authorities or the deployment's (relayTrustAnchors), and the URI's host name or IP
// address in the certificate. A failure is kept as a typed error for the consultation to show.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/result.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tc::protocol::detail {

class RelayTlsTunnel {
public:
    // Called (on the tunnel's executor) when a connection to the server fails: connect refused
    // or timed out (IceErrc::relayUnreachable), or TLS refused (IceErrc::relayTlsFailed, with
    // the verification error in `detail`).
    using FailureHandler = std::function<void(boost::system::error_code, std::string detail)>;

    static boost::system::result<std::shared_ptr<RelayTlsTunnel>>
    open(boost::asio::any_io_executor executor, std::string host, std::uint16_t port,
         const std::optional<std::filesystem::path>& trustAnchors, FailureHandler onFailure);
    virtual ~RelayTlsTunnel() = default;

    // Where libnice connects.
    virtual boost::asio::ip::tcp::endpoint localEndpoint() const = 0;
    virtual void close() = 0;
};

} // namespace tc::protocol::detail

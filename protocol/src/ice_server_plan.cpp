#include "ice_server_plan.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

namespace tc::protocol::detail {
namespace {

namespace ip = boost::asio::ip;

// libnice wants the STUN server as an address. Names resolve here, once per session.
std::optional<ip::udp::endpoint> resolveUdp(const std::string& host, std::uint16_t port) {
    boost::system::error_code ec;
    const auto address = ip::make_address(host, ec);
    if (!ec) {
        return ip::udp::endpoint(address, port);
    }
    boost::asio::io_context io;
    ip::udp::resolver resolver(io);
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) {
        return std::nullopt;
    }
    return results.begin()->endpoint();
}

} // namespace

ServerPlan planServers(const std::vector<IceServer>& servers,
                       std::chrono::system_clock::time_point now) {
    ServerPlan plan;
    std::optional<IceServerUri> stun;
    std::optional<IceServerUri> turnAsStun;
    for (const auto& server : servers) {
        for (const auto& url : server.urls) {
            const auto uri = parseIceServerUri(url);
            if (!uri) {
                plan.problems.push_back({url, make_error_code(IceErrc::badServerUri), ""});
                continue;
            }
            const std::string name = toString(*uri);
            if (!uri->isTurn()) {
                if (uri->usesTls()) {
                    plan.problems.push_back({name, make_error_code(IceErrc::badServerUri),
                                             "STUN over TLS is not supported"});
                } else if (!stun) {
                    stun = *uri;
                }
                continue;
            }
            if (uri->usesTls() && uri->transport == IceTransport::udp) {
                plan.problems.push_back({name, make_error_code(IceErrc::badServerUri),
                                         "TURN over DTLS is not supported"});
                continue;
            }
            const auto expiry = turnUsernameExpiry(server.username);
            if (expiry && *expiry <= now) {
                plan.problems.push_back(
                    {name, make_error_code(IceErrc::relayCredentialsExpired), server.username});
                continue;
            }
            if (plan.relays.size() == kMaxRelays) {
                plan.problems.push_back({name, make_error_code(IceErrc::tooManyRelays), ""});
                continue;
            }
            PlannedRelay relay;
            relay.uri = name;
            relay.protocol = uri->usesTls()                        ? RelayProtocol::tls
                             : uri->transport == IceTransport::tcp ? RelayProtocol::tcp
                                                                   : RelayProtocol::udp;
            relay.host = uri->host;
            relay.port = uri->port;
            relay.username = server.username;
            relay.password = server.credential;
            if (relay.protocol == RelayProtocol::udp && !turnAsStun) {
                turnAsStun = *uri; // a TURN server answers Binding requests too
            }
            plan.relays.push_back(std::move(relay));
        }
    }
    if (!stun) {
        stun = turnAsStun;
    }
    if (stun) {
        plan.stun = resolveUdp(stun->host, stun->port);
        if (!plan.stun) {
            plan.problems.push_back(
                {toString(*stun), make_error_code(IceErrc::stunUnresolvable), stun->host});
        }
    }
    return plan;
}

} // namespace tc::protocol::detail

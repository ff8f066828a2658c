#pragma once
// From the `ice_servers` a session hands out to what libnice is given: one STUN server (libnice
// takes one; a TURN server over UDP serves as one when no STUN URI is listed) and up to
// kMaxRelays TURN servers, each with how it is reached. What cannot be used becomes a
// RelayProblem instead of failing the session: host candidates still work.

#include "ice_agent.hpp"
#include "tc/protocol/ice_servers.hpp"
#include "tc/protocol/media_transport.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tc::protocol::detail {

struct PlannedRelay {
    std::string uri; // canonical, for the media-quality line
    RelayProtocol protocol = RelayProtocol::udp;
    std::string host;
    std::uint16_t port = 0;
    std::string username;
    std::string password;
};

struct ServerPlan {
    std::optional<boost::asio::ip::udp::endpoint> stun;
    std::vector<PlannedRelay> relays;
    std::vector<RelayProblem> problems;
};

ServerPlan planServers(const std::vector<IceServer>& servers,
                       std::chrono::system_clock::time_point now);

} // namespace tc::protocol::detail

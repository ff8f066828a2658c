// Names for what the transport reports: states, candidate types, relay protocols, the path
// media takes (the console's media-quality line and the incident timeline), and ICE errors.
#include "tc/protocol/media_transport.hpp"

namespace tc::protocol {

std::string_view toString(TransportState state) noexcept {
    switch (state) {
    case TransportState::checking:
        return "checking";
    case TransportState::securing:
        return "securing";
    case TransportState::connected:
        return "connected";
    case TransportState::disconnected:
        return "disconnected";
    case TransportState::reconnecting:
        return "reconnecting";
    case TransportState::failed:
        return "failed";
    case TransportState::closed:
        return "closed";
    }
    return "unknown";
}

std::string_view toString(Candidate::Type type) noexcept {
    switch (type) {
    case Candidate::Type::host:
        return "host";
    case Candidate::Type::serverReflexive:
        return "srflx";
    case Candidate::Type::peerReflexive:
        return "prflx";
    case Candidate::Type::relay:
        return "relay";
    }
    return "unknown";
}

std::string_view toString(RelayProtocol protocol) noexcept {
    switch (protocol) {
    case RelayProtocol::udp:
        return "UDP";
    case RelayProtocol::tcp:
        return "TCP";
    case RelayProtocol::tls:
        return "TLS";
    }
    return "unknown";
}

std::string describe(const MediaPath& path) {
    if (path.local.type == Candidate::Type::relay) {
        std::string out = "relayed (TURN";
        if (path.relayProtocol) {
            out += " " + std::string(toString(*path.relayProtocol));
        }
        if (!path.relayServer.empty()) {
            out += ", " + path.relayServer;
        }
        return out + ")";
    }
    if (path.remote.type == Candidate::Type::relay) {
        return "relayed (by the peer's TURN server)";
    }
    return "direct (" + std::string(toString(path.local.type)) + ")";
}

} // namespace tc::protocol

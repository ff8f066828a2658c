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

namespace {

class IceCategory final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "tc.ice"; }
    std::string message(int ev) const override {
        switch (static_cast<IceErrc>(ev)) {
        case IceErrc::gatheringFailed:
            return "no ICE candidate could be gathered on this machine's addresses";
        case IceErrc::noPath:
            return "no network path to the other side: every candidate pair failed";
        case IceErrc::badServerUri:
            return "a STUN or TURN server address cannot be used";
        case IceErrc::tooManyRelays:
            return "too many TURN servers (at most 8)";
        case IceErrc::relayCredentialsExpired:
            return "the TURN credentials have expired";
        case IceErrc::relayNotAllocated:
            return "the TURN server gave no relay (refused, wrong credentials, or no answer)";
        case IceErrc::relayUnreachable:
            return "the TURN server cannot be reached";
        case IceErrc::relayTlsFailed:
            return "the TURN server's TLS certificate was refused";
        case IceErrc::relayTrustUnreadable:
            return "the certificate authorities for TURN over TLS cannot be read";
        case IceErrc::stunUnresolvable:
            return "the STUN server's name does not resolve";
        }
        return "unknown ICE error";
    }
};

} // namespace

const boost::system::error_category& iceCategory() noexcept {
    static const IceCategory category;
    return category;
}

} // namespace tc::protocol

// Names for what the transport reports: states, candidate types, relay protocols, the path
// media takes (the console's media-quality line and the incident timeline), and ICE errors.
#include "tc/errors/error_table.hpp"
#include "tc/protocol/media_transport.hpp"

#include <array>

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

constexpr std::array kIceErrors{
    errors::ErrcEntry{IceErrc::gatheringFailed, "gathering_failed",
                      "no ICE candidate could be gathered on this machine's addresses"},
    errors::ErrcEntry{IceErrc::noPath, "no_path",
                      "no network path to the other side: every candidate pair failed"},
    errors::ErrcEntry{IceErrc::badServerUri, "bad_server_uri",
                      "a STUN or TURN server address cannot be used"},
    errors::ErrcEntry{IceErrc::tooManyRelays, "too_many_relays",
                      "too many TURN servers (at most 8)"},
    errors::ErrcEntry{IceErrc::relayCredentialsExpired, "relay_credentials_expired",
                      "the TURN credentials have expired"},
    errors::ErrcEntry{IceErrc::relayNotAllocated, "relay_not_allocated",
                      "the TURN server gave no relay (refused, wrong credentials, or no answer)"},
    errors::ErrcEntry{IceErrc::relayUnreachable, "relay_unreachable",
                      "the TURN server cannot be reached"},
    errors::ErrcEntry{IceErrc::relayTlsFailed, "relay_tls_failed",
                      "the TURN server's TLS certificate was refused"},
    errors::ErrcEntry{IceErrc::relayTrustUnreadable, "relay_trust_unreadable",
                      "the certificate authorities for TURN over TLS cannot be read"},
    errors::ErrcEntry{IceErrc::stunUnresolvable, "stun_unresolvable",
                      "the STUN server's name does not resolve"},
};

} // namespace

const boost::system::error_category& iceCategory() noexcept {
    static const errors::TableCategory category("tc.ice", kIceErrors);
    return category;
}

} // namespace tc::protocol

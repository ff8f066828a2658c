// Names for what the transport reports: states, candidate types, relay protocols, the path
// media takes (the console's media-quality line and the incident timeline), and ICE errors.
#include "tc/errors/table_lookup.hpp"
#include "tc/protocol/media_transport.hpp"

namespace tc::protocol {

std::string_view toString(TransportState state) noexcept {
    static constexpr errors::EnumNames<TransportState::closed> names{
        {"checking", "securing", "connected", "disconnected", "reconnecting", "failed", "closed"}};
    return names(state, "unknown");
}

std::string_view toString(Candidate::Type type) noexcept {
    static constexpr errors::EnumNames<Candidate::Type::relay> names{
        {"host", "srflx", "prflx", "relay"}};
    return names(type, "unknown");
}

std::string_view toString(RelayProtocol protocol) noexcept {
    static constexpr errors::EnumNames<RelayProtocol::tls> names{{"UDP", "TCP", "TLS"}};
    return names(protocol, "unknown");
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

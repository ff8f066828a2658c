#pragma once
// The session messages that carry ICE between the two sides, through the rendezvous service
// (protocol/README.md, "Trickle ICE and restarts"):
//   ice.candidate          {"ufrag", "candidate": "candidate:<foundation> 1 udp <priority>
//                           <address> <port> typ host|srflx|prflx|relay [raddr <a> rport <p>]"}
//   ice.end_of_candidates  {"ufrag"}
//   ice.restart            {"generation", "ufrag", "pwd"}
// `ufrag` names the ICE generation (the sender's credentials) a candidate belongs to. Parsing
// is strict: unknown fields, a malformed candidate line or credentials outside RFC 8839's
// ice-char sizes are a ParseError naming the field.

#include "tc/protocol/envelope.hpp"
#include "tc/protocol/media_transport.hpp"
#include "tc/protocol/session_kinds.hpp"

#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

namespace tc::protocol {

inline bool isIceMessageKind(std::string_view kind) noexcept {
    return kind::isOneOf(kind, kind::kIceKinds);
}

// The kind and payload of the session message that carries `signal`.
std::pair<std::string_view, nlohmann::json> toSessionMessage(const IceSignal& signal);

// The signal a session message of one of the ice.* kinds carries.
boost::system::result<IceSignal, ParseError> iceSignalFrom(std::string_view kind,
                                                           const nlohmann::json& payload);

} // namespace tc::protocol

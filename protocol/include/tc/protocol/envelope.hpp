#pragma once
// The versioned JSON envelope every rendezvous message travels in:
//   {"v": 1, "type": "visit.claim", "id": "r-42", "body": {...}}
// "id" is set by the requester and echoed in the reply; server events carry no "id".

#include "tc/protocol/errors.hpp"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace tc::protocol {

inline constexpr int kProtocolVersion = 1;
// Frames above this size are refused with `frame_too_large` and the connection is closed.
inline constexpr std::size_t kMaxFrameBytes = 64 * 1024;
inline constexpr std::size_t kMaxRequestIdBytes = 64;

struct Envelope {
    int version = kProtocolVersion;
    std::string type;
    std::string id; // empty for events
    nlohmann::json body = nlohmann::json::object();
};

// A parse failure with enough context to answer the peer: the error and, when it could be
// read, the request id, plus a human-readable detail naming the offending field.
struct ParseError {
    boost::system::error_code code;
    std::string requestId;
    std::string detail;
};

// Parses and validates the envelope only (version, type syntax, id, body is an object).
// The body is validated by the message's own from_json.
boost::system::result<Envelope, ParseError> parseEnvelope(std::string_view frame);
std::string serialise(const Envelope& envelope);

Envelope makeReply(const std::string& requestId, nlohmann::json body);
Envelope makeError(const std::string& requestId, boost::system::error_code code,
                   std::string detail);

} // namespace tc::protocol

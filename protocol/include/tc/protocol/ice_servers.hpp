#pragma once
// STUN and TURN servers handed to each party of a session, with TURN credentials in the
// "TURN REST API" form that coturn checks with `use-auth-secret` / `static-auth-secret`:
//   username = "<Unix expiry time, seconds>:<party id>"
//   password = base64(HMAC-SHA1(shared secret, username))
// The service's configuration (IceConfig) names the servers, the shared secret (read from a
// file) and the credentials' lifetime; protocol/README.md, "Deploying across networks".

#include "tc/protocol/errc/ice_config_errc.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

enum class IceScheme { stun, stuns, turn, turns };
enum class IceTransport { none, udp, tcp }; // none: no "?transport=" (or a STUN URI)

// One server URI: stun:host[:port], stuns:host[:port] (RFC 7064),
// turn:host[:port][?transport=udp|tcp], turns:host[:port][?transport=udp|tcp] (RFC 7065).
// Lowercase scheme and parameter, host a DNS name, an IPv4 address or a bracketed IPv6 one.
struct IceServerUri {
    IceScheme scheme = IceScheme::stun;
    std::string host; // without brackets for IPv6
    std::uint16_t port = 0;
    IceTransport transport = IceTransport::none;

    bool isTurn() const noexcept { return scheme == IceScheme::turn || scheme == IceScheme::turns; }
    bool usesTls() const noexcept {
        return scheme == IceScheme::stuns || scheme == IceScheme::turns;
    }
};
boost::system::result<IceServerUri> parseIceServerUri(std::string_view text);
// Canonical form, with the port always written (3478, or 5349 for stuns/turns, by default).
std::string toString(const IceServerUri& uri);

// As the wire carries it (WebRTC's RTCIceServer): `urls`, and for TURN `username` and
// `credential`. Both are empty for a STUN-only entry.
struct IceServer {
    std::vector<std::string> urls;
    std::string username;
    std::string credential;
};

inline constexpr std::size_t kMaxIceUris = 8;             // per list and per wire entry
inline constexpr std::size_t kMaxIceServers = 4;          // entries in one message
inline constexpr std::size_t kMaxTurnUsernameBytes = 508; // STUN USERNAME: < 509 bytes
inline constexpr std::size_t kMaxTurnCredentialBytes = 256;
inline constexpr std::size_t kMaxTurnSecretBytes = 1024;
inline constexpr std::size_t kMaxPartyIdBytes = 128;
inline constexpr std::chrono::seconds kMinTurnCredentialLifetime{600};
inline constexpr std::chrono::seconds kMaxTurnCredentialLifetime{86'400};
inline constexpr std::chrono::seconds kDefaultTurnCredentialLifetime{3'600};

struct TurnCredential {
    std::string username;
    std::string password;
    std::chrono::system_clock::time_point expiresAt; // whole seconds
};

// username = "<expiresAt as Unix seconds>:<partyId>", password = base64(HMAC-SHA1(secret,
// username)). `partyId` is 1-128 printable ASCII bytes without ':' or spaces.
boost::system::result<TurnCredential>
issueTurnCredential(std::string_view secret, std::string_view partyId,
                    std::chrono::system_clock::time_point expiresAt);
// The expiry written in a REST API username, or nullopt if it has none.
std::optional<std::chrono::system_clock::time_point> turnUsernameExpiry(std::string_view user);

// The service's STUN and TURN configuration, validated. Empty: no servers (host candidates
// only), and sessions carry no `ice_servers`.
struct IceConfig {
    std::vector<IceServerUri> stun;
    std::vector<IceServerUri> turn;
    std::string turnSecret;
    std::chrono::seconds credentialLifetime = kDefaultTurnCredentialLifetime;

    bool empty() const noexcept { return stun.empty() && turn.empty(); }
};

// What `telecabine-rendezvous serve` is given: comma-separated URI lists, a secret file, and a
// lifetime in seconds.
struct IceConfigInput {
    std::string stunUris;
    std::string turnUris;
    std::optional<std::filesystem::path> turnSecretFile;
    std::int64_t credentialLifetimeSeconds = kDefaultTurnCredentialLifetime.count();
};
boost::system::result<IceConfig> loadIceConfig(const IceConfigInput& input);
// Checks a configuration built in code (RendezvousService::start calls it).
boost::system::error_code validate(const IceConfig& config);

// The entries one party receives: the STUN URIs (no credentials), then the TURN URIs with a
// credential for `partyId` that expires `config.credentialLifetime` after `now`.
boost::system::result<std::vector<IceServer>>
iceServersFor(const IceConfig& config, std::string_view partyId,
              std::chrono::system_clock::time_point now);

} // namespace tc::protocol

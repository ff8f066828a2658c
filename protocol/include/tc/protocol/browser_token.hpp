#pragma once
// Browser cabin tokens (protocol/README.md, "Browser cabins"): a cabin that authenticates with
// its certificate asks the service for a short-lived token (POST /cabin/v1/browser-token) and
// hands it to its kiosk browser, which cannot present a client certificate; the browser opens
// the service's browser listener with it (wss://host:browser-port/v1/browser?token=...).
//
// A token is "v1.<base64url payload>.<base64url signature>": the payload is the JSON object
// {"site", "name", "exp_ms", "nonce"}, the signature ECDSA P-256 / SHA-256 over the ASCII text
// "v1.<base64url payload>" with the service's own certificate key, as the 64 bytes r || s
// (JWS ES256, RFC 7518 section 3.4). Any node holding that key verifies it; nothing is stored.

#include "tc/protocol/envelope.hpp"
#include "tc/protocol/errc/browser_errc.hpp"
#include "tc/protocol/errors.hpp"

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace tc::protocol {

// The token route on the service's main port, and the browser listener's one target.
inline constexpr std::string_view kBrowserTokenPath = "/cabin/v1/browser-token";
inline constexpr std::string_view kBrowserPath = "/v1/browser";
// A token is a few hundred bytes; anything longer is not one of ours.
inline constexpr std::size_t kMaxBrowserTokenBytes = 2048;

// What a token says: the cabin it stands for and until when it opens connections.
struct BrowserTokenClaims {
    std::string site;             // the cabin certificate's site code
    std::string name;             // its display name
    std::int64_t expiresAtMs = 0; // Unix ms
    std::string nonce;            // 16 random bytes, base64url: no two tokens alike

    friend bool operator==(const BrowserTokenClaims&, const BrowserTokenClaims&) = default;
};

// The key tokens are signed and verified with: the service's own (an ECDSA P-256 key).
class BrowserTokenKey {
public:
    // From the service's private key (PEM): signs and verifies. unusable_key for a key that is
    // not ECDSA P-256 or does not parse.
    static Result<BrowserTokenKey> fromPrivateKeyPem(const std::string& pem);

    BrowserTokenKey(BrowserTokenKey&&) noexcept;
    BrowserTokenKey& operator=(BrowserTokenKey&&) noexcept;
    ~BrowserTokenKey();

    // A token for these claims (the nonce is drawn here when empty). pki_failure if OpenSSL
    // fails to sign.
    Result<std::string> sign(BrowserTokenClaims claims) const;

    // The claims of a token this key signed that has not expired at `nowMs`, or why not:
    // token_missing (empty), token_malformed, token_invalid (the signature), token_expired.
    // The signature is checked before the payload is read.
    Result<BrowserTokenClaims> verify(std::string_view token, std::int64_t nowMs) const;

private:
    struct Impl;
    explicit BrowserTokenKey(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// The token route's answer (200): the token and what the page needs beside it.
struct BrowserToken {
    std::string token;
    std::int64_t expiresAtMs = 0;
    std::string site;
    std::string name;
    std::string browserUrl; // wss://<host as the cabin dialled it>:<browser port>/v1/browser

    friend bool operator==(const BrowserToken&, const BrowserToken&) = default;
};

nlohmann::json toJson(const BrowserToken& token);
// Strict: every field present with its type and range, nothing else (invalid_field and the
// like, the detail naming the field).
boost::system::result<BrowserToken, ParseError> browserTokenFromJson(const nlohmann::json& body);

// The HTTP status the service answers a browser error with (401, 404, 503), 500 otherwise.
unsigned browserHttpStatus(BrowserErrc code) noexcept;

// base64url without padding (RFC 4648 section 5), and its strict inverse: nullopt for a
// character outside the alphabet, padding, or a length no encoding has.
std::string base64UrlEncode(std::string_view bytes);
std::optional<std::string> base64UrlDecode(std::string_view text);

} // namespace tc::protocol

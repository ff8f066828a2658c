// Browser cabin tokens: see browser_token.hpp and protocol/README.md, "Browser cabins".

#include "tc/protocol/browser_token.hpp"

#include "json_reader.hpp"
#include "openssl_handles.hpp"
#include "tc/protocol/identity.hpp"

#include <array>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>

namespace tc::protocol {
namespace {

using namespace detail;

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG_free>>;

constexpr std::string_view kVersionPrefix = "v1.";
constexpr std::size_t kCoordinateBytes = 32; // P-256
constexpr std::size_t kNonceBytes = 16;
constexpr std::int64_t kMaxMs = std::numeric_limits<std::int64_t>::max();

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int valueOf(char c) noexcept {
    const auto at = kAlphabet.find(c);
    return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

bool isP256(EVP_PKEY* key) {
    if (key == nullptr || EVP_PKEY_is_a(key, "EC") != 1) {
        return false;
    }
    std::array<char, 64> group{};
    std::size_t length = 0;
    const bool named = EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(),
                                                      group.size(), &length) == 1;
    return named && std::string_view(group.data(), length) == SN_X9_62_prime256v1;
}

// The ECDSA signature as r || s, each on 32 bytes (JWS ES256), from OpenSSL's DER.
std::optional<std::string> rawSignature(const std::vector<unsigned char>& der) {
    const unsigned char* cursor = der.data();
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
    if (!sig) {
        return std::nullopt;
    }
    std::string raw(2 * kCoordinateBytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, kCoordinateBytes) !=
            static_cast<int>(kCoordinateBytes) ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + kCoordinateBytes, kCoordinateBytes) !=
            static_cast<int>(kCoordinateBytes)) {
        return std::nullopt;
    }
    return raw;
}

// r || s back to DER for EVP_DigestVerify.
std::optional<std::vector<unsigned char>> derSignature(std::string_view raw) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
    BignumPtr r(BN_bin2bn(bytes, kCoordinateBytes, nullptr));
    BignumPtr s(BN_bin2bn(bytes + kCoordinateBytes, kCoordinateBytes, nullptr));
    EcdsaSigPtr sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
        return std::nullopt;
    }
    static_cast<void>(r.release()); // owned by sig now
    static_cast<void>(s.release());
    const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (length <= 0) {
        return std::nullopt;
    }
    std::vector<unsigned char> der(static_cast<std::size_t>(length));
    unsigned char* cursor = der.data();
    i2d_ECDSA_SIG(sig.get(), &cursor);
    return der;
}

nlohmann::json claimsToJson(const BrowserTokenClaims& claims) {
    return nlohmann::json{{"site", claims.site},
                          {"name", claims.name},
                          {"exp_ms", claims.expiresAtMs},
                          {"nonce", claims.nonce}};
}

std::optional<BrowserTokenClaims> claimsFromJson(const nlohmann::json& payload) {
    JsonReader r(payload, "payload");
    BrowserTokenClaims claims;
    r.string("site", claims.site, 3, 32);
    r.string("name", claims.name, 1, 128);
    r.integer("exp_ms", claims.expiresAtMs, 1, kMaxMs);
    r.string("nonce", claims.nonce, 1, 64);
    if (r.finish() || !validateIdentity(Identity{Role::cabin, claims.site, claims.name, {}})) {
        return std::nullopt;
    }
    return claims;
}

} // namespace

std::string base64UrlEncode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::uint32_t bits = 0;
    int count = 0;
    for (const char c : bytes) {
        bits = (bits << 8) | static_cast<unsigned char>(c);
        count += 8;
        while (count >= 6) {
            count -= 6;
            out.push_back(kAlphabet[(bits >> count) & 0x3F]);
        }
    }
    if (count > 0) {
        out.push_back(kAlphabet[(bits << (6 - count)) & 0x3F]);
    }
    return out;
}

std::optional<std::string> base64UrlDecode(std::string_view text) {
    if (text.size() % 4 == 1) {
        return std::nullopt; // no byte count encodes to this length
    }
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t bits = 0;
    int count = 0;
    for (const char c : text) {
        const int value = valueOf(c);
        if (value < 0) {
            return std::nullopt;
        }
        bits = (bits << 6) | static_cast<std::uint32_t>(value);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out.push_back(static_cast<char>((bits >> count) & 0xFF));
        }
    }
    // The bits left over must be zero: one encoding per byte string, so that a changed
    // character always changes the bytes.
    if ((bits & ((1U << count) - 1U)) != 0) {
        return std::nullopt;
    }
    return out;
}

struct BrowserTokenKey::Impl {
    PkeyPtr key;
};

BrowserTokenKey::BrowserTokenKey(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
BrowserTokenKey::BrowserTokenKey(BrowserTokenKey&&) noexcept = default;
BrowserTokenKey& BrowserTokenKey::operator=(BrowserTokenKey&&) noexcept = default;
BrowserTokenKey::~BrowserTokenKey() = default;

Result<BrowserTokenKey> BrowserTokenKey::fromPrivateKeyPem(const std::string& pem) {
    auto key = readPrivateKeyPem(pem);
    if (!isP256(key.get())) {
        ERR_clear_error();
        return make_error_code(BrowserErrc::unusableKey);
    }
    return BrowserTokenKey(std::make_unique<Impl>(Impl{std::move(key)}));
}

Result<std::string> BrowserTokenKey::sign(BrowserTokenClaims claims) const {
    if (claims.nonce.empty()) {
        std::array<unsigned char, kNonceBytes> nonce{};
        if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
            return make_error_code(Errc::pkiFailure);
        }
        claims.nonce = base64UrlEncode(
            std::string_view(reinterpret_cast<const char*>(nonce.data()), nonce.size()));
    }
    const std::string input =
        std::string(kVersionPrefix) + base64UrlEncode(claimsToJson(claims).dump());
    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t size = 0;
    std::vector<unsigned char> der;
    bool ok =
        ctx &&
        EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, m_impl->key.get()) == 1 &&
        EVP_DigestSign(ctx.get(), nullptr, &size,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    if (ok) {
        der.resize(size);
        ok =
            EVP_DigestSign(ctx.get(), der.data(), &size,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
        der.resize(size);
    }
    const auto raw = ok ? rawSignature(der) : std::nullopt;
    if (!raw) {
        ERR_clear_error();
        return make_error_code(Errc::pkiFailure);
    }
    return input + "." + base64UrlEncode(*raw);
}

Result<BrowserTokenClaims> BrowserTokenKey::verify(std::string_view token,
                                                   std::int64_t nowMs) const {
    if (token.empty()) {
        return make_error_code(BrowserErrc::tokenMissing);
    }
    const auto malformed = make_error_code(BrowserErrc::tokenMalformed);
    if (token.size() > kMaxBrowserTokenBytes || !token.starts_with(kVersionPrefix)) {
        return malformed;
    }
    const auto dot = token.rfind('.');
    if (dot < kVersionPrefix.size()) {
        return malformed;
    }
    const auto input = token.substr(0, dot);
    const auto payloadText = base64UrlDecode(input.substr(kVersionPrefix.size()));
    const auto signature = base64UrlDecode(token.substr(dot + 1));
    if (!payloadText || payloadText->empty() || !signature ||
        signature->size() != 2 * kCoordinateBytes) {
        return malformed;
    }
    const auto der = derSignature(*signature);
    MdCtxPtr ctx(EVP_MD_CTX_new());
    const bool verified =
        der && ctx &&
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, m_impl->key.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), der->data(), der->size(),
                         reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    ERR_clear_error();
    if (!verified) {
        return make_error_code(BrowserErrc::tokenInvalid);
    }
    // Signed by this key, so written by a service: a payload that does not read is still refused.
    const auto payload = nlohmann::json::parse(*payloadText, nullptr, false);
    auto claims = payload.is_discarded() ? std::nullopt : claimsFromJson(payload);
    if (!claims) {
        return malformed;
    }
    if (nowMs >= claims->expiresAtMs) {
        return make_error_code(BrowserErrc::tokenExpired);
    }
    return std::move(*claims);
}

nlohmann::json toJson(const BrowserToken& token) {
    return nlohmann::json{{"token", token.token},
                          {"expires_at_ms", token.expiresAtMs},
                          {"site", token.site},
                          {"name", token.name},
                          {"browser_url", token.browserUrl}};
}

boost::system::result<BrowserToken, ParseError> browserTokenFromJson(const nlohmann::json& body) {
    JsonReader r(body, "body");
    BrowserToken token;
    r.string("token", token.token, 1, kMaxBrowserTokenBytes);
    r.integer("expires_at_ms", token.expiresAtMs, 1, kMaxMs);
    r.string("site", token.site, 3, 32);
    r.string("name", token.name, 1, 128);
    r.string("browser_url", token.browserUrl, 1, 1024);
    if (r.ok() && !token.browserUrl.starts_with("wss://")) {
        r.fail(Errc::invalidField, "body.browser_url: not a wss:// URL");
    }
    if (auto error = r.finish()) {
        return *error;
    }
    return token;
}

unsigned browserHttpStatus(BrowserErrc code) noexcept {
    switch (code) {
    case BrowserErrc::tokenMissing:
    case BrowserErrc::tokenMalformed:
    case BrowserErrc::tokenInvalid:
    case BrowserErrc::tokenExpired:
        return 401;
    case BrowserErrc::unknownTarget:
        return 404;
    case BrowserErrc::browserCabinsDisabled:
        return 503;
    default:
        return 500;
    }
}

} // namespace tc::protocol

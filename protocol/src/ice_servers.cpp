#include "tc/protocol/ice_servers.hpp"

#include "tc/errors/table_lookup.hpp"

#include <boost/asio/ip/address_v6.hpp>
#include <charconv>
#include <fstream>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <system_error>

namespace tc::protocol {
namespace {

using boost::system::result;

bool isHostChar(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
}

bool isTokenChar(char c) noexcept {
    return c > 0x20 && c < 0x7f;
}

std::optional<std::uint16_t> parsePort(std::string_view text) {
    if (text.empty() || text.size() > 5) {
        return std::nullopt;
    }
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

std::string_view schemeName(IceScheme s) noexcept {
    static constexpr errors::EnumNames<IceScheme::turns> names{{"stun", "stuns", "turn", "turns"}};
    return names(s, "stun");
}

std::vector<std::string_view> splitList(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        out.push_back(text.substr(0, comma));
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
        if (text.empty()) {
            out.emplace_back(); // a trailing comma is an empty (bad) URI
        }
    }
    return out;
}

result<std::vector<IceServerUri>> parseList(std::string_view text, bool turn) {
    std::vector<IceServerUri> out;
    for (const auto item : splitList(text)) {
        auto uri = parseIceServerUri(item);
        if (!uri) {
            return uri.error();
        }
        if (uri->isTurn() != turn) {
            return make_error_code(IceConfigErrc::wrongUriKind);
        }
        out.push_back(*uri);
    }
    if (out.size() > kMaxIceUris) {
        return make_error_code(IceConfigErrc::tooManyUris);
    }
    return out;
}

result<std::string> readSecret(const std::filesystem::path& file) {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (status.type() == std::filesystem::file_type::not_found) {
        return make_error_code(IceConfigErrc::secretFileMissing);
    }
    if (ec || status.type() != std::filesystem::file_type::regular) {
        return make_error_code(IceConfigErrc::secretUnreadable);
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return make_error_code(IceConfigErrc::secretUnreadable);
    }
    std::string secret;
    char c = 0;
    while (in.get(c)) {
        if (secret.size() > kMaxTurnSecretBytes + 2) {
            return make_error_code(IceConfigErrc::secretInvalid); // never read a huge file
        }
        secret.push_back(c);
    }
    if (in.bad()) {
        return make_error_code(IceConfigErrc::secretUnreadable);
    }
    // One trailing line end, as `openssl rand -hex 32 > file` writes it.
    if (!secret.empty() && secret.back() == '\n') {
        secret.pop_back();
        if (!secret.empty() && secret.back() == '\r') {
            secret.pop_back();
        }
    }
    return secret;
}

bool validSecret(std::string_view secret) noexcept {
    if (secret.empty() || secret.size() > kMaxTurnSecretBytes) {
        return false;
    }
    for (const char c : secret) {
        if (!isTokenChar(c)) {
            return false;
        }
    }
    return true;
}

std::int64_t unixSeconds(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

} // namespace

result<IceServerUri> parseIceServerUri(std::string_view text) {
    const auto bad = make_error_code(IceConfigErrc::badUri);
    IceServerUri uri;
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) {
        return bad;
    }
    const auto scheme = text.substr(0, colon);
    bool schemeKnown = false;
    for (const auto s : {IceScheme::stun, IceScheme::stuns, IceScheme::turn, IceScheme::turns}) {
        if (scheme == schemeName(s)) {
            uri.scheme = s;
            schemeKnown = true;
        }
    }
    if (!schemeKnown) {
        return bad;
    }
    std::string_view rest = text.substr(colon + 1);
    if (const auto query = rest.find('?'); query != std::string_view::npos) {
        const auto parameter = rest.substr(query + 1);
        rest = rest.substr(0, query);
        if (!uri.isTurn()) {
            return bad; // RFC 7064: a STUN URI has no query
        }
        if (parameter == "transport=udp") {
            uri.transport = IceTransport::udp;
        } else if (parameter == "transport=tcp") {
            uri.transport = IceTransport::tcp;
        } else {
            return bad;
        }
    }
    std::string_view portText;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) {
            return bad;
        }
        uri.host = std::string(rest.substr(1, close - 1));
        boost::system::error_code ec;
        boost::asio::ip::make_address_v6(uri.host, ec);
        if (ec || uri.host.find('%') != std::string::npos) {
            return bad;
        }
        rest.remove_prefix(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return bad;
            }
            portText = rest.substr(1);
            if (portText.empty()) {
                return bad;
            }
        }
    } else {
        const auto portColon = rest.find(':');
        uri.host = std::string(rest.substr(0, portColon));
        if (portColon != std::string_view::npos) {
            portText = rest.substr(portColon + 1);
            if (portText.empty()) {
                return bad;
            }
        }
        if (uri.host.empty() || uri.host.size() > 253 || uri.host.front() == '-' ||
            uri.host.front() == '.' || uri.host.find("..") != std::string::npos) {
            return bad;
        }
        for (const char c : uri.host) {
            if (!isHostChar(c)) {
                return bad;
            }
        }
    }
    if (portText.empty()) {
        uri.port = uri.usesTls() ? 5349 : 3478;
    } else if (const auto port = parsePort(portText)) {
        uri.port = *port;
    } else {
        return bad;
    }
    return uri;
}

std::string toString(const IceServerUri& uri) {
    std::string out(schemeName(uri.scheme));
    out += ':';
    out += uri.host.find(':') != std::string::npos ? "[" + uri.host + "]" : uri.host;
    out += ':' + std::to_string(uri.port);
    if (uri.transport != IceTransport::none) {
        out += uri.transport == IceTransport::udp ? "?transport=udp" : "?transport=tcp";
    }
    return out;
}

result<TurnCredential> issueTurnCredential(std::string_view secret, std::string_view partyId,
                                           std::chrono::system_clock::time_point expiresAt) {
    if (partyId.empty() || partyId.size() > kMaxPartyIdBytes) {
        return make_error_code(IceConfigErrc::badPartyId);
    }
    for (const char c : partyId) {
        if (!isTokenChar(c) || c == ':') {
            return make_error_code(IceConfigErrc::badPartyId);
        }
    }
    if (!validSecret(secret)) {
        return make_error_code(IceConfigErrc::secretInvalid);
    }
    TurnCredential out;
    out.expiresAt = std::chrono::time_point_cast<std::chrono::seconds>(expiresAt);
    out.username = std::to_string(unixSeconds(out.expiresAt)) + ":" + std::string(partyId);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int macLength = 0;
    if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(out.username.data()), out.username.size(), mac,
             &macLength) == nullptr) {
        return make_error_code(IceConfigErrc::cryptoFailure);
    }
    std::string encoded(4 * ((macLength + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), mac,
                                        static_cast<int>(macLength));
    if (written <= 0) {
        return make_error_code(IceConfigErrc::cryptoFailure);
    }
    encoded.resize(static_cast<std::size_t>(written));
    out.password = std::move(encoded);
    return out;
}

std::optional<std::chrono::system_clock::time_point> turnUsernameExpiry(std::string_view user) {
    const auto colon = user.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon > 19) {
        return std::nullopt;
    }
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(user.data(), user.data() + colon, seconds);
    if (ec != std::errc{} || end != user.data() + colon || seconds < 0) {
        return std::nullopt;
    }
    return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

boost::system::error_code validate(const IceConfig& config) {
    if (config.stun.size() > kMaxIceUris || config.turn.size() > kMaxIceUris) {
        return make_error_code(IceConfigErrc::tooManyUris);
    }
    for (const auto& uri : config.stun) {
        if (uri.isTurn()) {
            return make_error_code(IceConfigErrc::wrongUriKind);
        }
    }
    for (const auto& uri : config.turn) {
        if (!uri.isTurn()) {
            return make_error_code(IceConfigErrc::wrongUriKind);
        }
    }
    if (config.turn.empty() != config.turnSecret.empty()) {
        return make_error_code(config.turn.empty() ? IceConfigErrc::secretWithoutTurn
                                                   : IceConfigErrc::turnWithoutSecret);
    }
    if (!config.turnSecret.empty() && !validSecret(config.turnSecret)) {
        return make_error_code(IceConfigErrc::secretInvalid);
    }
    if (config.credentialLifetime < kMinTurnCredentialLifetime ||
        config.credentialLifetime > kMaxTurnCredentialLifetime) {
        return make_error_code(IceConfigErrc::lifetimeOutOfRange);
    }
    return {};
}

result<IceConfig> loadIceConfig(const IceConfigInput& input) {
    IceConfig config;
    if (input.credentialLifetimeSeconds < kMinTurnCredentialLifetime.count() ||
        input.credentialLifetimeSeconds > kMaxTurnCredentialLifetime.count()) {
        return make_error_code(IceConfigErrc::lifetimeOutOfRange);
    }
    config.credentialLifetime = std::chrono::seconds(input.credentialLifetimeSeconds);
    auto stun = parseList(input.stunUris, false);
    if (!stun) {
        return stun.error();
    }
    auto turn = parseList(input.turnUris, true);
    if (!turn) {
        return turn.error();
    }
    config.stun = std::move(*stun);
    config.turn = std::move(*turn);
    if (input.turnSecretFile) {
        auto secret = readSecret(*input.turnSecretFile);
        if (!secret) {
            return secret.error();
        }
        if (!validSecret(*secret)) {
            return make_error_code(IceConfigErrc::secretInvalid);
        }
        config.turnSecret = std::move(*secret);
    }
    if (const auto error = validate(config)) {
        return error;
    }
    return config;
}

result<std::vector<IceServer>> iceServersFor(const IceConfig& config, std::string_view partyId,
                                             std::chrono::system_clock::time_point now) {
    std::vector<IceServer> out;
    if (!config.stun.empty()) {
        IceServer stun;
        for (const auto& uri : config.stun) {
            stun.urls.push_back(toString(uri));
        }
        out.push_back(std::move(stun));
    }
    if (!config.turn.empty()) {
        auto credential =
            issueTurnCredential(config.turnSecret, partyId, now + config.credentialLifetime);
        if (!credential) {
            return credential.error();
        }
        IceServer turn;
        for (const auto& uri : config.turn) {
            turn.urls.push_back(toString(uri));
        }
        turn.username = std::move(credential->username);
        turn.credential = std::move(credential->password);
        out.push_back(std::move(turn));
    }
    return out;
}

} // namespace tc::protocol

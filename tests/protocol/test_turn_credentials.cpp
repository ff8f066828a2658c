// TURN credentials (TURN REST API, coturn's use-auth-secret), STUN/TURN URIs, the service's
// STUN/TURN configuration, the `ice_servers` field, and both parties of a session receiving them.
#include "support/catch_result.hpp"
#include "support/test_support.hpp"
#include "tc/protocol/ice_servers.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace tc;
using namespace tc::test;
using namespace std::chrono_literals;
using protocol::IceConfigErrc;
namespace type = protocol::type;

namespace {

using SysTime = std::chrono::system_clock::time_point;
constexpr std::string_view kSecret = "telecabine-test-secret";

SysTime unix(std::int64_t seconds) {
    return SysTime(std::chrono::seconds(seconds));
}

std::string run(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    std::array<char, 256> buffer{};
    while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
        out.append(buffer.data(), n);
    }
    REQUIRE(pclose(pipe) == 0);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
        out.pop_back();
    }
    return out;
}

// The openssl CLI's HMAC-SHA1, base64-encoded: an implementation independent of ours.
std::string opensslCredential(std::string_view secret, const std::string& username) {
    return run("printf '%s' '" + username + "' | openssl dgst -sha1 -hmac '" + std::string(secret) +
               "' -binary | base64");
}

std::filesystem::path makeTempDir() {
    char name[] = "/tmp/tc-turn-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    return name;
}

struct TempDir {
    std::filesystem::path path = makeTempDir();
    ~TempDir() { std::filesystem::remove_all(path); }
    std::filesystem::path write(const std::string& name, const std::string& content) const {
        std::ofstream(path / name, std::ios::binary) << content;
        return path / name;
    }
};

} // namespace

TEST_CASE("TURN credential: known answer computed with the openssl CLI", "[turn]") {
    // printf '%s' 1800000000:S-0123456789abcdef01234567-doctor |
    //   openssl dgst -sha1 -hmac telecabine-test-secret -binary | base64
    const auto credential = protocol::issueTurnCredential(
        kSecret, "S-0123456789abcdef01234567-doctor", unix(1'800'000'000));
    REQUIRE(credential);
    CHECK(credential->username == "1800000000:S-0123456789abcdef01234567-doctor");
    CHECK(credential->password == "WBGbfFaPBgKe05ZjJFAg1b/c9DY=");
    CHECK(credential->expiresAt == unix(1'800'000'000));
    const auto cabin = protocol::issueTurnCredential(kSecret, "S-0123456789abcdef01234567-cabin",
                                                     unix(1'800'000'000));
    REQUIRE(cabin);
    CHECK(cabin->password == "zqGGa4rlxoF+9QfZjadxkhmH098=");
}

TEST_CASE("TURN credential: agrees with openssl dgst -hmac run now", "[turn]") {
    const auto party = GENERATE(as<std::string>{}, "S-0123456789abcdef01234567-doctor", "a",
                                "cabin.FR-NEV-GARE-01", std::string(128, 'z'));
    const auto expiry =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now() + 1h);
    const auto credential = protocol::issueTurnCredential(kSecret, party, expiry);
    REQUIRE(credential);
    CHECK(credential->password == opensslCredential(kSecret, credential->username));
    CHECK(protocol::turnUsernameExpiry(credential->username) == expiry);
    // The fractional part of the expiry is dropped, never rounded up.
    const auto late = protocol::issueTurnCredential(kSecret, party, expiry + 999ms);
    REQUIRE(late);
    CHECK(late->username == credential->username);
}

TEST_CASE("TURN credential: party ids and secrets that cannot make one", "[turn]") {
    const auto party = GENERATE(as<std::string>{}, "", "has:colon", "has space", "tab\there",
                                std::string(129, 'z'), "caf\xc3\xa9");
    const auto refused = protocol::issueTurnCredential(kSecret, party, unix(1'800'000'000));
    REQUIRE_FALSE(refused);
    CHECK(refused.error() == IceConfigErrc::badPartyId);
    CHECK(protocol::issueTurnCredential("", "p", unix(1)).error() == IceConfigErrc::secretInvalid);
    CHECK(protocol::issueTurnCredential("two words", "p", unix(1)).error() ==
          IceConfigErrc::secretInvalid);
}

TEST_CASE("TURN username expiry is read back, and garbage is not an expiry", "[turn]") {
    CHECK(protocol::turnUsernameExpiry("1800000000:x") == unix(1'800'000'000));
    CHECK_FALSE(protocol::turnUsernameExpiry("x:1800000000"));
    CHECK_FALSE(protocol::turnUsernameExpiry(":x"));
    CHECK_FALSE(protocol::turnUsernameExpiry("1800000000"));
    CHECK_FALSE(protocol::turnUsernameExpiry("-5:x"));
    CHECK_FALSE(protocol::turnUsernameExpiry("99999999999999999999:x"));
}

TEST_CASE("STUN and TURN URIs of RFC 7064 and RFC 7065", "[turn]") {
    using protocol::IceScheme;
    using protocol::IceTransport;
    struct Good {
        std::string text;
        IceScheme scheme;
        std::string host;
        std::uint16_t port;
        IceTransport transport;
        std::string canonical;
    };
    const auto good = GENERATE(
        Good{"stun:stun.example.org", IceScheme::stun, "stun.example.org", 3478, IceTransport::none,
             "stun:stun.example.org:3478"},
        Good{"stun:192.0.2.1:19302", IceScheme::stun, "192.0.2.1", 19302, IceTransport::none,
             "stun:192.0.2.1:19302"},
        Good{"stuns:stun.example.org", IceScheme::stuns, "stun.example.org", 5349,
             IceTransport::none, "stuns:stun.example.org:5349"},
        Good{"turn:turn.example.org:3478?transport=udp", IceScheme::turn, "turn.example.org", 3478,
             IceTransport::udp, "turn:turn.example.org:3478?transport=udp"},
        Good{"turn:turn.example.org?transport=tcp", IceScheme::turn, "turn.example.org", 3478,
             IceTransport::tcp, "turn:turn.example.org:3478?transport=tcp"},
        Good{"turns:turn.example.org:443?transport=tcp", IceScheme::turns, "turn.example.org", 443,
             IceTransport::tcp, "turns:turn.example.org:443?transport=tcp"},
        Good{"turn:[2001:db8::1]:3478", IceScheme::turn, "2001:db8::1", 3478, IceTransport::none,
             "turn:[2001:db8::1]:3478"});
    const auto uri = protocol::parseIceServerUri(good.text);
    REQUIRE(uri);
    CHECK(uri->scheme == good.scheme);
    CHECK(uri->host == good.host);
    CHECK(uri->port == good.port);
    CHECK(uri->transport == good.transport);
    CHECK(protocol::toString(*uri) == good.canonical);
}

TEST_CASE("malformed STUN and TURN URIs are refused", "[turn]") {
    const auto bad = GENERATE(
        as<std::string>{}, "", "stun", "stun:", "http://turn.example.org",
        "turn://turn.example.org:3478", "TURN:turn.example.org", "turn:user@turn.example.org",
        "turn:turn.example.org:0", "turn:turn.example.org:65536",
        "turn:turn.example.org:", "turn:turn.example.org:34x",
        "turn:turn.example.org?transport=sctp",
        "turn:turn.example.org?transport=", "turn:turn.example.org?foo=bar",
        "stun:stun.example.org?transport=udp", "turn:[2001:db8::1", "turn:[not-v6]:3478",
        "turn:[fe80::1%eth0]", "turn:2001:db8::1", "turn:-bad.example.org",
        "turn:bad_host.example.org", "turn:.example.org", "turn:bad..example.org",
        "turn:turn.example.org:3478/path", "stun:ex ample.org");
    const auto uri = protocol::parseIceServerUri(bad);
    REQUIRE_FALSE(uri);
    CHECK(uri.error() == IceConfigErrc::badUri);
}

TEST_CASE("STUN/TURN configuration: loaded from the options, refusals typed", "[turn]") {
    // One directory for every run of the case: GENERATE keeps the paths of its first run.
    static const TempDir dir;
    const auto secretFile = dir.write("secret", std::string(kSecret) + "\n");

    SECTION("a full configuration") {
        const auto config = protocol::loadIceConfig(
            {"stun:stun.example.org,stun:[2001:db8::5]:3479",
             "turn:turn.example.org:3478?transport=udp,turn:turn.example.org:3478?transport=tcp,"
             "turns:turn.example.org:443?transport=tcp",
             secretFile, 7200});
        REQUIRE(config);
        CHECK(config->stun.size() == 2);
        CHECK(config->turn.size() == 3);
        CHECK(config->turnSecret == kSecret); // the line end is not part of it
        CHECK(config->credentialLifetime == 7200s);
    }
    SECTION("nothing configured: no servers, and that is valid") {
        const auto config = protocol::loadIceConfig({});
        REQUIRE(config);
        CHECK(config->empty());
        CHECK(config->credentialLifetime == protocol::kDefaultTurnCredentialLifetime);
    }
    SECTION("STUN only needs no secret") {
        const auto config = protocol::loadIceConfig({"stun:stun.example.org", "", {}, 3600});
        REQUIRE(config);
        CHECK(config->turn.empty());
    }
    SECTION("refusals") {
        struct Case {
            protocol::IceConfigInput input;
            IceConfigErrc expected;
        };
        const std::string turn = "turn:turn.example.org";
        const auto tooMany = [&] {
            std::string list = turn;
            for (int i = 0; i < 8; ++i) {
                list += "," + turn;
            }
            return list;
        }();
        const auto c = GENERATE_COPY(
            Case{{"stun:ok.example.org,stun:bad host", "", {}, 3600}, IceConfigErrc::badUri},
            Case{{"stun:ok.example.org,", "", {}, 3600}, IceConfigErrc::badUri},
            Case{{"", "turn:turn.example.org?transport=quic", {}, 3600}, IceConfigErrc::badUri},
            Case{{turn, "", {}, 3600}, IceConfigErrc::wrongUriKind},
            Case{{"", "stun:stun.example.org", {}, 3600}, IceConfigErrc::wrongUriKind},
            Case{{"", tooMany, {}, 3600}, IceConfigErrc::tooManyUris},
            Case{{"", turn, {}, 3600}, IceConfigErrc::turnWithoutSecret},
            Case{{"", "", secretFile, 3600}, IceConfigErrc::secretWithoutTurn},
            Case{{"", turn, dir.path / "absent", 3600}, IceConfigErrc::secretFileMissing},
            Case{{"", turn, dir.path, 3600}, IceConfigErrc::secretUnreadable},
            Case{{"", turn, dir.write("empty", ""), 3600}, IceConfigErrc::secretInvalid},
            Case{{"", turn, dir.write("newline", "\n"), 3600}, IceConfigErrc::secretInvalid},
            Case{{"", turn, dir.write("spaces", "two words\n"), 3600},
                 IceConfigErrc::secretInvalid},
            Case{{"", turn, dir.write("lines", "one\ntwo\n"), 3600}, IceConfigErrc::secretInvalid},
            Case{{"", turn, dir.write("huge", std::string(100'000, 'k')), 3600},
                 IceConfigErrc::secretInvalid},
            Case{{"", turn, secretFile, 599}, IceConfigErrc::lifetimeOutOfRange},
            Case{{"", turn, secretFile, 86'401}, IceConfigErrc::lifetimeOutOfRange},
            Case{{"", turn, secretFile, -1}, IceConfigErrc::lifetimeOutOfRange});
        const auto config = protocol::loadIceConfig(c.input);
        REQUIRE_FALSE(config);
        CHECK(config.error() == c.expected);
        CHECK_FALSE(config.error().message().empty());
    }
    SECTION("the bounds themselves are accepted") {
        const auto lifetime = GENERATE(600, 86'400);
        const auto config =
            protocol::loadIceConfig({"", "turn:t.example.org", secretFile, lifetime});
        REQUIRE(config);
        CHECK(config->credentialLifetime == std::chrono::seconds(lifetime));
    }
}

TEST_CASE("the service refuses an invalid STUN/TURN configuration built in code", "[turn]") {
    TestPki pki;
    protocol::IoThread io("test-ice-config");
    protocol::ServiceConfig config;
    config.tls = {pki.service, pki.ca.certificatePem()};
    config.ice.turn = {*protocol::parseIceServerUri("turn:turn.example.org")};
    auto started = protocol::RendezvousService::start(io.executor(), config);
    REQUIRE_FALSE(started);
    CHECK(started.error() == IceConfigErrc::turnWithoutSecret);
    config.ice.turnSecret = kSecret;
    config.ice.credentialLifetime = 30s;
    started = protocol::RendezvousService::start(io.executor(), config);
    REQUIRE_FALSE(started);
    CHECK(started.error() == IceConfigErrc::lifetimeOutOfRange);
}

TEST_CASE("credentials expire the configured lifetime after they are issued", "[turn]") {
    protocol::IceConfig config;
    config.stun = {*protocol::parseIceServerUri("stun:stun.example.org")};
    config.turn = {*protocol::parseIceServerUri("turn:turn.example.org?transport=udp"),
                   *protocol::parseIceServerUri("turns:turn.example.org:443?transport=tcp")};
    config.turnSecret = kSecret;
    config.credentialLifetime = 5400s;
    const auto servers = protocol::iceServersFor(config, "S-1-doctor", unix(1'800'000'000) + 400ms);
    REQUIRE(servers);
    REQUIRE(servers->size() == 2);
    CHECK((*servers)[0].urls == std::vector<std::string>{"stun:stun.example.org:3478"});
    CHECK((*servers)[0].username.empty());
    CHECK((*servers)[0].credential.empty());
    CHECK((*servers)[1].urls ==
          std::vector<std::string>{"turn:turn.example.org:3478?transport=udp",
                                   "turns:turn.example.org:443?transport=tcp"});
    CHECK((*servers)[1].username == "1800005400:S-1-doctor");
    CHECK((*servers)[1].credential == opensslCredential(kSecret, "1800005400:S-1-doctor"));
    CHECK(protocol::iceServersFor({}, "S-1-doctor", unix(0))->empty());
}

namespace {

nlohmann::json visitClaimedBody(nlohmann::json iceServers) {
    nlohmann::json body{{"visit_id", "V-1"},
                        {"session_id", "S-0123456789abcdef01234567"},
                        {"doctor_name", "Dr Claire Martin"},
                        {"doctor_rpps", "10101234564"}};
    body["ice_servers"] = std::move(iceServers);
    return body;
}

const nlohmann::json kTurnEntry{{"urls", {"turn:turn.example.org:3478?transport=udp"}},
                                {"username", "1800000000:S-0123456789abcdef01234567-cabin"},
                                {"credential", "zqGGa4rlxoF+9QfZjadxkhmH098="}};
const nlohmann::json kStunEntry{{"urls", {"stun:stun.example.org:3478"}}};

} // namespace

TEST_CASE("ice_servers on the wire: parsed into the session types", "[turn][messages]") {
    const auto claimed =
        protocol::fromJson<protocol::VisitClaimed>(visitClaimedBody({kStunEntry, kTurnEntry}));
    REQUIRE(claimed);
    REQUIRE(claimed->iceServers.size() == 2);
    CHECK(claimed->iceServers[0].urls == std::vector<std::string>{"stun:stun.example.org:3478"});
    CHECK(claimed->iceServers[0].username.empty());
    CHECK(claimed->iceServers[1].username == "1800000000:S-0123456789abcdef01234567-cabin");
    CHECK(claimed->iceServers[1].credential == "zqGGa4rlxoF+9QfZjadxkhmH098=");
    CHECK(protocol::toJson(*claimed) == visitClaimedBody({kStunEntry, kTurnEntry}));

    // Absent or empty: no servers. A service that names none leaves the field out.
    auto without = visitClaimedBody({});
    without.erase("ice_servers");
    const auto bare = protocol::fromJson<protocol::VisitClaimed>(without);
    REQUIRE(bare);
    CHECK(bare->iceServers.empty());
    CHECK(protocol::toJson(*bare) == without);
    CHECK(protocol::fromJson<protocol::VisitClaimed>(visitClaimedBody(nlohmann::json::array())));

    protocol::ClaimResult result;
    result.sessionId = "S-0123456789abcdef01234567";
    result.entry.visit = adultVisit("V-1");
    result.entry.cabinName = "Cabine de test";
    result.iceServers = claimed->iceServers;
    const auto parsed = protocol::fromJson<protocol::ClaimResult>(protocol::toJson(result));
    REQUIRE(parsed);
    REQUIRE(parsed->iceServers.size() == 2);
    CHECK(parsed->iceServers[1].credential == result.iceServers[1].credential);
}

TEST_CASE("ice_servers on the wire: malformed and hostile entries are refused, typed",
          "[turn][messages]") {
    using protocol::Errc;
    struct Case {
        nlohmann::json iceServers;
        Errc expected;
    };
    auto with = [](std::string key, nlohmann::json value) {
        auto entry = kTurnEntry;
        entry[key] = std::move(value);
        return entry;
    };
    auto without = [](std::string key) {
        auto entry = kTurnEntry;
        entry.erase(key);
        return entry;
    };
    auto stunWith = [](std::string key) {
        auto entry = kStunEntry;
        entry[key] = "x";
        return entry;
    };
    const auto c = GENERATE_COPY(
        Case{"turn:turn.example.org", Errc::wrongFieldType},
        Case{nlohmann::json::object(), Errc::wrongFieldType},
        Case{{kTurnEntry, kTurnEntry, kTurnEntry, kTurnEntry, kTurnEntry}, Errc::invalidField},
        Case{{"turn:turn.example.org"}, Errc::wrongFieldType},
        Case{{without("urls")}, Errc::missingField},
        Case{{with("urls", "turn:turn.example.org")}, Errc::wrongFieldType},
        Case{{with("urls", nlohmann::json::array())}, Errc::invalidField},
        Case{{with("urls", {42})}, Errc::wrongFieldType},
        Case{{with("urls", {"http://turn.example.org"})}, Errc::invalidField},
        Case{{with("urls", {"turn:" + std::string(400, 'a') + ".org"})}, Errc::invalidField},
        Case{{with("urls", std::vector<std::string>(9, "turn:t.example.org"))}, Errc::invalidField},
        Case{{without("username")}, Errc::missingField},
        Case{{without("credential")}, Errc::missingField},
        Case{{with("username", "")}, Errc::invalidField},
        Case{{with("username", std::string(509, 'u'))}, Errc::invalidField},
        Case{{with("credential", std::string(257, 'c'))}, Errc::invalidField},
        Case{{with("credential", 12)}, Errc::wrongFieldType},
        Case{{with("credentialType", "password")}, Errc::unknownField},
        Case{{stunWith("username")}, Errc::invalidField},
        Case{{stunWith("credential")}, Errc::invalidField});
    const auto parsed = protocol::fromJson<protocol::VisitClaimed>(visitClaimedBody(c.iceServers));
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == c.expected);
    CHECK(parsed.error().detail.rfind("body.ice_servers", 0) == 0);
}

TEST_CASE("both parties of a session receive the servers with their own fresh credentials",
          "[turn][rendezvous]") {
    protocol::IceConfig ice;
    ice.stun = {*protocol::parseIceServerUri("stun:stun.example.org:3478")};
    ice.turn = {*protocol::parseIceServerUri("turn:turn.example.org:3478?transport=udp"),
                *protocol::parseIceServerUri("turns:turn.example.org:443?transport=tcp")};
    ice.turnSecret = kSecret;
    ice.credentialLifetime = 3600s;
    TestPki pki;
    TestService service(pki, 60s, ":memory:", 10s, ice);
    SyncClient cabin(pki, pki.cabin(), service.port());
    SyncClient doctor(pki, pki.doctor(), service.port());
    const auto before = std::chrono::system_clock::now();
    const auto claim = claimVisit(cabin, doctor, "V-ICE");
    const auto after = std::chrono::system_clock::now();
    const auto* result = &claim.doctor;
    const auto* claimed = &claim.cabin;

    for (const auto* servers : {&result->iceServers, &claimed->iceServers}) {
        REQUIRE(servers->size() == 2);
        CHECK((*servers)[0].urls == std::vector<std::string>{"stun:stun.example.org:3478"});
        CHECK((*servers)[0].username.empty());
        CHECK((*servers)[1].urls ==
              std::vector<std::string>{"turn:turn.example.org:3478?transport=udp",
                                       "turns:turn.example.org:443?transport=tcp"});
        const auto& turn = (*servers)[1];
        CHECK(turn.credential == opensslCredential(kSecret, turn.username));
        const auto expiry = protocol::turnUsernameExpiry(turn.username);
        REQUIRE(expiry);
        CHECK(*expiry >= std::chrono::time_point_cast<std::chrono::seconds>(before + 3600s));
        CHECK(*expiry <= after + 3600s);
    }
    const auto& doctorTurn = result->iceServers[1];
    const auto& cabinTurn = claimed->iceServers[1];
    CHECK(doctorTurn.username != cabinTurn.username);
    CHECK(doctorTurn.credential != cabinTurn.credential);
    // Named after the session and the role, never after the doctor or the patient.
    const auto suffix = [](const std::string& user) {
        return user.substr(user.find(':') + 1);
    };
    CHECK(suffix(doctorTurn.username) == result->sessionId + "-doctor");
    CHECK(suffix(cabinTurn.username) == claimed->sessionId + "-cabin");
    CHECK(claimed->sessionId == result->sessionId);
}

TEST_CASE("a service that names no STUN/TURN server sends no ice_servers", "[turn][rendezvous]") {
    TestPki pki;
    TestService service(pki);
    SyncClient cabin(pki, pki.cabin(), service.port());
    SyncClient doctor(pki, pki.doctor(), service.port());
    const auto claim = claimVisit(cabin, doctor, "V-BARE");
    CHECK_FALSE(claim.doctorBody.contains("ice_servers"));
    CHECK_FALSE(claim.cabinBody.contains("ice_servers"));
}

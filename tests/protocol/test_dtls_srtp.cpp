// The DTLS-SRTP handshake engine, two instances pumped in memory: keys agree crosswise, the
// fingerprint from the SDP is enforced, lost flights are retransmitted, and hostile datagrams
// neither crash it nor complete it.
#include "support/catch_result.hpp"
#include "tc/protocol/dtls_srtp.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <thread>

using namespace tc::protocol;

namespace {

std::shared_ptr<const DtlsCertificate> certificate() {
    auto generated = DtlsCertificate::generate();
    REQUIRE(generated);
    return *generated;
}

// Delivers each side's datagrams to the other until both are quiet; `filter` may drop or alter.
using Filter = std::function<bool(bool fromClient, DtlsSrtpHandshake::Datagram&)>;
void pump(DtlsSrtpHandshake& client, DtlsSrtpHandshake& server, const Filter& filter = {}) {
    for (int round = 0; round < 50; ++round) {
        bool moved = false;
        for (auto& d : client.takeOutgoing()) {
            moved = true;
            if (!filter || filter(true, d)) {
                server.receive(d);
            }
        }
        for (auto& d : server.takeOutgoing()) {
            moved = true;
            if (!filter || filter(false, d)) {
                client.receive(d);
            }
        }
        if (!moved) {
            return;
        }
    }
}

struct Pair {
    std::shared_ptr<const DtlsCertificate> clientCertificate = certificate();
    std::shared_ptr<const DtlsCertificate> serverCertificate = certificate();
    std::unique_ptr<DtlsSrtpHandshake> client;
    std::unique_ptr<DtlsSrtpHandshake> server;

    explicit Pair(std::vector<SrtpSuite> clientSuites = {SrtpSuite::aeadAes128Gcm,
                                                         SrtpSuite::aesCm128HmacSha1_80},
                  std::vector<SrtpSuite> serverSuites = {SrtpSuite::aeadAes128Gcm,
                                                         SrtpSuite::aesCm128HmacSha1_80},
                  std::optional<Fingerprint> serverExpects = std::nullopt) {
        auto c = DtlsSrtpHandshake::create(DtlsRole::client, clientCertificate,
                                           serverCertificate->fingerprint(), clientSuites);
        auto s = DtlsSrtpHandshake::create(DtlsRole::server, serverCertificate,
                                           serverExpects.value_or(clientCertificate->fingerprint()),
                                           serverSuites);
        REQUIRE(c);
        REQUIRE(s);
        client = std::move(*c);
        server = std::move(*s);
        server->start();
        client->start();
    }
};

} // namespace

TEST_CASE("dtls: fingerprints are SHA-256, canonical and validated", "[dtls]") {
    const auto cert = certificate();
    const auto& fp = cert->fingerprint();
    CHECK(fp.rfind("sha-256 ", 0) == 0);
    CHECK(fp.size() == 8 + 95);
    std::string lower = fp;
    for (auto& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto parsed = parseFingerprint("SHA-256" + lower.substr(7));
    REQUIRE(parsed);
    CHECK(*parsed == fp);
    CHECK(parseFingerprint("sha-1 AB:CD").error() == DtlsErrc::badFingerprint);
    CHECK(parseFingerprint(fp.substr(0, fp.size() - 1)).error() == DtlsErrc::badFingerprint);
    CHECK(parseFingerprint(fp.substr(0, fp.size() - 1) + "G").error() == DtlsErrc::badFingerprint);
    CHECK(parseFingerprint("").error() == DtlsErrc::badFingerprint);
    // A fresh certificate per session.
    CHECK(certificate()->fingerprint() != fp);
    // And it survives a PEM round trip (what an external peer is given).
    const auto again = DtlsCertificate::fromPem(cert->pem());
    REQUIRE(again);
    CHECK((*again)->fingerprint() == fp);
    CHECK(DtlsCertificate::fromPem("not a pem").error() == DtlsErrc::certificateFailure);
}

TEST_CASE("dtls: the handshake exports matching SRTP keys, AEAD preferred", "[dtls]") {
    Pair pair;
    pump(*pair.client, *pair.server);
    REQUIRE(pair.client->done());
    REQUIRE(pair.server->done());
    const auto& c = pair.client->keys();
    const auto& s = pair.server->keys();
    CHECK(c.suite == SrtpSuite::aeadAes128Gcm);
    CHECK(s.suite == SrtpSuite::aeadAes128Gcm);
    CHECK(c.sendKey.size() == masterKeyLength(SrtpSuite::aeadAes128Gcm));
    CHECK(c.sendKey == s.receiveKey);
    CHECK(c.receiveKey == s.sendKey);
    CHECK(c.sendKey != c.receiveKey);

    // The keys work in libsrtp: client protects, server unprotects.
    auto sender = SrtpSession::create(c.suite, c.sendKey, SrtpDirection::outbound);
    auto receiver = SrtpSession::create(s.suite, s.receiveKey, SrtpDirection::inbound);
    REQUIRE(sender);
    REQUIRE(receiver);
    std::vector<std::uint8_t> packet = {0x80, 96,   0,    1,    0, 0, 0, 160,
                                        0x11, 0x22, 0x33, 0x44, 1, 2, 3, 4};
    const auto plain = packet;
    packet.resize(64);
    std::size_t length = plain.size();
    REQUIRE_FALSE(sender->protectRtp(packet, length));
    REQUIRE_FALSE(receiver->unprotectRtp(packet, length));
    packet.resize(length);
    CHECK(packet == plain);
}

TEST_CASE("dtls: the suite is negotiated down to what both support", "[dtls]") {
    Pair pair({SrtpSuite::aeadAes128Gcm, SrtpSuite::aesCm128HmacSha1_80},
              {SrtpSuite::aesCm128HmacSha1_80});
    pump(*pair.client, *pair.server);
    REQUIRE(pair.client->done());
    CHECK(pair.client->keys().suite == SrtpSuite::aesCm128HmacSha1_80);
    CHECK(pair.client->keys().sendKey.size() == 30);
    CHECK(pair.client->keys().sendKey == pair.server->keys().receiveKey);
}

TEST_CASE("dtls: a certificate that is not the announced one aborts with a clear error",
          "[dtls][hostile]") {
    const auto impostor = certificate();
    Pair pair({SrtpSuite::aeadAes128Gcm}, {SrtpSuite::aeadAes128Gcm}, impostor->fingerprint());
    pump(*pair.client, *pair.server);
    CHECK_FALSE(pair.server->done());
    CHECK(pair.server->failure() == DtlsErrc::fingerprintMismatch);
    CHECK_FALSE(pair.client->done()); // it got an alert, not keys
    CHECK(pair.server->failure().message().find("fingerprint") != std::string::npos);
}

TEST_CASE("dtls: a lost flight is retransmitted on the timer", "[dtls]") {
    Pair pair;
    int dropped = 0;
    // Lose the server's first flight.
    pump(*pair.client, *pair.server, [&](bool fromClient, auto&) {
        if (!fromClient && dropped == 0) {
            ++dropped;
            return false;
        }
        return true;
    });
    CHECK_FALSE(pair.client->done());
    const auto wait = pair.client->nextTimeout();
    REQUIRE(wait);
    CHECK(*wait <= std::chrono::milliseconds(250));
    std::this_thread::sleep_for(*wait + std::chrono::milliseconds(5));
    pair.client->onTimer();
    pump(*pair.client, *pair.server);
    CHECK(pair.client->done());
    CHECK(pair.server->done());
    CHECK_FALSE(pair.client->nextTimeout());
}

TEST_CASE("dtls: truncated, corrupted and foreign datagrams are discarded", "[dtls][hostile]") {
    Pair hostile;
    auto flights = hostile.client->takeOutgoing();
    REQUIRE(flights.size() == 1);
    const auto hello = flights.front();
    for (std::size_t cut :
         {std::size_t{1}, std::size_t{5}, std::size_t{13}, hello.size() / 2, hello.size() - 1}) {
        auto truncated = std::vector<std::uint8_t>(hello.begin(), hello.begin() + cut);
        CHECK_FALSE(hostile.server->receive(truncated));
    }
    auto flipped = hello;
    flipped[11] ^= 0x40; // record length
    CHECK_FALSE(hostile.server->receive(flipped));
    std::vector<std::uint8_t> garbage(300, 0x17);
    CHECK_FALSE(hostile.server->receive(garbage));
    hostile.server->takeOutgoing();
    // The genuine hello still completes the handshake.
    CHECK_FALSE(hostile.server->receive(hello));
    pump(*hostile.client, *hostile.server);
    CHECK(hostile.client->done());
    CHECK(hostile.server->done());
}

TEST_CASE("dtls: close_notify from the peer is reported", "[dtls]") {
    Pair pair;
    pump(*pair.client, *pair.server);
    REQUIRE(pair.server->done());
    pair.client->close();
    for (auto& d : pair.client->takeOutgoing()) {
        pair.server->receive(d);
    }
    CHECK(pair.server->failure() == DtlsErrc::peerClosed);
}

TEST_CASE("dtls: a handshake that cannot complete times out", "[dtls]") {
    auto c =
        DtlsSrtpHandshake::create(DtlsRole::client, certificate(), certificate()->fingerprint());
    REQUIRE(c);
    (*c)->start();
    CHECK((*c)->nextTimeout());
    CHECK(DtlsSrtpHandshake::create(DtlsRole::client, certificate(), "sha-256 00").error() ==
          DtlsErrc::badFingerprint);
}

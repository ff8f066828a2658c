// Two media transports over real UDP on loopback: path verification, SRTP both ways, hostile
// datagrams dropped by cause, and consent freshness through a relay that can black-hole traffic.
#include "support/catch_result.hpp"
#include "support/rtp_packet.hpp"
#include "support/transport_pair.hpp"
#include "tc/protocol/impairment.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/media_transport.hpp"

#include <atomic>
#include <boost/asio/post.hpp>
#include <future>
#include <mutex>
#include <set>
#include <thread>

using namespace tc::protocol;
using namespace std::chrono_literals;
namespace net = boost::asio;
using udp = net::ip::udp;
using namespace tc::test;

namespace {

std::vector<std::uint8_t> l16Packet(std::uint16_t seq) {
    return tc::test::testRtpPacket(seq, 0x01020304, 960, 3);
}

} // namespace

TEST_CASE("media transport: verified path, keyed, then SRTP both ways", "[transport]") {
    const auto suite = GENERATE(SrtpSuite::aeadAes128Gcm, SrtpSuite::aesCm128HmacSha1_80);
    const auto keying = GENERATE(Pair::Keying::sdes, Pair::Keying::dtls);
    INFO(toString(suite) << (keying == Pair::Keying::dtls ? " DTLS-SRTP" : " SDES"));
    IoThread io("test-transport");
    Pair pair(suite, 5000ms, keying);
    auto a = *MediaTransport::open(io.executor(), pair.a);
    auto b = *MediaTransport::open(io.executor(), pair.b);
    Observer seenA;
    Observer seenB;
    // Media sent before the path is verified is refused, not sent in the clear.
    a->sendRtp(l16Packet(0));
    REQUIRE_FALSE(a->start({b->localCandidate()}, pair.bCredentials, pair.aKeys, seenA.packets(),
                           seenA.state()));
    REQUIRE_FALSE(b->start({a->localCandidate()}, pair.aCredentials, pair.bKeys, seenB.packets(),
                           seenB.state()));
    REQUIRE(eventually([&] { return seenA.last() == TransportState::connected; }));
    REQUIRE(eventually([&] { return seenB.last() == TransportState::connected; }));

    // Paced like real media (10 ms audio packets, here 1 ms): loopback UDP drops bursts that
    // overflow the receive buffer, as a real network would.
    for (std::uint16_t seq = 1; seq <= 100; ++seq) {
        a->sendRtp(l16Packet(seq));
        std::this_thread::sleep_for(1ms);
    }
    b->sendRtcp({0x80, 201, 0, 1, 0, 0, 0, 9});
    const bool allArrived = eventually([&] { return seenB.rtpCount() == 100; });
    if (!allArrived) {
        const auto s = statsOf(io, *b);
        const auto sa = statsOf(io, *a);
        UNSCOPED_INFO("B received " << s.rtpReceived << ", replayed " << s.droppedReplayed
                                    << ", forged " << s.droppedForged << ", malformed "
                                    << s.droppedMalformed << ", before " << s.droppedBeforeConnected
                                    << "; A sent " << sa.rtpSent << " dropped "
                                    << sa.droppedMalformed);
    }
    REQUIRE(allArrived);
    {
        std::lock_guard lock(seenB.mutex);
        for (std::uint16_t seq = 1; seq <= 100; ++seq) {
            CHECK(seenB.rtp[seq - 1] == l16Packet(seq)); // sample for sample
        }
    }
    REQUIRE(eventually([&] {
        std::lock_guard lock(seenA.mutex);
        return seenA.rtcp.size() == 1;
    }));
    const auto statsA = statsOf(io, *a);
    CHECK(statsA.suite == suite);
    CHECK((statsA.dtlsReceived > 0) == (keying == Pair::Keying::dtls));
    if (keying == Pair::Keying::dtls) {
        std::lock_guard lock(seenA.mutex);
        CHECK(std::find(seenA.states.begin(), seenA.states.end(), TransportState::securing) !=
              seenA.states.end());
    }
    CHECK(statsA.rtpSent == 100);
    CHECK(statsA.droppedBeforeConnected == 1);
    a->close();
    b->close();
    // No callback may reach the observers once they are gone; closed, the transports leave the
    // loop with no work.
    CHECK(io.stop());
}

TEST_CASE("media transport: datagrams from an unverified source never reach the session",
          "[transport]") {
    IoThread io("test-transport");
    Pair pair(SrtpSuite::aeadAes128Gcm);
    auto a = *MediaTransport::open(io.executor(), pair.a);
    auto b = *MediaTransport::open(io.executor(), pair.b);
    Observer seenA;
    Observer seenB;
    startDirect(pair, *a, *b, seenA, seenB);
    const auto before = statsOf(io, *b);

    net::io_context attackerIo;
    udp::socket attacker(attackerIo, udp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    const auto target = b->localCandidate().endpoint;
    // Plaintext RTP, a binding request signed with the wrong password, DTLS-looking garbage,
    // an oversized datagram and truncated STUN, none from a candidate ICE verified: libnice
    // answers or drops the STUN, and drops the rest before it reaches the transport.
    attacker.send_to(net::buffer(l16Packet(7)), target);
    const auto forgedStun = buildStun(kStunBindingRequest, TransactionId{1, 2, 3},
                                      {{kStunAttrUsername, {'x', ':', 'y'}}}, "not-the-password");
    attacker.send_to(net::buffer(forgedStun), target);
    attacker.send_to(net::buffer(std::vector<std::uint8_t>{22, 0xfe, 0xfd, 0, 0}), target);
    attacker.send_to(net::buffer(std::vector<std::uint8_t>(1600, 0x80)), target);
    attacker.send_to(net::buffer(std::vector<std::uint8_t>{0, 1, 0}), target);
    // Then one real packet on the verified path: once it is in, the others had their chance.
    a->sendRtp(l16Packet(8));
    REQUIRE(eventually([&] { return seenB.rtpCount() == 1; }));
    const auto after = statsOf(io, *b);
    {
        std::lock_guard lock(seenB.mutex);
        CHECK(seenB.rtp.front() == l16Packet(8));
    }
    CHECK(after.rtpReceived == before.rtpReceived + 1);
    CHECK(after.droppedForged == 0);
    CHECK(after.droppedMalformed == 0);
    CHECK(after.droppedOversized == 0);
    CHECK(seenB.last() == TransportState::connected); // nothing above disturbed the session
    a->close();
    b->close();
    // No callback may reach the observers once they are gone; closed, the transports leave the
    // loop with no work.
    CHECK(io.stop());
}

TEST_CASE("media transport: consent freshness loses and regains the peer", "[transport]") {
    IoThread io("test-transport");
    Pair pair(SrtpSuite::aeadAes128Gcm, 400ms);
    pair.a.restartAfterConsentLoss = 0ms; // this test: the same path comes back
    pair.b.restartAfterConsentLoss = 0ms;
    auto [a, b, relay] = openRelayed(io, pair);
    Observer seenA;
    Observer seenB;
    startThroughRelay(*relay, pair, *a, *b, seenA, seenB);
    REQUIRE(eventually([&] { return seenA.last() == TransportState::connected; }));

    // B keeps sending, as its RTCP reports would.
    std::atomic<bool> sending = true;
    std::thread sender([&] {
        for (std::uint16_t seq = 100; sending; ++seq) {
            b->sendRtp(l16Packet(seq));
            std::this_thread::sleep_for(20ms);
        }
    });
    relay->setBlackhole(true); // the network goes away
    REQUIRE(eventually([&] { return seenA.last() == TransportState::disconnected; }, 3000ms));
    relay->setBlackhole(false); // and comes back: B's packets authenticate again
    REQUIRE(eventually([&] { return seenA.last() == TransportState::connected; }, 3000ms));
    sending = false;
    sender.join();
    a->sendRtp(l16Packet(1));
    REQUIRE(eventually([&] { return seenB.rtpCount() == 1; }));
    relay->close();
    a->close();
    b->close();
    // No callback may reach the observers once they are gone; closed, the transports leave the
    // loop with no work.
    CHECK(io.stop());
}

TEST_CASE("media transport: burst loss, jitter, reordering and duplication", "[transport]") {
    IoThread io("test-transport");
    Pair pair(SrtpSuite::aeadAes128Gcm);
    auto [a, b, relay] = openRelayed(io, pair);
    Observer seenA;
    Observer seenB;
    startThroughRelay(*relay, pair, *a, *b, seenA, seenB);
    REQUIRE(eventually([&] { return seenA.last() == TransportState::connected; }));

    Impairment bad;
    bad.lossRate = 0.04; // bursts of 3: about 11 % of packets lost
    bad.burstLength = 3;
    bad.delay = 5ms;
    bad.jitter = 15ms;
    bad.reorderRate = 0.05;
    bad.duplicateRate = 0.05;
    bad.seed = 7;
    relay->setImpairment(bad);
    constexpr int kSent = 300;
    for (std::uint16_t seq = 1; seq <= kSent; ++seq) {
        a->sendRtp(l16Packet(seq));
        std::this_thread::sleep_for(2ms);
    }
    std::this_thread::sleep_for(300ms); // the last delayed packets

    std::vector<std::uint16_t> order;
    {
        std::lock_guard lock(seenB.mutex);
        for (const auto& packet : seenB.rtp) {
            const auto seq = static_cast<std::uint16_t>((packet[2] << 8) | packet[3]);
            CHECK(packet == l16Packet(seq)); // every packet that arrives is intact
            order.push_back(seq);
        }
    }
    const auto stats = statsOf(io, *b);
    INFO("received " << order.size() << " of " << kSent << ", relay dropped "
                     << relay->stats().dropped << ", duplicated " << relay->stats().duplicated);
    CHECK(order.size() > kSent * 7 / 10);
    CHECK(order.size() < kSent);
    CHECK_FALSE(std::is_sorted(order.begin(), order.end())); // reordered, and still accepted
    CHECK(stats.droppedReplayed >= 1);                       // duplicates are replays
    CHECK(stats.droppedForged == 0);
    CHECK(std::set<std::uint16_t>(order.begin(), order.end()).size() == order.size());
    relay->close();
    a->close();
    b->close();
    CHECK(io.stop()); // the transports closed, the loop runs out of work by itself
}

TEST_CASE("media transport: a DTLS certificate that is not the announced one fails the session",
          "[transport][dtls][hostile]") {
    IoThread io("test-transport");
    Pair pair(SrtpSuite::aeadAes128Gcm, 5000ms, Pair::Keying::dtls);
    // B expects someone else's certificate: a man in the middle of the signalling would look so.
    std::get<DtlsParameters>(pair.bKeys).remoteFingerprint =
        (*DtlsCertificate::generate())->fingerprint();
    auto a = *MediaTransport::open(io.executor(), pair.a);
    auto b = *MediaTransport::open(io.executor(), pair.b);
    Observer seenA;
    Observer seenB;
    REQUIRE_FALSE(a->start({b->localCandidate()}, pair.bCredentials, pair.aKeys, seenA.packets(),
                           seenA.state()));
    REQUIRE_FALSE(b->start({a->localCandidate()}, pair.aCredentials, pair.bKeys, seenB.packets(),
                           seenB.state()));
    REQUIRE(eventually([&] { return seenB.last() == TransportState::failed; }));
    {
        std::lock_guard lock(seenB.mutex);
        CHECK(seenB.error == DtlsErrc::fingerprintMismatch);
    }
    // A got an alert, or gives up at its deadline; it never gets keys either way.
    std::this_thread::sleep_for(100ms);
    CHECK(seenA.last() != TransportState::connected);
    b->sendRtp(l16Packet(1));
    std::this_thread::sleep_for(50ms);
    CHECK(seenA.rtpCount() == 0);
    // A malformed fingerprint is refused at start.
    Pair bad(SrtpSuite::aeadAes128Gcm, 5000ms, Pair::Keying::dtls);
    std::get<DtlsParameters>(bad.aKeys).remoteFingerprint = "sha-256 12:34";
    auto c = *MediaTransport::open(io.executor(), bad.a);
    CHECK(c->start({b->localCandidate()}, bad.bCredentials, bad.aKeys, seenA.packets(),
                   seenA.state()) == DtlsErrc::badFingerprint);
    a->close();
    b->close();
    c->close();
    CHECK(io.stop()); // the transports closed, the loop runs out of work by itself
}

TEST_CASE("media transport: the DTLS handshake completes through loss and jitter",
          "[transport][dtls]") {
    IoThread io("test-transport");
    Pair pair(SrtpSuite::aeadAes128Gcm, 5000ms, Pair::Keying::dtls);
    auto [a, b, relay] = openRelayed(io, pair);
    Impairment bad;
    bad.lossRate = 0.25; // a quarter of all datagrams, flights included
    bad.delay = 10ms;
    bad.jitter = 10ms;
    bad.seed = 11;
    relay->setImpairment(bad);
    Observer seenA;
    Observer seenB;
    startThroughRelay(*relay, pair, *a, *b, seenA, seenB);
    REQUIRE(eventually([&] { return seenA.last() == TransportState::connected; }, 10000ms));
    REQUIRE(eventually([&] { return seenB.last() == TransportState::connected; }, 10000ms));
    relay->setImpairment({});
    a->sendRtp(l16Packet(5));
    REQUIRE(eventually([&] { return seenB.rtpCount() == 1; }));
    relay->close();
    a->close();
    b->close();
    CHECK(io.stop()); // the transports closed, the loop runs out of work by itself
}

TEST_CASE("media transport: consent lost restarts ICE through the signalling, keys kept",
          "[transport][ice][restart]") {
    IoThread io("test-transport");
    Pair pair(SrtpSuite::aeadAes128Gcm, 400ms, Pair::Keying::dtls);
    pair.a.restartAfterConsentLoss = 200ms;
    pair.b.restartAfterConsentLoss = 200ms;
    auto a = *MediaTransport::open(io.executor(), pair.a);
    auto b = *MediaTransport::open(io.executor(), pair.b);
    // The signalling: what one side signals, the other applies (the rendezvous does this). The
    // first generation's trickled candidates are held back, so that the relay is the only
    // path, as if the peers could not reach each other directly.
    std::atomic<bool> trickle = false;
    const auto forwardTo = [&trickle](std::shared_ptr<MediaTransport> peer) {
        return [&trickle, peer](IceSignal signal) {
            if (trickle || std::holds_alternative<IceRestartSignal>(signal)) {
                peer->applyRemoteSignal(std::move(signal));
            }
        };
    };
    a->setSignalHandler(forwardTo(b));
    b->setSignalHandler(forwardTo(a));
    std::mutex pathsMutex;
    std::vector<MediaPath> pathsA;
    a->setPathHandler([&](const MediaPath& path) {
        std::lock_guard lock(pathsMutex);
        pathsA.push_back(path);
    });
    auto relay = *ImpairedRelay::open(io.executor());
    Observer seenA;
    Observer seenB;
    startThroughRelay(*relay, pair, *a, *b, seenA, seenB);
    REQUIRE(eventually([&] {
        return seenA.last() == TransportState::connected &&
               seenB.last() == TransportState::connected;
    }));
    std::atomic<bool> sending = true;
    std::thread sender([&] {
        for (std::uint16_t seq = 1; sending; ++seq) {
            a->sendRtp(l16Packet(seq));
            b->sendRtp(l16Packet(seq));
            std::this_thread::sleep_for(20ms);
        }
    });
    REQUIRE(eventually([&] { return seenB.rtpCount() > 5; }));
    // The path dies for good: consent is lost, ICE restarts on new candidates, which reach
    // each other directly.
    trickle = true;
    relay->setBlackhole(true);
    const auto sawReconnecting = [](Observer& seen) {
        std::lock_guard lock(seen.mutex);
        return std::find(seen.states.begin(), seen.states.end(), TransportState::reconnecting) !=
               seen.states.end();
    };
    const auto statesOf = [](Observer& seen) {
        std::lock_guard lock(seen.mutex);
        std::string out;
        for (const auto state : seen.states) {
            out += std::string(toString(state)) + " ";
        }
        return out;
    };
    const bool reconnecting =
        eventually([&] { return sawReconnecting(seenA) || sawReconnecting(seenB); }, 3000ms);
    INFO("A: " << statesOf(seenA) << "B: " << statesOf(seenB));
    if (!reconnecting) {
        sending = false;
        sender.join();
    }
    REQUIRE(reconnecting);
    REQUIRE(eventually(
        [&] {
            return seenA.last() == TransportState::connected &&
                   seenB.last() == TransportState::connected;
        },
        5000ms));
    const auto before = seenB.rtpCount();
    CHECK(eventually([&] { return seenB.rtpCount() > before + 10; }));
    sending = false;
    sender.join();
    const auto statsA = statsOf(io, *a);
    CHECK(statsA.restarts >= 1);
    CHECK(statsA.droppedForged == 0); // the same SRTP keys on both sides after the restart
    {
        std::lock_guard lock(pathsMutex);
        REQUIRE(pathsA.size() >= 2);
        CHECK(pathsA.front().remote.endpoint == relay->endpointForA());
        CHECK(pathsA.back().remote.endpoint != relay->endpointForA());
    }
    relay->close();
    a->close();
    b->close();
    CHECK(io.stop()); // the transports closed, the loop runs out of work by itself
}

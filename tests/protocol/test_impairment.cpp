// The simulated cabin's --impair: the spec it parses (typed refusals), and the impairment the
// transport applies to what it sends, seen from the real receiving side.
#include "support/transport_pair.hpp"
#include "tc/protocol/impairment.hpp"

#include <catch2/catch.hpp>

using namespace tc::protocol;
using namespace tc::test;

TEST_CASE("impairment spec: the cabin's --impair", "[impairment]") {
    const auto spec = parseImpairment("loss=10%,delay=40ms,jitter=20ms,reorder=2%");
    REQUIRE(spec.has_value());
    CHECK(spec->singleLossRate == Approx(0.10));
    CHECK(spec->delay == 40ms);
    CHECK(spec->jitter == 20ms);
    CHECK(spec->reorderRate == Approx(0.02));
    // Bursts: the same share of packets lost, in runs.
    const auto bursts = parseImpairment("loss=12%,burst=3,duplicate=1%,seed=9");
    REQUIRE(bursts.has_value());
    CHECK(bursts->lossRate == Approx(0.04));
    CHECK(bursts->burstLength == 3);
    CHECK(bursts->singleLossRate == 0);
    CHECK(bursts->duplicateRate == Approx(0.01));
    CHECK(bursts->seed == 9);
    // Typed refusals.
    CHECK(parseImpairment("").error() == ImpairmentErrc::badSyntax);
    CHECK(parseImpairment("loss").error() == ImpairmentErrc::badSyntax);
    CHECK(parseImpairment("loss=10%,").error() == ImpairmentErrc::badSyntax);
    CHECK(parseImpairment("latency=10ms").error() == ImpairmentErrc::unknownName);
    CHECK(parseImpairment("loss=60%").error() == ImpairmentErrc::outOfRange);
    CHECK(parseImpairment("loss=10").error() == ImpairmentErrc::outOfRange);
    CHECK(parseImpairment("delay=40").error() == ImpairmentErrc::outOfRange);
    CHECK(parseImpairment("delay=5000ms").error() == ImpairmentErrc::outOfRange);
    CHECK(parseImpairment("reorder=-1%").error() == ImpairmentErrc::outOfRange);
    // An episode.
    const auto episode = parseImpairment("loss=30%,from=20s,for=1500ms");
    REQUIRE(episode.has_value());
    CHECK(episode->from == 20s);
    CHECK(episode->duration == 1500ms);
    CHECK(parseImpairment("from=20").error() == ImpairmentErrc::outOfRange);
    CHECK(parseImpairment("for=s").error() == ImpairmentErrc::outOfRange);
    CHECK(parseImpairment("for=3601s").error() == ImpairmentErrc::outOfRange);
}

TEST_CASE("impairment episode: clean before and after, impaired only within it",
          "[impairment]") {
    Impairment loss50;
    loss50.singleLossRate = 0.5;
    loss50.from = 2s;
    loss50.duration = 3s;
    ImpairmentModel model(loss50);
    const auto start = std::chrono::steady_clock::time_point{} + 100s;
    int before = 0;
    int within = 0;
    int after = 0;
    for (int ms = 0; ms < 7000; ms += 5) {
        const bool dropped = model.next(start + std::chrono::milliseconds(ms)).drop;
        (ms < 2000 ? before : ms < 5000 ? within : after) += dropped ? 1 : 0;
    }
    CHECK(before == 0);
    CHECK(after == 0);
    CHECK(within > 200); // of 600 packets at 50 %
    CHECK(within < 400);
}

TEST_CASE("impairment: a transport impairs what it sends, and only that",
          "[impairment][transport]") {
    IoThread io("test-impairment");
    Pair pair(SrtpSuite::aeadAes128Gcm);
    pair.a.egressImpairment = *parseImpairment("loss=20%,delay=30ms,jitter=20ms,seed=3");
    auto a = *MediaTransport::open(io.executor(), pair.a);
    auto b = *MediaTransport::open(io.executor(), pair.b);
    Observer seenA;
    Observer seenB;
    startDirect(pair, *a, *b, seenA, seenB);
    constexpr int kSent = 400;
    const auto sentAt = std::chrono::steady_clock::now();
    for (std::uint16_t seq = 1; seq <= kSent; ++seq) {
        std::vector<std::uint8_t> rtp(40, 0);
        rtp[0] = 0x80;
        rtp[1] = 96;
        rtp[2] = static_cast<std::uint8_t>(seq >> 8);
        rtp[3] = static_cast<std::uint8_t>(seq);
        rtp[11] = 5;
        a->sendRtp(rtp);
        b->sendRtp(rtp);
    }
    // B's packets are not impaired: all of them reach A.
    REQUIRE(eventually([&] { return seenA.rtpCount() == kSent; }));
    // A's lose about a fifth, and none arrives before the 30 ms delay.
    std::this_thread::sleep_for(200ms); // the delayed ones still in flight
    const auto received = seenB.rtpCount();
    INFO("received " << received << " of " << kSent);
    CHECK(received > kSent * 70 / 100);
    CHECK(received < kSent * 90 / 100);
    CHECK(std::chrono::steady_clock::now() - sentAt >= 30ms);
    const auto stats = statsOf(io, *b);
    CHECK(stats.droppedForged == 0); // what arrives is intact SRTP
    a->close();
    b->close();
    CHECK(io.stop()); // the transports closed, the loop runs out of work by itself
}

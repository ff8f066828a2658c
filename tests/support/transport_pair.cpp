#include "support/transport_pair.hpp"

namespace tc::test {

std::vector<std::uint8_t> key(SrtpSuite suite, std::uint8_t seed) {
    std::vector<std::uint8_t> k(masterKeyLength(suite));
    for (std::size_t i = 0; i < k.size(); ++i) {
        k[i] = static_cast<std::uint8_t>(seed + 13 * i);
    }
    return k;
}

MediaTransport::PacketHandler Observer::packets() {
    return [this](std::span<const std::uint8_t> p, bool isRtcp) {
        std::lock_guard lock(mutex);
        (isRtcp ? rtcp : rtp).emplace_back(p.begin(), p.end());
    };
}

MediaTransport::StateHandler Observer::state() {
    return [this](TransportState s, boost::system::error_code e) {
        std::lock_guard lock(mutex);
        states.push_back(s);
        if (e) {
            error = e;
        }
    };
}

TransportState Observer::last() {
    std::lock_guard lock(mutex);
    return states.empty() ? TransportState::checking : states.back();
}

std::size_t Observer::rtpCount() {
    std::lock_guard lock(mutex);
    return rtp.size();
}

TransportStats statsOf(IoThread& io, MediaTransport& transport) {
    std::promise<TransportStats> promise;
    net::post(io.context(), [&] { promise.set_value(transport.stats()); });
    return promise.get_future().get();
}

Pair::Pair(SrtpSuite suite, std::chrono::milliseconds consentTimeout, Keying keying) {
    a.local = aCredentials;
    a.controlling = true;
    b = a;
    b.local = bCredentials;
    b.controlling = false;
    if (keying == Keying::sdes) {
        aKeys = SrtpKeys{suite, key(suite, 1), key(suite, 2)};
        bKeys = SrtpKeys{suite, key(suite, 2), key(suite, 1)};
    } else {
        const auto aCertificate = *DtlsCertificate::generate();
        const auto bCertificate = *DtlsCertificate::generate();
        aKeys =
            DtlsParameters{DtlsRole::server, aCertificate, bCertificate->fingerprint(), {suite}};
        bKeys =
            DtlsParameters{DtlsRole::client, bCertificate, aCertificate->fingerprint(), {suite}};
    }
    for (auto* c : {&a, &b}) {
        c->consentTimeout = consentTimeout;
        c->consentInterval = std::min<std::chrono::milliseconds>(1000ms, consentTimeout / 4);
    }
}

void startDirect(const Pair& pair, MediaTransport& a, MediaTransport& b, Observer& seenA,
                 Observer& seenB) {
    REQUIRE_FALSE(a.start({b.localCandidate()}, pair.bCredentials, pair.aKeys, seenA.packets(),
                          seenA.state()));
    REQUIRE_FALSE(b.start({a.localCandidate()}, pair.aCredentials, pair.bKeys, seenB.packets(),
                          seenB.state()));
    REQUIRE(eventually([&] {
        return seenA.last() == TransportState::connected &&
               seenB.last() == TransportState::connected;
    }));
}

void startThroughRelay(ImpairedRelay& relay, const Pair& pair, MediaTransport& a, MediaTransport& b,
                       Observer& seenA, Observer& seenB) {
    relay.connect(a.localCandidate().endpoint, b.localCandidate().endpoint);
    const auto via = [](udp::endpoint e) {
        return Candidate{Candidate::Type::host, e, 1};
    };
    REQUIRE_FALSE(a.start({via(relay.endpointForA())}, pair.bCredentials, pair.aKeys,
                          seenA.packets(), seenA.state()));
    REQUIRE_FALSE(b.start({via(relay.endpointForB())}, pair.aCredentials, pair.bKeys,
                          seenB.packets(), seenB.state()));
}

void startSessionsThroughRelay(ImpairedRelay& relay, const Pair& pair, MediaTransport& a,
                               MediaTransport& b, RtpSession& sessionA, RtpSession& sessionB,
                               Observer& seenA, Observer& seenB) {
    relay.connect(a.localCandidate().endpoint, b.localCandidate().endpoint);
    const auto via = [](udp::endpoint e) {
        return Candidate{Candidate::Type::host, e, 1};
    };
    REQUIRE_FALSE(a.start({via(relay.endpointForA())}, pair.bCredentials, pair.aKeys,
                          sessionA.packetHandler(), sessionA.stateHandler(seenA.state())));
    REQUIRE_FALSE(b.start({via(relay.endpointForB())}, pair.aCredentials, pair.bKeys,
                          sessionB.packetHandler(), sessionB.stateHandler(seenB.state())));
    REQUIRE(eventually([&] { return seenA.last() == TransportState::connected; }));
    REQUIRE(eventually([&] { return seenB.last() == TransportState::connected; }));
}

RelayedTransports openRelayed(IoThread& io, const Pair& pair) {
    auto a = *MediaTransport::open(io.executor(), pair.a);
    auto b = *MediaTransport::open(io.executor(), pair.b);
    auto relay = *ImpairedRelay::open(io.executor());
    return {std::move(a), std::move(b), std::move(relay)};
}

} // namespace tc::test

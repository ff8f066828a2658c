#pragma once
// Two media transports on loopback for tests: what their callbacks saw, keys or DTLS parameters
// for both sides, and a start through the impairment relay.

#include "support/catch_result.hpp"
#include "tc/protocol/impairment.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/media_transport.hpp"
#include "tc/protocol/rtp_session.hpp"

#include <boost/asio/post.hpp>
#include <future>
#include <mutex>
#include <thread>

namespace tc::test {

using namespace tc::protocol;
using namespace std::chrono_literals;
namespace net = boost::asio;
using udp = net::ip::udp;

inline std::vector<std::uint8_t> key(SrtpSuite suite, std::uint8_t seed) {
    std::vector<std::uint8_t> k(masterKeyLength(suite));
    for (std::size_t i = 0; i < k.size(); ++i) {
        k[i] = static_cast<std::uint8_t>(seed + 13 * i);
    }
    return k;
}

// What a transport's callbacks saw, for the test thread.
struct Observer {
    std::mutex mutex;
    std::vector<std::vector<std::uint8_t>> rtp;
    std::vector<std::vector<std::uint8_t>> rtcp;
    std::vector<TransportState> states;
    boost::system::error_code error;
    MediaTransport::PacketHandler packets() {
        return [this](std::span<const std::uint8_t> p, bool isRtcp) {
            std::lock_guard lock(mutex);
            (isRtcp ? rtcp : rtp).emplace_back(p.begin(), p.end());
        };
    }
    MediaTransport::StateHandler state() {
        return [this](TransportState s, boost::system::error_code e) {
            std::lock_guard lock(mutex);
            states.push_back(s);
            if (e) {
                error = e;
            }
        };
    }
    TransportState last() {
        std::lock_guard lock(mutex);
        return states.empty() ? TransportState::checking : states.back();
    }
    std::size_t rtpCount() {
        std::lock_guard lock(mutex);
        return rtp.size();
    }
};

template <class Pred> inline bool eventually(Pred pred, std::chrono::milliseconds limit = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

inline TransportStats statsOf(IoThread& io, MediaTransport& transport) {
    std::promise<TransportStats> promise;
    net::post(io.context(), [&] { promise.set_value(transport.stats()); });
    return promise.get_future().get();
}

// Runs `f` on the transport's strand and returns what it returned; fails the test (rather
// than hang it) if the strand does not get to it within 10 s.
template <class F> auto onExecutor(MediaTransport& transport, F f) {
    auto promise = std::make_shared<std::promise<decltype(f())>>();
    auto future = promise->get_future();
    net::post(transport.executor(), [promise, f]() mutable { promise->set_value(f()); });
    if (future.wait_for(10s) != std::future_status::ready) {
        FAIL("the transport's strand did not run a call within 10 s");
    }
    return future.get();
}

struct Pair {
    IceCredentials aCredentials = makeIceCredentials();
    IceCredentials bCredentials = makeIceCredentials();
    MediaTransportConfig a;
    MediaTransportConfig b;
    TransportKeying aKeys;
    TransportKeying bKeys;
    enum class Keying { sdes, dtls };
    // SDES with fixed keys of `suite`, or DTLS-SRTP offering only `suite` (A answers actpass
    // and is the DTLS server, B is active), with fresh certificates.
    explicit Pair(SrtpSuite suite, std::chrono::milliseconds consentTimeout = 5000ms,
                  Keying keying = Keying::sdes) {
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
            aKeys = DtlsParameters{
                DtlsRole::server, aCertificate, bCertificate->fingerprint(), {suite}};
            bKeys = DtlsParameters{
                DtlsRole::client, bCertificate, aCertificate->fingerprint(), {suite}};
        }
        for (auto* c : {&a, &b}) {
            c->consentTimeout = consentTimeout;
            c->consentInterval = std::min<std::chrono::milliseconds>(1000ms, consentTimeout / 4);
        }
    }
};

// Starts both transports towards each other's host candidate and waits until both are
// connected.
inline void startDirect(const Pair& pair, MediaTransport& a, MediaTransport& b, Observer& seenA,
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

// Starts both transports so that all their traffic crosses `relay`.
inline void startThroughRelay(ImpairedRelay& relay, const Pair& pair, MediaTransport& a,
                              MediaTransport& b, Observer& seenA, Observer& seenB) {
    relay.connect(a.localCandidate().endpoint, b.localCandidate().endpoint);
    const auto via = [](udp::endpoint e) {
        return Candidate{Candidate::Type::host, e, 1};
    };
    REQUIRE_FALSE(a.start({via(relay.endpointForA())}, pair.bCredentials, pair.aKeys,
                          seenA.packets(), seenA.state()));
    REQUIRE_FALSE(b.start({via(relay.endpointForB())}, pair.aCredentials, pair.bKeys,
                          seenB.packets(), seenB.state()));
}

// Starts both transports through `relay` with an RTP session on each, and waits until both are
// connected.
inline void startSessionsThroughRelay(ImpairedRelay& relay, const Pair& pair, MediaTransport& a,
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

} // namespace tc::test

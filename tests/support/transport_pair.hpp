#pragma once
// Two media transports on loopback for tests: what their callbacks saw, keys or DTLS parameters
// for both sides, and a start through the impairment relay.

#include "support/catch_result.hpp"
#include "support/eventually.hpp"
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

// A master key of `suite`'s length, made from `seed`.
std::vector<std::uint8_t> key(SrtpSuite suite, std::uint8_t seed);

// What a transport's callbacks saw, for the test thread.
struct Observer {
    std::mutex mutex;
    std::vector<std::vector<std::uint8_t>> rtp;
    std::vector<std::vector<std::uint8_t>> rtcp;
    std::vector<TransportState> states;
    boost::system::error_code error;
    MediaTransport::PacketHandler packets();
    MediaTransport::StateHandler state();
    TransportState last();
    std::size_t rtpCount();
};

template <class Pred> inline bool eventually(Pred pred, std::chrono::milliseconds limit = 5000ms) {
    return pollUntil(pred, limit, 5ms);
}

TransportStats statsOf(IoThread& io, MediaTransport& transport);

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
                  Keying keying = Keying::sdes);
};

// Starts both transports towards each other's host candidate and waits until both are
// connected.
void startDirect(const Pair& pair, MediaTransport& a, MediaTransport& b, Observer& seenA,
                 Observer& seenB);

// Both ends of `pair` open on `io`, and a relay to put between them (startThroughRelay).
struct RelayedTransports {
    std::shared_ptr<MediaTransport> a;
    std::shared_ptr<MediaTransport> b;
    std::shared_ptr<ImpairedRelay> relay;
};
RelayedTransports openRelayed(IoThread& io, const Pair& pair);

// Starts both transports so that all their traffic crosses `relay`.
void startThroughRelay(ImpairedRelay& relay, const Pair& pair, MediaTransport& a, MediaTransport& b,
                       Observer& seenA, Observer& seenB);

// Starts both transports through `relay` with an RTP session on each, and waits until both are
// connected.
void startSessionsThroughRelay(ImpairedRelay& relay, const Pair& pair, MediaTransport& a,
                               MediaTransport& b, RtpSession& sessionA, RtpSession& sessionB,
                               Observer& seenA, Observer& seenB);

} // namespace tc::test

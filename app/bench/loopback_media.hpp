#pragma once
// Two media transports on loopback with an RTP session each, as a cabin (sender, controlling)
// and a console (receiver), through the impairment relay or directly: what the transport and
// stethoscope benchmarks measure.

#include "tc/protocol/impairment.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/rtp_session.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <atomic>
#include <thread>

namespace tc::bench {

// Each end's keying: fresh DTLS certificates (the deployed default) or SDES keys.
inline std::optional<std::pair<protocol::TransportKeying, protocol::TransportKeying>>
loopbackKeys(bool dtls) {
    using namespace tc::protocol;
    if (!dtls) {
        const auto one = freshCrypto(SrtpSuite::aeadAes128Gcm).keyAndSalt;
        const auto two = freshCrypto(SrtpSuite::aeadAes128Gcm).keyAndSalt;
        return std::make_pair(TransportKeying(SrtpKeys{SrtpSuite::aeadAes128Gcm, one, two}),
                              TransportKeying(SrtpKeys{SrtpSuite::aeadAes128Gcm, two, one}));
    }
    auto sender = DtlsCertificate::generate();
    auto receiver = DtlsCertificate::generate();
    if (!sender || !receiver) {
        return std::nullopt;
    }
    return std::make_pair(
        TransportKeying(DtlsParameters{DtlsRole::server, *sender, (*receiver)->fingerprint()}),
        TransportKeying(DtlsParameters{DtlsRole::client, *receiver, (*sender)->fingerprint()}));
}

struct LoopbackMedia {
    std::shared_ptr<protocol::MediaTransport> sender;
    std::shared_ptr<protocol::MediaTransport> receiver;
    std::shared_ptr<protocol::ImpairedRelay> relay;
    std::shared_ptr<protocol::RtpSession> sending;
    std::shared_ptr<protocol::RtpSession> receiving;
    std::atomic<int> connected{0};

    // Opens, starts and waits (5 s at most) until both ends are connected.
    bool open(protocol::IoThread& io, const protocol::RtpSessionConfig& config,
              protocol::RtpSession::MediaHandler onReceived, bool dtls, bool throughRelay) {
        using namespace tc::protocol;
        MediaTransportConfig a;
        a.local = makeIceCredentials();
        a.controlling = true;
        MediaTransportConfig b;
        b.local = makeIceCredentials();
        auto one = MediaTransport::open(io.executor(), a);
        auto two = MediaTransport::open(io.executor(), b);
        auto between = ImpairedRelay::open(io.executor());
        const auto keys = loopbackKeys(dtls);
        if (!one || !two || !between || !keys) {
            return false;
        }
        sender = *one;
        receiver = *two;
        relay = *between;
        relay->connect(sender->localCandidate().endpoint, receiver->localCandidate().endpoint);
        sending = RtpSession::create(sender, config, {});
        receiving = RtpSession::create(receiver, config, std::move(onReceived));
        auto onState = [this](TransportState state, boost::system::error_code) {
            connected += state == TransportState::connected ? 1 : 0;
        };
        const auto via = [](boost::asio::ip::udp::endpoint e) {
            return std::vector<Candidate>{{Candidate::Type::host, e, 1}};
        };
        const auto senderTarget =
            throughRelay ? relay->endpointForA() : receiver->localCandidate().endpoint;
        const auto receiverTarget =
            throughRelay ? relay->endpointForB() : sender->localCandidate().endpoint;
        if (sender->start(via(senderTarget), b.local, keys->first, sending->packetHandler(),
                          sending->stateHandler(onState)) ||
            receiver->start(via(receiverTarget), a.local, keys->second, receiving->packetHandler(),
                            receiving->stateHandler(onState))) {
            return false;
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (connected < 2 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return connected >= 2;
    }

    void close() {
        if (sending) {
            sending->stop();
            receiving->stop();
            relay->close();
            sender->close();
            receiver->close();
        }
    }
};

} // namespace tc::bench

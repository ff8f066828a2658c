#pragma once
// One media session's transport: every stream on one UDP 5-tuple (BUNDLE, rtcp-mux), demultiplexed
// per RFC 7983; the path verified with ICE-style STUN binding checks (RFC 8489 short-term
// credentials) before any media flows; SRTP both ways; consent freshness per RFC 7675 (no
// authenticated traffic for `consentTimeout` -> disconnected, back to connected by itself).
// Plaintext RTP is never sent nor accepted. Runs on the executor it is given; callbacks run there.

#include "tc/protocol/packets.hpp"
#include "tc/protocol/srtp_session.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tc::protocol {

// A candidate address for the peer; `host` today, `relay` (TURN) later with the same shape.
struct Candidate {
    enum class Type { host, relay };
    Type type = Type::host;
    boost::asio::ip::udp::endpoint endpoint;
    std::uint32_t priority = 0;
};

struct IceCredentials {
    std::string ufrag;    // 4-256 characters
    std::string password; // at least 22 characters
};
IceCredentials makeIceCredentials();

struct MediaTransportConfig {
    boost::asio::ip::address bindAddress = boost::asio::ip::make_address("127.0.0.1");
    IceCredentials local;
    bool controlling = false;
    SrtpSuite suite = SrtpSuite::aeadAes128Gcm;
    std::vector<std::uint8_t> sendKey;               // our master key + salt
    std::vector<std::uint8_t> receiveKey;            // the peer's
    std::chrono::milliseconds checkInterval{50};     // STUN checks until the path is verified
    std::chrono::milliseconds consentInterval{1000}; // consent refresh once connected
    std::chrono::milliseconds consentTimeout{5000};  // RFC 7675: 5 s without authenticated traffic
};

// Known once offer and answer are both in: the negotiated suite and both master keys.
struct SrtpKeys {
    SrtpSuite suite = SrtpSuite::aeadAes128Gcm;
    std::vector<std::uint8_t> sendKey;    // our master key + salt
    std::vector<std::uint8_t> receiveKey; // the peer's
};

enum class TransportState { checking, connected, disconnected, closed };
std::string_view toString(TransportState state) noexcept;

struct TransportStats {
    std::uint64_t rtpSent = 0;
    std::uint64_t rtcpSent = 0;
    std::uint64_t rtpReceived = 0;
    std::uint64_t rtcpReceived = 0;
    std::uint64_t bytesSent = 0;
    std::uint64_t bytesReceived = 0;
    std::uint64_t stunRequests = 0;
    std::uint64_t stunResponses = 0;
    // Discards, by cause.
    std::uint64_t droppedUnauthenticatedStun = 0;
    std::uint64_t droppedMalformed = 0;
    std::uint64_t droppedReplayed = 0;
    std::uint64_t droppedForged = 0;
    std::uint64_t droppedUnknown = 0; // DTLS before it is supported, TURN channels, garbage
    std::uint64_t droppedOversized = 0;
    std::uint64_t droppedBeforeConnected = 0;
};

class MediaTransport {
public:
    using PacketHandler = std::function<void(std::span<const std::uint8_t> packet, bool rtcp)>;
    using StateHandler = std::function<void(TransportState)>;

    static boost::system::result<std::shared_ptr<MediaTransport>>
    open(boost::asio::any_io_executor executor, MediaTransportConfig config);
    virtual ~MediaTransport() = default;

    // Where the peer should send: our host candidate.
    virtual Candidate localCandidate() const = 0;
    // Keys the session and starts connectivity checks towards the peer's candidates (best
    // priority first). Fails at once on keys of the wrong size.
    virtual boost::system::error_code start(std::vector<Candidate> remoteCandidates,
                                            IceCredentials remote, SrtpKeys keys,
                                            PacketHandler onPacket, StateHandler onState) = 0;
    // Protects and sends; refused (and counted) until the path is verified.
    virtual void sendRtp(std::vector<std::uint8_t> packet) = 0;
    virtual void sendRtcp(std::vector<std::uint8_t> packet) = 0;
    virtual void close() = 0;
    // Snapshot; call on the transport's executor.
    virtual TransportStats stats() const = 0;
};

} // namespace tc::protocol

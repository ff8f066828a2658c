#pragma once
// One media session's transport: every stream on one UDP 5-tuple (BUNDLE, rtcp-mux), demultiplexed
// per RFC 7983; one host candidate per local address (host_addresses.hpp), each pair with the
// peer's candidates checked with ICE STUN binding checks (RFC 8489 short-term credentials), the
// controlling side nominating the first pair that works (USE-CANDIDATE), before anything else
// flows; then keyed by DTLS-SRTP on that path (or by SDES keys
// from the signalling); SRTP both ways; consent freshness per RFC 7675 (no authenticated traffic
// for `consentTimeout` -> disconnected, back to connected by itself). Plaintext RTP is never
// sent nor accepted. Runs on the executor it is given; callbacks run there.

#include "tc/protocol/dtls_srtp.hpp"
#include "tc/protocol/packets.hpp"
#include "tc/protocol/srtp_session.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
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
    // One host candidate each (hostAddresses() gives this machine's); loopback by default, for
    // peers on the same machine.
    std::vector<boost::asio::ip::address> hostAddresses = {
        boost::asio::ip::make_address("127.0.0.1")};
    IceCredentials local;
    bool controlling = false;
    std::chrono::milliseconds checkInterval{50};     // STUN checks until the path is verified
    std::chrono::milliseconds consentInterval{1000}; // consent refresh once connected
    std::chrono::milliseconds consentTimeout{5000};  // RFC 7675: 5 s without authenticated traffic
};

// DTLS-SRTP keying: our per-session certificate, the fingerprint the peer announced in its
// description, and our DTLS role from a=setup.
struct DtlsParameters {
    DtlsRole role = DtlsRole::client;
    std::shared_ptr<const DtlsCertificate> certificate;
    Fingerprint remoteFingerprint;
    std::vector<SrtpSuite> suites = {SrtpSuite::aeadAes128Gcm, SrtpSuite::aesCm128HmacSha1_80};
};
// Known once offer and answer are both in: SDES keys, or what DTLS needs to derive them.
using TransportKeying = std::variant<SrtpKeys, DtlsParameters>;

// checking: STUN checks; securing: DTLS handshake on the verified path; connected: media flows;
// disconnected: consent lost (recovers by itself); failed: keying failed (see the error);
// closed: by us.
enum class TransportState { checking, securing, connected, disconnected, failed, closed };
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
    std::uint64_t dtlsReceived = 0;
    std::optional<SrtpSuite> suite;    // once keyed
    std::optional<double> roundTripMs; // from connectivity and consent checks, smoothed
    // Discards, by cause.
    std::uint64_t droppedUnauthenticatedStun = 0;
    std::uint64_t droppedMalformed = 0;
    std::uint64_t droppedReplayed = 0;
    std::uint64_t droppedForged = 0;
    std::uint64_t droppedUnknown = 0; // TURN channels, garbage, DTLS from elsewhere
    std::uint64_t droppedOversized = 0;
    std::uint64_t droppedBeforeConnected = 0;
};

class MediaTransport {
public:
    using PacketHandler = std::function<void(std::span<const std::uint8_t> packet, bool rtcp)>;
    // `error` says why for `failed` (DtlsErrc, e.g. fingerprintMismatch) and is empty otherwise.
    using StateHandler = std::function<void(TransportState, boost::system::error_code error)>;

    static boost::system::result<std::shared_ptr<MediaTransport>>
    open(boost::asio::any_io_executor executor, MediaTransportConfig config);
    virtual ~MediaTransport() = default;

    // Where callbacks run and stats() may be called (a strand); layers above schedule here.
    virtual boost::asio::any_io_executor executor() const = 0;
    // Where the peer may send: one host candidate per host address, best first.
    virtual std::vector<Candidate> localCandidates() const = 0;
    // The best of them.
    virtual Candidate localCandidate() const = 0;
    // The pair the media travels on, once one is selected (our address, the peer's).
    struct SelectedPair {
        boost::asio::ip::udp::endpoint local;
        boost::asio::ip::udp::endpoint remote;
    };
    // Call on the transport's executor.
    virtual std::optional<SelectedPair> selectedPair() const = 0;
    // Starts connectivity checks towards the peer's candidates (best priority first), then keys
    // the session. Fails at once on SDES keys of the wrong size or a malformed fingerprint.
    virtual boost::system::error_code start(std::vector<Candidate> remoteCandidates,
                                            IceCredentials remote, TransportKeying keying,
                                            PacketHandler onPacket, StateHandler onState) = 0;
    // Protects and sends; refused (and counted) until the path is verified.
    virtual void sendRtp(std::vector<std::uint8_t> packet) = 0;
    virtual void sendRtcp(std::vector<std::uint8_t> packet) = 0;
    virtual void close() = 0;
    // Snapshot; call on the transport's executor.
    virtual TransportStats stats() const = 0;
};

} // namespace tc::protocol

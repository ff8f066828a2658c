#pragma once
// One media session's transport: every stream on one ICE component (BUNDLE, rtcp-mux),
// demultiplexed per RFC 7983. ICE (RFC 8445) is libnice's: host candidates on the addresses
// given (host_addresses.hpp), server-reflexive ones from a STUN server, relayed ones from TURN
// servers (RFC 8656) over UDP, TCP, or TLS (the TLS leg is ours: libnice has none, see
// relay_tls_tunnel.hpp), trickled to the peer as they are found, and restarted when the host's
// addresses change or consent is lost. libnice runs on its own GLib main context thread and
// hands packets to this transport's strand. On the selected pair: DTLS-SRTP (or SDES keys from
// the signalling), SRTP both ways, consent freshness per RFC 7675 (no authenticated traffic
// for `consentTimeout` -> disconnected). Plaintext RTP is never sent nor accepted. Callbacks run
// on the transport's strand.

#include "tc/protocol/dtls_srtp.hpp"
#include "tc/protocol/errc/ice_errc.hpp"
#include "tc/protocol/host_addresses.hpp"
#include "tc/protocol/ice_servers.hpp"
#include "tc/protocol/impairment.hpp"
#include "tc/protocol/packets.hpp"
#include "tc/protocol/srtp_session.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tc::protocol {

// An ICE candidate (RFC 8445 5.1.1), UDP only: where the peer may send. `related` is the base
// of a server-reflexive candidate and the mapped address behind a relayed one (SDP raddr/rport).
struct Candidate {
    enum class Type { host, serverReflexive, peerReflexive, relay };
    Type type = Type::host;
    boost::asio::ip::udp::endpoint endpoint;
    std::uint32_t priority = 0;
    std::string foundation; // 1-32 ice-chars; empty: numbered when written into a description
    std::optional<boost::asio::ip::udp::endpoint> related;
};
std::string_view toString(Candidate::Type type) noexcept; // "host", "srflx", "prflx", "relay"

struct IceCredentials {
    std::string ufrag;    // 4-256 characters
    std::string password; // at least 22 characters
};
IceCredentials makeIceCredentials();

inline constexpr std::size_t kMaxRelays = 8; // libnice's limit per component

// A STUN or TURN server that could not be used, and why.
struct RelayProblem {
    std::string server; // its URI
    boost::system::error_code error;
    std::string detail; // e.g. the certificate verification error
};

struct MediaTransportConfig {
    // One host candidate each (hostAddresses() gives this machine's); loopback by default, for
    // peers on the same machine.
    std::vector<boost::asio::ip::address> hostAddresses = {
        boost::asio::ip::make_address("127.0.0.1")};
    // When set, the transport follows the machine's addresses with this policy: an address lost
    // or added restarts ICE on the new set (Wi-Fi to 4G).
    std::optional<HostAddressPolicy> followAddresses;
    IceCredentials local;
    bool controlling = false;
    // STUN and TURN servers as the rendezvous service hands them out (WebRTC's RTCIceServer).
    std::vector<IceServer> iceServers;
    // Certificate authorities (PEM) a turns: server's certificate may chain to, besides the
    // system's; its name (or IP) must match the URI's host.
    std::optional<std::filesystem::path> relayTrustAnchors;
    bool relayOnly = false; // relayed candidates only (tests, or hiding the addresses)
    // Impairs the SRTP and SRTCP this side sends, as a bad network would (the simulated
    // cabin's --impair, for demos and tests; never the console's).
    std::optional<Impairment> egressImpairment;
    std::chrono::milliseconds consentInterval{1000}; // consent refresh once connected
    std::chrono::milliseconds consentTimeout{5000};  // RFC 7675: 5 s without authenticated traffic
    // Consent lost for this long restarts ICE (0: never restart on consent loss).
    std::chrono::milliseconds restartAfterConsentLoss{1000};
};

// How the selected pair's local side reaches the peer.
enum class RelayProtocol { udp, tcp, tls };
std::string_view toString(RelayProtocol protocol) noexcept; // "UDP", "TCP", "TLS"

// The path media takes: the selected pair, and when our side is relayed, through which server.
struct MediaPath {
    Candidate local;
    Candidate remote;
    std::optional<RelayProtocol> relayProtocol; // set when local.type == relay
    std::string relayServer;                    // its URI, e.g. "turns:turn.example.org:443"
    bool relayed() const noexcept {
        return local.type == Candidate::Type::relay || remote.type == Candidate::Type::relay;
    }
};
// "direct (host)", "direct (srflx)", "relayed (TURN TLS, turns:turn.example.org:443)"...
std::string describe(const MediaPath& path);

// What the transport needs the signalling to carry to the peer (trickle ICE, RFC 8838, and ICE
// restarts), and what it accepts from there. `ufrag` names the ICE generation a candidate
// belongs to: candidates of an older generation are dropped.
struct IceCandidateSignal {
    std::string ufrag;
    Candidate candidate;
};
struct IceEndOfCandidatesSignal {
    std::string ufrag;
};
// New credentials after a restart. `generation` counts restarts (the first session is 0); a
// side that hears of a higher generation restarts too and answers with its own credentials.
struct IceRestartSignal {
    std::uint32_t generation = 0;
    IceCredentials credentials;
};
using IceSignal = std::variant<IceCandidateSignal, IceEndOfCandidatesSignal, IceRestartSignal>;

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

// checking: ICE checks; securing: DTLS handshake on the selected pair; connected: media flows;
// disconnected: consent lost (recovers by itself); reconnecting: ICE restarted, checking a new
// path with the session's keys kept; failed: keying failed or no path at all (see the error);
// closed: by us.
enum class TransportState {
    checking,
    securing,
    connected,
    disconnected,
    reconnecting,
    failed,
    closed
};
std::string_view toString(TransportState state) noexcept;

struct TransportStats {
    std::uint64_t rtpSent = 0;
    std::uint64_t rtcpSent = 0;
    std::uint64_t rtpReceived = 0;
    std::uint64_t rtcpReceived = 0;
    std::uint64_t bytesSent = 0;
    std::uint64_t bytesReceived = 0;
    std::uint64_t dtlsReceived = 0;
    std::optional<SrtpSuite> suite;    // once keyed
    std::optional<double> roundTripMs; // from consent checks on the selected pair, smoothed
    std::uint32_t restarts = 0;        // ICE restarts, ours or the peer's
    // Discards, by cause.
    std::uint64_t droppedMalformed = 0;
    std::uint64_t droppedReplayed = 0;
    std::uint64_t droppedForged = 0;
    std::uint64_t droppedUnknown = 0; // garbage, DTLS on an SDES session
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
    // Where the peer may send, as gathered so far: host candidates at once, server-reflexive
    // and relayed ones as they come (see setSignalHandler).
    virtual std::vector<Candidate> localCandidates() const = 0;
    // The best host candidate.
    virtual Candidate localCandidate() const = 0;
    // The pair the media travels on, once one is selected. Call on the transport's executor.
    virtual std::optional<MediaPath> selectedPath() const = 0;
    // Our current ICE credentials (they change on restart).
    virtual IceCredentials localCredentials() const = 0;
    // Where trickled candidates, end-of-candidates and restarts go (to the peer, through the
    // rendezvous). Set it before start(); what was found before is delivered then.
    using SignalHandler = std::function<void(IceSignal)>;
    virtual void setSignalHandler(SignalHandler handler) = 0;
    // Called on every change of the selected pair (first selection, restart, relay switch).
    using PathHandler = std::function<void(const MediaPath&)>;
    virtual void setPathHandler(PathHandler handler) = 0;
    // What the peer signalled. Candidates may come before start(); they are kept.
    virtual void applyRemoteSignal(IceSignal signal) = 0;
    // Restarts ICE now (new credentials, new gathering), keeping the keys; signalled to the peer.
    virtual void restart() = 0;
    // Signals again what the peer must know of the current generation: the restart (after the
    // first), every local candidate, end-of-candidates. For when the signalling may have lost
    // some: after our own reconnection to the rendezvous, or the peer's. Duplicates are ignored
    // on the other side.
    virtual void resendSignals() = 0;
    // Starts connectivity checks towards the peer's candidates (more may trickle in), then keys
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
    // The STUN and TURN servers that failed so far. Call on the transport's executor.
    virtual std::vector<RelayProblem> relayProblems() const = 0;
};

} // namespace tc::protocol

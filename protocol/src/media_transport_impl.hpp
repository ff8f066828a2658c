#pragma once
// MediaTransport's implementation (media_transport.hpp), in two files: media_transport.cpp
// (keying, SRTP, consent, what is sent and received) and media_transport_ice.cpp (the ICE
// agent's generations, trickle and restart signals, the STUN and TURN servers, the path).
// Everything runs on the transport's strand except what says otherwise.

#include "ice_agent.hpp"
#include "ice_server_plan.hpp"
#include "relay_tls_tunnel.hpp"
#include "tc/protocol/media_transport.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <mutex>

namespace tc::protocol::detail {

namespace net = boost::asio;
using udp = net::ip::udp;
using Clock = std::chrono::steady_clock;
inline constexpr std::size_t kMaxEarlyDtls = 8;
inline constexpr std::size_t kMaxPendingRemoteCandidates = 64;
inline constexpr std::chrono::milliseconds kAddressPollInterval{250};
inline constexpr std::chrono::seconds kMinRestartSpacing{3};

class Transport final : public MediaTransport, public std::enable_shared_from_this<Transport> {
public:
    Transport(net::any_io_executor executor, MediaTransportConfig config);

    ~Transport() override;

    // Plans the servers, opens the TLS tunnels, and starts the first ICE generation.
    boost::system::error_code open();

    net::any_io_executor executor() const override { return m_strand; }

    std::vector<Candidate> localCandidates() const override;

    Candidate localCandidate() const override;

    std::optional<MediaPath> selectedPath() const override { return m_path; }

    IceCredentials localCredentials() const override;

    void setSignalHandler(SignalHandler handler) override;

    void setPathHandler(PathHandler handler) override;

    void applyRemoteSignal(IceSignal signal) override;

    void restart() override;

    void resendSignals() override;

    boost::system::error_code start(std::vector<Candidate> remote, IceCredentials remoteIce,
                                    TransportKeying keying, PacketHandler onPacket,
                                    StateHandler onState) override;

    void sendRtp(std::vector<std::uint8_t> packet) override { send(std::move(packet), false); }
    void sendRtcp(std::vector<std::uint8_t> packet) override { send(std::move(packet), true); }

    void close() override;

    TransportStats stats() const override { return m_stats; }

    std::vector<RelayProblem> relayProblems() const override { return m_problems; }

private:
    std::shared_ptr<detail::IceAgent> currentAgent() const;

    // A new ICE agent with our current credentials and addresses; its events come back to the
    // strand tagged with its serial, so that a replaced agent's late events are ignored.
    boost::system::error_code startGeneration();

    void signal(IceSignal signal);

    void localCandidateFound(const Candidate& candidate);

    void gatheringDone();

    void noteProblem(RelayProblem problem);

    void onRemote(IceCandidateSignal candidate);

    void onRemote(IceEndOfCandidatesSignal end);

    void onRemote(IceRestartSignal restart);

    // A new ICE generation: new credentials, new gathering on today's addresses, the session's
    // keys kept. `ours`: we noticed (address change, consent lost, asked), not the peer.
    void restartNow(bool ours);

    void watchAddresses();

    static boost::system::result<std::pair<SrtpSession, SrtpSession>>
    makeSessions(const SrtpKeys& keys);

    void setState(TransportState state, boost::system::error_code error = {});

    bool keyed() const noexcept { return m_receiver.has_value(); }

    void shutdown(TransportState final, boost::system::error_code error);

    void pathSelected(const Candidate& local, const Candidate& remote,
                      std::optional<std::size_t> relay);

    void iceStateChanged(detail::IceComponentState state);

    void installKeys(SrtpSession sender, SrtpSession receiver);

    void transmit(std::span<const std::uint8_t> datagram);

    void flushDtls();

    void afterDtls();

    void onDtls(std::span<const std::uint8_t> datagram);

    void send(std::vector<std::uint8_t> packet, bool rtcp);

    // --impair: dropped, delayed (which reorders), or sent twice, as the model draws.
    void impaired(std::vector<std::uint8_t> packet);

    // RFC 7675 as before: consent is authenticated traffic from the peer (SRTP, SRTCP, DTLS
    // records) within consentTimeout; RTCP reports keep it alive when no media flows. Consent
    // lost for restartAfterConsentLoss restarts ICE.
    void consentLoop();

    void authenticated();

    void onDatagram(std::vector<std::uint8_t>& datagram);

    net::strand<net::any_io_executor> m_strand;
    MediaTransportConfig m_config;
    net::steady_timer m_consentTimer;
    net::steady_timer m_dtlsTimer;
    net::steady_timer m_addressTimer;
    // ICE: libnice's loop, the current generation's agent, the servers it uses.
    std::unique_ptr<detail::GlibLoopThread> m_loop;
    mutable std::mutex m_agentMutex; // m_agent and m_local, read from any thread
    std::shared_ptr<detail::IceAgent> m_agent;
    IceCredentials m_local;
    std::uint64_t m_agentSerial = 0;
    std::uint32_t m_generation = 0;
    std::vector<boost::asio::ip::address> m_hostAddresses;
    std::optional<udp::endpoint> m_stun;
    std::vector<detail::PlannedRelay> m_relays;
    std::vector<detail::RelaySetup> m_relaySetups;
    std::vector<std::shared_ptr<detail::RelayTlsTunnel>> m_tunnels;
    std::vector<RelayProblem> m_problems;
    std::vector<bool> m_allocated;
    bool m_gatheringDone = false;
    std::optional<IceCredentials> m_remote;
    std::vector<Candidate> m_pendingRemote;
    bool m_remoteEnded = false;
    std::optional<MediaPath> m_path;
    std::optional<Clock::time_point> m_lastRestart;
    SignalHandler m_onSignal;
    std::vector<IceSignal> m_unsentSignals;
    PathHandler m_onPath;
    // Keying and media.
    std::optional<std::pair<SrtpSession, SrtpSession>> m_sdes; // until a pair is selected
    std::unique_ptr<DtlsSrtpHandshake> m_dtls;
    bool m_dtlsStarted = false;
    std::vector<std::vector<std::uint8_t>> m_earlyDtls;
    std::optional<SrtpSession> m_sender; // once keyed
    std::optional<SrtpSession> m_receiver;
    bool m_started = false;
    TransportState m_state = TransportState::checking;
    Clock::time_point m_lastAuthenticated{};
    Clock::time_point m_disconnectedSince{};
    PacketHandler m_onPacket;
    StateHandler m_onState;
    TransportStats m_stats;
    std::unique_ptr<ImpairmentModel> m_impairment; // --impair
};

} // namespace tc::protocol::detail

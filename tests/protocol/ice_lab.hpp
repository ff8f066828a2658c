#pragma once
// A call between a doctor's and a cabin's media transport, each in its own namespace of the
// network lab (tests/netlab), with the STUN and TURN servers of the lab's coturn and REST
// credentials as the rendezvous service issues them. The two transports' trickled candidates
// and restarts are handed to each other directly, as the rendezvous relays them. Each side's
// Asio thread and libnice thread are started inside its namespace, so that every socket they
// open (host candidates, TURN connections, the TLS tunnel's) lives there.

#include "net_lab.hpp"
#include "support/catch_result.hpp"
#include "support/transport_pair.hpp"
#include "tc/protocol/ice_servers.hpp"

#include <atomic>
#include <filesystem>

namespace tc::test {

using namespace std::chrono_literals;

struct IceCallOptions {
    std::optional<std::filesystem::path> doctorTrust; // default: the lab's coturn CA
    std::string doctorSecret;                         // default: coturn's shared secret
    std::optional<std::chrono::system_clock::time_point> cabinExpiry;
    std::optional<std::vector<IceServer>> doctorServers; // default: the lab's coturn
};

// STUN and TURN URIs with one REST credential, as the rendezvous hands them out.
inline IceServer
turnServer(std::vector<std::string> urls, const std::string& secret, const std::string& party,
           std::chrono::system_clock::time_point expiry = std::chrono::system_clock::now() +
                                                          std::chrono::hours(1)) {
    auto credential = issueTurnCredential(secret, party, expiry);
    REQUIRE(credential.has_value());
    return IceServer{std::move(urls), credential->username, credential->password};
}

// A certificate authority nobody in the lab uses: a TLS client trusting only it refuses coturn.
inline std::filesystem::path otherAuthority(const std::filesystem::path& directory) {
    const auto ca = directory / "other-ca.pem";
    const auto result = runCommand({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                    "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                                    (directory / "other-ca.key").string(), "-out", ca.string(),
                                    "-days", "1", "-subj", "/CN=Another authority"});
    INFO(result.output);
    REQUIRE(result.status == 0);
    return ca;
}

class IceCall {
public:
    struct End {
        std::unique_ptr<IoThread> io;
        std::shared_ptr<MediaTransport> transport;
        Observer seen;
        std::mutex mutex;
        std::vector<MediaPath> paths;
        std::vector<std::chrono::steady_clock::time_point> arrivals;
        std::atomic<bool> gatheringDone = false;
        std::atomic<int> restarts = 0;
    };

    IceCall(NetLab& lab, Coturn& coturn, IceCallOptions options = {})
        : m_lab(lab)
        , m_coturn(coturn)
        , m_pair(SrtpSuite::aeadAes128Gcm, 5000ms, Pair::Keying::dtls) {
        const auto now = std::chrono::system_clock::now();
        const auto secret =
            options.doctorSecret.empty() ? coturn.options().secret : options.doctorSecret;
        const auto trust = options.doctorTrust ? *options.doctorTrust : coturn.caCertificate();
        m_pair.a.iceServers =
            options.doctorServers ? *options.doctorServers : servers(secret, "doctor", now + 1h);
        m_pair.a.relayTrustAnchors = trust;
        m_pair.a.followAddresses = HostAddressPolicy{};
        m_pair.b.iceServers =
            servers(coturn.options().secret, "cabin", options.cabinExpiry.value_or(now + 1h));
        m_pair.b.relayTrustAnchors = coturn.caCertificate();
        m_pair.b.followAddresses = HostAddressPolicy{};
        open(m_doctor, Place::doctor, m_pair.a);
        open(m_cabin, Place::cabin, m_pair.b);
        wire(m_doctor, m_cabin);
        wire(m_cabin, m_doctor);
    }

    ~IceCall() {
        stopStreaming();
        for (auto* end : {&m_doctor, &m_cabin}) {
            if (end->transport) {
                end->transport->close();
            }
        }
        for (auto* end : {&m_doctor, &m_cabin}) {
            if (end->io) {
                end->io->stop(); // runs the closes out, bounded
            }
        }
    }

    void start() {
        REQUIRE_FALSE(m_doctor.transport->start(m_cabin.transport->localCandidates(),
                                                m_pair.bCredentials, m_pair.aKeys,
                                                packets(m_doctor), m_doctor.seen.state()));
        REQUIRE_FALSE(m_cabin.transport->start(m_doctor.transport->localCandidates(),
                                               m_pair.aCredentials, m_pair.bKeys, packets(m_cabin),
                                               m_cabin.seen.state()));
    }

    void connect() {
        start();
        const bool connected = eventually(
            [&] {
                return m_doctor.seen.last() == TransportState::connected &&
                       m_cabin.seen.last() == TransportState::connected;
            },
            15s);
        INFO(problemsText());
        if (!connected) {
            const auto log = m_coturn.log();
            INFO("coturn: " << log.substr(log.size() > 6000 ? log.size() - 6000 : 0));
            REQUIRE(connected);
        }
        REQUIRE(eventually([&] { return pathCount(m_doctor) > 0 && pathCount(m_cabin) > 0; }));
    }

    // Starts and waits until both sides have gathered everything they could.
    void connectExpectingFailure() {
        start();
        REQUIRE(eventually([&] { return m_doctor.gatheringDone && m_cabin.gatheringDone; }, 30s));
    }

    std::pair<MediaPath, MediaPath> paths() {
        const auto last = [](End& end) {
            std::lock_guard lock(end.mutex);
            REQUIRE_FALSE(end.paths.empty());
            return end.paths.back();
        };
        return {last(m_doctor), last(m_cabin)};
    }

    void checkMediaFlows() {
        const auto doctorBefore = m_doctor.seen.rtpCount();
        const auto cabinBefore = m_cabin.seen.rtpCount();
        for (std::uint16_t seq = 1; seq <= 20; ++seq) {
            m_doctor.transport->sendRtp(rtp(seq, 0xD0C7));
            m_cabin.transport->sendRtp(rtp(seq, 0xCAB1));
        }
        CHECK(eventually([&] {
            return m_doctor.seen.rtpCount() >= cabinBefore + 18 &&
                   m_cabin.seen.rtpCount() >= doctorBefore + 18;
        }));
    }

    // Both sides send a packet every 20 ms until stopStreaming(), as a consultation does.
    void startStreaming() {
        m_streaming = true;
        m_streamer = std::thread([this] {
            for (std::uint16_t seq = 100; m_streaming; ++seq) {
                m_doctor.transport->sendRtp(rtp(seq, 0xD0C7));
                m_cabin.transport->sendRtp(rtp(seq, 0xCAB1));
                std::this_thread::sleep_for(20ms);
            }
        });
    }

    void stopStreaming() {
        m_streaming = false;
        if (m_streamer.joinable()) {
            m_streamer.join();
        }
    }

    bool waitForRestart(std::chrono::milliseconds limit = 5s) {
        return eventually([&] { return m_doctor.restarts > 0 || m_cabin.restarts > 0; }, limit);
    }

    // When media arrived again at the doctor after `since`, once both sides reconnected.
    std::optional<std::chrono::steady_clock::time_point>
    waitForMediaAfter(std::chrono::steady_clock::time_point since,
                      std::chrono::milliseconds limit = 10s) {
        std::optional<std::chrono::steady_clock::time_point> found;
        eventually(
            [&] {
                if (m_doctor.seen.last() != TransportState::connected) {
                    return false;
                }
                std::lock_guard lock(m_doctor.mutex);
                std::vector<std::chrono::steady_clock::time_point> after;
                for (const auto t : m_doctor.arrivals) {
                    if (t > since + 100ms) {
                        after.push_back(t);
                    }
                }
                if (after.size() < 10) {
                    return false;
                }
                found = after.front();
                return true;
            },
            limit);
        return found;
    }

    TransportState doctorState() { return m_doctor.seen.last(); }
    TransportState cabinState() { return m_cabin.seen.last(); }

    std::uint64_t forgedOrReplayed() {
        std::uint64_t total = 0;
        for (auto* end : {&m_doctor, &m_cabin}) {
            const auto stats =
                onExecutor(*end->transport, [t = end->transport] { return t->stats(); });
            total += stats.droppedForged + stats.droppedReplayed;
        }
        return total;
    }

    std::vector<RelayProblem> doctorProblems() { return problemsOf(m_doctor); }
    std::vector<RelayProblem> cabinProblems() { return problemsOf(m_cabin); }

    std::string problemsText() {
        std::string out;
        for (auto* end : {&m_doctor, &m_cabin}) {
            out += end == &m_doctor ? "doctor:" : " cabin:";
            const auto problems =
                onExecutor(*end->transport, [t = end->transport] { return t->relayProblems(); });
            for (const auto& p : problems) {
                out += " [" + p.server + ": " + p.error.message() + " " + p.detail + "]";
            }
        }
        return out;
    }

private:
    static std::vector<IceServer> servers(const std::string& secret, const std::string& party,
                                          std::chrono::system_clock::time_point expiry) {
        auto credential = issueTurnCredential(secret, party, expiry);
        REQUIRE(credential.has_value());
        return {IceServer{{"stun:203.0.113.10:3478"}, "", ""},
                IceServer{{"turn:203.0.113.10:3478?transport=udp",
                           "turns:203.0.113.10:443?transport=tcp"},
                          credential->username,
                          credential->password}};
    }

    static std::vector<std::uint8_t> rtp(std::uint16_t seq, std::uint16_t ssrc) {
        std::vector<std::uint8_t> packet(60, 0x55);
        packet[0] = 0x80;
        packet[1] = 96;
        packet[2] = static_cast<std::uint8_t>(seq >> 8);
        packet[3] = static_cast<std::uint8_t>(seq);
        packet[10] = static_cast<std::uint8_t>(ssrc >> 8);
        packet[11] = static_cast<std::uint8_t>(ssrc);
        return packet;
    }

    void open(End& end, Place place, MediaTransportConfig config) {
        end.io = m_lab.runIn(place, [] { return std::make_unique<IoThread>("ice-lab"); });
        end.transport = m_lab.runIn(place, [&] {
            auto addresses = hostAddresses();
            REQUIRE(addresses.has_value());
            config.hostAddresses = *addresses;
            auto transport = MediaTransport::open(end.io->executor(), config);
            REQUIRE(transport.has_value());
            return *transport;
        });
        end.transport->setPathHandler([&end](const MediaPath& path) {
            std::lock_guard lock(end.mutex);
            end.paths.push_back(path);
        });
    }

    static void wire(End& from, End& to) {
        from.transport->setSignalHandler(
            [&from, peer = std::weak_ptr<MediaTransport>(to.transport)](IceSignal signal) {
                if (std::holds_alternative<IceEndOfCandidatesSignal>(signal)) {
                    from.gatheringDone = true;
                } else if (std::holds_alternative<IceRestartSignal>(signal)) {
                    ++from.restarts;
                }
                if (const auto transport = peer.lock()) {
                    transport->applyRemoteSignal(std::move(signal));
                }
            });
    }

    static MediaTransport::PacketHandler packets(End& end) {
        auto inner = end.seen.packets();
        return [&end, inner](std::span<const std::uint8_t> packet, bool rtcp) {
            {
                std::lock_guard lock(end.mutex);
                end.arrivals.push_back(std::chrono::steady_clock::now());
            }
            inner(packet, rtcp);
        };
    }

    static std::size_t pathCount(End& end) {
        std::lock_guard lock(end.mutex);
        return end.paths.size();
    }

    std::vector<RelayProblem> problemsOf(End& end) {
        eventually([&] { return end.gatheringDone.load(); }, 30s);
        return onExecutor(*end.transport, [t = end.transport] { return t->relayProblems(); });
    }

    NetLab& m_lab;
    Coturn& m_coturn;
    Pair m_pair;
    End m_doctor;
    End m_cabin;
    std::atomic<bool> m_streaming = false;
    std::thread m_streamer;
};

} // namespace tc::test

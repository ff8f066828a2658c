// telecabine-bench connect: how long the media takes to flow once both descriptions are in,
// across the network lab (tests/netlab: namespaces, NAT routers, a real coturn), for each kind
// of path: a host pair on one segment, server-reflexive through two endpoint-independent NATs,
// relayed over UDP through two symmetric NATs, relayed over TLS on 443 with the doctor's UDP
// dropped; and an ICE restart, from the doctor's address change to media again. Each run is two
// real media transports (libnice ICE, DTLS-SRTP), the cabin sending a 10 ms stethoscope-sized
// packet stream from the start; the time is to the first packet the doctor's side decrypts.
// Needs root, iproute2, nftables and coturn, like the tests.
#include "benchmarks.hpp"
#include "connect_scenarios.hpp"
#include "delaying_proxy.hpp"
#include "machine_description.hpp"
#include "net_lab.hpp"
#include "tc/protocol/host_addresses.hpp"
#include "tc/protocol/ice_servers.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/media_transport.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <future>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

namespace tc::bench {
namespace {

using namespace tc::protocol;
using namespace tc::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Party {
    std::unique_ptr<IoThread> io;
    std::shared_ptr<MediaTransport> transport;
    std::atomic<bool> connected = false;
    std::atomic<int> received = 0;
    std::atomic<std::int64_t> firstPacketNs = 0; // since the run's start
    std::mutex mutex;
    std::vector<std::int64_t> arrivalsNs;
};

struct Run {
    std::optional<double> firstMediaMs;
    std::optional<double> restartMs;
    std::string path;
    std::string error;
};

std::vector<IceServer> serversFor(const Coturn& coturn, const std::string& party) {
    const auto credential =
        issueTurnCredential(coturn.options().secret, party, std::chrono::system_clock::now() + 1h);
    return {
        IceServer{{"stun:203.0.113.10:3478"}, "", ""},
        IceServer{{"turn:203.0.113.10:3478?transport=udp", "turns:203.0.113.10:443?transport=tcp"},
                  credential ? credential->username : "",
                  credential ? credential->password : ""}};
}

std::vector<std::uint8_t> packet(std::uint16_t seq) {
    std::vector<std::uint8_t> p(12 + 960, 0); // 10 ms of L16 at 48 kHz
    p[0] = 0x80;
    p[1] = 96;
    p[2] = static_cast<std::uint8_t>(seq >> 8);
    p[3] = static_cast<std::uint8_t>(seq);
    p[11] = 1;
    return p;
}

// One consultation's media between the doctor's and the cabin's namespaces.
Run connectOnce(NetLab& lab, Coturn& coturn, bool restart,
                const std::optional<std::vector<IceServer>>& doctorServers) {
    Run run;
    Party doctor;
    Party cabin;
    const auto doctorCert = DtlsCertificate::generate();
    const auto cabinCert = DtlsCertificate::generate();
    if (!doctorCert || !cabinCert) {
        run.error = "no DTLS certificate";
        return run;
    }
    MediaTransportConfig doctorConfig;
    doctorConfig.local = makeIceCredentials();
    doctorConfig.controlling = true;
    doctorConfig.iceServers = doctorServers ? *doctorServers : serversFor(coturn, "doctor");
    doctorConfig.relayTrustAnchors = coturn.caCertificate();
    doctorConfig.followAddresses = HostAddressPolicy{};
    MediaTransportConfig cabinConfig = doctorConfig;
    cabinConfig.local = makeIceCredentials();
    cabinConfig.controlling = false;
    cabinConfig.iceServers = serversFor(coturn, "cabin");
    const auto open = [&](Party& side, Place place, MediaTransportConfig config) {
        side.io = lab.runIn(place, [] { return std::make_unique<IoThread>("bench-connect"); });
        side.transport = lab.runIn(place, [&]() -> std::shared_ptr<MediaTransport> {
            auto addresses = hostAddresses();
            if (!addresses) {
                return nullptr;
            }
            config.hostAddresses = *addresses;
            auto transport = MediaTransport::open(side.io->executor(), config);
            return transport ? *transport : nullptr;
        });
    };
    open(doctor, Place::doctor, doctorConfig);
    open(cabin, Place::cabin, cabinConfig);
    if (!doctor.transport || !cabin.transport) {
        run.error = "cannot open a transport";
        return run;
    }
    const auto wire = [](Party& from, Party& to) {
        from.transport->setSignalHandler(
            [peer = std::weak_ptr<MediaTransport>(to.transport)](IceSignal signal) {
                if (const auto transport = peer.lock()) {
                    transport->applyRemoteSignal(std::move(signal));
                }
            });
    };
    wire(doctor, cabin);
    wire(cabin, doctor);
    std::mutex pathMutex;
    doctor.transport->setPathHandler([&](const MediaPath& path) {
        std::lock_guard lock(pathMutex);
        run.path = describe(path);
    });
    const auto start = Clock::now();
    const auto since = [start] {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
    };
    const auto handlers = [&](Party& side) {
        return std::pair{
            MediaTransport::PacketHandler([&side, since](std::span<const std::uint8_t>, bool) {
                const auto now = since();
                if (side.received++ == 0) {
                    side.firstPacketNs = now;
                }
                std::lock_guard lock(side.mutex);
                side.arrivalsNs.push_back(now);
            }),
            MediaTransport::StateHandler([&side](TransportState state, boost::system::error_code) {
                side.connected = state == TransportState::connected;
            })};
    };
    const DtlsParameters doctorKeys{DtlsRole::server, *doctorCert, (*cabinCert)->fingerprint()};
    const DtlsParameters cabinKeys{DtlsRole::client, *cabinCert, (*doctorCert)->fingerprint()};
    auto [doctorPackets, doctorState] = handlers(doctor);
    auto [cabinPackets, cabinState] = handlers(cabin);
    doctor.transport->start(cabin.transport->localCandidates(), cabinConfig.local, doctorKeys,
                            doctorPackets, doctorState);
    cabin.transport->start(doctor.transport->localCandidates(), doctorConfig.local, cabinKeys,
                           cabinPackets, cabinState);
    std::atomic<bool> streaming = true;
    std::thread sender([&] {
        for (std::uint16_t seq = 1; streaming; ++seq) {
            cabin.transport->sendRtp(packet(seq));
            std::this_thread::sleep_for(10ms);
        }
    });
    const auto waitFor = [](const auto& condition, std::chrono::milliseconds limit) {
        const auto deadline = Clock::now() + limit;
        while (!condition()) {
            if (Clock::now() > deadline) {
                return false;
            }
            std::this_thread::sleep_for(1ms);
        }
        return true;
    };
    if (waitFor([&] { return doctor.received > 0; }, 20s)) {
        run.firstMediaMs = static_cast<double>(doctor.firstPacketNs) / 1e6;
    } else {
        run.error = "no media within 20 s";
    }
    if (restart && run.firstMediaMs) {
        waitFor([&] { return doctor.received > 20; }, 5s);
        const auto changedNs = since();
        lab.changeHostAddress(Side::doctor, "192.168.10.52");
        // Media again: the end of the silence that follows the change (packets arrive every
        // 10 ms; a gap of more than 50 ms is the broken path).
        const auto resumedAt = [&]() -> std::optional<std::int64_t> {
            std::lock_guard lock(doctor.mutex);
            const auto& a = doctor.arrivalsNs;
            for (std::size_t i = 1; i < a.size(); ++i) {
                if (a[i] > changedNs && a[i] - a[i - 1] > 50'000'000 && i + 5 < a.size()) {
                    return a[i];
                }
            }
            return std::nullopt;
        };
        if (waitFor([&] { return resumedAt().has_value(); }, 10s)) {
            run.restartMs = static_cast<double>(*resumedAt() - changedNs) / 1e6;
        } else {
            run.error = "media did not come back within 10 s of the address change";
        }
        lab.changeHostAddress(Side::doctor, "192.168.10.2");
    }
    streaming = false;
    sender.join();
    doctor.transport->close();
    cabin.transport->close();
    for (auto* side : {&doctor, &cabin}) {
        auto drained = std::make_shared<std::promise<void>>();
        boost::asio::post(side->transport->executor(), [drained] { drained->set_value(); });
        drained->get_future().wait_for(2s);
    }
    return run;
}

} // namespace

int runConnect(cli::CommandLine& args) {
    const int runs = static_cast<int>(args.number("runs", 5));
    const int consultations = static_cast<int>(args.number("consultations", 3));
    const auto scenarios = connectScenarios(args.value("path", ""));
    if (scenarios.empty()) {
        std::cerr << "connect: --path is one of host, server_reflexive, relay_udp, relay_tls, "
                     "relay_tls_rtt20, ice_restart\n";
        return 2;
    }
    nlohmann::json report{{"benchmark", "connect"}, {"machine", machineDescription()}};
    bool ok = true;
    nlohmann::json transport{{"measures", "both descriptions in -> first SRTP packet decrypted by "
                                          "the doctor (ice_restart: address change -> media "
                                          "again); two media transports in the NAT lab"},
                             {"runs", runs}};
    for (const auto& scenario : scenarios) {
        std::vector<double> times;
        std::string path;
        nlohmann::json errors = nlohmann::json::array();
        try {
            NetLab lab(scenario.lab);
            auto coturn = lab.startCoturn();
            if (scenario.blockDoctorUdp) {
                lab.blockUdp(Side::doctor);
            }
            std::optional<DelayingProxy> proxy;
            std::optional<std::vector<IceServer>> doctorServers;
            if (scenario.addedRoundTrip.count() > 0) {
                proxy.emplace(lab, scenario.addedRoundTrip / 2);
                const auto credential = issueTurnCredential(coturn->options().secret, "doctor",
                                                            std::chrono::system_clock::now() + 1h);
                doctorServers =
                    std::vector<IceServer>{IceServer{{DelayingProxy::kTurnUri},
                                                     credential ? credential->username : "",
                                                     credential ? credential->password : ""}};
            }
            for (int i = 0; i < runs; ++i) {
                const auto run = connectOnce(lab, *coturn, scenario.restart, doctorServers);
                const auto value = scenario.restart ? run.restartMs : run.firstMediaMs;
                if (value) {
                    times.push_back(*value);
                    path = run.path;
                } else {
                    errors.push_back(run.error);
                }
            }
        } catch (const std::exception& error) {
            errors.push_back(error.what());
        }
        transport[scenario.name] = summarise(scenario, times, path, errors, ok);
    }
    report["transport"] = transport;
#ifdef TC_BENCH_CONSULTATION
    if (consultations > 0) {
        report["claim_to_first_sample"] = measureClaimToFirstSample(scenarios, consultations, ok);
    }
#else
    if (consultations > 0) {
        report["claim_to_first_sample"] = "not built: needs the console (TC_BUILD_GUI)";
        ok = false;
    }
#endif
    std::cout << report.dump(args.flag("json") ? -1 : 2) << "\n";
    return ok ? 0 : 1;
}

} // namespace tc::bench

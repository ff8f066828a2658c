// ICE across NATs (issue 14), with real components only: two media transports in their own
// network namespaces behind nftables NATs (tests/netlab), a real coturn with TLS on 443 in the
// "public" namespace, REST credentials as the rendezvous issues them, trickle and restarts
// carried between the two as the rendezvous would. Each case asserts the selected pair's type and
// that SRTP media flows both ways. Needs root, iproute2, nftables and coturn: fails, never skips.
#include "ice_lab.hpp"
#include "tc/protocol/packets.hpp"

#include <array>
#include <atomic>
#include <catch2/catch.hpp>
#include <sys/socket.h>
#include <thread>

using namespace tc::test;
using namespace tc::protocol;

TEST_CASE("ICE across NATs: two hosts on one segment use a host pair", "[ice][netns][nat]") {
    NetLab lab(NetLabOptions{.sameSegment = true});
    auto coturn = lab.startCoturn();
    IceCall call(lab, *coturn);
    call.connect();
    const auto [doctor, cabin] = call.paths();
    INFO(describe(doctor) << " / " << describe(cabin));
    CHECK(doctor.local.type == Candidate::Type::host);
    CHECK(doctor.remote.type == Candidate::Type::host);
    CHECK(cabin.local.type == Candidate::Type::host);
    CHECK(doctor.remote.endpoint.address().to_string() == "192.168.10.3");
    call.checkMediaFlows();
}

TEST_CASE("ICE across NATs: endpoint-independent NATs give a server-reflexive path",
          "[ice][netns][nat]") {
    NetLab lab(NetLabOptions{.doctorNat = NatMapping::endpointIndependent,
                             .cabinNat = NatMapping::endpointIndependent});
    auto coturn = lab.startCoturn();
    IceCall call(lab, *coturn);
    call.connect();
    const auto [doctor, cabin] = call.paths();
    INFO(describe(doctor) << " / " << describe(cabin));
    CHECK_FALSE(doctor.relayed());
    CHECK_FALSE(cabin.relayed());
    // Each sees the other at its NAT's public address: a reflexive candidate, learnt from STUN
    // (srflx, trickled) or from the checks themselves (prflx).
    CHECK(doctor.remote.endpoint.address().to_string() == NetLab::wanAddress(Side::cabin));
    CHECK(cabin.remote.endpoint.address().to_string() == NetLab::wanAddress(Side::doctor));
    CHECK(doctor.remote.type != Candidate::Type::host);
    CHECK(cabin.remote.type != Candidate::Type::host);
    CHECK(describe(doctor).starts_with("direct"));
    call.checkMediaFlows();
}

TEST_CASE("ICE across NATs: symmetric NATs on both sides need the relay", "[ice][netns][nat]") {
    NetLab lab(NetLabOptions{.doctorNat = NatMapping::addressAndPortDependent,
                             .cabinNat = NatMapping::addressAndPortDependent});
    auto coturn = lab.startCoturn();
    IceCall call(lab, *coturn);
    call.connect();
    const auto [doctor, cabin] = call.paths();
    INFO(describe(doctor) << " / " << describe(cabin));
    CHECK(doctor.relayed());
    CHECK(cabin.relayed());
    if (doctor.local.type == Candidate::Type::relay) {
        CHECK(doctor.relayProtocol == RelayProtocol::udp);
        CHECK(doctor.relayServer == "turn:203.0.113.10:3478?transport=udp");
    }
    call.checkMediaFlows();
}

TEST_CASE("ICE across NATs: with UDP blocked, the doctor goes through TURN over TLS on 443",
          "[ice][netns][nat][tls]") {
    NetLab lab;
    auto coturn = lab.startCoturn();
    lab.blockUdp(Side::doctor);
    IceCall call(lab, *coturn);
    call.connect();
    const auto [doctor, cabin] = call.paths();
    INFO(describe(doctor) << " / " << describe(cabin));
    REQUIRE(doctor.local.type == Candidate::Type::relay);
    CHECK(doctor.relayProtocol == RelayProtocol::tls);
    CHECK(doctor.relayServer == "turns:203.0.113.10:443?transport=tcp");
    CHECK(describe(doctor) == "relayed (TURN TLS, turns:203.0.113.10:443?transport=tcp)");
    call.checkMediaFlows();
    // The relay that worked is not reported as a problem (the UDP one, on the same server, is
    // not either: libnice keeps one relayed candidate per server address).
    const auto problems = call.doctorProblems();
    INFO(call.problemsText());
    CHECK(std::none_of(problems.begin(), problems.end(),
                       [](const RelayProblem& p) { return p.server.starts_with("turns:"); }));
}

TEST_CASE("ICE across NATs: a TURN server whose certificate does not verify is refused, typed",
          "[ice][netns][nat][tls][hostile]") {
    NetLab lab;
    auto coturn = lab.startCoturn();
    lab.blockUdp(Side::doctor);
    // The doctor trusts another authority than the one that signed coturn's certificate.
    IceCallOptions options;
    options.doctorTrust = otherAuthority(coturn->directory());
    IceCall call(lab, *coturn, options);
    call.connectExpectingFailure();
    const auto problems = call.doctorProblems();
    INFO(call.problemsText());
    CHECK(std::any_of(problems.begin(), problems.end(), [](const RelayProblem& p) {
        return p.error == IceErrc::relayTlsFailed && p.server.starts_with("turns:");
    }));
}

TEST_CASE("ICE across NATs: wrong or expired TURN credentials are typed problems",
          "[ice][netns][nat][hostile]") {
    NetLab lab(NetLabOptions{.doctorNat = NatMapping::addressAndPortDependent,
                             .cabinNat = NatMapping::addressAndPortDependent});
    auto coturn = lab.startCoturn();
    IceCallOptions options;
    options.doctorSecret = "not-the-shared-secret-0123456789";   // refused by coturn (401)
    options.cabinExpiry = std::chrono::system_clock::now() - 1h; // expired before use
    IceCall call(lab, *coturn, options);
    call.connectExpectingFailure();
    INFO(call.problemsText());
    const auto doctor = call.doctorProblems();
    CHECK(std::any_of(doctor.begin(), doctor.end(),
                      [](const RelayProblem& p) { return p.error == IceErrc::relayNotAllocated; }));
    const auto cabin = call.cabinProblems();
    CHECK(std::any_of(cabin.begin(), cabin.end(), [](const RelayProblem& p) {
        return p.error == IceErrc::relayCredentialsExpired;
    }));
}

TEST_CASE("ICE across NATs: the doctor's address changes, ICE restarts, media comes back",
          "[ice][netns][nat][restart]") {
    NetLab lab;
    auto coturn = lab.startCoturn();
    IceCall call(lab, *coturn);
    call.connect();
    call.checkMediaFlows();
    const auto before = call.paths().first;
    call.startStreaming();
    const auto changed = std::chrono::steady_clock::now();
    lab.changeHostAddress(Side::doctor, "192.168.10.52");
    REQUIRE(call.waitForRestart());
    const auto resumed = call.waitForMediaAfter(changed);
    REQUIRE(resumed.has_value());
    const auto after = call.paths().first;
    INFO(describe(before)
         << " -> " << describe(after) << " after "
         << std::chrono::duration_cast<std::chrono::milliseconds>(*resumed - changed).count()
         << " ms");
    CHECK(after.local.endpoint.address().to_string() != "192.168.10.2");
    CHECK(call.doctorState() == TransportState::connected);
    CHECK(call.cabinState() == TransportState::connected);
    call.stopStreaming();
    CHECK(call.forgedOrReplayed() == 0);
}

TEST_CASE("ICE across NATs: the TURN server dies mid-session, the consultation says why, and "
          "media comes back with it",
          "[ice][netns][nat][restart][hostile]") {
    NetLab lab(NetLabOptions{.doctorNat = NatMapping::addressAndPortDependent,
                             .cabinNat = NatMapping::addressAndPortDependent});
    auto coturn = lab.startCoturn();
    IceCall call(lab, *coturn);
    call.connect();
    REQUIRE(call.paths().first.relayed());
    call.startStreaming();
    // The only path goes: consent is lost, ICE restarts, and the relay cannot be allocated.
    coturn->process().kill();
    REQUIRE(call.waitForRestart(15s)); // consent lost after 5 s, then a restart

    CHECK(eventually(
        [&] {
            const auto problems = call.doctorProblems();
            return std::any_of(problems.begin(), problems.end(), [](const RelayProblem& p) {
                return p.error == IceErrc::relayNotAllocated;
            });
        },
        15s));
    CHECK(call.doctorState() != TransportState::connected);
    // The server is back (a restarted coturn, the same shared secret): the next restart finds
    // the relay again and the media flows, on the session's keys.
    const auto back = std::chrono::steady_clock::now();
    auto again = lab.startCoturn();
    const auto resumed = call.waitForMediaAfter(back, 40s);
    INFO(call.problemsText());
    REQUIRE(resumed.has_value());
    CHECK(call.paths().first.relayed());
    call.stopStreaming();
    CHECK(call.forgedOrReplayed() == 0);
}

namespace {

// A STUN/TURN server that answers every request, Binding or Allocate, with a success response
// that must not be believed, in turn: signed with the wrong key, with a length beyond the
// datagram, or with an unknown comprehension-required attribute (RFC 8489 14, 15).
class HostileStunServer {
public:
    HostileStunServer(const NetLab& lab, const std::string& address)
        : m_socket(lab.runIn(Place::publicHost, [&] {
            udp::socket socket(m_io, udp::v4());
            socket.bind({net::ip::make_address(address), 3478});
            return socket;
        })) {
        const timeval timeout{0, 100'000};
        ::setsockopt(m_socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        m_thread = std::thread([this] { serve(); });
    }
    ~HostileStunServer() {
        m_running = false;
        m_thread.join();
    }
    int answered() const { return m_answered; }

private:
    void serve() {
        std::array<std::uint8_t, 1500> buffer{};
        while (m_running) {
            // recvfrom(2) itself: it returns at SO_RCVTIMEO, where Asio's receive_from waits on.
            udp::endpoint from;
            socklen_t length = static_cast<socklen_t>(from.capacity());
            const auto n = ::recvfrom(m_socket.native_handle(), buffer.data(), buffer.size(), 0,
                                      from.data(), &length);
            if (n < 20) {
                continue;
            }
            from.resize(length);
            boost::system::error_code ec;
            TransactionId id{};
            std::copy(buffer.begin() + 8, buffer.begin() + 20, id.begin());
            const auto method = static_cast<std::uint16_t>((buffer[0] << 8) | buffer[1]);
            // XOR-MAPPED-ADDRESS and XOR-RELAYED-ADDRESS 198.51.100.66:4242: never real.
            const std::vector<std::uint8_t> address{0, 1, 0x31, 0x80, 0xE7, 0x21, 0xC0, 0x00};
            std::vector<std::pair<std::uint16_t, std::vector<std::uint8_t>>> attributes{
                {0x0020, address}, {0x0016, address}, {0x000D, {0, 0, 2, 0x58}}};
            const int variant = m_answered++ % 3;
            if (variant == 2) {
                attributes.emplace_back(0x7F01, std::vector<std::uint8_t>{1, 2, 3, 4});
            }
            auto response = buildStun(static_cast<std::uint16_t>(method | 0x0100), id, attributes,
                                      "not-the-key-anyone-shares");
            if (variant == 1) {
                response[3] = static_cast<std::uint8_t>(response[3] + 64); // length too long
            }
            m_socket.send_to(net::buffer(response), from, 0, ec);
        }
    }

    net::io_context m_io;
    udp::socket m_socket;
    std::atomic<bool> m_running = true;
    std::atomic<int> m_answered = 0;
    std::thread m_thread;
};

} // namespace

TEST_CASE("ICE across NATs: a STUN/TURN server that lies is not believed, and the call goes on",
          "[ice][netns][nat][hostile]") {
    NetLab lab(NetLabOptions{.doctorNat = NatMapping::addressAndPortDependent,
                             .cabinNat = NatMapping::addressAndPortDependent});
    auto coturn = lab.startCoturn();
    HostileStunServer liar(lab, NetLab::kSecondPublicAddress);
    IceCallOptions options;
    const auto secret = coturn->options().secret;
    options.doctorServers = std::vector<IceServer>{
        IceServer{{"stun:203.0.113.11:3478"}, "", ""},
        turnServer({"turn:203.0.113.11:3478?transport=udp"}, secret, "doctor"),
        turnServer({"turn:203.0.113.10:3478?transport=udp"}, secret, "doctor")};
    IceCall call(lab, *coturn, options);
    call.connect();
    const auto [doctor, cabin] = call.paths();
    INFO(describe(doctor) << " / " << describe(cabin) << "; " << call.problemsText());
    CHECK(liar.answered() > 0);
    // Nothing it said became a candidate: the doctor reaches the cabin through coturn.
    CHECK(doctor.relayed());
    CHECK(doctor.local.endpoint.address().to_string() != "198.51.100.66");
    CHECK(doctor.remote.endpoint.address().to_string() != "198.51.100.66");
    const auto problems = call.doctorProblems();
    CHECK(std::any_of(problems.begin(), problems.end(), [](const RelayProblem& p) {
        return p.server == "turn:203.0.113.11:3478?transport=udp" &&
               p.error == IceErrc::relayNotAllocated;
    }));
    call.checkMediaFlows();
}

TEST_CASE("ICE across NATs: with UDP blocked, TURN over plain TCP relays too",
          "[ice][netns][nat]") {
    NetLab lab;
    auto coturn = lab.startCoturn();
    lab.blockUdp(Side::doctor);
    IceCallOptions options;
    options.doctorServers = std::vector<IceServer>{
        turnServer({"turn:203.0.113.10:3478?transport=tcp"}, coturn->options().secret, "doctor")};
    IceCall call(lab, *coturn, options);
    call.connect();
    const auto [doctor, cabin] = call.paths();
    INFO(describe(doctor) << " / " << describe(cabin));
    REQUIRE(doctor.local.type == Candidate::Type::relay);
    CHECK(doctor.relayProtocol == RelayProtocol::tcp);
    CHECK(describe(doctor) == "relayed (TURN TCP, turn:203.0.113.10:3478?transport=tcp)");
    call.checkMediaFlows();
}

// ICE across NATs (issue 14), with real components only: two media transports in their own
// network namespaces behind nftables NATs (tests/netlab), a real coturn with TLS on 443 in the
// "public" namespace, REST credentials as the rendezvous issues them, trickle and restarts
// carried between the two as the rendezvous would. Each case asserts the selected pair's type and
// that SRTP media flows both ways. Needs root, iproute2, nftables and coturn: fails, never skips.
#include "ice_lab.hpp"

#include <catch2/catch.hpp>

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

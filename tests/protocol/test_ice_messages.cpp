// The ice.* session messages (trickle ICE and restarts): round trips, what the service relays,
// and typed refusals of malformed payloads.
#include "tc/protocol/ice_messages.hpp"
#include "tc/protocol/messages.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <catch2/catch.hpp>

using namespace tc::protocol;
using nlohmann::json;

namespace {

IceSignal roundTrip(const IceSignal& signal) {
    const auto [kind, payload] = toSessionMessage(signal);
    auto back = iceSignalFrom(kind, json::parse(payload.dump()));
    REQUIRE(back.has_value());
    return *back;
}

} // namespace

TEST_CASE("ice messages: candidates, end-of-candidates and restarts round trip",
          "[ice][messages]") {
    Candidate srflx;
    srflx.type = Candidate::Type::serverReflexive;
    srflx.endpoint = {boost::asio::ip::make_address("203.0.113.1"), 53996};
    srflx.priority = 1686052607;
    srflx.foundation = "2";
    srflx.related =
        boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("192.168.10.2"), 53996);
    const auto candidate =
        std::get<IceCandidateSignal>(roundTrip(IceCandidateSignal{"9602fdf4", srflx}));
    CHECK(candidate.ufrag == "9602fdf4");
    CHECK(candidate.candidate.type == Candidate::Type::serverReflexive);
    CHECK(candidate.candidate.endpoint == srflx.endpoint);
    CHECK(candidate.candidate.priority == srflx.priority);
    CHECK(candidate.candidate.foundation == "2");
    CHECK(candidate.candidate.related == srflx.related);
    const auto [kind, payload] = toSessionMessage(IceCandidateSignal{"9602fdf4", srflx});
    CHECK(kind == "ice.candidate");
    CHECK(
        payload["candidate"] ==
        "candidate:2 1 udp 1686052607 203.0.113.1 53996 typ srflx raddr 192.168.10.2 rport 53996");

    Candidate relay;
    relay.type = Candidate::Type::relay;
    relay.endpoint = {boost::asio::ip::make_address("2001:db8::10"), 50379};
    relay.priority = 16777215;
    CHECK(std::get<IceCandidateSignal>(roundTrip(IceCandidateSignal{"abcd", relay}))
              .candidate.endpoint == relay.endpoint);

    CHECK(std::get<IceEndOfCandidatesSignal>(roundTrip(IceEndOfCandidatesSignal{"abcd"})).ufrag ==
          "abcd");
    const auto restart = std::get<IceRestartSignal>(
        roundTrip(IceRestartSignal{3, {"3c0ffee1", "5d41402abc4b2a76b9719d911017c592"}}));
    CHECK(restart.generation == 3);
    CHECK(restart.credentials.ufrag == "3c0ffee1");
    CHECK(restart.credentials.password == "5d41402abc4b2a76b9719d911017c592");
    // The service relays them as session messages.
    CHECK(isKnownSessionMessageKind("ice.candidate"));
    CHECK(isKnownSessionMessageKind("ice.end_of_candidates"));
    CHECK(isKnownSessionMessageKind("ice.restart"));
    CHECK_FALSE(isKnownSessionMessageKind("ice.unknown"));
}

TEST_CASE("ice messages: malformed payloads are refused with the field's path",
          "[ice][messages][hostile]") {
    const auto refused = [](std::string_view kind, const json& payload, std::string_view path) {
        const auto parsed = iceSignalFrom(kind, payload);
        INFO(payload.dump());
        REQUIRE_FALSE(parsed.has_value());
        CHECK(parsed.error().detail.find(path) != std::string::npos);
        return parsed.error().code;
    };
    const std::string line = "candidate:1 1 udp 2130706431 192.0.2.1 50000 typ host";
    CHECK(refused("ice.candidate", json{{"candidate", line}}, "payload.ufrag") ==
          Errc::missingField);
    CHECK(refused("ice.candidate", json{{"ufrag", "ab"}, {"candidate", line}}, "payload.ufrag") ==
          Errc::invalidField); // shorter than 4
    CHECK(refused("ice.candidate", json{{"ufrag", "ab:cd"}, {"candidate", line}},
                  "payload.ufrag") == Errc::invalidField); // not ice-chars
    // A browser's TCP and mDNS candidates: typed apart, so that the receiver skips them quietly.
    CHECK(
        refused("ice.candidate",
                json{{"ufrag", "abcd"}, {"candidate", "candidate:1 1 tcp 1 192.0.2.1 9 typ host"}},
                "payload.candidate") == SdpErrc::unsupportedCandidate);
    CHECK(refused("ice.candidate",
                  json{{"ufrag", "abcd"}, {"candidate", "candidate:1 1 udp 1 x.local 9 typ host"}},
                  "payload.candidate") == SdpErrc::unsupportedCandidate);
    CHECK(
        refused("ice.candidate",
                json{{"ufrag", "abcd"}, {"candidate", "candidate:1 1 udp 1 x.example 9 typ host"}},
                "payload.candidate") == Errc::invalidField);
    CHECK(refused("ice.candidate", json{{"ufrag", "abcd"}, {"candidate", line}, {"mid", "0"}},
                  "payload.mid") == Errc::unknownField);
    CHECK(refused("ice.candidate", json{{"ufrag", "abcd"}, {"candidate", 7}},
                  "payload.candidate") == Errc::wrongFieldType);
    CHECK(refused("ice.restart",
                  json{{"generation", 0}, {"ufrag", "abcd"}, {"pwd", std::string(22, 'a')}},
                  "payload.generation") == Errc::invalidField);
    CHECK(refused("ice.restart", json{{"generation", 1}, {"ufrag", "abcd"}, {"pwd", "short"}},
                  "payload.pwd") == Errc::invalidField);
    CHECK(refused("ice.end_of_candidates", json::object(), "payload.ufrag") == Errc::missingField);
    CHECK_FALSE(iceSignalFrom("ice.candidate", json::array()).has_value());
    CHECK(iceSignalFrom("chat.text", json::object()).error().code == Errc::unknownMessageKind);
}

// Hostile and broken peers against the in-process service: every bad input gets a typed error,
// violations close only the offending connection, and TLS refusals carry a clear reason.
#include "support/catch_result.hpp"
#include "support/raw_ws_client.hpp"
#include "support/test_support.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/protocol/event_log.hpp"

#include <algorithm>

using namespace tc;
using namespace tc::test;
using protocol::Errc;
namespace type = protocol::type;

namespace {

std::string codeOf(const std::optional<nlohmann::json>& frame) {
    REQUIRE(frame);
    REQUIRE((*frame)["type"] == "error");
    return (*frame)["body"]["code"].get<std::string>();
}

// The service counts a refusal on its own thread, possibly after the client has seen it.
template <class Pred> bool eventually(Pred pred) {
    for (int i = 0; i < 200 && !pred(); ++i) {
        std::this_thread::sleep_for(10ms);
    }
    return pred();
}

std::string welcomeToken(RawWsClient& raw) {
    const auto welcome = raw.readType("welcome");
    REQUIRE(welcome);
    return (*welcome)["body"]["resume_token"].get<std::string>();
}

} // namespace

TEST_CASE("schema errors get typed replies and keep the connection", "[rendezvous][hostile]") {
    TestPki pki;
    TestService service(pki);
    RawWsClient raw(pki.cabin(), pki.ca.certificatePem(), service.port());
    welcomeToken(raw);

    struct Case {
        nlohmann::json frame;
        std::string code;
    };
    const auto visit = toJson(adultVisit("V-1"));
    auto missing = visit;
    missing.erase("age");
    auto mistyped = visit;
    mistyped["age"] = "thirty";
    auto unknownField = visit;
    unknownField["ssn"] = "1 84 12 75 123 456";
    auto outOfRange = visit;
    outOfRange["age"] = 400;
    auto badInstrument = visit;
    badInstrument["instruments"] = {"xray"};
    const Case cases[] = {
        {envelope("no.such.type", nlohmann::json::object()), "unknown_type"},
        {envelope(std::string(type::visitCheckIn), missing), "missing_field"},
        {envelope(std::string(type::visitCheckIn), mistyped), "wrong_field_type"},
        {envelope(std::string(type::visitCheckIn), unknownField), "unknown_field"},
        {envelope(std::string(type::visitCheckIn), outOfRange), "invalid_field"},
        {envelope(std::string(type::visitCheckIn), badInstrument), "invalid_field"},
        {nlohmann::json{{"v", 2}, {"type", "ping"}, {"id", "x"}, {"body", {}}},
         "unsupported_version"},
        {nlohmann::json{{"v", 1}, {"id", "x"}, {"body", {}}}, "missing_field"},
        {nlohmann::json{{"v", 1}, {"type", "ping"}, {"id", 7}}, "wrong_field_type"},
        {nlohmann::json::array({1, 2, 3}), "wrong_field_type"},
    };
    for (const auto& c : cases) {
        INFO(c.frame.dump());
        raw.send(c.frame);
        CHECK(codeOf(raw.readType("error")) == c.code);
    }
    // Still connected and served.
    raw.send(envelope("ping", nlohmann::json::object(), "alive"));
    const auto pong = raw.readType("result");
    REQUIRE(pong);
    CHECK((*pong)["id"] == "alive");
}

TEST_CASE("framing violations close that connection alone", "[rendezvous][hostile]") {
    TestPki pki;
    TestService service(pki);
    SyncClient bystander(pki, pki.doctor(), service.port());
    REQUIRE(bystander.waitWelcome());

    SECTION("malformed JSON") {
        RawWsClient raw(pki.cabin(), pki.ca.certificatePem(), service.port());
        welcomeToken(raw);
        raw.sendText("{\"v\":1,\"type\":\"ping\",");
        CHECK(codeOf(raw.read()) == "malformed_json");
        CHECK_FALSE(raw.read());
    }
    SECTION("oversized frame") {
        RawWsClient raw(pki.cabin(), pki.ca.certificatePem(), service.port());
        welcomeToken(raw);
        raw.send(envelope("ping", {{"pad", std::string(70 * 1024, 'x')}}));
        CHECK(codeOf(raw.read()) == "frame_too_large");
        CHECK_FALSE(raw.read());
    }
    SECTION("binary frame") {
        RawWsClient raw(pki.cabin(), pki.ca.certificatePem(), service.port());
        welcomeToken(raw);
        raw.sendBinary(std::string("\x00\x01\x02", 3));
        CHECK(codeOf(raw.read()) == "binary_frame");
        CHECK_FALSE(raw.read());
    }
    SECTION("flood") {
        RawWsClient raw(pki.cabin(), pki.ca.certificatePem(), service.port());
        welcomeToken(raw);
        for (int i = 0; i < 300; ++i) {
            raw.send(envelope("ping", nlohmann::json::object(), "f-" + std::to_string(i)));
        }
        int limited = 0;
        int answered = 0;
        while (auto frame = raw.read()) {
            if ((*frame)["type"] == "error" && (*frame)["body"]["code"] == "rate_limited") {
                ++limited;
            } else if ((*frame)["type"] == "result") {
                ++answered;
            }
        }
        CHECK(raw.closed());
        CHECK(limited > 0);
        CHECK(answered >= 40); // the burst allowance was served
        CHECK(answered < 300);
    }
    // The other session carries on untouched.
    CHECK_FALSE(bystander.request(type::ping).code);
    CHECK(eventually([&] { return service.service().stats().protocolViolations >= 1; }));
}

TEST_CASE("resume tokens: within grace and after grace and stolen", "[rendezvous][liveness]") {
    TestPki pki;
    TempDir dir;
    const auto logPath = (dir.path() / "events.sqlite").string();
    TestService service(pki, 400ms, logPath);
    // A cabin holding a waiting visit: when its party is dropped at the end of the grace period
    // the service logs the visit's cancellation, which is what the test waits for.
    const auto cabinCredentials = pki.cabin();
    std::string token;
    {
        RawWsClient first(cabinCredentials, pki.ca.certificatePem(), service.port());
        token = welcomeToken(first);
        first.send(envelope("visit.checkin", toJson(adultVisit("V-GRACE")), "c-1"));
        REQUIRE(first.readType("result"));
    } // dropped without a close handshake
    {
        RawWsClient thief(pki.doctor(2), pki.ca.certificatePem(), service.port());
        welcomeToken(thief);
        thief.send(envelope("resume", {{"token", token}}));
        CHECK(codeOf(thief.readType("error")) == "resume_rejected");
    }
    {
        RawWsClient second(cabinCredentials, pki.ca.certificatePem(), service.port());
        welcomeToken(second);
        second.send(envelope("resume", {{"token", token}}));
        const auto reply = second.readType("result");
        REQUIRE(reply);
        CHECK((*reply)["body"]["resumed"] == true);
    } // dropped again: the grace period starts over
    const auto partyDropped = [&] {
        auto log = protocol::EventLog::open(logPath);
        if (!log) {
            return false;
        }
        const auto events = log->read();
        return events && std::any_of(events->begin(), events->end(), [](const auto& event) {
                   return event.kind == "cancel" && event.visitId == "V-GRACE" &&
                          event.reason == "peer_lost";
               });
    };
    REQUIRE(eventually(partyDropped));
    RawWsClient late(cabinCredentials, pki.ca.certificatePem(), service.port());
    welcomeToken(late);
    late.send(envelope("resume", {{"token", token}}));
    CHECK(codeOf(late.readType("error")) == "resume_expired");
}

TEST_CASE("TLS refusals carry a clear reason to the client", "[rendezvous][tls]") {
    TestPki pki;
    TestService service(pki);

    SECTION("expired certificate") {
        SyncClient client(pki,
                          pki.issue(protocol::Role::cabin, "FR-OLD-01", "Ancienne", -7200s, -3600s),
                          service.port());
        const auto reason = client.waitState(protocol::ConnectionState::disconnected);
        REQUIRE(reason);
        CHECK(*reason == Errc::certificateExpired);
        CHECK(eventually([&] { return service.service().stats().tlsRefusals >= 1; }));
    }
    SECTION("certificate from another CA") {
        TestPki rogue;
        // Trusts the real CA (so it accepts the service) but presents a rogue identity.
        SyncClient client(pki, rogue.cabin(), service.port());
        const auto reason = client.waitState(protocol::ConnectionState::disconnected);
        REQUIRE(reason);
        CHECK(*reason == Errc::unknownCa);
        CHECK(eventually([&] { return service.service().stats().tlsRefusals >= 1; }));
    }
    SECTION("a service that is not from the deployment CA is refused by the client") {
        TestPki rogue;
        TestService impostor(rogue);
        SyncClient client(pki, pki.cabin(), impostor.port());
        const auto reason = client.waitState(protocol::ConnectionState::disconnected);
        REQUIRE(reason);
        CHECK(*reason == Errc::unknownCa);
    }
}

// Regression (found by tests/e2e/test_across_nats.cpp): after a network change the client
// reconnects before the service notices that the old connection is dead; its resume was refused
// ("that connection is still open"), so its consultation ended with peer_lost a minute later.
// The same identity with the party's token now takes over, and the old connection is closed.
TEST_CASE("resume takes over a connection the service still thinks open",
          "[rendezvous][liveness]") {
    TestPki pki;
    TestService service(pki);
    const auto cabin = pki.cabin();
    RawWsClient old(cabin, pki.ca.certificatePem(), service.port());
    const auto token = welcomeToken(old);
    old.send(envelope("visit.checkin", toJson(adultVisit("V-MOVED")), "c-1"));
    REQUIRE(old.readType("result"));
    RawWsClient moved(cabin, pki.ca.certificatePem(), service.port());
    welcomeToken(moved);
    moved.send(envelope("resume", {{"token", token}}, "r-1"));
    const auto reply = moved.readType("result");
    REQUIRE(reply);
    CHECK((*reply)["body"]["resumed"] == true);
    // The visit is the resumed party's, and the superseded connection is closed.
    moved.send(envelope("visit.cancel", {{"visit_id", "V-MOVED"}}, "c-2"));
    REQUIRE(moved.readType("result"));
    while (old.read()) {
    }
    CHECK(old.closed());
}

// Regression: a connection that checked in a visit and then resumed another party used to
// leave that visit pointing at a deleted party (a later lookup threw inside the service).
TEST_CASE("resume is only accepted as a connection's first request", "[rendezvous][liveness]") {
    TestPki pki;
    TestService service(pki);
    const auto cabin = pki.cabin();
    std::string token;
    {
        RawWsClient first(cabin, pki.ca.certificatePem(), service.port());
        token = welcomeToken(first);
    }
    RawWsClient second(cabin, pki.ca.certificatePem(), service.port());
    welcomeToken(second);
    second.send(envelope("visit.checkin", toJson(adultVisit("V-RESUME")), "c-1"));
    REQUIRE(second.readType("result"));
    second.send(envelope("resume", {{"token", token}}, "r-1"));
    CHECK(codeOf(second.readType("error")) == "resume_rejected");
    // The service is intact and the visit still belongs to a live party.
    second.send(envelope("visit.cancel", {{"visit_id", "V-RESUME"}}, "c-2"));
    const auto cancelled = second.readType("result");
    REQUIRE(cancelled);
    CHECK((*cancelled)["id"] == "c-2");
}

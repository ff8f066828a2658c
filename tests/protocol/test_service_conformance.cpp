// The service does what protocol/README.md says, point by point, checked the way a client
// written from the README alone would check it: raw frames over real TLS and WebSocket.
#include "support/catch_result.hpp"
#include "support/eventually.hpp"
#include "support/raw_ws_client.hpp"
#include "support/test_patient.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <thread>

using namespace tc;
using namespace tc::test;
namespace type = protocol::type;

namespace {

nlohmann::json readError(RawWsClient& raw) {
    const auto frame = raw.readType("error");
    REQUIRE(frame);
    return *frame;
}

std::string welcomeToken(RawWsClient& raw) {
    const auto welcome = raw.readType("welcome");
    REQUIRE(welcome);
    return (*welcome)["body"]["resume_token"].get<std::string>();
}

// A frame written by hand, so that the JSON text is exactly what a hostile client sends.
std::string checkinText(const std::string& visitField, const std::string& id = "c-1") {
    auto visit = toJson(adultVisit("V-PLACEHOLDER")).dump();
    const std::string placeholder = "\"visit_id\":\"V-PLACEHOLDER\"";
    visit.replace(visit.find(placeholder), placeholder.size(), visitField);
    return R"({"v":1,"type":"visit.checkin","id":")" + id + R"(","body":)" + visit + "}";
}

template <class Pred> bool eventually(Pred pred, std::chrono::milliseconds limit = 3s) {
    return test::pollUntil(pred, limit, 10ms);
}

} // namespace

TEST_CASE("README 2, 5: invalid UTF-8 in a text frame is malformed_json, then close 1007",
          "[rendezvous][conformance]") {
    TestPki pki;
    TestService service(pki);
    SyncClient bystander(pki, pki.doctor(), service.port());
    REQUIRE(bystander.waitWelcome());

    const std::string prefix = R"({"v":1,"type":"ping","id":"u-1","body":{"note":")";
    const std::string suffix = "\"}}";
    const std::string invalid[] = {
        "\xff",             // never valid
        "\xc0\xaf",         // overlong '/'
        "\xed\xa0\x80",     // a UTF-16 surrogate
        "\xf4\x90\x80\x80", // above U+10FFFF
        "\xc3",             // truncated sequence
        "caf\xe9",          // Latin-1, not UTF-8
    };
    SECTION("invalid bytes in a string") {
        for (const auto& bad : invalid) {
            INFO("bytes: " << bad.size());
            RawWsClient raw(pki.cabin(), pki.ca.certificatePem(), service.port());
            welcomeToken(raw);
            raw.sendText(prefix + bad + suffix);
            const auto error = raw.read();
            REQUIRE(error);
            CHECK((*error)["type"] == "error");
            CHECK((*error)["body"]["code"] == "malformed_json");
            CHECK((*error)["body"]["detail"] == "the frame is not valid UTF-8");
            CHECK_FALSE(error->contains("id"));
            CHECK_FALSE(raw.read());
            CHECK(raw.closeCode() == std::uint16_t{1007});
        }
    }
    SECTION("invalid UTF-8 outside a string, in the second fragment of a message") {
        RawWsClient raw(pki.cabin(), pki.ca.certificatePem(), service.port());
        welcomeToken(raw);
        raw.sendTextFragments({R"({"v":1,"type":"ping",)", "\x80\"id\":\"u-2\"}"});
        const auto error = raw.read();
        REQUIRE(error);
        CHECK((*error)["body"]["code"] == "malformed_json");
        CHECK_FALSE(raw.read());
        CHECK(raw.closeCode() == std::uint16_t{1007});
    }
    SECTION("valid text in fragments split inside a character, and frames of every length "
            "encoding, are served") {
        RawWsClient raw(pki.cabin(), pki.ca.certificatePem(), service.port());
        welcomeToken(raw);
        // "é" is C3 A9: split between the two frames.
        raw.sendTextFragments({prefix + "caf\xc3", "\xa9" + suffix});
        auto reply = raw.readType("result");
        REQUIRE(reply);
        CHECK((*reply)["id"] == "u-1");
        for (const std::size_t padding : {10u, 300u, 70'000u}) { // 7-, 16- and 64-bit lengths
            raw.send(envelope("ping", {{"pad", std::string(padding, 'x')}},
                              "p-" + std::to_string(padding)));
            const auto frame = raw.read();
            REQUIRE(frame);
            if (padding < 65'536) {
                CHECK((*frame)["id"] == "p-" + std::to_string(padding));
            } else {
                CHECK((*frame)["body"]["code"] == "frame_too_large");
                CHECK_FALSE(raw.read());
                CHECK(raw.closeCode() == std::uint16_t{1009});
            }
        }
    }
    SECTION("a binary frame is still binary_frame, 1003") {
        RawWsClient raw(pki.cabin(), pki.ca.certificatePem(), service.port());
        welcomeToken(raw);
        raw.sendBinary("{}");
        const auto error = raw.read();
        REQUIRE(error);
        CHECK((*error)["body"]["code"] == "binary_frame");
        CHECK_FALSE(raw.read());
        CHECK(raw.closeCode() == std::uint16_t{1003});
    }
    CHECK_FALSE(bystander.request(type::ping).code);
}

TEST_CASE("README 8, 13: resume is refused unless it is the connection's first request",
          "[rendezvous][conformance][liveness]") {
    TestPki pki;
    TestService service(pki);
    const auto doctor = pki.doctor(3);
    std::string token;
    {
        RawWsClient first(doctor, pki.ca.certificatePem(), service.port());
        token = welcomeToken(first);
    } // dropped: the party waits in its grace period

    const auto resumeAfter = [&](const std::string& before, bool answered = true) {
        RawWsClient raw(doctor, pki.ca.certificatePem(), service.port());
        welcomeToken(raw);
        raw.sendText(before);
        if (answered) {
            REQUIRE(raw.read()); // its reply, whatever it is
        }
        raw.send(envelope("resume", {{"token", token}}, "r-2"));
        const auto error = readError(raw);
        CHECK(error["id"] == "r-2");
        CHECK(error["body"]["code"] == "resume_rejected");
        CHECK(error["body"]["detail"] == "resume must be the connection's first request");
    };
    SECTION("after a ping") {
        resumeAfter(envelope("ping", nlohmann::json::object(), "p-1").dump());
    }
    SECTION("after a ping without id") {
        resumeAfter(R"({"v":1,"type":"ping"})", /*answered=*/false);
    }
    SECTION("after a refused request") {
        resumeAfter(envelope("visit.claim", {{"visit_id", "V-X"}}, "x-1").dump());
    }
    SECTION("after an unknown type") {
        resumeAfter(envelope("no.such.type", nlohmann::json::object(), "x-1").dump());
    }
    SECTION("after a failed resume") {
        resumeAfter(envelope("resume", {{"token", std::string(48, '0')}}, "x-1").dump());
    }
    // The party was never taken: it can still be resumed as a first request. A frame refused
    // before its envelope was accepted does not count as a request.
    RawWsClient last(doctor, pki.ca.certificatePem(), service.port());
    welcomeToken(last);
    last.send(nlohmann::json{{"v", 2}, {"type", "ping"}, {"id", "v-2"}});
    CHECK(readError(last)["body"]["code"] == "unsupported_version");
    last.send(envelope("resume", {{"token", token}}, "r-3"));
    const auto resumed = last.readType("result");
    REQUIRE(resumed);
    CHECK((*resumed)["body"]["resumed"] == true);
    // ... and a second resume on that connection is refused.
    last.send(envelope("resume", {{"token", token}}, "r-4"));
    CHECK(readError(last)["body"]["detail"] == "resume must be the connection's first request");
}

TEST_CASE("README 4: DEL and C1 control characters are refused in ids and in texts",
          "[rendezvous][conformance]") {
    TestPki pki;
    TestService service(pki);
    RawWsClient raw(pki.cabin(), pki.ca.certificatePem(), service.port());
    welcomeToken(raw);

    struct Case {
        std::string what;
        std::string frame;
        bool echoed;
    };
    const std::string del = "\x7f";
    const std::string nel = "\xc2\x85"; // U+0085 NEXT LINE
    const std::string csi = "\xc2\x9b"; // U+009B
    const Case cases[] = {
        {"DEL in visit_id", checkinText(R"("visit_id":"V-)" + del + "1\""), true},
        {"U+0085 in visit_id", checkinText(R"("visit_id":"V-)" + nel + "1\""), true},
        {"U+009B in a cancel reason",
         R"({"v":1,"type":"visit.cancel","id":"c-1","body":{"visit_id":"V-1","reason":"a)" + csi +
             "b\"}}",
         true},
        {"DEL in a request id", R"({"v":1,"type":"ping","id":"r-)" + del + "\"}", false},
        {"U+0085 in a request id", R"({"v":1,"type":"ping","id":"r-)" + nel + "\"}", false},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        raw.sendText(c.frame);
        const auto error = readError(raw);
        CHECK(error["body"]["code"] == "invalid_field");
        CHECK(error["body"]["detail"].get<std::string>().find("control characters") !=
              std::string::npos);
        CHECK(error.contains("id") == c.echoed);
    }
    SECTION("a body text with DEL or U+0085") {
        for (const auto& control : {del, nel}) {
            auto visit = toJson(adultVisit("V-TEXT"));
            visit["reason"] = "Toux" + control + "depuis hier";
            raw.send(envelope("visit.checkin", visit, "c-2"));
            const auto error = readError(raw);
            CHECK(error["body"]["code"] == "invalid_field");
            CHECK(error["body"]["detail"] == "body.reason: control characters are not allowed");
        }
    }
    // TAB, LF and CR stay allowed in free text; other non-ASCII text too.
    auto visit = toJson(adultVisit("V-TEXT"));
    visit["reason"] = "Toux\tdepuis hier\r\nFièvre à 39 °C, ½ comprimé";
    raw.send(envelope("visit.checkin", visit, "c-3"));
    const auto accepted = raw.readType("result");
    REQUIRE(accepted);
    CHECK((*accepted)["id"] == "c-3");
}

TEST_CASE("README 4: integers beyond 64 bits are invalid_field, non-integers wrong_field_type",
          "[rendezvous][conformance]") {
    TestPki pki;
    TestService service(pki);
    RawWsClient raw(pki.cabin(), pki.ca.certificatePem(), service.port());
    welcomeToken(raw);
    const auto withAge = [](const std::string& age) {
        auto text = checkinText(R"("visit_id":"V-AGE")");
        const std::string field = "\"age\":34";
        text.replace(text.find(field), field.size(), "\"age\":" + age);
        return text;
    };
    struct Case {
        std::string frame;
        std::string code;
        std::string id;
    };
    const Case cases[] = {
        {withAge("100000000000000000000000"), "invalid_field", "c-1"},
        {withAge("-100000000000000000000000"), "invalid_field", "c-1"},
        {withAge("18446744073709551616"), "invalid_field", "c-1"}, // 2^64
        {withAge("18446744073709551615"), "invalid_field", "c-1"}, // 2^64 - 1
        {withAge("1e30"), "invalid_field", "c-1"},
        {withAge("34.0"), "wrong_field_type", "c-1"},
        {withAge("34.5"), "wrong_field_type", "c-1"},
        {withAge("3.4e1"), "wrong_field_type", "c-1"},
        {R"({"v":1.0,"type":"ping","id":"v-1"})", "wrong_field_type", "v-1"},
        {R"({"v":1e0,"type":"ping","id":"v-1"})", "wrong_field_type", "v-1"},
        {R"({"v":100000000000000000000,"type":"ping","id":"v-1"})", "invalid_field", "v-1"},
        {R"({"v":1000001,"type":"ping","id":"v-1"})", "invalid_field", "v-1"},
    };
    for (const auto& c : cases) {
        INFO(c.frame.substr(0, 120));
        raw.sendText(c.frame);
        const auto error = readError(raw);
        CHECK(error["body"]["code"] == c.code);
        CHECK(error["id"] == c.id);
    }
}

TEST_CASE("README 4: an invalid request id is not echoed", "[rendezvous][conformance]") {
    TestPki pki;
    TestService service(pki);
    RawWsClient raw(pki.cabin(), pki.ca.certificatePem(), service.port());
    welcomeToken(raw);
    struct Case {
        std::string frame;
        std::string code;
    };
    const Case cases[] = {
        {R"({"v":1,"type":"ping","id":7})", "wrong_field_type"},
        {R"({"v":1,"type":"ping","id":""})", "invalid_field"},
        {R"({"v":1,"type":"ping","id":")" + std::string(65, 'r') + "\"}", "invalid_field"},
        {R"({"v":1,"type":"ping","id":"a\u0001"})", "invalid_field"},
        // The id is read first: its error wins over the others in the envelope.
        {R"({"v":2,"type":"PING","id":""})", "invalid_field"},
    };
    for (const auto& c : cases) {
        INFO(c.frame.substr(0, 120));
        raw.sendText(c.frame);
        const auto error = readError(raw);
        CHECK(error["body"]["code"] == c.code);
        CHECK_FALSE(error.contains("id"));
    }
}

TEST_CASE("README 3: a service certificate cannot connect as a client",
          "[rendezvous][conformance][tls]") {
    TestPki pki;
    TestService service(pki);
    RawWsClient raw(pki.service, pki.ca.certificatePem(), service.port());
    const auto error = raw.read();
    REQUIRE(error);
    CHECK((*error)["type"] == "error");
    CHECK_FALSE(error->contains("id"));
    CHECK((*error)["body"]["code"] == "bad_identity");
    CHECK((*error)["body"]["detail"] ==
          "certificate subject: a service certificate cannot be a client");
    CHECK_FALSE(raw.read());
    CHECK(raw.closeCode() == std::uint16_t{1008});
}

TEST_CASE("README 13: WebSocket pings do not keep a connection alive; messages do",
          "[rendezvous][conformance][liveness]") {
    TestPki pki;
    // Heartbeat 200 ms: a connection with no message for 600 ms is dropped.
    TestService service(pki, 60'000ms, ":memory:", 200ms);
    // The pinger's idle timer starts once it is connected, so after this.
    const auto start = std::chrono::steady_clock::now();
    RawWsClient pinger(pki.cabin("FR-PING-01"), pki.ca.certificatePem(), service.port());
    RawWsClient talker(pki.cabin("FR-TALK-01"), pki.ca.certificatePem(), service.port());
    welcomeToken(pinger);
    welcomeToken(talker);
    REQUIRE(eventually([&] { return service.service().stats().connectionsOpen == 2; }));
    auto lastTalk = std::chrono::steady_clock::now();
    int n = 0;
    // Both peers are busy: one with WebSocket pings every 10 ms, the other with a protocol ping
    // every 100 ms (well within the rate limit and the 600 ms idle timeout).
    const bool pingerDropped = eventually(
        [&] {
            pinger.ping();
            if (std::chrono::steady_clock::now() - lastTalk >= 100ms) {
                lastTalk = std::chrono::steady_clock::now();
                talker.send(envelope("ping", nlohmann::json::object(), "t-" + std::to_string(++n)));
            }
            return service.service().stats().connectionsOpen == 1;
        },
        3s);
    CHECK(pingerDropped);
    CHECK(std::chrono::steady_clock::now() - start >= 600ms);
    CHECK_FALSE(pinger.read(1s));
    CHECK_FALSE(pinger.closeCode()); // dropped without a close frame
    // The talker was served throughout.
    talker.send(envelope("ping", nlohmann::json::object(), "last"));
    for (auto frame = talker.read(); frame; frame = talker.read()) {
        if ((*frame)["id"] == "last") {
            SUCCEED("the talker is still served");
            return;
        }
    }
    FAIL("the talker was dropped");
}

TEST_CASE("README 13: with --grace-ms 0 the peer gets session.ended alone",
          "[rendezvous][conformance][liveness]") {
    TestPki pki;
    TestService service(pki, 0ms);
    SyncClient cabin(pki, pki.cabin(), service.port());
    auto doctor = std::make_unique<SyncClient>(pki, pki.doctor(), service.port(),
                                               /*reconnect=*/false);
    REQUIRE(cabin.waitWelcome());
    REQUIRE(doctor->waitWelcome());
    REQUIRE_FALSE(doctor->request(type::presenceSet, {{"status", "on_shift"}}).code);
    REQUIRE_FALSE(cabin.request(type::visitCheckIn, toJson(adultVisit("V-1"))).code);
    const auto claim = doctor->request(type::visitClaim, {{"visit_id", "V-1"}});
    REQUIRE_FALSE(claim.code);

    doctor->client().simulateNetworkFailure();
    const auto ended = cabin.nextEvent(type::sessionEnded);
    REQUIRE(ended);
    CHECK(ended->body["session_id"] == claim.body["session_id"]);
    CHECK(ended->body["reason"] == "peer_lost");
    CHECK(ended->body["ended_by"] == "service");
    CHECK(ended->body["duration_ms"] == 0);
    // Events arrive in order: a peer_status would already be there.
    CHECK_FALSE(cabin.nextEvent(type::peerStatus, 0ms));
    // The cabin is cleaning, as after any end.
    const auto ready = cabin.request(type::cabinReady);
    CHECK_FALSE(ready.code);
}

TEST_CASE("README 8, 14: unknown_visit names the visit in its detail",
          "[rendezvous][conformance]") {
    TestPki pki;
    TestService service(pki);
    RawWsClient doctor(pki.doctor(), pki.ca.certificatePem(), service.port());
    RawWsClient cabin(pki.cabin(), pki.ca.certificatePem(), service.port());
    RawWsClient otherCabin(pki.cabin("FR-OTHER-02"), pki.ca.certificatePem(), service.port());
    welcomeToken(doctor);
    welcomeToken(cabin);
    welcomeToken(otherCabin);
    doctor.send(envelope("presence.set", {{"status", "on_shift"}}, "d-1"));
    REQUIRE(doctor.readType("result"));
    doctor.send(envelope("visit.claim", {{"visit_id", "V-NOWHERE"}}, "d-2"));
    auto error = readError(doctor);
    CHECK(error["body"]["code"] == "unknown_visit");
    CHECK(error["body"]["detail"] == "visit_id V-NOWHERE");

    cabin.send(envelope("visit.checkin", toJson(adultVisit("V-MINE")), "c-1"));
    REQUIRE(cabin.readType("result"));
    // Another cabin's visit is unknown to this one, with the same detail.
    otherCabin.send(envelope("visit.cancel", {{"visit_id", "V-MINE"}}, "o-1"));
    error = readError(otherCabin);
    CHECK(error["body"]["code"] == "unknown_visit");
    CHECK(error["body"]["detail"] == "visit_id V-MINE");
}

TEST_CASE("README 11: the patient's identity reaches only the claiming doctor, never the queue; "
          "a bad identity is invalid_identity",
          "[rendezvous][conformance][identity]") {
    TestPki pki;
    TestService service(pki);
    SyncClient cabin(pki, pki.cabin(), service.port());
    SyncClient doctor(pki, pki.doctor(), service.port());
    SyncClient bystander(pki, pki.doctor(1), service.port());
    REQUIRE(cabin.waitWelcome());
    REQUIRE(doctor.waitWelcome());
    REQUIRE(bystander.waitWelcome());
    REQUIRE_FALSE(doctor.request(type::presenceSet, {{"status", "on_shift"}}).code);
    REQUIRE_FALSE(bystander.request(type::presenceSet, {{"status", "on_shift"}}).code);
    REQUIRE_FALSE(bystander.request(type::queueSubscribe).code);

    const auto patient = jeanneDupont();

    SECTION("refused identities") {
        auto badKey = toJson(protocol::CheckIn{adultVisit("V-BAD-1"), patient});
        badKey["patient"]["ins"]["key"] = "67";
        auto reply = cabin.request(type::visitCheckIn, badKey);
        CHECK(reply.code == protocol::Errc::invalidIdentity);
        CHECK(reply.body.dump().find("ins_key_mismatch") != std::string::npos);

        auto badDate = toJson(protocol::CheckIn{adultVisit("V-BAD-2"), patient});
        badDate["patient"]["birth_date"] = "1955-02-30";
        CHECK(cabin.request(type::visitCheckIn, badDate).code == protocol::Errc::invalidIdentity);

        auto control = toJson(protocol::CheckIn{adultVisit("V-BAD-3"), patient});
        control["patient"]["birth_name"] = "DU\u0007PONT";
        reply = cabin.request(type::visitCheckIn, control);
        CHECK(reply.code == protocol::Errc::invalidIdentity);
        CHECK(reply.body.dump().find("control_character") != std::string::npos);
    }
    SECTION("only the claiming doctor reads it") {
        REQUIRE_FALSE(cabin
                          .request(type::visitCheckIn,
                                   toJson(protocol::CheckIn{adultVisit("V-ID-1"), patient}))
                          .code);
        // The queue update that offers the visit (the subscription's snapshot may come first).
        std::string queueText;
        while (queueText.find("V-ID-1") == std::string::npos) {
            const auto update = bystander.nextEvent(type::queueUpdate);
            REQUIRE(update);
            queueText = update->body.dump();
        }
        CHECK(queueText.find("DUPONT") == std::string::npos);
        CHECK(queueText.find("2550375056078") == std::string::npos);
        CHECK(queueText.find("1955") == std::string::npos);
        const auto claim = doctor.request(type::visitClaim, {{"visit_id", "V-ID-1"}});
        REQUIRE_FALSE(claim.code);
        const auto result = protocol::fromJson<protocol::ClaimResult>(claim.body);
        REQUIRE(result);
        REQUIRE(result->patient.has_value());
        CHECK(*result->patient == patient);
        // A visit checked in without an identity is claimed without one.
        REQUIRE_FALSE(cabin.request(type::visitCheckIn, toJson(adultVisit("V-ID-2"))).code);
    }
}

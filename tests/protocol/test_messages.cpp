// Schema: round trips against fixtures in tests/data, and each malformed case refused with the
// right typed error and the path of the offending field.
#include "support/catch_result.hpp"
#include "tc/protocol/envelope.hpp"
#include "tc/protocol/messages.hpp"
#include "tc/protocol/pki.hpp"

#include <sstream>
#include <utility>
#include <vector>

using namespace tc::protocol;
using nlohmann::json;

namespace {

json fixture(const std::string& name) {
    const auto text = readFile(std::string(TC_TEST_DATA_DIR) + "/" + name);
    REQUIRE(text);
    return json::parse(*text);
}

template <class T> void roundTrip(const std::string& name) {
    INFO(name);
    const json original = fixture(name);
    const auto parsed = fromJson<T>(original);
    REQUIRE(parsed);
    CHECK(toJson(*parsed) == original);
}

} // namespace

TEST_CASE("message bodies round-trip through their fixtures", "[messages]") {
    roundTrip<Visit>("visit.json");
    roundTrip<QueueUpdate>("queue_update_added.json");
    roundTrip<Welcome>("welcome.json");
    roundTrip<SessionDescription>("session_offer.json");
    roundTrip<SessionEnded>("session_ended.json");
}

TEST_CASE("envelopes: valid, and each malformed frame refused with its error", "[messages]") {
    const auto ok =
        parseEnvelope(R"({"v":1,"type":"visit.claim","id":"r-1","body":{"visit_id":"V"}})");
    REQUIRE(ok);
    CHECK(ok->type == "visit.claim");
    CHECK(ok->id == "r-1");
    CHECK(ok->body["visit_id"] == "V");
    const auto reserialised = parseEnvelope(serialise(*ok));
    REQUIRE(reserialised);
    CHECK(reserialised->body == ok->body);

    struct Case {
        std::string frame;
        Errc code;
        std::string requestId;
    };
    const Case cases[] = {
        {"", Errc::malformedJson, ""},
        {"{\"v\":1,", Errc::malformedJson, ""},
        {"[1,2]", Errc::wrongFieldType, ""},
        {"\"text\"", Errc::wrongFieldType, ""},
        {R"({"type":"ping","id":"a"})", Errc::missingField, "a"},
        {R"({"v":1,"id":"a"})", Errc::missingField, "a"},
        {R"({"v":"1","type":"ping","id":"a"})", Errc::wrongFieldType, "a"},
        {R"({"v":2,"type":"ping","id":"a"})", Errc::unsupportedVersion, "a"},
        {R"({"v":1,"type":"Ping!","id":"a"})", Errc::invalidField, "a"},
        {R"({"v":1,"type":"ping","id":"a","body":[]})", Errc::wrongFieldType, "a"},
        {R"({"v":1,"type":"ping","id":"a","extra":1})", Errc::unknownField, "a"},
        {R"({"v":1,"type":"ping","id":")" + std::string(65, 'x') + "\"}", Errc::invalidField, ""},
        // An invalid id is never echoed.
        {R"({"v":1,"type":"ping","id":""})", Errc::invalidField, ""},
        {R"({"v":1,"type":"ping","id":5})", Errc::wrongFieldType, ""},
        {"{\"v\":1,\"type\":\"ping\",\"id\":\"a\x7f\"}", Errc::invalidField, ""},
        {"{\"v\":1,\"type\":\"ping\",\"id\":\"a\xc2\x85\"}", Errc::invalidField, ""},
        // The version is an integer: 1.0 is not, and beyond 64 bits is out of range.
        {R"({"v":1.0,"type":"ping","id":"a"})", Errc::wrongFieldType, "a"},
        {R"({"v":1e0,"type":"ping","id":"a"})", Errc::wrongFieldType, "a"},
        {R"({"v":-1,"type":"ping","id":"a"})", Errc::invalidField, "a"},
        {R"({"v":1000001,"type":"ping","id":"a"})", Errc::invalidField, "a"},
        {R"({"v":100000000000000000000,"type":"ping","id":"a"})", Errc::invalidField, "a"},
        {R"({"v":1e300,"type":"ping","id":"a"})", Errc::invalidField, "a"},
        // Invalid UTF-8 anywhere is malformed_json, before anything else is read.
        {"{\"v\":1,\"type\":\"ping\",\"id\":\"\xff\"}", Errc::malformedJson, ""},
        {"{\"v\":1,\"type\":\"ping\",\"id\":\"a\"}\xc3", Errc::malformedJson, ""},
        {"{\"v\":1,\"type\":\"ping\",\"id\":\"\xed\xa0\x80\"}", Errc::malformedJson, ""},
        {R"({"v":1,"type":"ping","id":"a","body":{"pad":")" + std::string(kMaxFrameBytes, 'x') +
             "\"}}",
         Errc::frameTooLarge, ""},
    };
    for (const auto& c : cases) {
        INFO(c.frame.substr(0, 80));
        const auto parsed = parseEnvelope(c.frame);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().code == c.code);
        CHECK(parsed.error().requestId == c.requestId);
        CHECK_FALSE(parsed.error().detail.empty());
    }
}

TEST_CASE("visit validation names the offending field", "[messages]") {
    const json valid = fixture("visit.json");
    struct Case {
        std::string description;
        std::function<void(json&)> mutate;
        Errc code;
        std::string path;
    };
    const Case cases[] = {
        {"missing reason", [](json& v) { v.erase("reason"); }, Errc::missingField, "body.reason"},
        {"null age", [](json& v) { v["age"] = nullptr; }, Errc::missingField, "body.age"},
        {"float age", [](json& v) { v["age"] = 34.5; }, Errc::wrongFieldType, "body.age"},
        {"negative age", [](json& v) { v["age"] = -1; }, Errc::invalidField, "body.age"},
        {"huge age", [](json& v) { v["age"] = 1u << 31; }, Errc::invalidField, "body.age"},
        {"unknown sex", [](json& v) { v["sex"] = "unknown"; }, Errc::invalidField, "body.sex"},
        {"consent as string", [](json& v) { v["consent"] = "yes"; }, Errc::wrongFieldType,
         "body.consent"},
        {"consent method", [](json& v) { v["consent"]["method"] = "telepathy"; },
         Errc::invalidField, "body.consent.method"},
        {"operator role", [](json& v) { v["operator"]["role"] = "janitor"; }, Errc::invalidField,
         "body.operator.role"},
        {"instrument type", [](json& v) { v["instruments"] = {1}; }, Errc::wrongFieldType,
         "body.instruments[0]"},
        {"too many instruments", [](json& v) { v["instruments"] = json(json::array_t(17, "ecg")); },
         Errc::invalidField, "body.instruments"},
        {"bad site code", [](json& v) { v["site"]["code"] = "nevers gare"; }, Errc::invalidField,
         "body.site.code"},
        {"unknown site field", [](json& v) { v["site"]["gps"] = "47.0,3.1"; }, Errc::unknownField,
         "body.site.gps"},
        {"reason too long", [](json& v) { v["reason"] = std::string(501, 'a'); },
         Errc::invalidField, "body.reason"},
        {"control character", [](json& v) { v["reason"] = std::string("a\x01b"); },
         Errc::invalidField, "body.reason"},
        {"DEL in a text", [](json& v) { v["reason"] = std::string("a\x7f b"); }, Errc::invalidField,
         "body.reason"},
        {"C1 control in a text", [](json& v) { v["reason"] = std::string("a\xc2\x85 b"); },
         Errc::invalidField, "body.reason"},
        {"DEL in an id", [](json& v) { v["visit_id"] = std::string("V-\x7f"); }, Errc::invalidField,
         "body.visit_id"},
        {"C1 control in an id", [](json& v) { v["visit_id"] = std::string("V-\xc2\x9f"); },
         Errc::invalidField, "body.visit_id"},
        {"C1 control in a nested text", [](json& v) { v["site"]["name"] = "Gare\u0080"; },
         Errc::invalidField, "body.site.name"},
        {"integer beyond 64 bits",
         [](json& v) { v["age"] = json::parse("1" + std::string(30, '0')); }, Errc::invalidField,
         "body.age"},
        {"negative integer beyond 64 bits",
         [](json& v) { v["age"] = json::parse("-1" + std::string(30, '0')); }, Errc::invalidField,
         "body.age"},
        {"integer written with an exponent", [](json& v) { v["age"] = json::parse("3.4e1"); },
         Errc::wrongFieldType, "body.age"},
        {"integer written as 34.0", [](json& v) { v["age"] = 34.0; }, Errc::wrongFieldType,
         "body.age"},
        {"timestamp beyond 64 bits",
         [](json& v) { v["consent"]["recorded_at_ms"] = json::parse("99999999999999999999"); },
         Errc::invalidField, "body.consent.recorded_at_ms"},
        {"unknown field", [](json& v) { v["name"] = "Jean Dupont"; }, Errc::unknownField,
         "body.name"},
    };
    for (const auto& c : cases) {
        INFO(c.description);
        json visit = valid;
        c.mutate(visit);
        const auto parsed = fromJson<Visit>(visit);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().code == c.code);
        CHECK_THAT(parsed.error().detail, Catch::StartsWith(c.path));
    }
}

TEST_CASE("eligibility follows the cabins in service today", "[messages]") {
    auto visit = *fromJson<Visit>(fixture("visit.json"));
    struct Case {
        int age;
        bool guardian;
        bool consent;
        std::optional<Errc> expected;
    };
    const auto c = GENERATE(
        Case{18, false, true, std::nullopt}, Case{90, false, true, std::nullopt},
        Case{17, true, true, std::nullopt}, Case{14, true, true, std::nullopt},
        Case{17, false, true, Errc::guardianRequired},
        Case{14, false, true, Errc::guardianRequired}, Case{13, true, true, Errc::underage},
        Case{0, true, true, Errc::underage}, Case{40, false, false, Errc::consentMissing});
    visit.age = c.age;
    visit.guardianPresent = c.guardian;
    visit.consent.recorded = c.consent;
    const auto result = checkEligibility(visit);
    if (c.expected) {
        CHECK(result == *c.expected);
    } else {
        CHECK_FALSE(result);
    }
}

TEST_CASE("session bodies: SDP and in-session message limits", "[messages]") {
    json offer = fixture("session_offer.json");
    offer["sdp"] = "hello";
    CHECK(fromJson<SessionDescription>(offer).error().code == Errc::invalidField);
    offer["sdp"] = "v=0\r\n" + std::string(kMaxSdpBytes, 'a');
    CHECK(fromJson<SessionDescription>(offer).error().code == Errc::invalidField);

    json message{{"session_id", "S-1"}, {"kind", "chat.text"}, {"payload", {{"text", "Bonjour"}}}};
    CHECK(fromJson<SessionMessage>(message));
    message["kind"] = "system.reboot";
    CHECK(fromJson<SessionMessage>(message).error().code == Errc::unknownMessageKind);
    message["kind"] = "chat.text";
    message["payload"] = {{"text", std::string(kMaxSessionPayloadBytes, 'a')}};
    CHECK(fromJson<SessionMessage>(message).error().code == Errc::frameTooLarge);

    json end{{"session_id", "S-1"}, {"reason", "peer_lost"}};
    CHECK(fromJson<SessionEnd>(end).error().code == Errc::invalidField);
    end["reason"] = "completed";
    CHECK(fromJson<SessionEnd>(end));
}

TEST_CASE("error replies carry the wire code", "[messages]") {
    const auto envelope = makeError("r-9", make_error_code(Errc::alreadyTaken), "V-1");
    CHECK(envelope.id == "r-9");
    CHECK(envelope.body["code"] == "already_taken");
    const auto body = parseErrorBody(envelope.body);
    REQUIRE(body);
    CHECK(body->code == Errc::alreadyTaken);
    for (int e = static_cast<int>(Errc::malformedJson); e <= static_cast<int>(Errc::internal);
         ++e) {
        const auto code = static_cast<Errc>(e);
        CHECK(errcFromWireName(wireName(code)) == code);
        CHECK(make_error_code(code).message() != "tc.protocol error " + std::to_string(e));
    }
}

// protocol/README.md section 14 is the list a second implementation works from: every code of
// protocol/errors.json (the table the library is generated from), in order, each with its message
// (the README may shorten it).
TEST_CASE("README 14 lists every error code in order, with its message", "[messages]") {
    const auto readme = readFile(std::string(TC_TEST_DATA_DIR) + "/../../protocol/README.md");
    REQUIRE(readme);
    const auto begin = readme->find("## 14. Error codes");
    const auto end = readme->find("\n## 15.", begin);
    REQUIRE(begin != std::string::npos);
    REQUIRE(end != std::string::npos);
    std::istringstream section(readme->substr(begin, end - begin));
    std::vector<std::pair<std::string, std::string>> rows; // code, message
    for (std::string line; std::getline(section, line);) {
        if (line.starts_with("| `")) {
            const auto codeEnd = line.find("` |", 3);
            const auto messageEnd = line.find(" |", codeEnd + 3);
            REQUIRE(messageEnd != std::string::npos);
            rows.emplace_back(line.substr(3, codeEnd - 3),
                              line.substr(codeEnd + 4, messageEnd - codeEnd - 4));
        }
    }
    // Codes are appended, never renumbered: the last one closes the table.
    const auto count = static_cast<std::size_t>(Errc::unexpectedCpts);
    REQUIRE(rows.size() == count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto code = static_cast<Errc>(i + 1);
        INFO(rows[i].first);
        CHECK(rows[i].first == wireName(code));
        CHECK(make_error_code(code).message().starts_with(rows[i].second));
    }
}

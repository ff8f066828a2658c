// The patient's satisfaction (survey.answer): after the end, once, from the cabin that held the
// session, into the event log the indicators read.
#include "support/catch_result.hpp"
#include "support/test_support.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "tc/protocol/event_log.hpp"

using namespace tc;
using namespace tc::test;
using protocol::Errc;
namespace type = protocol::type;

namespace {

// Checks in V-1 at `cabin`, has `doctor` claim it and returns the session id (not ended).
std::string claimOne(SyncClient& cabin, SyncClient& doctor, const std::string& site) {
    REQUIRE(cabin.waitWelcome());
    REQUIRE(doctor.waitWelcome());
    REQUIRE_FALSE(doctor.request(type::presenceSet, {{"status", "on_shift"}}).code);
    REQUIRE_FALSE(cabin.request(type::visitCheckIn, toJson(adultVisit("V-1", site))).code);
    const auto claim = doctor.request(type::visitClaim, {{"visit_id", "V-1"}});
    REQUIRE_FALSE(claim.code);
    return claim.body["session_id"].get<std::string>();
}

nlohmann::json answer(const std::string& session, int score) {
    return {{"session_id", session}, {"satisfaction", score}};
}

} // namespace

TEST_CASE("the patient's satisfaction is taken once, after the end, from the cabin that held "
          "the session",
          "[rendezvous][survey]") {
    TempDir dir;
    const auto logPath = (dir.path() / "events.sqlite").string();
    TestPki pki;
    TestService service(pki, std::chrono::milliseconds(60'000), logPath);
    SyncClient cabin(pki, pki.cabin("FR-SURVEY-01"), service.port());
    SyncClient otherCabin(pki, pki.cabin("FR-SURVEY-02"), service.port());
    SyncClient doctor(pki, pki.doctor(), service.port());
    REQUIRE(otherCabin.waitWelcome());
    const std::string session = claimOne(cabin, doctor, "FR-SURVEY-01");

    SECTION("during the session, it is refused as too early") {
        CHECK(cabin.request(type::surveyAnswer, answer(session, 5)).code ==
              Errc::invalidSessionState);
    }

    REQUIRE_FALSE(
        doctor.request(type::sessionEnd, {{"session_id", session}, {"reason", "completed"}}).code);
    REQUIRE(cabin.nextEvent(type::sessionEnded));

    // Out of range, or not a number: typed, and the real answer still goes through.
    CHECK(cabin.request(type::surveyAnswer, answer(session, 0)).code == Errc::invalidField);
    CHECK(cabin.request(type::surveyAnswer, answer(session, 6)).code == Errc::invalidField);
    CHECK(
        cabin.request(type::surveyAnswer, {{"session_id", session}, {"satisfaction", "5"}}).code ==
        Errc::wrongFieldType);
    // Another cabin, a doctor, a made-up session: refused.
    CHECK(otherCabin.request(type::surveyAnswer, answer(session, 1)).code == Errc::unknownSession);
    CHECK(doctor.request(type::surveyAnswer, answer(session, 1)).code == Errc::forbiddenRole);
    CHECK(cabin.request(type::surveyAnswer, answer("S-made-up", 4)).code == Errc::unknownSession);

    REQUIRE_FALSE(cabin.request(type::surveyAnswer, answer(session, 4)).code);
    CHECK(cabin.request(type::surveyAnswer, answer(session, 1)).code == Errc::invalidSessionState);

    REQUIRE(service.stop());
    auto log = protocol::EventLog::open(logPath);
    REQUIRE(log);
    const auto events = log->read();
    REQUIRE(events);
    std::vector<protocol::LoggedEvent> answers;
    for (const auto& e : *events) {
        if (e.kind == "satisfaction") {
            answers.push_back(e);
        }
    }
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].sessionId == session);
    CHECK(answers[0].visitId == "V-1");
    CHECK(answers[0].siteCode == "FR-SURVEY-01");
    CHECK(answers[0].doctorRpps == *prescriptions::completeRpps("1010123410"));
    CHECK(nlohmann::json::parse(answers[0].detailJson) == nlohmann::json{{"score", 4}});
}

// QueueModel and SessionController against a fake service link: no service, no network, the
// test plays the service (fake_service_link.hpp). The real-service suites
// (test_console_controllers.cpp) show the same flows end to end.
#include "fake_service_link.hpp"
#include "queue_model.hpp"
#include "session_controller.hpp"
#include "support/test_patient.hpp"
#include "tc/protocol/errors.hpp"
#include "tc/protocol/messages.hpp"

#include <QSignalSpy>
#include <catch2/catch.hpp>
#include <functional>

using namespace tc;
using namespace tc::test;
namespace type = protocol::type;

namespace {

protocol::QueueEntry entry(const std::string& visitId, int age, bool urgent) {
    protocol::QueueEntry e;
    e.visit.visitId = visitId;
    e.visit.reason = "Toux depuis trois jours";
    e.visit.age = age;
    e.visit.sex = protocol::Sex::female;
    e.visit.consent = {true, 1'700'000'000'000, "verbal"};
    e.visit.operatorPresence = {true, protocol::OperatorRole::nurse};
    e.visit.instruments = {protocol::Instrument::stethoscope};
    e.visit.site = {"FR-TEST-01", "Gare de test", "Mo-Su 08:00-20:00"};
    e.visit.priority = urgent ? protocol::Priority::urgent : protocol::Priority::normal;
    e.cabinName = "Cabine de test";
    e.checkedInAtMs = 1'700'000'000'000;
    e.waitedMs = 4 * 60'000;
    return e;
}

struct Rig {
    FakeServiceLink link;
    app::QueueModel queue;
    app::SessionController session;
    Rig() {
        queue.attach(&link);
        session.attach(&link, &queue);
        session.stethoscope()->setAudioSink("none");
    }
    // Signed in, the queue subscribed and holding these visits.
    void signInWith(const std::vector<protocol::QueueEntry>& entries) {
        link.welcome();
        REQUIRE(
            link.reply(type::queueSubscribe, protocol::toJson(protocol::QueueSnapshot{entries})));
    }
};

} // namespace

TEST_CASE("fake link: the queue subscribes on every welcome, orders urgent first and follows "
          "updates",
          "[app][fake]") {
    Rig rig;
    CHECK(rig.link.pending(type::queueSubscribe) == 0);
    rig.signInWith({entry("V-1", 40, false), entry("V-2", 70, true)});
    REQUIRE(rig.queue.count() == 2);
    CHECK(rig.queue.visitIdAt(0) == QStringLiteral("V-2")); // urgent first

    rig.link.push(type::queueUpdate,
                  protocol::toJson(protocol::QueueUpdate{protocol::QueueOp::removed, "V-2", {}}));
    REQUIRE(rig.queue.count() == 1);
    CHECK(rig.queue.visitIdAt(0) == QStringLiteral("V-1"));

    // The link drops: the queue empties (what it showed is stale), and is renewed on return.
    rig.link.drop();
    CHECK(rig.queue.count() == 0);
    rig.link.welcome();
    CHECK(rig.link.pending(type::queueSubscribe) == 1);
}

TEST_CASE("fake link: a claim the service refuses returns to Idle and says why", "[app][fake]") {
    Rig rig;
    rig.signInWith({entry("V-1", 40, false)});
    QSignalSpy errors(&rig.session, &app::Controller::errorStringChanged);
    rig.session.claim(QStringLiteral("V-1"));
    CHECK(rig.session.state() == app::SessionState::Claiming);
    const auto sent = rig.link.take(type::visitClaim);
    REQUIRE(sent);
    CHECK(sent->body == nlohmann::json{{"visit_id", "V-1"}});
    sent->callback(protocol::Reply{make_error_code(protocol::Errc::alreadyTaken), {}, {}});
    CHECK(rig.session.state() == app::SessionState::Idle);
    CHECK_FALSE(rig.session.errorString().isEmpty());
    CHECK(errors.count() >= 1);
}

TEST_CASE("fake link: claimed, the console offers its media; the session's events drive it to "
          "the end",
          "[app][fake]") {
    Rig rig;
    rig.signInWith({entry("V-1", 40, true)});
    rig.session.claim(QStringLiteral("V-1"));
    protocol::ClaimResult claimed{"S-1", entry("V-1", 40, true), {}};
    REQUIRE(rig.link.reply(type::visitClaim, protocol::toJson(claimed)));
    CHECK(rig.session.state() == app::SessionState::Joining);
    CHECK(rig.session.visit()->urgent());
    CHECK(rig.session.visit()->siteCode() == QStringLiteral("FR-TEST-01"));

    // The offer: our SDP with ICE credentials, candidates and a DTLS fingerprint.
    const auto offer = rig.link.take(type::sessionOffer);
    REQUIRE(offer);
    CHECK(offer->body.at("session_id") == "S-1");
    const auto sdp = offer->body.at("sdp").get<std::string>();
    CHECK(sdp.find("a=ice-ufrag:") != std::string::npos);
    CHECK(sdp.find("a=fingerprint:sha-256") != std::string::npos);
    CHECK(sdp.find("a=candidate:") != std::string::npos);

    // A message for another session is not this one's; an unknown kind is ignored.
    rig.link.push(type::sessionMessage,
                  {{"session_id", "S-other"}, {"kind", "instrument.ack"}, {"payload", {}}});
    rig.link.push(type::sessionMessage,
                  {{"session_id", "S-1"}, {"kind", "chat.text"}, {"payload", {{"text", "?"}}}});
    CHECK(rig.session.state() == app::SessionState::Joining);

    // The service ends the session (the cabin left): the summary says so.
    rig.link.push(type::sessionEnded,
                  protocol::toJson(protocol::SessionEnded{"S-1", protocol::EndReason::patientLeft,
                                                          protocol::Role::cabin, 0}));
    CHECK(rig.session.state() == app::SessionState::Ended);
    CHECK_FALSE(rig.session.summary()->endReasonText().isEmpty());
    rig.session.dismiss();
    CHECK(rig.session.state() == app::SessionState::Idle);
    CHECK(rig.session.visit()->siteCode().isEmpty());
}

TEST_CASE("fake link: the claim brings the patient's identity; a provisional one is corrected "
          "and marked, a qualified one is not",
          "[app][fake][identity]") {
    Rig rig;
    rig.signInWith({entry("V-1", 70, false)});
    CHECK_FALSE(rig.session.patient()->known());
    rig.session.claim(QStringLiteral("V-1"));
    const auto patient = jeanneDupont(prescriptions::IdentityStatus::provisional);
    protocol::ClaimResult claimed{"S-1", entry("V-1", 70, false), {}, patient};
    REQUIRE(rig.link.reply(type::visitClaim, protocol::toJson(claimed)));

    auto* view = rig.session.patient();
    REQUIRE(view->known());
    CHECK(view->fullName() == QStringLiteral("MARTIN (née DUPONT) Jeanne Marie"));
    CHECK(view->insText().startsWith(QStringLiteral("INS 2 55 03 75 056 078 66")));
    CHECK(view->trust() == app::IdentityTrust::Provisional);
    CHECK(view->correctable());
    CHECK(view->correctedText().isEmpty());

    // A bad correction is refused with a reason in words and changes nothing.
    CHECK_FALSE(view->correct(QStringLiteral("birth_date"), QStringLiteral("2099-01-01")));
    CHECK_FALSE(view->errorString().isEmpty());
    CHECK(view->birthDate() == QStringLiteral("1955-03-12"));
    CHECK_FALSE(view->correct(QStringLiteral("birth_name"), QStringLiteral("DU\tPONT")));
    // A good one is marked.
    CHECK(view->correct(QStringLiteral("first_names"), QStringLiteral("Jeanne Marie Louise")));
    CHECK(view->errorString().isEmpty());
    CHECK_FALSE(view->correctedText().isEmpty());
    REQUIRE(view->identity().has_value());
    CHECK(view->identity()->correctedFields == std::vector<std::string>{"first_names"});
    CHECK(view->identity()->status == prescriptions::IdentityStatus::provisional);

    // The ordonnance takes the identity; a qualified identity's traits cannot be typed over.
    auto& editor = *rig.session.prescription();
    editor.begin({"Martin", "Claire", "10101234564"}, prescriptions::Sex::female);
    editor.setPatientIdentity(*view->identity());
    CHECK(editor.value(QStringLiteral("/patient/familyName")).toString() ==
          QStringLiteral("MARTIN"));
    CHECK(editor.value(QStringLiteral("/patient/birthDate")).toString() ==
          QStringLiteral("1955-03-12"));
    CHECK_FALSE(editor.patientLocked());
    auto qualified = *view->identity();
    qualified.status = prescriptions::IdentityStatus::qualified;
    editor.setPatientIdentity(qualified);
    CHECK(editor.patientLocked());
    editor.setValue(QStringLiteral("/patient/familyName"), QStringLiteral("DURAND"));
    CHECK(editor.value(QStringLiteral("/patient/familyName")).toString() ==
          QStringLiteral("MARTIN"));
    editor.setValue(QStringLiteral("/patient/weightKg"), QStringLiteral("61"));
    CHECK(editor.value(QStringLiteral("/patient/weightKg")).toDouble() == 61.0);

    rig.session.patient()->set(qualified);
    CHECK_FALSE(view->correctable());
    CHECK_FALSE(view->correct(QStringLiteral("birth_name"), QStringLiteral("DURAND")));
    CHECK(view->trust() == app::IdentityTrust::Qualified);
}

TEST_CASE("fake link: a browser cabin's unusable media gets a typed refusal and the session ends, "
          "the console carries on",
          "[app][fake][browser]") {
    const std::string transport =
        "a=ice-ufrag:4Cfm\r\na=ice-pwd:x/NlGCpeSatMZVgn92wVDc0+\r\na=ice-options:trickle\r\n"
        "a=fingerprint:sha-256 "
        "E0:BF:47:ED:85:2F:33:41:C0:63:04:7F:C6:00:BE:2B:95:AF:FA:A2:FA:89:03:47:13:72:36:D8:12:"
        "35:27:93\r\na=setup:active\r\n";
    const std::string head = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                             "a=group:BUNDLE steth voice\r\n";
    // A page that sends no stethoscope: its section inactive, the voice alone.
    const std::string noStethoscope =
        head + "m=audio 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\n" + transport +
        "a=mid:steth\r\na=inactive\r\na=rtcp-mux\r\na=rtpmap:102 opus/48000/2\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n" +
        transport + "a=mid:voice\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";
    CHECK(app::refusalOfAnswer(noStethoscope)->code == protocol::MediaRefusalCode::noStethoscope);
    std::string withStethoscope = noStethoscope;
    withStethoscope.replace(withStethoscope.find("a=inactive"), 10, "a=sendonly");
    CHECK_FALSE(app::refusalOfAnswer(withStethoscope).has_value());

    struct Case {
        std::string name;
        std::function<void(Rig&)> cabin;
        protocol::MediaRefusalCode code;
    };
    const std::vector<Case> cases{
        {"a malformed answer",
         [](Rig& rig) {
             rig.link.push(
                 type::sessionAnswer,
                 {{"session_id", "S-1"}, {"sdp_type", "answer"}, {"sdp", "v=0\r\nhello\r\n"}});
         },
         protocol::MediaRefusalCode::malformedAnswer},
        {"no stethoscope track",
         [&](Rig& rig) {
             rig.link.push(type::sessionAnswer,
                           {{"session_id", "S-1"}, {"sdp_type", "answer"}, {"sdp", noStethoscope}});
         },
         protocol::MediaRefusalCode::noStethoscope},
        {"the stethoscope named in the voice's section",
         [](Rig& rig) {
             rig.link.push(type::sessionMessage,
                           {{"session_id", "S-1"},
                            {"kind", "media.tracks"},
                            {"payload", {{"stethoscope", {{"mid", "voice"}}}}}});
         },
         protocol::MediaRefusalCode::tracksMismatch},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.name) {
            Rig rig;
            rig.signInWith({entry("V-1", 40, false)});
            rig.session.claim(QStringLiteral("V-1"));
            REQUIRE(rig.link.reply(type::visitClaim, protocol::toJson(protocol::ClaimResult{
                                                         "S-1", entry("V-1", 40, false), {}})));
            REQUIRE(rig.link.take(type::sessionOffer));
            c.cabin(rig);
            const auto refused = rig.link.take(type::sessionMessage);
            REQUIRE(refused);
            CHECK(refused->body.at("kind") == "media.refused");
            const auto refusal = protocol::mediaRefusalFrom(refused->body.at("payload"));
            REQUIRE(refusal.has_value());
            CHECK(refusal->code == c.code);
            CHECK_FALSE(refusal->detail.empty());
            const auto end = rig.link.take(type::sessionEnd);
            REQUIRE(end);
            CHECK(end->body.at("reason") == "technical_failure");
            CHECK(rig.session.state() == app::SessionState::Ending);
            CHECK(rig.session.errorString().contains(
                QString::fromLatin1(protocol::toString(c.code))));
            // The service confirms; the console is ready for the next patient.
            rig.link.push(type::sessionEnded, protocol::toJson(protocol::SessionEnded{
                                                  "S-1", protocol::EndReason::technicalFailure,
                                                  protocol::Role::doctor, 0}));
            CHECK(rig.session.state() == app::SessionState::Ended);
            rig.session.dismiss();
            CHECK(rig.session.state() == app::SessionState::Idle);
        }
    }
}

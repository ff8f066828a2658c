// The simulated cabin against the real service, watched by a real doctor client.
#include "cabin_simulator.hpp"
#include "sdp_answer.hpp"
#include "support/catch_result.hpp"
#include "support/test_support.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/media/stethoscope_stream.hpp"
#include "tc/media/video_negotiation.hpp"
#include "tc/media/voice_stream.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <regex>
#include <set>

using namespace tc;
using namespace tc::test;
namespace type = protocol::type;

TEST_CASE("the SDP answer accepts each section with the opposite direction", "[cabin]") {
    const std::string offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\n"
                              "a=group:BUNDLE steth video\r\n"
                              "m=audio 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:steth\r\na=recvonly\r\n"
                              "a=rtpmap:96 L16/48000/1\r\na=ice-pwd:secret\r\n"
                              "m=video 9 UDP/TLS/RTP/SAVPF 100\r\na=mid:video\r\na=sendrecv\r\n";
    const auto answer = cabin::answerFor(offer);
    CHECK(answer.rfind("v=0\r\n", 0) == 0);
    CHECK(answer.find("a=group:BUNDLE steth video\r\n") != std::string::npos);
    CHECK(answer.find("a=mid:steth\r\na=sendonly\r\na=rtpmap:96 L16/48000/1\r\n") !=
          std::string::npos);
    CHECK(answer.find("a=mid:video\r\na=sendrecv\r\n") != std::string::npos);
    CHECK(answer.find("ice-pwd") == std::string::npos); // the offerer's credentials stay theirs
}

TEST_CASE("the SDP answer keeps one stethoscope format: the cabin's preference, else the first",
          "[cabin]") {
    media::StethoscopeFormat l16First;
    const std::string offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\n" +
                              media::stethoscopeOfferSection(l16First) +
                              "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:voice\r\na=sendrecv\r\n"
                              "a=rtpmap:111 opus/48000/2\r\n";
    const auto plain = cabin::answerFor(offer);
    CHECK(plain.find("m=audio 9 UDP/TLS/RTP/SAVPF 96 97\r\n") != std::string::npos);
    CHECK(plain.find("a=rtpmap:98") == std::string::npos);
    CHECK(plain.find("opus/48000/2\r\n") != std::string::npos); // the voice section's
    const auto l16 = media::stethoscopeFormatOf(plain);
    REQUIRE(l16);
    CHECK(l16->encoding == media::AudioEncoding::l16);
    CHECK(l16->sampleRate == 48000);
    CHECK(media::voiceFormatOf(plain)->payloadType == 111);

    const auto thin = cabin::answerFor(offer, {media::AudioEncoding::opus, std::nullopt});
    CHECK(thin.find("m=audio 9 UDP/TLS/RTP/SAVPF 102 103\r\n") != std::string::npos);
    CHECK(thin.find("a=rtpmap:96") == std::string::npos);
    CHECK(thin.find("a=fmtp:103 apt=102\r\n") != std::string::npos);
    const auto opus = media::stethoscopeFormatOf(thin);
    REQUIRE(opus);
    CHECK(opus->encoding == media::AudioEncoding::opus);
    // The console offered L16 first: its Opus entry is the fallback, at the higher bitrate.
    CHECK(opus->opusBitrate == media::kFallbackStethoscopeOpusBitrate);
    const auto streams = protocol::rtpStreamsOf(thin);
    REQUIRE(streams.size() == 2);
    CHECK(streams[0].rtxPayloadType == 103);

    // Nothing the cabin can send: the section is rejected (port 0), no stethoscope stream.
    const std::string g722 = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\n"
                             "m=audio 9 UDP/TLS/RTP/SAVPF 9\r\na=mid:steth\r\na=recvonly\r\n"
                             "a=rtpmap:9 G722/8000\r\n";
    const auto rejected = cabin::answerFor(g722);
    CHECK(rejected.find("m=audio 0 UDP/TLS/RTP/SAVPF 9\r\n") != std::string::npos);
    CHECK_FALSE(media::stethoscopeFormatOf(rejected));
}

TEST_CASE("the SDP answer keeps one video codec per camera: the cabin's preference, else VP8",
          "[cabin][video]") {
    const std::string offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\n" +
                              media::videoOfferSections(media::VideoCodec::vp8);
    const auto plain = cabin::answerFor(offer);
    CHECK(plain.find("m=video 9 UDP/TLS/RTP/SAVPF 100 101\r\n") != std::string::npos);
    CHECK(plain.find("m=video 9 UDP/TLS/RTP/SAVPF 106 107\r\n") != std::string::npos);
    CHECK(plain.find("m=video 9 UDP/TLS/RTP/SAVPF 112 113\r\n") != std::string::npos);
    CHECK(plain.find("H264") == std::string::npos);
    const auto streams = media::videoStreamsOf(plain);
    REQUIRE(streams.size() == 3);
    CHECK(streams[0].mid == "video");
    CHECK(streams[0].twoWay); // the doctor's camera goes back on the room camera's section
    CHECK(streams[1].mid == "otoscope");
    CHECK_FALSE(streams[1].twoWay);
    CHECK(streams[2].rtxPayloadType == 113);

    const auto h264 = cabin::answerFor(offer, {std::nullopt, media::VideoCodec::h264});
    CHECK(h264.find("m=video 9 UDP/TLS/RTP/SAVPF 104 105\r\n") != std::string::npos);
    CHECK(h264.find("a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=1;"
                    "profile-level-id=42e01f\r\n") != std::string::npos);
    CHECK(h264.find("VP8") == std::string::npos);
    const auto chosen = media::videoStreamsOf(h264);
    REQUIRE(chosen.size() == 3);
    CHECK(chosen[1].codec == media::VideoCodec::h264);
    CHECK(chosen[1].payloadType == 108);
    CHECK(chosen[1].rtxPayloadType == 109);
}

TEST_CASE("script files are validated", "[cabin]") {
    TempDir dir;
    const auto good = dir.write("good.json", R"({
        "site": {"code": "FR-58-LUZY-01", "name": "Mairie de Luzy", "opening_hours": "Mo-Fr 09:00-17:00"},
        "waiting_at_once": 2, "cleaning_delay_ms": 100, "loop": false,
        "patients": [{"reason": "Toux", "age": 40, "sex": "male", "guardian_present": false,
                      "consent": {"recorded": true}, "operator": {"present": false, "role": "none"},
                      "instruments": ["stethoscope"]}]})");
    const auto script = cabin::loadScript(good);
    REQUIRE(script);
    CHECK(script->site.code == "FR-58-LUZY-01");
    CHECK(script->waitingAtOnce == 2);
    CHECK_FALSE(script->loop);
    REQUIRE(script->patients.size() == 1);
    CHECK(script->patients[0].visit.visitId == "V-FR-58-LUZY-01-1");
    CHECK_FALSE(script->patients[0].patient.has_value());

    // A patient's identity travels with the visit, and a bad one makes the script invalid.
    const std::string withIdentity = R"({
        "site": {"code": "FR-58-LUZY-01", "name": "Mairie de Luzy", "opening_hours": "Mo-Fr"},
        "patients": [{"reason": "Toux", "age": 71, "sex": "female", "guardian_present": false,
                      "consent": {"recorded": true, "quality_review": true},
                      "operator": {"present": false, "role": "none"}, "instruments": [],
                      "patient": {"birth_name": "DUPONT", "used_name": "", "first_names": ["Jeanne"],
                                  "used_first_name": "", "birth_date": "1955-03-12", "sex": "female",
                                  "birth_place_code": "75056", "status": "qualified",
                                  "source": "carte_vitale", "corrected_fields": [],
                                  "ins": {"system": "test_nir", "number": "2550375056078",
                                          "key": "KEY"}}}]})";
    auto identified = cabin::loadScript(
        dir.write("identity.json", std::regex_replace(withIdentity, std::regex("KEY"), "66")));
    REQUIRE(identified);
    REQUIRE(identified->patients[0].patient.has_value());
    CHECK(identified->patients[0].patient->ins->text() == "255037505607866");
    CHECK(identified->patients[0].visit.consent.qualityReview);
    CHECK_FALSE(cabin::loadScript(
        dir.write("bad-key.json", std::regex_replace(withIdentity, std::regex("KEY"), "67"))));

    // The simulated patients' satisfaction answers: 1 to 5, or null for one who declines.
    const std::string withAnswers = R"({
        "site": {"code": "FR-58-LUZY-01", "name": "Mairie de Luzy", "opening_hours": "Mo-Fr"},
        "satisfaction_answers": ANSWERS,
        "patients": [{"reason": "Toux", "age": 40, "sex": "male", "guardian_present": false,
                      "consent": {"recorded": true}, "operator": {"present": false, "role": "none"},
                      "instruments": []}]})";
    const auto answered = cabin::loadScript(dir.write(
        "answers.json", std::regex_replace(withAnswers, std::regex("ANSWERS"), "[2, null, 5]")));
    REQUIRE(answered);
    CHECK(answered->satisfactionAnswers == std::vector<std::optional<int>>{2, std::nullopt, 5});
    for (const char* bad : {"[0]", "[6]", "[]", "[\"5\"]", "5"}) {
        CAPTURE(bad);
        CHECK_FALSE(cabin::loadScript(dir.write(
            "bad-answers.json", std::regex_replace(withAnswers, std::regex("ANSWERS"), bad))));
    }

    CHECK_FALSE(cabin::loadScript(dir.write("bad1.json", "{not json")));
    CHECK_FALSE(
        cabin::loadScript(dir.write("bad2.json", R"({"site": {"code": "x"}, "patients": []})")));
    CHECK_FALSE(cabin::loadScript(dir.write("bad3.json", R"({"site": 5, "patients": [1]})")));
    CHECK_FALSE(cabin::loadScript(dir.path() / "missing.json"));
}

TEST_CASE("the demo script is realistic and reproducible", "[cabin]") {
    const auto a = cabin::demoScript({"FR-A-01", "A", "Mo-Fr"}, 7);
    const auto b = cabin::demoScript({"FR-A-01", "A", "Mo-Fr"}, 7);
    REQUIRE(a.patients.size() >= 10);
    std::set<std::string> ids;
    std::set<prescriptions::IdentityStatus> statuses;
    const std::chrono::year_month_day today{
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    for (std::size_t i = 0; i < a.patients.size(); ++i) {
        CHECK(a.patients[i].visit.reason == b.patients[i].visit.reason);
        CHECK(a.patients[i].visit.age == b.patients[i].visit.age);
        CHECK_FALSE(protocol::checkEligibility(a.patients[i].visit));
        // Every simulated identity is valid, and the three statuses all occur.
        if (a.patients[i].patient) {
            statuses.insert(a.patients[i].patient->status);
            CHECK(prescriptions::validateIdentity(*a.patients[i].patient, today).has_value());
            CHECK(a.patients[i].patient->ins.has_value() ==
                  (a.patients[i].patient->status != prescriptions::IdentityStatus::unverified));
        }
        ids.insert(a.patients[i].visit.visitId);
    }
    CHECK(ids.size() == a.patients.size());
    CHECK(statuses.size() == 3);
}

TEST_CASE("the simulated cabin checks in, answers, acknowledges, cleans", "[cabin]") {
    TestPki pki;
    TestService service(pki);
    protocol::IoThread io("test-cabin");
    protocol::ClientConfig client;
    client.port = service.port();
    client.tls = {pki.cabin("FR-SIM-01"), pki.ca.certificatePem()};
    auto script = cabin::demoScript({"FR-SIM-01", "Cabine simulée", "Mo-Su 00:00-24:00"}, 3);
    script.waitingAtOnce = 2;
    script.cleaningDelay = std::chrono::milliseconds(300);
    std::mutex mutex;
    std::vector<cabin::CabinPhase> phases;
    std::vector<std::string> details;
    script.satisfactionAnswers = {3};
    auto simulator = cabin::CabinSimulator::create(io.executor(), client, script,
                                                   [&](const cabin::CabinEvent& e) {
                                                       std::lock_guard lock(mutex);
                                                       phases.push_back(e.phase);
                                                       details.push_back(e.detail);
                                                   });
    simulator->start();

    SyncClient doctor(pki, pki.doctor(), service.port());
    REQUIRE(doctor.waitWelcome());
    REQUIRE_FALSE(doctor.request(type::presenceSet, {{"status", "on_shift"}}).code);
    // The cabin may check in before or after the subscription: snapshot plus updates.
    const auto snapshot = doctor.request(type::queueSubscribe);
    REQUIRE_FALSE(snapshot.code);
    std::vector<std::string> waiting;
    for (const auto& entry : snapshot.body["entries"]) {
        waiting.push_back(entry["visit"]["visit_id"].get<std::string>());
    }
    while (waiting.size() < 2) { // two waiting at once
        const auto added = doctor.nextEvent(type::queueUpdate);
        REQUIRE(added);
        waiting.push_back(added->body["visit_id"].get<std::string>());
    }
    const auto visitId = waiting.front();

    const auto claim = doctor.request(type::visitClaim, {{"visit_id", visitId}});
    REQUIRE_FALSE(claim.code);
    const auto session = claim.body["session_id"].get<std::string>();
    REQUIRE_FALSE(
        doctor
            .request(type::sessionOffer, {{"session_id", session},
                                          {"sdp_type", "offer"},
                                          {"sdp", "v=0\r\nm=audio 9 RTP/AVP 96\r\na=recvonly\r\n"}})
            .code);
    const auto answer = doctor.nextEvent(type::sessionAnswer);
    REQUIRE(answer);
    CHECK(answer->body["sdp"].get<std::string>().find("a=sendonly") != std::string::npos);

    REQUIRE_FALSE(doctor
                      .request(type::sessionMessage, {{"session_id", session},
                                                      {"kind", "stethoscope.site_request"},
                                                      {"payload", {{"site", "mitral"}}}})
                      .code);
    const auto ack = doctor.nextEvent(type::sessionMessage);
    REQUIRE(ack);
    CHECK(ack->body["kind"] == "stethoscope.site_ack");
    CHECK(ack->body["payload"]["request"]["site"] == "mitral");
    CHECK(ack->body["payload"]["acknowledged"] == true);
    // A site nobody knows is not "placed": the operator says so.
    REQUIRE_FALSE(doctor
                      .request(type::sessionMessage, {{"session_id", session},
                                                      {"kind", "stethoscope.site_request"},
                                                      {"payload", {{"site", "elbow"}}}})
                      .code);
    const auto refused = doctor.nextEvent(type::sessionMessage);
    REQUIRE(refused);
    CHECK(refused->body["payload"]["acknowledged"] == false);
    CHECK(refused->body["payload"]["reason"] == "unknown_site");

    doctor.clearEvents();
    REQUIRE_FALSE(
        doctor.request(type::sessionEnd, {{"session_id", session}, {"reason", "completed"}}).code);
    // After cleaning, the cabin is ready: its other patient and a new one are offered.
    std::set<std::string> offered;
    for (int i = 0; i < 2; ++i) {
        const auto update = doctor.nextEvent(type::queueUpdate, 5s);
        REQUIRE(update);
        if (update->body["op"] == "added") {
            offered.insert(update->body["visit_id"].get<std::string>());
        } else {
            --i;
        }
    }
    CHECK(offered.size() == 2);
    CHECK(offered.count(visitId) == 0);
    {
        std::lock_guard lock(mutex);
        CHECK(std::find(phases.begin(), phases.end(), cabin::CabinPhase::cleaning) != phases.end());
        CHECK(std::find(phases.begin(), phases.end(), cabin::CabinPhase::inSession) !=
              phases.end());
        // The patient's answer to the survey was taken by the service.
        CHECK(std::find(details.begin(), details.end(), "the patient rated the consultation 3/5") !=
              details.end());
    }
    simulator->stop();
    std::this_thread::sleep_for(50ms);
}

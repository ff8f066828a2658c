// The rendezvous service, in process on 127.0.0.1:0, driven by the real client over real TLS.
#include "support/catch_result.hpp"
#include "support/test_support.hpp"

#include <set>
#include <thread>

using namespace tc;
using namespace tc::test;
using protocol::Errc;
namespace type = protocol::type;

namespace {

void goOnShift(SyncClient& doctor) {
    REQUIRE(doctor.waitWelcome());
    REQUIRE_FALSE(doctor.request(type::presenceSet, {{"status", "on_shift"}}).code);
}

std::vector<std::string> snapshotIds(SyncClient& observer) {
    const auto reply = observer.request(type::queueSubscribe);
    REQUIRE_FALSE(reply.code);
    const auto snapshot = protocol::fromJson<protocol::QueueSnapshot>(reply.body);
    REQUIRE(snapshot);
    std::vector<std::string> ids;
    for (const auto& e : snapshot->entries) {
        ids.push_back(e.visit.visitId);
    }
    return ids;
}

} // namespace

TEST_CASE("queue is ordered by priority then waiting time and updated incrementally",
          "[rendezvous]") {
    TestPki pki;
    TestService service(pki);
    SyncClient cabinA(pki, pki.cabin("FR-A-01"), service.port());
    SyncClient cabinB(pki, pki.cabin("FR-B-01"), service.port());
    SyncClient cabinC(pki, pki.cabin("FR-C-01"), service.port());
    REQUIRE(cabinA.waitWelcome());
    REQUIRE(cabinB.waitWelcome());
    REQUIRE(cabinC.waitWelcome());

    REQUIRE_FALSE(cabinA.request(type::visitCheckIn, toJson(adultVisit("V-1", "FR-A-01"))).code);
    std::this_thread::sleep_for(5ms);
    REQUIRE_FALSE(cabinB.request(type::visitCheckIn, toJson(adultVisit("V-2", "FR-B-01"))).code);
    auto urgent = adultVisit("V-3", "FR-C-01");
    urgent.priority = protocol::Priority::urgent;
    REQUIRE_FALSE(cabinC.request(type::visitCheckIn, toJson(urgent)).code);

    SyncClient doctor(pki, pki.doctor(), service.port());
    goOnShift(doctor);
    CHECK(snapshotIds(doctor) == std::vector<std::string>{"V-3", "V-1", "V-2"});

    // An incremental update follows the snapshot, with the entry's waiting time and triage.
    SyncClient cabinD(pki, pki.cabin("FR-D-01"), service.port());
    REQUIRE(cabinD.waitWelcome());
    REQUIRE_FALSE(cabinD.request(type::visitCheckIn, toJson(adultVisit("V-4", "FR-D-01"))).code);
    const auto added = doctor.nextEvent(type::queueUpdate);
    REQUIRE(added);
    const auto update = protocol::fromJson<protocol::QueueUpdate>(added->body);
    REQUIRE(update);
    CHECK(update->op == protocol::QueueOp::added);
    REQUIRE(update->entry);
    CHECK(update->entry->visit.reason == "Fièvre et toux depuis trois jours");
    CHECK(update->entry->cabinName == "Cabine FR-D-01");
    CHECK(update->entry->waitedMs >= 0);

    // A patient who leaves is withdrawn.
    REQUIRE_FALSE(
        cabinD.request(type::visitCancel, {{"visit_id", "V-4"}, {"reason", "left"}}).code);
    const auto removed = doctor.nextEvent(type::queueUpdate);
    REQUIRE(removed);
    CHECK(removed->body["op"] == "removed");
    CHECK(removed->body["visit_id"] == "V-4");
}

TEST_CASE("20 doctors claim the same visit at once: exactly one wins", "[rendezvous]") {
    TestPki pki;
    TestService service(pki);
    SyncClient cabin(pki, pki.cabin(), service.port());
    REQUIRE(cabin.waitWelcome());
    std::vector<std::unique_ptr<SyncClient>> doctors;
    for (int i = 0; i < 20; ++i) {
        doctors.push_back(std::make_unique<SyncClient>(pki, pki.doctor(i), service.port()));
    }
    for (auto& d : doctors) {
        goOnShift(*d);
    }
    REQUIRE_FALSE(cabin.request(type::visitCheckIn, toJson(adultVisit("V-RACE"))).code);

    std::vector<protocol::Reply> replies(doctors.size());
    std::vector<std::thread> threads;
    std::atomic<bool> go{false};
    for (std::size_t i = 0; i < doctors.size(); ++i) {
        threads.emplace_back([&, i] {
            while (!go.load()) {
                std::this_thread::yield();
            }
            replies[i] = doctors[i]->request(type::visitClaim, {{"visit_id", "V-RACE"}});
        });
    }
    go = true;
    for (auto& t : threads) {
        t.join();
    }
    int won = 0;
    int taken = 0;
    for (const auto& r : replies) {
        won += !r.code;
        taken += r.code == Errc::alreadyTaken;
    }
    CHECK(won == 1);
    CHECK(taken == 19);
    const auto claimed = cabin.nextEvent(type::visitClaimed);
    REQUIRE(claimed);
    CHECK(claimed->body["visit_id"] == "V-RACE");
}

TEST_CASE("join relays offer and answer; ending puts the cabin in cleaning until ready",
          "[rendezvous]") {
    TestPki pki;
    TestService service(pki);
    SyncClient cabin(pki, pki.cabin(), service.port());
    SyncClient doctor(pki, pki.doctor(), service.port());
    REQUIRE(cabin.waitWelcome());
    goOnShift(doctor);
    REQUIRE(snapshotIds(doctor).empty());
    REQUIRE_FALSE(cabin.request(type::visitCheckIn, toJson(adultVisit("V-1"))).code);
    REQUIRE_FALSE(cabin.request(type::visitCheckIn, toJson(adultVisit("V-2"))).code);
    REQUIRE(doctor.nextEvent(type::queueUpdate));
    REQUIRE(doctor.nextEvent(type::queueUpdate));

    const auto claim = doctor.request(type::visitClaim, {{"visit_id", "V-1"}});
    REQUIRE_FALSE(claim.code);
    const std::string session = claim.body["session_id"].get<std::string>();
    // The cabin is busy: its other waiting patient is withdrawn too.
    std::set<std::string> withdrawn;
    for (int i = 0; i < 2; ++i) {
        const auto u = doctor.nextEvent(type::queueUpdate);
        REQUIRE(u);
        CHECK(u->body["op"] == "removed");
        withdrawn.insert(u->body["visit_id"].get<std::string>());
    }
    CHECK(withdrawn == std::set<std::string>{"V-1", "V-2"});
    CHECK(doctor.request(type::visitClaim, {{"visit_id", "V-2"}}).code == Errc::cabinBusy);

    const std::string sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    REQUIRE_FALSE(doctor
                      .request(type::sessionOffer,
                               {{"session_id", session}, {"sdp_type", "offer"}, {"sdp", sdp}})
                      .code);
    const auto offer = cabin.nextEvent(type::sessionOffer);
    REQUIRE(offer);
    CHECK(offer->body["sdp"] == sdp);
    REQUIRE_FALSE(cabin
                      .request(type::sessionAnswer,
                               {{"session_id", session}, {"sdp_type", "answer"}, {"sdp", sdp}})
                      .code);
    REQUIRE(doctor.nextEvent(type::sessionAnswer));

    // Typed in-session messages are relayed; unknown kinds are refused.
    REQUIRE_FALSE(doctor
                      .request(type::sessionMessage, {{"session_id", session},
                                                      {"kind", "stethoscope.site_request"},
                                                      {"payload", {{"site", "mitral"}}}})
                      .code);
    const auto relayed = cabin.nextEvent(type::sessionMessage);
    REQUIRE(relayed);
    CHECK(relayed->body["payload"]["site"] == "mitral");
    CHECK(doctor
              .request(type::sessionMessage, {{"session_id", session},
                                              {"kind", "shell.exec"},
                                              {"payload", nlohmann::json::object()}})
              .code == Errc::unknownMessageKind);

    REQUIRE_FALSE(
        doctor.request(type::sessionEnd, {{"session_id", session}, {"reason", "completed"}}).code);
    const auto ended = cabin.nextEvent(type::sessionEnded);
    REQUIRE(ended);
    CHECK(ended->body["reason"] == "completed");
    CHECK(ended->body["ended_by"] == "doctor");
    REQUIRE(doctor.nextEvent(type::sessionEnded));

    // Cleaning: V-2 is not offered until the operator marks the cabin ready.
    CHECK_FALSE(doctor.nextEvent(type::queueUpdate, 300ms));
    CHECK(snapshotIds(doctor).empty());
    REQUIRE_FALSE(cabin.request(type::cabinReady).code);
    const auto back = doctor.nextEvent(type::queueUpdate);
    REQUIRE(back);
    CHECK(back->body["op"] == "added");
    CHECK(back->body["visit_id"] == "V-2");
}

TEST_CASE("eligibility and consent at check-in", "[rendezvous]") {
    TestPki pki;
    TestService service(pki);
    SyncClient cabin(pki, pki.cabin(), service.port());
    REQUIRE(cabin.waitWelcome());

    auto child = adultVisit("V-CHILD");
    child.age = 13;
    child.guardianPresent = true;
    CHECK(cabin.request(type::visitCheckIn, toJson(child)).code == Errc::underage);

    auto teen = adultVisit("V-TEEN");
    teen.age = 15;
    CHECK(cabin.request(type::visitCheckIn, toJson(teen)).code == Errc::guardianRequired);
    teen.guardianPresent = true;
    CHECK_FALSE(cabin.request(type::visitCheckIn, toJson(teen)).code);

    auto adult = adultVisit("V-NOCONSENT");
    adult.consent.recorded = false;
    CHECK(cabin.request(type::visitCheckIn, toJson(adult)).code == Errc::consentMissing);

    auto otherSite = adultVisit("V-OTHER", "FR-ELSEWHERE");
    CHECK(cabin.request(type::visitCheckIn, toJson(otherSite)).code == Errc::invalidField);

    // A retried check-in is idempotent; a different visit under the same id is not.
    CHECK_FALSE(cabin.request(type::visitCheckIn, toJson(teen)).code);
    teen.reason = "Autre motif";
    CHECK(cabin.request(type::visitCheckIn, toJson(teen)).code == Errc::duplicateVisit);
}

TEST_CASE("a role that does not fit the message is refused", "[rendezvous]") {
    TestPki pki;
    TestService service(pki);
    SyncClient cabin(pki, pki.cabin(), service.port());
    SyncClient doctor(pki, pki.doctor(), service.port());
    SyncClient coordinator(pki, pki.coordinator(), service.port());
    REQUIRE(cabin.waitWelcome());
    REQUIRE(doctor.waitWelcome());
    REQUIRE(coordinator.waitWelcome());
    CHECK(cabin.request(type::visitClaim, {{"visit_id", "V-1"}}).code == Errc::forbiddenRole);
    CHECK(cabin.request(type::queueSubscribe).code == Errc::forbiddenRole);
    CHECK(doctor.request(type::visitCheckIn, toJson(adultVisit("V-1"))).code ==
          Errc::forbiddenRole);
    CHECK(coordinator.request(type::visitClaim, {{"visit_id", "V-1"}}).code == Errc::forbiddenRole);
    CHECK_FALSE(coordinator.request(type::queueSubscribe).code); // coordinators may observe
    CHECK(doctor.request(type::visitClaim, {{"visit_id", "V-1"}}).code == Errc::notOnShift);
}

TEST_CASE("a dropped doctor resumes within the grace period", "[rendezvous][liveness]") {
    TestPki pki;
    TestService service(pki);
    SyncClient cabin(pki, pki.cabin(), service.port());
    SyncClient doctor(pki, pki.doctor(), service.port());
    REQUIRE(cabin.waitWelcome());
    goOnShift(doctor);
    REQUIRE_FALSE(cabin.request(type::visitCheckIn, toJson(adultVisit("V-1"))).code);
    const auto claim = doctor.request(type::visitClaim, {{"visit_id", "V-1"}});
    REQUIRE_FALSE(claim.code);
    const std::string session = claim.body["session_id"].get<std::string>();

    doctor.client().simulateNetworkFailure();
    const auto lost = cabin.nextEvent(type::peerStatus);
    REQUIRE(lost);
    CHECK(lost->body["connected"] == false);
    const auto resumed = doctor.waitWelcome();
    REQUIRE(resumed);
    CHECK(*resumed);
    const auto back = cabin.nextEvent(type::peerStatus);
    REQUIRE(back);
    CHECK(back->body["connected"] == true);
    // The session survived: the doctor can still end it.
    CHECK_FALSE(
        doctor.request(type::sessionEnd, {{"session_id", session}, {"reason", "completed"}}).code);
    REQUIRE(cabin.nextEvent(type::sessionEnded));
}

TEST_CASE("after the grace period the peer is told the session ended", "[rendezvous][liveness]") {
    TestPki pki;
    TestService service(pki, 300ms);
    SyncClient cabin(pki, pki.cabin(), service.port());
    auto doctor = std::make_unique<SyncClient>(pki, pki.doctor(), service.port(),
                                               /*reconnect=*/false);
    REQUIRE(cabin.waitWelcome());
    goOnShift(*doctor);
    REQUIRE_FALSE(cabin.request(type::visitCheckIn, toJson(adultVisit("V-1"))).code);
    REQUIRE_FALSE(doctor->request(type::visitClaim, {{"visit_id", "V-1"}}).code);

    doctor->client().simulateNetworkFailure();
    REQUIRE(cabin.nextEvent(type::peerStatus));
    const auto ended = cabin.nextEvent(type::sessionEnded, 3s);
    REQUIRE(ended);
    CHECK(ended->body["reason"] == "peer_lost");
    CHECK(ended->body["ended_by"] == "service");
}

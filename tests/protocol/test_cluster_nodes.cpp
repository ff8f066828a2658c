// Issue 19: rendezvous nodes sharing a real PostgreSQL (started by the test, as an unprivileged
// user), each node the real binary, the clients the real client over TLS. Claims across nodes,
// the fan-out of queue changes and session relays, kill -9 of a node in the middle of a
// session, the database restarted or gone for longer than a node may serve without it; every
// client's history checked against the shared event log.

#include "cluster_lab.hpp"

#include <future>

namespace tc::test {
namespace {

using namespace cluster;
using protocol::Errc;
namespace type = protocol::type;

const std::string kSdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n";

void goOnShift(SyncClient& doctor) {
    REQUIRE(doctor.waitWelcome(10s));
    REQUIRE_FALSE(doctor.request(type::presenceSet, {{"status", "on_shift"}}).code);
}

// The doctor's offer reaches the cabin, the cabin's answer the doctor: relayed between nodes.
void relayOfferAndAnswer(SyncClient& doctor, SyncClient& cabin, const std::string& session) {
    REQUIRE_FALSE(doctor
                      .request(type::sessionOffer,
                               {{"session_id", session}, {"sdp_type", "offer"}, {"sdp", kSdp}})
                      .code);
    const auto offer = cabin.nextEvent(type::sessionOffer);
    REQUIRE(offer);
    CHECK(offer->body["sdp"] == kSdp);
    REQUIRE_FALSE(cabin
                      .request(type::sessionAnswer,
                               {{"session_id", session}, {"sdp_type", "answer"}, {"sdp", kSdp}})
                      .code);
    REQUIRE(doctor.nextEvent(type::sessionAnswer));
}

void siteRequestReaches(SyncClient& doctor, SyncClient& cabin, const std::string& session,
                        const std::string& site) {
    REQUIRE_FALSE(doctor
                      .request(type::sessionMessage, {{"session_id", session},
                                                      {"kind", "stethoscope.site_request"},
                                                      {"payload", {{"site", site}}}})
                      .code);
    const auto relayed = cabin.nextEvent(type::sessionMessage, 10s);
    REQUIRE(relayed);
    CHECK(relayed->body["payload"]["site"] == site);
}

std::string endSession(SyncClient& doctor, SyncClient& cabin, const std::string& session,
                       History& history) {
    REQUIRE_FALSE(
        doctor.request(type::sessionEnd, {{"session_id", session}, {"reason", "completed"}}).code);
    const auto ended = cabin.nextEvent(type::sessionEnded, 10s);
    REQUIRE(ended);
    history.sessionEnded(session, ended->body["reason"].get<std::string>());
    return ended->body["reason"].get<std::string>();
}

// The cabin checks `visits` in; once the doctor, on another node, sees them all, it claims the
// first. Returns the session; the claim goes into `history`.
std::string checkInAndClaim(SyncClient& cabin, SyncClient& doctor, History& history,
                            const std::vector<std::string>& visits) {
    for (const auto& visit : visits) {
        REQUIRE_FALSE(cabin.request(type::visitCheckIn, protocol::toJson(adultVisit(visit))).code);
    }
    REQUIRE(eventually([&] { return queueView(doctor).size() == visits.size(); }));
    const auto claim = doctor.request(type::visitClaim, {{"visit_id", visits.front()}});
    history.claimAnswered(visits.front(), "doctor", claim);
    REQUIRE_FALSE(claim.code);
    REQUIRE(cabin.nextEvent(type::visitClaimed, 10s));
    return claim.body["session_id"].get<std::string>();
}

} // namespace

TEST_CASE("three nodes on one PostgreSQL: a cabin on A, 20 doctors on A B and C race for its "
          "patient, the session relayed across nodes",
          "[cluster][postgres]") {
    TestPki pki;
    TempDir dir;
    const auto pg = PostgresServer::start({});
    NodeProcess a(pki, dir, "a", pg->url());
    NodeProcess b(pki, dir, "b", pg->url());
    NodeProcess c(pki, dir, "c", pg->url());
    const std::uint16_t ports[] = {a.port(), b.port(), c.port()};
    History history;

    SyncClient cabin(pki, pki.cabin(), a.port());
    REQUIRE(cabin.waitWelcome(10s));
    std::vector<std::unique_ptr<SyncClient>> doctors;
    for (int d = 0; d < 20; ++d) {
        doctors.push_back(std::make_unique<SyncClient>(pki, pki.doctor(d), ports[d % 3]));
    }
    for (auto& doctor : doctors) {
        goOnShift(*doctor);
        CHECK(queueView(*doctor).empty());
    }
    REQUIRE_FALSE(cabin.request(type::visitCheckIn, protocol::toJson(adultVisit("V-RACE"))).code);
    // The queue change reaches every doctor, whichever node holds its connection.
    for (auto& doctor : doctors) {
        const auto added = doctor->nextEvent(type::queueUpdate, 10s);
        REQUIRE(added);
        CHECK(added->body["op"] == "added");
        CHECK(added->body["visit_id"] == "V-RACE");
    }
    // All claim at once.
    std::vector<std::future<protocol::Reply>> claims;
    for (auto& doctor : doctors) {
        claims.push_back(std::async(std::launch::async, [&doctor] {
            return doctor->request(type::visitClaim, {{"visit_id", "V-RACE"}});
        }));
    }
    int won = -1;
    int refused = 0;
    for (std::size_t d = 0; d < claims.size(); ++d) {
        const auto reply = claims[d].get();
        history.claimAnswered("V-RACE", std::to_string(d), reply);
        if (!reply.code) {
            CHECK(won == -1);
            won = static_cast<int>(d);
        } else {
            CHECK((reply.code == Errc::alreadyTaken || reply.code == Errc::cabinBusy));
            ++refused;
        }
    }
    REQUIRE(won >= 0);
    CHECK(refused == 19);
    const auto claimed = cabin.nextEvent(type::visitClaimed, 10s);
    REQUIRE(claimed);
    const std::string session = claimed->body["session_id"].get<std::string>();
    auto& winner = *doctors[static_cast<std::size_t>(won)];
    relayOfferAndAnswer(winner, cabin, session);
    siteRequestReaches(winner, cabin, session, "mitral");
    CHECK(endSession(winner, cabin, session, history) == "completed");

    // A second patient, claimed from another node than the first winner's.
    REQUIRE_FALSE(cabin.request(type::cabinReady).code);
    REQUIRE_FALSE(cabin.request(type::visitCheckIn, protocol::toJson(adultVisit("V-NEXT"))).code);
    auto& other = *doctors[static_cast<std::size_t>((won + 1) % 20)];
    REQUIRE(eventually([&] { return queueView(other).contains("V-NEXT"); }));
    const auto second = other.request(type::visitClaim, {{"visit_id", "V-NEXT"}});
    history.claimAnswered("V-NEXT", "other", second);
    REQUIRE_FALSE(second.code);
    const std::string secondSession = second.body["session_id"].get<std::string>();
    REQUIRE(cabin.nextEvent(type::visitClaimed, 10s));
    CHECK(endSession(other, cabin, secondSession, history) == "completed");

    // Every node's view of the queue agrees after the changes.
    for (auto& doctor : doctors) {
        CHECK(queueView(*doctor).empty());
    }
    REQUIRE(eventually([&] {
        std::string out;
        return pg->psql("SELECT count(*) FROM events WHERE kind = 'end'", &out) == 0 &&
               out == "2\n";
    }));
    history.check(*pg);
    std::string version;
    REQUIRE(pg->psql("SELECT version FROM schema_version", &version) == 0);
    CHECK(version == "2\n");
}

TEST_CASE("kill -9 of the cabin's node in the middle of a session: both ends carry on through "
          "another node, the session intact",
          "[cluster][postgres][liveness]") {
    TestPki pki;
    TempDir dir;
    PostgresServer::Options options;
    options.durable = true;
    const auto pg = PostgresServer::start(options);
    auto a = std::make_unique<NodeProcess>(pki, dir, "a", pg->url());
    NodeProcess b(pki, dir, "b", pg->url());
    NodeProcess c(pki, dir, "c", pg->url());
    History history;

    SyncClient cabin(pki, pki.cabin(), a->port(), true, {node(b.port()), node(c.port())});
    SyncClient doctor(pki, pki.doctor(), b.port(), true, {node(c.port())});
    SyncClient observer(pki, pki.doctor(7), c.port(), true, {node(b.port())});
    REQUIRE(cabin.waitWelcome(10s));
    goOnShift(doctor);
    goOnShift(observer);
    const std::string session = checkInAndClaim(cabin, doctor, history, {"V-1", "V-2"});
    relayOfferAndAnswer(doctor, cabin, session);

    a->kill9();
    // The cabin reconnects to the next node and resumes its party with its session.
    const auto resumed = cabin.waitWelcome(15s);
    REQUIRE(resumed);
    CHECK(*resumed);
    siteRequestReaches(doctor, cabin, session, "aortic");
    // The cabin's messages reach the doctor too, and nobody was told the session ended.
    REQUIRE_FALSE(cabin
                      .request(type::sessionMessage, {{"session_id", session},
                                                      {"kind", "stethoscope.site_ack"},
                                                      {"payload", {{"site", "aortic"}}}})
                      .code);
    CHECK(doctor.nextEvent(type::sessionMessage, 10s));
    // The dead node is declared lost; that changes nothing for parties that moved.
    REQUIRE(eventually(
        [&] {
            std::string out;
            return pg->psql("SELECT count(*) FROM nodes WHERE lost", &out) == 0 && out == "1\n";
        },
        15s));
    CHECK_FALSE(doctor.nextEvent(type::sessionEnded, 500ms));
    // The cabin's other patient is still in the queue, seen alike from every node, after
    // reconnects and fresh subscriptions.
    CHECK(queueView(observer).empty()); // the cabin is in session: V-2 withdrawn
    CHECK(endSession(doctor, cabin, session, history) == "completed");
    REQUIRE_FALSE(cabin.request(type::cabinReady).code);
    REQUIRE(eventually([&] { return queueView(observer) == std::set<std::string>{"V-2"}; }));
    CHECK(queueView(doctor) == std::set<std::string>{"V-2"});
    history.check(*pg);
}

TEST_CASE("PostgreSQL restarted, then gone for longer than a node may serve without it: "
          "sessions survive, nodes come back",
          "[cluster][postgres][liveness]") {
    TestPki pki;
    TempDir dir;
    PostgresServer::Options options;
    options.durable = true;
    const auto pg = PostgresServer::start(options);
    NodeProcess a(pki, dir, "a", pg->url());
    NodeProcess b(pki, dir, "b", pg->url());
    History history;
    SyncClient cabin(pki, pki.cabin(), a.port(), true, {node(b.port())});
    SyncClient doctor(pki, pki.doctor(), b.port(), true, {node(a.port())});
    REQUIRE(cabin.waitWelcome(10s));
    goOnShift(doctor);
    const std::string session = checkInAndClaim(cabin, doctor, history, {"V-1"});

    SECTION("a quick restart: the nodes reconnect and read what they missed") {
        pg->restart();
        relayOfferAndAnswer(doctor, cabin, session);
        siteRequestReaches(doctor, cabin, session, "tricuspid");
    }
    SECTION("down for twice the loss timeout: nodes stop serving, then serve again") {
        pg->stop();
        std::this_thread::sleep_for(2 * kNodeLossTimeout);
        // Both nodes closed their connections; the clients keep trying the two in turn.
        CHECK(a.output().find("fenced: closing") != std::string::npos);
        pg->start();
        const auto cabinBack = cabin.waitWelcome(20s);
        const auto doctorBack = doctor.waitWelcome(20s);
        REQUIRE(cabinBack);
        REQUIRE(doctorBack);
        CHECK(*cabinBack);
        CHECK(*doctorBack);
        relayOfferAndAnswer(doctor, cabin, session);
        siteRequestReaches(doctor, cabin, session, "pulmonary");
        CHECK(a.output().find("serving again as node") != std::string::npos);
    }
    CHECK(endSession(doctor, cabin, session, history) == "completed");
    REQUIRE(eventually([&] {
        std::string out;
        return pg->psql("SELECT count(*) FROM events WHERE kind = 'end'", &out) == 0 &&
               out == "1\n";
    }));
    history.check(*pg);
}

TEST_CASE("a node cut from the database by a network partition stops serving, its clients "
          "resume on another node, and it serves again once healed",
          "[cluster][postgres][liveness][netns]") {
    REQUIRE(::geteuid() == 0); // network namespaces and nftables
    TestPki pki;
    TempDir dir;
    Namespace ns(7);
    PostgresServer::Options options;
    options.durable = true;
    options.listenAddress = "*";
    const auto pg = PostgresServer::start(options);
    protocol::CertificateRequest request;
    request.identity = {protocol::Role::service, "rendezvous", "node in a namespace"};
    request.ipAddresses = {"127.0.0.1", ns.address()};
    const auto nsService = pki.ca.issue(request);
    REQUIRE(nsService);
    NodeProcess a(pki, dir, "a", pg->url());
    NodeProcess b(pki, dir, "b", pg->url(ns.hostAddress()), ns.address(), ns.prefix(), *nsService);
    History history;
    const protocol::ServiceNode nodeB{ns.address(), b.port()};
    INFO("PostgreSQL log: " << pg->logTail());

    SyncClient cabin(pki, pki.cabin(), b.port(), true, {node(a.port())}, ns.address());
    SyncClient doctor(pki, pki.doctor(), a.port(), true, {nodeB});
    REQUIRE(cabin.waitWelcome(10s));
    goOnShift(doctor);
    const std::string session = checkInAndClaim(cabin, doctor, history, {"V-1", "V-2"});
    relayOfferAndAnswer(doctor, cabin, session);

    ns.partitionFrom(pg->port());
    // B stops serving within half the loss timeout; the cabin resumes on A.
    const auto resumed = cabin.waitWelcome(15s);
    REQUIRE(resumed);
    CHECK(*resumed);
    siteRequestReaches(doctor, cabin, session, "mitral");
    REQUIRE(eventually(
        [&] {
            std::string out;
            return pg->psql("SELECT count(*) FROM nodes WHERE lost", &out) == 0 && out == "1\n";
        },
        15s));
    CHECK(b.output().find("fenced: closing") != std::string::npos);

    ns.heal();
    REQUIRE(eventually(
        [&] { return b.output().find("serving again as node") != std::string::npos; }, 20s));
    // B caught up with what it missed: a doctor connected to B sees the queue as it is.
    SyncClient late(pki, pki.doctor(3), b.port(), false, {}, ns.address());
    goOnShift(late);
    CHECK(queueView(late).empty()); // the cabin is in session: V-2 withdrawn
    CHECK(endSession(doctor, cabin, session, history) == "completed");
    REQUIRE_FALSE(cabin.request(type::cabinReady).code);
    REQUIRE(eventually([&] { return queueView(late) == std::set<std::string>{"V-2"}; }));
    CHECK(queueView(doctor) == std::set<std::string>{"V-2"});
    history.check(*pg);
}

TEST_CASE("a node started with other settings than a live node's is refused; once that node "
          "has stopped it may start",
          "[cluster][postgres][settings]") {
    TestPki pki;
    TempDir dir;
    const auto pg = PostgresServer::start({});
    auto a = std::make_unique<NodeProcess>(pki, dir, "a", pg->url());
    // Another grace period would make the replicas diverge: refused, and said why.
    const auto ca = dir.write("x-ca.pem", pki.ca.certificatePem());
    const auto cert = dir.write("x.pem", pki.service.certificatePem);
    const auto key = dir.write("x.key", pki.service.privateKeyPem);
    auto command = transfer::serveCommand(TC_RENDEZVOUS_BINARY, ca, cert, key);
    command.insert(command.end(), {"--database", pg->url(), "--grace-ms", "45000", "--heartbeat-ms",
                                   "2000", "--node-loss-timeout-ms",
                                   std::to_string(kNodeLossTimeout.count()), "--rate", "200"});
    transfer::ChildProcess refused(command);
    CHECK(refused.wait(20s) == 1);
    INFO(refused.err());
    CHECK(refused.err().find("other settings") != std::string::npos);
    std::string nodes;
    REQUIRE(pg->psql("SELECT count(*) FROM nodes", &nodes) == 0);
    CHECK(nodes == "1\n");
    // The same settings are welcome.
    NodeProcess b(pki, dir, "b", pg->url());
    CHECK(b.port() > 0);

    // Every node stopped: a cluster may be started again with new settings.
    CHECK(a->stop() == 0);
    CHECK(b.stop() == 0);
    NodeProcess c(pki, dir, "c", pg->url(), "127.0.0.1", {}, std::nullopt, {"--grace-ms", "45000"});
    CHECK(c.port() > 0);
}

} // namespace tc::test

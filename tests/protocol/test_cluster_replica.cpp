// The cluster's replicas (protocol/src/cluster_replica.hpp), without a database: two replicas
// fed the same command log compute the same state, messages, identifiers and events; claims
// are decided by the log's order alone; what a lost node logs afterwards changes nothing.

#include "cluster_replica.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

namespace tc::test {
namespace {

using protocol::ConnectionId;
using protocol::detail::ClusterCommand;
using protocol::detail::ClusterReplica;
using protocol::detail::firstConnectionOf;
using protocol::detail::SequencedEvent;

protocol::StateConfig stateConfig() {
    protocol::StateConfig config;
    config.gracePeriod = std::chrono::milliseconds(30'000);
    return config;
}

// Builds a log the way nodes write it: increasing seq and time, a seed per command.
class LogBuilder {
public:
    ClusterCommand connect(std::int64_t node, ConnectionId connection,
                           const protocol::Identity& identity) {
        return next(node, "connect", connection, protocol::toJson(identity).dump());
    }
    ClusterCommand request(std::int64_t node, ConnectionId connection, std::string_view type,
                           nlohmann::json body) {
        const protocol::Envelope envelope{protocol::kProtocolVersion, std::string(type),
                                          "r" + std::to_string(m_seq + 1), std::move(body)};
        return next(node, "request", connection, protocol::serialise(envelope));
    }
    ClusterCommand plain(std::int64_t node, std::string kind, ConnectionId connection = 0,
                         std::string body = {}, std::int64_t advanceMs = 5) {
        m_atMs += advanceMs;
        return next(node, std::move(kind), connection, std::move(body));
    }

private:
    ClusterCommand next(std::int64_t node, std::string kind, ConnectionId connection,
                        std::string body) {
        ++m_seq;
        m_atMs += 5;
        return ClusterCommand{m_seq,
                              "c" + std::to_string(m_seq),
                              node,
                              m_atMs,
                              "seed-" + std::to_string(m_seq * 7919),
                              std::move(kind),
                              connection,
                              std::move(body)};
    }
    std::int64_t m_seq = 0;
    std::int64_t m_atMs = 1'800'000'000'000;
};

// What a replica sent to each connection, as text, in order.
using Outbox = std::map<ConnectionId, std::vector<std::string>>;

void applyAll(ClusterReplica& replica, const std::vector<ClusterCommand>& log, Outbox& out,
              std::vector<SequencedEvent>& events) {
    for (const auto& command : log) {
        protocol::Effects effects;
        replica.apply(command, effects, events);
        for (const auto& send : effects.sends) {
            out[send.to].push_back(*send.frame);
        }
    }
}

protocol::Identity identityOf(const protocol::Credentials& credentials) {
    return *protocol::identityFromCertificatePem(credentials.certificatePem);
}

} // namespace

TEST_CASE("two replicas applying the same log agree on every message and event",
          "[cluster][replica]") {
    TestPki pki;
    LogBuilder builder;
    std::vector<ClusterCommand> log;
    const ConnectionId cabin = firstConnectionOf(1);
    std::vector<ConnectionId> doctors;
    log.push_back(builder.connect(1, cabin, identityOf(pki.cabin())));
    for (int d = 0; d < 6; ++d) {
        const std::int64_t node = 2 + d % 2;
        const ConnectionId connection = firstConnectionOf(node) + static_cast<ConnectionId>(d);
        doctors.push_back(connection);
        log.push_back(builder.connect(node, connection, identityOf(pki.doctor(d))));
        log.push_back(builder.request(node, connection, protocol::type::presenceSet,
                                      {{"status", "on_shift"}}));
        log.push_back(builder.request(node, connection, protocol::type::queueSubscribe, {}));
    }
    log.push_back(builder.request(1, cabin, protocol::type::visitCheckIn,
                                  protocol::toJson(adultVisit("V-RACE"))));
    // Six claims of the same visit, from two nodes: the log's order decides.
    for (std::size_t d = 0; d < doctors.size(); ++d) {
        log.push_back(builder.request(protocol::detail::nodeOfConnection(doctors[d]), doctors[d],
                                      protocol::type::visitClaim, {{"visit_id", "V-RACE"}}));
    }

    ClusterReplica first(stateConfig());
    ClusterReplica second(stateConfig());
    Outbox firstOut;
    Outbox secondOut;
    std::vector<SequencedEvent> firstEvents;
    std::vector<SequencedEvent> secondEvents;
    applyAll(first, log, firstOut, firstEvents);
    // The second replica reads the log in two halves, the first half twice (a reader that
    // reconnected and read again from an older position).
    const std::vector<ClusterCommand> head(log.begin(), log.begin() + 10);
    applyAll(second, head, secondOut, secondEvents);
    applyAll(second, log, secondOut, secondEvents);

    CHECK(firstOut == secondOut);
    REQUIRE(firstEvents.size() == secondEvents.size());
    for (std::size_t i = 0; i < firstEvents.size(); ++i) {
        CHECK(firstEvents[i].sequence == secondEvents[i].sequence);
        CHECK(firstEvents[i].event.kind == secondEvents[i].event.kind);
        CHECK(firstEvents[i].event.sessionId == secondEvents[i].event.sessionId);
        CHECK(firstEvents[i].event.atUnixMs == secondEvents[i].event.atUnixMs);
    }
    // Exactly one claim won: the first in the log.
    int won = 0;
    int taken = 0;
    for (std::size_t d = 0; d < doctors.size(); ++d) {
        const auto& last = firstOut.at(doctors[d]).back();
        const auto reply = nlohmann::json::parse(last);
        if (reply["type"] == "error") {
            CHECK(reply["body"]["code"] == "already_taken");
            ++taken;
        } else {
            CHECK(d == 0);
            CHECK(reply["body"]["session_id"].get<std::string>().starts_with("S-"));
            ++won;
        }
    }
    CHECK(won == 1);
    CHECK(taken == 5);
    // The identifiers come from the commands' seeds: the same on both, unpredictable without.
    CHECK(first.state().sessionCount() == 1);
    CHECK(second.state().sessionCount() == 1);
    const auto claims = std::count_if(firstEvents.begin(), firstEvents.end(),
                                      [](const auto& e) { return e.event.kind == "claim"; });
    CHECK(claims == 1);
}

TEST_CASE("a lost node's connections lose their party's link, and its later commands are ignored",
          "[cluster][replica]") {
    TestPki pki;
    LogBuilder builder;
    std::vector<ClusterCommand> log;
    const ConnectionId cabin = firstConnectionOf(1);
    const ConnectionId doctor = firstConnectionOf(2);
    log.push_back(builder.connect(1, cabin, identityOf(pki.cabin())));
    log.push_back(builder.connect(2, doctor, identityOf(pki.doctor())));
    log.push_back(
        builder.request(2, doctor, protocol::type::presenceSet, {{"status", "on_shift"}}));
    log.push_back(builder.request(1, cabin, protocol::type::visitCheckIn,
                                  protocol::toJson(adultVisit("V-LOST"))));
    log.push_back(builder.request(2, doctor, protocol::type::visitClaim, {{"visit_id", "V-LOST"}}));
    log.push_back(builder.plain(3, "node_lost", 0, "1"));
    // Written by node 1 before it knew: ignored.
    log.push_back(builder.request(1, cabin, protocol::type::visitCheckIn,
                                  protocol::toJson(adultVisit("V-LATE"))));
    // A command naming another node's connection changes nothing either.
    log.push_back(builder.request(3, doctor, protocol::type::presenceSet, {{"status", "paused"}}));

    ClusterReplica replica(stateConfig());
    Outbox out;
    std::vector<SequencedEvent> events;
    applyAll(replica, log, out, events);
    CHECK(replica.isLost(1));
    CHECK(replica.state().sessionCount() == 1);      // kept for the grace period
    CHECK(replica.state().waitingVisitCount() == 1); // V-LOST only, claimed
    // The doctor was told the cabin's link is down (peer.status), not that the session ended.
    const auto& toDoctor = out.at(doctor);
    CHECK(std::any_of(toDoctor.begin(), toDoctor.end(), [](const std::string& frame) {
        return frame.find("\"session.peer_status\"") != std::string::npos;
    }));
    // The grace period runs out at the log's time: an expire command 31 s later ends it.
    log.clear();
    log.push_back(builder.plain(2, "expire", 0, {}, 31'000));
    applyAll(replica, log, out, events);
    CHECK(replica.state().sessionCount() == 0);
    const bool ended = std::any_of(events.begin(), events.end(), [](const auto& e) {
        return e.event.kind == "end" && e.event.reason == "peer_lost";
    });
    CHECK(ended);
}

} // namespace tc::test

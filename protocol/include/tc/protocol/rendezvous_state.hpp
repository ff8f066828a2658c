#pragma once
// The rendezvous service's state machine, free of networking: parties (connected identities),
// the queue of waiting visits, claims, sessions, cleaning, and the grace period of lost
// connections. The network layer feeds it parsed envelopes and carries out its Effects.
// Not thread-safe: one strand owns it.

#include "tc/protocol/envelope.hpp"
#include "tc/protocol/event_log.hpp"
#include "tc/protocol/ice_servers.hpp"
#include "tc/protocol/identity.hpp"
#include "tc/protocol/messages.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace tc::protocol {

using ConnectionId = std::uint64_t;
using Frame = std::shared_ptr<const std::string>;

struct Effects {
    struct Send {
        ConnectionId to;
        Frame frame;
    };
    struct Close {
        ConnectionId connection;
        boost::system::error_code reason;
    };
    std::vector<Send> sends;
    std::vector<Close> closes;

    void send(ConnectionId to, const Envelope& message);
    void send(ConnectionId to, Frame frame) { sends.push_back({to, std::move(frame)}); }
};

struct StateConfig {
    std::chrono::milliseconds gracePeriod{60'000};
    std::chrono::milliseconds heartbeatInterval{10'000};
    std::int64_t maxFrameBytes = 0;
    std::int64_t maxMessagesPerSecond = 0;
    // STUN/TURN servers for the sessions; each party gets its own TURN credential at the claim.
    IceConfig ice;
};

enum class CabinStatus { ready, inSession, cleaning };

// Where the state takes its time and its randomness. By default the process's clocks and the
// CSPRNG; a node of a cluster applying the shared command log (cluster_node.hpp) gives each
// command's own time and a generator seeded by that command, so that every node computes the
// same state, the same identifiers and the same events from the same log.
class StateEnvironment {
public:
    virtual ~StateEnvironment() = default;
    virtual std::int64_t unixMs() = 0;
    virtual std::chrono::steady_clock::time_point steadyNow() = 0;
    virtual std::string randomHex(std::size_t bytes) = 0;
    // The clocks and the CSPRNG (stateless, shared).
    static StateEnvironment& system();
};

class RendezvousState {
public:
    using SteadyTime = std::chrono::steady_clock::time_point;

    // `log` may be null (no durable log); it and `environment` (null: the system's) must
    // outlive the state.
    RendezvousState(StateConfig config, EventRecorder* log,
                    StateEnvironment* environment = nullptr);
    RendezvousState(const RendezvousState&) = delete;
    RendezvousState& operator=(const RendezvousState&) = delete;
    ~RendezvousState();

    void connect(ConnectionId connection, const Identity& identity, Effects& effects);
    // The connection is gone; its party keeps its sessions for the grace period.
    void disconnect(ConnectionId connection, Effects& effects);
    void handle(ConnectionId connection, const Envelope& request, Effects& effects);
    // Answers `request` when that changes nothing (a ping after the connection's first
    // request), so that a cluster node need not log it; false: it must go through handle().
    bool answerWithoutChange(ConnectionId connection, const Envelope& request, Effects& effects);
    // Ends what lost parties left behind once their grace period has passed.
    void expire(SteadyTime now, Effects& effects);
    std::optional<SteadyTime> nextExpiry() const;

    std::size_t partyCount() const noexcept { return m_parties.size(); }
    std::size_t waitingVisitCount() const noexcept { return m_visits.size(); }
    std::size_t sessionCount() const noexcept { return m_sessions.size(); }
    // The RPPS of the doctor of a session in progress (claimed, not ended yet); nullopt for
    // an unknown or ended one (the event log keeps those: EventLog::claimingDoctor).
    std::optional<std::string> sessionDoctor(const std::string& sessionId) const;
    std::uint64_t eventLogFailures() const noexcept { return m_logFailures; }
    // The connections of the parties connected now.
    std::vector<ConnectionId> connections() const;

private:
    using PartyId = std::uint64_t;
    struct Party;
    struct VisitRecord;
    struct SessionRecord;
    // A session that ended less than kSurveyWindow ago: its cabin may still send the
    // patient's satisfaction (survey.answer), once.
    struct EndedSession {
        std::string siteCode;
        std::string visitId;
        std::string doctorRpps;
        SteadyTime endedAt{};
        bool answered = false;
    };
    static constexpr std::size_t kMaxEndedSessions = 10'000;
    void rememberEnded(const std::string& sessionId, EndedSession ended);
    using Handler = void (RendezvousState::*)(Party&, const Envelope&, Effects&);

    Party* partyOf(ConnectionId connection);
    void reply(const Party& party, const Envelope& request, nlohmann::json body, Effects& e);
    void fail(const Party& party, const Envelope& request, Errc code, std::string detail,
              Effects& e);
    // The typed body, or nullopt after replying with the parse error.
    template <class Body>
    std::optional<Body> parseBody(const Party& party, const Envelope& request, Effects& e);

    void onPing(Party& party, const Envelope& request, Effects& e);
    void onResume(Party& party, const Envelope& request, Effects& e);
    void onPresence(Party& party, const Envelope& request, Effects& e);
    void onSubscribe(Party& party, const Envelope& request, Effects& e);
    void onCheckIn(Party& party, const Envelope& request, Effects& e);
    void onCancel(Party& party, const Envelope& request, Effects& e);
    void onCabinReady(Party& party, const Envelope& request, Effects& e);
    void onClaim(Party& party, const Envelope& request, Effects& e);
    void onDescription(Party& party, const Envelope& request, Effects& e);
    void onSessionMessage(Party& party, const Envelope& request, Effects& e);
    void onSessionEnd(Party& party, const Envelope& request, Effects& e);
    void onSurveyAnswer(Party& party, const Envelope& request, Effects& e);

    SessionRecord* sessionFor(Party& party, const Envelope& request, const std::string& id,
                              Effects& e);
    void endSession(SessionRecord& session, EndReason reason, Role endedBy, const std::string& note,
                    Effects& e);
    void setCabinStatus(Party& cabin, CabinStatus status, Effects& e);
    // Offers or withdraws a visit so that the queue shows exactly the claimable ones.
    void reconcile(VisitRecord& visit, Effects& e);
    void reconcileCabin(PartyId cabin, Effects& e);
    void broadcastQueue(const QueueUpdate& update, Effects& e);
    QueueEntry entryOf(const VisitRecord& visit) const;
    void notifyPeers(const Party& party, bool connected, Effects& e);
    void dropParty(PartyId id, Effects& e);
    void record(LoggedEvent event);
    std::int64_t msSince(SteadyTime start) const;

    StateConfig m_config;
    EventRecorder* m_log;
    StateEnvironment* m_env;
    PartyId m_nextPartyId = 1;
    std::uint64_t m_nextSessionNumber = 1;
    std::uint64_t m_logFailures = 0;
    std::unordered_map<PartyId, std::unique_ptr<Party>> m_parties;
    std::unordered_map<ConnectionId, PartyId> m_partyByConnection;
    std::unordered_map<std::string, PartyId> m_partyByToken;
    std::set<PartyId> m_subscribers;
    std::map<std::string, std::unique_ptr<VisitRecord>> m_visits;
    std::map<std::string, std::unique_ptr<SessionRecord>> m_sessions;
    std::map<std::string, EndedSession> m_endedSessions;
    std::deque<std::string> m_endedOrder; // oldest first
};

} // namespace tc::protocol

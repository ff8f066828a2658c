#include "tc/protocol/rendezvous_state.hpp"

#include "random_id.hpp"
#include "rendezvous_records.hpp"

#include <algorithm>

namespace tc::protocol {

using namespace detail;

void Effects::send(ConnectionId to, const Envelope& message) {
    sends.push_back({to, std::make_shared<const std::string>(serialise(message))});
}

namespace {

// The process's own clocks and the OpenSSL CSPRNG.
class SystemEnvironment final : public StateEnvironment {
public:
    std::int64_t unixMs() override { return unixMsNow(); }
    SteadyClock::time_point steadyNow() override { return SteadyClock::now(); }
    std::string randomHex(std::size_t bytes) override { return detail::randomHex(bytes); }
};

} // namespace

StateEnvironment& StateEnvironment::system() {
    static SystemEnvironment environment; // stateless
    return environment;
}

RendezvousState::RendezvousState(StateConfig config, EventRecorder* log,
                                 StateEnvironment* environment)
    : m_config(config)
    , m_log(log)
    , m_env(environment != nullptr ? environment : &StateEnvironment::system()) {}

std::int64_t RendezvousState::msSince(SteadyTime start) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(m_env->steadyNow() - start)
        .count();
}

std::vector<ConnectionId> RendezvousState::connections() const {
    std::vector<ConnectionId> ids;
    ids.reserve(m_partyByConnection.size());
    for (const auto& [connection, party] : m_partyByConnection) {
        ids.push_back(connection);
    }
    return ids;
}

RendezvousState::~RendezvousState() = default;

void RendezvousState::record(LoggedEvent event) {
    if (m_log == nullptr) {
        return;
    }
    event.atUnixMs = m_env->unixMs();
    if (event.detailJson.empty()) {
        event.detailJson = "{}";
    }
    if (!m_log->record(event)) {
        ++m_logFailures;
    }
}

RendezvousState::Party* RendezvousState::partyOf(ConnectionId connection) {
    const auto it = m_partyByConnection.find(connection);
    return it == m_partyByConnection.end() ? nullptr : m_parties.at(it->second).get();
}

void RendezvousState::reply(const Party& party, const Envelope& request, json body, Effects& e) {
    if (!request.id.empty()) {
        e.send(party.connection, makeReply(request.id, std::move(body)));
    }
}

void RendezvousState::fail(const Party& party, const Envelope& request, Errc code,
                           std::string detail, Effects& e) {
    e.send(party.connection, makeError(request.id, make_error_code(code), std::move(detail)));
}

void RendezvousState::connect(ConnectionId connection, const Identity& identity, Effects& e) {
    auto party = std::make_unique<Party>();
    party->id = m_nextPartyId++;
    party->connection = connection;
    party->identity = identity;
    party->resumeToken = m_env->randomHex(24);
    Welcome welcome{identity,
                    party->resumeToken,
                    m_config.heartbeatInterval.count(),
                    m_config.gracePeriod.count(),
                    m_config.maxFrameBytes,
                    m_config.maxMessagesPerSecond};
    e.send(connection, event(type::welcome, toJson(welcome)));
    m_partyByConnection[connection] = party->id;
    m_partyByToken[party->resumeToken] = party->id;
    m_parties.emplace(party->id, std::move(party));
}

void RendezvousState::disconnect(ConnectionId connection, Effects& e) {
    Party* party = partyOf(connection);
    if (party == nullptr) {
        return;
    }
    m_partyByConnection.erase(connection);
    party->connection = 0;
    party->lostAt = m_env->steadyNow();
    m_subscribers.erase(party->id);
    const bool graceful = m_config.gracePeriod.count() > 0;
    if (graceful) {
        // With no grace period there is nothing to wait for: the peer learns of the loss from
        // `session.ended` alone, never from a `connected: false` that nothing can follow.
        notifyPeers(*party, false, e);
    }
    if (party->identity.role == Role::cabin) {
        reconcileCabin(party->id, e);
    }
    if (!graceful) {
        dropParty(party->id, e);
    }
}

void RendezvousState::notifyPeers(const Party& party, bool connected, Effects& e) {
    for (const auto& sessionId : party.sessions) {
        const auto& session = *m_sessions.at(sessionId);
        const PartyId peerId = session.doctor == party.id ? session.cabin : session.doctor;
        const auto& peer = *m_parties.at(peerId);
        if (peer.connection != 0) {
            e.send(peer.connection,
                   event(type::peerStatus, toJson(PeerStatus{sessionId, connected})));
        }
    }
}

void RendezvousState::expire(SteadyTime now, Effects& e) {
    std::vector<PartyId> expired;
    for (const auto& [id, party] : m_parties) {
        if (party->connection == 0 && party->lostAt + m_config.gracePeriod <= now) {
            expired.push_back(id);
        }
    }
    for (const auto id : expired) {
        dropParty(id, e);
    }
}

std::optional<RendezvousState::SteadyTime> RendezvousState::nextExpiry() const {
    std::optional<SteadyTime> next;
    for (const auto& [id, party] : m_parties) {
        if (party->connection == 0) {
            const auto at = party->lostAt + m_config.gracePeriod;
            if (!next || at < *next) {
                next = at;
            }
        }
    }
    return next;
}

void RendezvousState::dropParty(PartyId id, Effects& e) {
    auto& party = *m_parties.at(id);
    const auto sessions = party.sessions;
    for (const auto& sessionId : sessions) {
        endSession(*m_sessions.at(sessionId), EndReason::peerLost, Role::service, {}, e);
    }
    for (auto it = m_visits.begin(); it != m_visits.end();) {
        if (it->second->cabin == id) {
            record({.kind = "cancel",
                    .visitId = it->first,
                    .siteCode = party.identity.identifier,
                    .reason = "peer_lost"});
            it = m_visits.erase(it); // already withdrawn from the queue when the cabin was lost
        } else {
            ++it;
        }
    }
    m_subscribers.erase(id);
    m_partyByToken.erase(party.resumeToken);
    if (party.connection != 0) {
        m_partyByConnection.erase(party.connection);
    }
    m_parties.erase(id);
}

bool RendezvousState::answerWithoutChange(ConnectionId connection, const Envelope& request,
                                          Effects& e) {
    Party* party = partyOf(connection);
    if (party == nullptr || !party->requestSeen || request.type != type::ping) {
        return false;
    }
    // The process's clock, not the environment's: a replica's is the log's last command.
    reply(*party, request, json{{"server_time_ms", unixMsNow()}}, e);
    return true;
}

void RendezvousState::handle(ConnectionId connection, const Envelope& request, Effects& e) {
    Party* party = partyOf(connection);
    if (party == nullptr) {
        return;
    }
    struct Route {
        std::string_view type;
        bool (*allowed)(Role);
        Handler handler;
    };
    static constexpr Route kRoutes[] = {
        {type::ping, roleAny, &RendezvousState::onPing},
        {type::resume, roleAny, &RendezvousState::onResume},
        {type::presenceSet, roleMayDoctor, &RendezvousState::onPresence},
        {type::queueSubscribe, roleMayObserve, &RendezvousState::onSubscribe},
        {type::visitCheckIn, roleMayCabin, &RendezvousState::onCheckIn},
        {type::visitCancel, roleMayCabin, &RendezvousState::onCancel},
        {type::cabinReady, roleMayCabin, &RendezvousState::onCabinReady},
        {type::visitClaim, roleMayDoctor, &RendezvousState::onClaim},
        {type::sessionOffer, roleMayDoctor, &RendezvousState::onDescription},
        {type::sessionAnswer, roleMayCabin, &RendezvousState::onDescription},
        {type::sessionMessage, roleMaySession, &RendezvousState::onSessionMessage},
        {type::sessionEnd, roleMaySession, &RendezvousState::onSessionEnd},
        {type::surveyAnswer, roleMayCabin, &RendezvousState::onSurveyAnswer},
    };
    // `resume` checks this itself: it must be the connection's first request, whatever came
    // before it (a ping, a refused or unknown request) and whether that succeeded.
    const bool firstRequest = !party->requestSeen;
    party->requestSeen = true;
    for (const auto& route : kRoutes) {
        if (route.type == request.type) {
            if (!route.allowed(party->identity.role)) {
                fail(*party, request, Errc::forbiddenRole,
                     "a " + std::string(toString(party->identity.role)) + " may not send " +
                         request.type,
                     e);
                return;
            }
            if (route.type == type::resume && !firstRequest) {
                fail(*party, request, Errc::resumeRejected,
                     "resume must be the connection's first request", e);
                return;
            }
            (this->*route.handler)(*party, request, e);
            return;
        }
    }
    fail(*party, request, Errc::unknownType, "\"" + request.type + "\" is not a message type", e);
}

void RendezvousState::onPing(Party& party, const Envelope& request, Effects& e) {
    reply(party, request, json{{"server_time_ms", m_env->unixMs()}}, e);
}

void RendezvousState::onResume(Party& party, const Envelope& request, Effects& e) {
    const auto parsed = parseBody<ResumeRequest>(party, request, e);
    if (!parsed) {
        return;
    }
    const auto it = m_partyByToken.find(parsed->token);
    if (it == m_partyByToken.end()) {
        // Unknown tokens are most often ones whose grace period has already run out.
        fail(party, request, Errc::resumeExpired, "the previous connection's session has ended", e);
        return;
    }
    Party& previous = *m_parties.at(it->second);
    if (previous.id == party.id || !(previous.identity == party.identity)) {
        fail(party, request, Errc::resumeRejected,
             previous.id == party.id ? "that connection is still open"
                                     : "the token belongs to another identity",
             e);
        return;
    }
    if (previous.connection != 0) {
        // The same identity with the party's secret token: its old connection is dead (the
        // host's address changed) though TCP has not said so yet. Refusing would leave the
        // party's sessions to end with peer_lost; the new connection takes over at once.
        m_partyByConnection.erase(previous.connection);
        e.closes.push_back({previous.connection, make_error_code(Errc::connectionLost)});
        previous.connection = 0;
    }
    // Move the connection onto the previous party and forget the fresh one.
    const ConnectionId connection = party.connection;
    const PartyId freshId = party.id;
    m_partyByToken.erase(party.resumeToken);
    m_subscribers.erase(freshId);
    m_parties.erase(freshId); // `party` is dangling from here on
    previous.connection = connection;
    previous.requestSeen = true;
    m_partyByConnection[connection] = previous.id;
    json sessions = json::array();
    for (const auto& id : previous.sessions) {
        sessions.push_back(id);
    }
    e.send(connection, makeReply(request.id, json{{"resumed", true},
                                                  {"resume_token", previous.resumeToken},
                                                  {"sessions", std::move(sessions)}}));
    notifyPeers(previous, true, e);
    if (previous.identity.role == Role::cabin) {
        reconcileCabin(previous.id, e);
    }
}

void RendezvousState::onPresence(Party& party, const Envelope& request, Effects& e) {
    const auto parsed = parseBody<PresenceSet>(party, request, e);
    if (!parsed) {
        return;
    }
    if (party.presence != parsed->status) {
        party.presence = parsed->status;
        record({.kind = "presence",
                .doctorRpps = party.identity.identifier,
                .reason = std::string(toString(parsed->status))});
    }
    reply(party, request, json{{"status", std::string(toString(party.presence))}}, e);
}

void RendezvousState::onSubscribe(Party& party, const Envelope& request, Effects& e) {
    QueueSnapshot snapshot;
    for (const auto& [id, visit] : m_visits) {
        if (visit->offered) {
            snapshot.entries.push_back(entryOf(*visit));
        }
    }
    std::sort(snapshot.entries.begin(), snapshot.entries.end(), queueOrderLess);
    m_subscribers.insert(party.id);
    reply(party, request, toJson(snapshot), e);
}

QueueEntry RendezvousState::entryOf(const VisitRecord& visit) const {
    return QueueEntry{visit.visit, m_parties.at(visit.cabin)->identity.displayName,
                      visit.checkedInAtMs, msSince(visit.checkedInAt)};
}

void RendezvousState::broadcastQueue(const QueueUpdate& update, Effects& e) {
    if (m_subscribers.empty()) {
        return;
    }
    // One serialisation for every subscriber.
    const auto frame =
        std::make_shared<const std::string>(serialise(event(type::queueUpdate, toJson(update))));
    for (const auto id : m_subscribers) {
        e.send(m_parties.at(id)->connection, frame);
    }
}

void RendezvousState::reconcile(VisitRecord& visit, Effects& e) {
    const Party& cabin = *m_parties.at(visit.cabin);
    const bool offer =
        visit.sessionId.empty() && cabin.connection != 0 && cabin.cabinStatus == CabinStatus::ready;
    if (offer == visit.offered) {
        return;
    }
    visit.offered = offer;
    if (offer) {
        broadcastQueue({QueueOp::added, visit.visit.visitId, entryOf(visit)}, e);
    } else {
        broadcastQueue({QueueOp::removed, visit.visit.visitId, std::nullopt}, e);
    }
}

void RendezvousState::reconcileCabin(PartyId cabin, Effects& e) {
    for (auto& [id, visit] : m_visits) {
        if (visit->cabin == cabin) {
            reconcile(*visit, e);
        }
    }
}

void RendezvousState::setCabinStatus(Party& cabin, CabinStatus status, Effects& e) {
    cabin.cabinStatus = status;
    reconcileCabin(cabin.id, e);
}

void RendezvousState::onCheckIn(Party& party, const Envelope& request, Effects& e) {
    const auto parsed = parseBody<CheckIn>(party, request, e);
    if (!parsed) {
        return;
    }
    const Visit& visit = parsed->visit;
    if (visit.site.code != party.identity.identifier) {
        fail(party, request, Errc::invalidField,
             "body.site.code: \"" + visit.site.code + "\" is not this cabin's site code \"" +
                 party.identity.identifier + "\"",
             e);
        return;
    }
    if (const auto refusal = checkEligibility(visit)) {
        record({.kind = "checkin_refused",
                .visitId = visit.visitId,
                .siteCode = visit.site.code,
                .reason = std::string(wireName(static_cast<Errc>(refusal.value())))});
        fail(party, request, static_cast<Errc>(refusal.value()), {}, e);
        return;
    }
    if (const auto it = m_visits.find(visit.visitId); it != m_visits.end()) {
        // A cabin that resends its own check-in after a reconnect gets the same answer.
        const auto& existing = *it->second;
        if (existing.cabin == party.id && toJson(existing.visit) == toJson(visit) &&
            existing.patient == parsed->patient) {
            reply(party, request, json{{"visit_id", visit.visitId}, {"offered", existing.offered}},
                  e);
        } else {
            fail(party, request, Errc::duplicateVisit, "visit_id " + visit.visitId, e);
        }
        return;
    }
    auto record_ = std::make_unique<VisitRecord>();
    record_->visit = visit;
    record_->patient = parsed->patient;
    record_->cabin = party.id;
    record_->checkedInAtMs = m_env->unixMs();
    record_->checkedInAt = m_env->steadyNow();
    auto& stored = *m_visits.emplace(visit.visitId, std::move(record_)).first->second;
    record({.kind = "checkin",
            .visitId = visit.visitId,
            .siteCode = visit.site.code,
            .reason = visit.reason,
            .detailJson = json{{"age", visit.age},
                               {"sex", std::string(toString(visit.sex))},
                               {"priority", std::string(toString(visit.priority))},
                               {"operator", std::string(toString(visit.operatorPresence.role))},
                               {"quality_review", visit.consent.qualityReview},
                               {"identity_status",
                                parsed->patient
                                    ? std::string(prescriptions::wireName(parsed->patient->status))
                                    : std::string("absent")}}
                              .dump()});
    reconcile(stored, e);
    reply(party, request, json{{"visit_id", visit.visitId}, {"offered", stored.offered}}, e);
}

void RendezvousState::onCancel(Party& party, const Envelope& request, Effects& e) {
    const auto parsed = parseBody<VisitCancel>(party, request, e);
    if (!parsed) {
        return;
    }
    const auto it = m_visits.find(parsed->visitId);
    if (it == m_visits.end() || it->second->cabin != party.id) {
        fail(party, request, Errc::unknownVisit, "visit_id " + parsed->visitId, e);
        return;
    }
    if (!it->second->sessionId.empty()) {
        fail(party, request, Errc::invalidSessionState,
             "the visit is in session; end the session instead", e);
        return;
    }
    if (it->second->offered) {
        broadcastQueue({QueueOp::removed, parsed->visitId, std::nullopt}, e);
    }
    record({.kind = "cancel",
            .visitId = parsed->visitId,
            .siteCode = party.identity.identifier,
            .reason = parsed->reason,
            .waitMs = msSince(it->second->checkedInAt)});
    m_visits.erase(it);
    reply(party, request, json::object(), e);
}

void RendezvousState::onCabinReady(Party& party, const Envelope& request, Effects& e) {
    if (party.cabinStatus == CabinStatus::inSession) {
        fail(party, request, Errc::invalidSessionState, "the cabin is in session", e);
        return;
    }
    if (party.cabinStatus == CabinStatus::cleaning) {
        record({.kind = "cabin_ready", .siteCode = party.identity.identifier});
    }
    setCabinStatus(party, CabinStatus::ready, e);
    reply(party, request, json{{"status", "ready"}}, e);
}

void RendezvousState::onClaim(Party& party, const Envelope& request, Effects& e) {
    const auto parsed = parseBody<VisitRef>(party, request, e);
    if (!parsed) {
        return;
    }
    if (party.presence != Presence::onShift) {
        fail(party, request, Errc::notOnShift, {}, e);
        return;
    }
    const auto it = m_visits.find(parsed->visitId);
    if (it == m_visits.end()) {
        fail(party, request, Errc::unknownVisit, "visit_id " + parsed->visitId, e);
        return;
    }
    VisitRecord& visit = *it->second;
    if (!visit.sessionId.empty()) {
        fail(party, request, Errc::alreadyTaken, {}, e);
        return;
    }
    if (!visit.offered) {
        fail(party, request, Errc::cabinBusy, {}, e);
        return;
    }
    Party& cabin = *m_parties.at(visit.cabin);
    auto session = std::make_unique<SessionRecord>();
    session->id = "S-" + m_env->randomHex(12);
    // Each side its own TURN credential, named after the session and its role so that the TURN
    // server's log never shows who the doctor or the patient is.
    const auto now =
        std::chrono::system_clock::time_point(std::chrono::milliseconds(m_env->unixMs()));
    auto doctorServers = iceServersFor(m_config.ice, session->id + "-doctor", now);
    auto cabinServers = iceServersFor(m_config.ice, session->id + "-cabin", now);
    if (!doctorServers || !cabinServers) {
        fail(party, request, Errc::internal, "TURN credentials could not be issued", e);
        return;
    }
    session->visitId = visit.visit.visitId;
    session->doctor = party.id;
    session->cabin = cabin.id;
    session->claimedAt = m_env->steadyNow();
    session->waitMs = msSince(visit.checkedInAt);
    visit.sessionId = session->id;
    party.sessions.insert(session->id);
    cabin.sessions.insert(session->id);
    const QueueEntry entry = entryOf(visit);
    record({.kind = "claim",
            .visitId = visit.visit.visitId,
            .sessionId = session->id,
            .siteCode = cabin.identity.identifier,
            .doctorRpps = party.identity.identifier,
            .waitMs = session->waitMs});
    e.send(cabin.connection,
           event(type::visitClaimed,
                 toJson(VisitClaimed{visit.visit.visitId, session->id, party.identity.displayName,
                                     party.identity.identifier, std::move(*cabinServers)})));
    const std::string sessionId = session->id;
    m_sessions.emplace(sessionId, std::move(session));
    setCabinStatus(cabin, CabinStatus::inSession, e); // withdraws this and the cabin's others
    reply(party, request,
          toJson(ClaimResult{sessionId, entry, std::move(*doctorServers), visit.patient}), e);
}

} // namespace tc::protocol

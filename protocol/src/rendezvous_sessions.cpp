#include "rendezvous_records.hpp"
#include "tc/protocol/rendezvous_state.hpp"

namespace tc::protocol {

using namespace detail;
using nlohmann::json;

std::optional<std::string> RendezvousState::sessionDoctor(const std::string& sessionId) const {
    const auto it = m_sessions.find(sessionId);
    if (it == m_sessions.end()) {
        return std::nullopt;
    }
    const auto doctor = m_parties.find(it->second->doctor);
    if (doctor == m_parties.end()) {
        return std::nullopt;
    }
    return doctor->second->identity.identifier;
}

RendezvousState::SessionRecord* RendezvousState::sessionFor(Party& party, const Envelope& request,
                                                            const std::string& id, Effects& e) {
    const auto it = m_sessions.find(id);
    if (it == m_sessions.end()) {
        fail(party, request, Errc::unknownSession, "session_id " + id, e);
        return nullptr;
    }
    if (it->second->doctor != party.id && it->second->cabin != party.id) {
        fail(party, request, Errc::notInSession, "session_id " + id, e);
        return nullptr;
    }
    return it->second.get();
}

void RendezvousState::onDescription(Party& party, const Envelope& request, Effects& e) {
    const auto parsed = parseBody<SessionDescription>(party, request, e);
    if (!parsed) {
        return;
    }
    const bool isOffer = request.type == type::sessionOffer;
    if ((parsed->sdpType == SdpType::offer) != isOffer) {
        fail(party, request, Errc::invalidField,
             "body.sdp_type: must be \"" + std::string(isOffer ? "offer" : "answer") + "\"", e);
        return;
    }
    SessionRecord* session = sessionFor(party, request, parsed->sessionId, e);
    if (session == nullptr) {
        return;
    }
    // Re-offers (renegotiation, ICE restart) are allowed once active.
    using Stage = SessionRecord::Stage;
    const bool stageOk =
        isOffer ? session->stage != Stage::offered : session->stage == Stage::offered;
    if (!stageOk) {
        fail(party, request, Errc::invalidSessionState,
             isOffer ? "an offer is already waiting for its answer" : "no offer to answer", e);
        return;
    }
    const Party& peer = *m_parties.at(isOffer ? session->cabin : session->doctor);
    if (peer.connection == 0) {
        fail(party, request, Errc::invalidSessionState,
             "the other side is reconnecting; try again in a moment", e);
        return;
    }
    e.send(peer.connection, event(request.type, toJson(*parsed)));
    if (isOffer) {
        session->stage = Stage::offered;
    } else {
        if (session->joinedAt == SteadyTime{}) {
            session->joinedAt = m_env->steadyNow();
            const auto& doctor = *m_parties.at(session->doctor);
            record({.kind = "join",
                    .visitId = session->visitId,
                    .sessionId = session->id,
                    .siteCode = party.identity.identifier,
                    .doctorRpps = doctor.identity.identifier,
                    .waitMs = session->waitMs});
        }
        session->stage = Stage::active;
    }
    reply(party, request, json::object(), e);
}

void RendezvousState::onSessionMessage(Party& party, const Envelope& request, Effects& e) {
    const auto parsed = parseBody<SessionMessage>(party, request, e);
    if (!parsed) {
        return;
    }
    SessionRecord* session = sessionFor(party, request, parsed->sessionId, e);
    if (session == nullptr) {
        return;
    }
    const Party& peer =
        *m_parties.at(session->doctor == party.id ? session->cabin : session->doctor);
    if (peer.connection == 0) {
        fail(party, request, Errc::invalidSessionState,
             "the other side is reconnecting; try again in a moment", e);
        return;
    }
    e.send(peer.connection, event(type::sessionMessage, toJson(*parsed)));
    reply(party, request, json::object(), e);
}

void RendezvousState::onSessionEnd(Party& party, const Envelope& request, Effects& e) {
    const auto parsed = parseBody<SessionEnd>(party, request, e);
    if (!parsed) {
        return;
    }
    SessionRecord* session = sessionFor(party, request, parsed->sessionId, e);
    if (session == nullptr) {
        return;
    }
    reply(party, request, json::object(), e);
    endSession(*session, parsed->reason, party.identity.role, parsed->note, e);
}

void RendezvousState::endSession(SessionRecord& session, EndReason reason, Role endedBy,
                                 const std::string& note, Effects& e) {
    const std::int64_t durationMs =
        session.joinedAt == SteadyTime{} ? 0 : msSince(session.joinedAt);
    const SessionEnded ended{session.id, reason, endedBy, durationMs};
    const auto frame =
        std::make_shared<const std::string>(serialise(event(type::sessionEnded, toJson(ended))));
    Party& doctor = *m_parties.at(session.doctor);
    Party& cabin = *m_parties.at(session.cabin);
    record(
        {.kind = "end",
         .visitId = session.visitId,
         .sessionId = session.id,
         .siteCode = cabin.identity.identifier,
         .doctorRpps = doctor.identity.identifier,
         .reason = std::string(toString(reason)),
         .waitMs = session.waitMs,
         .durationMs = durationMs,
         .detailJson = json{{"ended_by", std::string(toString(endedBy))}, {"note", note}}.dump()});
    for (Party* p : {&doctor, &cabin}) {
        p->sessions.erase(session.id);
        if (p->connection != 0) {
            e.send(p->connection, frame);
        }
    }
    rememberEnded(session.id, {cabin.identity.identifier, session.visitId,
                               doctor.identity.identifier, m_env->steadyNow()});
    m_visits.erase(session.visitId);
    const std::string sessionId = session.id;
    m_sessions.erase(sessionId); // `session` is dangling from here on
    // Hygiene protocol: disinfection after every patient before the cabin is offered again.
    record({.kind = "cleaning", .sessionId = sessionId, .siteCode = cabin.identity.identifier});
    setCabinStatus(cabin, CabinStatus::cleaning, e);
}

void RendezvousState::rememberEnded(const std::string& sessionId, EndedSession ended) {
    const auto now = ended.endedAt;
    while (!m_endedOrder.empty() &&
           (m_endedOrder.size() >= kMaxEndedSessions ||
            now - m_endedSessions.at(m_endedOrder.front()).endedAt > kSurveyWindow)) {
        m_endedSessions.erase(m_endedOrder.front());
        m_endedOrder.pop_front();
    }
    m_endedSessions.insert_or_assign(sessionId, std::move(ended));
    m_endedOrder.push_back(sessionId);
}

// The patient's satisfaction, from the cabin that held the session, once, within the window.
// Another cabin's session is as unknown as a made-up one.
void RendezvousState::onSurveyAnswer(Party& party, const Envelope& request, Effects& e) {
    const auto parsed = parseBody<SurveyAnswer>(party, request, e);
    if (!parsed) {
        return;
    }
    if (m_sessions.contains(parsed->sessionId) && party.sessions.contains(parsed->sessionId)) {
        fail(party, request, Errc::invalidSessionState,
             "the session has not ended: the patient answers after the end", e);
        return;
    }
    const auto it = m_endedSessions.find(parsed->sessionId);
    if (it == m_endedSessions.end() || it->second.siteCode != party.identity.identifier ||
        m_env->steadyNow() - it->second.endedAt > kSurveyWindow) {
        fail(party, request, Errc::unknownSession,
             "no session of this cabin ended in the last 30 minutes under this id", e);
        return;
    }
    if (it->second.answered) {
        fail(party, request, Errc::invalidSessionState, "this session's survey is answered", e);
        return;
    }
    it->second.answered = true;
    record({.kind = "satisfaction",
            .visitId = it->second.visitId,
            .sessionId = parsed->sessionId,
            .siteCode = it->second.siteCode,
            .doctorRpps = it->second.doctorRpps,
            .detailJson = json{{"score", parsed->satisfaction}}.dump()});
    reply(party, request, json::object(), e);
}

} // namespace tc::protocol

#pragma once
// Internal to RendezvousState: its records and small helpers, shared by the files that
// implement it (rendezvous_state.cpp: parties, queue, claims; rendezvous_sessions.cpp: sessions).

#include "tc/protocol/rendezvous_state.hpp"

#include <chrono>

namespace tc::protocol::detail {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

inline std::int64_t unixMsNow() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

inline Envelope event(std::string_view type, json body) {
    return Envelope{kProtocolVersion, std::string(type), {}, std::move(body)};
}

inline bool roleMayDoctor(Role r) {
    return r == Role::doctor;
}
inline bool roleMayCabin(Role r) {
    return r == Role::cabin;
}
inline bool roleMayObserve(Role r) {
    return r == Role::doctor || r == Role::coordinator;
}
inline bool roleMaySession(Role r) {
    return r == Role::doctor || r == Role::cabin;
}
inline bool roleAny(Role) {
    return true;
}
} // namespace tc::protocol::detail

namespace tc::protocol {

struct RendezvousState::Party {
    PartyId id = 0;
    ConnectionId connection = 0; // 0 while lost
    Identity identity;
    std::string resumeToken;
    SteadyTime lostAt{};
    Presence presence = Presence::paused;
    CabinStatus cabinStatus = CabinStatus::ready;
    std::set<std::string> sessions;
    // The party's current connection has sent a request: `resume` is refused from then on.
    bool requestSeen = false;
};

struct RendezvousState::VisitRecord {
    Visit visit;
    // Kept in memory only, for the doctor who claims: never in the queue or the event log.
    std::optional<prescriptions::PatientIdentity> patient;
    PartyId cabin = 0;
    std::int64_t checkedInAtMs = 0;
    SteadyTime checkedInAt{};
    bool offered = false;
    std::string sessionId; // set once claimed
};

struct RendezvousState::SessionRecord {
    enum class Stage { claimed, offered, active };
    std::string id;
    std::string visitId;
    PartyId doctor = 0;
    PartyId cabin = 0;
    Stage stage = Stage::claimed;
    SteadyTime claimedAt{};
    SteadyTime joinedAt{};
    std::int64_t waitMs = 0;
};

template <class Body>
std::optional<Body> RendezvousState::parseBody(const Party& party, const Envelope& request,
                                               Effects& e) {
    auto parsed = fromJson<Body>(request.body);
    if (!parsed) {
        fail(party, request, static_cast<Errc>(parsed.error().code.value()), parsed.error().detail,
             e);
        return std::nullopt;
    }
    return std::move(*parsed);
}

} // namespace tc::protocol

#pragma once
// Typed bodies of the rendezvous messages (protocol/README.md documents each one). Every
// fromJson validates types, ranges and sizes and refuses unknown or missing fields.

#include "tc/prescriptions/patient_identity.hpp"
#include "tc/protocol/envelope.hpp"
#include "tc/protocol/ice_servers.hpp"
#include "tc/protocol/identity.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

template <class T> using Parsed = boost::system::result<T, ParseError>;

namespace type {
// client -> service requests
inline constexpr std::string_view ping = "ping";
inline constexpr std::string_view resume = "resume";
inline constexpr std::string_view presenceSet = "presence.set";
inline constexpr std::string_view queueSubscribe = "queue.subscribe";
inline constexpr std::string_view visitCheckIn = "visit.checkin";
inline constexpr std::string_view visitCancel = "visit.cancel";
inline constexpr std::string_view visitClaim = "visit.claim";
inline constexpr std::string_view cabinReady = "cabin.ready";
inline constexpr std::string_view sessionOffer = "session.offer";
inline constexpr std::string_view sessionAnswer = "session.answer";
inline constexpr std::string_view sessionMessage = "session.message";
inline constexpr std::string_view sessionEnd = "session.end";
inline constexpr std::string_view surveyAnswer = "survey.answer";
// service -> client replies and events
inline constexpr std::string_view result = "result";
inline constexpr std::string_view error = "error";
inline constexpr std::string_view welcome = "welcome";
inline constexpr std::string_view queueUpdate = "queue.update";
inline constexpr std::string_view visitClaimed = "visit.claimed";
inline constexpr std::string_view sessionEnded = "session.ended";
inline constexpr std::string_view peerStatus = "session.peer_status";
} // namespace type

// ---- visits -----------------------------------------------------------------------------

enum class Sex { female, male, other };
enum class OperatorRole { none, nurse, pharmacist, doctorAssistant };
enum class Priority { urgent, normal };
enum class Instrument {
    stethoscope,
    roomCamera,
    otoscope,
    dermatoscope,
    bloodPressure,
    oximeter,
    thermometer,
    scale,
    ecg,
    glucometer
};

std::string_view toString(Sex v) noexcept;
std::string_view toString(OperatorRole v) noexcept;
std::string_view toString(Priority v) noexcept;
std::string_view toString(Instrument v) noexcept;

struct Consent {
    bool recorded = false;
    std::int64_t recordedAtMs = 0; // Unix ms
    std::string method;            // "verbal", "written" or "electronic"
    // The second scope: the CPTS coordinators may review this consultation for quality. The
    // patient may refuse it; care (`recorded`) is required.
    bool qualityReview = false;
};

struct OperatorPresence {
    bool present = false;
    OperatorRole role = OperatorRole::none;
    // As the professional gave it at check-in ("Sophie Bernard"); the consultation record
    // names who assisted. Optional: empty when not given.
    std::string name;
};

struct Site {
    std::string code;
    std::string name;
    std::string openingHours; // OpenStreetMap opening_hours syntax, e.g. "Mo-Fr 08:00-19:00"
};

struct Visit {
    std::string visitId;
    std::string reason;
    int age = 0;
    Sex sex = Sex::other;
    bool guardianPresent = false;
    Consent consent;
    OperatorPresence operatorPresence;
    std::vector<Instrument> instruments;
    Site site;
    Priority priority = Priority::normal;
};

// Eligibility of the cabins in service today: adults; 14-17 with a guardian; under 14 refused;
// recorded consent required.
boost::system::error_code checkEligibility(const Visit& visit) noexcept;

// A waiting visit as the queue shows it.
struct QueueEntry {
    Visit visit;
    std::string cabinName;          // display name from the cabin's certificate
    std::int64_t checkedInAtMs = 0; // Unix ms, service clock
    std::int64_t waitedMs = 0;      // waiting time when the service sent this entry
};

// Queue order: urgent first, then longest waiting, then visit id.
bool queueOrderLess(const QueueEntry& a, const QueueEntry& b) noexcept;

// ---- bodies -----------------------------------------------------------------------------

struct Welcome {
    Identity identity;
    std::string resumeToken;
    std::int64_t heartbeatIntervalMs = 0;
    std::int64_t gracePeriodMs = 0;
    std::int64_t maxFrameBytes = 0;
    std::int64_t maxMessagesPerSecond = 0;
};

struct ResumeRequest {
    std::string token;
};

enum class Presence { onShift, paused };
std::string_view toString(Presence v) noexcept;

struct PresenceSet {
    Presence status = Presence::paused;
};

struct QueueSnapshot {
    std::vector<QueueEntry> entries;
};

enum class QueueOp { added, removed };
struct QueueUpdate {
    QueueOp op = QueueOp::added;
    std::string visitId;
    std::optional<QueueEntry> entry; // present when added
};

// visit.checkin's body: the visit, as the queue shows it, and the patient's identity, which the
// service keeps for the doctor who claims the visit.
struct CheckIn {
    Visit visit;
    std::optional<prescriptions::PatientIdentity> patient;
};

struct VisitRef {
    std::string visitId;
};

struct VisitCancel {
    std::string visitId;
    std::string reason;
};

// `iceServers`: the STUN and TURN servers the service names, with this party's own TURN
// credential (empty when the service names none). The doctor gets them in the claim's result,
// the cabin in `visit.claimed`.
// The patient's identity reaches only the doctor who claimed the visit (never the queue).
struct ClaimResult {
    std::string sessionId;
    QueueEntry entry;
    std::vector<IceServer> iceServers;
    std::optional<prescriptions::PatientIdentity> patient;
};

struct VisitClaimed {
    std::string visitId;
    std::string sessionId;
    std::string doctorName;
    std::string doctorRpps;
    std::vector<IceServer> iceServers;
};

enum class SdpType { offer, answer };
inline constexpr std::size_t kMaxSdpBytes = 16 * 1024;
struct SessionDescription {
    std::string sessionId;
    SdpType sdpType = SdpType::offer;
    std::string sdp;
};

// In-session message kinds the service relays; anything else is `unknown_message_kind`.
inline constexpr std::size_t kMaxSessionPayloadBytes = 8 * 1024;
bool isKnownSessionMessageKind(std::string_view kind) noexcept;
struct SessionMessage {
    std::string sessionId;
    std::string kind;
    nlohmann::json payload = nlohmann::json::object();
};

enum class EndReason {
    completed,
    referredInPerson,
    referredEmergency,
    notSuitable,
    patientLeft,
    technicalFailure,
    peerLost
};
std::string_view toString(EndReason v) noexcept;

struct SessionEnd {
    std::string sessionId;
    EndReason reason = EndReason::completed;
    std::string note;
};

struct SessionEnded {
    std::string sessionId;
    EndReason reason = EndReason::completed;
    Role endedBy = Role::service;
    std::int64_t durationMs = 0;
};

// survey.answer (cabin -> service), after session.ended: the patient's satisfaction, 1 (not at
// all) to 5 (very), as they gave it on the cabin's screen. A patient who declines: no answer.
// Accepted once per session, from the cabin that held it, within kSurveyWindow of the end.
inline constexpr int kMinSatisfaction = 1;
inline constexpr int kMaxSatisfaction = 5;
inline constexpr std::chrono::minutes kSurveyWindow{30};
struct SurveyAnswer {
    std::string sessionId;
    int satisfaction = 0;
};

struct PeerStatus {
    std::string sessionId;
    bool connected = false;
};

struct ErrorBody {
    boost::system::error_code code;
    std::string wireCode;
    std::string message;
};

// ---- JSON ---------------------------------------------------------------------------------

nlohmann::json toJson(const Identity& v);
nlohmann::json toJson(const Visit& v);
nlohmann::json toJson(const QueueEntry& v);
nlohmann::json toJson(const Welcome& v);
nlohmann::json toJson(const ResumeRequest& v);
nlohmann::json toJson(const PresenceSet& v);
nlohmann::json toJson(const QueueSnapshot& v);
nlohmann::json toJson(const QueueUpdate& v);
nlohmann::json toJson(const CheckIn& v);
nlohmann::json toJson(const VisitRef& v);
nlohmann::json toJson(const VisitCancel& v);
nlohmann::json toJson(const ClaimResult& v);
nlohmann::json toJson(const VisitClaimed& v);
nlohmann::json toJson(const SessionDescription& v);
nlohmann::json toJson(const SessionMessage& v);
nlohmann::json toJson(const SessionEnd& v);
nlohmann::json toJson(const SessionEnded& v);
nlohmann::json toJson(const PeerStatus& v);
nlohmann::json toJson(const SurveyAnswer& v);

template <class T> Parsed<T> fromJson(const nlohmann::json& body);

Parsed<ErrorBody> parseErrorBody(const nlohmann::json& body);

} // namespace tc::protocol

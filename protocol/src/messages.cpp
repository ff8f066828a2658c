#include "tc/protocol/messages.hpp"

#include "ice_server_json.hpp"
#include "json_reader.hpp"
#include "tc/protocol/session_kinds.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace tc::protocol {
namespace {

using detail::JsonReader;
using nlohmann::json;

constexpr std::array kSexNames{std::pair{Sex::female, std::string_view{"female"}},
                               std::pair{Sex::male, std::string_view{"male"}},
                               std::pair{Sex::other, std::string_view{"other"}}};
constexpr std::array kOperatorNames{
    std::pair{OperatorRole::none, std::string_view{"none"}},
    std::pair{OperatorRole::nurse, std::string_view{"nurse"}},
    std::pair{OperatorRole::pharmacist, std::string_view{"pharmacist"}},
    std::pair{OperatorRole::doctorAssistant, std::string_view{"medical_assistant"}}};
constexpr std::array kPriorityNames{std::pair{Priority::urgent, std::string_view{"urgent"}},
                                    std::pair{Priority::normal, std::string_view{"normal"}}};
constexpr std::array kInstrumentNames{
    std::pair{Instrument::stethoscope, std::string_view{"stethoscope"}},
    std::pair{Instrument::roomCamera, std::string_view{"room_camera"}},
    std::pair{Instrument::otoscope, std::string_view{"otoscope"}},
    std::pair{Instrument::dermatoscope, std::string_view{"dermatoscope"}},
    std::pair{Instrument::bloodPressure, std::string_view{"blood_pressure"}},
    std::pair{Instrument::oximeter, std::string_view{"oximeter"}},
    std::pair{Instrument::thermometer, std::string_view{"thermometer"}},
    std::pair{Instrument::scale, std::string_view{"scale"}},
    std::pair{Instrument::ecg, std::string_view{"ecg"}},
    std::pair{Instrument::glucometer, std::string_view{"glucometer"}}};
constexpr std::array kPresenceNames{std::pair{Presence::onShift, std::string_view{"on_shift"}},
                                    std::pair{Presence::paused, std::string_view{"paused"}}};
constexpr std::array kSdpTypeNames{std::pair{SdpType::offer, std::string_view{"offer"}},
                                   std::pair{SdpType::answer, std::string_view{"answer"}}};
constexpr std::array kQueueOpNames{std::pair{QueueOp::added, std::string_view{"added"}},
                                   std::pair{QueueOp::removed, std::string_view{"removed"}}};
constexpr std::array kEndReasonNames{
    std::pair{EndReason::completed, std::string_view{"completed"}},
    std::pair{EndReason::referredInPerson, std::string_view{"referred_in_person"}},
    std::pair{EndReason::referredEmergency, std::string_view{"referred_emergency"}},
    std::pair{EndReason::notSuitable, std::string_view{"not_suitable"}},
    std::pair{EndReason::patientLeft, std::string_view{"patient_left"}},
    std::pair{EndReason::technicalFailure, std::string_view{"technical_failure"}},
    std::pair{EndReason::peerLost, std::string_view{"peer_lost"}}};
constexpr std::array kRoleNames{std::pair{Role::cabin, std::string_view{"cabin"}},
                                std::pair{Role::doctor, std::string_view{"doctor"}},
                                std::pair{Role::coordinator, std::string_view{"coordinator"}},
                                std::pair{Role::service, std::string_view{"service"}}};
constexpr std::array kConsentMethods{std::string_view{"verbal"}, std::string_view{"written"},
                                     std::string_view{"electronic"}};
template <class Enum, std::size_t N>
std::string_view nameOf(Enum value, const std::array<std::pair<Enum, std::string_view>, N>& t) {
    for (const auto& [v, name] : t) {
        if (v == value) {
            return name;
        }
    }
    return "unknown";
}

constexpr std::size_t kMaxIdBytes = 64;
constexpr std::int64_t kMaxUnixMs = 32503680000000; // year 3000

template <class T> Parsed<T> finishWith(JsonReader& reader, T value) {
    if (auto error = reader.finish()) {
        return *error;
    }
    return value;
}

void readIdentity(JsonReader& r, Identity& out) {
    r.enumeration("role", out.role, kRoleNames);
    r.string("identifier", out.identifier, 1, 64);
    r.string("display_name", out.displayName, 1, 128);
}

void readVisit(const json& object, const std::string& path, Visit& v, JsonReader& parent) {
    JsonReader r(object, path);
    r.string("visit_id", v.visitId, 1, kMaxIdBytes);
    r.string("reason", v.reason, 1, 500);
    r.integer("age", v.age, 0, 130);
    r.enumeration("sex", v.sex, kSexNames);
    r.boolean("guardian_present", v.guardianPresent);
    if (const auto* consent = r.object("consent")) {
        JsonReader c(*consent, r.pathOf("consent"));
        c.boolean("recorded", v.consent.recorded);
        c.integer("recorded_at_ms", v.consent.recordedAtMs, 0, kMaxUnixMs, false);
        c.string("method", v.consent.method, 0, 16, false);
        c.boolean("quality_review", v.consent.qualityReview, false);
        if (c.ok() && !v.consent.method.empty() &&
            std::find(kConsentMethods.begin(), kConsentMethods.end(), v.consent.method) ==
                kConsentMethods.end()) {
            c.fail(Errc::invalidField, c.pathOf("method") + ": verbal, written or electronic");
        }
        c.finish();
        r.merge(c);
    }
    if (const auto* op = r.object("operator")) {
        JsonReader o(*op, r.pathOf("operator"));
        o.boolean("present", v.operatorPresence.present);
        o.enumeration("role", v.operatorPresence.role, kOperatorNames);
        o.string("name", v.operatorPresence.name, 1, 64, false);
        if (o.ok() && v.operatorPresence.name.find('\n') != std::string::npos) {
            o.fail(Errc::invalidField, o.pathOf("name") + ": one line");
        }
        o.finish();
        r.merge(o);
    }
    if (const auto* instruments = r.array("instruments", 16)) {
        v.instruments.clear();
        for (std::size_t i = 0; i < instruments->size() && r.ok(); ++i) {
            const auto& item = (*instruments)[i];
            const std::string itemPath = r.pathOf("instruments") + "[" + std::to_string(i) + "]";
            if (!item.is_string()) {
                r.fail(Errc::wrongFieldType, itemPath + ": expected a string");
                break;
            }
            const auto& name = item.get_ref<const std::string&>();
            const auto it = std::find_if(kInstrumentNames.begin(), kInstrumentNames.end(),
                                         [&](const auto& p) { return p.second == name; });
            if (it == kInstrumentNames.end()) {
                r.fail(Errc::invalidField, itemPath + ": unknown instrument \"" + name + "\"");
                break;
            }
            if (std::find(v.instruments.begin(), v.instruments.end(), it->first) ==
                v.instruments.end()) {
                v.instruments.push_back(it->first);
            }
        }
    }
    if (const auto* site = r.object("site")) {
        JsonReader s(*site, r.pathOf("site"));
        s.string("code", v.site.code, 3, 32);
        s.string("name", v.site.name, 1, 128);
        s.string("opening_hours", v.site.openingHours, 1, 256);
        if (s.ok() && !isValidSiteCode(v.site.code)) {
            s.fail(Errc::invalidField, s.pathOf("code") + ": 3 to 32 of A-Z, 0-9 and '-'");
        }
        s.finish();
        r.merge(s);
    }
    r.enumeration("priority", v.priority, kPriorityNames, false);
    r.finish();
    parent.merge(r);
}

void readEntry(const json& object, const std::string& path, QueueEntry& e, JsonReader& parent) {
    JsonReader r(object, path);
    if (const auto* visit = r.object("visit")) {
        readVisit(*visit, r.pathOf("visit"), e.visit, r);
    }
    r.string("cabin_name", e.cabinName, 1, 128);
    r.integer("checked_in_at_ms", e.checkedInAtMs, 0, kMaxUnixMs);
    r.integer("waited_ms", e.waitedMs, 0, kMaxUnixMs);
    r.finish();
    parent.merge(r);
}

} // namespace

namespace detail {
void readSessionId(JsonReader& r, std::string& out) {
    r.string("session_id", out, 1, kMaxIdBytes);
}
} // namespace detail
using detail::readSessionId;

std::string_view toString(Sex v) noexcept {
    return nameOf(v, kSexNames);
}
std::string_view toString(OperatorRole v) noexcept {
    return nameOf(v, kOperatorNames);
}
std::string_view toString(Priority v) noexcept {
    return nameOf(v, kPriorityNames);
}
std::string_view toString(Instrument v) noexcept {
    return nameOf(v, kInstrumentNames);
}
std::string_view toString(Presence v) noexcept {
    return nameOf(v, kPresenceNames);
}
std::string_view toString(EndReason v) noexcept {
    return nameOf(v, kEndReasonNames);
}

boost::system::error_code checkEligibility(const Visit& visit) noexcept {
    if (visit.age < 14) {
        return make_error_code(Errc::underage);
    }
    if (visit.age < 18 && !visit.guardianPresent) {
        return make_error_code(Errc::guardianRequired);
    }
    if (!visit.consent.recorded) {
        return make_error_code(Errc::consentMissing);
    }
    return {};
}

bool queueOrderLess(const QueueEntry& a, const QueueEntry& b) noexcept {
    const auto rank = [](Priority p) {
        return p == Priority::urgent ? 0 : 1;
    };
    if (rank(a.visit.priority) != rank(b.visit.priority)) {
        return rank(a.visit.priority) < rank(b.visit.priority);
    }
    if (a.checkedInAtMs != b.checkedInAtMs) {
        return a.checkedInAtMs < b.checkedInAtMs;
    }
    return a.visit.visitId < b.visit.visitId;
}

bool isKnownSessionMessageKind(std::string_view kind) noexcept {
    return kind::isOneOf(kind, kind::kSessionKinds);
}

// ---- toJson -------------------------------------------------------------------------------

json toJson(const Identity& v) {
    return json{{"role", std::string(toString(v.role))},
                {"identifier", v.identifier},
                {"display_name", v.displayName}};
}

namespace {
json operatorJson(const OperatorPresence& op) {
    json out{{"present", op.present}, {"role", std::string(toString(op.role))}};
    if (!op.name.empty()) {
        out["name"] = op.name;
    }
    return out;
}
} // namespace

json toJson(const Visit& v) {
    json instruments = json::array();
    for (const auto i : v.instruments) {
        instruments.push_back(std::string(toString(i)));
    }
    json consent{{"recorded", v.consent.recorded}};
    if (v.consent.recordedAtMs != 0) {
        consent["recorded_at_ms"] = v.consent.recordedAtMs;
    }
    if (!v.consent.method.empty()) {
        consent["method"] = v.consent.method;
    }
    consent["quality_review"] = v.consent.qualityReview;
    return json{
        {"visit_id", v.visitId},
        {"reason", v.reason},
        {"age", v.age},
        {"sex", std::string(toString(v.sex))},
        {"guardian_present", v.guardianPresent},
        {"consent", std::move(consent)},
        {"operator", operatorJson(v.operatorPresence)},
        {"instruments", std::move(instruments)},
        {"site",
         {{"code", v.site.code}, {"name", v.site.name}, {"opening_hours", v.site.openingHours}}},
        {"priority", std::string(toString(v.priority))}};
}

json toJson(const QueueEntry& v) {
    return json{{"visit", toJson(v.visit)},
                {"cabin_name", v.cabinName},
                {"checked_in_at_ms", v.checkedInAtMs},
                {"waited_ms", v.waitedMs}};
}

json toJson(const Welcome& v) {
    return json{{"identity", toJson(v.identity)},
                {"resume_token", v.resumeToken},
                {"heartbeat_interval_ms", v.heartbeatIntervalMs},
                {"grace_period_ms", v.gracePeriodMs},
                {"max_frame_bytes", v.maxFrameBytes},
                {"max_messages_per_second", v.maxMessagesPerSecond}};
}

json toJson(const ResumeRequest& v) {
    return json{{"token", v.token}};
}
json toJson(const PresenceSet& v) {
    return json{{"status", std::string(toString(v.status))}};
}

json toJson(const QueueSnapshot& v) {
    json entries = json::array();
    for (const auto& e : v.entries) {
        entries.push_back(toJson(e));
    }
    return json{{"entries", std::move(entries)}};
}

json toJson(const QueueUpdate& v) {
    json out{{"op", std::string(nameOf(v.op, kQueueOpNames))}, {"visit_id", v.visitId}};
    if (v.entry) {
        out["entry"] = toJson(*v.entry);
    }
    return out;
}

json toJson(const CheckIn& v) {
    json out = toJson(v.visit);
    if (v.patient) {
        out["patient"] = prescriptions::toJson(*v.patient);
    }
    return out;
}
json toJson(const VisitRef& v) {
    return json{{"visit_id", v.visitId}};
}
json toJson(const VisitCancel& v) {
    return json{{"visit_id", v.visitId}, {"reason", v.reason}};
}
json toJson(const ClaimResult& v) {
    json out{{"session_id", v.sessionId}, {"entry", toJson(v.entry)}};
    if (v.patient) {
        out["patient"] = prescriptions::toJson(*v.patient);
    }
    detail::writeIceServers(out, v.iceServers);
    return out;
}
json toJson(const VisitClaimed& v) {
    json out{{"visit_id", v.visitId},
             {"session_id", v.sessionId},
             {"doctor_name", v.doctorName},
             {"doctor_rpps", v.doctorRpps}};
    detail::writeIceServers(out, v.iceServers);
    return out;
}
json toJson(const SessionDescription& v) {
    return json{{"session_id", v.sessionId},
                {"sdp_type", std::string(nameOf(v.sdpType, kSdpTypeNames))},
                {"sdp", v.sdp}};
}
json toJson(const SessionMessage& v) {
    return json{{"session_id", v.sessionId}, {"kind", v.kind}, {"payload", v.payload}};
}
json toJson(const SessionEnd& v) {
    json out{{"session_id", v.sessionId}, {"reason", std::string(toString(v.reason))}};
    if (!v.note.empty()) {
        out["note"] = v.note;
    }
    return out;
}
json toJson(const SessionEnded& v) {
    return json{{"session_id", v.sessionId},
                {"reason", std::string(toString(v.reason))},
                {"ended_by", std::string(toString(v.endedBy))},
                {"duration_ms", v.durationMs}};
}
json toJson(const PeerStatus& v) {
    return json{{"session_id", v.sessionId}, {"connected", v.connected}};
}

// ---- fromJson -----------------------------------------------------------------------------

template <> Parsed<Identity> fromJson<Identity>(const json& body) {
    JsonReader r(body, "body");
    Identity v;
    readIdentity(r, v);
    return finishWith(r, std::move(v));
}

template <> Parsed<Visit> fromJson<Visit>(const json& body) {
    const json noFields = json::object(); // the reader keeps a reference
    JsonReader r(noFields, "body");
    Visit v;
    readVisit(body, "body", v, r);
    return finishWith(r, std::move(v));
}

// The patient's identity under `path`, refused with the identity's own reason and field.
std::optional<ParseError> readPatient(const json& value, const std::string& path,
                                      std::optional<prescriptions::PatientIdentity>& out) {
    const auto today = std::chrono::year_month_day(
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
    auto identity = prescriptions::identityFromJson(value, today);
    if (!identity) {
        const auto& error = identity.error();
        return ParseError{make_error_code(Errc::invalidIdentity),
                          {},
                          path + (error.field.empty() ? "" : "." + error.field) + ": " +
                              error.code.message() +
                              (error.detail.empty() ? "" : " (" + error.detail + ")") + " [" +
                              std::string(prescriptions::wireName(
                                  static_cast<prescriptions::IdentityErrc>(error.code.value()))) +
                              "]"};
    }
    out = std::move(*identity);
    return std::nullopt;
}

template <> Parsed<CheckIn> fromJson<CheckIn>(const json& body) {
    CheckIn v;
    if (!body.is_object() || !body.contains("patient")) {
        auto visit = fromJson<Visit>(body);
        if (!visit) {
            return visit.error();
        }
        v.visit = std::move(*visit);
        return v;
    }
    json visitOnly = body;
    visitOnly.erase("patient");
    auto visit = fromJson<Visit>(visitOnly);
    if (!visit) {
        return visit.error();
    }
    v.visit = std::move(*visit);
    if (!body.at("patient").is_null()) {
        if (auto error = readPatient(body.at("patient"), "body.patient", v.patient)) {
            return *error;
        }
    }
    return v;
}

template <> Parsed<QueueEntry> fromJson<QueueEntry>(const json& body) {
    const json noFields = json::object(); // the reader keeps a reference
    JsonReader r(noFields, "body");
    QueueEntry v;
    readEntry(body, "body", v, r);
    return finishWith(r, std::move(v));
}

template <> Parsed<Welcome> fromJson<Welcome>(const json& body) {
    JsonReader r(body, "body");
    Welcome v;
    if (const auto* identity = r.object("identity")) {
        JsonReader i(*identity, r.pathOf("identity"));
        readIdentity(i, v.identity);
        i.finish();
        r.merge(i);
    }
    r.string("resume_token", v.resumeToken, 16, 128);
    r.integer("heartbeat_interval_ms", v.heartbeatIntervalMs, 100, 600'000);
    r.integer("grace_period_ms", v.gracePeriodMs, 0, 3'600'000);
    r.integer("max_frame_bytes", v.maxFrameBytes, 1024, 16 * 1024 * 1024);
    r.integer("max_messages_per_second", v.maxMessagesPerSecond, 1, 1'000'000);
    return finishWith(r, std::move(v));
}

template <> Parsed<ResumeRequest> fromJson<ResumeRequest>(const json& body) {
    JsonReader r(body, "body");
    ResumeRequest v;
    r.string("token", v.token, 16, 128);
    return finishWith(r, std::move(v));
}

template <> Parsed<PresenceSet> fromJson<PresenceSet>(const json& body) {
    JsonReader r(body, "body");
    PresenceSet v;
    r.enumeration("status", v.status, kPresenceNames);
    return finishWith(r, std::move(v));
}

template <> Parsed<QueueSnapshot> fromJson<QueueSnapshot>(const json& body) {
    JsonReader r(body, "body");
    QueueSnapshot v;
    if (const auto* entries = r.array("entries", 100'000)) {
        v.entries.resize(entries->size());
        for (std::size_t i = 0; i < entries->size() && r.ok(); ++i) {
            readEntry((*entries)[i], r.pathOf("entries") + "[" + std::to_string(i) + "]",
                      v.entries[i], r);
        }
    }
    return finishWith(r, std::move(v));
}

template <> Parsed<QueueUpdate> fromJson<QueueUpdate>(const json& body) {
    JsonReader r(body, "body");
    QueueUpdate v;
    r.enumeration("op", v.op, kQueueOpNames);
    r.string("visit_id", v.visitId, 1, kMaxIdBytes);
    if (const auto* entry = r.object("entry", v.op == QueueOp::added)) {
        v.entry.emplace();
        readEntry(*entry, r.pathOf("entry"), *v.entry, r);
    }
    return finishWith(r, std::move(v));
}

template <> Parsed<VisitRef> fromJson<VisitRef>(const json& body) {
    JsonReader r(body, "body");
    VisitRef v;
    r.string("visit_id", v.visitId, 1, kMaxIdBytes);
    return finishWith(r, std::move(v));
}

template <> Parsed<VisitCancel> fromJson<VisitCancel>(const json& body) {
    JsonReader r(body, "body");
    VisitCancel v;
    r.string("visit_id", v.visitId, 1, kMaxIdBytes);
    r.string("reason", v.reason, 0, 200, false);
    return finishWith(r, std::move(v));
}

template <> Parsed<ClaimResult> fromJson<ClaimResult>(const json& body) {
    JsonReader r(body, "body");
    ClaimResult v;
    readSessionId(r, v.sessionId);
    if (const auto* entry = r.object("entry")) {
        readEntry(*entry, r.pathOf("entry"), v.entry, r);
    }
    detail::readIceServers(r, v.iceServers);
    if (const auto* patient = r.object("patient", false)) {
        if (auto error = readPatient(*patient, r.pathOf("patient"), v.patient)) {
            return *error;
        }
    }
    return finishWith(r, std::move(v));
}

template <> Parsed<VisitClaimed> fromJson<VisitClaimed>(const json& body) {
    JsonReader r(body, "body");
    VisitClaimed v;
    r.string("visit_id", v.visitId, 1, kMaxIdBytes);
    readSessionId(r, v.sessionId);
    r.string("doctor_name", v.doctorName, 1, 128);
    r.string("doctor_rpps", v.doctorRpps, 11, 11);
    detail::readIceServers(r, v.iceServers);
    return finishWith(r, std::move(v));
}

template <> Parsed<SessionDescription> fromJson<SessionDescription>(const json& body) {
    JsonReader r(body, "body");
    SessionDescription v;
    readSessionId(r, v.sessionId);
    r.enumeration("sdp_type", v.sdpType, kSdpTypeNames);
    r.string("sdp", v.sdp, 10, kMaxSdpBytes);
    if (r.ok() && v.sdp.rfind("v=0", 0) != 0) {
        r.fail(Errc::invalidField, "body.sdp: an SDP description starts with \"v=0\"");
    }
    return finishWith(r, std::move(v));
}

template <> Parsed<SessionMessage> fromJson<SessionMessage>(const json& body) {
    JsonReader r(body, "body");
    SessionMessage v;
    readSessionId(r, v.sessionId);
    r.string("kind", v.kind, 1, 64);
    if (const auto* payload = r.object("payload")) {
        if (payload->dump().size() > kMaxSessionPayloadBytes) {
            r.fail(Errc::frameTooLarge, "body.payload: larger than " +
                                            std::to_string(kMaxSessionPayloadBytes) + " bytes");
        } else {
            v.payload = *payload;
        }
    }
    if (r.ok() && !isKnownSessionMessageKind(v.kind)) {
        r.fail(Errc::unknownMessageKind, "body.kind: \"" + v.kind + "\" is not a known kind");
    }
    return finishWith(r, std::move(v));
}

template <> Parsed<SessionEnd> fromJson<SessionEnd>(const json& body) {
    JsonReader r(body, "body");
    SessionEnd v;
    readSessionId(r, v.sessionId);
    r.enumeration("reason", v.reason, kEndReasonNames);
    r.string("note", v.note, 0, 500, false);
    if (r.ok() && v.reason == EndReason::peerLost) {
        r.fail(Errc::invalidField, "body.reason: peer_lost is set by the service only");
    }
    return finishWith(r, std::move(v));
}

template <> Parsed<SessionEnded> fromJson<SessionEnded>(const json& body) {
    JsonReader r(body, "body");
    SessionEnded v;
    readSessionId(r, v.sessionId);
    r.enumeration("reason", v.reason, kEndReasonNames);
    r.enumeration("ended_by", v.endedBy, kRoleNames);
    r.integer("duration_ms", v.durationMs, 0, kMaxUnixMs);
    return finishWith(r, std::move(v));
}

template <> Parsed<PeerStatus> fromJson<PeerStatus>(const json& body) {
    JsonReader r(body, "body");
    PeerStatus v;
    readSessionId(r, v.sessionId);
    r.boolean("connected", v.connected);
    return finishWith(r, std::move(v));
}

Parsed<ErrorBody> parseErrorBody(const json& body) {
    JsonReader r(body, "body");
    ErrorBody v;
    r.string("code", v.wireCode, 1, 64);
    r.string("message", v.message, 0, 1024);
    std::string detail;
    r.string("detail", detail, 0, 4096, false);
    if (!detail.empty()) {
        v.message += " (" + detail + ")";
    }
    if (auto error = r.finish()) {
        return *error;
    }
    const auto code = errcFromWireName(v.wireCode);
    v.code = make_error_code(code.value_or(Errc::internal));
    return v;
}

} // namespace tc::protocol

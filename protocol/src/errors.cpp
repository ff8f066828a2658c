#include "tc/protocol/errors.hpp"

#include <array>
#include <string>
#include <utility>

namespace tc::protocol {
namespace {

struct ErrcInfo {
    Errc code;
    std::string_view wire;
    std::string_view message;
};

constexpr std::array kErrcInfo{
    ErrcInfo{Errc::malformedJson, "malformed_json", "the frame is not valid JSON"},
    ErrcInfo{Errc::frameTooLarge, "frame_too_large", "the frame exceeds the size limit"},
    ErrcInfo{Errc::binaryFrame, "binary_frame", "binary frames are not accepted"},
    ErrcInfo{Errc::unsupportedVersion, "unsupported_version",
             "the envelope's protocol version is not supported"},
    ErrcInfo{Errc::unknownType, "unknown_type", "unknown message type"},
    ErrcInfo{Errc::missingField, "missing_field", "a required field is missing"},
    ErrcInfo{Errc::wrongFieldType, "wrong_field_type", "a field has the wrong JSON type"},
    ErrcInfo{Errc::invalidField, "invalid_field", "a field's value is out of range or invalid"},
    ErrcInfo{Errc::unknownField, "unknown_field", "the message carries an unknown field"},
    ErrcInfo{Errc::rateLimited, "rate_limited", "too many messages; slow down"},
    ErrcInfo{Errc::noCertificate, "no_certificate", "the peer presented no certificate"},
    ErrcInfo{Errc::unknownCa, "unknown_ca",
             "the certificate was not issued by the deployment's authority"},
    ErrcInfo{Errc::certificateExpired, "certificate_expired",
             "the certificate has expired or is not yet valid"},
    ErrcInfo{Errc::certificateRejected, "certificate_rejected", "the certificate was rejected"},
    ErrcInfo{Errc::badIdentity, "bad_identity",
             "the certificate does not carry a valid telecabine identity"},
    ErrcInfo{Errc::invalidRpps, "invalid_rpps", "the RPPS number is not 11 valid digits"},
    ErrcInfo{Errc::forbiddenRole, "forbidden_role",
             "this role is not allowed to send this message"},
    ErrcInfo{Errc::underage, "underage", "patients under 14 cannot use a cabin"},
    ErrcInfo{Errc::guardianRequired, "guardian_required",
             "a patient aged 14 to 17 needs a legal guardian present"},
    ErrcInfo{Errc::consentMissing, "consent_missing",
             "the patient's consent to teleconsultation is not recorded"},
    ErrcInfo{Errc::duplicateVisit, "duplicate_visit", "a visit with this id already exists"},
    ErrcInfo{Errc::unknownVisit, "unknown_visit", "no waiting visit has this id"},
    ErrcInfo{Errc::alreadyTaken, "already_taken", "another doctor has already taken this visit"},
    ErrcInfo{Errc::notOnShift, "not_on_shift", "the doctor is paused; go on shift first"},
    ErrcInfo{Errc::cabinBusy, "cabin_busy", "the cabin is in session or being cleaned"},
    ErrcInfo{Errc::unknownSession, "unknown_session", "no session has this id"},
    ErrcInfo{Errc::notInSession, "not_in_session", "this connection is not part of the session"},
    ErrcInfo{Errc::invalidSessionState, "invalid_session_state",
             "the session is not in a state that allows this message"},
    ErrcInfo{Errc::unknownMessageKind, "unknown_message_kind", "unknown in-session message kind"},
    ErrcInfo{Errc::resumeExpired, "resume_expired",
             "the grace period has passed; the previous session has ended"},
    ErrcInfo{Errc::resumeRejected, "resume_rejected",
             "the resume token is unknown or belongs to another identity"},
    ErrcInfo{Errc::peerLost, "peer_lost", "the other side was lost and did not come back"},
    ErrcInfo{Errc::connectionLost, "connection_lost", "the connection to the service was lost"},
    ErrcInfo{Errc::timeout, "timeout", "the operation timed out"},
    ErrcInfo{Errc::pkiFailure, "pki_failure", "a certificate operation failed"},
    ErrcInfo{Errc::storageFailure, "storage_failure", "the event log could not be written"},
    ErrcInfo{Errc::notConnected, "not_connected", "not connected to the service"},
    ErrcInfo{Errc::internal, "internal", "internal error"},
};

const ErrcInfo* find(Errc e) noexcept {
    for (const auto& info : kErrcInfo) {
        if (info.code == e) {
            return &info;
        }
    }
    return nullptr;
}

class ProtocolCategory final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "tc.protocol"; }
    std::string message(int ev) const override {
        const auto* info = find(static_cast<Errc>(ev));
        return info != nullptr ? std::string(info->message) : "unknown protocol error";
    }
};

} // namespace

const boost::system::error_category& protocolCategory() noexcept {
    static const ProtocolCategory category;
    return category;
}

std::string_view wireName(Errc e) noexcept {
    const auto* info = find(e);
    return info != nullptr ? info->wire : std::string_view{"internal"};
}

std::optional<Errc> errcFromWireName(std::string_view name) noexcept {
    for (const auto& info : kErrcInfo) {
        if (info.wire == name) {
            return info.code;
        }
    }
    return std::nullopt;
}

} // namespace tc::protocol

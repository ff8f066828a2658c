#include "tc/protocol/errors.hpp"

#include "tc/errors/error_table.hpp"

#include <array>

namespace tc::protocol {
namespace {

// The key is the wire name (the `error` message's `code` field).
constexpr std::array kErrors{
    errors::ErrcEntry{Errc::malformedJson, "malformed_json", "the frame is not valid JSON"},
    errors::ErrcEntry{Errc::frameTooLarge, "frame_too_large", "the frame exceeds the size limit"},
    errors::ErrcEntry{Errc::binaryFrame, "binary_frame", "binary frames are not accepted"},
    errors::ErrcEntry{Errc::unsupportedVersion, "unsupported_version",
                      "the envelope's protocol version is not supported"},
    errors::ErrcEntry{Errc::unknownType, "unknown_type", "unknown message type"},
    errors::ErrcEntry{Errc::missingField, "missing_field", "a required field is missing"},
    errors::ErrcEntry{Errc::wrongFieldType, "wrong_field_type", "a field has the wrong JSON type"},
    errors::ErrcEntry{Errc::invalidField, "invalid_field",
                      "a field's value is out of range or invalid"},
    errors::ErrcEntry{Errc::unknownField, "unknown_field", "the message carries an unknown field"},
    errors::ErrcEntry{Errc::rateLimited, "rate_limited", "too many messages; slow down"},
    errors::ErrcEntry{Errc::noCertificate, "no_certificate", "the peer presented no certificate"},
    errors::ErrcEntry{Errc::unknownCa, "unknown_ca",
                      "the certificate was not issued by the deployment's authority"},
    errors::ErrcEntry{Errc::certificateExpired, "certificate_expired",
                      "the certificate has expired or is not yet valid"},
    errors::ErrcEntry{Errc::certificateRejected, "certificate_rejected",
                      "the certificate was rejected"},
    errors::ErrcEntry{Errc::badIdentity, "bad_identity",
                      "the certificate does not carry a valid telecabine identity"},
    errors::ErrcEntry{Errc::invalidRpps, "invalid_rpps", "the RPPS number is not 11 valid digits"},
    errors::ErrcEntry{Errc::forbiddenRole, "forbidden_role",
                      "this role is not allowed to send this message"},
    errors::ErrcEntry{Errc::underage, "underage", "patients under 14 cannot use a cabin"},
    errors::ErrcEntry{Errc::guardianRequired, "guardian_required",
                      "a patient aged 14 to 17 needs a legal guardian present"},
    errors::ErrcEntry{Errc::consentMissing, "consent_missing",
                      "the patient's consent to teleconsultation is not recorded"},
    errors::ErrcEntry{Errc::duplicateVisit, "duplicate_visit",
                      "a visit with this id already exists"},
    errors::ErrcEntry{Errc::unknownVisit, "unknown_visit", "no waiting visit has this id"},
    errors::ErrcEntry{Errc::alreadyTaken, "already_taken",
                      "another doctor has already taken this visit"},
    errors::ErrcEntry{Errc::notOnShift, "not_on_shift", "the doctor is paused; go on shift first"},
    errors::ErrcEntry{Errc::cabinBusy, "cabin_busy", "the cabin is in session or being cleaned"},
    errors::ErrcEntry{Errc::invalidIdentity, "invalid_identity",
                      "the patient's identity is refused (impossible date, wrong INS key...)"},
    errors::ErrcEntry{Errc::unknownSession, "unknown_session", "no session has this id"},
    errors::ErrcEntry{Errc::notInSession, "not_in_session",
                      "this connection is not part of the session"},
    errors::ErrcEntry{Errc::invalidSessionState, "invalid_session_state",
                      "the session is not in a state that allows this message"},
    errors::ErrcEntry{Errc::unknownMessageKind, "unknown_message_kind",
                      "unknown in-session message kind"},
    errors::ErrcEntry{Errc::resumeExpired, "resume_expired",
                      "the grace period has passed; the previous session has ended"},
    errors::ErrcEntry{Errc::resumeRejected, "resume_rejected",
                      "the resume token is unknown or belongs to another identity"},
    errors::ErrcEntry{Errc::peerLost, "peer_lost", "the other side was lost and did not come back"},
    errors::ErrcEntry{Errc::connectionLost, "connection_lost",
                      "the connection to the service was lost"},
    errors::ErrcEntry{Errc::timeout, "timeout", "the operation timed out"},
    errors::ErrcEntry{Errc::pkiFailure, "pki_failure", "a certificate operation failed"},
    errors::ErrcEntry{Errc::storageFailure, "storage_failure",
                      "the event log could not be written"},
    errors::ErrcEntry{Errc::notConnected, "not_connected", "not connected to the service"},
    errors::ErrcEntry{Errc::internal, "internal", "internal error"},
};

const auto& category() noexcept {
    static const errors::TableCategory instance("tc.protocol", kErrors);
    return instance;
}

} // namespace

const boost::system::error_category& protocolCategory() noexcept {
    return category();
}

std::string_view wireName(Errc e) noexcept {
    // A value outside the table goes on the wire as "internal", never as "unknown".
    const auto* entry = category().find(e);
    return entry != nullptr ? entry->key : std::string_view{"internal"};
}

std::optional<Errc> errcFromWireName(std::string_view name) noexcept {
    return category().fromKey(name);
}

} // namespace tc::protocol

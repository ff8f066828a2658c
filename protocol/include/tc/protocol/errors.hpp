#pragma once
// Typed errors of the rendezvous protocol. Every value has a stable wire name (used in the
// `error` message's `code` field) and a readable message; see protocol/README.md.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string_view>

namespace tc::protocol {

enum class Errc {
    // Framing and schema.
    malformedJson = 1,
    frameTooLarge,
    binaryFrame,
    unsupportedVersion,
    unknownType,
    missingField,
    wrongFieldType,
    invalidField,
    unknownField,
    rateLimited,
    // Identity and authorisation.
    noCertificate,
    unknownCa,
    certificateExpired,
    certificateRejected,
    badIdentity,
    invalidRpps,
    forbiddenRole,
    // Visits and queue.
    underage,
    guardianRequired,
    consentMissing,
    duplicateVisit,
    unknownVisit,
    alreadyTaken,
    notOnShift,
    cabinBusy,
    invalidIdentity, // the patient's identity at check-in (the detail names the trait and why)
    // Sessions.
    unknownSession,
    notInSession,
    invalidSessionState,
    unknownMessageKind,
    // Liveness.
    resumeExpired,
    resumeRejected,
    peerLost,
    connectionLost,
    timeout,
    // Local failures.
    pkiFailure,
    storageFailure,
    notConnected,
    internal,
};

const boost::system::error_category& protocolCategory() noexcept;

inline boost::system::error_code make_error_code(Errc e) noexcept {
    return {static_cast<int>(e), protocolCategory()};
}

// Stable snake_case wire name, e.g. "already_taken".
std::string_view wireName(Errc e) noexcept;
std::optional<Errc> errcFromWireName(std::string_view name) noexcept;

template <class T> using Result = boost::system::result<T>;

} // namespace tc::protocol

namespace boost::system {
template <> struct is_error_code_enum<tc::protocol::Errc> : std::true_type {};
} // namespace boost::system

#pragma once
// Who may sign an ordonnance or a consultation report: a prescriber, that is a doctor's
// certificate naming the RPPS of the prescriber (the report's author) in the signed content. A
// valid chain to the pharmacist's CA is not enough: the same CA issues the cabins', the service's
// and the coordinators' certificates, and none of them may sign a prescription or a report. The
// rule is applied where a document is signed (signPdf with or over an ordonnance or a report,
// signOrdonnance, signReport) and where it is verified (telecabine-verify).
//
// A certificate is a prescriber's in one of two profiles:
//   - the deployment's doctor (`pki issue --role doctor`): subject OU "doctor" and a subject
//     serialNumber that is an RPPS with a valid check digit;
//   - a CPS-like card certificate: no deployment role in OU, and the national identifier "8" +
//     RPPS (valid check digit) as the subject serialNumber or at the start of the common name
//     ("810101234564/Claire Martin", "810101234564 Claire Martin").
// An authority (basicConstraints CA:TRUE), a subject OU naming another deployment role (cabin,
// service, coordinator), a doctor without an RPPS, or a subject naming no RPPS is not a prescriber.

#include "tc/prescriptions/signature_errors.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tc::prescriptions {

enum class SignerKind {
    doctor,      // deployment doctor profile, with its RPPS
    cpsCard,     // CPS-like profile, with its RPPS
    cabin,       // OU=cabin
    service,     // OU=service
    coordinator, // OU=coordinator
    authority,   // a CA certificate
    doctorWithoutRpps,
    unidentified, // names no role this deployment knows and no RPPS
    unreadable,   // not a DER X.509 certificate
};

struct SignerProfile {
    SignerKind kind = SignerKind::unreadable;
    std::optional<std::string> rpps; // set for doctor and cpsCard only
    bool isPrescriber() const noexcept { return rpps.has_value(); }
};

// Reads the profile of a DER certificate (the subject's OU, serialNumber and CN, and
// basicConstraints), independent of how its subject prints as text.
SignerProfile readSignerProfile(std::span<const std::byte> certificateDer);

// signerNotAPrescriber when the profile is not a prescriber's, signerNotPrescriber when it names
// another RPPS than `prescriberRpps`.
boost::system::result<void> checkSignerIsPrescriber(const SignerProfile& signer,
                                                    std::string_view prescriberRpps);

// Stable name for reports and --json: "doctor", "cps_card", "cabin", "service", "coordinator",
// "authority", "doctor_without_rpps", "unidentified", "unreadable".
std::string_view signerKindName(SignerKind kind) noexcept;

// The prescriber's RPPS in an ordonnance's canonical JSON (prescriber.rpps), or nullopt when the
// bytes are not such a JSON object. signerRppsInContent (signed_document.hpp) for any kind.
std::optional<std::string> prescriberRppsInContent(std::span<const std::byte> canonicalJson);

} // namespace tc::prescriptions

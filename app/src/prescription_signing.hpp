#pragma once
// Signing an ordonnance, or the consultation report, away from the GUI thread: a card's two
// signatures (the PDF's and the JSON's) take a moment, during which the console must keep showing
// the cabin. The job works on copies (the prescription as read when the doctor confirmed, the
// consultation's ledger) and hands back a typed outcome, which the editor turns into words and
// state on the GUI thread.

#include "tc/errors/outcome.hpp"
#include "tc/prescriptions/ordonnance.hpp"
#include "tc/prescriptions/prescriber_certificate.hpp"
#include "tc/prescriptions/prescription.hpp"
#include "tc/prescriptions/sealed_prescription.hpp"
#include "tc/prescriptions/signed_report.hpp"
#include "tc/prescriptions/signing_identity.hpp"

#include <boost/system/result.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace tc::app {

// Opens the identity the doctor chose (SigningChoices::opener): callable on any thread.
using IdentityOpener = std::function<boost::system::result<prescriptions::SigningIdentity>()>;

// Why a signature was refused; `code` says more for `identity` (a wrong PIN, a card taken out...)
// and `signature` (the library's refusal: a duplicate id, a render or signing failure...).
struct SigningRefusal : errors::Failure {
    enum class Reason {
        identity,        // the identity did not open
        expired,         // the certificate ended at `expiredAt`
        otherPrescriber, // the certificate names `signerRpps`, not the prescriber's
        notAPrescriber,  // a cabin's, service's, coordinator's or RPPS-less certificate
        signature,       // signing itself failed
    };
    Reason reason = Reason::signature;
    std::chrono::system_clock::time_point expiredAt;
    std::string signerRpps;
    prescriptions::SignerKind signerKind = prescriptions::SignerKind::unreadable;
};

// The signed ordonnance, and the consultation's ledger with it recorded.
struct SignedPrescription {
    prescriptions::SignedOrdonnance ordonnance;
    prescriptions::PrescriptionLedger ledger;
};

using SigningOutcome = errors::Outcome<SignedPrescription, SigningRefusal>;

// Opens the identity, refuses a certificate past its end, one that is not a prescriber's, or
// one that names another RPPS than the prescriber's (a pharmacist's check, and
// telecabine-verify's, would refuse the ordonnance), then signs at `now`. Touches only its
// arguments.
SigningOutcome signPrescription(const IdentityOpener& open,
                                const prescriptions::Prescription& prescription,
                                prescriptions::PrescriptionLedger ledger,
                                std::chrono::system_clock::time_point now);

// The checks above on their own, for any document the doctor signs: opens the identity and
// refuses it when expired, not a prescriber's, or naming another RPPS than `rpps`.
errors::Outcome<prescriptions::SigningIdentity, SigningRefusal>
openPrescriberIdentity(const IdentityOpener& open, const std::string& rpps,
                       std::chrono::system_clock::time_point now);

using ReportSigningOutcome = errors::Outcome<prescriptions::SignedReport, SigningRefusal>;

// The consultation report, under the same rules as the ordonnance (the RPPS being the record's
// doctor's): `signature` refusals carry the library's code (validationFailed for a report or
// record with problems). Touches only its arguments.
ReportSigningOutcome signConsultationReport(const IdentityOpener& open,
                                            const prescriptions::ConsultationReport& report,
                                            const prescriptions::ConsultationRecord& record,
                                            std::chrono::system_clock::time_point now);

} // namespace tc::app

#include "prescription_signing.hpp"

#include "tc/prescriptions/prescriber_certificate.hpp"

namespace tc::app {

namespace rx = tc::prescriptions;

SigningOutcome signPrescription(const IdentityOpener& open, const rx::Prescription& prescription,
                                rx::PrescriptionLedger ledger,
                                std::chrono::system_clock::time_point now) {
    SigningOutcome outcome;
    outcome.ledger = std::move(ledger);
    const auto identity = open();
    if (!identity) {
        outcome.refusal = SigningOutcome::Refusal::identity;
        outcome.error = identity.error();
        return outcome;
    }
    if (const auto end = identity->notAfter(); end < now) {
        outcome.refusal = SigningOutcome::Refusal::expired;
        outcome.expiredAt = end;
        return outcome;
    }
    // The library refuses these too; said here with the certificate's own RPPS or role.
    const auto signer = rx::readSignerProfile(identity->certificateDer());
    if (!signer.isPrescriber()) {
        outcome.refusal = SigningOutcome::Refusal::notAPrescriber;
        outcome.signerKind = signer.kind;
        return outcome;
    }
    if (*signer.rpps != prescription.prescriber.rpps) {
        outcome.refusal = SigningOutcome::Refusal::otherPrescriber;
        outcome.signerRpps = *signer.rpps;
        return outcome;
    }
    auto result = rx::signOrdonnance(prescription, *identity, now, outcome.ledger);
    if (!result) {
        outcome.refusal = SigningOutcome::Refusal::signature;
        outcome.error = result.failure.error;
        return outcome;
    }
    outcome.ordonnance = std::move(*result.ordonnance);
    return outcome;
}

} // namespace tc::app

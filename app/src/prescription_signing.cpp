#include "prescription_signing.hpp"

#include "tc/prescriptions/prescriber_certificate.hpp"

namespace tc::app {

namespace rx = tc::prescriptions;

SigningOutcome signPrescription(const IdentityOpener& open, const rx::Prescription& prescription,
                                rx::PrescriptionLedger ledger,
                                std::chrono::system_clock::time_point now) {
    using Reason = SigningRefusal::Reason;
    const auto refuse = [](Reason reason, boost::system::error_code code = {}) {
        SigningRefusal refusal;
        refusal.reason = reason;
        refusal.code = code;
        return refusal;
    };
    const auto identity = open();
    if (!identity) {
        return refuse(Reason::identity, identity.error());
    }
    if (const auto end = identity->notAfter(); end < now) {
        auto refusal = refuse(Reason::expired);
        refusal.expiredAt = end;
        return refusal;
    }
    // The library refuses these too; said here with the certificate's own RPPS or role.
    const auto signer = rx::readSignerProfile(identity->certificateDer());
    if (!signer.isPrescriber()) {
        auto refusal = refuse(Reason::notAPrescriber);
        refusal.signerKind = signer.kind;
        return refusal;
    }
    if (*signer.rpps != prescription.prescriber.rpps) {
        auto refusal = refuse(Reason::otherPrescriber);
        refusal.signerRpps = *signer.rpps;
        return refusal;
    }
    auto result = rx::signOrdonnance(prescription, *identity, now, ledger);
    if (!result) {
        auto refusal = refuse(Reason::signature, result.error().code);
        refusal.detail = result.error().detail;
        return refusal;
    }
    return SignedPrescription{std::move(*result), std::move(ledger)};
}

} // namespace tc::app

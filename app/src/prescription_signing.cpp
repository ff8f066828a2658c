#include "prescription_signing.hpp"

#include "tc/prescriptions/prescriber_certificate.hpp"

namespace tc::app {

namespace rx = tc::prescriptions;

namespace {

SigningRefusal refuse(SigningRefusal::Reason reason, boost::system::error_code code = {}) {
    SigningRefusal refusal;
    refusal.reason = reason;
    refusal.code = code;
    return refusal;
}

} // namespace

errors::Outcome<rx::SigningIdentity, SigningRefusal>
openPrescriberIdentity(const IdentityOpener& open, const std::string& rpps,
                       std::chrono::system_clock::time_point now) {
    using Reason = SigningRefusal::Reason;
    auto identity = open();
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
    if (*signer.rpps != rpps) {
        auto refusal = refuse(Reason::otherPrescriber);
        refusal.signerRpps = *signer.rpps;
        return refusal;
    }
    return std::move(*identity);
}

SigningOutcome signPrescription(const IdentityOpener& open, const rx::Prescription& prescription,
                                rx::PrescriptionLedger ledger,
                                std::chrono::system_clock::time_point now) {
    auto identity = openPrescriberIdentity(open, prescription.prescriber.rpps, now);
    if (!identity) {
        return identity.error();
    }
    auto result = rx::signOrdonnance(prescription, *identity, now, ledger);
    if (!result) {
        auto refusal = refuse(SigningRefusal::Reason::signature, result.error().code);
        refusal.detail = result.error().detail;
        return refusal;
    }
    return SignedPrescription{std::move(*result), std::move(ledger)};
}

ReportSigningOutcome signConsultationReport(const IdentityOpener& open,
                                            const rx::ConsultationReport& report,
                                            const rx::ConsultationRecord& record,
                                            std::chrono::system_clock::time_point now) {
    auto identity = openPrescriberIdentity(open, record.doctor.rpps, now);
    if (!identity) {
        return identity.error();
    }
    auto result = rx::signReport(report, record, *identity, now);
    if (!result) {
        auto refusal = refuse(SigningRefusal::Reason::signature, result.error().code);
        refusal.detail = result.error().detail;
        for (const auto& issue : result.error().issues) {
            refusal.detail += "; " + issue.path + ": " + issue.detail;
        }
        return refusal;
    }
    return std::move(*result);
}

} // namespace tc::app

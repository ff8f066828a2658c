#pragma once
// Immutability of an issued prescription. Sealing validates a prescription, freezes its RFC 8785
// canonical JSON and the SHA-256 of those bytes: a SealedPrescription exposes its content read
// only, and the bytes it signs (the signature itself, CMS/PAdES, lives beside this) cannot drift
// from the content they stand for. A correction is an amendment: a new prescription with a new
// identifier that names, and cancels, the one it replaces.

#include "tc/prescriptions/dci_table.hpp"
#include "tc/prescriptions/errors.hpp"
#include "tc/prescriptions/prescription.hpp"
#include "tc/prescriptions/validation.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace tc::prescriptions {

// Lower-case hexadecimal SHA-256 (OpenSSL EVP).
Result<std::string> sha256Hex(std::string_view bytes);

class SealedPrescription {
public:
    // Errc::validationFailed when validate() reports an error (the report is written to
    // `report` when given), nonFiniteNumber / invalidUtf8 from canonicalisation.
    static Result<SealedPrescription> seal(const Prescription& prescription, const DciTable& table,
                                           ValidationReport* report = nullptr);
    // Rebuilds a sealed prescription from its canonical bytes as received: the bytes must
    // parse strictly (Errc from parsing), be exactly canonical (Errc::notCanonical) and, when
    // `expectedSha256Hex` is given, hash to it (Errc::digestMismatch).
    static Result<SealedPrescription> fromCanonical(std::string_view bytes,
                                                    std::string_view expectedSha256Hex = {});

    const Prescription& prescription() const noexcept { return m_data->prescription; }
    const PrescriptionId& id() const noexcept { return m_data->prescription.id; }
    // The RFC 8785 bytes: what is hashed, signed and sent.
    const std::string& canonicalJson() const noexcept { return m_data->canonical; }
    const std::string& sha256() const noexcept { return m_data->sha256; }

private:
    struct Data {
        Prescription prescription;
        std::string canonical;
        std::string sha256;
    };
    explicit SealedPrescription(std::shared_ptr<const Data> data)
        : m_data(std::move(data)) {}

    std::shared_ptr<const Data> m_data; // shared and never written after sealing
};

// A draft amending `previous`: its content with a new random identifier and `replaces` set to
// the previous identifier. Edit it, then seal it and add it to the ledger.
Result<Prescription> amend(const SealedPrescription& previous);

// The prescriptions a prescriber has issued, and which of them amendments have cancelled.
class PrescriptionLedger {
public:
    // Errc::duplicateId; for an amendment, Errc::unknownPrevious, alreadyCancelled, or
    // amendmentMismatch (another prescriber's RPPS, or another patient).
    Result<void> add(const SealedPrescription& prescription);

    const SealedPrescription* find(const PrescriptionId& id) const;
    bool isCancelled(const PrescriptionId& id) const;
    // The amendment that cancelled `id`, if any.
    std::optional<PrescriptionId> replacedBy(const PrescriptionId& id) const;
    // The newest version reached by following amendments from `id`.
    std::optional<PrescriptionId> current(const PrescriptionId& id) const;

private:
    std::map<PrescriptionId, SealedPrescription> m_items;
    std::map<PrescriptionId, PrescriptionId> m_replacedBy;
};

} // namespace tc::prescriptions

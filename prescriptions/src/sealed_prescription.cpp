#include "tc/prescriptions/sealed_prescription.hpp"

#include "tc/prescriptions/canonical_json.hpp"
#include "tc/prescriptions/prescription_json.hpp"

#include <openssl/evp.h>

namespace tc::prescriptions {

Result<std::string> sha256Hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
        return Errc::cryptoFailure;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        out.push_back(kHex[digest[i] >> 4]);
        out.push_back(kHex[digest[i] & 0x0F]);
    }
    return out;
}

Result<SealedPrescription> SealedPrescription::seal(const Prescription& prescription,
                                                    const DciTable& table,
                                                    ValidationReport* report) {
    auto checked = validate(prescription, table);
    const bool failed = checked.hasErrors();
    if (report != nullptr) {
        *report = std::move(checked);
    }
    if (failed) {
        return Errc::validationFailed;
    }
    auto canonical = tc::prescriptions::canonicalJson(toJson(prescription));
    if (!canonical) {
        return canonical.error();
    }
    auto digest = sha256Hex(*canonical);
    if (!digest) {
        return digest.error();
    }
    return SealedPrescription(std::make_shared<const Data>(
        Data{prescription, std::move(*canonical), std::move(*digest)}));
}

Result<SealedPrescription> SealedPrescription::fromCanonical(std::string_view bytes,
                                                             std::string_view expectedSha256Hex) {
    auto parsed = parsePrescription(bytes);
    if (!parsed) {
        return parsed.error().code;
    }
    auto canonical = tc::prescriptions::canonicalJson(toJson(*parsed));
    if (!canonical) {
        return canonical.error();
    }
    if (*canonical != bytes) {
        return Errc::notCanonical;
    }
    auto digest = sha256Hex(bytes);
    if (!digest) {
        return digest.error();
    }
    if (!expectedSha256Hex.empty() && *digest != expectedSha256Hex) {
        return Errc::digestMismatch;
    }
    return SealedPrescription(std::make_shared<const Data>(
        Data{std::move(*parsed), std::move(*canonical), std::move(*digest)}));
}

Result<Prescription> amend(const SealedPrescription& previous) {
    auto id = PrescriptionId::generate();
    if (!id) {
        return id.error();
    }
    Prescription draft = previous.prescription();
    draft.id = *id;
    draft.replaces = previous.id();
    return draft;
}

Result<void> PrescriptionLedger::add(const SealedPrescription& prescription) {
    const auto& rx = prescription.prescription();
    if (m_items.contains(rx.id)) {
        return Errc::duplicateId;
    }
    if (rx.replaces) {
        const auto previous = m_items.find(*rx.replaces);
        if (previous == m_items.end()) {
            return Errc::unknownPrevious;
        }
        if (m_replacedBy.contains(*rx.replaces)) {
            return Errc::alreadyCancelled;
        }
        const auto& before = previous->second.prescription();
        const bool samePatient = before.patient.familyName == rx.patient.familyName &&
                                 before.patient.givenName == rx.patient.givenName &&
                                 before.patient.birthDate == rx.patient.birthDate;
        if (before.prescriber.rpps != rx.prescriber.rpps || !samePatient) {
            return Errc::amendmentMismatch;
        }
        m_replacedBy.emplace(*rx.replaces, rx.id);
    }
    m_items.emplace(rx.id, prescription);
    return {};
}

const SealedPrescription* PrescriptionLedger::find(const PrescriptionId& id) const {
    const auto it = m_items.find(id);
    return it == m_items.end() ? nullptr : &it->second;
}

bool PrescriptionLedger::isCancelled(const PrescriptionId& id) const {
    return m_replacedBy.contains(id);
}

std::optional<PrescriptionId> PrescriptionLedger::replacedBy(const PrescriptionId& id) const {
    const auto it = m_replacedBy.find(id);
    if (it == m_replacedBy.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<PrescriptionId> PrescriptionLedger::current(const PrescriptionId& id) const {
    if (!m_items.contains(id)) {
        return std::nullopt;
    }
    PrescriptionId at = id;
    while (const auto next = replacedBy(at)) {
        at = *next;
    }
    return at;
}

} // namespace tc::prescriptions

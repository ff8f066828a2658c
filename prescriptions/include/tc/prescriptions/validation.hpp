#pragma once
// Validation of a prescription against article R5132-3 of the Code de la santé publique (the
// mentions an ordonnance must carry), the prescription limits of the CSP (renewals, twelve
// months, substance-specific maximum durations), the non-substitution reasons, and the dose
// plausibility checks of the DCI table (daily maxima, minimum ages).
//
// validate() returns every problem, not the first: each has a stable code (enum and wire name),
// a severity, a location (a JSON pointer into the prescription's JSON form, e.g.
// "/lines/2/dosage/duration", so the editor can show it at the field) and a message in French
// and in English. A prescription with an error cannot be sealed; warnings are shown only.

#include "tc/prescriptions/dci_table.hpp"
#include "tc/prescriptions/prescription.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::prescriptions {

enum class IssueCode {
    // The document.
    emptyPrescription = 1,
    missingField, // a mandatory mention is empty (the location says which)
    invalidDate,
    dateInconsistent, // the civil date is not the day of the issue instant
    // The prescriber.
    malformedRpps,
    rppsCheckDigit,
    invalidPhone,
    invalidEmail,
    invalidCountry,
    invalidPostalCode,
    // The patient.
    birthDateInFuture,
    implausibleAge,
    childWithoutWeight,
    implausibleWeight,
    implausibleHeight,
    // Medication lines.
    unknownDci,
    unknownUnit,
    invalidStrengthUnit,
    strengthComponentMismatch,
    formNotListed,
    nonPositiveValue,
    incompatibleDoseUnit,
    missingFrequency,
    invalidFrequency,
    missingDuration,
    missingQuantity,
    ambiguousQuantity,
    renewalsOutOfRange,
    durationExceedsLimit,
    nonSubstitutableWithoutReason,
    reasonWithoutNonSubstitutable,
    efgNotApplicable,
    mteNotApplicable,
    weightBasedDoseWithoutWeight,
    doseAboveMaximum,
    belowMinimumAge,
};

enum class Severity { error, warning };

struct Issue {
    IssueCode code;
    Severity severity;
    std::string location; // JSON pointer into toJson(prescription)
    std::string messageFr;
    std::string messageEn;
};

struct ValidationReport {
    std::vector<Issue> issues;

    bool hasErrors() const noexcept;
    bool has(IssueCode code) const noexcept;
    bool has(IssueCode code, std::string_view location) const noexcept;
    std::size_t count(IssueCode code) const noexcept;
};

struct IssueCodeInfo {
    IssueCode code;
    std::string_view wire;
    Severity severity; // the usual severity (doseAboveMaximum is a warning once confirmed)
    std::string_view messageFr;
    std::string_view messageEn;
};
std::span<const IssueCodeInfo> allIssueCodes() noexcept;
std::string_view wireName(IssueCode code) noexcept;
std::optional<IssueCode> issueCodeFromWireName(std::string_view wire) noexcept;

// Renewals allowed on one line: a prescription covers at most twelve months (R5132-21 CSP).
inline constexpr int kMaxRenewals = 11;
inline constexpr double kMaxTreatmentDays = 365.25;

ValidationReport validate(const Prescription& prescription, const DciTable& table);

} // namespace tc::prescriptions

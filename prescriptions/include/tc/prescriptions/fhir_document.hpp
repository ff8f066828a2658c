#pragma once
// The consultation as a FHIR R4 document (Bundle of type "document"), and a structure checker for
// such documents.
//
// Entries, each with a "urn:uuid:" fullUrl (name-based UUIDs from the report id, so an export is
// reproducible) and every reference made by those fullUrls:
//   1. Composition: status final, type LOINC 11488-4 "Consult note", subject -> Patient,
//      encounter -> Encounter, author -> Practitioner, attester (legal, the signing time),
//      identifier the report id, one section per report section (LOINC-coded, XHTML narrative)
//      and a section "Actes et prescriptions" listing the Observations, Media and
//      MedicationRequests by reference;
//   2. Patient: the INS identifier (urn:oid:1.2.250.1.213.1.4.8 NIR, .9 NIA, .10 test NIR, .11
//      test NIA; typed INS-NIR / INS-NIA from fr-core-cs-v2-0203) only when the identity is
//      qualified, as FR Core and the RNIV require; the identity status (FR Core
//      fr-core-identity-reliability, QUAL or PROV); names (official = birth name and first
//      names, usual = used name and first name), gender, birthDate, the birth place's INSEE code;
//   3. Practitioner: FR Core's idNatPs and rpps identifiers, as the ordonnance's export;
//   4. Encounter: status finished, class VR (v3-ActCode), period, length, the cabin's Location,
//      the assisting professional as a participant;
//   5. Location (the cabin), Devices (the instruments), Observations (vital-signs, LOINC code
//      and UCUM valueQuantity from the record's measurements, device), Media (stills and
//      recordings: content.url the archived file name, contentType from its extension, the
//      SHA-256 as an RFC 6920 "ni:///sha-256;..." identifier: Attachment.hash is SHA-1 by
//      definition in R4, which the record does not hold and which no longer resists collisions);
//   6. per prescription: with its SealedPrescription, the ordonnance's MedicationRequests,
//      Medications and ServiceRequests (fhir.hpp) pointed at this document's Patient,
//      Practitioner and Encounter; without it, a logical reference by its identifier
//      (urn:telecabine:prescription-id, the MedicationRequests' groupIdentifier).

#include "tc/errors/outcome.hpp"
#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/errc/fhir_errc.hpp"
#include "tc/prescriptions/errors.hpp"
#include "tc/prescriptions/sealed_prescription.hpp"
#include "tc/prescriptions/sealed_report.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::prescriptions {

inline constexpr std::string_view kLoincSystem = "http://loinc.org";
inline constexpr std::string_view kActCodeSystem =
    "http://terminology.hl7.org/CodeSystem/v3-ActCode";
inline constexpr std::string_view kReportIdSystem = "urn:telecabine:report-id";
inline constexpr std::string_view kConsultationIdSystem = "urn:telecabine:consultation-id";
inline constexpr std::string_view kInstrumentSystem = "urn:telecabine:instrument";
inline constexpr std::string_view kSiteCodeSystem = "urn:telecabine:site-code";
inline constexpr std::string_view kIdentityReliabilityUrl =
    "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability";
inline constexpr std::string_view kIdentityStatusSystem =
    "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identity-status";
inline constexpr std::string_view kUriSystem = "urn:ietf:rfc:3986";

// "urn:oid:1.2.250.1.213.1.4.8" and so on.
std::string insFhirSystem(InsSystem system);

// Errc::validationFailed when the record does not validate, digestMismatch when a given sealed
// prescription does not hash to the record's reference; cryptoFailure.
Result<nlohmann::json> toFhirDocument(const SealedReport& report, const ConsultationRecord& record,
                                      std::chrono::system_clock::time_point signedAt,
                                      std::span<const SealedPrescription> prescriptions = {});

// ---- Structure checker --------------------------------------------------------------------------

// A problem and where: a JSON pointer into the bundle ("/entry/3/resource/subject").
struct FhirProblem : errors::Failure {
    std::string path;
};

// Every problem found: Bundle.type document with identifier and timestamp; entries with unique
// urn:uuid fullUrls and a resource; the first a Composition (status, type 11488-4, subject ->
// Patient, encounter -> Encounter, author -> Practitioner, date, title, sections with a title
// and a narrative or entries); every literal reference resolving to an entry; the Encounter's
// class VR of v3-ActCode, status, subject; the Patient's INS (present when qualified, absent
// otherwise, a known system, 15 characters); Observations coded LOINC with a UCUM
// valueQuantity; Media with content.contentType and url. Empty: no problem found.
std::vector<FhirProblem> checkFhirDocument(const nlohmann::json& bundle);

} // namespace tc::prescriptions

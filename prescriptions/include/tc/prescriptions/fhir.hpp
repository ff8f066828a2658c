#pragma once
// FHIR R4 export of a sealed prescription, for interoperability (the signed canonical JSON and
// the PDF remain the legal artefacts).
//
// The Bundle is of type "collection", not "document": a FHIR document needs a Composition as its
// first entry and is itself the attested, signed artefact, which here is the RFC 8785 canonical
// JSON (sealed_prescription.hpp). A collection carries the resources without claiming to be the
// signed document; its identifier is the prescription's id and its timestamp the issue instant.
//
// Entries (fullUrl "urn:uuid:<v5 UUID derived from the prescription id>", so an export is
// reproducible): a Practitioner with FR Core's two identifier slices, typed from
// fr-core-cs-v2-0203 (idNatPs: type IDNPS, "8" + RPPS under urn:oid:1.2.250.1.71.4.2.1; rpps: type
// RPPS, the bare RPPS under https://rpps.esante.gouv.fr), a Patient, body weight and height
// Observations when known, per medication line a Medication (code: the WHO ATC code from the DCI
// table when it knows the DCI, and the French text) and a MedicationRequest referring to it, and
// one ServiceRequest per non-drug line, all referring to the Patient and the Practitioner by
// fullUrl.

#include "tc/prescriptions/errors.hpp"
#include "tc/prescriptions/sealed_prescription.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace tc::prescriptions {

inline constexpr std::string_view kIdnpsSystem = "urn:oid:1.2.250.1.71.4.2.1";
inline constexpr std::string_view kRppsSystem = "https://rpps.esante.gouv.fr";
inline constexpr std::string_view kFrCoreIdentifierTypeSystem =
    "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203";
inline constexpr std::string_view kAtcSystem = "http://www.whocc.no/atc";
inline constexpr std::string_view kPrescriptionIdSystem = "urn:telecabine:prescription-id";
inline constexpr std::string_view kPrescriptionLineSystem = "urn:telecabine:prescription-line";
inline constexpr std::string_view kNonSubstitutionSystem = "urn:telecabine:non-substitution-reason";
inline constexpr std::string_view kUcumSystem = "http://unitsofmeasure.org";

class DciTable;

// Medication codes from DciTable::builtIn().
Result<nlohmann::json> toFhirBundle(const SealedPrescription& prescription);
// Medication codes from `table` (none when null: text only).
Result<nlohmann::json> toFhirBundle(const SealedPrescription& prescription, const DciTable* table);

// A practitioner's identifiers as FR Core slices them (the table in the README): idNatPs
// ("8" + RPPS under kIdnpsSystem, type IDNPS) and rpps (the bare RPPS, type RPPS).
nlohmann::json practitionerIdentifiers(std::string_view rpps);

// A name-based (version 5, SHA-1) UUID in the telecabine namespace, lower-case text.
Result<std::string> nameBasedUuid(std::string_view name);

} // namespace tc::prescriptions

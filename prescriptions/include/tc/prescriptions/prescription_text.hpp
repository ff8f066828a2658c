#pragma once
// French wording of medication lines, as printed on the ordonnance and carried in the FHIR
// export's text fields: "amoxicilline 500 mg, gélule", "1 gélule 3 fois par jour pendant
// 7 jours". Numbers use the decimal comma.

#include "tc/prescriptions/prescription.hpp"

#include <string>

namespace tc::prescriptions {

std::string frenchNumber(double value);
// "500 mg", "250 mg/5 mL", "1 g / 125 mg".
std::string strengthTextFr(const Strength& strength);
// "amoxicilline 500 mg, gélule".
std::string medicationTextFr(const MedicationLine& line);
// "1 gélule 3 fois par jour pendant 7 jours, si besoin".
std::string dosageTextFr(const Dosage& dosage);
// The renewal mention, printed on every medication line: "Non renouvelable" (0), "À renouveler
// 1 fois", "À renouveler 3 fois". Renewal is a per-medication mention in French practice, so a
// line without renewal says so rather than leaving the pharmacist to infer it from silence.
std::string renewalTextFr(int renewals);

} // namespace tc::prescriptions

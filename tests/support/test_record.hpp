#pragma once
// The consultation record the console's suites start from (the dossier written at the end, the
// replay): Françoise MERCIER, born on 12 April 1961 in Rennes, seen by Dr Claire Martin (RPPS
// 10101234564) from the Nevers station cabin. Each suite adds its own times, consent and acts.

#include "tc/prescriptions/consultation_record.hpp"

#include <string>
#include <utility>

namespace tc::test {

inline prescriptions::ConsultationRecord francoiseMercierRecord(std::string consultationId) {
    using namespace prescriptions;
    ConsultationRecord record;
    record.consultationId = std::move(consultationId);
    PatientIdentity patient;
    patient.birthName = "MERCIER";
    patient.firstNames = {"Françoise"};
    patient.birthDate = std::chrono::year{1961} / 4 / 12;
    patient.sex = Sex::female;
    patient.birthPlaceCode = "35238";
    record.patient = patient;
    record.doctor = {"10101234564", "Martin", "Claire"};
    record.site = {"FR-NEV-GARE-01", "Cabine gare de Nevers"};
    return record;
}

} // namespace tc::test

#pragma once
// The patient's identity as the cabin sends it at check-in: the INS identity traits (birth name,
// used name, first names, date of birth, sex, birth place code), the INS itself (NIR or NIA, with
// the identifier system of the French core FHIR profiles, or the test systems of simulated
// patients) and how far it can be trusted: qualified (INS returned by the INSi teleservice and the
// identity checked against an ID document), provisional (from the Carte Vitale or the assistant,
// not checked) or unverified (declared only).
//
// The ordonnance and the report take the identity from here. Only a non-qualified identity may be
// corrected by the doctor, and a correction is marked (`correctedFields`).

#include "tc/errors/outcome.hpp"
#include "tc/prescriptions/errc/identity_errc.hpp"
#include "tc/prescriptions/vocabulary.hpp"

#include <boost/system/error_code.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::prescriptions {

enum class IdentityStatus { unverified, provisional, qualified };
std::string_view wireName(IdentityStatus v) noexcept; // "unverified", "provisional", "qualified"

// Where the traits came from.
enum class IdentitySource { carteVitale, assistant };
std::string_view wireName(IdentitySource v) noexcept; // "carte_vitale", "assistant"

// The identifier system: the real NIR and NIA, and their test systems (simulated patients and
// test cards). The OIDs are those of the ANS referential and the FR Core profiles.
enum class InsSystem { nir, nia, testNir, testNia };
std::string_view wireName(InsSystem v) noexcept; // "nir", "nia", "test_nir", "test_nia"
std::string_view oidOf(InsSystem v) noexcept;    // "1.2.250.1.213.1.4.8", ...
std::string fhirSystemOf(InsSystem v);           // "urn:oid:1.2.250.1.213.1.4.8", ...

struct Ins {
    InsSystem system = InsSystem::nir;
    std::string number; // 13 characters: digits, or 2A/2B for a birth in Corsica
    std::string key;    // 2 digits: 97 - (number mod 97), 2A read as 19 and 2B as 18
    friend bool operator==(const Ins&, const Ins&) = default;
    std::string text() const { return number + key; } // the 15 characters
};

// The key the number should carry, or nullopt if the number is not 13 valid characters.
std::optional<std::string> insKeyOf(std::string_view number);

struct PatientIdentity {
    std::string birthName;               // nom de naissance, as on the ID document
    std::string usedName;                // nom utilisé; empty when it is the birth name
    std::vector<std::string> firstNames; // prénoms de naissance, in order
    std::string usedFirstName;           // prénom utilisé; empty when it is the first one
    std::chrono::year_month_day birthDate{};
    Sex sex = Sex::unknown;
    std::string birthPlaceCode; // INSEE code: 5 characters ("75056", "2A004"; "99xxx" abroad)
    std::optional<Ins> ins;
    IdentityStatus status = IdentityStatus::unverified;
    IdentitySource source = IdentitySource::assistant;
    // Fields the doctor corrected ("birth_name", "first_names", "birth_date", "sex", ...).
    std::vector<std::string> correctedFields;
    friend bool operator==(const PatientIdentity&, const PatientIdentity&) = default;

    // The name to address and print: the used name if any, else the birth name.
    const std::string& displayFamilyName() const { return usedName.empty() ? birthName : usedName; }
    const std::string& displayFirstName() const;
};

// A refusal names the field ("birth_date", "ins.key", "first_names/1") it is about.
struct IdentityError : errors::Failure {
    std::string field;
};
template <class T> using IdentityResult = errors::Outcome<T, IdentityError>;

// Checks every trait; `today` bounds the date of birth.
IdentityResult<void> validateIdentity(const PatientIdentity& identity,
                                      std::chrono::year_month_day today);

// Strict JSON (unknown fields refused), snake_case keys; see protocol/README.md "check-in".
nlohmann::json toJson(const PatientIdentity& identity);
IdentityResult<PatientIdentity> identityFromJson(const nlohmann::json& json,
                                                 std::chrono::year_month_day today);

// The doctor's correction of a non-qualified identity: the corrected traits, each marked in
// `correctedFields`. Refused for a qualified identity and for invalid traits.
IdentityResult<PatientIdentity> correctIdentity(const PatientIdentity& original,
                                                const PatientIdentity& corrected,
                                                std::chrono::year_month_day today);

} // namespace tc::prescriptions

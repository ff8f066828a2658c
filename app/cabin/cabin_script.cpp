// Scripted patients for the simulated cabin: a built-in French demo list and JSON script files.
#include "cabin_simulator.hpp"
#include "tc/errors/table_lookup.hpp"
#include "tc/protocol/pki.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <random>

namespace tc::cabin {
namespace {

using namespace tc::protocol;
using prescriptions::IdentityStatus;

struct DemoPatient {
    const char* birthName;
    const char* firstNames; // space-separated
    const char* birthPlace; // INSEE code
    const char* reason;
    int age;
    Sex sex;
    bool guardian;
    OperatorRole operatorRole;
    Priority priority;
    std::vector<Instrument> instruments;
};

// Typical primary-care reasons seen in assisted-teleconsultation cabins.
const std::vector<DemoPatient>& demoPatients() {
    using I = Instrument;
    static const std::vector<DemoPatient> patients{
        {"MOREAU",
         "Camille Anne",
         "75056",
         "Fièvre à 39 °C et toux depuis trois jours",
         34,
         Sex::female,
         false,
         OperatorRole::nurse,
         Priority::normal,
         {I::stethoscope, I::thermometer, I::oximeter, I::roomCamera}},
        {"LEROY",
         "Bernard Jean",
         "69123",
         "Renouvellement du traitement de l'hypertension",
         67,
         Sex::male,
         false,
         OperatorRole::pharmacist,
         Priority::normal,
         {I::bloodPressure, I::stethoscope, I::roomCamera, I::scale}},
        {"PETIT",
         "Lucas",
         "13055",
         "Douleur de l'oreille droite depuis hier",
         16,
         Sex::male,
         true,
         OperatorRole::nurse,
         Priority::normal,
         {I::otoscope, I::thermometer, I::roomCamera}},
        {"DUPONT",
         "Jeanne Marie",
         "2A004",
         "Essoufflement inhabituel à l'effort",
         72,
         Sex::female,
         false,
         OperatorRole::nurse,
         Priority::urgent,
         {I::stethoscope, I::oximeter, I::bloodPressure, I::ecg, I::roomCamera}},
        {"GARCIA",
         "Inès",
         "31555",
         "Éruption cutanée avec démangeaisons",
         29,
         Sex::female,
         false,
         OperatorRole::pharmacist,
         Priority::normal,
         {I::dermatoscope, I::roomCamera}},
        {"FOURNIER",
         "Claire",
         "44109",
         "Brûlures urinaires depuis deux jours",
         41,
         Sex::female,
         false,
         OperatorRole::pharmacist,
         Priority::normal,
         {I::thermometer, I::roomCamera}},
        {"ROUX",
         "Thomas Pierre",
         "33063",
         "Lombalgie aiguë après un effort de port de charge",
         52,
         Sex::male,
         false,
         OperatorRole::nurse,
         Priority::normal,
         {I::roomCamera, I::bloodPressure}},
        {"BLANC",
         "Sacha",
         "59350",
         "Mal de gorge et fièvre",
         19,
         Sex::other,
         false,
         OperatorRole::none,
         Priority::normal,
         {I::thermometer, I::roomCamera, I::otoscope}},
        {"GIRARD",
         "Michel",
         "67482",
         "Contrôle glycémique, diabète de type 2",
         58,
         Sex::male,
         false,
         OperatorRole::nurse,
         Priority::normal,
         {I::glucometer, I::bloodPressure, I::scale, I::roomCamera}},
        {"BONNET",
         "Hugo",
         "06088",
         "Entorse de la cheville gauche",
         24,
         Sex::male,
         false,
         OperatorRole::pharmacist,
         Priority::normal,
         {I::roomCamera}},
        {"MERCIER",
         "Françoise",
         "35238",
         "Palpitations depuis ce matin",
         63,
         Sex::female,
         false,
         OperatorRole::nurse,
         Priority::urgent,
         {I::ecg, I::stethoscope, I::bloodPressure, I::oximeter}},
        {"LAMBERT",
         "Élodie",
         "99134",
         "Conjonctivite, œil rouge et collant",
         37,
         Sex::female,
         false,
         OperatorRole::pharmacist,
         Priority::normal,
         {I::roomCamera, I::dermatoscope}},
    };
    return patients;
}

Result<CabinScript> parseScript(const std::filesystem::path& path);

// A simulated patient's identity, consistent with the visit: born `age` years ago, with a test
// NIR (the test system: never a real person's) whose sex digit, birth year and month and place
// agree with the traits, and its key.
prescriptions::PatientIdentity demoIdentity(const DemoPatient& p, int age, IdentityStatus status,
                                            int index) {
    using namespace std::chrono;
    const year_month_day today{floor<days>(system_clock::now())};
    const auto birthMonth = static_cast<unsigned>(1 + index * 5 % 12);
    const year_month_day birth{today.year() - years(age + 1), month(birthMonth),
                               day(static_cast<unsigned>(1 + index * 7 % 28))};
    prescriptions::PatientIdentity identity;
    identity.birthName = p.birthName;
    std::string names = p.firstNames;
    for (std::size_t at = 0; at != std::string::npos;) {
        const auto space = names.find(' ', at);
        identity.firstNames.push_back(
            names.substr(at, space == std::string::npos ? space : space - at));
        at = space == std::string::npos ? space : space + 1;
    }
    identity.birthDate = birth;
    identity.sex = p.sex == Sex::female ? prescriptions::Sex::female
                   : p.sex == Sex::male ? prescriptions::Sex::male
                                        : prescriptions::Sex::other;
    identity.birthPlaceCode = p.birthPlace;
    identity.status = status;
    identity.source = status == IdentityStatus::unverified
                          ? prescriptions::IdentitySource::assistant
                          : prescriptions::IdentitySource::carteVitale;
    if (status != IdentityStatus::unverified) {
        char number[16];
        std::snprintf(number, sizeof number, "%c%02d%02u%s%03d",
                      identity.sex == prescriptions::Sex::female ? '2' : '1',
                      static_cast<int>(birth.year()) % 100, birthMonth, p.birthPlace, 100 + index);
        prescriptions::Ins ins{prescriptions::InsSystem::testNir, number, ""};
        ins.key = prescriptions::insKeyOf(ins.number).value_or("00");
        identity.ins = std::move(ins);
    }
    return identity;
}

} // namespace

namespace {
// The professional on duty beside the patient, as they give their name at check-in.
std::string operatorNameFor(OperatorRole role, int number) {
    static constexpr std::array kNurses{"Sophie Bernard", "Karim Haddad", "Julie Morel"};
    static constexpr std::array kPharmacists{"Antoine Roussel", "Nadia Benali"};
    switch (role) {
    case OperatorRole::nurse:
        return kNurses[static_cast<std::size_t>(number) % kNurses.size()];
    case OperatorRole::pharmacist:
    case OperatorRole::doctorAssistant:
        return kPharmacists[static_cast<std::size_t>(number) % kPharmacists.size()];
    case OperatorRole::none:
        break;
    }
    return {};
}
} // namespace

CabinScript demoScript(Site site, std::uint32_t seed) {
    CabinScript script;
    std::mt19937 random(seed);
    auto patients = demoPatients();
    std::shuffle(patients.begin(), patients.end(), random);
    std::uniform_int_distribution<int> ageJitter(-3, 3);
    // Visit ids stay unique across runs: the service may still know yesterday's visits.
    const auto stamp = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    const std::string prefix = "V-" + site.code + "-" + std::to_string(stamp % 10'000'000) + "-" +
                               std::to_string(seed) + "-";
    int number = 1;
    for (const auto& p : patients) {
        Visit visit;
        visit.visitId = prefix + std::to_string(number++);
        visit.reason = p.reason;
        // Minors stay minors with their guardian; adults vary a little from run to run.
        visit.age = p.age >= 21 ? p.age + ageJitter(random) : p.age;
        visit.sex = p.sex;
        visit.guardianPresent = p.guardian;
        visit.consent = {true, 0, "verbal"};
        visit.operatorPresence = {p.operatorRole != OperatorRole::none, p.operatorRole,
                                  operatorNameFor(p.operatorRole, number)};
        visit.instruments = p.instruments;
        visit.priority = p.priority;
        // A third of the patients each way: qualified (INS checked), provisional (read from the
        // Carte Vitale, not checked), unverified (entered by the assistant, no INS).
        const auto status = static_cast<IdentityStatus>((number - 2) % 3);
        auto patient = demoIdentity(p, visit.age, status, number - 1);
        // Every fourth patient refuses the review, from the fourth on: the demo's first
        // patients (those waiting when the doctor arrives) can be replayed by its coordinator.
        visit.consent.qualityReview = (number - 1) % 4 != 0;
        script.patients.push_back(CheckIn{std::move(visit), std::move(patient)});
    }
    script.site = std::move(site);
    return script;
}

Result<CabinScript> loadScript(const std::filesystem::path& path) {
    // nlohmann's value() throws on a mistyped field; a bad script file is an error, not a crash.
    try {
        return parseScript(path);
    } catch (const nlohmann::json::exception&) {
        return make_error_code(Errc::wrongFieldType);
    }
}

namespace {
Result<CabinScript> parseScript(const std::filesystem::path& path) {
    auto text = readFile(path);
    if (!text) {
        return text.error();
    }
    auto json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        return make_error_code(Errc::malformedJson);
    }
    CabinScript script;
    const auto siteJson = json.value("site", nlohmann::json::object());
    script.site.code = siteJson.value("code", std::string{});
    script.site.name = siteJson.value("name", std::string{});
    script.site.openingHours = siteJson.value("opening_hours", std::string{});
    script.waitingAtOnce = json.value("waiting_at_once", std::size_t{1});
    script.cleaningDelay = std::chrono::milliseconds(json.value("cleaning_delay_ms", 5000));
    script.loop = json.value("loop", true);
    if (const auto answers = json.find("satisfaction_answers"); answers != json.end()) {
        if (!answers->is_array() || answers->empty()) {
            return make_error_code(Errc::wrongFieldType);
        }
        script.satisfactionAnswers.clear();
        for (const auto& answer : *answers) {
            if (answer.is_null()) {
                script.satisfactionAnswers.emplace_back();
            } else if (answer.is_number_integer() && answer.get<int>() >= kMinSatisfaction &&
                       answer.get<int>() <= kMaxSatisfaction) {
                script.satisfactionAnswers.emplace_back(answer.get<int>());
            } else {
                return make_error_code(Errc::invalidField);
            }
        }
    }
    const auto patients = json.value("patients", nlohmann::json::array());
    for (std::size_t i = 0; i < patients.size(); ++i) {
        auto visitJson = patients[i];
        if (!visitJson.is_object()) {
            return make_error_code(Errc::wrongFieldType);
        }
        visitJson["site"] = siteJson;
        if (!visitJson.contains("visit_id")) {
            visitJson["visit_id"] = "V-" + script.site.code + "-" + std::to_string(i + 1);
        }
        auto checkIn = fromJson<CheckIn>(visitJson);
        if (!checkIn) {
            return checkIn.error().code;
        }
        script.patients.push_back(std::move(*checkIn));
    }
    if (!isValidSiteCode(script.site.code) || script.patients.empty()) {
        return make_error_code(Errc::invalidField);
    }
    return script;
}
} // namespace

std::string_view toString(CabinPhase phase) noexcept {
    static constexpr errors::EnumNames<CabinPhase::stopped> names{
        {"connecting", "waiting_for_doctor", "in_session", "cleaning", "stopped"}};
    return names(phase, "unknown");
}

} // namespace tc::cabin

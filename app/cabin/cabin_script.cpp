// Scripted patients for the simulated cabin: a built-in French demo list and JSON script files.
#include "cabin_simulator.hpp"
#include "tc/protocol/pki.hpp"

#include <algorithm>
#include <chrono>
#include <random>

namespace tc::cabin {
namespace {

using namespace tc::protocol;

struct DemoPatient {
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
        {"Fièvre à 39 °C et toux depuis trois jours",
         34,
         Sex::female,
         false,
         OperatorRole::nurse,
         Priority::normal,
         {I::stethoscope, I::thermometer, I::oximeter, I::roomCamera}},
        {"Renouvellement du traitement de l'hypertension",
         67,
         Sex::male,
         false,
         OperatorRole::pharmacist,
         Priority::normal,
         {I::bloodPressure, I::stethoscope, I::roomCamera, I::scale}},
        {"Douleur de l'oreille droite depuis hier",
         16,
         Sex::male,
         true,
         OperatorRole::nurse,
         Priority::normal,
         {I::otoscope, I::thermometer, I::roomCamera}},
        {"Essoufflement inhabituel à l'effort",
         72,
         Sex::female,
         false,
         OperatorRole::nurse,
         Priority::urgent,
         {I::stethoscope, I::oximeter, I::bloodPressure, I::ecg, I::roomCamera}},
        {"Éruption cutanée avec démangeaisons",
         29,
         Sex::female,
         false,
         OperatorRole::pharmacist,
         Priority::normal,
         {I::dermatoscope, I::roomCamera}},
        {"Brûlures urinaires depuis deux jours",
         41,
         Sex::female,
         false,
         OperatorRole::pharmacist,
         Priority::normal,
         {I::thermometer, I::roomCamera}},
        {"Lombalgie aiguë après un effort de port de charge",
         52,
         Sex::male,
         false,
         OperatorRole::nurse,
         Priority::normal,
         {I::roomCamera, I::bloodPressure}},
        {"Mal de gorge et fièvre",
         19,
         Sex::other,
         false,
         OperatorRole::none,
         Priority::normal,
         {I::thermometer, I::roomCamera, I::otoscope}},
        {"Contrôle glycémique, diabète de type 2",
         58,
         Sex::male,
         false,
         OperatorRole::nurse,
         Priority::normal,
         {I::glucometer, I::bloodPressure, I::scale, I::roomCamera}},
        {"Entorse de la cheville gauche",
         24,
         Sex::male,
         false,
         OperatorRole::pharmacist,
         Priority::normal,
         {I::roomCamera}},
        {"Palpitations depuis ce matin",
         63,
         Sex::female,
         false,
         OperatorRole::nurse,
         Priority::urgent,
         {I::ecg, I::stethoscope, I::bloodPressure, I::oximeter}},
        {"Conjonctivite, œil rouge et collant",
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
        visit.operatorPresence = {p.operatorRole != OperatorRole::none, p.operatorRole};
        visit.instruments = p.instruments;
        visit.priority = p.priority;
        script.patients.push_back(std::move(visit));
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
        auto visit = fromJson<Visit>(visitJson);
        if (!visit) {
            return visit.error().code;
        }
        script.patients.push_back(std::move(*visit));
    }
    if (!isValidSiteCode(script.site.code) || script.patients.empty()) {
        return make_error_code(Errc::invalidField);
    }
    return script;
}
} // namespace

std::string_view toString(CabinPhase phase) noexcept {
    switch (phase) {
    case CabinPhase::connecting:
        return "connecting";
    case CabinPhase::waitingForDoctor:
        return "waiting_for_doctor";
    case CabinPhase::inSession:
        return "in_session";
    case CabinPhase::cleaning:
        return "cleaning";
    case CabinPhase::stopped:
        return "stopped";
    }
    return "unknown";
}

} // namespace tc::cabin

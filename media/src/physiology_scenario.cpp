#include "tc/media/physiology_scenario.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

namespace tc::media {
namespace {

using nlohmann::json;

class Reader {
public:
    Reader(const json& object, std::string prefix)
        : m_object(object)
        , m_prefix(std::move(prefix)) {}

    const json* find(std::string_view key, bool required) {
        m_seen.insert(std::string(key));
        const auto it = m_object.find(key);
        if (it == m_object.end()) {
            if (required) {
                fail(key, "required");
            }
            return nullptr;
        }
        return &*it;
    }
    void number(std::string_view key, double& out, double min, double max, bool required) {
        const auto* v = find(key, required);
        if (v == nullptr) {
            return;
        }
        if (!v->is_number()) {
            fail(key, "must be a number");
            return;
        }
        const double value = v->get<double>();
        if (!std::isfinite(value) || value < min || value > max) {
            std::ostringstream range;
            range << "must be " << min << "-" << max;
            fail(key, range.str());
            return;
        }
        out = value;
    }
    void string(std::string_view key, std::string& out, bool required) {
        const auto* v = find(key, required);
        if (v == nullptr) {
            return;
        }
        if (!v->is_string() || v->get<std::string>().empty() ||
            v->get<std::string>().size() > 256) {
            fail(key, "must be a string of 1-256 bytes");
            return;
        }
        out = v->get<std::string>();
    }
    void fail(std::string_view key, std::string reason) {
        if (!m_error) {
            m_error = ScenarioError{m_prefix + std::string(key), std::move(reason)};
        }
    }
    std::optional<ScenarioError> finish() {
        for (const auto& [key, value] : m_object.items()) {
            if (!m_error && !m_seen.contains(key)) {
                fail(key, "unknown field");
            }
        }
        return m_error;
    }
    const std::optional<ScenarioError>& error() const noexcept { return m_error; }

private:
    const json& m_object;
    std::string m_prefix;
    std::set<std::string, std::less<>> m_seen;
    std::optional<ScenarioError> m_error;
};

} // namespace

void throw_exception_from_error(const ScenarioError& error, const boost::source_location&) {
    throw std::invalid_argument(error.field + ": " + error.reason);
}

AuscultationModel Scenario::sounds() const {
    AuscultationModel model;
    model.heartRate = static_cast<int>(std::lround(cardiac.heartRate));
    model.respiratoryRate = static_cast<int>(std::lround(cardiac.respiratoryRate));
    model.seed = cardiac.seed;
    return model;
}

boost::system::result<Scenario, ScenarioError> parseScenario(std::string_view text) {
    const auto root = json::parse(text, nullptr, false);
    if (root.is_discarded() || !root.is_object()) {
        return ScenarioError{"", "not a JSON object"};
    }
    Scenario s;
    Reader r(root, "");
    r.string("name", s.name, true);
    r.string("description", s.description, false);
    std::string rhythm = "sinus";
    r.string("rhythm", rhythm, true);
    if (rhythm == "atrial_fibrillation") {
        s.cardiac.rhythm = CardiacRhythm::atrialFibrillation;
    } else if (rhythm != "sinus") {
        r.fail("rhythm", "must be \"sinus\" or \"atrial_fibrillation\"");
    }
    r.number("heart_rate", s.cardiac.heartRate, 30, 220, true);
    r.number("rr_std_ms", s.cardiac.rrStdMs, 0, 200, false);
    r.number("lf_hf_ratio", s.cardiac.lfHfRatio, 0.1, 10, false);
    r.number("respiratory_rate", s.cardiac.respiratoryRate, 4, 60, true);
    double seed = 1;
    r.number("seed", seed, 0, 4294967295.0, false);
    if (seed != std::floor(seed)) {
        r.fail("seed", "must be an integer");
    }
    s.cardiac.seed = static_cast<std::uint32_t>(seed);
    r.number("electromechanical_delay_ms", s.electromechanicalDelayMs, 20, 120, false);
    r.number("pulse_transit_ms", s.pleth.pulseTransitMs, 100, 400, false);
    r.number("spo2", s.spo2, 50, 100, true);
    r.number("perfusion_index", s.pleth.perfusionIndex, 0.02, 20, false);
    r.number("temperature", s.temperature, 30, 43, true);
    r.number("weight_kg", s.weightKg, 1, 300, false);
    r.number("height_cm", s.heightCm, 40, 230, false);
    r.number("glucose_mmol_l", s.glucoseMmolL, 1, 40, false);
    if (const auto* bp = r.find("blood_pressure", true); bp && !r.error()) {
        if (!bp->is_object()) {
            r.fail("blood_pressure", "must be an object");
        } else {
            Reader b(*bp, "blood_pressure.");
            b.number("systolic", s.systolic, 60, 260, true);
            b.number("diastolic", s.diastolic, 30, 160, true);
            if (auto e = b.finish()) {
                return *e;
            }
            if (s.diastolic >= s.systolic) {
                return ScenarioError{"blood_pressure.diastolic", "must be below the systolic"};
            }
        }
    }
    if (const auto* ecg = r.find("ecg", false); ecg && !r.error()) {
        if (!ecg->is_object()) {
            r.fail("ecg", "must be an object");
        } else {
            Reader e(*ecg, "ecg.");
            double rate = s.ecg.sampleRate;
            double leads = 3;
            e.number("sample_rate", rate, 250, 500, false);
            e.number("leads", leads, 1, 3, false);
            if (rate != 250 && rate != 500) {
                e.fail("sample_rate", "must be 250 or 500");
            }
            if (leads != 1 && leads != 3) {
                e.fail("leads", "must be 1 or 3");
            }
            if (auto error = e.finish()) {
                return *error;
            }
            s.ecg.sampleRate = static_cast<int>(rate);
            s.ecg.leads = leads == 1 ? EcgLeads::one : EcgLeads::three;
        }
    }
    if (auto e = r.finish()) {
        return *e;
    }
    return s;
}

boost::system::result<Scenario, ScenarioError> loadScenarioFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return ScenarioError{"", "cannot read " + path.string()};
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > 64 * 1024) {
        return ScenarioError{"", "larger than 64 KiB"};
    }
    return parseScenario(text.str());
}

} // namespace tc::media

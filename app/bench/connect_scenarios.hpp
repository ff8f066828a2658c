#pragma once
// The kinds of path `telecabine-bench connect` measures, and how each is summarised.

#include "net_lab.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tc::bench {

struct ConnectScenario {
    const char* name;
    test::NetLabOptions lab;
    bool blockDoctorUdp = false;
    bool restart = false; // an ICE restart: from the doctor's address change to media again
    double targetMs = 0;  // 0: none
    std::chrono::milliseconds addedRoundTrip{0}; // on the doctor's TLS leg to coturn
};

// All of them, or the one named (--path NAME).
inline std::vector<ConnectScenario> connectScenarios(const std::string& only = {}) {
    using namespace std::chrono_literals;
    using test::NatMapping;
    using test::NetLabOptions;
    std::vector<ConnectScenario> all = {
        {"host", NetLabOptions{.sameSegment = true}, false, false, 300},
        {"server_reflexive", NetLabOptions{}, false, false, 0},
        {"relay_udp",
         NetLabOptions{.doctorNat = NatMapping::addressAndPortDependent,
                       .cabinNat = NatMapping::addressAndPortDependent},
         false, false, 0},
        {"relay_tls", NetLabOptions{}, true, false, 1000},
        {"relay_tls_rtt20", NetLabOptions{}, true, false, 1000, 20ms},
        {"ice_restart", NetLabOptions{}, false, true, 2000},
    };
    std::erase_if(all, [&](const ConnectScenario& s) { return !only.empty() && s.name != only; });
    return all;
}

inline double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const auto n = values.size();
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Median and worst against the scenario's target; `ok` turns false on a miss or any error.
inline nlohmann::json summarise(const ConnectScenario& scenario, const std::vector<double>& times,
                                const std::string& path, const nlohmann::json& errors, bool& ok) {
    nlohmann::json result{{"path", path}, {"errors", errors}, {"measured", times.size()}};
    if (!times.empty()) {
        result["median_ms"] = median(times);
        result["worst_ms"] = *std::max_element(times.begin(), times.end());
        if (scenario.targetMs > 0) {
            result["target_ms"] = scenario.targetMs;
            ok &= median(times) <= scenario.targetMs;
        }
    }
    ok &= errors.empty();
    return result;
}

// The three real programs in the lab: claim -> first stethoscope sample played, per path
// (connect_consultation.cpp; needs a display for the console).
nlohmann::json measureClaimToFirstSample(const std::vector<ConnectScenario>& scenarios, int runs,
                                         bool& ok);

} // namespace tc::bench

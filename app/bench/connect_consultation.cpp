// telecabine-bench connect, the doctor's view: from the claim to the first stethoscope sample
// played, with the three real programs in the network lab (tests/e2e/consultation_lab.hpp):
// the service and coturn on the public host, the cabin behind its NAT streaming a WAV file as
// its stethoscope, the console's autopilot behind the doctor's NAT (under a display) taking the
// first waiting patient. The console times it itself, claim to the first sample with sound
// handed to its clock-synchronised audio sink, and prints it; this reads its log.
#include "benchmarks.hpp"
#include "connect_scenarios.hpp"
#include "consultation_lab.hpp"
#include "delaying_proxy.hpp"

#include <optional>
#include <string>

namespace tc::bench {

using namespace tc::test;
using namespace std::chrono_literals;

namespace {

struct Consultation {
    std::optional<double> firstSampleMs;
    std::string path; // as the console's media line says it
    std::string error;
};

Consultation consultOnce(const ConnectScenario& scenario, int seed) {
    Consultation out;
    // With added round trip, the TLS relay goes through the delaying proxy on 8443.
    const std::string turnUris =
        scenario.addedRoundTrip.count() > 0
            ? std::string("turn:203.0.113.10:3478?transport=udp,") + DelayingProxy::kTurnUri
            : std::string(ConsultationLab::kDefaultTurnUris);
    ConsultationLab run(scenario.lab, turnUris);
    if (scenario.blockDoctorUdp) {
        run.lab().blockUdp(Side::doctor);
    }
    std::optional<DelayingProxy> proxy;
    if (scenario.addedRoundTrip.count() > 0) {
        proxy.emplace(run.lab(), scenario.addedRoundTrip / 2);
    }
    const auto wav = run.directory() / "stethoscope.wav";
    writeWav(
        wav,
        stethoscopeNoise(10 * ConsultationLab::kStethoscopeRate, static_cast<std::uint32_t>(seed)),
        ConsultationLab::kStethoscopeRate);
    run.startCabin(wav);
    run.startConsole(0, 60);
    if (!run.waitForLine("console", "autopilot: first stethoscope sample played", 40s)) {
        out.error = "no stethoscope sample played within 40 s\n" + run.diagnostics();
        return out;
    }
    out.firstSampleMs = std::stod(
        run.capture("console", "autopilot: first stethoscope sample played ([0-9.]+) ms"));
    if (run.waitForLine("console", "autopilot: media connected", 15s)) {
        out.path = run.capture(
            "console", "autopilot: media connected, [0-9]+ packets/s, quality [^ ]+ \\((.*)\\)$");
    }
    return out;
}

} // namespace

nlohmann::json measureClaimToFirstSample(const std::vector<ConnectScenario>& scenarios, int runs,
                                         bool& ok) {
    nlohmann::json report{{"measures", "the doctor's claim -> the first stethoscope sample "
                                       "played, the three real programs in the NAT lab"},
                          {"runs", runs}};
    for (const auto& scenario : scenarios) {
        if (scenario.restart) {
            continue;
        }
        std::vector<double> times;
        std::string path;
        nlohmann::json errors = nlohmann::json::array();
        for (int i = 0; i < runs; ++i) {
            try {
                const auto run = consultOnce(scenario, 100 + i);
                if (run.firstSampleMs) {
                    times.push_back(*run.firstSampleMs);
                    path = run.path;
                } else {
                    errors.push_back(run.error);
                }
            } catch (const std::exception& error) {
                errors.push_back(error.what());
            }
        }
        report[scenario.name] = summarise(scenario, times, path, errors, ok);
    }
    return report;
}

} // namespace tc::bench

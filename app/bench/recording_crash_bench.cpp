// telecabine-bench recording-crash: the kill -9 drill (tc/media/recording_drill.hpp) run N
// times. A child process (this executable again, `--child`) records a known signal through the
// console's stethoscope receive path and FLAC recorder; it is killed with SIGKILL at a random
// moment; the recording is repaired as at the next start and decoded by `flac -d`. Reports the
// audio lost from the kill moment (what the child had handed over minus what the repaired file
// holds), median and worst, and fails if any run's decoded audio differs from the signal.
#include "benchmarks.hpp"
#include "tc/media/recording_drill.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <unistd.h>

namespace tc::bench {

int runRecordingCrash(cli::CommandLine& args) {
    if (const auto child = args.value("child")) {
        return media::runRecordingDrillChild(*child, 3, 60.0);
    }
    const auto runs = static_cast<int>(args.number("runs", 20));
    if (!args.errors().empty() || runs < 1 || runs > 1000) {
        std::cerr << "recording-crash: --runs N (1-1000)\n";
        return 2;
    }
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const auto directory = std::filesystem::temp_directory_path() /
                           ("tc-bench-recording-crash-" + std::to_string(::getpid()));
    std::random_device entropy;
    std::mt19937 random(entropy());
    std::uniform_int_distribution<int> moment(150'000, 3'000'000); // µs after the first packet
    std::vector<double> losses;
    nlohmann::json failures = nlohmann::json::array();
    for (int run = 0; run < runs; ++run) {
        media::DrillOptions options;
        options.childCommand = {self.string(), "recording-crash", "--child"};
        options.directory = directory;
        options.killAfter = std::chrono::microseconds(moment(random));
        const auto result = media::runRecordingDrill(options);
        if (!result.failure.empty()) {
            failures.push_back(result.failure);
        } else if (result.matchingSamples != result.decodedSamples ||
                   result.streamInfoSamples != result.decodedSamples ||
                   result.manifestSamples != result.decodedSamples) {
            failures.push_back("run " + std::to_string(run) +
                               ": the repaired recording differs from the signal sent");
        } else {
            losses.push_back(std::max(0.0, result.lostMs()));
        }
    }
    std::filesystem::remove_all(directory, ec);
    std::sort(losses.begin(), losses.end());
    nlohmann::json report{{"benchmark", "recording-crash"},
                          {"runs", runs},
                          {"measured", losses.size()},
                          {"failures", failures}};
    if (!losses.empty()) {
        report["lost_ms_median"] =
            losses.size() % 2 == 1
                ? losses[losses.size() / 2]
                : (losses[losses.size() / 2 - 1] + losses[losses.size() / 2]) / 2;
        report["lost_ms_worst"] = losses.back();
        report["lost_ms_best"] = losses.front();
        report["lost_ms_limit"] = 100;
    }
    std::cout << report.dump(args.flag("json") ? -1 : 2) << "\n";
    return failures.empty() && !losses.empty() && losses.back() <= 100.0 ? 0 : 1;
}

} // namespace tc::bench

#pragma once
// The kill -9 drill for stethoscope recordings (the test and `telecabine-bench recording-crash`):
// a child process records a known signal through the console's real receive path
// (StethoscopeReceiver → FlacRecorder), L16 48 kHz packets of 10 ms paced in real time, and
// reports after each packet how many samples it has handed over. The parent kills it with
// SIGKILL at a chosen moment, repairs the recording (recording_repair.hpp), decodes it with the
// reference decoder (`flac -d`, Debian package flac, which also checks the repaired MD5) and
// compares it sample for sample with the signal. Test support: not linked into the console.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tc::media {

inline constexpr int kDrillSampleRate = 48000;
// The drill's signal: deterministic, different at every sample (two tones and a hash).
std::int16_t drillSample(std::uint64_t index) noexcept;

// The child's side: records to `flacPath` until killed, or for `seconds` and then stops cleanly.
// After each packet it writes the running sample count (std::uint64_t) to `reportFd`. Returns a
// process exit status.
int runRecordingDrillChild(const std::filesystem::path& flacPath, int reportFd, double seconds);

struct DrillOptions {
    // argv that makes a process call runRecordingDrillChild with report fd 3; the FLAC path is
    // appended.
    std::vector<std::string> childCommand;
    std::filesystem::path directory; // emptied of an earlier drill's files
    // When to kill, counted from the child's first report (its recorder is then running).
    std::chrono::microseconds killAfter{1'000'000};
    std::chrono::seconds deadline{30};
};

struct DrillRun {
    std::string failure;                 // empty when every step worked
    std::uint64_t sentSamples = 0;       // the child's last report before it died
    std::uint64_t decodedSamples = 0;    // by flac -d, after repair
    std::uint64_t matchingSamples = 0;   // decoded samples equal to the signal, from the start
    std::uint64_t streamInfoSamples = 0; // metaflac --show-total-samples
    std::uint64_t manifestSamples = 0;
    std::size_t manifestSegments = 0;
    std::string manifestState;
    // Audio the child handed over that the repaired file lacks (negative: the file holds a
    // packet the child had not yet reported).
    double lostMs() const noexcept {
        return (static_cast<double>(sentSamples) - static_cast<double>(decodedSamples)) * 1000.0 /
               kDrillSampleRate;
    }
};
DrillRun runRecordingDrill(const DrillOptions& options);

} // namespace tc::media

#include "tc/media/recording_drill.hpp"

#include "tc/media/pcm.hpp"
#include "tc/media/recording_repair.hpp"
#include "tc/media/stethoscope_receiver.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace tc::media {
namespace {

using Clock = std::chrono::steady_clock;

constexpr AuscultationSite kSites[] = {AuscultationSite::aortic, AuscultationSite::pulmonary,
                                       AuscultationSite::tricuspid, AuscultationSite::mitral};

// A child process (posix_spawnp: the PATH is searched, `dup2` applied, nothing else inherited
// but close-on-exec descriptors are closed).
struct Spawned {
    pid_t pid = -1;
    int error = 0;
};

Spawned spawn(const std::vector<std::string>& command, std::optional<int> fd3,
              std::optional<int> stdoutFd) {
    std::vector<char*> argv;
    for (const auto& word : command) {
        argv.push_back(const_cast<char*>(word.c_str()));
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (fd3) {
        posix_spawn_file_actions_adddup2(&actions, *fd3, 3);
    }
    if (stdoutFd) {
        posix_spawn_file_actions_adddup2(&actions, *stdoutFd, 1);
    }
    Spawned spawned;
    spawned.error = posix_spawnp(&spawned.pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return spawned;
}

int waitExit(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs a tool to its end; its exit status and what it printed. A missing tool is a failure.
struct ToolRun {
    std::string failure;
    std::string output;
};
ToolRun runTool(const std::vector<std::string>& command) {
    ToolRun run;
    std::array<int, 2> pipe{};
    if (::pipe2(pipe.data(), O_CLOEXEC) != 0) {
        run.failure = "pipe failed";
        return run;
    }
    const auto spawned = spawn(command, std::nullopt, pipe[1]);
    ::close(pipe[1]);
    if (spawned.error != 0) {
        ::close(pipe[0]);
        run.failure = command[0] + " could not run (" + std::strerror(spawned.error) +
                      "): install the Debian package flac";
        return run;
    }
    std::array<char, 4096> chunk{};
    for (ssize_t n; (n = ::read(pipe[0], chunk.data(), chunk.size())) != 0;) {
        if (n < 0 && errno != EINTR) {
            break;
        }
        run.output.append(chunk.data(), static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    }
    ::close(pipe[0]);
    if (const int status = waitExit(spawned.pid); status != 0) {
        run.failure = command[0] + " exited with status " + std::to_string(status);
    }
    return run;
}

// Reads the child's reports until `until` and the pipe is empty, or it ends: the last count.
struct Reports {
    int fd;
    std::uint64_t last = 0;
    bool any = false;
    bool ended = false;
    std::string partial;

    void readUntil(Clock::time_point until) {
        while (!ended) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
            pollfd p{fd, POLLIN, 0};
            const int ready = ::poll(&p, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
            if (ready == 0) {
                return; // the moment came
            }
            if (ready < 0) {
                if (errno == EINTR) {
                    continue;
                }
                ended = true;
                return;
            }
            std::array<char, 512> chunk{};
            const auto n = ::read(fd, chunk.data(), chunk.size());
            if (n <= 0) {
                ended = n == 0 || errno != EINTR;
                continue;
            }
            partial.append(chunk.data(), static_cast<std::size_t>(n));
            const auto whole = partial.size() / sizeof last * sizeof last;
            if (whole > 0) {
                std::memcpy(&last, partial.data() + whole - sizeof last, sizeof last);
                partial.erase(0, whole);
                any = true;
            }
        }
    }
};

} // namespace

std::int16_t drillSample(std::uint64_t index) noexcept {
    const double t = static_cast<double>(index) / kDrillSampleRate;
    const double tones = 6000.0 * std::sin(2.0 * std::numbers::pi * 47.0 * t) +
                         2500.0 * std::sin(2.0 * std::numbers::pi * 331.0 * t);
    std::uint64_t h = index * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    return static_cast<std::int16_t>(std::lround(tones) + static_cast<int>(h & 0x3FF) - 512);
}

int runRecordingDrillChild(const std::filesystem::path& flacPath, int reportFd, double seconds) {
    StethoscopeFormat format;
    format.sampleRate = kDrillSampleRate;
    StethoscopeReceiver receiver(format);
    auto packetizer = StethoscopePacketizer::create(format, 0x5EC0DE, 1000, 90000);
    if (!packetizer || receiver.startRecording(flacPath)) {
        return 1;
    }
    const auto frame = static_cast<std::uint64_t>(format.frameSamples());
    const auto frames = static_cast<std::uint64_t>(seconds * 1000 / format.packetMs);
    std::vector<std::int16_t> samples(frame);
    const auto start = Clock::now();
    for (std::uint64_t n = 0; n < frames; ++n) {
        // Real time: the cabin's packets arrive one every 10 ms.
        std::this_thread::sleep_until(start + std::chrono::milliseconds(n * format.packetMs));
        for (std::uint64_t i = 0; i < frame; ++i) {
            samples[i] = drillSample(n * frame + i);
        }
        const auto site = kSites[(n * format.packetMs / 1000) % std::size(kSites)];
        auto packet = packetizer->packetize(samples, site);
        if (!packet) {
            return 1;
        }
        receiver.onPacket(*packet);
        const std::uint64_t sent = (n + 1) * frame;
        if (::write(reportFd, &sent, sizeof sent) != sizeof sent) {
            return 1;
        }
    }
    return receiver.stopRecording() ? 1 : 0;
}

DrillRun runRecordingDrill(const DrillOptions& options) {
    DrillRun run;
    std::error_code ec;
    std::filesystem::create_directories(options.directory, ec);
    const auto flac = options.directory / "drill.flac";
    const auto manifest = options.directory / "drill.json";
    const auto decoded = options.directory / "drill-decoded.wav";
    for (const auto& stale : {flac, manifest, decoded}) {
        std::filesystem::remove(stale, ec);
    }
    std::array<int, 2> pipe{};
    if (::pipe2(pipe.data(), O_CLOEXEC) != 0) {
        run.failure = "pipe failed";
        return run;
    }
    auto command = options.childCommand;
    command.push_back(flac.string());
    const auto child = spawn(command, pipe[1], std::nullopt);
    ::close(pipe[1]);
    if (child.error != 0) {
        ::close(pipe[0]);
        run.failure =
            "the drill's child could not start: " + std::string(std::strerror(child.error));
        return run;
    }
    Reports reports{pipe[0]};
    const auto deadline = Clock::now() + options.deadline;
    while (!reports.any && !reports.ended && Clock::now() < deadline) {
        reports.readUntil(std::min(deadline, Clock::now() + std::chrono::milliseconds(5)));
    }
    if (reports.any && !reports.ended) {
        reports.readUntil(Clock::now() + options.killAfter); // the kill moment
    }
    ::kill(child.pid, SIGKILL);
    const int status = waitExit(child.pid);
    // Whatever it wrote before it died is in the pipe now. (Not read to end of file: a process
    // the child started, such as GStreamer's plugin scanner, may hold the pipe open.)
    reports.readUntil(Clock::now());
    ::close(pipe[0]);
    if (!reports.any) {
        run.failure =
            "the drill's child reported nothing (exit status " + std::to_string(status) + ")";
        return run;
    }
    if (status != 128 + SIGKILL) {
        run.failure = "the drill's child was not killed: exit status " + std::to_string(status);
        return run;
    }
    run.sentSamples = reports.last;

    bool repaired = false;
    for (const auto& outcome : repairRecordings(options.directory)) {
        if (outcome.flac == flac) {
            if (!outcome.result) {
                run.failure = "repair failed: " + outcome.result.error().message();
                return run;
            }
            repaired = true;
        }
    }
    if (!repaired) {
        run.failure = "repair did not find the interrupted recording";
        return run;
    }
    // The reference decoder; it checks the MD5 that repair wrote into STREAMINFO.
    if (auto tool = runTool({"flac", "-d", "-s", "-f", "-o", decoded.string(), flac.string()});
        !tool.failure.empty()) {
        run.failure = tool.failure;
        return run;
    }
    auto total = runTool({"metaflac", "--show-total-samples", flac.string()});
    if (!total.failure.empty()) {
        run.failure = total.failure;
        return run;
    }
    run.streamInfoSamples = std::strtoull(total.output.c_str(), nullptr, 10);
    auto audio = readWav(decoded);
    if (!audio) {
        run.failure = "the decoded WAV could not be read: " + audio.error().message();
        return run;
    }
    run.decodedSamples = audio->samples.size();
    while (run.matchingSamples < run.decodedSamples &&
           audio->samples[run.matchingSamples] == drillSample(run.matchingSamples)) {
        ++run.matchingSamples;
    }
    std::ifstream in(manifest);
    const auto document = nlohmann::json::parse(in, nullptr, false);
    if (!document.is_object()) {
        run.failure = "the repaired manifest is not JSON";
        return run;
    }
    run.manifestSamples = document.value("samples", std::uint64_t{0});
    run.manifestState = document.value("state", std::string());
    run.manifestSegments = document.value("segments", nlohmann::json::array()).size();
    return run;
}

} // namespace tc::media

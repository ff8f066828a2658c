#pragma once

#include "../cli/command_line.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <stdlib.h>
#include <string>
#include <sys/resource.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace tc::bench {

// A fresh directory /tmp/<prefix>-XXXXXX, removed with its content when this goes; `path` is
// empty when it could not be made.
struct ScratchDirectory {
    explicit ScratchDirectory(const std::string& prefix) {
        std::string pattern = "/tmp/" + prefix + "-XXXXXX";
        if (::mkdtemp(pattern.data()) != nullptr) {
            path = pattern;
        }
    }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;
    ~ScratchDirectory() {
        std::error_code ignored;
        if (!path.empty()) {
            std::filesystem::remove_all(path, ignored);
        }
    }
    std::filesystem::path path;
};

// The integer option --<name> (`fallback` when absent) of the benchmark `bench`, when the command
// line is well formed and the value within [low, high]; otherwise says "<bench>: --<name>
// low..high" on stderr and gives nothing (the benchmark then exits with 2).
inline std::optional<int> rangedOption(cli::CommandLine& args, const char* bench,
                                       const std::string& name, int fallback, int low, int high) {
    const auto value = args.number(name, fallback);
    if (!args.errors().empty() || value < low || value > high) {
        std::cerr << bench << ": --" << name << " " << low << ".." << high << "\n";
        return std::nullopt;
    }
    return static_cast<int>(value);
}

// The `p` quantile (0 to 1) of `values`, the nearest rank rounded (a value of the set, not an
// interpolation); `values` not empty.
inline double roundedPercentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

// User and system CPU time of this process (not of its children), in seconds.
inline double processCpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Of another process, from /proc/<pid>/stat (Linux): its parent and its user + system CPU time
// in seconds; nothing once it is gone.
struct ProcessTimes {
    pid_t parent = 0;
    double cpuSeconds = 0;
};
// From a stat file: /proc/<pid>/stat, or a thread's /proc/<pid>/task/<tid>/stat.
inline std::optional<ProcessTimes> processTimesAt(const std::filesystem::path& statFile) {
    std::ifstream stat(statFile);
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const auto close = text.rfind(')'); // the command name may hold spaces and parentheses
    if (close == std::string::npos || close + 2 > text.size()) {
        return std::nullopt;
    }
    std::istringstream fields(text.substr(close + 2));
    std::string state;
    ProcessTimes times;
    fields >> state >> times.parent;
    std::string skip;
    for (int i = 0; i < 9; ++i) {
        fields >> skip; // pgrp .. cmajflt
    }
    double utime = 0;
    double stime = 0;
    fields >> utime >> stime;
    if (!fields) {
        return std::nullopt;
    }
    times.cpuSeconds = (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    return times;
}

inline std::optional<ProcessTimes> processTimes(pid_t pid) {
    return processTimesAt("/proc/" + std::to_string(pid) + "/stat");
}

// utime + stime of another process, in seconds (0 once it is gone).
inline double childCpuSeconds(pid_t pid) {
    const auto times = processTimes(pid);
    return times ? times->cpuSeconds : 0;
}

// utime + stime summed over `root` and every live process descending from it (children,
// grandchildren...), in seconds: a program's cost with whatever helpers it started.
inline double processTreeCpuSeconds(pid_t root) {
    std::map<pid_t, ProcessTimes> all;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") == std::string::npos) {
            const auto pid = static_cast<pid_t>(std::stol(name));
            if (const auto times = processTimes(pid)) {
                all.emplace(pid, *times);
            }
        }
    }
    double total = 0;
    for (const auto& [pid, times] : all) {
        // Up the parent chain to `root` (or to init: not ours).
        for (pid_t at = pid; at > 1;) {
            if (at == root) {
                total += times.cpuSeconds;
                break;
            }
            const auto up = all.find(at);
            at = up == all.end() ? 0 : up->second.parent;
        }
    }
    return total;
}

// The coordinators' indicators over a year of seeded consultations (review_bench.cpp).
int runReview(cli::CommandLine& args);

// N cabins and M doctors over loopback TLS against a service in a child process.
int runRendezvous(cli::CommandLine& args);
// Issue 19: nodes sharing PostgreSQL, 1, 2 and 4 of them, and one on SQLite.
int runRendezvousCluster(cli::CommandLine& args);
// Issue 19: the audit log's durable append in SQLite and in PostgreSQL (1 and 2 nodes), each
// against the bare library's durable insert.
int runAuditAppend(cli::CommandLine& args);

// Our SRTP protect/unprotect against bare libsrtp calls, both suites, 160 and 1200 bytes.
int runSrtp(cli::CommandLine& args);

// A 10 ms audio stream through 2, 5 and 10 % loss with bursts, RTT 20 ms: what NACK/RTX leaves
// unrecovered by the playout deadline.
int runTransportLoss(cli::CommandLine& args);

// Stethoscope mouth-to-ear: impulses from the cabin's packetiser to the console's output sink,
// at 0, 20 and 50 ms of added jitter.
int runStethoLatency(cli::CommandLine& args);
// CPU of the console's whole stethoscope receive path with recording on.
int runStethoCpu(cli::CommandLine& args);
// CPU of the console's 720p30 VP8 receive and decode, against gst-launch-1.0 doing the same.
int runVideoCpu(cli::CommandLine& args);
// The real console (controllers and QML, under a display) against the embedded demo: from the
// doctor's claim to the first stethoscope sample played and the first camera frame on screen.
int runJoin(cli::CommandLine& args);
// Glass to glass, VP8 and H.264 at 720p30: the cabin's capture time to the console's buffer swap.
int runVideoLatency(cli::CommandLine& args);
// The console's vitals under load: waveform latency to its traces, the ECG strip's frame rate, CPU.
int runVitals(cli::CommandLine& args);
// Vital-sign waveforms from the cabin's sample time to the console's receiver (loopback SRTP).
int runVitalsLatency(cli::CommandLine& args);
// kill -9 during a stethoscope recording, N times at random moments: the audio lost (median and
// worst, ms) once the recording is repaired, decoded by flac -d and compared with what was sent.
int runRecordingCrash(cli::CommandLine& args);
// Render + PAdES-sign a one-page A5 ordonnance with its QR code, then verify it (signature,
// chain, QR code against the signed content).
int runPrescription(cli::CommandLine& args);

// A 20-minute consultation's dossier (about 75 MB) uploaded to the archive over loopback TLS,
// and the time from a fresh connection to the first bytes of its stethoscope recording.
int runArchive(cli::CommandLine& args);

// ICE across the network lab (needs root, nftables, coturn): from both descriptions in to the
// first media packet, per kind of path (host, server-reflexive, relay over UDP, relay over TLS),
// and an ICE restart from the address change to media again.
int runConnect(cli::CommandLine& args);

// One simulated cabin's 720p30 call received by two doctors in turn, the real console and a
// Chromium page (decode and display): the CPU of each summed over its processes, their ratio,
// frames decoded and glass-to-glass latency where it can be measured (browser_call_bench.cpp).
int runBrowserCall(cli::CommandLine& args);

} // namespace tc::bench

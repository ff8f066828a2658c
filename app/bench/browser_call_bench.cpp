// telecabine-bench browser-call: what a doctor's machine spends receiving one cabin's call, the
// console against a browser tab. The real programs on this machine (loopback and its own
// address, a fresh development PKI): the rendezvous service and one simulated cabin sending its
// synthetic room scene at 1280x720, 30 frames/s in VP8, its stethoscope and its voice. Two
// doctors receive that call in turn:
//  1. the console (`telecabine --autopilot`, under the display, its own camera and a synthetic
//     microphone sending back, as in the demo), measured while its autopilot auscultates: CPU of
//     its process and its descendants (/proc utime + stime) over the window;
//  2. a Chromium page (headless, tests/support/chromium_session.hpp) that decodes and shows the
//     room camera in a <video>, plays the stethoscope and the voice, and sends a camera (fake
//     capture from a 720p Y4M) and a voice: CPU summed over all of Chromium's processes over the
//     same length of window. This process is the page's signalling (the doctor's certificate,
//     the same session messages as the console) and rewrites the SDP it relays so that the
//     cabin, which knows only the console's sections, can answer it (browser_doctor_sdp.hpp):
//     a test harness standing in for a browser doctor app, not a product path.
// Frames decoded are read on both sides (the console's autopilot counts them; getStats in the
// page), so that neither side is cheap for showing nothing. Glass to glass is read in the page
// from the cabin's frame stamps (media/include/tc/media/video_frame_code.hpp) after the CPU
// window, as that reading costs CPU itself.
#include "benchmarks.hpp"
#include "browser_doctor.hpp"
#include "browser_doctor_page.hpp"
#include "browser_doctor_sdp.hpp"
#include "machine_description.hpp"
#include "net_lab.hpp"
#include "support/browser_assets.hpp"
#include "support/chromium_session.hpp"
#include "tc/protocol/ice_messages.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/messages.hpp"
#include "tc/protocol/pki.hpp"
#include "tc/protocol/rendezvous_client.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <fcntl.h>
#include <future>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <thread>

namespace tc::bench {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr const char* kPassphrase = "telecabine"; // `pki init`'s development passphrase

std::string readText(const fs::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string tail(const std::string& text, std::size_t size = 3000) {
    return text.size() > size ? "..." + text.substr(text.size() - size) : text;
}

// `argv` (a full path first) with its output in `log`; killed by the Process when it goes.
test::Process spawn(const std::vector<std::string>& argv, const fs::path& log) {
    std::vector<char*> args;
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || in < 0) {
        throw std::runtime_error("cannot open " + log.string());
    }
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) { // only system calls from here: this process has threads
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(out, 2);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(out);
    ::close(in);
    if (pid < 0) {
        throw std::runtime_error("cannot start " + argv[0]);
    }
    return test::Process(pid);
}

// The first capture group of the `nth` (from 0) line of `log` matching `pattern`, once there is
// one.
std::optional<std::string> waitForLine(const fs::path& log, const std::string& pattern,
                                       std::chrono::milliseconds timeout, int nth = 0) {
    const std::regex re(pattern);
    const auto deadline = Clock::now() + timeout;
    do {
        std::istringstream lines(readText(log));
        int seen = 0;
        for (std::string line; std::getline(lines, line);) {
            std::smatch match;
            if (std::regex_search(line, match, re) && seen++ == nth) {
                return match.size() > 1 ? match[1].str() : line;
            }
        }
        std::this_thread::sleep_for(100ms);
    } while (Clock::now() < deadline);
    return std::nullopt;
}

// The service, the cabin and their files; the programs are killed when this goes.
struct Call {
    fs::path dir;
    fs::path pki;
    int port = 0;
    test::Process service;
    test::Process cabin;

    fs::path log(const std::string& name) const { return dir / (name + ".log"); }
};

void startCall(Call& call) {
    call.pki = call.dir / "pki";
    const auto init =
        test::runCommand({TC_BENCH_RENDEZVOUS_PROGRAM, "pki", "init", call.pki.string()});
    if (init.status != 0) {
        throw std::runtime_error("telecabine-rendezvous pki init: " + init.output);
    }
    const auto portFile = call.dir / "port";
    call.service =
        spawn({TC_BENCH_RENDEZVOUS_PROGRAM, "serve", "--port", "0", "--port-file",
               portFile.string(), "--event-log", (call.dir / "events.sqlite").string(), "--ca",
               (call.pki / "ca.pem").string(), "--cert", (call.pki / "service.pem").string(),
               "--key", (call.pki / "service.key").string(),
               // The console, killed after its window, leaves its session promptly.
               "--grace-ms", "1000"},
              call.log("rendezvous"));
    const auto deadline = Clock::now() + 10s;
    while (readText(portFile).empty()) {
        if (!call.service.running() || Clock::now() > deadline) {
            throw std::runtime_error("the service did not start: " +
                                     tail(readText(call.log("rendezvous"))));
        }
        std::this_thread::sleep_for(50ms);
    }
    call.port = std::stoi(readText(portFile));
    call.cabin = spawn({TC_BENCH_CABIN_PROGRAM,
                        "--port",
                        std::to_string(call.port),
                        "--ca",
                        (call.pki / "ca.pem").string(),
                        "--bundle",
                        (call.pki / "cabin.p12").string(),
                        "--passphrase",
                        kPassphrase,
                        "--waiting",
                        "1",
                        "--cleaning-delay-ms",
                        "500",
                        "--video-codec",
                        "vp8",
                        "--video-size",
                        "1280x720",
                        "--video-fps",
                        "30",
                        "--state-dir",
                        (call.dir / "cabin-state").string()},
                       call.log("cabin"));
}

// The X server of $DISPLAY (Xvfb or Xorg, the display among its arguments), if on this machine:
// the console draws through it, headless Chromium does not, so its cost is reported apart.
std::optional<pid_t> displayServer() {
    const char* display = std::getenv("DISPLAY");
    if (display == nullptr) {
        return std::nullopt;
    }
    std::string name(display);
    name = name.substr(0, name.find('.'));
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const auto pid = entry.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::string comm = readText(entry.path() / "comm");
        if (comm.rfind("Xvfb", 0) != 0 && comm.rfind("Xorg", 0) != 0) {
            continue;
        }
        std::istringstream args(readText(entry.path() / "cmdline"));
        for (std::string arg; std::getline(args, arg, '\0');) {
            if (arg == name) {
                return static_cast<pid_t>(std::stol(pid));
            }
        }
    }
    return std::nullopt;
}

// The X server's CPU (% of one core) over a window, or null when it is not found.
struct DisplayServerMeter {
    std::optional<pid_t> pid = displayServer();
    double before = pid ? childCpuSeconds(*pid) : 0;
    json over(double wallSeconds) const {
        return pid && wallSeconds > 0 ? json(100.0 * (childCpuSeconds(*pid) - before) / wallSeconds)
                                      : json();
    }
};

// Where a doctor's CPU goes: seconds per part (the console's threads by name, Chromium's
// processes by --type), over a window: take() at its start and its end.
class CpuBreakdown {
public:
    // The threads of `pid` (named by /proc/<pid>/task/<tid>/comm).
    void takeThreads(pid_t pid, std::map<std::string, double>& into) const {
        std::error_code ec;
        for (const auto& task :
             fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
            auto name = readText(task.path() / "comm");
            name = name.substr(0, name.find('\n'));
            if (const auto times = processTimesAt(task.path() / "stat")) {
                into[name] += times->cpuSeconds;
            }
        }
    }
    // Processes by their Chromium --type (and --utility-sub-type), "browser" without one. Its
    // children rewrite their command line as one string, so the flags are searched in the text.
    void takeProcesses(const std::vector<pid_t>& pids, std::map<std::string, double>& into) const {
        const auto flag = [](const std::string& text, const std::string& name) {
            const auto at = text.find(name);
            return at == std::string::npos
                       ? std::string()
                       : text.substr(at + name.size(),
                                     text.find_first_of(std::string(" \0", 2), at) - at -
                                         name.size());
        };
        for (const auto pid : pids) {
            const auto text = readText("/proc/" + std::to_string(pid) + "/cmdline");
            auto type = flag(text, "--type=");
            const auto sub = flag(text, "--utility-sub-type=");
            type = type.empty() ? "browser" : sub.empty() ? type : type + " " + sub;
            into[type] += childCpuSeconds(pid);
        }
    }
    // % of one core per part over `wall` seconds, the parts under 0.5 % left out.
    static json percentages(const std::map<std::string, double>& before,
                            const std::map<std::string, double>& after, double wall) {
        json out = json::object();
        for (const auto& [name, seconds] : after) {
            const auto was = before.find(name);
            const double pct = 100.0 * (seconds - (was == before.end() ? 0.0 : was->second)) / wall;
            if (pct >= 0.5) {
                out[name] = pct;
            }
        }
        return out;
    }
};

double percentOf(double cpuSeconds, double wallSeconds) {
    return wallSeconds > 0 ? 100.0 * cpuSeconds / wallSeconds : 0;
}

// 1. The console: from its autopilot's auscultation (media flowing), `seconds` of CPU.
// `program`: this build's console, or another build's (--console) to compare two builds under the
// same load.
json measureConsole(Call& call, int seconds, const std::string& program) {
    ::setenv("TELECABINE_PASSPHRASE", kPassphrase, 1); // inherited: the autopilot signs in
    const int auscultation = seconds + 4;              // 2 s to settle, the window, 2 s spare
    auto console = spawn({program,
                          "--autopilot",
                          "--autopilot-timeout",
                          std::to_string(auscultation + 120),
                          "--autopilot-auscultation",
                          std::to_string(auscultation),
                          "--host",
                          "127.0.0.1",
                          "--port",
                          std::to_string(call.port),
                          "--ca",
                          (call.pki / "ca.pem").string(),
                          "--bundle",
                          (call.pki / "doctor.p12").string(),
                          "--data-dir",
                          (call.dir / "console").string(),
                          "--pkcs11-module",
                          "none",
                          "--audio-sink",
                          "none",
                          "--microphone",
                          "synthetic"},
                         call.log("console"));
    const auto started =
        waitForLine(call.log("console"),
                    "autopilot: auscultation starts, room camera ([0-9]+) frames decoded", 90s);
    if (!started) {
        throw std::runtime_error("the console did not reach the auscultation:\n" +
                                 tail(readText(call.log("console"))) + "\ncabin:\n" +
                                 tail(readText(call.log("cabin"))));
    }
    const auto startedAt = Clock::now();
    std::this_thread::sleep_for(2s); // decoders, jitter buffers and bitrate find their pace
    const DisplayServerMeter xServer;
    std::map<std::string, double> threadsBefore;
    std::map<std::string, double> threadsAfter;
    CpuBreakdown().takeThreads(console.pid(), threadsBefore);
    const double before = processTreeCpuSeconds(console.pid());
    const auto from = Clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    CpuBreakdown().takeThreads(console.pid(), threadsAfter);
    const double cpu = processTreeCpuSeconds(console.pid()) - before;
    const double wall = std::chrono::duration<double>(Clock::now() - from).count();
    const auto ended = waitForLine(
        call.log("console"), "autopilot: auscultation ends, room camera ([0-9]+) frames decoded",
        std::chrono::seconds(auscultation + 10));
    const double auscultated = std::chrono::duration<double>(Clock::now() - startedAt).count();
    if (!ended) {
        throw std::runtime_error("the console's auscultation did not end:\n" +
                                 tail(readText(call.log("console"))));
    }
    const auto frames = std::stoull(*ended) - std::stoull(*started);
    const auto media = waitForLine(
        call.log("console"), "autopilot: media connected, [0-9]+ packets/s, quality (.*)$", 1s);
    console.kill();
    console.wait(5s);
    return {{"cpu_seconds", cpu},
            {"window_s", wall},
            {"cpu_pct_one_core", percentOf(cpu, wall)},
            {"x_server_cpu_pct_one_core", xServer.over(wall)},
            {"cpu_pct_by_thread", CpuBreakdown::percentages(threadsBefore, threadsAfter, wall)},
            {"frames_decoded", frames},
            {"frames_decoded_per_s", static_cast<double>(frames) / auscultated},
            {"frames_counted_over_s", auscultated},
            {"media", media.value_or("")},
            {"processes", "the console's process and its descendants"},
            {"program", program},
            {"glass_to_glass",
             {{"measured", false},
              {"reason", "the console binary does not expose the frames it shows; its glass to "
                         "glass (the cabin's stamp to the window's buffer swap) is measured "
                         "in-process by `telecabine-bench video-latency`"}}}};
}

double framesDecodedOf(const json& stats) {
    return stats.contains("video") && stats["video"].is_object()
               ? stats["video"].value("framesDecoded", 0.0)
               : 0.0;
}

json latencyFigures(std::vector<double> latencies, const json& reading) {
    if (latencies.empty()) {
        return {{"measured", false},
                {"reason", "no frame stamp could be read back from the page's canvas"},
                {"unreadable_frames", reading.value("unread", 0)}};
    }
    return {{"measured", true},
            {"what", "the cabin's capture time (stamped in the frame) to the frame's expected "
                     "display time in the page (requestVideoFrameCallback), read back from a "
                     "canvas; the page's clock mapped to this machine's steady clock by a "
                     "DevTools round trip"},
            {"p50_ms", roundedPercentile(latencies, 0.5)},
            {"p95_ms", roundedPercentile(latencies, 0.95)},
            {"max_ms", roundedPercentile(latencies, 1.0)},
            {"frames", latencies.size()},
            {"unreadable_frames", reading.value("unread", 0)}};
}

// 2. The Chromium doctor: claims the cabin's next visit, calls, `seconds` of CPU, then latency.
json measureChromium(Call& call, int seconds, int latencySeconds) {
    // The camera clip and the voice the page sends, from Chromium's fake capture devices.
    const auto y4m = call.dir / "doctor-camera.y4m";
    const auto wav = call.dir / "doctor-voice.wav";
    if (auto made = test::writeTestY4m(y4m, 2.0); !made) {
        throw std::runtime_error("the Y4M clip: " + made.error().message());
    }
    if (auto made = test::writeStethoscopeWav(wav, test::stethoscopeSource(12.0)); !made) {
        throw std::runtime_error("the WAV: " + made.error().message());
    }
    if (!waitForLine(call.log("cabin"), "cleaning done; cabin ready", 30s)) {
        throw std::runtime_error("the cabin did not get ready again after the console:\n" +
                                 tail(readText(call.log("cabin"))));
    }
    auto ca = protocol::readFile(call.pki / "ca.pem");
    auto bundle = protocol::readFile(call.pki / "doctor.p12");
    if (!ca || !bundle) {
        throw std::runtime_error("cannot read the PKI's files");
    }
    auto credentials = protocol::fromPkcs12(*bundle, kPassphrase);
    if (!credentials) {
        throw std::runtime_error("the doctor's bundle: " + credentials.error().message());
    }
    protocol::IoThread io{"bench-doctor"};
    protocol::ClientConfig config;
    config.port = static_cast<std::uint16_t>(call.port);
    config.tls = {std::move(*credentials), *ca};
    auto link = std::make_unique<DoctorLink>(io, config);
    if (!link->waitWelcome(10s)) {
        throw std::runtime_error("the doctor's link got no welcome");
    }
    link->request(protocol::type::presenceSet, {{"status", "on_shift"}});
    auto snapshot = protocol::fromJson<protocol::QueueSnapshot>(
        link->request(protocol::type::queueSubscribe, json::object()).body);
    std::string visit = snapshot && !snapshot->entries.empty()
                            ? snapshot->entries.front().visit.visitId
                            : std::string();
    for (const auto deadline = Clock::now() + 20s; visit.empty() && Clock::now() < deadline;) {
        const auto event = link->nextEvent(200ms);
        if (event && event->type == protocol::type::queueUpdate) {
            const auto update = protocol::fromJson<protocol::QueueUpdate>(event->body);
            if (update && update->op == protocol::QueueOp::added) {
                visit = update->visitId;
            }
        }
    }
    if (visit.empty()) {
        throw std::runtime_error("no patient waiting for the browser doctor");
    }
    const auto claim = protocol::fromJson<protocol::ClaimResult>(
        link->request(protocol::type::visitClaim, {{"visit_id", visit}}).body);
    if (!claim) {
        throw std::runtime_error("a malformed claim result");
    }

    test::ChromiumOptions options;
    options.fakeAudioWav = wav;
    options.fakeVideoY4m = y4m;
    options.extraFlags = {"--window-size=1280,800"}; // the console's window
    auto launched = test::ChromiumSession::launch(options);
    if (!launched) {
        throw std::runtime_error("chromium: " + launched.error().message());
    }
    auto& chromium = **launched;
    const auto page = call.dir / "doctor.html";
    std::ofstream(page) << kBrowserDoctorPage;
    if (!chromium.openPage() || !chromium.navigate("file://" + page.string())) {
        throw std::runtime_error("the doctor's page did not load:\n" + chromium.diagnostics());
    }
    BrowserDoctor doctor(*link, chromium, claim->sessionId);
    doctor.offer(iceServersForPage(claim->iceServers));
    // Until the room camera decodes in the page, relaying the answer and the candidates.
    json stats;
    for (const auto deadline = Clock::now() + 30s;; doctor.relay(250ms)) {
        stats = doctor.answered() ? doctor.evaluate("tcStats()") : json();
        if (framesDecodedOf(stats) > 0) {
            break;
        }
        if (Clock::now() > deadline) {
            throw std::runtime_error("no frame decoded in the page within 30 s: " + stats.dump() +
                                     "\n" + chromium.diagnostics() + "\ncabin:\n" +
                                     tail(readText(call.log("cabin"))));
        }
    }
    doctor.relay(2s); // decoder, jitter buffer and bitrate find their pace
    const auto first = doctor.evaluate("tcStats()");
    const DisplayServerMeter xServer;
    std::map<std::string, double> partsBefore;
    std::map<std::string, double> partsAfter;
    CpuBreakdown().takeProcesses(chromium.pids(), partsBefore);
    const double before = chromium.cpuSeconds();
    const auto from = Clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    CpuBreakdown().takeProcesses(chromium.pids(), partsAfter);
    const double cpu = chromium.cpuSeconds() - before;
    const double wall = std::chrono::duration<double>(Clock::now() - from).count();
    const auto processes = chromium.pids().size();
    const auto last = doctor.evaluate("tcStats()");
    const auto frames =
        static_cast<std::uint64_t>(std::max(0.0, framesDecodedOf(last) - framesDecodedOf(first)));

    // Glass to glass: the page's clock against ours, then the stamps of the frames displayed.
    const auto t0 = Clock::now();
    const double pageNowMs = doctor.evaluate("performance.now()").get<double>();
    const auto t1 = Clock::now();
    const double ourNowMs =
        std::chrono::duration<double, std::milli>((t0 + (t1 - t0) / 2).time_since_epoch()).count();
    const auto reading = doctor.evaluate("tcLatency(" + std::to_string(latencySeconds * 1000) + ")",
                                         std::chrono::seconds(latencySeconds + 15));
    std::vector<double> latencies;
    for (const auto& frame : reading.at("frames")) {
        latencies.push_back(frame.at("expectedDisplayTime").get<double>() - pageNowMs + ourNowMs -
                            frame.at("captureUs").get<double>() / 1000.0);
    }
    try {
        link->request(protocol::type::sessionEnd,
                      {{"session_id", claim->sessionId}, {"reason", "completed"}});
    } catch (const std::exception&) {
        // Measured already: the programs go with the run.
    }
    link.reset();
    io.stop(2s);
    // The cabin says, as each session ends, what it showed of the doctor's camera.
    const std::string shown = "screen: showed ([0-9]+ frames of the doctor's camera .*)$";
    const auto consoleCamera = waitForLine(call.log("cabin"), shown, 10s, 0);
    const auto chromiumCamera = waitForLine(call.log("cabin"), shown, 10s, 1);
    return {{"cpu_seconds", cpu},
            {"window_s", wall},
            {"cpu_pct_one_core", percentOf(cpu, wall)},
            {"x_server_cpu_pct_one_core", xServer.over(wall)},
            {"cpu_pct_by_process_type", CpuBreakdown::percentages(partsBefore, partsAfter, wall)},
            {"processes", processes},
            {"frames_decoded", frames},
            {"frames_decoded_per_s", static_cast<double>(frames) / wall},
            {"video", last.value("video", json())},
            {"codecs", last.value("codecs", json())},
            {"audio_received", last.value("audio", json())},
            {"sent_video", last.value("sentVideo", json())},
            {"states",
             {{"connection", last.value("connection", "")},
              {"ice", last.value("ice", "")},
              {"dtls", last.value("dtls", json())}}},
            {"glass_to_glass", latencyFigures(latencies, reading)},
            {"doctor_camera_at_the_cabin", chromiumCamera.value_or("")},
            {"console_doctor_camera_at_the_cabin", consoleCamera.value_or("")}};
}

} // namespace

int runBrowserCall(cli::CommandLine& args) {
    const auto seconds = rangedOption(args, "browser-call", "seconds", 20, 2, 300);
    const auto latencySeconds = rangedOption(args, "browser-call", "latency-seconds", 5, 1, 60);
    if (!seconds || !latencySeconds) {
        return 2;
    }
    if (const char* display = std::getenv("DISPLAY"); display == nullptr || *display == '\0') {
        std::cerr << "browser-call: the console needs an X display (xvfb-run -a)\n";
        return 2;
    }
    ScratchDirectory scratch("tc-bench-browser-call");
    if (scratch.path.empty()) {
        std::cerr << "browser-call: cannot make a temporary directory\n";
        return 1;
    }
    json report = {
        {"benchmark", "browser-call"},
        {"what", "one simulated cabin's call (its synthetic room scene 1280x720 at 30 frames/s in "
                 "VP8, its stethoscope and voice) received in turn by the console and by a "
                 "Chromium page acting as the doctor (decode and display, camera and voice sent "
                 "back); CPU over the same length of window once media flows"},
        {"seconds", *seconds},
        {"harness", "the Chromium doctor's signalling is this benchmark, relaying its offer with "
                    "the console's mids and the stethoscope's Opus parameters and the cabin's "
                    "answer back with its SSRCs (browser_doctor_sdp.hpp): a test harness "
                    "standing in for a browser doctor app, not a product path"},
        {"network", "loopback signalling, media on this machine's own address; no STUN/TURN"},
        {"includes",
         {{"console", "the console's process and its descendants: the room camera received, "
                      "decoded and drawn in its QML window, the stethoscope (recorded: the "
                      "autopilot auscultates) and the voice received and played, its camera "
                      "(640x360 VP8) and a synthetic microphone sent back"},
          {"chromium", "all of Chromium's processes (browser, renderer, GPU/compositor, "
                       "network, audio, utilities): the room camera decoded and shown in a "
                       "<video>, the stethoscope and the voice played, a camera (640x360 VP8 "
                       "from a 720p capture) and a voice (with Chromium's echo cancellation, "
                       "noise suppression and gain control) sent back; the latency reading "
                       "comes after the window"}}},
        {"display", "the console draws on $DISPLAY (its X server's CPU reported apart, not "
                    "counted); Chromium runs headless"}};
    try {
        Call call{scratch.path};
        startCall(call);
        report["console"] =
            measureConsole(call, *seconds, args.value("console", TC_BENCH_CONSOLE_PROGRAM));
        report["chromium"] = measureChromium(call, *seconds, *latencySeconds);
        // Each doctor's camera as the cabin showed it, beside that doctor's figures.
        report["console"]["doctor_camera_at_the_cabin"] =
            report["chromium"]["console_doctor_camera_at_the_cabin"];
        report["chromium"].erase("console_doctor_camera_at_the_cabin");
    } catch (const std::exception& error) {
        std::cerr << "browser-call: " << error.what() << "\n";
        return 1;
    }
    const double console = report["console"]["cpu_pct_one_core"].get<double>();
    const double chromium = report["chromium"]["cpu_pct_one_core"].get<double>();
    const double ratio = chromium > 0 ? console / chromium : 0;
    report["ratio_console_to_chromium"] = ratio;
    // Per frame decoded too: on a loaded machine a starved doctor decodes fewer frames and so
    // spends less; this says whether a ratio comes from that.
    const auto perFrame = [&](const char* doctor) {
        const auto& side = report[doctor];
        const double frames =
            side["frames_decoded_per_s"].get<double>() * side["window_s"].get<double>();
        return frames > 0 ? 1000.0 * side["cpu_seconds"].get<double>() / frames : 0.0;
    };
    report["console"]["cpu_ms_per_frame_decoded"] = perFrame("console");
    report["chromium"]["cpu_ms_per_frame_decoded"] = perFrame("chromium");
    report["ratio_per_frame_decoded"] =
        perFrame("chromium") > 0 ? perFrame("console") / perFrame("chromium") : 0.0;
    report["target_ratio"] = 0.5;
    report["target_met"] = chromium > 0 && ratio <= 0.5;
    report["machine"] = machineDescription();
    std::cout << report.dump(args.flag("json") ? -1 : 2) << "\n";
    const bool decoded = report["console"]["frames_decoded"].get<std::uint64_t>() > 0 &&
                         report["chromium"]["frames_decoded"].get<std::uint64_t>() > 0;
    if (!decoded) {
        std::cerr << "browser-call: a doctor decoded no frame over the window\n";
    }
    return decoded ? 0 : 1;
}

} // namespace tc::bench

#include "consultation_lab.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace tc::test {

using namespace std::chrono_literals;

namespace {

constexpr const char* kPassphrase = "telecabine"; // `pki init`'s development passphrase
constexpr const char* kTurnServerName = "turn.telecabine.test";

std::string joined(const std::vector<std::string>& argv) {
    std::string text;
    for (const auto& a : argv) {
        text += (text.empty() ? "" : " ") + a;
    }
    return text;
}

void mustRun(const std::vector<std::string>& argv, const char* needs) {
    const auto result = runCommand(argv);
    if (result.status != 0) {
        throw std::runtime_error("`" + joined(argv) + "` failed (status " +
                                 std::to_string(result.status) + "): " + result.output + "\n" +
                                 needs);
    }
}

// A client of the lab's service (the cabin, the console): `program`, then how it reaches the
// service (its public address and `port`, the lab's CA) with its identity `bundle`, then `rest`.
std::vector<std::string> clientArgv(const char* program, int port,
                                    const std::filesystem::path& bundle,
                                    std::initializer_list<std::string> rest) {
    std::vector<std::string> argv{program,
                                  "--host",
                                  NetLab::kPublicAddress,
                                  "--port",
                                  std::to_string(port),
                                  "--ca",
                                  (bundle.parent_path() / "ca.pem").string(),
                                  "--bundle",
                                  bundle.string()};
    argv.insert(argv.end(), rest);
    return argv;
}

std::string readText(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string tail(const std::string& text, std::size_t size) {
    return text.size() > size ? "..." + text.substr(text.size() - size) : text;
}

// A PKCS#12 identity of the deployment PKI as the PEM certificate and key files a server
// (the rendezvous service, coturn) reads.
void issueServerCertificate(const std::filesystem::path& pki, const std::string& id,
                            const std::string& name, const std::string& dnsNames,
                            const std::filesystem::path& out) {
    const auto bundle = out.string() + ".p12";
    mustRun({TC_E2E_RENDEZVOUS, "pki", "issue", "--dir", pki.string(), "--role", "service", "--id",
             id, "--name", name, "--dns", dnsNames, "--ip", NetLab::kPublicAddress, "--out", bundle,
             "--passphrase", kPassphrase},
            "telecabine-rendezvous pki issue");
    const std::string pass = std::string("pass:") + kPassphrase;
    mustRun({"openssl", "pkcs12", "-in", bundle, "-passin", pass, "-clcerts", "-nokeys", "-out",
             out.string() + ".pem"},
            "the openssl CLI");
    mustRun({"openssl", "pkcs12", "-in", bundle, "-passin", pass, "-nocerts", "-nodes", "-out",
             out.string() + ".key"},
            "the openssl CLI");
}

} // namespace

std::vector<std::int16_t> stethoscopeNoise(std::size_t samples, std::uint32_t seed) {
    std::vector<std::int16_t> out(samples);
    std::uint32_t state = seed | 1u;
    for (auto& sample : out) {
        // xorshift32, kept to ±8191: loud enough to be unique, far from clipping.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        sample = static_cast<std::int16_t>(static_cast<int>(state >> 18) - 8192);
    }
    return out;
}

void writeWav(const std::filesystem::path& path, const std::vector<std::int16_t>& samples,
              int sampleRate) {
    std::ofstream out(path, std::ios::binary);
    const auto put = [&](std::uint32_t value, int bytes) {
        for (int i = 0; i < bytes; ++i) {
            out.put(static_cast<char>((value >> (8 * i)) & 0xFF));
        }
    };
    const auto dataBytes = static_cast<std::uint32_t>(samples.size() * 2);
    out << "RIFF";
    put(36 + dataBytes, 4);
    out << "WAVEfmt ";
    put(16, 4);
    put(1, 2); // PCM
    put(1, 2); // mono
    put(static_cast<std::uint32_t>(sampleRate), 4);
    put(static_cast<std::uint32_t>(sampleRate * 2), 4);
    put(2, 2);
    put(16, 2);
    out << "data";
    put(dataBytes, 4);
    for (const auto sample : samples) {
        put(static_cast<std::uint16_t>(sample), 2);
    }
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

ConsultationLab::ConsultationLab(NetLabOptions options, std::string turnUris) {
    if (const char* display = std::getenv("DISPLAY"); display == nullptr || *display == '\0') {
        throw std::runtime_error("the console needs an X display: run the test under xvfb-run "
                                 "(xvfb, third_party/packages.txt)");
    }
    std::string name = std::filesystem::temp_directory_path() /
                       ("tc-e2e-nat-" + std::to_string(::getpid()) + "-XXXXXX");
    if (::mkdtemp(name.data()) == nullptr) {
        throw std::runtime_error("cannot make a temporary directory");
    }
    m_directory = name;
    const char* keep = std::getenv("TC_E2E_KEEP");
    m_keep = keep != nullptr && std::string(keep) == "1";
    m_lab = std::make_unique<NetLab>(options);

    const auto pki = m_directory / "pki";
    mustRun({TC_E2E_RENDEZVOUS, "pki", "init", pki.string()}, "telecabine-rendezvous pki init");
    // `pki init`'s service certificate is for localhost: this one is for the public address
    // the console and the cabin dial. coturn gets its own from the same CA.
    issueServerCertificate(pki, "rendezvous", "Service de rendez-vous", "localhost",
                           m_directory / "service");
    issueServerCertificate(pki, "turn", "Relais TURN", kTurnServerName, m_directory / "turn");
    CoturnOptions turn;
    turn.certificate =
        CoturnCertificate{m_directory / "turn.pem", m_directory / "turn.key", pki / "ca.pem"};
    m_coturn = m_lab->startCoturn(turn);
    std::ofstream(m_directory / "turn-secret") << turn.secret << "\n";

    const auto portFile = m_directory / "port";
    m_service = m_lab->spawnIn(
        Place::publicHost,
        {TC_E2E_RENDEZVOUS, "serve", "--bind", NetLab::kPublicAddress, "--port", "0", "--port-file",
         portFile.string(), "--event-log", (m_directory / "events.sqlite").string(), "--ca",
         (pki / "ca.pem").string(), "--cert", (m_directory / "service.pem").string(), "--key",
         (m_directory / "service.key").string(),
         // The consultation's dossier is archived there at the end.
         "--archive-dir", (m_directory / "archive").string(), "--archive-key",
         (m_directory / "archive.key").string(), "--stun", "stun:203.0.113.10:3478", "--turn",
         turnUris, "--turn-secret-file", (m_directory / "turn-secret").string(),
         // Browser cabins' WebSockets (a token instead of a client certificate).
         "--browser-port", "0"},
        m_directory / "rendezvous.log");
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!std::filesystem::exists(portFile)) {
        if (!m_service.running() || std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("the rendezvous service did not start:\n" +
                                     readText(m_directory / "rendezvous.log"));
        }
        std::this_thread::sleep_for(20ms);
    }
    m_port = std::stoi(readText(portFile));
}

ConsultationLab::~ConsultationLab() {
    // The programs, coturn and the lab go before the directory their files are in.
    m_console = Process{};
    m_browser.reset();
    m_webCabin = Process{};
    m_cabin = Process{};
    m_service = Process{};
    m_coturn.reset();
    m_lab.reset();
    if (m_keep) {
        std::cerr << "e2e: artefacts kept in " << m_directory << "\n";
    } else {
        std::error_code ignored;
        std::filesystem::remove_all(m_directory, ignored);
    }
}

void ConsultationLab::startCabin(const std::filesystem::path& stethoscopeWav) {
    const auto pki = m_directory / "pki";
    m_cabin = m_lab->spawnIn(Place::cabin,
                             clientArgv(TC_E2E_CABIN, m_port, pki / "cabin.p12",
                                        {
                                            "--passphrase",
                                            kPassphrase,
                                            "--waiting",
                                            "1",
                                            "--cleaning-delay-ms",
                                            "500",
                                            "--stethoscope-codec",
                                            "l16",
                                            "--stethoscope-file",
                                            stethoscopeWav.string(),
                                            "--state-dir",
                                            (m_directory / "cabin-state").string(),
                                        }),
                             m_directory / "cabin.log");
}

ChromiumSession& ConsultationLab::startBrowserCabin(const std::filesystem::path& stethoscopeWav,
                                                    const std::filesystem::path& cameraY4m,
                                                    const std::string& query) {
    const auto pki = m_directory / "pki";
    // The cabin's own kiosk server, on the cabin host's loopback (its namespace's).
    constexpr int kWebPort = 8080;
    m_webCabin =
        m_lab->spawnIn(Place::cabin,
                       clientArgv(TC_E2E_CABIN, m_port, pki / "cabin.p12",
                                  {"--passphrase", kPassphrase, "--web", std::to_string(kWebPort)}),
                       m_directory / "web-cabin.log");
    ChromiumOptions options;
    options.fakeAudioWav = stethoscopeWav;
    options.fakeVideoY4m = cameraY4m;
    options.pinnedSpkiBase64 = spkiSha256Base64(readText(m_directory / "service.pem"));
    options.netns = m_lab->nsName(Place::cabin);
    auto browser = ChromiumSession::launch(options);
    if (!browser) {
        throw std::runtime_error("chromium: " + browser.error().message() + "\n" + diagnostics());
    }
    m_browser = std::move(*browser);
    if (auto page = m_browser->openPage(); !page) {
        throw std::runtime_error("chromium page: " + page.error().message());
    }
    // The server may still be starting: a refused connection is tried again.
    const std::string url = "http://127.0.0.1:" + std::to_string(kWebPort) + "/?" + query;
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    for (;;) {
        const auto loaded = m_browser->navigate(url);
        if (loaded) {
            break;
        }
        if (std::chrono::steady_clock::now() > deadline || !m_webCabin.running()) {
            throw std::runtime_error("the cabin page did not load: " + loaded.error().message() +
                                     "\n" + diagnostics());
        }
        std::this_thread::sleep_for(200ms);
    }
    return *m_browser;
}

void ConsultationLab::startConsole(int auscultationSeconds, int timeoutSeconds) {
    const auto pki = m_directory / "pki";
    // Inherited by the child: the autopilot signs in, and signs the ordonnance, with it.
    ::setenv("TELECABINE_PASSPHRASE", kPassphrase, 1);
    m_console = m_lab->spawnIn(Place::doctor,
                               clientArgv(TC_E2E_CONSOLE, m_port, pki / "doctor.p12",
                                          {
                                              "--autopilot",
                                              "--autopilot-timeout",
                                              std::to_string(timeoutSeconds),
                                              "--autopilot-auscultation",
                                              std::to_string(auscultationSeconds),
                                              "--screenshot",
                                              (m_directory / "console.png").string(),
                                              "--data-dir",
                                              (m_directory / "console").string(),
                                              "--pkcs11-module",
                                              "none",
                                              "--audio-sink",
                                              "none",
                                              "--microphone",
                                              "synthetic",
                                              "--camera",
                                              "test",
                                          }),
                               m_directory / "console.log");
}

std::optional<int> ConsultationLab::waitForConsole(std::chrono::seconds timeout) {
    return m_console.wait(timeout);
}

std::string ConsultationLab::log(const std::string& logName) const {
    return readText(m_directory / (logName + ".log"));
}

bool ConsultationLab::hasLine(const std::string& logName, const std::string& pattern) const {
    return !capture(logName, "(" + pattern + ")").empty();
}

std::string ConsultationLab::capture(const std::string& logName, const std::string& pattern) const {
    const std::regex expression(pattern);
    std::istringstream lines(log(logName));
    for (std::string line; std::getline(lines, line);) {
        if (std::smatch match; std::regex_search(line, match, expression) && match.size() > 1) {
            return match[1].str();
        }
    }
    return {};
}

bool ConsultationLab::waitForLine(const std::string& logName, const std::string& pattern,
                                  std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!hasLine(logName, pattern)) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(50ms);
    }
    return true;
}

std::vector<std::string> ConsultationLab::eventKinds() const {
    const auto result = runCommand({"sqlite3", (m_directory / "events.sqlite").string(),
                                    "SELECT kind FROM events ORDER BY sequence;"});
    if (result.status != 0) {
        throw std::runtime_error("sqlite3 could not read the event log: " + result.output);
    }
    std::vector<std::string> kinds;
    std::istringstream lines(result.output);
    for (std::string line; std::getline(lines, line);) {
        kinds.push_back(line);
    }
    return kinds;
}

std::string ConsultationLab::endReason() const {
    auto result = runCommand({"sqlite3", (m_directory / "events.sqlite").string(),
                              "SELECT reason FROM events WHERE kind = 'end';"});
    while (!result.output.empty() && result.output.back() == '\n') {
        result.output.pop_back();
    }
    return result.output;
}

std::string ConsultationLab::diagnostics() {
    m_keep = true;
    std::string text = "artefacts kept in " + m_directory.string() + "\n";
    for (const auto* name : {"console", "cabin", "web-cabin", "rendezvous"}) {
        text += std::string("--- ") + name + ".log\n" + tail(log(name), 4000) + "\n";
    }
    if (m_browser) {
        text += "--- chromium\n" + tail(m_browser->diagnostics(), 6000) + "\n";
    }
    if (m_coturn) {
        text += "--- coturn\n" + tail(m_coturn->log(), 2000) + "\n";
    }
    return text;
}

} // namespace tc::test

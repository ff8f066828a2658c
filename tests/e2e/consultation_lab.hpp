#pragma once
// The three real programs of a consultation in the network lab (tests/netlab): the rendezvous
// service and coturn on the public host (203.0.113.10), the cabin behind the cabin's NAT and the
// console's autopilot behind the doctor's. One deployment PKI made by `telecabine-rendezvous
// pki`, whose CA verifies the service and, through a certificate it issued to coturn, the TURN
// server over TLS too: consoles and cabins trust nothing else (`--ca`).
//
// Every process is started from the calling thread (the lab kills a child when the thread that
// spawned it ends) and killed by the destructor. The working directory is removed then, unless
// TC_E2E_KEEP=1 or a check failed (its path is printed).

#include "net_lab.hpp"
#include "support/chromium_session.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tc::test {

// A deterministic noise "patient": every 32 samples in a row are unique in it, so that any piece
// of a recording tells where in the source it comes from.
std::vector<std::int16_t> stethoscopeNoise(std::size_t samples, std::uint32_t seed);
void writeWav(const std::filesystem::path& path, const std::vector<std::int16_t>& samples,
              int sampleRate);

class ConsultationLab {
public:
    static constexpr int kStethoscopeRate = 48000;

    // The TURN servers the service names by default: UDP on 3478, TLS on 443.
    static constexpr const char* kDefaultTurnUris =
        "turn:203.0.113.10:3478?transport=udp,turns:203.0.113.10:443?transport=tcp";

    // Builds the lab, the PKI and coturn, and starts the service, which names `turnUris` (its
    // --turn) to both parties; throws with what is missing.
    explicit ConsultationLab(NetLabOptions options, std::string turnUris = kDefaultTurnUris);
    ConsultationLab(const ConsultationLab&) = delete;
    ConsultationLab& operator=(const ConsultationLab&) = delete;
    ~ConsultationLab();

    NetLab& lab() { return *m_lab; }
    const std::filesystem::path& directory() const { return m_directory; }

    // The cabin streams this WAV file as its stethoscope, looped.
    void startCabin(const std::filesystem::path& stethoscopeWav);
    // A browser cabin instead: `telecabine-cabin --web` behind the cabin's NAT, and Debian's
    // Chromium there too (headless, its fake microphone and camera fed from these files, the
    // service's key pinned) on the page it serves, with `query` (e.g. "auto=1"). Throws with the
    // logs when the page does not load.
    ChromiumSession& startBrowserCabin(const std::filesystem::path& stethoscopeWav,
                                       const std::filesystem::path& cameraY4m,
                                       const std::string& query);
    // The console's autopilot, recording the stethoscope for `auscultationSeconds` once the
    // media flows; it gives up after `timeoutSeconds`.
    void startConsole(int auscultationSeconds, int timeoutSeconds);

    // The console's exit status once it exits, or nothing after `timeout`.
    std::optional<int> waitForConsole(std::chrono::seconds timeout);
    // Whether a line of that log (console, cabin, rendezvous) matches `pattern` (ECMAScript
    // regex) within `timeout`, polled.
    bool waitForLine(const std::string& logName, const std::string& pattern,
                     std::chrono::milliseconds timeout);
    bool hasLine(const std::string& logName, const std::string& pattern) const;
    // The first capture group of the first line matching `pattern`, or "".
    std::string capture(const std::string& logName, const std::string& pattern) const;
    std::string log(const std::string& logName) const;

    // The event log's kinds in order, and the end reason (sqlite3 CLI, an independent reader).
    std::vector<std::string> eventKinds() const;
    std::string endReason() const;

    // The tail of every log, for a failure's message; marks the directory to be kept.
    std::string diagnostics();

private:
    std::filesystem::path m_directory;
    bool m_keep = false;
    std::unique_ptr<NetLab> m_lab;
    std::unique_ptr<Coturn> m_coturn;
    Process m_service;
    Process m_cabin;
    Process m_console;
    Process m_webCabin;
    std::unique_ptr<ChromiumSession> m_browser;
    int m_port = 0;
};

} // namespace tc::test

#pragma once
// Debian's Chromium, headless, driven over the DevTools protocol on a pipe (no npm, no
// WebSocket): the browser cabin's tests launch it with fake capture devices fed from files, open
// a page, navigate, evaluate scripts and read the page's console. Synchronous: every call waits
// for its answer with a deadline, reading events (console messages, load events) as they come.
//
// The launch (issue 18's decisions): `chromium --headless=new --no-sandbox --user-data-dir=<a
// fresh temporary directory> --remote-debugging-pipe --use-fake-ui-for-media-stream
// --use-fake-device-for-media-stream [--use-file-for-fake-audio-capture=WAV]
// [--use-file-for-fake-video-capture=Y4M] [--ignore-certificate-errors-spki-list=SPKI]
// --disable-features=WebRtcHideLocalIpsWithMdns --autoplay-policy=no-user-gesture-required`,
// optionally under `ip netns exec NS`. Descriptor 3 carries commands to Chromium, descriptor 4
// its replies, each message JSON ended by a NUL. Chromium runs in a process group of its own;
// the session's destructor kills that group, reaps the browser and removes the profile.
// A missing chromium is a typed failure (binary_missing): tests that need it fail, never skip.

#include "tc/errors/outcome.hpp"
#include "tc/test/errc/chromium_errc.hpp"

#include <chrono>
#include <deque>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/types.h>
#include <vector>

namespace tc::test {

using errors::Failure;
template <class T> using BrowserOutcome = errors::Outcome<T, Failure>;

struct ChromiumOptions {
    std::filesystem::path fakeAudioWav; // empty: Chromium's own fake beep
    std::filesystem::path fakeVideoY4m; // empty: Chromium's own fake pattern
    // Base64 SHA-256 of a certificate's SubjectPublicKeyInfo: Chromium accepts that key's
    // certificates (the test service's) whatever their chain or name; empty: no pin.
    std::string pinnedSpkiBase64;
    std::vector<std::string> extraFlags;
    std::string netns; // run under `ip netns exec NETNS` (the NAT tests); empty: this namespace
    std::string binary = "chromium"; // looked up on PATH unless it holds a '/'
    // How long the first DevTools answer may take (a cold start on a loaded machine).
    std::chrono::milliseconds startTimeout{30000};
};

// The base64 SHA-256 of the SubjectPublicKeyInfo of the first certificate in `certificatePem`
// (Chromium's --ignore-certificate-errors-spki-list format); empty when it cannot be read.
std::string spkiSha256Base64(const std::string& certificatePem);

// The path of `name` as execvp finds it (itself when it holds a '/'), empty when it is not
// installed: a test's tool that is missing is a typed failure, not a skip.
std::filesystem::path findExecutable(const std::string& name);

class ChromiumSession {
public:
    static constexpr std::chrono::milliseconds kDefaultTimeout{15000};

    static BrowserOutcome<std::unique_ptr<ChromiumSession>> launch(ChromiumOptions options);
    ~ChromiumSession();
    ChromiumSession(const ChromiumSession&) = delete;
    ChromiumSession& operator=(const ChromiumSession&) = delete;

    // One DevTools command: its `result` object, or protocol_error (Chromium's error), timeout,
    // browser_gone. An empty `sessionId` addresses the browser, otherwise that target's session.
    BrowserOutcome<nlohmann::json> call(const std::string& method,
                                        nlohmann::json params = nlohmann::json::object(),
                                        const std::string& sessionId = {},
                                        std::chrono::milliseconds timeout = kDefaultTimeout);

    // A new page (Target.createTarget, then Target.attachToTarget with flatten), with the Page
    // and Runtime domains enabled; it becomes the page navigate() and evaluate() talk to.
    // Returns its session id.
    BrowserOutcome<std::string> openPage(std::chrono::milliseconds timeout = kDefaultTimeout);
    const std::string& pageSession() const noexcept { return m_page; }

    // Loads `url` in the page and waits for its load event (navigation_failed: Chromium's
    // errorText, e.g. net::ERR_CONNECTION_REFUSED).
    BrowserOutcome<void> navigate(const std::string& url,
                                  std::chrono::milliseconds timeout = kDefaultTimeout);

    // Runtime.evaluate with awaitPromise and returnByValue: the value (null for undefined), or
    // script_threw with the exception's text (a thrown error or a rejected promise), or timeout.
    BrowserOutcome<nlohmann::json> evaluate(const std::string& expression,
                                            std::chrono::milliseconds timeout = kDefaultTimeout);

    // Waits for an event `method` (from `sessionId`, or from any session when empty), taking the
    // first one not consumed yet: its params.
    BrowserOutcome<nlohmann::json> waitEvent(const std::string& method,
                                             const std::string& sessionId = {},
                                             std::chrono::milliseconds timeout = kDefaultTimeout);

    // The pages' console (Runtime.consoleAPICalled, "[log] text") and uncaught exceptions
    // (Runtime.exceptionThrown, "[exception] text"), in order: what a failing test prints.
    const std::vector<std::string>& consoleLog() const noexcept { return m_console; }
    std::string consoleText() const;
    // The last `maxBytes` of Chromium's own stderr (its log file in the profile's directory).
    std::string stderrTail(std::size_t maxBytes = 4000) const;
    // Console, then stderr: everything a failing test should show.
    std::string diagnostics() const;

    // The session's temporary directory: the profile and Chromium's stderr log.
    const std::filesystem::path& directory() const noexcept { return m_dir; }
    // The browser's process (the launcher's pid: `ip netns exec` and the chromium wrapper exec).
    pid_t pid() const noexcept { return m_pid; }
    // Every live process of the browser: its process group and any descendant that left it.
    std::vector<pid_t> pids() const;
    // user + system CPU time of those processes, from /proc/<pid>/stat, in seconds. Processes
    // that have exited already are not counted: sample it while the browser runs.
    double cpuSeconds() const;

private:
    ChromiumSession() = default;
    BrowserOutcome<void> send(const nlohmann::json& message,
                              std::chrono::steady_clock::time_point deadline);
    // Reads what Chromium has written until `deadline`: one read's worth of complete messages
    // parsed into m_responses / m_events. false once the pipe is closed.
    BrowserOutcome<void> pump(std::chrono::steady_clock::time_point deadline);
    void takeMessage(const std::string& text);
    void kill();

    pid_t m_pid = -1;
    int m_toBrowser = -1;        // our end of descriptor 3
    int m_fromBrowser = -1;      // our end of descriptor 4
    std::filesystem::path m_dir; // profile and stderr log
    std::string m_inbox;         // bytes read, not yet a whole message
    long m_nextId = 1;
    std::deque<nlohmann::json> m_responses; // replies not taken yet
    std::deque<nlohmann::json> m_events;    // events not consumed by waitEvent
    std::vector<std::string> m_console;
    std::string m_page;
    bool m_gone = false;
};

} // namespace tc::test

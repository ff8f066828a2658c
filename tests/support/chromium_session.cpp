#include "support/chromium_session.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <poll.h>
#include <set>
#include <signal.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace tc::test {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

Failure failure(ChromiumErrc code, std::string detail = {}) {
    return Failure{make_error_code(code), std::move(detail)};
}

} // namespace

std::filesystem::path findExecutable(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        return ::access(name.c_str(), X_OK) == 0 ? std::filesystem::path(name)
                                                 : std::filesystem::path();
    }
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
    }
    return {};
}

namespace {

int remainingMs(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

// A console argument (Runtime.RemoteObject) as text: strings as they are, other values as JSON.
std::string remoteObjectText(const json& object) {
    if (const auto value = object.find("value"); value != object.end()) {
        return value->is_string() ? value->get<std::string>() : value->dump();
    }
    if (const auto description = object.find("description");
        description != object.end() && description->is_string()) {
        return description->get<std::string>();
    }
    return object.value("type", std::string("?"));
}

// The text of a Runtime.ExceptionDetails: the exception's description (message and stack) when
// there is one, else the value thrown, else Chromium's summary ("Uncaught").
std::string exceptionText(const json& details) {
    if (const auto exception = details.find("exception"); exception != details.end()) {
        return remoteObjectText(*exception);
    }
    return details.value("text", std::string("exception"));
}

struct ProcStat {
    pid_t pid = 0;
    pid_t ppid = 0;
    pid_t pgrp = 0;
    char state = '?';
    unsigned long long ticks = 0; // utime + stime
};

// Every process of /proc/<pid>/stat (fields after the command's closing parenthesis).
std::vector<ProcStat> allProcesses() {
    std::vector<ProcStat> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const auto name = entry.path().filename().string();
        if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) {
            continue;
        }
        std::ifstream in(entry.path() / "stat");
        std::string line;
        if (!std::getline(in, line)) {
            continue;
        }
        const auto close = line.rfind(')');
        if (close == std::string::npos) {
            continue;
        }
        std::istringstream fields(line.substr(close + 2));
        ProcStat stat;
        stat.pid = static_cast<pid_t>(std::stol(name));
        std::string skip;
        unsigned long long utime = 0;
        unsigned long long stime = 0;
        // state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
        fields >> stat.state >> stat.ppid >> stat.pgrp;
        for (int i = 0; i < 8; ++i) {
            fields >> skip;
        }
        fields >> utime >> stime;
        if (fields) {
            stat.ticks = utime + stime;
            out.push_back(stat);
        }
    }
    return out;
}

// The processes of group `group`, and every descendant of `root` (a helper that made a group
// of its own is still the browser's).
std::vector<ProcStat> browserProcesses(pid_t root, pid_t group) {
    const auto all = allProcesses();
    std::set<pid_t> mine{root};
    bool grew = true;
    while (grew) {
        grew = false;
        for (const auto& p : all) {
            if (mine.count(p.pid) == 0 && (p.pgrp == group || mine.count(p.ppid) != 0)) {
                mine.insert(p.pid);
                grew = true;
            }
        }
    }
    std::vector<ProcStat> out;
    for (const auto& p : all) {
        if (mine.count(p.pid) != 0) {
            out.push_back(p);
        }
    }
    return out;
}

} // namespace

std::string spkiSha256Base64(const std::string& certificatePem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(certificatePem.data(), static_cast<int>(certificatePem.size())), &BIO_free);
    if (!bio) {
        return {};
    }
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
    if (!cert) {
        return {};
    }
    unsigned char* der = nullptr;
    const int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), &der);
    if (length <= 0) {
        return {};
    }
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(der, static_cast<std::size_t>(length), digest.data());
    OPENSSL_free(der);
    std::array<unsigned char, 4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1> text{};
    const int written = EVP_EncodeBlock(text.data(), digest.data(), SHA256_DIGEST_LENGTH);
    return std::string(reinterpret_cast<const char*>(text.data()),
                       static_cast<std::size_t>(written));
}

BrowserOutcome<std::unique_ptr<ChromiumSession>> ChromiumSession::launch(ChromiumOptions options) {
    const auto chromium = findExecutable(options.binary);
    if (chromium.empty()) {
        return failure(ChromiumErrc::binaryMissing,
                       options.binary + " not found on PATH (Debian package chromium)");
    }
    std::filesystem::path ip;
    if (!options.netns.empty()) {
        ip = findExecutable("ip");
        if (ip.empty()) {
            return failure(ChromiumErrc::binaryMissing, "ip not found (Debian package iproute2)");
        }
    }
    std::unique_ptr<ChromiumSession> session(new ChromiumSession());
    std::string dirTemplate = (std::filesystem::temp_directory_path() / "tc-chromium-XXXXXX");
    if (::mkdtemp(dirTemplate.data()) == nullptr) {
        return failure(ChromiumErrc::launchFailed, "mkdtemp failed");
    }
    session->m_dir = dirTemplate;
    const auto profile = session->m_dir / "profile";
    std::filesystem::create_directories(profile);

    std::vector<std::string> args;
    if (!options.netns.empty()) {
        args = {ip.string(), "netns", "exec", options.netns};
    }
    args.insert(args.end(), {chromium.string(), "--headless=new", "--no-sandbox",
                             "--user-data-dir=" + profile.string(), "--remote-debugging-pipe",
                             "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                             "--disable-features=WebRtcHideLocalIpsWithMdns",
                             "--autoplay-policy=no-user-gesture-required", "--no-first-run",
                             "--no-default-browser-check"});
    if (!options.fakeAudioWav.empty()) {
        args.push_back("--use-file-for-fake-audio-capture=" + options.fakeAudioWav.string());
    }
    if (!options.fakeVideoY4m.empty()) {
        args.push_back("--use-file-for-fake-video-capture=" + options.fakeVideoY4m.string());
    }
    if (!options.pinnedSpkiBase64.empty()) {
        args.push_back("--ignore-certificate-errors-spki-list=" + options.pinnedSpkiBase64);
    }
    args.insert(args.end(), options.extraFlags.begin(), options.extraFlags.end());
    args.emplace_back("about:blank");
    std::vector<char*> argv;
    for (auto& arg : args) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);

    // Socket pairs rather than pipes: send() with MSG_NOSIGNAL cannot raise SIGPIPE in the test
    // when the browser has died. Chromium only reads descriptor 3 and writes descriptor 4.
    std::array<int, 2> toBrowser{-1, -1};
    std::array<int, 2> fromBrowser{-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, toBrowser.data()) != 0 ||
        ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fromBrowser.data()) != 0) {
        return failure(ChromiumErrc::launchFailed, "socketpair failed");
    }
    const auto logPath = session->m_dir / "chromium.log";
    const int log = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int devNull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t pid = ::fork();
    if (pid == 0) {
        // Only async-signal-safe calls from here to exec (the test process has threads).
        ::setpgid(0, 0);
        const int in = ::fcntl(toBrowser[1], F_DUPFD, 10);
        const int out = ::fcntl(fromBrowser[1], F_DUPFD, 10);
        if (in < 0 || out < 0 || ::dup2(in, 3) < 0 || ::dup2(out, 4) < 0) {
            ::_exit(126);
        }
        ::dup2(devNull, 0);
        ::dup2(log, 1);
        ::dup2(log, 2);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(toBrowser[1]);
    ::close(fromBrowser[1]);
    ::close(log);
    ::close(devNull);
    session->m_toBrowser = toBrowser[0];
    session->m_fromBrowser = fromBrowser[0];
    if (pid < 0) {
        return failure(ChromiumErrc::launchFailed, "fork failed");
    }
    ::setpgid(pid, pid); // also here: no race with the kill of a group not made yet
    session->m_pid = pid;
    ::fcntl(session->m_toBrowser, F_SETFL, O_NONBLOCK);
    ::fcntl(session->m_fromBrowser, F_SETFL, O_NONBLOCK);

    // The first answer says the browser is up and the pipe works.
    auto version = session->call("Browser.getVersion", json::object(), {}, options.startTimeout);
    if (!version) {
        auto why = version.error();
        why.detail += "\n" + session->stderrTail();
        return why;
    }
    return session;
}

ChromiumSession::~ChromiumSession() {
    kill();
}

void ChromiumSession::kill() {
    if (m_pid > 0) {
        const auto before = browserProcesses(m_pid, m_pid);
        ::kill(-m_pid, SIGKILL);
        for (const auto& p : before) {
            ::kill(p.pid, SIGKILL);
        }
        ::waitpid(m_pid, nullptr, 0);
        // The helpers are the init process's to reap; wait until they are gone (or zombies) so
        // that none writes into the profile being removed.
        const auto deadline = Clock::now() + std::chrono::seconds(5);
        while (Clock::now() < deadline) {
            const auto left = browserProcesses(m_pid, m_pid);
            if (std::all_of(left.begin(), left.end(),
                            [&](const ProcStat& p) { return p.state == 'Z' || p.pid == m_pid; })) {
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        m_pid = -1;
    }
    for (int* fd : {&m_toBrowser, &m_fromBrowser}) {
        if (*fd >= 0) {
            ::close(*fd);
            *fd = -1;
        }
    }
    if (!m_dir.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(m_dir, ignored);
        m_dir.clear();
    }
}

BrowserOutcome<void> ChromiumSession::send(const json& message, Clock::time_point deadline) {
    std::string bytes = message.dump();
    bytes.push_back('\0');
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        if (m_gone) {
            return failure(ChromiumErrc::browserGone);
        }
        const auto n = ::send(m_toBrowser, bytes.data() + sent, bytes.size() - sent,
                              MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            pollfd ready{m_toBrowser, POLLOUT, 0};
            if (::poll(&ready, 1, remainingMs(deadline)) == 0) {
                return failure(ChromiumErrc::timeout,
                               "writing " + message.value("method", std::string()));
            }
            continue;
        }
        m_gone = true;
        return failure(ChromiumErrc::browserGone, "writing to the DevTools pipe failed");
    }
    return {};
}

BrowserOutcome<void> ChromiumSession::pump(Clock::time_point deadline) {
    if (m_gone) {
        return failure(ChromiumErrc::browserGone);
    }
    pollfd ready{m_fromBrowser, POLLIN, 0};
    const int polled = ::poll(&ready, 1, remainingMs(deadline));
    if (polled == 0) {
        return failure(ChromiumErrc::timeout);
    }
    if (polled < 0) {
        return errno == EINTR ? BrowserOutcome<void>{}
                              : BrowserOutcome<void>{failure(ChromiumErrc::browserGone)};
    }
    std::array<char, 65536> buffer{};
    const auto n = ::read(m_fromBrowser, buffer.data(), buffer.size());
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        m_gone = true;
        return failure(ChromiumErrc::browserGone, "the DevTools pipe closed");
    }
    if (n > 0) {
        m_inbox.append(buffer.data(), static_cast<std::size_t>(n));
    }
    std::size_t end = 0;
    while ((end = m_inbox.find('\0')) != std::string::npos) {
        takeMessage(m_inbox.substr(0, end));
        m_inbox.erase(0, end + 1);
    }
    return {};
}

void ChromiumSession::takeMessage(const std::string& text) {
    auto message = json::parse(text, nullptr, false);
    if (message.is_discarded() || !message.is_object()) {
        m_console.push_back("[devtools] unparseable message: " + text.substr(0, 200));
        return;
    }
    if (message.contains("id")) {
        m_responses.push_back(std::move(message));
        return;
    }
    const auto method = message.value("method", std::string());
    const auto& params = message.contains("params") ? message["params"] : json::object();
    if (method == "Runtime.consoleAPICalled") {
        std::string line = "[" + params.value("type", std::string("log")) + "]";
        for (const auto& arg : params.value("args", json::array())) {
            line += " " + remoteObjectText(arg);
        }
        m_console.push_back(std::move(line));
    } else if (method == "Runtime.exceptionThrown") {
        m_console.push_back("[exception] " +
                            exceptionText(params.value("exceptionDetails", json::object())));
    } else if (method == "Inspector.targetCrashed" || method == "Target.targetCrashed") {
        m_console.push_back("[crash] " + params.dump());
    }
    // Bounded: a long call must not grow the queue of events nobody waits for without end.
    constexpr std::size_t kMaxEvents = 4096;
    if (m_events.size() == kMaxEvents) {
        m_events.pop_front();
    }
    m_events.push_back(std::move(message));
}

BrowserOutcome<json> ChromiumSession::call(const std::string& method, json params,
                                           const std::string& sessionId,
                                           std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    const long id = m_nextId++;
    json message{{"id", id}, {"method", method}, {"params", std::move(params)}};
    if (!sessionId.empty()) {
        message["sessionId"] = sessionId;
    }
    if (auto sent = send(message, deadline); !sent) {
        return sent.error();
    }
    for (;;) {
        const auto found = std::find_if(m_responses.begin(), m_responses.end(), [&](const json& r) {
            return r["id"].is_number_integer() && r["id"].get<long>() == id;
        });
        if (found != m_responses.end()) {
            json reply = std::move(*found);
            m_responses.erase(found);
            if (reply.contains("error")) {
                return failure(ChromiumErrc::protocolError, method + ": " + reply["error"].dump());
            }
            return reply.contains("result") ? std::move(reply["result"]) : json::object();
        }
        if (auto read = pump(deadline); !read) {
            auto why = read.error();
            why.detail = method + (why.detail.empty() ? "" : ": " + why.detail);
            return why;
        }
    }
}

BrowserOutcome<json> ChromiumSession::waitEvent(const std::string& method,
                                                const std::string& sessionId,
                                                std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const auto found = std::find_if(m_events.begin(), m_events.end(), [&](const json& e) {
            return e.value("method", std::string()) == method &&
                   (sessionId.empty() || e.value("sessionId", std::string()) == sessionId);
        });
        if (found != m_events.end()) {
            json params = found->contains("params") ? (*found)["params"] : json::object();
            m_events.erase(found);
            return params;
        }
        if (auto read = pump(deadline); !read) {
            auto why = read.error();
            why.detail = "waiting for " + method;
            return why;
        }
    }
}

BrowserOutcome<std::string> ChromiumSession::openPage(std::chrono::milliseconds timeout) {
    auto target = call("Target.createTarget", {{"url", "about:blank"}}, {}, timeout);
    if (!target) {
        return target.error();
    }
    auto attached = call("Target.attachToTarget",
                         {{"targetId", (*target)["targetId"]}, {"flatten", true}}, {}, timeout);
    if (!attached) {
        return attached.error();
    }
    m_page = attached->value("sessionId", std::string());
    for (const char* domain : {"Page.enable", "Runtime.enable"}) {
        if (auto enabled = call(domain, json::object(), m_page, timeout); !enabled) {
            return enabled.error();
        }
    }
    return m_page;
}

BrowserOutcome<void> ChromiumSession::navigate(const std::string& url,
                                               std::chrono::milliseconds timeout) {
    if (m_page.empty()) {
        return failure(ChromiumErrc::noPage);
    }
    const auto deadline = Clock::now() + timeout;
    // A load event of an earlier page must not stand for this one.
    std::erase_if(m_events, [&](const json& e) {
        return e.value("method", std::string()) == "Page.loadEventFired" &&
               e.value("sessionId", std::string()) == m_page;
    });
    auto navigated = call("Page.navigate", {{"url", url}}, m_page, timeout);
    if (!navigated) {
        return navigated.error();
    }
    if (const auto error = navigated->value("errorText", std::string()); !error.empty()) {
        return failure(ChromiumErrc::navigationFailed, url + ": " + error);
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (auto loaded =
            waitEvent("Page.loadEventFired", m_page, std::max(left, std::chrono::milliseconds(1)));
        !loaded) {
        return loaded.error();
    }
    return {};
}

BrowserOutcome<json> ChromiumSession::evaluate(const std::string& expression,
                                               std::chrono::milliseconds timeout) {
    if (m_page.empty()) {
        return failure(ChromiumErrc::noPage);
    }
    auto evaluated = call("Runtime.evaluate",
                          {{"expression", expression},
                           {"awaitPromise", true},
                           {"returnByValue", true},
                           {"userGesture", true}},
                          m_page, timeout);
    if (!evaluated) {
        return evaluated.error();
    }
    if (const auto details = evaluated->find("exceptionDetails"); details != evaluated->end()) {
        return failure(ChromiumErrc::scriptThrew, exceptionText(*details));
    }
    const auto& result = (*evaluated)["result"];
    return result.contains("value") ? result["value"] : json(nullptr);
}

std::string ChromiumSession::consoleText() const {
    std::string out;
    for (const auto& line : m_console) {
        out += line + "\n";
    }
    return out;
}

std::string ChromiumSession::stderrTail(std::size_t maxBytes) const {
    std::ifstream in(m_dir / "chromium.log", std::ios::binary);
    std::ostringstream all;
    all << in.rdbuf();
    // Without a D-Bus, Chromium logs a failed bus call every few milliseconds: noise, dropped.
    std::string text;
    std::istringstream lines(all.str());
    for (std::string line; std::getline(lines, line);) {
        if (line.find("dbus/") == std::string::npos && line.find("DBus") == std::string::npos) {
            text += line + "\n";
        }
    }
    return text.size() > maxBytes ? text.substr(text.size() - maxBytes) : text;
}

std::string ChromiumSession::diagnostics() const {
    return "--- page console ---\n" + consoleText() + "--- chromium stderr (tail) ---\n" +
           stderrTail();
}

std::vector<pid_t> ChromiumSession::pids() const {
    std::vector<pid_t> out;
    if (m_pid <= 0) {
        return out;
    }
    for (const auto& p : browserProcesses(m_pid, m_pid)) {
        if (p.state != 'Z') {
            out.push_back(p.pid);
        }
    }
    return out;
}

double ChromiumSession::cpuSeconds() const {
    if (m_pid <= 0) {
        return 0;
    }
    unsigned long long ticks = 0;
    for (const auto& p : browserProcesses(m_pid, m_pid)) {
        ticks += p.ticks;
    }
    return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

} // namespace tc::test

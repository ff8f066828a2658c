#include "net_lab.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sched.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

extern char** environ;

namespace tc::test {

using namespace std::chrono_literals;

namespace {

constexpr std::string_view kPrefix = "tl";
constexpr const char* kNeeds =
    "the network lab needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN), iproute2 and nftables "
    "(third_party/packages.txt)";

std::string joined(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) {
        out += (out.empty() ? "" : " ") + a;
    }
    return out;
}

int statusOf(int waitStatus) {
    if (WIFEXITED(waitStatus)) {
        return WEXITSTATUS(waitStatus);
    }
    return WIFSIGNALED(waitStatus) ? 128 + WTERMSIG(waitStatus) : -1;
}

[[noreturn]] void fail(const std::vector<std::string>& argv, const CommandResult& result,
                       const std::string& hint) {
    std::ostringstream message;
    message << "`" << joined(argv) << "` failed (status " << result.status << "): " << result.output
            << "\n"
            << hint;
    throw std::runtime_error(message.str());
}

std::optional<std::string> findOnPath(const std::string& program) {
    if (program.find('/') != std::string::npos) {
        return program;
    }
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path != nullptr ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const auto candidate = (dir.empty() ? "." : dir) + "/" + program;
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
    }
    return std::nullopt;
}

std::vector<char*> cArgv(std::vector<std::string>& argv) {
    std::vector<char*> out;
    for (auto& a : argv) {
        out.push_back(a.data());
    }
    out.push_back(nullptr);
    return out;
}

// Deletes the namespaces of labs whose process is gone (kill -9, a crash): "tl<pid>-<n>-...".
void deleteStaleNamespaces() {
    std::istringstream lines(runCommand({"ip", "netns", "list"}).output);
    for (std::string line; std::getline(lines, line);) {
        const auto name = line.substr(0, line.find(' '));
        if (!name.starts_with(kPrefix)) {
            continue;
        }
        const auto dash = name.find('-', kPrefix.size());
        const auto digits = name.substr(kPrefix.size(), dash - kPrefix.size());
        if (dash == std::string::npos || digits.empty() ||
            digits.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        const auto pid = static_cast<pid_t>(std::stol(digits));
        if (pid != ::getpid() && processIsGone(pid)) {
            runCommand({"ip", "netns", "del", name});
        }
    }
}

const char* suffixOf(Place place) {
    switch (place) {
    case Place::publicHost:
        return "pub";
    case Place::doctorRouter:
        return "drt";
    case Place::doctor:
        return "doc";
    case Place::cabinRouter:
        return "crt";
    case Place::cabin:
        return "cab";
    }
    return "?";
}

std::size_t indexOf(Place place) {
    return static_cast<std::size_t>(place);
}

std::size_t indexOf(Side side) {
    return static_cast<std::size_t>(side);
}

} // namespace

CommandResult runCommand(const std::vector<std::string>& argv) {
    CommandResult result;
    std::array<int, 2> pipe{};
    if (::pipe2(pipe.data(), O_CLOEXEC) != 0) {
        result.output = std::string("pipe: ") + std::strerror(errno);
        return result;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe[1], STDERR_FILENO);
    auto args = argv;
    auto cArgs = cArgv(args);
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, cArgs[0], &actions, nullptr, cArgs.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe[1]);
    if (spawned != 0) {
        ::close(pipe[0]);
        result.status = 127;
        result.output = "cannot run " + argv[0] + ": " + std::strerror(spawned);
        return result;
    }
    std::array<char, 4096> buffer{};
    for (;;) {
        const auto n = ::read(pipe[0], buffer.data(), buffer.size());
        if (n > 0) {
            result.output.append(buffer.data(), static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    ::close(pipe[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) == -1 && errno == EINTR) {
    }
    result.status = statusOf(status);
    return result;
}

bool processIsGone(pid_t pid) {
    if (::kill(pid, 0) == -1 && errno == ESRCH) {
        return true;
    }
    // A killed process whose parent has not reaped it yet still answers kill(pid, 0).
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    return close != std::string::npos && line.substr(close + 1, 3) == " Z ";
}

void enterNetworkNamespace(const std::string& name) {
    const auto path = "/run/netns/" + name;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    }
    const int entered = ::setns(fd, CLONE_NEWNET);
    const int error = errno;
    ::close(fd);
    if (entered != 0) {
        throw std::runtime_error("setns into " + name + ": " + std::strerror(error) +
                                 " (needs root or CAP_SYS_ADMIN)");
    }
}

// ---- Process ----

Process::Process(Process&& other) noexcept
    : m_pid(std::exchange(other.m_pid, 0))
    , m_status(other.m_status) {}

Process& Process::operator=(Process&& other) noexcept {
    if (this != &other) {
        kill();
        wait(5s);
        m_pid = std::exchange(other.m_pid, 0);
        m_status = other.m_status;
    }
    return *this;
}

Process::~Process() {
    kill();
    wait(5s);
}

bool Process::running() {
    if (m_pid <= 0 || m_status) {
        return false;
    }
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_status = statusOf(status);
        return false;
    }
    return true;
}

void Process::terminate() {
    if (running()) {
        ::kill(m_pid, SIGTERM);
    }
}

void Process::kill() {
    if (running()) {
        ::kill(m_pid, SIGKILL);
    }
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(5ms);
    }
    return m_status;
}

// ---- NetLab ----

NetLab::NetLab(NetLabOptions options)
    : m_options(options)
    , m_hostAddresses{"192.168.10.2", options.sameSegment ? "192.168.10.3" : "192.168.20.2"}
    , m_created(5, false) {
    static std::atomic<int> counter{0};
    const auto id =
        std::string(kPrefix) + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-";
    for (const auto place : {Place::publicHost, Place::doctorRouter, Place::doctor,
                             Place::cabinRouter, Place::cabin}) {
        m_names.push_back(id + suffixOf(place));
    }
    for (const auto* tool : {"ip", "nft"}) {
        if (!findOnPath(tool)) {
            throw std::runtime_error(std::string(tool) + " is not on PATH: " + kNeeds);
        }
    }
    deleteStaleNamespaces();
    try {
        build();
    } catch (...) {
        deleteNamespaces(); // the destructor does not run for a throwing constructor
        throw;
    }
}

NetLab::~NetLab() {
    deleteNamespaces();
}

void NetLab::deleteNamespaces() {
    for (std::size_t i = 0; i < m_names.size(); ++i) {
        if (m_created[i]) {
            runCommand({"ip", "netns", "del", m_names[i]});
            m_created[i] = false;
        }
    }
}

const std::string& NetLab::nsName(Place place) const {
    return m_names.at(indexOf(place));
}

std::string NetLab::wanAddress(Side side) {
    return side == Side::doctor ? "203.0.113.1" : "203.0.113.2";
}

std::string NetLab::gateway(Side side) const {
    return side == Side::doctor || m_options.sameSegment ? "192.168.10.1" : "192.168.20.1";
}

std::string NetLab::hostAddress(Side side) const {
    return m_hostAddresses.at(indexOf(side));
}

void NetLab::ip(const std::vector<std::string>& arguments) const {
    std::vector<std::string> argv{"ip"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    const auto result = runCommand(argv);
    if (result.status != 0) {
        fail(argv, result, kNeeds);
    }
}

void NetLab::nft(Place place, const std::string& script) const {
    const std::vector<std::string> argv{"ip", "netns", "exec", nsName(place), "nft", script};
    const auto result = runCommand(argv);
    if (result.status != 0) {
        fail(argv, result, kNeeds);
    }
}

void NetLab::writeSysctl(Place place, const std::string& key, const std::string& value) const {
    // /proc/sys/net belongs to the namespace of the thread that opens it.
    runIn(place, [&] {
        std::ofstream out("/proc/sys/" + key);
        out << value;
        out.close();
        if (!out) {
            throw std::runtime_error("cannot write /proc/sys/" + key + " in " + nsName(place));
        }
    });
}

// A veth pair created with each end already in its namespace, so interface names need only be
// unique inside one namespace (and stay well under the kernel's 15 characters).
void NetLab::link(Place a, const std::string& nameInA, Place b, const std::string& nameInB) const {
    ip({"-n", nsName(a), "link", "add", nameInA, "type", "veth", "peer", "name", nameInB, "netns",
        nsName(b)});
    ip({"-n", nsName(a), "link", "set", nameInA, "up"});
    ip({"-n", nsName(b), "link", "set", nameInB, "up"});
}

void NetLab::setDefaultRoute(Side side) const {
    ip({"-n", nsName(hostOf(side)), "route", "replace", "default", "via", gateway(side)});
}

void NetLab::addInternet(Place place, const std::string& device) const {
    ip({"-n", nsName(place), "neigh", "replace", "203.0.113.254", "lladdr", "02:00:00:00:00:fe",
        "dev", device, "nud", "permanent"});
    ip({"-n", nsName(place), "route", "add", "default", "via", "203.0.113.254", "dev", device});
}

void NetLab::build() {
    for (std::size_t i = 0; i < m_names.size(); ++i) {
        ip({"netns", "add", m_names[i]});
        m_created[i] = true;
        ip({"-n", m_names[i], "link", "set", "lo", "up"});
    }
    const auto& pub = nsName(Place::publicHost);
    ip({"-n", pub, "link", "add", "br0", "type", "bridge"});
    ip({"-n", pub, "link", "set", "br0", "up"});
    ip({"-n", pub, "addr", "add", std::string(kPublicAddress) + "/24", "dev", "br0"});
    if (m_options.secondPublicAddress) {
        ip({"-n", pub, "addr", "add", std::string(kSecondPublicAddress) + "/24", "dev", "br0"});
    }
    // The rest of the Internet: a default route via 203.0.113.254, a neighbour nobody is (a
    // MAC address no port has), where datagrams vanish without an error, as a private address
    // sent to from a public server does. Without it a send fails at once (ENETUNREACH), and
    // coturn closes an allocation whose relay socket fails to send to a peer's private host
    // candidate. The routers get the same route once their WAN is up (see below).
    addInternet(Place::publicHost, "br0");
    for (const auto side : {Side::doctor, Side::cabin}) {
        const auto router = routerOf(side);
        const auto& ns = nsName(router);
        const std::string port = side == Side::doctor ? "doctor-wan" : "cabin-wan";
        link(Place::publicHost, port, router, "wan");
        ip({"-n", pub, "link", "set", port, "master", "br0"});
        ip({"-n", ns, "addr", "add", wanAddress(side) + "/24", "dev", "wan"});
        ip({"-n", ns, "link", "set", "wan", "up"});
        addInternet(router, "wan");
        // The LAN side is a bridge so that a second host can join it (sameSegment).
        ip({"-n", ns, "link", "add", "lan", "type", "bridge"});
        ip({"-n", ns, "link", "set", "lan", "up"});
        ip({"-n", ns, "addr", "add", side == Side::doctor ? "192.168.10.1/24" : "192.168.20.1/24",
            "dev", "lan"});
        writeSysctl(router, "net/ipv4/ip_forward", "1");
        const auto nat = side == Side::doctor ? m_options.doctorNat : m_options.cabinNat;
        nft(router, std::string("table ip nat {\n"
                                "  chain postrouting {\n"
                                "    type nat hook postrouting priority srcnat; policy accept;\n"
                                "    oifname \"wan\" masquerade") +
                        (nat == NatMapping::addressAndPortDependent ? " random" : "") +
                        "\n  }\n}\n"
                        // From the WAN, only replies to flows opened from inside, even for a
                        // public host that routes 192.168.x through this router.
                        "table ip filter {\n"
                        "  chain forward {\n"
                        "    type filter hook forward priority filter; policy accept;\n"
                        "    iifname \"wan\" ct state established,related accept\n"
                        "    iifname \"wan\" drop\n"
                        "  }\n"
                        // Nor to the router itself, as a home router's firewall: an unsolicited
                        // datagram (the peer's first ICE check) is dropped before conntrack
                        // confirms it; confirmed, its entry would take the port the NAT keeps
                        // for the host's own flow, and hole punching would fail.
                        "  chain input {\n"
                        "    type filter hook input priority filter; policy accept;\n"
                        "    iifname \"wan\" ct state established,related accept\n"
                        "    iifname \"wan\" drop\n"
                        "  }\n}\n"
                        // blockUdp fills this chain, unblockUdp flushes it.
                        "table ip block {\n"
                        "  chain forward {\n"
                        "    type filter hook forward priority filter - 1; policy accept;\n"
                        "  }\n}\n");
    }
    const auto attach = [&](Side side, const std::string& routerPort) {
        const auto router = m_options.sameSegment ? Place::doctorRouter : routerOf(side);
        const auto host = hostOf(side);
        link(router, routerPort, host, "eth0");
        ip({"-n", nsName(router), "link", "set", routerPort, "master", "lan"});
        // Removing the primary address then keeps the others (addHostAddress).
        writeSysctl(host, "net/ipv4/conf/all/promote_secondaries", "1");
        ip({"-n", nsName(host), "addr", "add", hostAddress(side) + "/24", "dev", "eth0"});
        setDefaultRoute(side);
    };
    attach(Side::doctor, "host0");
    attach(Side::cabin, m_options.sameSegment ? "host1" : "host0");
}

void NetLab::blockUdp(Side side) {
    nft(routerOf(side), "flush chain ip block forward; add rule ip block forward meta l4proto "
                        "udp counter drop");
}

void NetLab::unblockUdp(Side side) {
    nft(routerOf(side), "flush chain ip block forward");
}

void NetLab::changeHostAddress(Side side, const std::string& newAddress) {
    const auto& ns = nsName(hostOf(side));
    // Deleting the last address of the subnet takes the default route with it: re-added below.
    ip({"-n", ns, "addr", "del", hostAddress(side) + "/24", "dev", "eth0"});
    ip({"-n", ns, "addr", "add", newAddress + "/24", "dev", "eth0"});
    m_hostAddresses.at(indexOf(side)) = newAddress;
    setDefaultRoute(side);
}

void NetLab::addHostAddress(Side side, const std::string& address) {
    ip({"-n", nsName(hostOf(side)), "addr", "add", address + "/24", "dev", "eth0"});
}

void NetLab::removeHostAddress(Side side, const std::string& address) {
    const auto& ns = nsName(hostOf(side));
    ip({"-n", ns, "addr", "del", address + "/24", "dev", "eth0"});
    // The primary may have changed (a secondary promoted) or be gone.
    const auto shown = runCommand({"ip", "-n", ns, "-4", "-o", "addr", "show", "dev", "eth0"});
    const auto inet = shown.output.find(" inet ");
    auto& primary = m_hostAddresses.at(indexOf(side));
    if (inet == std::string::npos) {
        primary.clear();
        return;
    }
    const auto start = inet + 6;
    primary = shown.output.substr(start, shown.output.find('/', start) - start);
    setDefaultRoute(side);
}

Process NetLab::spawnIn(Place place, const std::vector<std::string>& argv,
                        const std::filesystem::path& logFile) const {
    const auto program = findOnPath(argv.at(0));
    if (!program) {
        throw std::runtime_error(argv[0] + " is not on PATH");
    }
    // Everything the child needs is prepared here: after fork it only makes system calls.
    const auto nsPath = "/run/netns/" + nsName(place);
    const int nsFd = ::open(nsPath.c_str(), O_RDONLY | O_CLOEXEC);
    const int logFd = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    const int nullFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    std::array<int, 2> report{-1, -1};
    const auto closeAll = [&] {
        for (const int fd : {nsFd, logFd, nullFd, report[0], report[1]}) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    };
    if (nsFd < 0 || logFd < 0 || nullFd < 0 || ::pipe2(report.data(), O_CLOEXEC) != 0) {
        const int error = errno;
        closeAll();
        throw std::runtime_error("cannot prepare " + argv[0] + " in " + nsName(place) + ": " +
                                 std::strerror(error));
    }
    auto args = argv;
    auto cArgs = cArgv(args);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        // The child dies with the test (kill -9 included) rather than outlive its lab, and
        // reports a failed setns or exec through the close-on-exec pipe.
        if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) {
            ::_exit(127);
        }
        int error = 0;
        if (::setns(nsFd, CLONE_NEWNET) != 0 || ::dup2(nullFd, STDIN_FILENO) < 0 ||
            ::dup2(logFd, STDOUT_FILENO) < 0 || ::dup2(logFd, STDERR_FILENO) < 0) {
            error = errno;
        } else {
            ::execv(program->c_str(), cArgs.data());
            error = errno;
        }
        [[maybe_unused]] const auto written = ::write(report[1], &error, sizeof error);
        ::_exit(127);
    }
    const int forkError = errno;
    ::close(report[1]);
    report[1] = -1;
    if (pid < 0) {
        closeAll();
        throw std::runtime_error(std::string("fork: ") + std::strerror(forkError));
    }
    Process process(pid);
    int childError = 0;
    const auto n = ::read(report[0], &childError, sizeof childError);
    closeAll();
    if (n > 0) {
        process.wait(5s);
        throw std::runtime_error("cannot start " + joined(argv) + " in " + nsName(place) + ": " +
                                 std::strerror(childError));
    }
    return process;
}

CommandResult NetLab::runCommandIn(Place place, const std::vector<std::string>& argv) const {
    std::vector<std::string> full{"ip", "netns", "exec", nsName(place)};
    full.insert(full.end(), argv.begin(), argv.end());
    return runCommand(full);
}

} // namespace tc::test

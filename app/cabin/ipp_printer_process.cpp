#include "ipp_printer_process.hpp"

#include <arpa/inet.h>
#include <boost/system/errc.hpp>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <random>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace tc::cabin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::optional<fs::path> findInPath(const std::string& name,
                                   std::initializer_list<const char*> extra) {
    std::vector<fs::path> dirs;
    if (const char* path = std::getenv("PATH"); path != nullptr) {
        std::string all = path;
        std::size_t start = 0;
        while (start <= all.size()) {
            const auto end = std::min(all.find(':', start), all.size());
            if (end > start) {
                dirs.emplace_back(all.substr(start, end - start));
            }
            start = end + 1;
        }
    }
    for (const char* dir : extra) {
        dirs.emplace_back(dir);
    }
    for (const auto& dir : dirs) {
        const auto candidate = dir / name;
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
    }
    return std::nullopt;
}

// fork + exec with stdout and stderr to `log`, no other inherited descriptor (not the console's
// sockets), and `env`. The child gets SIGTERM if its parent dies first (PR_SET_PDEATHSIG: the
// forking thread, here the one that starts the demo or the test), so that a crashed console or
// test leaves no printer behind. Between fork and exec only async-signal-safe calls are made.
pid_t spawn(const std::vector<std::string>& args, const fs::path& log,
            const std::vector<std::string>& env) {
    std::vector<char*> argv;
    for (const auto& a : args) {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : env) {
        envp.push_back(const_cast<char*>(e.c_str()));
    }
    envp.push_back(nullptr);
    const std::string logPath = log.string();
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid != 0) {
        return pid; // -1 on failure
    }
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) {
        ::_exit(127); // the parent is already gone
    }
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in < 0 || out < 0) {
        ::_exit(127);
    }
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::close_range(3, ~0U, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
}

bool exited(pid_t pid) {
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) == pid;
}

void terminate(pid_t& pid) {
    if (pid <= 0) {
        return;
    }
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 200; ++i) {
        if (exited(pid)) {
            pid = -1;
            return;
        }
        std::this_thread::sleep_for(10ms);
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
}

bool listening(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

boost::system::error_code errorOf(boost::system::errc::errc_t e) {
    return boost::system::errc::make_error_code(e);
}

} // namespace

std::uint16_t freeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return 0;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    std::uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
        port = ntohs(address.sin_port);
    }
    ::close(fd);
    return port;
}

std::optional<fs::path> IppPrinterProcess::findBinary() {
    return findInPath("ippeveprinter", {"/usr/sbin", "/usr/bin", "/usr/local/sbin"});
}

boost::system::result<std::unique_ptr<IppPrinterProcess>>
IppPrinterProcess::start(const IppPrinterOptions& options) {
    const auto binary = findBinary();
    if (!binary) {
        return errorOf(boost::system::errc::no_such_file_or_directory);
    }
    std::error_code fsError;
    fs::create_directories(options.directory / "spool", fsError);
    if (fsError) {
        return errorOf(boost::system::errc::io_error);
    }
    std::unique_ptr<IppPrinterProcess> printer(new IppPrinterProcess());
    printer->m_spool = options.directory / "spool";
    printer->m_log = options.directory / "ippeveprinter.log";
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::strncmp(*e, "DBUS_SYSTEM_BUS_ADDRESS=", 24) != 0) {
            env.emplace_back(*e);
        }
    }
    // A private bus for ippeveprinter's Avahi client (see the header).
    if (const auto bus = findInPath("dbus-daemon", {"/usr/bin"})) {
        auto socket = options.directory / "system_bus_socket";
        if (socket.native().size() > 100) { // sun_path is 108 bytes
            std::random_device random;
            socket = fs::temp_directory_path() /
                     ("tc-bus-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
        }
        fs::remove(socket, fsError);
        printer->m_bus = spawn({bus->string(), "--session", "--nofork", "--nopidfile",
                                "--address=unix:path=" + socket.string()},
                               options.directory / "dbus-daemon.log", env);
        for (int i = 0; i < 500 && printer->m_bus > 0 && !fs::exists(socket); ++i) {
            std::this_thread::sleep_for(10ms);
        }
        if (fs::exists(socket)) {
            env.push_back("DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + socket.string());
        }
    }
    printer->m_port = options.port != 0 ? options.port : freeLoopbackPort();
    std::vector<std::string> args{binary->string(),
                                  "-p",
                                  std::to_string(printer->m_port),
                                  "-d",
                                  printer->m_spool.string(),
                                  "-k",
                                  "-f",
                                  "application/pdf",
                                  "-r",
                                  "off"};
    if (options.command) {
        args.insert(args.end(), {"-c", options.command->string()});
    }
    args.push_back(options.name);
    printer->m_printer = spawn(args, printer->m_log, env);
    if (printer->m_printer <= 0) {
        return errorOf(boost::system::errc::no_such_process);
    }
    const auto deadline = std::chrono::steady_clock::now() + options.startTimeout;
    while (!listening(printer->m_port)) {
        if (exited(printer->m_printer)) {
            printer->m_printer = -1;
            return errorOf(boost::system::errc::connection_refused);
        }
        if (std::chrono::steady_clock::now() > deadline) {
            return errorOf(boost::system::errc::timed_out);
        }
        std::this_thread::sleep_for(20ms);
    }
    return printer;
}

IppPrinterProcess::~IppPrinterProcess() {
    terminate(m_printer);
    terminate(m_bus);
}

void IppPrinterProcess::stop() {
    terminate(m_printer);
}

std::string IppPrinterProcess::uri() const {
    return "ipp://127.0.0.1:" + std::to_string(m_port) + "/ipp/print";
}

} // namespace tc::cabin

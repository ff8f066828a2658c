#include "support/postgres_server.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <libpq-fe.h>
#include <mutex>
#include <netinet/in.h>
#include <pwd.h>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace tc::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr auto kStartLimit = 30s;
constexpr auto kStopLimit = 60s;
constexpr auto kPoll = 20ms;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("PostgresServer: " + what);
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string tail(const std::string& text, int lines) {
    auto pos = text.size();
    if (pos > 0 && text[pos - 1] == '\n') {
        --pos;
    }
    for (int n = 0; n < lines && pos != std::string::npos && pos > 0; ++n) {
        pos = text.rfind('\n', pos - 1);
    }
    return pos == std::string::npos || pos == 0 ? text : text.substr(pos + 1);
}

// The newest /usr/lib/postgresql/<major>/bin holding initdb and postgres (Debian's layout).
fs::path findBinDir() {
    const fs::path base = "/usr/lib/postgresql";
    fs::path best;
    long bestVersion = -1;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(base, ec)) {
        const auto name = entry.path().filename().string();
        char* end = nullptr;
        const long version = std::strtol(name.c_str(), &end, 10);
        const auto bin = entry.path() / "bin";
        if (end == name.c_str() || *end != '\0' || version <= bestVersion ||
            ::access((bin / "postgres").c_str(), X_OK) != 0 ||
            ::access((bin / "initdb").c_str(), X_OK) != 0) {
            continue;
        }
        best = bin;
        bestVersion = version;
    }
    if (best.empty()) {
        fail("no PostgreSQL server in /usr/lib/postgresql/*/bin (initdb, postgres): install the "
             "Debian package postgresql (third_party/packages.txt, ./third_party/install-deps.sh)");
    }
    return best;
}

// A TCP port free on `address` ("*": every IPv4 address) a moment ago.
std::uint16_t freeTcpPort(const std::string& address) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (address != "*" && ::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
        fail("listenAddress " + address + " is not \"*\" nor an IPv4 address");
    }
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    socklen_t length = sizeof addr;
    const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0;
    const int error = errno;
    if (fd >= 0) {
        ::close(fd);
    }
    if (!ok) {
        fail("no free TCP port on " + address + ": " + std::strerror(error));
    }
    return ntohs(addr.sin_port);
}

bool acceptsTcp(const std::string& host, std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const bool open =
        fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (fd >= 0) {
        ::close(fd);
    }
    return open;
}

// Gone, or a zombie that nobody reaps (the container's init does not): either way it holds
// no shared memory, no port and no file.
bool processGone(pid_t pid) {
    const auto stat = readFile("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');
    return close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] == 'Z' ||
           stat[close + 2] == 'X';
}

std::vector<pid_t> childrenOf(pid_t parent) {
    std::vector<pid_t> children;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const auto name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        const auto stat = readFile(entry.path() / "stat");
        const auto close = stat.rfind(')');
        if (close == std::string::npos) {
            continue;
        }
        // After ')': state, then ppid.
        std::istringstream fields(stat.substr(close + 1));
        char state = 0;
        long ppid = 0;
        if (fields >> state >> ppid && ppid == parent) {
            children.push_back(static_cast<pid_t>(std::stol(name)));
        }
    }
    return children;
}

// Whether `pid`, our child, has exited, reaping it. With SIGCHLD ignored the kernel reaps it.
bool reaped(pid_t pid) {
    const pid_t result = ::waitpid(pid, nullptr, WNOHANG);
    return result == pid || (result < 0 && errno == ECHILD && processGone(pid));
}

template <class Pred> bool pollFor(Pred done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(kPoll);
    }
    return true;
}

struct Spawn {
    std::vector<std::string> args;
    fs::path output; // stdout and stderr, appended
    fs::path cwd;
    uid_t uid;
    gid_t gid;
};

// fork + exec, as `uid`/`gid` when set, with no descriptor of ours but 0-2, in a session of its
// own, killed when the thread that spawned it ends (crash, ctest timeout). Everything the child
// touches is prepared before fork: the test process may have threads.
pid_t spawn(const Spawn& what) {
    std::vector<char*> argv;
    for (const auto& arg : what.args) {
        argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    const int out = ::open(what.output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || in < 0) {
        fail("cannot open " + what.output.string() + " or /dev/null: " + std::strerror(errno));
    }
    if (what.uid != static_cast<uid_t>(-1) && ::fchown(out, what.uid, what.gid) != 0) {
        fail("cannot chown " + what.output.string() + ": " + std::strerror(errno));
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        for (const int s : {SIGPIPE, SIGCHLD, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2}) {
            ::signal(s, SIG_DFL);
        }
        ::setsid();
        if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0 ||
            ::close_range(3, ~0U, 0) != 0) {
            ::_exit(126);
        }
        if (what.uid != static_cast<uid_t>(-1) &&
            (::setgroups(0, nullptr) != 0 || ::setgid(what.gid) != 0 || ::setuid(what.uid) != 0)) {
            static const char message[] = "PostgresServer: cannot drop to the server's user\n";
            static_cast<void>(::write(2, message, sizeof message - 1));
            ::_exit(126);
        }
        // After setuid, which clears it.
        if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent ||
            ::chdir(what.cwd.c_str()) != 0) {
            ::_exit(126);
        }
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    const int error = errno;
    ::close(out);
    ::close(in);
    if (pid < 0) {
        fail(std::string("fork: ") + std::strerror(error));
    }
    return pid;
}

int waitExit(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string quoteConninfo(const std::string& value) {
    std::string quoted = "'";
    for (const char c : value) {
        if (c == '\'' || c == '\\') {
            quoted += '\\';
        }
        quoted += c;
    }
    return quoted + "'";
}

void writeText(const fs::path& path, const std::string& text, bool append) {
    std::ofstream file(path, append ? std::ios::app : std::ios::trunc);
    file << text;
    if (!file.flush()) {
        fail("cannot write " + path.string());
    }
}

struct PgConnDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};

} // namespace

std::unique_ptr<PostgresServer> PostgresServer::start(Options options) {
    std::unique_ptr<PostgresServer> server(new PostgresServer());
    server->m_options = std::move(options);
    server->initialise(false);
    return server;
}

namespace {

// /dev/shm when there is one: a copy of the cluster takes 0.15 s there against 1.5 s to 2 s on
// this machine's loaded disk, and tests only kill processes, never the host.
fs::path parentDirectory() {
    const fs::path shm = "/dev/shm";
    std::error_code ec;
    if (fs::is_directory(shm, ec) && ::access(shm.c_str(), W_OK | X_OK) == 0) {
        return shm;
    }
    return fs::temp_directory_path();
}

// Removes what tests of dead processes left (a crash, a ctest timeout): tc-pg-<pid>-*.
void removeStaleDirectories() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(parentDirectory(), ec)) {
        const auto name = entry.path().filename().string();
        if (name.rfind("tc-pg-", 0) != 0) {
            continue;
        }
        const long pid = std::atol(name.c_str() + 6);
        if (pid > 0 && processGone(static_cast<pid_t>(pid))) {
            fs::remove_all(entry.path(), ec);
        }
    }
}

std::string rootName(const std::string& what) {
    return "tc-pg-" + std::to_string(::getpid()) + "-" + what;
}

} // namespace

const std::filesystem::path& PostgresServer::templateDataDir() {
    // initdb takes 3 s on a loaded machine, a copy of its cluster 0.1 s: one initdb (and CREATE
    // DATABASE) per test process, in a cluster stopped cleanly, copied by every server.
    static std::mutex mutex;
    static std::unique_ptr<PostgresServer> cluster;
    const std::lock_guard lock(mutex);
    if (!cluster) {
        removeStaleDirectories();
        std::unique_ptr<PostgresServer> made(new PostgresServer());
        made->initialise(true);
        made->stop();
        cluster = std::move(made);
    }
    return cluster->m_dataDir;
}

void PostgresServer::initialise(bool initdb) {
    m_binDir = findBinDir();
    if (::geteuid() == 0) {
        // postgres refuses to run as root.
        const passwd* user = ::getpwnam("nobody");
        if (user == nullptr) {
            fail("running as root, and there is no user nobody to run the server as");
        }
        const group* group = ::getgrnam("nogroup");
        m_uid = user->pw_uid;
        m_gid = group != nullptr ? group->gr_gid : user->pw_gid;
    }
    std::random_device random;
    m_root = parentDirectory() /
             rootName(initdb ? "template" : std::to_string(random()) + std::to_string(random()));
    m_dataDir = m_root / "data";
    m_socketDir = m_root / "sock";
    m_logPath = m_root / "postgres.log";
    const bool asOther = m_uid != static_cast<uid_t>(-1);
    fs::create_directories(m_socketDir);
    if (asOther && (::chown(m_root.c_str(), m_uid, m_gid) != 0 ||
                    ::chown(m_socketDir.c_str(), m_uid, m_gid) != 0)) {
        fail("cannot chown " + m_root.string() + " to nobody: " + std::strerror(errno));
    }

    if (initdb) {
        const auto initdbLog = m_root / "initdb.log";
        std::vector<std::string> args{(m_binDir / "initdb").string(), "-D", m_dataDir.string(),
                                      "-U", "telecabine", "--auth=trust", "-E", "UTF8",
                                      "--locale=C.UTF-8",
                                      // Its files reach the kernel before it exits: enough for
                                      // any crash of a process; only a host crash needs fsync.
                                      "--no-sync"};
        const int status = waitExit(spawn({args, initdbLog, m_root, m_uid, m_gid}));
        if (status != 0) {
            fail("initdb exited with " + std::to_string(status) + ":\n" +
                 tail(readFile(initdbLog), 30));
        }
        writeText(m_dataDir / "postgresql.conf", "\ninclude 'telecabine_test.conf'\n", true);
    } else {
        const auto& source = templateDataDir();
        std::error_code ec;
        // Directories keep their modes (postgres wants 0700); the owner is set below.
        fs::copy(source, m_dataDir, fs::copy_options::recursive, ec);
        if (ec) {
            fail("cannot copy " + source.string() + " to " + m_dataDir.string() + ": " +
                 ec.message());
        }
        for (auto it = fs::recursive_directory_iterator(m_dataDir);
             asOther && it != fs::recursive_directory_iterator(); ++it) {
            if (::lchown(it->path().c_str(), m_uid, m_gid) != 0) {
                fail("cannot chown " + it->path().string() + ": " + std::strerror(errno));
            }
        }
        if (asOther && ::chown(m_dataDir.c_str(), m_uid, m_gid) != 0) {
            fail("cannot chown " + m_dataDir.string() + ": " + std::strerror(errno));
        }
    }
    // Tests only: any host, any role, no password.
    writeText(m_dataDir / "pg_hba.conf",
              "local all all trust\nhost all all 0.0.0.0/0 trust\nhost all all ::/0 trust\n",
              false);

    const bool portChosen = m_options.port == 0;
    for (int attempt = 0;; ++attempt) {
        m_port = portChosen ? freeTcpPort(m_options.listenAddress) : m_options.port;
        writeConfig();
        // A chosen port can be taken between its probe and the postmaster's bind.
        if (launch(portChosen && attempt < 4)) {
            break;
        }
    }
    std::string output;
    if (initdb && psql("CREATE DATABASE telecabine", &output, "postgres") != 0) {
        fail("CREATE DATABASE telecabine: " + output + "\n" + logTail());
    }
}

void PostgresServer::writeConfig() const {
    std::ostringstream conf;
    conf << "listen_addresses = '" << m_options.listenAddress << "'\n"
         << "port = " << m_port << "\n"
         << "unix_socket_directories = '" << m_socketDir.string() << "'\n"
         << "max_connections = " << m_options.maxConnections << "\n"
         << "shared_buffers = 32MB\n";
    if (m_options.durable) {
        // After a crash the server syncs its data directory before recovery: one syncfs()
        // instead of an fsync per file (4 s here for an empty cluster).
        conf << "recovery_init_sync_method = syncfs\n";
    } else {
        // Tests: speed over surviving a crash.
        conf << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
    }
    writeText(m_dataDir / "telecabine_test.conf", conf.str(), false);
}

bool PostgresServer::launch(bool portRetry) {
    if (running()) {
        fail("start(): already running (pid " + std::to_string(m_pid) + ")");
    }
    const auto logStart = fs::exists(m_logPath) ? fs::file_size(m_logPath) : 0;
    m_pid = spawn({{(m_binDir / "postgres").string(), "-D", m_dataDir.string()},
                   m_logPath,
                   m_root,
                   m_uid,
                   m_gid});
    const auto conninfo = adminConninfo("postgres");
    int exitStatus = -1;
    const bool ready = pollFor(
        [&] {
            int status = 0;
            const pid_t result = ::waitpid(m_pid, &status, WNOHANG);
            if (result == m_pid) {
                exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                return true;
            }
            if (result < 0 && errno == ECHILD && processGone(m_pid)) {
                exitStatus = 255; // reaped by the kernel (SIGCHLD ignored): status unknown
                return true;
            }
            return PQping(conninfo.c_str()) == PQPING_OK;
        },
        kStartLimit);
    if (ready && exitStatus < 0) {
        return true;
    }
    if (exitStatus < 0) {
        signalAndWait(SIGKILL, kStopLimit);
        fail("the server did not accept connections within 30 s:\n" + logTail());
    }
    m_pid = -1;
    const auto log = readFile(m_logPath).substr(logStart);
    if (portRetry && (log.find("could not bind") != std::string::npos ||
                      log.find("could not create any TCP/IP sockets") != std::string::npos)) {
        return false;
    }
    fail("postgres exited with " + std::to_string(exitStatus) + " while starting:\n" + logTail());
}

void PostgresServer::start() {
    launch(false);
}

void PostgresServer::stop() {
    if (!running()) {
        fail("stop(): not running");
    }
    signalAndWait(SIGINT, kStopLimit); // fast shutdown
}

void PostgresServer::restart() {
    stop();
    start();
}

void PostgresServer::kill9() {
    if (!running()) {
        fail("kill9(): not running");
    }
    const auto pidFile = readFile(m_dataDir / "postmaster.pid");
    if (std::atol(pidFile.c_str()) != m_pid) {
        fail("postmaster.pid names " + pidFile.substr(0, pidFile.find('\n')) + ", not " +
             std::to_string(m_pid));
    }
    const auto children = childrenOf(m_pid);
    signalAndWait(SIGKILL, kStopLimit);
    // The children notice their postmaster's death and exit; until they have, they hold its
    // shared memory and a new postmaster would refuse to start.
    const auto host =
        m_options.listenAddress == "*" ? std::string("127.0.0.1") : m_options.listenAddress;
    const bool gone = pollFor(
        [&] {
            return std::all_of(children.begin(), children.end(), processGone) &&
                   !acceptsTcp(host, m_port);
        },
        kStopLimit);
    if (!gone) {
        fail("after kill -9, the postmaster's children or its port remain");
    }
}

void PostgresServer::signalAndWait(int signal, std::chrono::milliseconds limit) {
    ::kill(m_pid, signal);
    const pid_t pid = m_pid;
    m_pid = -1;
    if (!pollFor([&] { return reaped(pid); }, limit)) {
        ::kill(pid, SIGKILL);
        waitExit(pid);
        fail("the server did not stop within " + std::to_string(limit.count()) + " ms (killed):\n" +
             logTail());
    }
}

PostgresServer::~PostgresServer() {
    if (running()) {
        try {
            signalAndWait(SIGQUIT, 10s); // immediate shutdown
        } catch (const std::exception&) {
            // Killed already; the directory goes anyway.
        }
    }
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
}

std::string PostgresServer::url() const {
    const auto& address = m_options.listenAddress;
    return url(address == "*" ? std::string("127.0.0.1") : address);
}

std::string PostgresServer::url(const std::string& host) const {
    const auto h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return "postgresql://telecabine@" + h + ":" + std::to_string(m_port) + "/telecabine";
}

std::string PostgresServer::logTail(int lines) const {
    return "--- " + m_logPath.string() + " (end) ---\n" + tail(readFile(m_logPath), lines);
}

std::string PostgresServer::adminConninfo(const std::string& database) const {
    return "host=" + quoteConninfo(m_socketDir.string()) + " port=" + std::to_string(m_port) +
           " user=telecabine dbname=" + quoteConninfo(database) + " connect_timeout=5";
}

int PostgresServer::psql(const std::string& sql, std::string* output,
                         const std::string& database) const {
    std::string text;
    int status = 0;
    std::unique_ptr<PGconn, PgConnDeleter> conn(PQconnectdb(adminConninfo(database).c_str()));
    if (PQstatus(conn.get()) != CONNECTION_OK) {
        text = PQerrorMessage(conn.get());
        status = 2;
    } else {
        std::unique_ptr<PGresult, PgResultDeleter> result(PQexec(conn.get(), sql.c_str()));
        const auto state = PQresultStatus(result.get());
        if (state == PGRES_TUPLES_OK) {
            for (int row = 0; row < PQntuples(result.get()); ++row) {
                for (int field = 0; field < PQnfields(result.get()); ++field) {
                    text += field > 0 ? "|" : "";
                    text += PQgetvalue(result.get(), row, field);
                }
                text += '\n';
            }
        } else if (state != PGRES_COMMAND_OK) {
            text = PQresultErrorMessage(result.get());
            status = 1;
        }
    }
    if (output != nullptr) {
        *output = std::move(text);
    }
    return status;
}

} // namespace tc::test

#pragma once
// A real PostgreSQL server that a test starts itself (issue 19): initdb in a temporary
// directory, its own port and socket directory, trust authentication, database `telecabine`
// owned by role `telecabine`. Tests only: trust for every host, and by default no fsync.
//
// Running as root (the CI, the network-namespace tests), the server runs as `nobody`/`nogroup`,
// since postgres refuses root. The postmaster is this process's child, not pg_ctl's: the
// container's init reaps no orphans, and a zombie postmaster would keep its pid "alive" in
// postmaster.pid and block the start after kill9(). Being our child also lets it die with the
// test (a parent-death signal), even when ctest kills a hung test.
//
// initdb runs once per test process (3 s on a loaded machine): its cluster, with database
// `telecabine` made and cleanly stopped, is copied by every server (0.15 s). The directories
// live in /dev/shm when it exists (ten times faster than the disk here; tests kill processes,
// never the host), else in the temporary directory; those of dead test processes
// (tc-pg-<pid>-*) are removed then.
//
// Failures throw std::runtime_error naming what failed, with the tail of the server's log.
// One server is driven from one thread, the thread that started it: its parent-death signal
// follows that thread. Servers may be started from several threads.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <sys/types.h>

namespace tc::test {

class PostgresServer {
public:
    struct Options {
        // "127.0.0.1", "*" (every address: reachable from a network namespace through a veth)
        // or one IPv4 address of this host.
        std::string listenAddress = "127.0.0.1";
        // 0: a TCP port that is free when the server first starts; kept across restarts.
        std::uint16_t port = 0;
        int maxConnections = 200;
        // false (tests' speed): fsync, synchronous_commit and full_page_writes off. stop() and
        // restart() lose nothing either way; but with synchronous_commit off a commit is
        // acknowledged before its WAL is written, so kill9() may lose the last few hundred
        // milliseconds of acknowledged commits. A test that checks acknowledged data after kill9()
        // sets durable (fsync off would only matter for a host crash).
        bool durable = false;
    };

    // A new cluster (a copy of the process's initdb'd one, database `telecabine` included),
    // configured and started. Throws when PostgreSQL's server binaries are missing (Debian
    // package `postgresql`) or any step fails.
    static std::unique_ptr<PostgresServer> start(Options options);
    // Stops the server (immediate: no checkpoint) and removes the temporary directory.
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // postgresql://telecabine@HOST:PORT/telecabine, HOST being 127.0.0.1 when listening on
    // "*" or on 127.0.0.1, otherwise the address listened on.
    std::string url() const;
    // The same URL through `host` (an address of this host as another namespace sees it).
    std::string url(const std::string& host) const;
    std::uint16_t port() const { return m_port; }
    const std::filesystem::path& dataDir() const { return m_dataDir; }
    const std::filesystem::path& socketDir() const { return m_socketDir; }
    const std::filesystem::path& logPath() const { return m_logPath; }
    // The log's last `lines` lines, for failure messages.
    std::string logTail(int lines = 40) const;
    // The postmaster's pid; -1 when stopped.
    pid_t pid() const { return m_pid; }
    bool running() const { return m_pid > 0; }

    // Starts the stopped server again, same data directory and port, and waits until it
    // accepts connections (after crash recovery when it was killed). Throws on failure.
    void start();
    // Fast shutdown (pg_ctl stop -m fast: SIGINT): clients disconnected, checkpoint written.
    void stop();
    void restart();
    // SIGKILL of the postmaster alone, as a crash; returns once the postmaster is gone, its
    // children (which notice its death) are gone, and the port refuses connections. start()
    // then runs crash recovery.
    void kill9();

    // Runs `sql` through libpq (PQexec: several statements allowed, the last one's rows kept)
    // on database `database`. Returns 0 on success, output = one line per row, "\n"-terminated,
    // fields joined with '|', NULL as empty (as psql -At prints); 1 on an SQL error and 2 when
    // the connection fails, output = the error message.
    int psql(const std::string& sql, std::string* output,
             const std::string& database = "telecabine") const;

private:
    PostgresServer() = default;
    // initdb: run initdb and create database telecabine; otherwise copy templateDataDir().
    void initialise(bool initdb);
    static const std::filesystem::path& templateDataDir();
    void writeConfig() const;
    // Spawns the postmaster; true once it accepts connections, false when it exited because
    // its port was taken (only reported when `portRetry`). Throws otherwise.
    bool launch(bool portRetry);
    std::string adminConninfo(const std::string& database) const;
    // Sends `signal` to the postmaster and reaps it; SIGKILL after `limit`.
    void signalAndWait(int signal, std::chrono::milliseconds limit);

    Options m_options;

    std::filesystem::path m_binDir;
    std::filesystem::path m_root;
    std::filesystem::path m_dataDir;
    std::filesystem::path m_socketDir;
    std::filesystem::path m_logPath;
    std::uint16_t m_port = 0;
    // Uid/gid the server runs as; -1 for this process's own.
    uid_t m_uid = static_cast<uid_t>(-1);
    gid_t m_gid = static_cast<gid_t>(-1);
    pid_t m_pid = -1;
};

} // namespace tc::test

#pragma once
// A child process for the archive's kill -9 tests: spawned with posix_spawn, its stdout and
// stderr read through pipes, killed by its own pid, its exit status collected. serveCommand
// starts the command line of the real service binary.

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

extern char** environ;

namespace tc::test::transfer {

// The service binary's command line up to its stores: `serve` with its CA, certificate and key
// files, on a port of its choosing. The caller appends the stores and its options.
inline std::vector<std::string> serveCommand(std::string binary, const std::filesystem::path& ca,
                                             const std::filesystem::path& cert,
                                             const std::filesystem::path& key) {
    return {std::move(binary), "serve", "--ca",       ca.string(), "--cert",
            cert.string(),     "--key", key.string(), "--port",    "0"};
}

class ChildProcess {
public:
    explicit ChildProcess(const std::vector<std::string>& args) {
        int out[2];
        int err[2];
        REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
        std::vector<char*> argv;
        for (const auto& a : args) {
            argv.push_back(const_cast<char*>(a.c_str()));
        }
        argv.push_back(nullptr);
        const int rc = ::posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        ::close(err[1]);
        m_out = out[0];
        m_err = err[0];
        INFO("spawning " << args[0]);
        REQUIRE(rc == 0);
    }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess() {
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            wait();
        }
        if (m_out >= 0) {
            ::close(m_out);
        }
        if (m_err >= 0) {
            ::close(m_err);
        }
    }

    pid_t pid() const { return m_pid; }
    const std::string& out() const { return m_stdout; }
    const std::string& err() const { return m_stderr; }

    // Reads the child's output until `done(stdout)` holds, the child closes its output, or
    // `limit` passes.
    template <class Done> bool waitFor(Done done, std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done(m_stdout)) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !pump(static_cast<int>(left.count()))) {
                return done(m_stdout);
            }
        }
        return true;
    }
    bool waitForText(const std::string& text, std::chrono::milliseconds limit) {
        return waitFor([&](const std::string& out) { return out.find(text) != std::string::npos; },
                       limit);
    }

    void kill(int signal) {
        if (m_pid > 0) {
            ::kill(m_pid, signal);
        }
    }

    // Waits for the child to end (reading what it still writes); its exit code, or 128 + the
    // signal that ended it, or -1 if it is still running after `limit`.
    int wait(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
        if (m_pid <= 0) {
            return m_status;
        }
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
            int status = 0;
            const pid_t done = ::waitpid(m_pid, &status, WNOHANG);
            if (done == m_pid) {
                while (pump(0)) {
                }
                m_pid = -1;
                m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                return m_status;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                return -1;
            }
            if (!pump(20)) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        }
    }

private:
    // Reads what is there within `timeoutMs`; false once both pipes are closed.
    bool pump(int timeoutMs) {
        if (m_out < 0 && m_err < 0) {
            return false;
        }
        pollfd fds[2] = {{m_out, POLLIN, 0}, {m_err, POLLIN, 0}};
        if (::poll(fds, 2, timeoutMs) <= 0) {
            return true;
        }
        int* ends[2] = {&m_out, &m_err};
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                continue;
            }
            char buffer[4096];
            const auto n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                (i == 0 ? m_stdout : m_stderr).append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(*ends[i]);
                *ends[i] = -1;
            }
        }
        return m_out >= 0 || m_err >= 0;
    }

    pid_t m_pid = -1;
    int m_out = -1;
    int m_err = -1;
    int m_status = -1;
    std::string m_stdout;
    std::string m_stderr;
};

} // namespace tc::test::transfer

#pragma once
// The cluster tests' lab (issue 19): a real PostgreSQL started by the test
// (support/postgres_server.hpp), real `telecabine-rendezvous serve --database postgresql://...`
// processes as nodes (so that a node can be killed with SIGKILL), and the history checker that
// reads every client's history and the shared event log.

#include "archive_process.hpp"
#include "support/postgres_server.hpp"
#include "support/temp_dir.hpp"
#include "support/test_support.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace tc::test::cluster {

using namespace std::chrono_literals;

template <class F> bool eventually(F done, std::chrono::milliseconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

// Short timeouts so that the tests see losses within seconds.
inline constexpr auto kNodeLossTimeout = 3000ms;
inline constexpr auto kGrace = 30'000ms;

class NodeProcess {
public:
    // `prefix`: what runs the binary (ip netns exec NAME); `service`: the node's certificate
    // (default: the test PKI's, for 127.0.0.1).
    NodeProcess(const TestPki& pki, const TempDir& dir, const std::string& name,
                const std::string& databaseUrl, const std::string& bind = "127.0.0.1",
                std::vector<std::string> prefix = {},
                std::optional<protocol::Credentials> service = std::nullopt,
                const std::vector<std::string>& extra = {}) {
        const auto& credentials = service ? *service : pki.service;
        const auto ca = dir.write(name + "-ca.pem", pki.ca.certificatePem());
        const auto cert = dir.write(name + ".pem", credentials.certificatePem);
        const auto key = dir.write(name + ".key", credentials.privateKeyPem);
        const auto portFile = dir.path() / (name + ".port");
        auto command = transfer::serveCommand(TC_RENDEZVOUS_BINARY, ca, cert, key);
        command.insert(command.end(), {"--database", databaseUrl, "--port-file", portFile.string(),
                                       "--bind", bind, "--grace-ms", std::to_string(kGrace.count()),
                                       "--heartbeat-ms", "2000", "--node-loss-timeout-ms",
                                       std::to_string(kNodeLossTimeout.count()), "--rate", "200"});
        command.insert(command.end(), extra.begin(), extra.end()); // the last of an option wins
        prefix.insert(prefix.end(), command.begin(), command.end());
        m_process = std::make_unique<transfer::ChildProcess>(prefix);
        const bool listening = eventually(
            [&] { return std::filesystem::exists(portFile) || m_process->wait(0ms) != -1; }, 20s);
        INFO("node " << name << " stderr: " << m_process->err() << m_process->out());
        REQUIRE(listening);
        std::ifstream in(portFile);
        int port = 0;
        in >> port;
        REQUIRE(port > 0);
        m_port = static_cast<std::uint16_t>(port);
    }
    std::uint16_t port() const { return m_port; }
    // SIGTERM: the node stops in order (it declares itself lost); its exit status.
    int stop() {
        m_process->kill(SIGTERM);
        return m_process->wait(20s);
    }
    void kill9() {
        m_process->kill(SIGKILL);
        CHECK(m_process->wait() == 128 + SIGKILL);
    }
    // What the node printed so far (it prints as it goes).
    std::string output() {
        m_process->waitFor([](const std::string&) { return false; }, 10ms);
        return m_process->out() + m_process->err();
    }

private:
    std::unique_ptr<transfer::ChildProcess> m_process;
    std::uint16_t m_port = 0;
};

// A network namespace joined to this host by a veth pair: the host is 10.219.<n>.1, the
// namespace 10.219.<n>.2. Its traffic to one port of the host can be dropped (a partition)
// with nftables inside it, and let through again. Needs root, iproute2 and nftables.
class Namespace {
public:
    explicit Namespace(int n)
        : m_name("tcclu" + std::to_string(::getpid() % 100000))
        , m_prefix("10.219." + std::to_string(n) + ".") {
        run("ip netns del " + m_name + " 2>/dev/null; true");
        require("ip netns add " + m_name);
        require("ip link add vh" + m_name + " type veth peer name vn" + m_name);
        require("ip link set vn" + m_name + " netns " + m_name);
        require("ip addr add " + hostAddress() + "/30 dev vh" + m_name);
        require("ip link set vh" + m_name + " up");
        require(inside("ip addr add " + address() + "/30 dev vn" + m_name));
        require(inside("ip link set vn" + m_name + " up"));
        require(inside("ip link set lo up"));
    }
    ~Namespace() { run("ip netns del " + m_name); }
    Namespace(const Namespace&) = delete;
    Namespace& operator=(const Namespace&) = delete;

    std::string address() const { return m_prefix + "2"; }
    std::string hostAddress() const { return m_prefix + "1"; }
    std::vector<std::string> prefix() const { return {"/usr/sbin/ip", "netns", "exec", m_name}; }
    void partitionFrom(std::uint16_t hostPort) {
        require(inside("nft add table inet tcpart"));
        require(inside("nft 'add chain inet tcpart out { type filter hook output priority 0 ; }'"));
        require(inside("nft add rule inet tcpart out ip daddr " + hostAddress() + " tcp dport " +
                       std::to_string(hostPort) + " drop"));
    }
    void heal() { require(inside("nft delete table inet tcpart")); }

private:
    std::string inside(const std::string& command) const {
        return "ip netns exec " + m_name + " " + command;
    }
    static int run(const std::string& command) { return std::system(command.c_str()); }
    static void require(const std::string& command) {
        INFO(command);
        REQUIRE(run(command) == 0);
    }
    std::string m_name;
    std::string m_prefix;
};

// Every client's view, recorded by the test as it goes, and checked against the shared log.
class History {
public:
    void claimAnswered(const std::string& visitId, const std::string& doctor,
                       const protocol::Reply& reply) {
        const std::lock_guard lock(m_mutex);
        if (!reply.code) {
            m_claims[visitId].push_back(doctor);
            m_sessions.insert(reply.body.value("session_id", std::string()));
        }
    }
    void sessionEnded(const std::string& sessionId, const std::string& reason) {
        const std::lock_guard lock(m_mutex);
        m_ended[sessionId] = reason;
    }

    // The checks of issue 19's history checker, against the event log in `pg`.
    void check(const PostgresServer& pg) const {
        const std::lock_guard lock(m_mutex);
        // Every visit was claimed at most once: by the clients' replies and by the log.
        for (const auto& [visit, doctors] : m_claims) {
            INFO("visit " << visit);
            CHECK(doctors.size() == 1);
        }
        std::string out;
        REQUIRE(pg.psql("SELECT visit_id, count(*) FROM events WHERE kind = 'claim' "
                        "GROUP BY visit_id HAVING count(*) > 1",
                        &out) == 0);
        CHECK(out.empty());
        // Every claim a client saw is in the log, and every claimed session ended or was lost
        // with a reason.
        for (const auto& session : m_sessions) {
            INFO("session " << session);
            REQUIRE(pg.psql("SELECT count(*) FROM events WHERE kind = 'claim' AND session_id = '" +
                                session + "'",
                            &out) == 0);
            CHECK(out == "1\n");
            REQUIRE(pg.psql("SELECT reason FROM events WHERE kind = 'end' AND session_id = '" +
                                session + "'",
                            &out) == 0);
            CHECK(!out.empty());
            CHECK(out != "\n");
            const auto ended = m_ended.find(session);
            if (ended != m_ended.end()) {
                CHECK(out == ended->second + "\n");
            }
        }
        // No event is missing: each command's events are numbered from 0 without a gap.
        REQUIRE(pg.psql("SELECT count(*) FROM (SELECT sequence / 65536 AS command, "
                        "max(sequence % 65536) + 1 AS top, count(*) AS n FROM events "
                        "GROUP BY 1) t WHERE top <> n",
                        &out) == 0);
        CHECK(out == "0\n");
        // And no command that must have produced an event is without one: every claim,
        // check-in and end command is followed by its event.
        REQUIRE(pg.psql("SELECT count(*) FROM events", &out) == 0);
        CHECK(std::stoi(out) > 0);
    }

    std::size_t sessions() const {
        const std::lock_guard lock(m_mutex);
        return m_sessions.size();
    }

private:
    mutable std::mutex m_mutex;
    std::map<std::string, std::vector<std::string>> m_claims;
    std::set<std::string> m_sessions;
    std::map<std::string, std::string> m_ended;
};

// The ids of the queue's snapshot, subscribing (again) on `observer`'s connection.
inline std::set<std::string> queueView(SyncClient& observer) {
    const auto reply = observer.request(protocol::type::queueSubscribe);
    REQUIRE_FALSE(reply.code);
    const auto snapshot = protocol::fromJson<protocol::QueueSnapshot>(reply.body);
    REQUIRE(snapshot);
    std::set<std::string> ids;
    for (const auto& e : snapshot->entries) {
        ids.insert(e.visit.visitId);
    }
    return ids;
}

inline protocol::ServiceNode node(std::uint16_t port) {
    return {"127.0.0.1", port};
}

} // namespace tc::test::cluster

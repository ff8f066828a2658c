// telecabine-bench rendezvous-cluster: the rendezvous service at national scale (issue 19).
// 20,000 cabins and 2,000 doctors spread over 1, 2 then 4 nodes sharing one PostgreSQL
// (started by the benchmark, tests/support/postgres_server.hpp), and one node on SQLite for
// comparison. Per configuration: the fan-out of a check-in to every doctor (p50, p99), claims
// per second (two doctors on different nodes race for each patient), RSS per node and per
// connection. Each node is a process of its own, so that its memory is measured alone.

#include "benchmarks.hpp"
#include "rendezvous_bench_support.hpp"
#include "support/postgres_server.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/pki.hpp"
#include "tc/protocol/rendezvous_client.hpp"
#include "tc/protocol/rendezvous_service.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>

namespace tc::bench {
namespace {

using namespace tc::protocol;
using namespace tc::bench::rendezvous;

// A node in a process of its own.
struct NodeProcess {
    pid_t pid = -1;
    std::uint16_t port = 0;
};

// Starts nodes on request. Forked before the fleet's credentials and clients exist, while the
// benchmark is one thread: a node forked later would start with the benchmark's gigabytes as
// its RSS, and a fork of a process with running threads may inherit a lock another thread
// held. Requests over a pipe: a database (or "stop PID"), one line; answers "PID PORT".
class NodeLauncher {
public:
    NodeLauncher(const Credentials& service, const std::string& caPem) {
        int requests[2];
        int answers[2];
        if (pipe(requests) != 0 || pipe(answers) != 0) {
            throw std::runtime_error("pipe");
        }
        m_pid = fork();
        if (m_pid == 0) {
            close(requests[1]);
            close(answers[0]);
            serve(requests[0], answers[1], service, caPem);
            _exit(0);
        }
        close(requests[0]);
        close(answers[1]);
        m_requests = requests[1];
        m_answers = answers[0];
    }
    ~NodeLauncher() {
        close(m_requests); // the launcher sees the end and exits
        close(m_answers);
        waitpid(m_pid, nullptr, 0);
    }
    NodeLauncher(const NodeLauncher&) = delete;
    NodeLauncher& operator=(const NodeLauncher&) = delete;

    NodeProcess start(const std::string& database) {
        const auto answer = ask(database);
        NodeProcess node;
        if (std::sscanf(answer.c_str(), "%d %hu", &node.pid, &node.port) != 2) {
            return {};
        }
        return node;
    }
    void stop(const NodeProcess& node) { ask("stop " + std::to_string(node.pid)); }

private:
    std::string ask(const std::string& line) {
        const std::string request = line + "\n";
        if (write(m_requests, request.data(), request.size()) !=
            static_cast<ssize_t>(request.size())) {
            return {};
        }
        return readLine(m_answers);
    }

    static std::string readLine(int fd) {
        std::string line;
        char c = 0;
        while (read(fd, &c, 1) == 1 && c != '\n') {
            line.push_back(c);
        }
        return line;
    }

    static void serve(int requests, int answers, const Credentials& service,
                      const std::string& caPem) {
        for (;;) {
            const auto line = readLine(requests);
            if (line.empty()) {
                return;
            }
            std::string answer;
            if (line.starts_with("stop ")) {
                const pid_t pid = std::atoi(line.c_str() + 5);
                kill(pid, SIGKILL);
                waitpid(pid, nullptr, 0);
                answer = "ok\n";
            } else {
                const auto node = startNode(service, caPem, line);
                answer = std::to_string(node.pid) + " " + std::to_string(node.port) + "\n";
            }
            if (write(answers, answer.data(), answer.size()) !=
                static_cast<ssize_t>(answer.size())) {
                return;
            }
        }
    }

    static NodeProcess startNode(const Credentials& service, const std::string& caPem,
                                 const std::string& database) {
        int fds[2];
        if (pipe(fds) != 0) {
            return {};
        }
        const pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            raiseOpenFileLimit();
            IoThread io("bench-node");
            ServiceConfig config;
            config.tls = TlsConfig{service, caPem};
            config.eventLogPath = database;
            config.maxConnections = 100'000;
            config.maxMessagesPerSecond = 1000;
            config.messageBurst = 5000;
            config.heartbeatInterval = std::chrono::milliseconds(30'000);
            // What the node says (fenced, lost, rejoined) goes to stderr, the JSON to stdout.
            config.log = [](const std::string& line) {
                std::cerr << "node " << getpid() << ": " << line << "\n";
            };
            auto started = RendezvousService::start(io.executor(), config);
            const std::uint16_t port = started ? (*started)->port() : 0;
            if (write(fds[1], &port, sizeof port) != sizeof port || port == 0) {
                _exit(1);
            }
            pause(); // until the SIGKILL
            _exit(0);
        }
        close(fds[1]);
        NodeProcess node{pid, 0};
        if (read(fds[0], &node.port, sizeof node.port) != sizeof node.port) {
            node.port = 0;
        }
        close(fds[0]);
        return node;
    }

    pid_t m_pid = -1;
    int m_requests = -1;
    int m_answers = -1;
};

struct Fleet {
    std::unique_ptr<CertificateAuthority> ca;
    Credentials service;
    std::vector<Credentials> cabins;
    std::vector<Credentials> doctors;
};

Visit benchVisit(int i) {
    Visit visit;
    visit.visitId = "V-CLUSTER-" + std::to_string(i);
    visit.reason = "Fièvre et toux depuis trois jours";
    visit.age = 20 + i % 60;
    visit.sex = i % 2 ? Sex::female : Sex::male;
    visit.consent = {true, 0, "verbal"};
    visit.operatorPresence = {true, OperatorRole::nurse};
    visit.instruments = {Instrument::stethoscope, Instrument::roomCamera};
    visit.site = {"BENCH-" + std::to_string(i), "Cabine " + std::to_string(i), "Mo-Su 00:00-24:00"};
    return visit;
}

struct RunOptions {
    int samples = 100;
    int rate = 10;
};

// One configuration: `nodeCount` nodes on `database`, the fleet spread over them in turn.
nlohmann::json runConfiguration(const Fleet& fleet, NodeLauncher& launcher, int nodeCount,
                                const std::string& database, const std::string& label,
                                const RunOptions& options) {
    std::vector<NodeProcess> nodes;
    for (int n = 0; n < nodeCount; ++n) {
        nodes.push_back(launcher.start(database));
        if (nodes.back().port == 0) {
            for (const auto& node : nodes) {
                launcher.stop(node);
            }
            return {{"configuration", label}, {"error", "a node did not start"}};
        }
    }
    std::vector<double> rssBefore;
    for (const auto& node : nodes) {
        rssBefore.push_back(rssMb(node.pid));
    }
    const int cabins = static_cast<int>(fleet.cabins.size());
    const int doctors = static_cast<int>(fleet.doctors.size());
    nlohmann::json result;
    {
        IoThread io("bench-clients");
        FanoutRecorder recorder;
        std::atomic<int> welcomed{0};
        std::atomic<int> rewelcomed{0};
        int nextNode = 0;
        const auto makeClient = [&](const Credentials& own, FanoutRecorder* rec) {
            ClientConfig config;
            config.port = nodes[static_cast<std::size_t>(nextNode++ % nodeCount)].port;
            config.tls = TlsConfig{own, fleet.ca->certificatePem()};
            config.requestTimeout = std::chrono::seconds(120);
            config.connectTimeout = std::chrono::seconds(120);
            auto client = RendezvousClient::create(
                io.executor(), config,
                std::make_shared<BenchListener>(rec, &welcomed, &rewelcomed));
            client->start();
            return client;
        };
        const auto connectStart = Clock::now();
        std::vector<std::shared_ptr<RendezvousClient>> doctorClients;
        for (const auto& c : fleet.doctors) {
            doctorClients.push_back(makeClient(c, &recorder));
        }
        std::vector<std::shared_ptr<RendezvousClient>> cabinClients;
        for (int i = 0; i < cabins; ++i) {
            cabinClients.push_back(makeClient(fleet.cabins[static_cast<std::size_t>(i)], nullptr));
            if (i % 200 == 199) { // a fleet coming online, not a SYN flood
                waitFor([&] { return welcomed.load() >= doctors + i - 100; },
                        std::chrono::seconds(120));
            }
        }
        const bool allConnected =
            waitFor([&] { return welcomed.load() == cabins + doctors; }, std::chrono::seconds(300));
        const double connectSeconds =
            std::chrono::duration<double>(Clock::now() - connectStart).count();

        std::atomic<int> ready{0};
        for (auto& d : doctorClients) {
            d->request("presence.set", {{"status", "on_shift"}},
                       [&](Reply r) { ready += !r.code; });
            d->request("queue.subscribe", nlohmann::json::object(),
                       [&](Reply r) { ready += !r.code; });
        }
        waitFor([&] { return ready.load() == 2 * doctors; }, std::chrono::seconds(120));

        // Fan-out: paced check-ins from cabins on every node, each timed until every doctor,
        // on every node, has seen it.
        std::atomic<int> checkedIn{0};
        const int samples = std::min(options.samples, cabins);
        const auto interval = std::chrono::microseconds(1'000'000 / options.rate);
        auto next = Clock::now();
        for (int i = 0; i < samples; ++i) {
            const Visit visit = benchVisit(i);
            std::this_thread::sleep_until(next);
            next += interval;
            {
                const std::lock_guard lock(recorder.mutex);
                recorder.sentAt[visit.visitId] = Clock::now();
            }
            cabinClients[static_cast<std::size_t>(i)]->request(
                "visit.checkin", toJson(visit), [&](Reply r) { checkedIn += !r.code; });
        }
        const std::size_t expected = static_cast<std::size_t>(samples) * doctors;
        waitFor([&] { return recorder.deliveries.load() >= expected; }, std::chrono::seconds(120));

        std::vector<double> rssAfter;
        for (const auto& node : nodes) {
            rssAfter.push_back(rssMb(node.pid));
        }
        // Claims: for each patient two doctors (on two nodes when there are two) race.
        std::atomic<int> won{0};
        std::atomic<int> answered{0};
        const auto claimStart = Clock::now();
        for (int v = 0; v < samples; ++v) {
            for (int k = 0; k < 2; ++k) {
                auto& doctor = doctorClients[static_cast<std::size_t>((2 * v + k) % doctors)];
                doctor->request("visit.claim", {{"visit_id", "V-CLUSTER-" + std::to_string(v)}},
                                [&](Reply r) {
                                    won += !r.code;
                                    ++answered;
                                });
            }
        }
        waitFor([&] { return answered.load() == 2 * samples; }, std::chrono::seconds(120));
        const double claimSeconds =
            std::chrono::duration<double>(Clock::now() - claimStart).count();

        std::vector<double> latencies;
        {
            const std::lock_guard lock(recorder.mutex);
            latencies = recorder.latenciesMs;
        }
        double before = 0;
        double after = 0;
        nlohmann::json perNode = nlohmann::json::array();
        for (std::size_t n = 0; n < nodes.size(); ++n) {
            before += rssBefore[n];
            after += rssAfter[n];
            perNode.push_back({{"rss_start_mb", rssBefore[n]}, {"rss_mb", rssAfter[n]}});
        }
        const int connections = welcomed.load();
        result = {
            {"configuration", label},
            {"nodes", nodeCount},
            {"cabins", cabins},
            {"doctors", doctors},
            {"clients_welcomed", connections},
            {"reconnections", rewelcomed.load()},
            {"all_connected", allConnected},
            {"connect_seconds", connectSeconds},
            {"checkins", samples},
            {"checkins_accepted", checkedIn.load()},
            {"fanout_deliveries", latencies.size()},
            {"fanout_expected", expected},
            {"fanout_p50_ms", percentile(latencies, 0.50)},
            {"fanout_p99_ms", percentile(latencies, 0.99)},
            {"fanout_max_ms", percentile(latencies, 1.0)},
            {"claims", 2 * samples},
            {"claims_won", won.load()},
            {"claims_per_s", claimSeconds > 0 ? answered.load() / claimSeconds : 0},
            {"rss_per_node", perNode},
            {"rss_total_mb", after},
            {"rss_per_connection_kb",
             connections > 0 ? (after - before) * 1024.0 / connections : -1.0},
        };
        for (auto& c : doctorClients) {
            c->stop();
        }
        for (auto& c : cabinClients) {
            c->stop();
        }
        io.stop();
    }
    for (const auto& node : nodes) {
        launcher.stop(node);
    }
    return result;
}

std::vector<int> parseNodeCounts(const std::string& text) {
    std::vector<int> counts;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto item =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const int n = std::atoi(item.c_str());
        if (n < 1 || n > 16) {
            return {};
        }
        counts.push_back(n);
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return counts;
}

} // namespace

int runRendezvousCluster(cli::CommandLine& args) {
    const auto cabins = static_cast<int>(args.number("cabins", 20'000));
    const auto doctors = static_cast<int>(args.number("doctors", 2'000));
    RunOptions options;
    options.samples = static_cast<int>(args.number("samples", 100));
    options.rate = static_cast<int>(args.number("rate", 10));
    const auto counts = parseNodeCounts(args.value("nodes", "1,2,4"));
    const bool sqlite = args.value("sqlite", "yes") != "no";
    if (!args.errors().empty() || cabins < 1 || doctors < 2 || options.samples < 1 ||
        options.rate < 1 || counts.empty()) {
        std::cerr << "telecabine-bench rendezvous-cluster: invalid options\n";
        return 2;
    }
    raiseOpenFileLimit();
    Fleet fleet;
    auto ca = CertificateAuthority::create("bench CA");
    if (!ca) {
        std::cerr << "telecabine-bench rendezvous-cluster: " << ca.error().message() << "\n";
        return 1;
    }
    fleet.ca = std::make_unique<CertificateAuthority>(std::move(*ca));
    CertificateRequest serviceRequest;
    serviceRequest.identity = {Role::service, "rendezvous", "bench service"};
    serviceRequest.ipAddresses = {"127.0.0.1"};
    fleet.service = *fleet.ca->issue(serviceRequest);
    NodeLauncher launcher(fleet.service, fleet.ca->certificatePem());
    for (int i = 0; i < cabins; ++i) {
        CertificateRequest r;
        r.identity = {Role::cabin, "BENCH-" + std::to_string(i), "Cabine " + std::to_string(i)};
        fleet.cabins.push_back(*fleet.ca->issue(r));
    }
    for (int i = 0; i < doctors; ++i) {
        CertificateRequest r;
        r.identity = {Role::doctor, *prescriptions::completeRpps("1010123456"),
                      "Dr Bench " + std::to_string(i)};
        fleet.doctors.push_back(*fleet.ca->issue(r));
    }

    nlohmann::json runs = nlohmann::json::array();
    const auto scratch =
        std::filesystem::temp_directory_path() / ("tc-bench-cluster-" + std::to_string(getpid()));
    std::filesystem::create_directories(scratch);
    if (sqlite) {
        runs.push_back(runConfiguration(fleet, launcher, 1, (scratch / "events.sqlite").string(),
                                        "sqlite-1", options));
    }
    for (const int n : counts) {
        // A fresh database for each: the log of the previous run is not replayed.
        test::PostgresServer::Options pgOptions;
        pgOptions.durable = true;
        pgOptions.maxConnections = 100;
        const auto pg = test::PostgresServer::start(pgOptions);
        runs.push_back(runConfiguration(fleet, launcher, n, pg->url(),
                                        "postgresql-" + std::to_string(n), options));
    }
    std::error_code ignored;
    std::filesystem::remove_all(scratch, ignored);
    nlohmann::json out{
        {"benchmark", "rendezvous-cluster"},
        {"cabins", cabins},
        {"doctors", doctors},
        {"runs", runs},
        {"note", "each node a process of its own on this machine; rss_per_connection_kb is "
                 "(every node's RSS after the fleet connected and the check-ins - before) / "
                 "connections; PostgreSQL durable (fsync on) with its data on tmpfs; the clients "
                 "run in the benchmark's process and share the machine"}};
    std::cout << out.dump() << std::endl;
    return 0;
}

} // namespace tc::bench

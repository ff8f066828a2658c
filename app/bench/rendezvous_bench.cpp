#include "benchmarks.hpp"
#include "rendezvous_bench_support.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/pki.hpp"
#include "tc/protocol/rendezvous_client.hpp"
#include "tc/protocol/rendezvous_service.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <malloc.h>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>

namespace tc::bench {
namespace {

using namespace tc::protocol;
using namespace tc::bench::rendezvous;

// What the service process says of its memory when asked (see serviceMemory).
struct ServiceMemory {
    double rssMb = -1;
    double heapMb = -1; // mallinfo2: bytes in use from malloc (arenas and mmap)
    bool ok = false;
};

// The service runs in its own process so that its memory is measured alone. It answers each
// byte on `commands` with its ServiceMemory on `answers` (after malloc_trim for 't').
pid_t startServiceProcess(const Credentials& service, const std::string& caPem, int portPipe,
                          int commands, int answers) {
    const pid_t pid = fork();
    if (pid != 0) {
        return pid;
    }
    IoThread io("bench-service");
    ServiceConfig config;
    config.tls = TlsConfig{service, caPem};
    config.maxMessagesPerSecond = 1000;
    config.messageBurst = 5000;
    auto started = RendezvousService::start(io.executor(), config);
    const std::uint16_t port = started ? (*started)->port() : 0;
    if (write(portPipe, &port, sizeof port) != sizeof port || port == 0) {
        _exit(1);
    }
    char command = 0;
    while (read(commands, &command, 1) == 1) { // until the parent's SIGTERM
        if (command == 't') {
            malloc_trim(0);
        }
        const struct mallinfo2 heap = mallinfo2();
        ServiceMemory memory{rssMb(getpid()),
                             static_cast<double>(heap.uordblks + heap.hblkhd) / (1024.0 * 1024.0),
                             true};
        if (write(answers, &memory, sizeof memory) != sizeof memory) {
            _exit(1);
        }
    }
    _exit(0);
}

ServiceMemory serviceMemory(int commands, int answers, char command) {
    ServiceMemory memory;
    if (write(commands, &command, 1) != 1 ||
        read(answers, &memory, sizeof memory) != sizeof memory) {
        return {};
    }
    return memory;
}

} // namespace

int runRendezvous(cli::CommandLine& args) {
    const auto cabins = static_cast<int>(args.number("cabins", 2000));
    const auto doctors = static_cast<int>(args.number("doctors", 200));
    const auto rate = static_cast<int>(args.number("rate", 100));
    const auto samples = static_cast<int>(std::min<long long>(args.number("samples", 500), cabins));
    if (!args.errors().empty() || cabins < 1 || doctors < 1 || rate < 1) {
        std::cerr << "telecabine-bench rendezvous: invalid options\n";
        return 2;
    }

    auto ca = CertificateAuthority::create("bench CA");
    CertificateRequest serviceRequest;
    serviceRequest.identity = {Role::service, "rendezvous", "bench service"};
    serviceRequest.ipAddresses = {"127.0.0.1"};
    auto serviceCredentials = ca->issue(serviceRequest);
    // Every cabin and doctor has its own certificate, as in a deployment.
    std::vector<Credentials> cabinCredentials;
    std::vector<Credentials> doctorCredentials;
    for (int i = 0; i < cabins; ++i) {
        CertificateRequest r;
        r.identity = {Role::cabin, "BENCH-" + std::to_string(i), "Cabine " + std::to_string(i)};
        cabinCredentials.push_back(*ca->issue(r));
    }
    for (int i = 0; i < doctors; ++i) {
        CertificateRequest r;
        r.identity = {Role::doctor, *prescriptions::completeRpps("1010123456"),
                      "Dr Bench " + std::to_string(i)};
        doctorCredentials.push_back(*ca->issue(r));
    }

    raiseOpenFileLimit();
    int pipeFds[2];
    int commandFds[2];
    int answerFds[2];
    if (pipe(pipeFds) != 0 || pipe(commandFds) != 0 || pipe(answerFds) != 0) {
        return 1;
    }
    const pid_t servicePid = startServiceProcess(*serviceCredentials, ca->certificatePem(),
                                                 pipeFds[1], commandFds[0], answerFds[1]);
    std::uint16_t port = 0;
    if (read(pipeFds[0], &port, sizeof port) != sizeof port || port == 0) {
        std::cerr << "telecabine-bench: the service did not start\n";
        return 1;
    }

    const auto memory = [&](char command) {
        return serviceMemory(commandFds[1], answerFds[0], command);
    };
    // The service before any connection: what the connections add is measured from here.
    const ServiceMemory before = memory('m');

    IoThread io("bench-clients");
    FanoutRecorder recorder;
    std::atomic<int> welcomed{0};
    const auto makeClient = [&](const Credentials& own, FanoutRecorder* rec) {
        ClientConfig config;
        config.port = port;
        config.tls = TlsConfig{own, ca->certificatePem()};
        config.requestTimeout = std::chrono::seconds(60);
        config.connectTimeout = std::chrono::seconds(60);
        auto client = RendezvousClient::create(io.executor(), config,
                                               std::make_shared<BenchListener>(rec, &welcomed));
        client->start();
        return client;
    };

    const auto connectStart = Clock::now();
    std::vector<std::shared_ptr<RendezvousClient>> doctorClients;
    for (const auto& c : doctorCredentials) {
        doctorClients.push_back(makeClient(c, &recorder));
    }
    std::vector<std::shared_ptr<RendezvousClient>> cabinClients;
    for (int i = 0; i < cabins; ++i) {
        cabinClients.push_back(makeClient(cabinCredentials[i], nullptr));
        if (i % 100 == 99) { // pace the handshakes like a fleet coming online
            waitFor([&] { return welcomed.load() >= doctors + i - 50; }, std::chrono::seconds(60));
        }
    }
    const bool allConnected =
        waitFor([&] { return welcomed.load() == cabins + doctors; }, std::chrono::seconds(120));
    const double connectSeconds =
        std::chrono::duration<double>(Clock::now() - connectStart).count();

    std::atomic<int> ready{0};
    for (auto& d : doctorClients) {
        d->request("presence.set", {{"status", "on_shift"}}, [&](Reply r) { ready += !r.code; });
        d->request("queue.subscribe", nlohmann::json::object(), [&](Reply r) { ready += !r.code; });
    }
    for (auto& c : cabinClients) {
        c->request("cabin.ready", nlohmann::json::object(), [&](Reply r) { ready += !r.code; });
    }
    waitFor([&] { return ready.load() == 2 * doctors + cabins; }, std::chrono::seconds(60));
    // Every connection held and idle: cabins ready, doctors on shift and subscribed.
    const ServiceMemory idle = memory('m');
    const ServiceMemory idleTrimmed = memory('t');

    // Fan-out: paced check-ins, each timed until every doctor has seen it.
    std::atomic<int> checkedIn{0};
    const auto interval = std::chrono::microseconds(1'000'000 / rate);
    auto next = Clock::now();
    for (int i = 0; i < samples; ++i) {
        Visit visit;
        visit.visitId = "V-BENCH-" + std::to_string(i);
        visit.reason = "Fièvre et toux depuis trois jours";
        visit.age = 20 + i % 60;
        visit.sex = i % 2 ? Sex::female : Sex::male;
        visit.consent = {true, 0, "verbal"};
        visit.operatorPresence = {true, OperatorRole::nurse};
        visit.instruments = {Instrument::stethoscope, Instrument::roomCamera};
        visit.site = {"BENCH-" + std::to_string(i), "Cabine " + std::to_string(i),
                      "Mo-Su 00:00-24:00"};
        std::this_thread::sleep_until(next);
        next += interval;
        {
            std::lock_guard lock(recorder.mutex);
            recorder.sentAt[visit.visitId] = Clock::now();
        }
        cabinClients[i]->request("visit.checkin", toJson(visit),
                                 [&](Reply r) { checkedIn += !r.code; });
    }
    const std::size_t expected = static_cast<std::size_t>(samples) * doctors;
    waitFor([&] { return recorder.deliveries.load() >= expected; }, std::chrono::seconds(60));

    // Claims: every doctor races for every visit, as at the start of a busy shift.
    std::atomic<int> claimsWon{0};
    std::atomic<int> claimsAnswered{0};
    const auto claimStart = Clock::now();
    for (int v = 0; v < samples; ++v) {
        auto& doctor = doctorClients[v % doctors];
        doctor->request("visit.claim", {{"visit_id", "V-BENCH-" + std::to_string(v)}},
                        [&](Reply r) {
                            claimsWon += !r.code;
                            ++claimsAnswered;
                        });
    }
    waitFor([&] { return claimsAnswered.load() == samples; }, std::chrono::seconds(60));
    const double claimSeconds = std::chrono::duration<double>(Clock::now() - claimStart).count();

    const ServiceMemory after = memory('m');
    const double serviceRss = after.rssMb;
    const double clientRss = rssMb(getpid());
    const int held = welcomed.load();
    const auto perConnectionKb = [&](double afterMb, double beforeMb) {
        return held > 0 && afterMb >= 0 && beforeMb >= 0 ? (afterMb - beforeMb) * 1024.0 / held
                                                         : -1.0;
    };
    std::vector<double> latencies;
    {
        std::lock_guard lock(recorder.mutex);
        latencies = recorder.latenciesMs;
    }
    nlohmann::json out{
        {"benchmark", "rendezvous"},
        {"cabins", cabins},
        {"doctors", doctors},
        {"connections_held", held},
        {"all_connected", allConnected},
        {"connect_seconds", connectSeconds},
        {"checkins", samples},
        {"checkins_accepted", checkedIn.load()},
        {"checkin_rate_per_s", rate},
        {"fanout_deliveries", latencies.size()},
        {"fanout_expected", expected},
        {"fanout_p50_ms", percentile(latencies, 0.50)},
        {"fanout_p99_ms", percentile(latencies, 0.99)},
        {"fanout_max_ms", percentile(latencies, 1.0)},
        {"claims", samples},
        {"claims_won", claimsWon.load()},
        {"claims_per_s", claimSeconds > 0 ? claimsAnswered.load() / claimSeconds : 0},
        {"rss_mb", serviceRss},
        {"client_rss_mb", clientRss},
        {"service_rss_before_mb", before.rssMb},
        {"service_rss_idle_mb", idle.rssMb},
        {"service_heap_before_mb", before.heapMb},
        {"service_heap_idle_mb", idle.heapMb},
        {"rss_per_connection_kb", perConnectionKb(idle.rssMb, before.rssMb)},
        {"heap_per_connection_kb", perConnectionKb(idle.heapMb, before.heapMb)},
        {"rss_per_connection_trimmed_kb", perConnectionKb(idleTrimmed.rssMb, before.rssMb)},
        {"rss_per_connection_after_load_kb", perConnectionKb(after.rssMb, before.rssMb)},
        {"note", "service process alone (the clients run in the bench process). Per connection: "
                 "(service memory with every connection idle - before any) / connections_held; "
                 "rss from /proc, heap from mallinfo2, trimmed after malloc_trim(0), after_load "
                 "once the check-ins and claims are done"}};
    std::cout << out.dump() << std::endl;

    for (auto& c : doctorClients) {
        c->stop();
    }
    for (auto& c : cabinClients) {
        c->stop();
    }
    io.stop(); // returns once the close handshakes are done
    kill(servicePid, SIGTERM);
    waitpid(servicePid, nullptr, 0);
    return 0;
}

} // namespace tc::bench

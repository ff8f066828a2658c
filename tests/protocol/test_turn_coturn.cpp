// An independent peer for the TURN credentials: a real coturn (third_party/packages.txt),
// started here on loopback with `use-auth-secret`, must accept what the rendezvous service
// issued to each party and refuse a tampered or expired credential. coturn's own client,
// turnutils_uclient, allocates a relay with them. Fails, never skips, when coturn is missing.
#include "support/catch_result.hpp"
#include "support/test_support.hpp"
#include "support/uclient_output.hpp"
#include "tc/protocol/ice_servers.hpp"

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using namespace tc;
using namespace tc::test;
using namespace std::chrono_literals;
namespace net = boost::asio;
namespace type = protocol::type;

namespace {

constexpr std::string_view kSecret = "coturn-shared-secret-0123456789abcdef";
constexpr std::string_view kRealm = "telecabine.test";

struct Outcome {
    int status = -1;
    std::string output;
};

Outcome run(const std::string& command) {
    Outcome out;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 512> buffer{};
    while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
        out.output.append(buffer.data(), n);
    }
    const int status = pclose(pipe);
    out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

bool onPath(const std::string& tool) {
    return run("command -v " + tool).status == 0;
}

// A port free for both UDP and TCP on 127.0.0.1.
std::uint16_t freePort() {
    net::io_context io;
    for (int attempt = 0; attempt < 50; ++attempt) {
        net::ip::tcp::acceptor tcp(io, {net::ip::make_address_v4("127.0.0.1"), 0});
        const auto port = tcp.local_endpoint().port();
        boost::system::error_code ec;
        net::ip::udp::socket udp(io);
        udp.open(net::ip::udp::v4(), ec);
        udp.bind({net::ip::make_address_v4("127.0.0.1"), port}, ec);
        if (!ec) {
            return port;
        }
    }
    FAIL("no free port on 127.0.0.1");
    return 0;
}

// turnserver with a generated configuration, as protocol/README.md shows it: UDP and TCP on
// one port, TLS on another, with a self-signed certificate made by the openssl CLI.
class Coturn {
public:
    Coturn() {
        char name[] = "/tmp/tc-coturn-XXXXXX";
        REQUIRE(mkdtemp(name) != nullptr);
        m_dir = name;
        m_port = freePort();
        do {
            m_tlsPort = freePort();
        } while (m_tlsPort == m_port);
        m_log = m_dir / "turnserver.log";
        const auto cert = (m_dir / "turn.pem").string();
        const auto key = (m_dir / "turn.key").string();
        const auto made = run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
                              "-nodes -days 1 -subj /CN=localhost -keyout " +
                              key + " -out " + cert);
        INFO(made.output);
        REQUIRE(made.status == 0);
        const auto config = m_dir / "turnserver.conf";
        std::ofstream(config) << "listening-ip=127.0.0.1\n"
                              << "relay-ip=127.0.0.1\n"
                              << "listening-port=" << m_port << "\n"
                              << "tls-listening-port=" << m_tlsPort << "\n"
                              << "cert=" << cert << "\npkey=" << key << "\n"
                              << "use-auth-secret\n"
                              << "static-auth-secret=" << kSecret << "\n"
                              << "realm=" << kRealm << "\n"
                              << "fingerprint\n"
                              << "no-dtls\nno-cli\nno-multicast-peers\n"
                              // the test's two clients relay to each other over loopback
                              << "allow-loopback-peers\n"
                              << "log-file=stdout\nsimple-log\n"
                              << "pidfile=" << (m_dir / "turnserver.pid").string() << "\n"
                              << "userdb=" << (m_dir / "turndb").string() << "\n";
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, m_log.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
        std::string program = "turnserver";
        std::string flag = "-c";
        std::string path = config.string();
        std::array<char*, 4> argv{program.data(), flag.data(), path.data(), nullptr};
        const int spawned =
            posix_spawnp(&m_pid, program.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (spawned != 0) {
            m_pid = 0;
            FAIL("cannot start turnserver: install coturn (third_party/packages.txt)");
        }
        waitListening();
    }
    ~Coturn() {
        if (m_pid > 0) {
            kill(m_pid, SIGTERM);
            const auto deadline = std::chrono::steady_clock::now() + 5s;
            while (waitpid(m_pid, nullptr, WNOHANG) == 0) {
                if (std::chrono::steady_clock::now() > deadline) {
                    kill(m_pid, SIGKILL);
                    waitpid(m_pid, nullptr, 0);
                    break;
                }
                std::this_thread::sleep_for(10ms);
            }
        }
        std::filesystem::remove_all(m_dir);
    }
    std::uint16_t port() const { return m_port; }
    std::uint16_t tlsPort() const { return m_tlsPort; }
    std::string log() const {
        std::ifstream in(m_log);
        return {std::istreambuf_iterator<char>(in), {}};
    }

private:
    // Polls the TCP listener with a deadline; fails with coturn's log if it never comes up.
    void waitListening() {
        const auto deadline = std::chrono::steady_clock::now() + 15s;
        net::io_context io;
        for (const auto port : {m_port, m_tlsPort}) {
            for (;;) {
                if (waitpid(m_pid, nullptr, WNOHANG) == m_pid) {
                    m_pid = 0;
                    FAIL("turnserver exited at start:\n" << log());
                }
                net::ip::tcp::socket probe(io);
                boost::system::error_code ec;
                probe.connect({net::ip::make_address_v4("127.0.0.1"), port}, ec);
                if (!ec) {
                    break;
                }
                if (std::chrono::steady_clock::now() > deadline) {
                    FAIL("turnserver did not listen on 127.0.0.1:" << port << " within 15 s:\n"
                                                                   << log());
                }
                std::this_thread::sleep_for(20ms);
            }
        }
    }

    std::filesystem::path m_dir;
    std::filesystem::path m_log;
    std::uint16_t m_port = 0;
    std::uint16_t m_tlsPort = 0;
    pid_t m_pid = 0;
};

enum class Via { udp, tcp, tls };

// coturn's test client: two allocations relaying to each other (-y), one message each way,
// reaching the server over UDP, TCP or TLS.
Outcome allocate(const Coturn& coturn, const std::string& user, const std::string& password,
                 Via via = Via::udp) {
    const std::string transport = via == Via::udp ? "" : via == Via::tcp ? "-t " : "-t -S ";
    const auto port = via == Via::tls ? coturn.tlsPort() : coturn.port();
    return run("timeout 60 turnutils_uclient -y -c -n 1 -m 1 -l 100 " + transport + "-u '" + user +
               "' -w '" + password + "' -p " + std::to_string(port) + " 127.0.0.1");
}

void requireAccepted(const Outcome& outcome) {
    test::requireUclientRelayed(outcome.status, outcome.output);
}

void requireRefused(const Outcome& outcome) {
    INFO(outcome.output);
    CHECK(outcome.status != 0);
    CHECK(outcome.output.find("Cannot complete Allocation") != std::string::npos);
}

} // namespace

TEST_CASE("coturn accepts the credentials the service issued, refuses tampered and expired ones",
          "[turn][coturn][interop]") {
    REQUIRE(onPath("turnserver"));        // coturn, third_party/packages.txt
    REQUIRE(onPath("turnutils_uclient")); // part of the coturn package
    Coturn coturn;
    const std::string port = std::to_string(coturn.port());

    protocol::IceConfigInput input;
    input.turnUris = "turn:127.0.0.1:" + port + "?transport=udp,turn:127.0.0.1:" + port +
                     "?transport=tcp,turns:127.0.0.1:" + std::to_string(coturn.tlsPort()) +
                     "?transport=tcp";
    char name[] = "/tmp/tc-turn-secret-XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    std::ofstream(name) << kSecret << "\n";
    input.turnSecretFile = name;
    auto ice = protocol::loadIceConfig(input);
    std::filesystem::remove(name);
    REQUIRE(ice);

    TestPki pki;
    TestService service(pki, 60s, ":memory:", 10s, *ice);
    SyncClient cabin(pki, pki.cabin(), service.port());
    SyncClient doctor(pki, pki.doctor(), service.port());
    const auto claim = claimVisit(cabin, doctor, "V-TURN");
    const auto* result = &claim.doctor;
    const auto* claimed = &claim.cabin;
    REQUIRE(result->iceServers.size() == 1);
    REQUIRE(claimed->iceServers.size() == 1);
    const auto doctorTurn = result->iceServers[0];
    const auto cabinTurn = claimed->iceServers[0];
    CHECK(doctorTurn.urls.size() == 3);

    SECTION("each party's credential allocates a relay, over UDP, TCP and TLS") {
        auto doctorUdp = std::async(std::launch::async, [&] {
            return allocate(coturn, doctorTurn.username, doctorTurn.credential, Via::udp);
        });
        auto cabinTcp = std::async(std::launch::async, [&] {
            return allocate(coturn, cabinTurn.username, cabinTurn.credential, Via::tcp);
        });
        auto cabinTls = std::async(std::launch::async, [&] {
            return allocate(coturn, cabinTurn.username, cabinTurn.credential, Via::tls);
        });
        requireAccepted(doctorUdp.get());
        requireAccepted(cabinTcp.get());
        requireAccepted(cabinTls.get());
    }
    SECTION("a tampered password is refused") {
        std::string password = doctorTurn.credential;
        password[0] = password[0] == 'A' ? 'B' : 'A';
        requireRefused(allocate(coturn, doctorTurn.username, password));
    }
    SECTION("a username whose expiry was pushed back is refused") {
        const auto colon = doctorTurn.username.find(':');
        const auto expiry = std::stoll(doctorTurn.username.substr(0, colon));
        const std::string stretched =
            std::to_string(expiry + 86'400) + doctorTurn.username.substr(colon);
        requireRefused(allocate(coturn, stretched, doctorTurn.credential));
    }
    SECTION("one party's password does not work with the other's username") {
        requireRefused(allocate(coturn, cabinTurn.username, doctorTurn.credential));
    }
    SECTION("a correctly signed but expired credential is refused") {
        const auto expired = protocol::issueTurnCredential(kSecret, result->sessionId + "-doctor",
                                                           std::chrono::system_clock::now() - 60s);
        REQUIRE(expired);
        requireRefused(allocate(coturn, expired->username, expired->password));
        CHECK(coturn.log().find(expired->username) != std::string::npos);
    }
    SECTION("a credential signed with another secret is refused") {
        const auto forged =
            protocol::issueTurnCredential("not-the-shared-secret", result->sessionId + "-doctor",
                                          std::chrono::system_clock::now() + 1h);
        REQUIRE(forged);
        requireRefused(allocate(coturn, forged->username, forged->password));
    }
}

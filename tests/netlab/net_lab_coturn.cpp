// The lab's TURN server: coturn with a generated configuration and a throwaway CA.
#include "net_lab.hpp"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/time.h>

namespace tc::test {

namespace net = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr const char* kCoturnNeeds = "startCoturn needs coturn (turnserver) and the openssl CLI "
                                     "(third_party/packages.txt)";

void mustRun(const std::vector<std::string>& argv) {
    const auto result = runCommand(argv);
    if (result.status != 0) {
        std::string command;
        for (const auto& a : argv) {
            command += (command.empty() ? "" : " ") + a;
        }
        throw std::runtime_error("`" + command + "` failed (status " +
                                 std::to_string(result.status) + "): " + result.output + "\n" +
                                 kCoturnNeeds);
    }
}

// A CA and a server certificate it signed, for the name and the address a TLS client checks.
void makeCertificates(const std::filesystem::path& dir) {
    const auto at = [&](const char* name) {
        return (dir / name).string();
    };
    const std::vector<std::string> ecKey{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                         "-nodes"};
    std::vector<std::string> ca{
        "openssl", "req", "-x509", "-days", "1", "-subj", "/CN=telecabine netlab test CA"};
    ca.insert(ca.end(), ecKey.begin(), ecKey.end());
    ca.insert(ca.end(), {"-keyout", at("ca.key"), "-out", at("ca.pem"), "-addext",
                         "basicConstraints=critical,CA:TRUE", "-addext",
                         "keyUsage=critical,keyCertSign,cRLSign"});
    mustRun(ca);
    std::vector<std::string> request{"openssl", "req", "-new", "-subj",
                                     std::string("/CN=") + Coturn::kServerName};
    request.insert(request.end(), ecKey.begin(), ecKey.end());
    request.insert(request.end(), {"-keyout", at("turn.key"), "-out", at("turn.csr")});
    mustRun(request);
    std::ofstream(dir / "turn.ext")
        << "basicConstraints=CA:FALSE\n"
        << "keyUsage=critical,digitalSignature\n"
        << "extendedKeyUsage=serverAuth\n"
        << "subjectAltName=DNS:" << Coturn::kServerName << ",IP:" << Coturn::kAddress << "\n";
    mustRun({"openssl", "x509", "-req", "-days", "1", "-in", at("turn.csr"), "-CA", at("ca.pem"),
             "-CAkey", at("ca.key"), "-set_serial", "2", "-extfile", at("turn.ext"), "-out",
             at("turn.pem")});
}

void writeConfig(const Coturn& coturn) {
    const auto& dir = coturn.directory();
    std::ofstream(dir / "turnserver.conf")
        << "listening-ip=" << Coturn::kAddress << "\n"
        << "relay-ip=" << Coturn::kAddress << "\n"
        << "listening-port=" << Coturn::kPort << "\n"
        << "tls-listening-port=" << Coturn::kTlsPort << "\n"
        << "cert=" << coturn.certificate().string() << "\n"
        << "pkey=" << coturn.privateKey().string() << "\n"
        << "use-auth-secret\n"
        << "static-auth-secret=" << coturn.options().secret << "\n"
        << "realm=" << coturn.options().realm << "\n"
        << "fingerprint\nno-dtls\nno-cli\nno-multicast-peers\n"
        // Peers are the NATs' WAN addresses and the public hosts, all in TEST-NET-3: allowed
        // explicitly, whatever ranges a coturn version denies by default.
        << "allowed-peer-ip=203.0.113.0-203.0.113.255\n"
        // verbose: each allocation is logged, so a test can see it was this server's
        << "verbose\n"
        << "log-file=" << coturn.logFile().string() << "\nsimple-log\n"
        << "pidfile=" << (dir / "turnserver.pid").string() << "\n"
        << "userdb=" << (dir / "turndb").string() << "\n";
}

bool tcpListening(std::uint16_t port) {
    net::io_context io;
    net::ip::tcp::socket probe(io);
    boost::system::error_code ec;
    probe.connect({net::ip::make_address_v4(Coturn::kAddress), port}, ec);
    return !ec;
}

// A STUN Binding request (RFC 8489): any answer means the UDP listener is up.
bool udpAnswers(std::uint16_t port) {
    net::io_context io;
    net::ip::udp::socket socket(io, net::ip::udp::v4());
    const timeval timeout{0, 200'000};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::array<std::uint8_t, 20> request{0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42};
    for (std::size_t i = 8; i < request.size(); ++i) {
        request[i] = static_cast<std::uint8_t>(std::rand());
    }
    boost::system::error_code ec;
    socket.send_to(net::buffer(request), {net::ip::make_address_v4(Coturn::kAddress), port}, 0, ec);
    // recv(2) itself, not Asio's receive_from: Asio waits again after the SO_RCVTIMEO timeout
    // (EAGAIN), so a probe sent before coturn listened would wait for ever.
    std::array<std::uint8_t, 1500> answer{};
    const auto n = ::recv(socket.native_handle(), answer.data(), answer.size(), 0);
    return !ec && n >= 20 && answer[0] == 0x01 && answer[1] == 0x01;
}

// Removes the directories of coturns whose test process is gone: "tc-netlab-coturn-<pid>-...".
void removeStaleDirectories(const std::filesystem::path& temp) {
    constexpr std::string_view prefix = "tc-netlab-coturn-";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(temp, ec)) {
        const auto name = entry.path().filename().string();
        if (!name.starts_with(prefix)) {
            continue;
        }
        const auto digits =
            name.substr(prefix.size(), name.find('-', prefix.size()) - prefix.size());
        if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos &&
            processIsGone(static_cast<pid_t>(std::stol(digits)))) {
            std::filesystem::remove_all(entry.path(), ec);
        }
    }
}

} // namespace

Coturn::Coturn(Process process, std::filesystem::path directory, CoturnOptions options)
    : m_process(std::move(process))
    , m_directory(std::move(directory))
    , m_options(std::move(options)) {}

Coturn::~Coturn() {
    m_process.terminate();
    if (!m_process.wait(5s)) {
        m_process.kill();
        m_process.wait(5s);
    }
    std::error_code ignored;
    std::filesystem::remove_all(m_directory, ignored);
}

std::string Coturn::log() const {
    std::string text;
    // What turnserver printed before its log file was open comes after the log, if anything.
    for (const auto& file : {logFile(), m_directory / "turnserver.out"}) {
        std::ifstream in(file);
        text.append(std::istreambuf_iterator<char>(in), {});
    }
    return text;
}

std::unique_ptr<Coturn> NetLab::startCoturn(const CoturnOptions& options) {
    const auto temp = std::filesystem::temp_directory_path();
    removeStaleDirectories(temp);
    std::string name = temp / ("tc-netlab-coturn-" + std::to_string(::getpid()) + "-XXXXXX");
    if (::mkdtemp(name.data()) == nullptr) {
        throw std::runtime_error("cannot make a temporary directory for coturn");
    }
    // From here on the directory belongs to the handle, which removes it on any failure.
    auto coturn = std::make_unique<Coturn>(Process{}, name, options);
    if (const auto& given = options.certificate) {
        // Copied, so that the files coturn reads live and die with its directory.
        const auto& dir = coturn->directory();
        std::error_code ec;
        for (const auto& [from, to] : {std::pair{given->certificate, coturn->certificate()},
                                       std::pair{given->privateKey, coturn->privateKey()},
                                       std::pair{given->authority, dir / "ca.pem"}}) {
            if (!std::filesystem::copy_file(from, to, ec)) {
                throw std::runtime_error("cannot copy " + from.string() +
                                         " for coturn: " + ec.message());
            }
        }
    } else {
        makeCertificates(coturn->directory());
    }
    writeConfig(*coturn);
    try {
        coturn->process() =
            spawnIn(Place::publicHost,
                    {"turnserver", "-c", (coturn->directory() / "turnserver.conf").string()},
                    coturn->directory() / "turnserver.out");
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string(e.what()) + "\n" + kCoturnNeeds);
    }
    const auto deadline = std::chrono::steady_clock::now() + options.startTimeout;
    for (;;) {
        if (!coturn->process().running()) {
            throw std::runtime_error("turnserver exited at start:\n" + coturn->log());
        }
        const bool up = runIn(Place::publicHost, [] {
            return tcpListening(Coturn::kPort) && tcpListening(Coturn::kTlsPort) &&
                   udpAnswers(Coturn::kPort);
        });
        if (up) {
            return coturn;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("turnserver did not answer on " +
                                     std::string(Coturn::kAddress) +
                                     " (UDP and TCP 3478, TLS 443) in time:\n" + coturn->log());
        }
        std::this_thread::sleep_for(20ms);
    }
}

} // namespace tc::test

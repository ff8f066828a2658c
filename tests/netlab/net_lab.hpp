// A network lab for NAT and ICE tests: a public segment (rendezvous, STUN and TURN at
// 203.0.113.10) and two private LANs, the doctor's and the cabin's, each behind its own NAT
// router, all built from Linux network namespaces, veth pairs, bridges and nftables. Needs root
// (or CAP_NET_ADMIN and CAP_SYS_ADMIN), iproute2, nftables and, for startCoturn, coturn and the
// openssl CLI: without them the constructor throws and says which.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <type_traits>
#include <vector>

namespace tc::test {

enum class Side { doctor, cabin };

enum class Place { publicHost, doctorRouter, doctor, cabinRouter, cabin };

// How a router's NAT picks the external port of a flow. Either way its filtering is
// conntrack's: only replies from the exact address and port a flow was opened to come back.
enum class NatMapping {
    // Plain masquerade: Linux keeps the source port while that is unique, so one socket is seen
    // from the same external port by every destination (RFC 4787 endpoint-independent mapping).
    endpointIndependent,
    // `masquerade random`: a new external port for every destination ("symmetric" NAT).
    addressAndPortDependent,
};

struct NetLabOptions {
    NatMapping doctorNat = NatMapping::endpointIndependent;
    NatMapping cabinNat = NatMapping::endpointIndependent;
    // The cabin host sits on the doctor's LAN (192.168.10.3) instead of its own.
    bool sameSegment = false;
    // A second address on the public host: a second STUN target tells mapping behaviours apart.
    bool secondPublicAddress = true;
};

struct CommandResult {
    int status = -1;    // the exit status, or 128 + signal
    std::string output; // stdout and stderr together
};

// Runs argv (looked up on PATH) and collects its output; never throws.
CommandResult runCommand(const std::vector<std::string>& argv);

// Whether no such process runs any more (a zombie counts as gone).
bool processIsGone(pid_t pid);

// Moves the calling thread into the named network namespace (`ip netns` name); throws.
void enterNetworkNamespace(const std::string& name);

// A child process, killed (SIGKILL) and reaped by the destructor if still running.
class Process {
public:
    Process() = default;
    explicit Process(pid_t pid)
        : m_pid(pid) {}
    Process(Process&& other) noexcept;
    Process& operator=(Process&& other) noexcept;
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    ~Process();

    pid_t pid() const { return m_pid; }
    bool running();
    void terminate(); // SIGTERM
    void kill();      // SIGKILL
    // The exit status (128 + signal when killed), or nothing if it still runs after `timeout`.
    std::optional<int> wait(std::chrono::milliseconds timeout);

private:
    pid_t m_pid = 0;
    std::optional<int> m_status;
};

// A TLS identity for coturn made elsewhere, e.g. by the deployment's own CA, so that clients
// trusting only that CA verify the TURN server too. PEM files, copied into coturn's directory.
struct CoturnCertificate {
    std::filesystem::path certificate; // the server's certificate (its chain may follow)
    std::filesystem::path privateKey;
    std::filesystem::path authority; // what a client must trust to verify it
};

struct CoturnOptions {
    std::string secret = "netlab-turn-secret-0123456789abcdef"; // static-auth-secret
    std::string realm = "telecabine.test";
    std::chrono::milliseconds startTimeout{15'000};
    // Without one, a certificate from a throwaway CA (see Coturn).
    std::optional<CoturnCertificate> certificate;
};

// A real turnserver on the public host: UDP and TCP on 3478, TLS on 443, by default with a
// certificate for turn.telecabine.test and 203.0.113.10 from a throwaway CA. Stopped by the
// destructor; keep it no longer than its NetLab.
class Coturn {
public:
    static constexpr std::uint16_t kPort = 3478;
    static constexpr std::uint16_t kTlsPort = 443;
    static constexpr const char* kAddress = "203.0.113.10";
    static constexpr const char* kServerName = "turn.telecabine.test";

    Coturn(Process process, std::filesystem::path directory, CoturnOptions options);
    Coturn(const Coturn&) = delete;
    Coturn& operator=(const Coturn&) = delete;
    ~Coturn();

    const CoturnOptions& options() const { return m_options; }
    const std::filesystem::path& directory() const { return m_directory; }
    // The authority that verifies its TLS certificate (the throwaway CA, or the one given).
    std::filesystem::path caCertificate() const { return m_directory / "ca.pem"; }
    std::filesystem::path certificate() const { return m_directory / "turn.pem"; }
    std::filesystem::path privateKey() const { return m_directory / "turn.key"; }
    std::filesystem::path logFile() const { return m_directory / "turnserver.log"; }
    std::string log() const;
    Process& process() { return m_process; }

private:
    Process m_process;
    std::filesystem::path m_directory;
    CoturnOptions m_options;
};

class NetLab {
public:
    static constexpr const char* kPublicAddress = "203.0.113.10";
    static constexpr const char* kSecondPublicAddress = "203.0.113.11";

    explicit NetLab(NetLabOptions options = {}); // throws std::runtime_error
    NetLab(const NetLab&) = delete;
    NetLab& operator=(const NetLab&) = delete;
    ~NetLab();

    const NetLabOptions& options() const { return m_options; }
    const std::string& nsName(Place place) const;
    static Place hostOf(Side side) { return side == Side::doctor ? Place::doctor : Place::cabin; }
    static Place routerOf(Side side) {
        return side == Side::doctor ? Place::doctorRouter : Place::cabinRouter;
    }
    static std::string wanAddress(Side side); // the NAT's public address, 203.0.113.1 or .2
    std::string gateway(Side side) const;     // the host's default gateway on its LAN
    std::string hostAddress(Side side) const; // the host's primary LAN address, as changed

    // Forwarded UDP through that side's router is dropped (TCP still gets out) until unblocked.
    void blockUdp(Side side);
    void unblockUdp(Side side);

    // A network change: the host's LAN address is replaced and its default route re-added.
    void changeHostAddress(Side side, const std::string& newAddress);
    void addHostAddress(Side side, const std::string& address);
    void removeHostAddress(Side side, const std::string& address);

    // Runs f on a new thread inside that place's namespace (sockets it opens live there) and
    // returns its result; f's exceptions are rethrown here.
    template <class F> std::invoke_result_t<F&> runIn(Place place, F&& f) const {
        using R = std::invoke_result_t<F&>;
        std::promise<R> result;
        std::thread([&] {
            try {
                enterNetworkNamespace(nsName(place));
                if constexpr (std::is_void_v<R>) {
                    f();
                    result.set_value();
                } else {
                    result.set_value(f());
                }
            } catch (...) {
                result.set_exception(std::current_exception());
            }
        }).join();
        return result.get_future().get();
    }

    // Starts argv inside that namespace, stdout and stderr to logFile (appended); throws. The
    // child gets SIGKILL when the calling thread ends: call it from a thread that outlives it
    // (not from inside runIn).
    Process spawnIn(Place place, const std::vector<std::string>& argv,
                    const std::filesystem::path& logFile) const;
    // Runs argv inside that namespace and collects its output; never throws.
    CommandResult runCommandIn(Place place, const std::vector<std::string>& argv) const;

    // Returns once coturn answers (STUN over UDP, TCP connects on 3478 and 443); throws with its
    // log otherwise. Call it from the test's thread, like spawnIn.
    std::unique_ptr<Coturn> startCoturn(const CoturnOptions& options = {});

private:
    void build();
    void deleteNamespaces();
    void ip(const std::vector<std::string>& arguments) const;
    void nft(Place place, const std::string& script) const;
    void writeSysctl(Place place, const std::string& key, const std::string& value) const;
    void link(Place a, const std::string& nameInA, Place b, const std::string& nameInB) const;
    void setDefaultRoute(Side side) const;
    void addInternet(Place place, const std::string& device) const;

    NetLabOptions m_options;
    std::vector<std::string> m_names;         // indexed by Place
    std::vector<std::string> m_hostAddresses; // indexed by Side
    std::vector<bool> m_created;
};

} // namespace tc::test

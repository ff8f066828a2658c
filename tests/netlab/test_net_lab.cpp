// The network lab itself, checked by what crosses it: NAT'd sources, the two mapping behaviours,
// conntrack filtering, coturn through the NAT over UDP, TCP and TLS (and over TLS only when UDP
// is blocked), a host's network change, and two hosts on one LAN. Needs root (the README's test
// command runs as root), iproute2, nftables and coturn: without them the tests fail, never skip.
#define CATCH_CONFIG_MAIN
#include "net_lab.hpp"
#include "support/uclient_output.hpp"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

using namespace tc::test;
using namespace std::chrono_literals;
namespace net = boost::asio;
using udp = net::ip::udp;

namespace {

udp::endpoint at(const std::string& address, std::uint16_t port) {
    return {net::ip::make_address(address), port};
}

struct Datagram {
    udp::endpoint from;
    std::string text;
};

// A UDP socket opened inside one place of the lab (where it then stays), whose receives wait on
// a deadline instead of blocking.
class UdpPeer {
public:
    UdpPeer(const NetLab& lab, Place place, const std::string& address, std::uint16_t port = 0)
        : m_socket(lab.runIn(place, [&] {
            udp::socket socket(m_io, udp::v4());
            socket.bind(at(address, port));
            return socket;
        })) {}

    udp::endpoint local() const { return m_socket.local_endpoint(); }

    boost::system::error_code send(const udp::endpoint& to, const std::string& text) {
        boost::system::error_code ec;
        m_socket.send_to(net::buffer(text), to, 0, ec);
        return ec;
    }

    std::optional<Datagram> receive(std::chrono::milliseconds timeout = 3s) {
        std::array<char, 1500> buffer{};
        udp::endpoint from;
        std::optional<Datagram> out;
        m_socket.async_receive_from(net::buffer(buffer), from,
                                    [&](boost::system::error_code ec, std::size_t n) {
                                        if (!ec) {
                                            out = Datagram{from, std::string(buffer.data(), n)};
                                        }
                                    });
        m_io.restart();
        m_io.run_for(timeout);
        if (!out) {
            m_socket.cancel();
            m_io.restart();
            m_io.run();
        }
        return out;
    }

private:
    net::io_context m_io;
    udp::socket m_socket;
};

// Sends from `from` to `to` and returns what `to` saw, which must arrive.
Datagram deliver(UdpPeer& from, UdpPeer& to, const std::string& text) {
    REQUIRE_FALSE(from.send(to.local(), text));
    auto seen = to.receive();
    REQUIRE(seen.has_value());
    CHECK(seen->text == text);
    return *seen;
}

std::string addressesOf(const NetLab& lab, Place place) {
    return runCommand({"ip", "-n", lab.nsName(place), "-4", "-o", "addr", "show", "dev", "eth0"})
        .output;
}

// TURN REST API credentials (use-auth-secret): "<expiry>:<name>" and its base64 HMAC-SHA1.
std::pair<std::string, std::string> restCredential(const std::string& secret,
                                                   const std::string& name) {
    const auto expiry = std::chrono::duration_cast<std::chrono::seconds>(
        (std::chrono::system_clock::now() + 10min).time_since_epoch());
    const auto user = std::to_string(expiry.count()) + ":" + name;
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int length = 0;
    // No Catch assertion here: the coturn test calls this from its client threads.
    if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(user.data()), user.size(), mac.data(),
             &length) == nullptr) {
        throw std::runtime_error("HMAC-SHA1 failed");
    }
    std::string password(4 * ((length + 2) / 3), '\0');
    EVP_EncodeBlock(reinterpret_cast<unsigned char*>(password.data()), mac.data(),
                    static_cast<int>(length));
    return {user, password};
}

enum class Via { udp, tcp, tls };

// coturn's own client in the doctor's namespace: two allocations relaying one message to each
// other (-y), reaching the server through the doctor's NAT over UDP, TCP or TLS (the server's
// certificate checked against the lab's CA).
CommandResult allocate(const NetLab& lab, const Coturn& coturn, Via via,
                       const std::string& timeout = "20") {
    const auto [user, password] = restCredential(coturn.options().secret, "doctor");
    // --foreground: timeout signals only its child. Without it, it signals its whole process
    // group as well, and a test that spawns clients from several threads was seen to get that
    // SIGTERM itself.
    std::vector<std::string> argv{
        "timeout", "--foreground", "-k", "2",  timeout, "turnutils_uclient", "-y", "-c", "-n",
        "1",       "-m",           "1",  "-l", "100"};
    if (via != Via::udp) {
        argv.push_back("-t");
    }
    if (via == Via::tls) {
        argv.insert(argv.end(), {"-S", "-E", coturn.caCertificate().string()});
    }
    const auto port = via == Via::tls ? Coturn::kTlsPort : Coturn::kPort;
    argv.insert(argv.end(),
                {"-u", user, "-w", password, "-p", std::to_string(port), Coturn::kAddress});
    return lab.runCommandIn(Place::doctor, argv);
}

void requireRelayed(const CommandResult& outcome) {
    tc::test::requireUclientRelayed(outcome.status, outcome.output);
}

} // namespace

TEST_CASE("netlab: each host reaches the public host, seen from its NAT's WAN address",
          "[netlab]") {
    NetLab lab;
    UdpPeer service(lab, Place::publicHost, NetLab::kPublicAddress);
    for (const auto side : {Side::doctor, Side::cabin}) {
        UdpPeer host(lab, NetLab::hostOf(side), "0.0.0.0");
        const auto seen = deliver(host, service, "hello");
        CHECK(seen.from.address().to_string() == NetLab::wanAddress(side));
        REQUIRE_FALSE(service.send(seen.from, "welcome"));
        const auto reply = host.receive();
        REQUIRE(reply.has_value());
        CHECK(reply->from == service.local());
        CHECK(reply->text == "welcome");
    }
}

TEST_CASE("netlab: endpoint-independent NAT keeps one external port, symmetric NAT does not",
          "[netlab][nat]") {
    const auto mapping =
        GENERATE(NatMapping::endpointIndependent, NatMapping::addressAndPortDependent);
    NetLabOptions options;
    options.doctorNat = mapping;
    NetLab lab(options);
    // Two addresses of the public host, and a second port of the first one.
    UdpPeer first(lab, Place::publicHost, NetLab::kPublicAddress);
    UdpPeer second(lab, Place::publicHost, NetLab::kSecondPublicAddress);
    UdpPeer otherPort(lab, Place::publicHost, NetLab::kPublicAddress);
    UdpPeer doctor(lab, Place::doctor, "0.0.0.0");
    const auto a = deliver(doctor, first, "to .10").from;
    const auto b = deliver(doctor, second, "to .11").from;
    const auto c = deliver(doctor, otherPort, "to .10, other port").from;
    INFO("local port " << doctor.local().port() << ", seen as " << a << ", " << b << ", " << c);
    for (const auto& seen : {a, b, c}) {
        CHECK(seen.address().to_string() == NetLab::wanAddress(Side::doctor));
    }
    if (mapping == NatMapping::endpointIndependent) {
        // Plain masquerade keeps the source port itself while it is free.
        CHECK(a.port() == doctor.local().port());
        CHECK(b.port() == a.port());
        CHECK(c.port() == a.port());
    } else {
        CHECK(b.port() != a.port());
        CHECK(c.port() != a.port());
    }
}

TEST_CASE("netlab: nothing from the public side reaches a host unless it answers its flow",
          "[netlab][nat]") {
    NetLab lab;
    UdpPeer doctor(lab, Place::doctor, "0.0.0.0");
    UdpPeer service(lab, Place::publicHost, NetLab::kPublicAddress);
    UdpPeer stranger(lab, Place::publicHost, NetLab::kSecondPublicAddress);
    const auto doctorLan = at(lab.hostAddress(Side::doctor), doctor.local().port());
    // The public host has no route to the private LANs: its default route leads nowhere, and
    // the datagram vanishes (checked below: the doctor reads the reply first).
    REQUIRE_FALSE(stranger.send(doctorLan, "direct"));
    const auto mapped = deliver(doctor, service, "open").from;
    // Another public address, to the mapped port or another one of the NAT: not a reply.
    REQUIRE_FALSE(stranger.send(mapped, "unsolicited"));
    REQUIRE_FALSE(stranger.send(at(mapped.address().to_string(), mapped.port() + 1), "other"));
    // Even a WAN neighbour that routes the LAN through the NAT is filtered.
    const auto routed = runCommand({"ip", "-n", lab.nsName(Place::publicHost), "route", "add",
                                    "192.168.10.0/24", "via", NetLab::wanAddress(Side::doctor)});
    REQUIRE(routed.status == 0);
    REQUIRE_FALSE(stranger.send(doctorLan, "routed"));
    // The service's reply takes the same path after them: had any of them been delivered, the
    // doctor would have read it first.
    REQUIRE_FALSE(service.send(mapped, "reply"));
    const auto first = doctor.receive();
    REQUIRE(first.has_value());
    CHECK(first->text == "reply");
    CHECK(first->from == service.local());
}

TEST_CASE("netlab: coturn allocates through the doctor's NAT over UDP, TCP and TLS",
          "[netlab][coturn]") {
    NetLab lab;
    const auto coturn = lab.startCoturn();
    // An independent TLS client checks the certificate chain, the name and the address.
    {
        const auto tls = lab.runCommandIn(
            Place::doctor,
            {"openssl", "s_client", "-connect", std::string(Coturn::kAddress) + ":443", "-CAfile",
             coturn->caCertificate().string(), "-verify_return_error", "-verify_hostname",
             Coturn::kServerName, "-verify_ip", Coturn::kAddress, "-brief"});
        INFO(tls.output);
        CHECK(tls.status == 0);
        CHECK(tls.output.find("Verification: OK") != std::string::npos);
    }

    // turnutils_uclient runs for about 5 s whatever happens: the clients run side by side.
    const auto inParallel = [&](Via via, const char* timeout = "20") {
        return std::async(std::launch::async,
                          [&, via, timeout] { return allocate(lab, *coturn, via, timeout); });
    };
    SECTION("over UDP, TCP and TLS on 443") {
        auto overUdp = inParallel(Via::udp);
        auto overTcp = inParallel(Via::tcp);
        auto overTls = inParallel(Via::tls);
        requireRelayed(overUdp.get());
        requireRelayed(overTcp.get());
        requireRelayed(overTls.get());
        const auto log = coturn->log();
        INFO(log);
        CHECK(log.find(":doctor>: incoming packet ALLOCATE processed, success") !=
              std::string::npos);
    }
    SECTION("with UDP blocked, only TLS on 443 gets through, until it is unblocked") {
        lab.blockUdp(Side::doctor);
        auto overUdp = inParallel(Via::udp, "3");
        auto overTls = inParallel(Via::tls);
        const auto blocked = overUdp.get();
        INFO(blocked.output);
        CHECK(blocked.status == 124); // still waiting for its allocation when timed out
        CHECK(blocked.output.find("tot_recv_msgs=") == std::string::npos);
        requireRelayed(overTls.get());
        lab.unblockUdp(Side::doctor);
        UdpPeer doctor(lab, Place::doctor, "0.0.0.0");
        UdpPeer service(lab, Place::publicHost, NetLab::kPublicAddress);
        deliver(doctor, service, "udp again");
    }
}

TEST_CASE("netlab: after a host's address changes, its datagrams still get out as a new flow",
          "[netlab][nat]") {
    NetLab lab;
    UdpPeer service(lab, Place::publicHost, NetLab::kPublicAddress);
    UdpPeer doctor(lab, Place::doctor, "0.0.0.0");
    const auto before = deliver(doctor, service, "before").from;
    CHECK(before.port() == doctor.local().port());

    lab.changeHostAddress(Side::doctor, "192.168.10.52");
    CHECK(lab.hostAddress(Side::doctor) == "192.168.10.52");
    const auto shown = addressesOf(lab, Place::doctor);
    CHECK(shown.find("192.168.10.52/24") != std::string::npos);
    CHECK(shown.find("192.168.10.2/") == std::string::npos);
    CHECK_THROWS(UdpPeer(lab, Place::doctor, "192.168.10.2"));

    // Same socket, new source address: a new conntrack entry, and since the old one still holds
    // the external port towards this service, the NAT picks another.
    const auto after = deliver(doctor, service, "after").from;
    CHECK(after.address() == before.address());
    CHECK(after.port() != before.port());
    REQUIRE_FALSE(service.send(after, "still there"));
    const auto reply = doctor.receive();
    REQUIRE(reply.has_value());
    CHECK(reply->text == "still there");

    // A second address, then the first one removed: the second takes over with the route.
    lab.addHostAddress(Side::doctor, "192.168.10.60");
    lab.removeHostAddress(Side::doctor, "192.168.10.52");
    CHECK(lab.hostAddress(Side::doctor) == "192.168.10.60");
    UdpPeer moved(lab, Place::doctor, "192.168.10.60");
    CHECK(deliver(moved, service, "moved").from.address().to_string() ==
          NetLab::wanAddress(Side::doctor));
}

TEST_CASE("netlab: on one segment, doctor and cabin reach each other directly", "[netlab]") {
    NetLabOptions options;
    options.sameSegment = true;
    NetLab lab(options);
    CHECK(lab.hostAddress(Side::cabin) == "192.168.10.3");
    UdpPeer doctor(lab, Place::doctor, lab.hostAddress(Side::doctor));
    UdpPeer cabin(lab, Place::cabin, lab.hostAddress(Side::cabin));
    CHECK(deliver(doctor, cabin, "hello cabin").from == doctor.local());
    CHECK(deliver(cabin, doctor, "hello doctor").from == cabin.local());
    // Both leave through the doctor's NAT.
    UdpPeer service(lab, Place::publicHost, NetLab::kPublicAddress);
    CHECK(deliver(cabin, service, "out").from.address().to_string() ==
          NetLab::wanAddress(Side::doctor));
}

TEST_CASE("netlab: a lab deletes what it made, and what dead processes' labs left", "[netlab]") {
    // A namespace named like a lab of a process that has exited (as after kill -9).
    const pid_t child = ::fork();
    if (child == 0) {
        ::_exit(0);
    }
    REQUIRE(child > 0);
    REQUIRE(::waitpid(child, nullptr, 0) == child);
    const auto stale = "tl" + std::to_string(child) + "-0-pub";
    REQUIRE(runCommand({"ip", "netns", "add", stale}).status == 0);
    std::string made;
    {
        NetLab lab;
        made = lab.nsName(Place::doctor);
        const auto listed = runCommand({"ip", "netns", "list"}).output;
        CHECK(listed.find(stale) == std::string::npos);
        CHECK(listed.find(made) != std::string::npos);
    }
    CHECK(runCommand({"ip", "netns", "list"}).output.find(made) == std::string::npos);
}

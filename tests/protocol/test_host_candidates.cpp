// Host candidates on every usable address (issue 14): which addresses are gathered, the pairs
// two transports with several addresses check, the pair the controlling side nominates being
// the one both use, and two hosts in their own network namespaces over a veth link (a peer that
// is not on 127.0.0.1: the defect outside checks found).
#include "support/catch_result.hpp"
#include "support/transport_pair.hpp"
#include "tc/protocol/host_addresses.hpp"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sched.h>
#include <set>
#include <unistd.h>

using namespace tc::protocol;
using namespace tc::test;
namespace ip = boost::asio::ip;

namespace {

InterfaceAddress at(const char* name, const char* address) {
    return {name, ip::make_address(address)};
}

const std::vector<InterfaceAddress> kMachine = {
    at("lo", "127.0.0.1"),
    at("lo", "::1"),
    at("eth0", "192.0.2.2"),
    at("eth0", "fd00::2"),
    at("eth0", "fe80::fc:ff:fe00:1"),
    at("wlan0", "169.254.10.20"),
    at("wlan0", "10.1.2.3"),
};

std::vector<std::string> texts(const std::vector<ip::address>& addresses) {
    std::vector<std::string> out;
    for (const auto& a : addresses) {
        out.push_back(a.to_string());
    }
    return out;
}

} // namespace

TEST_CASE("host candidates: every usable address, IPv6 first, no link-local, no loopback",
          "[transport][ice]") {
    const auto all = selectHostAddresses(kMachine);
    REQUIRE(all.has_value());
    CHECK(texts(*all) == std::vector<std::string>{"fd00::2", "192.0.2.2", "10.1.2.3"});
    // Loopback only when it is all there is.
    const auto alone =
        selectHostAddresses({at("lo", "127.0.0.1"), at("lo", "::1"), at("eth0", "fe80::1")});
    REQUIRE(alone.has_value());
    CHECK(texts(*alone) == std::vector<std::string>{"127.0.0.1", "::1"});
    // Restricted to an interface, or to addresses (in the order given).
    CHECK(texts(*selectHostAddresses(kMachine, {{"wlan0"}, {}})) ==
          std::vector<std::string>{"10.1.2.3"});
    CHECK(texts(*selectHostAddresses(kMachine, {{}, {"10.1.2.3", "fd00::2"}})) ==
          std::vector<std::string>{"10.1.2.3", "fd00::2"});
    CHECK(texts(*selectHostAddresses(kMachine, {{}, {"127.0.0.1"}})) ==
          std::vector<std::string>{"127.0.0.1"});
    // Typed refusals.
    CHECK(selectHostAddresses(kMachine, {{"eth9"}, {}}).error() ==
          HostAddressErrc::unknownInterface);
    CHECK(selectHostAddresses(kMachine, {{}, {"203.0.113.9"}}).error() ==
          HostAddressErrc::addressNotLocal);
    CHECK(selectHostAddresses(kMachine, {{"wlan0"}, {"192.0.2.2"}}).error() ==
          HostAddressErrc::addressNotLocal);
    CHECK(selectHostAddresses(kMachine, {{}, {"not-an-address"}}).error() ==
          HostAddressErrc::invalidAddress);
    CHECK(selectHostAddresses({at("eth0", "fe80::1"), at("wlan0", "169.254.1.1")}).error() ==
          HostAddressErrc::noUsableAddress);
    // This machine has at least one address to offer, and never a link-local one.
    const auto here = hostAddresses();
    REQUIRE(here.has_value());
    for (const auto& a : *here) {
        CHECK_FALSE((a.is_v6() && a.to_v6().is_link_local()));
    }
}

TEST_CASE("host candidates: with several addresses each, both sides use the nominated pair",
          "[transport][ice]") {
    IoThread io;
    Pair pair(SrtpSuite::aeadAes128Gcm);
    pair.a.hostAddresses = {ip::make_address("127.0.0.1"), ip::make_address("::1"),
                            ip::make_address("127.0.0.2")};
    pair.b.hostAddresses = {ip::make_address("::1"), ip::make_address("127.0.0.3")};
    auto a = MediaTransport::open(io.context().get_executor(), pair.a);
    auto b = MediaTransport::open(io.context().get_executor(), pair.b);
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    const auto candidatesA = (*a)->localCandidates();
    const auto candidatesB = (*b)->localCandidates();
    REQUIRE(candidatesA.size() == 3);
    REQUIRE(candidatesB.size() == 2);
    // Each its own priority (libnice orders them by address family and position).
    CHECK(std::set<std::uint32_t>{candidatesA[0].priority, candidatesA[1].priority,
                                  candidatesA[2].priority}
              .size() == 3);
    Observer seenA;
    Observer seenB;
    REQUIRE_FALSE(
        (*a)->start(candidatesB, pair.bCredentials, pair.aKeys, seenA.packets(), seenA.state()));
    REQUIRE_FALSE(
        (*b)->start(candidatesA, pair.aCredentials, pair.bKeys, seenB.packets(), seenB.state()));
    REQUIRE(eventually([&] {
        return seenA.last() == TransportState::connected &&
               seenB.last() == TransportState::connected;
    }));
    const auto pathA = onExecutor(**a, [t = *a] { return t->selectedPath(); });
    const auto pathB = onExecutor(**b, [t = *b] { return t->selectedPath(); });
    REQUIRE(pathA.has_value());
    REQUIRE(pathB.has_value());
    INFO("A " << pathA->local.endpoint << " -> " << pathA->remote.endpoint << ", B "
              << pathB->local.endpoint << " -> " << pathB->remote.endpoint);
    CHECK(pathA->local.endpoint == pathB->remote.endpoint);
    CHECK(pathA->remote.endpoint == pathB->local.endpoint);
    CHECK(pathA->local.type == Candidate::Type::host);
    CHECK(describe(*pathA) == "direct (host)");
    // Media flows both ways on it.
    for (int i = 0; i < 20; ++i) {
        std::vector<std::uint8_t> rtp(40, 0);
        rtp[0] = 0x80;
        rtp[1] = 96;
        rtp[3] = static_cast<std::uint8_t>(i);
        rtp[11] = 7;
        (*a)->sendRtp(rtp);
        (*b)->sendRtp(rtp);
    }
    CHECK(eventually([&] { return seenA.rtpCount() == 20 && seenB.rtpCount() == 20; }));
    (*a)->close();
    (*b)->close();
}

namespace {

// Two hosts on one link: network namespaces joined by a veth pair, made with iproute2 (root or
// CAP_NET_ADMIN needed: without them the test fails and says so).
class TwoHosts {
public:
    TwoHosts() {
        const auto id = std::to_string(getpid() % 100000);
        m_a = "tcA" + id;
        m_b = "tcB" + id;
        const std::string veth = "tcv" + id;
        const std::string script =
            "set -e; ip netns add " + m_a + "; ip netns add " + m_b + "; ip link add " + veth +
            "a type veth peer name " + veth + "b; ip link set " + veth + "a netns " + m_a +
            "; ip link set " + veth + "b netns " + m_b + "; ip -n " + m_a +
            " addr add 10.213.7.1/24 dev " + veth + "a; ip -n " + m_b +
            " addr add 10.213.7.2/24 dev " + veth + "b; ip -n " + m_a + " link set " + veth +
            "a up; ip -n " + m_b + " link set " + veth + "b up; ip -n " + m_a +
            " link set lo up; ip -n " + m_b + " link set lo up";
        m_ready =
            std::system(("sh -c '" + script + "' 2>/tmp/tc-netns-" + id + ".log").c_str()) == 0;
    }
    ~TwoHosts() {
        [[maybe_unused]] const int ignored = std::system(
            ("ip netns del " + m_a + " 2>/dev/null; ip netns del " + m_b + " 2>/dev/null").c_str());
    }
    bool ready() const { return m_ready; }

    // Runs `f` on a thread inside host A's or B's namespace: the sockets it opens live there.
    template <class F> auto inHost(bool a, F f) {
        using R = decltype(f());
        std::promise<R> result;
        std::thread([&] {
            const int fd = ::open(("/var/run/netns/" + (a ? m_a : m_b)).c_str(), O_RDONLY);
            REQUIRE(fd >= 0);
            REQUIRE(setns(fd, CLONE_NEWNET) == 0);
            ::close(fd);
            result.set_value(f());
        }).join();
        return result.get_future().get();
    }

private:
    std::string m_a;
    std::string m_b;
    bool m_ready = false;
};

} // namespace

TEST_CASE("host candidates: two hosts on one link connect on their own addresses",
          "[transport][ice][netns]") {
    TwoHosts hosts;
    INFO("needs root or CAP_NET_ADMIN and iproute2 (ip netns, veth): the README's test command "
         "runs as root");
    REQUIRE(hosts.ready());
    IoThread io;
    Pair pair(SrtpSuite::aeadAes128Gcm, 5000ms, Pair::Keying::dtls);
    const auto open = [&](MediaTransportConfig config) {
        auto addresses = hostAddresses();
        REQUIRE(addresses.has_value());
        config.hostAddresses = *addresses;
        auto transport = MediaTransport::open(io.context().get_executor(), config);
        REQUIRE(transport.has_value());
        return *transport;
    };
    const auto a = hosts.inHost(true, [&] { return open(pair.a); });
    const auto b = hosts.inHost(false, [&] { return open(pair.b); });
    // Each host offers its link address, not loopback.
    REQUIRE(a->localCandidates().size() == 1);
    REQUIRE(b->localCandidates().size() == 1);
    CHECK(a->localCandidate().endpoint.address().to_string() == "10.213.7.1");
    CHECK(b->localCandidate().endpoint.address().to_string() == "10.213.7.2");
    Observer seenA;
    Observer seenB;
    REQUIRE_FALSE(a->start(b->localCandidates(), pair.bCredentials, pair.aKeys, seenA.packets(),
                           seenA.state()));
    REQUIRE_FALSE(b->start(a->localCandidates(), pair.aCredentials, pair.bKeys, seenB.packets(),
                           seenB.state()));
    REQUIRE(eventually([&] {
        return seenA.last() == TransportState::connected &&
               seenB.last() == TransportState::connected;
    }));
    for (int i = 0; i < 10; ++i) {
        std::vector<std::uint8_t> rtp(40, 0);
        rtp[0] = 0x80;
        rtp[1] = 96;
        rtp[3] = static_cast<std::uint8_t>(i);
        rtp[11] = 9;
        a->sendRtp(rtp);
        b->sendRtp(rtp);
    }
    CHECK(eventually([&] { return seenA.rtpCount() == 10 && seenB.rtpCount() == 10; }));
    a->close();
    b->close();
}

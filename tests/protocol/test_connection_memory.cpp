// What an idle connection costs the rendezvous service (issue 19, "Memory": at most 40 KB per
// connection). Hundreds of real TLS WebSocket clients, each with its own certificate, run in a
// child process so that the service's process holds the service alone; the service's heap
// (mallinfo2) is read before they connect and once they are all known to it. Heap, not RSS:
// it is what the service's code decides, and it does not depend on what the kernel has paged
// in. The RSS figure, with doctors subscribed and at scale, is `telecabine-bench rendezvous`'s.

#include "support/eventually.hpp"
#include "support/test_support.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/rendezvous_client.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <malloc.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace tc;
using namespace std::chrono_literals;

namespace {

constexpr int kConnections = 300;
// Issue 19's bound, per connection.
constexpr double kMaxHeapPerConnection = 40.0 * 1024.0;

std::size_t heapInUse() {
    const struct mallinfo2 heap = mallinfo2();
    return heap.uordblks + heap.hblkhd;
}

struct Counter final : protocol::ClientListener {
    std::atomic<int>* welcomed;
    explicit Counter(std::atomic<int>* w)
        : welcomed(w) {}
    void onConnectionState(protocol::ConnectionState, boost::system::error_code) override {}
    void onWelcome(const protocol::Welcome&, bool) override { ++*welcomed; }
    void onEvent(const protocol::Envelope&) override {}
};

// The child: connects every cabin to the port read from `portIn`, writes how many were
// welcomed to `countOut`, and holds them until `portIn` closes.
[[noreturn]] void runClients(const test::TestPki& pki,
                             const std::vector<protocol::Credentials>& cabins, int portIn,
                             int countOut) {
    std::uint16_t port = 0;
    if (read(portIn, &port, sizeof port) != sizeof port) {
        _exit(2);
    }
    std::atomic<int> welcomed{0};
    int held = 0;
    {
        protocol::IoThread io("memory-clients");
        std::vector<std::shared_ptr<protocol::RendezvousClient>> clients;
        for (const auto& own : cabins) {
            protocol::ClientConfig config;
            config.port = port;
            config.tls = protocol::TlsConfig{own, pki.ca.certificatePem()};
            config.connectTimeout = 60s;
            clients.push_back(protocol::RendezvousClient::create(
                io.executor(), config, std::make_shared<Counter>(&welcomed)));
            clients.back()->start();
        }
        test::pollUntil([&] { return welcomed.load() == static_cast<int>(cabins.size()); }, 90s,
                        10ms);
        held = welcomed.load();
        if (write(countOut, &held, sizeof held) != sizeof held) {
            _exit(2);
        }
        char ignored = 0;
        static_cast<void>(read(portIn, &ignored, 1)); // the parent's close: the end
        for (auto& client : clients) {
            client->stop();
        }
    }
    _exit(0);
}

} // namespace

TEST_CASE("rendezvous service memory: an idle TLS WebSocket connection costs under 40 KiB of heap",
          "[rendezvous][memory]") {
    test::TestPki pki;
    std::vector<protocol::Credentials> cabins;
    for (int i = 0; i < kConnections; ++i) {
        cabins.push_back(pki.issue(protocol::Role::cabin, "FR-MEM-" + std::to_string(i),
                                   "Cabine " + std::to_string(i)));
    }
    int toChild[2];
    int toParent[2];
    REQUIRE(pipe(toChild) == 0);
    REQUIRE(pipe(toParent) == 0);
    // Forked before the service's thread exists: the child starts from a single thread.
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(toChild[1]);
        close(toParent[0]);
        runClients(pki, cabins, toChild[0], toParent[1]);
    }
    close(toChild[0]);
    close(toParent[1]);

    std::size_t before = 0;
    std::size_t after = 0;
    int held = 0;
    {
        test::TestService service(pki);
        before = heapInUse();
        const std::uint16_t port = service.port();
        REQUIRE(write(toChild[1], &port, sizeof port) == sizeof port);
        pollfd answer{toParent[0], POLLIN, 0};
        REQUIRE(poll(&answer, 1, 120'000) == 1);
        REQUIRE(read(toParent[0], &held, sizeof held) == sizeof held);
        REQUIRE(held == kConnections);
        // Welcomed by the service means known to its state; every connection is idle now.
        REQUIRE(test::pollUntil(
            [&] { return service.service().stats().connectionsOpen == std::uint64_t(held); }, 10s,
            10ms));
        after = heapInUse();
        close(toChild[1]); // the clients close
        int status = 0;
        REQUIRE(waitpid(child, &status, 0) == child);
        CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    }
    close(toParent[0]);
    const double perConnection =
        (static_cast<double>(after) - static_cast<double>(before)) / static_cast<double>(held);
    INFO("service heap per idle connection: " << perConnection / 1024.0 << " KiB (" << held
                                              << " connections)");
    CHECK(perConnection > 0.0);
    CHECK(perConnection <= kMaxHeapPerConnection);
}

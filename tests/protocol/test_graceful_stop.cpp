// IoThread::stop() is graceful and bounded: the work in flight when it is called finishes (a
// handler and what it starts, the rendezvous client's and service's close handshakes), and a
// peer or timer that never finishes does not hold it beyond its bound (issue 15).

#include "support/raw_ws_client.hpp"
#include "support/test_support.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/tls.hpp"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <thread>

using namespace tc;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// A rendezvous service that completes the TLS and WebSocket handshakes, then neither reads nor
// writes again: the close handshake it is sent is never answered.
class SilentService {
public:
    explicit SilentService(const test::TestPki& pki)
        : m_tls(*protocol::makeServerContext({pki.service, pki.ca.certificatePem()})) {
        m_acceptor.open(boost::asio::ip::tcp::v4());
        m_acceptor.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
        m_acceptor.listen();
        m_thread = std::thread([this] { serve(); });
    }
    ~SilentService() {
        m_release.set_value();
        // Wakes an accept() still waiting (a test that failed before its client connected).
        boost::asio::ip::tcp::socket wake(m_io);
        boost::system::error_code ignored;
        wake.connect(m_acceptor.local_endpoint(), ignored);
        wake.close(ignored);
        m_thread.join();
    }
    std::uint16_t port() const { return m_acceptor.local_endpoint().port(); }
    // Waits until a client is past its WebSocket upgrade.
    bool waitUpgraded() {
        return m_upgraded.get_future().wait_for(5s) == std::future_status::ready;
    }

private:
    void serve() {
        namespace beast = boost::beast;
        beast::websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(m_io, *m_tls);
        boost::system::error_code ec;
        m_acceptor.accept(beast::get_lowest_layer(ws).socket(), ec);
        if (!ec) {
            ws.next_layer().handshake(boost::asio::ssl::stream_base::server, ec);
        }
        if (!ec) {
            ws.accept(ec);
        }
        if (!ec) {
            m_upgraded.set_value();
        }
        m_release.get_future().wait();
    }

    boost::asio::io_context m_io;
    std::shared_ptr<boost::asio::ssl::context> m_tls;
    boost::asio::ip::tcp::acceptor m_acceptor{m_io};
    std::promise<void> m_upgraded;
    std::promise<void> m_release;
    std::thread m_thread;
};

} // namespace

TEST_CASE("IoThread::stop lets a handler in flight finish, and the work it starts",
          "[io_thread][shutdown]") {
    protocol::IoThread io("test-drain");
    boost::asio::steady_timer followUp(io.context());
    std::promise<void> started;
    std::promise<void> release;
    std::atomic<bool> followedUp{false};
    boost::asio::post(io.executor(), [&] {
        started.set_value();
        release.get_future().wait();
        // A second step, as a close handshake has: it must still run.
        followUp.expires_after(20ms);
        followUp.async_wait([&](boost::system::error_code ec) { followedUp = !ec; });
    });
    started.get_future().wait();
    auto stopping = std::async(std::launch::async, [&] { return io.stop(10s); });
    release.set_value();
    CHECK(stopping.get());
    CHECK(followedUp);
    CHECK(io.stop()); // idempotent: the first verdict
}

TEST_CASE("IoThread::stop is bounded when outstanding work never finishes",
          "[io_thread][shutdown]") {
    protocol::IoThread io("test-bound");
    boost::asio::steady_timer forever(io.context());
    std::atomic<bool> fired{false};
    forever.expires_after(1h);
    forever.async_wait([&](boost::system::error_code) { fired = true; });
    const auto begun = Clock::now();
    CHECK_FALSE(io.stop(100ms));
    CHECK(Clock::now() - begun < 5s);
    CHECK_FALSE(fired); // dropped, not run
    CHECK_FALSE(io.stop());
}

TEST_CASE("IoThread::stop from a handler of its own loop does not wait for itself",
          "[io_thread][shutdown]") {
    auto io = std::make_unique<protocol::IoThread>("test-self");
    std::promise<bool> verdict;
    boost::asio::post(io->executor(), [&] { verdict.set_value(io->stop()); });
    auto result = verdict.get_future();
    REQUIRE(result.wait_for(10s) == std::future_status::ready);
    CHECK_FALSE(result.get());
}

TEST_CASE("A stopped client's close handshake reaches the service: code 1001, not a reset",
          "[io_thread][shutdown][rendezvous]") {
    test::TestPki pki;
    test::TestService service(pki);
    test::SyncClient cabin(pki, pki.cabin(), service.port());
    REQUIRE(cabin.waitWelcome());
    const auto begun = Clock::now();
    // Drained by itself: the close handshake done, the heartbeat and stop timers cancelled.
    CHECK(cabin.stop());
    CHECK(Clock::now() - begun < 2s); // well inside the client's own 2 s close bound
    CHECK(cabin.waitState(protocol::ConnectionState::stopped, 0ms));
    CHECK(service.waitLog("closed with code 1001 \"signing out\""));
    CHECK_FALSE(service.waitLog(" lost: ", 0ms));
}

TEST_CASE("A client stopped before it reached the service drains at once",
          "[io_thread][shutdown][rendezvous]") {
    test::TestPki pki;
    // A listener that accepts TCP and never speaks TLS: the client is mid-handshake.
    boost::asio::io_context listenerIo;
    boost::asio::ip::tcp::acceptor mute(listenerIo,
                                        {boost::asio::ip::make_address("127.0.0.1"), 0});
    test::SyncClient cabin(pki, pki.cabin(), mute.local_endpoint().port());
    const auto peer = mute.accept(); // the client now waits for the service's TLS hello
    const auto begun = Clock::now();
    CHECK(cabin.stop());
    CHECK(Clock::now() - begun < 2s); // not the 10 s connect timeout
}

TEST_CASE("A stopped service closes its clients with 1001, then its loop runs out of work",
          "[io_thread][shutdown][rendezvous]") {
    test::TestPki pki;
    test::TestService service(pki);
    test::RawWsClient raw(pki.cabin(), pki.ca.certificatePem(), service.port());
    REQUIRE(raw.readType("welcome"));
    auto stopping = std::async(std::launch::async, [&] { return service.stop(); });
    CHECK_FALSE(raw.read()); // the close frame
    CHECK(raw.closeCode() == std::uint16_t{1001});
    CHECK(stopping.get());
    // The client answered the close frame: the service did not have to drop it.
    CHECK(service.waitLog("connection 1 closed by the service, answered with code 1001"));
}

TEST_CASE("A service that never answers the close handshake: the client's 2 s bound drops it",
          "[io_thread][shutdown][rendezvous]") {
    test::TestPki pki;
    SilentService silent(pki);
    SECTION("within the IoThread's default bound, the loop drains by itself") {
        test::SyncClient cabin(pki, pki.cabin(), silent.port(), false);
        REQUIRE(silent.waitUpgraded());
        const auto begun = Clock::now();
        CHECK(cabin.stop());
        const auto took = Clock::now() - begun;
        CHECK(took >= 1900ms); // the client's own close bound, not the forced stop
        CHECK(took < protocol::IoThread::kDefaultDrainTimeout);
    }
    SECTION("a shorter IoThread bound forces the stop") {
        test::SyncClient cabin(pki, pki.cabin(), silent.port(), false);
        REQUIRE(silent.waitUpgraded());
        const auto begun = Clock::now();
        CHECK_FALSE(cabin.stop(200ms));
        CHECK(Clock::now() - begun < 1500ms);
    }
}

#pragma once
// Real components for protocol tests: a CA generated at test time, an in-process service on
// 127.0.0.1:0, and a blocking wrapper around the real client.

#include "support/catch_result.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/messages.hpp"
#include "tc/protocol/pki.hpp"
#include "tc/protocol/rendezvous_client.hpp"
#include "tc/protocol/rendezvous_service.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tc::test {

using namespace std::chrono_literals;

struct TestPki {
    protocol::CertificateAuthority ca = *protocol::CertificateAuthority::create("test CA");
    protocol::Credentials service = issue(protocol::Role::service, "rendezvous", "test service");

    protocol::Credentials issue(protocol::Role role, std::string identifier, std::string name,
                                std::chrono::seconds notBefore = -300s,
                                std::chrono::seconds notAfter = 86400s,
                                std::string cpts = {}) const;
    protocol::Credentials doctor(int n = 0) const;
    protocol::Credentials cabin(const std::string& site = "FR-TEST-01") const;
    // A coordinator of `cpts`, RPPS 101012370n (n < 10, with its check digit).
    protocol::Credentials coordinator(const std::string& cpts = "CPTS-TEST", int n = 0,
                                      std::chrono::seconds notBefore = -300s,
                                      std::chrono::seconds notAfter = 86400s) const;
    // A client certificate from this CA with the subject given as is ("/OU=coordinator/..."),
    // made by the openssl command line: what CertificateAuthority::issue refuses to make.
    protocol::Credentials forge(const std::string& subject) const;
};

class TestService {
public:
    explicit TestService(const TestPki& pki,
                         std::chrono::milliseconds grace = std::chrono::milliseconds(60'000),
                         std::string eventLog = ":memory:",
                         std::chrono::milliseconds heartbeat = std::chrono::milliseconds(10'000),
                         protocol::IceConfig ice = {});
    // The same service, its configuration adjusted by `adjust` before it starts (a browser
    // listener, a clock).
    TestService(const TestPki& pki, const std::function<void(protocol::ServiceConfig&)>& adjust);
    ~TestService();
    // Stops the service and waits until its loop has run out of work (close handshakes done).
    // Returns whether it did so within the IoThread's bound.
    bool stop();
    std::uint16_t port() const { return m_service->port(); }
    protocol::RendezvousService& service() { return *m_service; }
    // Waits for a line of the service's log that contains `text`.
    bool waitLog(const std::string& text, std::chrono::milliseconds limit = 5s);

private:
    struct Log {
        std::mutex mutex;
        std::condition_variable cv;
        std::vector<std::string> lines;
        void add(const std::string& line);
        bool wait(const std::string& text, std::chrono::milliseconds limit);
    };
    std::shared_ptr<Log> m_log = std::make_shared<Log>();
    protocol::IoThread m_io{"test-service"};
    std::shared_ptr<protocol::RendezvousService> m_service;
};

// A real client whose callbacks are collected for the test thread to wait on.
class SyncClient {
public:
    // `otherNodes`: the cluster's other nodes, tried in turn after host:port (ClientConfig).
    SyncClient(const TestPki& pki, protocol::Credentials own, std::uint16_t port,
               bool reconnect = true, std::vector<protocol::ServiceNode> otherNodes = {},
               std::string host = "127.0.0.1");
    ~SyncClient();
    // Stops the client and waits until its loop has run out of work (the close handshake
    // done). Returns whether it did so within the IoThread's bound.
    bool stop(std::chrono::milliseconds limit = protocol::IoThread::kDefaultDrainTimeout);

    // Waits for a welcome; returns whether it was a resume.
    std::optional<bool> waitWelcome(std::chrono::milliseconds limit = 5s);
    // Waits until the client reports `state`; returns the reason that came with it.
    std::optional<boost::system::error_code> waitState(protocol::ConnectionState state,
                                                       std::chrono::milliseconds limit = 5s);
    protocol::Reply request(std::string_view type, nlohmann::json body = nlohmann::json::object());
    // Next event of `type`, skipping others; nullopt on timeout.
    std::optional<protocol::Envelope> nextEvent(std::string_view type,
                                                std::chrono::milliseconds limit = 5s);
    void clearEvents();

    protocol::RendezvousClient& client() { return *m_client; }

private:
    struct Listener final : protocol::ClientListener {
        std::mutex mutex;
        std::condition_variable cv;
        std::deque<bool> welcomes;
        std::deque<protocol::Envelope> events;
        std::vector<std::pair<protocol::ConnectionState, boost::system::error_code>> states;
        void onConnectionState(protocol::ConnectionState s, boost::system::error_code r) override;
        void onWelcome(const protocol::Welcome&, bool resumed) override;
        void onEvent(const protocol::Envelope& e) override;
    };

    protocol::IoThread m_io{"test-client"};
    std::shared_ptr<Listener> m_listener;
    std::shared_ptr<protocol::RendezvousClient> m_client;
};

protocol::Visit adultVisit(const std::string& id, const std::string& site = "FR-TEST-01");

// Both sides of a claim: the cabin checks `visitId` in, the doctor goes on shift and claims it.
// The raw bodies too, for what they leave out.
struct ClaimedVisit {
    protocol::ClaimResult doctor; // the visit.claim reply
    protocol::VisitClaimed cabin; // the visit.claimed event
    nlohmann::json doctorBody;
    nlohmann::json cabinBody;
};

ClaimedVisit claimVisit(SyncClient& cabin, SyncClient& doctor, const std::string& visitId,
                        const std::string& site = "FR-TEST-01");

} // namespace tc::test

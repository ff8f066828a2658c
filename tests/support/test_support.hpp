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
                                std::chrono::seconds notAfter = 86400s) const {
        protocol::CertificateRequest request;
        request.identity = {role, std::move(identifier), std::move(name)};
        request.notBefore = notBefore;
        request.notAfter = notAfter;
        if (role == protocol::Role::service) {
            request.dnsNames = {"localhost"};
            request.ipAddresses = {"127.0.0.1"};
        }
        return *ca.issue(request);
    }
    protocol::Credentials doctor(int n = 0) const {
        const auto rpps = *prescriptions::completeRpps("10101234" + std::to_string(10 + n % 90));
        return issue(protocol::Role::doctor, rpps, "Dr Test " + std::to_string(n));
    }
    protocol::Credentials cabin(const std::string& site = "FR-TEST-01") const {
        return issue(protocol::Role::cabin, site, "Cabine " + site);
    }
};

class TestService {
public:
    explicit TestService(const TestPki& pki,
                         std::chrono::milliseconds grace = std::chrono::milliseconds(60'000),
                         std::string eventLog = ":memory:",
                         std::chrono::milliseconds heartbeat = std::chrono::milliseconds(10'000),
                         protocol::IceConfig ice = {}) {
        protocol::ServiceConfig config;
        config.ice = std::move(ice);
        config.tls = {pki.service, pki.ca.certificatePem()};
        config.gracePeriod = grace;
        config.heartbeatInterval = heartbeat;
        config.eventLogPath = std::move(eventLog);
        config.maxMessagesPerSecond = 20;
        config.messageBurst = 40;
        config.log = [log = m_log](const std::string& line) {
            log->add(line);
        };
        m_service = *protocol::RendezvousService::start(m_io.executor(), config);
    }
    ~TestService() { stop(); }
    // Stops the service and waits until its loop has run out of work (close handshakes done).
    // Returns whether it did so within the IoThread's bound.
    bool stop() {
        m_service->stop();
        return m_io.stop();
    }
    std::uint16_t port() const { return m_service->port(); }
    protocol::RendezvousService& service() { return *m_service; }
    // Waits for a line of the service's log that contains `text`.
    bool waitLog(const std::string& text, std::chrono::milliseconds limit = 5s) {
        return m_log->wait(text, limit);
    }

private:
    struct Log {
        std::mutex mutex;
        std::condition_variable cv;
        std::vector<std::string> lines;
        void add(const std::string& line) {
            std::lock_guard lock(mutex);
            lines.push_back(line);
            cv.notify_all();
        }
        bool wait(const std::string& text, std::chrono::milliseconds limit) {
            std::unique_lock lock(mutex);
            return cv.wait_for(lock, limit, [&] {
                return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
                    return line.find(text) != std::string::npos;
                });
            });
        }
    };
    std::shared_ptr<Log> m_log = std::make_shared<Log>();
    protocol::IoThread m_io{"test-service"};
    std::shared_ptr<protocol::RendezvousService> m_service;
};

// A real client whose callbacks are collected for the test thread to wait on.
class SyncClient {
public:
    SyncClient(const TestPki& pki, protocol::Credentials own, std::uint16_t port,
               bool reconnect = true)
        : m_listener(std::make_shared<Listener>()) {
        protocol::ClientConfig config;
        config.port = port;
        config.tls = {std::move(own), pki.ca.certificatePem()};
        config.reconnect = reconnect;
        config.initialBackoff = 50ms;
        config.maxBackoff = 500ms;
        config.requestTimeout = 5s;
        m_client = protocol::RendezvousClient::create(m_io.executor(), config, m_listener);
        m_client->start();
    }
    ~SyncClient() { stop(); }
    // Stops the client and waits until its loop has run out of work (the close handshake
    // done). Returns whether it did so within the IoThread's bound.
    bool stop(std::chrono::milliseconds limit = protocol::IoThread::kDefaultDrainTimeout) {
        m_client->stop();
        return m_io.stop(limit);
    }

    // Waits for a welcome; returns whether it was a resume.
    std::optional<bool> waitWelcome(std::chrono::milliseconds limit = 5s) {
        std::unique_lock lock(m_listener->mutex);
        if (!m_listener->cv.wait_for(lock, limit, [&] { return !m_listener->welcomes.empty(); })) {
            return std::nullopt;
        }
        const bool resumed = m_listener->welcomes.front();
        m_listener->welcomes.pop_front();
        return resumed;
    }

    // Waits until the client reports `state`; returns the reason that came with it.
    std::optional<boost::system::error_code> waitState(protocol::ConnectionState state,
                                                       std::chrono::milliseconds limit = 5s) {
        std::unique_lock lock(m_listener->mutex);
        std::optional<boost::system::error_code> found;
        m_listener->cv.wait_for(lock, limit, [&] {
            for (const auto& [s, reason] : m_listener->states) {
                if (s == state) {
                    found = reason;
                    return true;
                }
            }
            return false;
        });
        return found;
    }

    protocol::Reply request(std::string_view type, nlohmann::json body = nlohmann::json::object()) {
        auto promise = std::make_shared<std::promise<protocol::Reply>>();
        auto future = promise->get_future();
        m_client->request(std::string(type), std::move(body), [promise](protocol::Reply reply) {
            promise->set_value(std::move(reply));
        });
        if (future.wait_for(10s) != std::future_status::ready) {
            return protocol::Reply{make_error_code(protocol::Errc::timeout), "test timeout", {}};
        }
        return future.get();
    }

    // Next event of `type`, skipping others; nullopt on timeout.
    std::optional<protocol::Envelope> nextEvent(std::string_view type,
                                                std::chrono::milliseconds limit = 5s) {
        std::unique_lock lock(m_listener->mutex);
        std::optional<protocol::Envelope> found;
        m_listener->cv.wait_for(lock, limit, [&] {
            for (auto it = m_listener->events.begin(); it != m_listener->events.end(); ++it) {
                if (it->type == type) {
                    found = std::move(*it);
                    m_listener->events.erase(it);
                    return true;
                }
            }
            return false;
        });
        return found;
    }

    void clearEvents() {
        std::lock_guard lock(m_listener->mutex);
        m_listener->events.clear();
    }

    protocol::RendezvousClient& client() { return *m_client; }

private:
    struct Listener final : protocol::ClientListener {
        std::mutex mutex;
        std::condition_variable cv;
        std::deque<bool> welcomes;
        std::deque<protocol::Envelope> events;
        std::vector<std::pair<protocol::ConnectionState, boost::system::error_code>> states;
        void onConnectionState(protocol::ConnectionState s, boost::system::error_code r) override {
            std::lock_guard lock(mutex);
            states.emplace_back(s, r);
            cv.notify_all();
        }
        void onWelcome(const protocol::Welcome&, bool resumed) override {
            std::lock_guard lock(mutex);
            welcomes.push_back(resumed);
            cv.notify_all();
        }
        void onEvent(const protocol::Envelope& e) override {
            std::lock_guard lock(mutex);
            events.push_back(e);
            cv.notify_all();
        }
    };

    protocol::IoThread m_io{"test-client"};
    std::shared_ptr<Listener> m_listener;
    std::shared_ptr<protocol::RendezvousClient> m_client;
};

inline protocol::Visit adultVisit(const std::string& id, const std::string& site = "FR-TEST-01") {
    protocol::Visit v;
    v.visitId = id;
    v.reason = "Fièvre et toux depuis trois jours";
    v.age = 34;
    v.sex = protocol::Sex::female;
    v.consent = {true, 1'700'000'000'000, "verbal"};
    v.operatorPresence = {true, protocol::OperatorRole::nurse};
    v.instruments = {protocol::Instrument::stethoscope, protocol::Instrument::thermometer};
    v.site = {site, "Cabine de test", "Mo-Fr 08:00-19:00"};
    return v;
}

// Both sides of a claim: the cabin checks `visitId` in, the doctor goes on shift and claims it.
// The raw bodies too, for what they leave out.
struct ClaimedVisit {
    protocol::ClaimResult doctor; // the visit.claim reply
    protocol::VisitClaimed cabin; // the visit.claimed event
    nlohmann::json doctorBody;
    nlohmann::json cabinBody;
};

inline ClaimedVisit claimVisit(SyncClient& cabin, SyncClient& doctor, const std::string& visitId) {
    REQUIRE(cabin.waitWelcome());
    REQUIRE(doctor.waitWelcome());
    REQUIRE_FALSE(doctor.request(protocol::type::presenceSet, {{"status", "on_shift"}}).code);
    REQUIRE_FALSE(
        cabin.request(protocol::type::visitCheckIn, protocol::toJson(adultVisit(visitId))).code);
    const auto claim = doctor.request(protocol::type::visitClaim, {{"visit_id", visitId}});
    REQUIRE_FALSE(claim.code);
    auto result = protocol::fromJson<protocol::ClaimResult>(claim.body);
    REQUIRE(result);
    const auto event = cabin.nextEvent(protocol::type::visitClaimed);
    REQUIRE(event);
    auto claimed = protocol::fromJson<protocol::VisitClaimed>(event->body);
    REQUIRE(claimed);
    return {std::move(*result), std::move(*claimed), claim.body, event->body};
}

} // namespace tc::test

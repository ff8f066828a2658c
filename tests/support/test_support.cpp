#include "support/test_support.hpp"

#include "support/tls_test_peer.hpp"

#include <algorithm>
#include <future>

namespace tc::test {

protocol::Credentials TestPki::issue(protocol::Role role, std::string identifier, std::string name,
                                     std::chrono::seconds notBefore, std::chrono::seconds notAfter,
                                     std::string cpts) const {
    protocol::CertificateRequest request;
    request.identity = {role, std::move(identifier), std::move(name), std::move(cpts)};
    request.notBefore = notBefore;
    request.notAfter = notAfter;
    if (role == protocol::Role::service) {
        request.dnsNames = {"localhost"};
        request.ipAddresses = {"127.0.0.1"};
    }
    return *ca.issue(request);
}

protocol::Credentials TestPki::doctor(int n) const {
    const auto rpps = *prescriptions::completeRpps("10101234" + std::to_string(10 + n % 90));
    return issue(protocol::Role::doctor, rpps, "Dr Test " + std::to_string(n));
}

protocol::Credentials TestPki::cabin(const std::string& site) const {
    return issue(protocol::Role::cabin, site, "Cabine " + site);
}

protocol::Credentials TestPki::coordinator(const std::string& cpts, int n,
                                           std::chrono::seconds notBefore,
                                           std::chrono::seconds notAfter) const {
    const auto rpps = *prescriptions::completeRpps("101012370" + std::to_string(n % 10));
    return issue(protocol::Role::coordinator, rpps, "Coordinatrice " + cpts, notBefore, notAfter,
                 cpts);
}

protocol::Credentials TestPki::forge(const std::string& subject) const {
    TempDir dir;
    const auto caPem = dir.write("ca.pem", ca.certificatePem());
    const auto caKey = dir.write("ca.key", ca.privateKeyPem());
    const auto ext = dir.write("ext.cnf", "basicConstraints=critical,CA:FALSE\n"
                                          "keyUsage=critical,digitalSignature\n"
                                          "extendedKeyUsage=clientAuth\n");
    const auto key = dir.path() / "leaf.key";
    const auto csr = dir.path() / "leaf.csr";
    const auto pem = dir.path() / "leaf.pem";
    const std::string made =
        "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -utf8 -subj '" +
        subject + "' -keyout " + key.string() + " -out " + csr.string() +
        " && openssl x509 -req -in " + csr.string() + " -CA " + caPem.string() + " -CAkey " +
        caKey.string() + " -set_serial 0x4242 -days 1 -extfile " + ext.string() + " -out " +
        pem.string();
    REQUIRE(run(made) == 0);
    auto certificate = protocol::readFile(pem);
    auto privateKey = protocol::readFile(key);
    REQUIRE(certificate);
    REQUIRE(privateKey);
    return protocol::Credentials{*certificate, *privateKey, {ca.certificatePem()}};
}

TestService::TestService(const TestPki& pki, std::chrono::milliseconds grace, std::string eventLog,
                         std::chrono::milliseconds heartbeat, protocol::IceConfig ice)
    : TestService(pki, [&](protocol::ServiceConfig& config) {
        config.ice = std::move(ice);
        config.gracePeriod = grace;
        config.heartbeatInterval = heartbeat;
        config.eventLogPath = std::move(eventLog);
    }) {}

TestService::TestService(const TestPki& pki,
                         const std::function<void(protocol::ServiceConfig&)>& adjust) {
    protocol::ServiceConfig config;
    config.tls = {pki.service, pki.ca.certificatePem()};
    config.maxMessagesPerSecond = 20;
    config.messageBurst = 40;
    config.log = [log = m_log](const std::string& line) {
        log->add(line);
    };
    adjust(config);
    m_service = *protocol::RendezvousService::start(m_io.executor(), config);
}

TestService::~TestService() {
    stop();
}

bool TestService::stop() {
    m_service->stop();
    return m_io.stop();
}

bool TestService::waitLog(const std::string& text, std::chrono::milliseconds limit) {
    return m_log->wait(text, limit);
}

void TestService::Log::add(const std::string& line) {
    std::lock_guard lock(mutex);
    lines.push_back(line);
    cv.notify_all();
}

bool TestService::Log::wait(const std::string& text, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, limit, [&] {
        return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
            return line.find(text) != std::string::npos;
        });
    });
}

SyncClient::SyncClient(const TestPki& pki, protocol::Credentials own, std::uint16_t port,
                       bool reconnect, std::vector<protocol::ServiceNode> otherNodes,
                       std::string host)
    : m_listener(std::make_shared<Listener>()) {
    protocol::ClientConfig config;
    config.host = std::move(host);
    config.port = port;
    config.otherNodes = std::move(otherNodes);
    config.tls = {std::move(own), pki.ca.certificatePem()};
    config.reconnect = reconnect;
    config.initialBackoff = 50ms;
    config.maxBackoff = 500ms;
    config.requestTimeout = 5s;
    m_client = protocol::RendezvousClient::create(m_io.executor(), config, m_listener);
    m_client->start();
}

SyncClient::~SyncClient() {
    stop();
}

bool SyncClient::stop(std::chrono::milliseconds limit) {
    m_client->stop();
    return m_io.stop(limit);
}

std::optional<bool> SyncClient::waitWelcome(std::chrono::milliseconds limit) {
    std::unique_lock lock(m_listener->mutex);
    if (!m_listener->cv.wait_for(lock, limit, [&] { return !m_listener->welcomes.empty(); })) {
        return std::nullopt;
    }
    const bool resumed = m_listener->welcomes.front();
    m_listener->welcomes.pop_front();
    return resumed;
}

std::optional<boost::system::error_code> SyncClient::waitState(protocol::ConnectionState state,
                                                               std::chrono::milliseconds limit) {
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

protocol::Reply SyncClient::request(std::string_view type, nlohmann::json body) {
    auto promise = std::make_shared<std::promise<protocol::Reply>>();
    auto future = promise->get_future();
    m_client->request(std::string(type), std::move(body),
                      [promise](protocol::Reply reply) { promise->set_value(std::move(reply)); });
    if (future.wait_for(10s) != std::future_status::ready) {
        return protocol::Reply{make_error_code(protocol::Errc::timeout), "test timeout", {}};
    }
    return future.get();
}

std::optional<protocol::Envelope> SyncClient::nextEvent(std::string_view type,
                                                        std::chrono::milliseconds limit) {
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

void SyncClient::clearEvents() {
    std::lock_guard lock(m_listener->mutex);
    m_listener->events.clear();
}

void SyncClient::Listener::onConnectionState(protocol::ConnectionState s,
                                             boost::system::error_code r) {
    std::lock_guard lock(mutex);
    states.emplace_back(s, r);
    cv.notify_all();
}

void SyncClient::Listener::onWelcome(const protocol::Welcome&, bool resumed) {
    std::lock_guard lock(mutex);
    welcomes.push_back(resumed);
    cv.notify_all();
}

void SyncClient::Listener::onEvent(const protocol::Envelope& e) {
    std::lock_guard lock(mutex);
    events.push_back(e);
    cv.notify_all();
}

protocol::Visit adultVisit(const std::string& id, const std::string& site) {
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

ClaimedVisit claimVisit(SyncClient& cabin, SyncClient& doctor, const std::string& visitId,
                        const std::string& site) {
    REQUIRE(cabin.waitWelcome());
    REQUIRE(doctor.waitWelcome());
    REQUIRE_FALSE(doctor.request(protocol::type::presenceSet, {{"status", "on_shift"}}).code);
    REQUIRE_FALSE(
        cabin.request(protocol::type::visitCheckIn, protocol::toJson(adultVisit(visitId, site)))
            .code);
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

#include "demo_environment.hpp"

#include "cabin_simulator.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/rendezvous_service.hpp"

#include <boost/asio/post.hpp>
#include <cstdlib>
#include <future>
#include <random>

namespace tc::app {

namespace {

std::filesystem::path eventLogPathFor(const std::filesystem::path& pkiDirectory) {
    auto directory = std::filesystem::absolute(pkiDirectory).lexically_normal();
    if (!directory.has_filename()) {
        directory = directory.parent_path(); // "…/dev-pki/" names the same directory
    }
    return directory.parent_path() / "demo-events.sqlite";
}

} // namespace

struct DemoEnvironment::Runtime {
    protocol::IoThread io{"tc-demo"};
    std::shared_ptr<protocol::RendezvousService> service;
    std::shared_ptr<cabin::CabinSimulator> cabin;
    std::promise<void> cabinStopped;
    bool cabinStoppedSet = false; // demo thread only
};

DemoEnvironment::DemoEnvironment()
    : m_runtime(std::make_unique<Runtime>()) {}

std::filesystem::path DemoEnvironment::defaultPkiDirectory() {
    std::filesystem::path base;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
        base = xdg;
    } else {
        const char* home = std::getenv("HOME");
        base = std::filesystem::path(home != nullptr ? home : ".") / ".local" / "share";
    }
    return base / "telecabine" / "dev-pki";
}

protocol::Result<std::unique_ptr<DemoEnvironment>>
DemoEnvironment::start(const std::filesystem::path& pkiDirectory, Log log) {
    auto pki = protocol::ensureDevelopmentPki(pkiDirectory);
    if (!pki) {
        return pki.error();
    }
    const auto ca = protocol::readFile(pki->caCertificate());
    const auto serviceCertificate = protocol::readFile(pki->serviceCertificate());
    const auto serviceKey = protocol::readFile(pki->serviceKey());
    const auto cabinBundle = protocol::readFile(pki->cabinBundle());
    if (!ca || !serviceCertificate || !serviceKey || !cabinBundle) {
        return make_error_code(protocol::Errc::pkiFailure);
    }
    auto cabinCredentials =
        protocol::fromPkcs12(*cabinBundle, protocol::DevelopmentPki::kDevelopmentPassphrase);
    if (!cabinCredentials) {
        return cabinCredentials.error();
    }

    std::unique_ptr<DemoEnvironment> demo(new DemoEnvironment());
    demo->m_pki = *pki;
    Runtime& runtime = *demo->m_runtime;

    protocol::ServiceConfig service;
    service.bindAddress = "127.0.0.1";
    service.port = 0;
    service.tls = {protocol::Credentials{*serviceCertificate, *serviceKey, {}}, *ca};
    service.eventLogPath = eventLogPathFor(pkiDirectory).string();
    service.log = log;
    auto started = protocol::RendezvousService::start(runtime.io.executor(), service);
    if (!started) {
        return started.error();
    }
    runtime.service = *started;
    demo->m_port = runtime.service->port();

    protocol::ClientConfig client;
    client.host = "127.0.0.1";
    client.port = demo->m_port;
    client.tls = {std::move(*cabinCredentials), *ca};
    auto script = cabin::demoScript(
        protocol::Site{"FR-NEV-GARE-01", "Cabine gare de Nevers", "Mo-Sa 07:00-21:00"},
        std::random_device{}());
    script.waitingAtOnce = 3;
    script.cleaningDelay = std::chrono::seconds(8);
    runtime.cabin = cabin::CabinSimulator::create(
        runtime.io.executor(), client, std::move(script),
        [log, &runtime](const cabin::CabinEvent& event) {
            if (log) {
                log("cabin [" + std::string(cabin::toString(event.phase)) + "] " + event.detail);
            }
            if (event.phase == cabin::CabinPhase::stopped && !runtime.cabinStoppedSet) {
                runtime.cabinStoppedSet = true;
                runtime.cabinStopped.set_value();
            }
        });
    runtime.cabin->start();
    return demo;
}

DemoEnvironment::~DemoEnvironment() {
    if (!m_runtime->cabin) {
        return; // start() failed before the cabin existed: the IoThread stops by itself
    }
    // The cabin says goodbye first, so the service logs a clean sign-out rather than a loss.
    m_runtime->cabin->stop();
    m_runtime->cabinStopped.get_future().wait_for(std::chrono::seconds(3));
    m_runtime->service->stop();
    // The service's stop runs on the demo thread; wait for it before stopping that thread.
    std::promise<void> drained;
    boost::asio::post(m_runtime->io.executor(), [&drained] { drained.set_value(); });
    drained.get_future().wait_for(std::chrono::seconds(1));
    m_runtime->io.stop();
}

} // namespace tc::app

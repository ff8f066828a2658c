#include "demo_environment.hpp"

#include "cabin_simulator.hpp"
#include "ipp_printer_process.hpp"
#include "tc/protocol/archive_store.hpp"
#include "tc/protocol/audit_log.hpp"
#include "tc/protocol/cpts_map.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/rendezvous_service.hpp"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

namespace tc::app {

namespace {
// The demo cabin's site code: the development PKI's cabin.p12 names it too.
constexpr std::string_view kDemoCabinSite = "FR-NEV-GARE-01";
} // namespace

struct DemoEnvironment::Runtime {
    std::shared_ptr<protocol::AuditLog> audit; // first: it outlives the service that appends
    std::unique_ptr<cabin::IppPrinterProcess> printer; // the cabin's, when ippeveprinter exists
    protocol::IoThread io{"tc-demo"};
    std::shared_ptr<protocol::RendezvousService> service;
    std::shared_ptr<cabin::CabinSimulator> cabin;
};

std::filesystem::path DemoEnvironment::defaultDirectory() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
        return std::filesystem::path(xdg) / "telecabine";
    }
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr ? home : ".") / ".local" / "share" / "telecabine";
}

protocol::Result<std::unique_ptr<DemoEnvironment>>
DemoEnvironment::start(const std::filesystem::path& directory, Log log, DemoOptions options) {
    auto pki = protocol::ensureDevelopmentPki(directory / "dev-pki");
    if (!pki) {
        return pki.error();
    }
    const auto read = [](const std::filesystem::path& p) {
        return protocol::readFile(p);
    };
    auto ca = read(pki->caCertificate());
    auto serviceCert = read(pki->serviceCertificate());
    auto serviceKey = read(pki->serviceKey());
    auto cabinBundle = read(pki->cabinBundle());
    if (!ca || !serviceCert || !serviceKey || !cabinBundle) {
        return make_error_code(protocol::Errc::pkiFailure);
    }
    auto cabinCredentials =
        protocol::fromPkcs12(*cabinBundle, protocol::DevelopmentPki::kDevelopmentPassphrase);
    if (!cabinCredentials) {
        return cabinCredentials.error();
    }

    std::unique_ptr<DemoEnvironment> demo(new DemoEnvironment());
    demo->m_pki = *pki;
    demo->m_runtime = std::make_unique<Runtime>();
    // The cabin's printer: a real IPP printer (ippeveprinter) on a free loopback port.
    std::string printerUri;
    if (cabin::IppPrinterProcess::findBinary()) {
        auto printer = cabin::IppPrinterProcess::start({.directory = directory / "printer"});
        if (printer) {
            printerUri = (*printer)->uri();
            demo->m_runtime->printer = std::move(*printer);
            if (log) {
                log("cabin printer: ippeveprinter at " + printerUri);
            }
        } else if (log) {
            log("cabin printer: ippeveprinter did not start (" + printer.error().message() +
                "); the cabin has no printer");
        }
    } else if (log) {
        log("cabin printer: ippeveprinter is not installed (cups-ipp-utils); no printer");
    }

    protocol::ServiceConfig config;
    config.tls = {protocol::Credentials{*serviceCert, *serviceKey, {}}, *ca};
    config.eventLogPath = (directory / "demo-events.sqlite").string();
    config.log = log;
    // The demo's archive, beside its event log: the dossiers of the demo's consultations go
    // there, encrypted under a key of its own.
    auto archiveKey = protocol::ArchiveKey::loadOrCreate(directory / "demo-archive.key");
    if (!archiveKey) {
        return archiveKey.error().code;
    }
    auto store = protocol::ArchiveStore::open(directory / "demo-archive", *archiveKey);
    if (!store) {
        return store.error().code;
    }
    config.archive.store = std::make_shared<protocol::ArchiveStore>(std::move(*store));
    // The demo's CPTS covers the demo cabin's site, so that the coordinator the development PKI
    // makes (coordinator.p12, CPTS-DEMO) reviews the demo's consultations.
    const nlohmann::json cptsMap = {
        {"cpts",
         {{{"id", std::string(protocol::DevelopmentPki::kDevelopmentCpts)},
           {"name", "CPTS de démonstration"},
           {"sites", {std::string(kDemoCabinSite)}}}}}};
    auto map = protocol::CptsMap::parse(cptsMap.dump());
    if (!map) {
        return map.error().code;
    }
    config.archive.cptsMap = std::make_shared<const protocol::CptsMap>(std::move(*map));
    // Every review read is audited first (the review routes refuse without an audit trail).
    auto audit = protocol::AuditLog::open(directory / "demo-audit.sqlite", config.tls.own);
    if (!audit) {
        return audit.error().code;
    }
    demo->m_runtime->audit = std::move(*audit);
    config.archive.audit = demo->m_runtime->audit->sink();
    config.archive.auditLog = demo->m_runtime->audit; // the coordinator's own trail, read back
    auto service = protocol::RendezvousService::start(demo->m_runtime->io.executor(), config);
    if (!service) {
        return service.error();
    }
    demo->m_runtime->service = *service;
    demo->m_port = (*service)->port();

    protocol::ClientConfig client;
    client.port = demo->m_port;
    client.tls = {std::move(*cabinCredentials), *ca};
    auto script = cabin::demoScript(
        {std::string(kDemoCabinSite), "Cabine gare de Nevers", "Mo-Sa 07:00-21:00"},
        std::random_device{}());
    script.waitingAtOnce = 3;
    script.cleaningDelay = options.cleaningDelay;
    script.videoCodec = options.cabinVideoCodec;
    script.printerUri = printerUri;
    script.stateDirectory = directory / "cabin-state"; // its print ledger
    demo->m_runtime->cabin = cabin::CabinSimulator::create(
        demo->m_runtime->io.executor(), client, std::move(script),
        [log](const cabin::CabinEvent& event) {
            if (log) {
                log("cabin [" + std::string(cabin::toString(event.phase)) + "] " + event.detail);
            }
        });
    demo->m_runtime->cabin->start();
    return demo;
}

DemoEnvironment::~DemoEnvironment() {
    if (m_runtime) {
        m_runtime->cabin->stop();
        m_runtime->service->stop();
        m_runtime->io.stop(); // the cabin\'s and the service\'s close handshakes
    }
}

} // namespace tc::app

#pragma once
// Fixtures of the archive transfer tests: a real rendezvous service with an archive on
// 127.0.0.1:0 (in process), sessions claimed through it by a real cabin and doctor, dossiers
// written as directories, and a way to run the client's coroutines from a test.

#include "archive_test_support.hpp"
#include "support/eventually.hpp"
#include "support/test_support.hpp"
#include "tc/protocol/archive_client.hpp"
#include "tc/protocol/archive_upload_queue.hpp"
#include "tc/protocol/audit_log.hpp"
#include "tc/protocol/cpts_map.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <fstream>
#include <thread>

namespace tc::test::transfer {

using namespace std::chrono_literals;
using archive::Bytes;
using archive::TestFile;

// Runs `op` on `io` and waits for its result (a test failure after `limit`).
template <class T>
T await(protocol::IoThread& io, boost::asio::awaitable<T> op,
        std::chrono::seconds limit = std::chrono::seconds(120)) {
    auto future = boost::asio::co_spawn(io.executor(), std::move(op), boost::asio::use_future);
    REQUIRE(future.wait_for(limit) == std::future_status::ready);
    return future.get();
}

// "ok", or the failure's stable key ("not_permitted").
template <class T> std::string keyOf(const protocol::ArchiveClientResult<T>& result) {
    return result ? std::string("ok") : std::string(protocol::archiveErrorKey(result.error().code));
}

template <class T> std::string describe(const protocol::ArchiveClientResult<T>& result) {
    return result ? std::string("ok")
                  : keyOf(result) + " (HTTP " + std::to_string(result.error().httpStatus) +
                        "): " + result.error().message();
}

// Waits until `done()` holds, polling; false after `limit`.
template <class F> bool waitUntil(F done, std::chrono::milliseconds limit = 10s) {
    return pollUntil(done, limit, 5ms);
}

// A consultation record as the console leaves it on disk: archive_test_content's files (scaled)
// plus an empty file and a still whose content repeats another's (one chunk stored for both).
inline std::vector<TestFile> dossierFiles(const std::string& recordId, std::size_t scale) {
    auto files = archive::consultationFiles(recordId, scale);
    files.push_back({"notes/empty.txt", {}});
    files.push_back({"stills/throat-copy.jpg", files[5].content});
    return files;
}

inline void writeDossier(const std::filesystem::path& directory,
                         const std::vector<TestFile>& files) {
    for (const auto& file : files) {
        const auto path = directory / file.name;
        std::filesystem::create_directories(path.parent_path());
        archive::writeWhole(path, file.content);
    }
}

struct ServiceOptions {
    std::uint32_t maxChunkBytes = 16 * 1024;
    std::size_t maxConnections = 64;
    std::string eventLog = ":memory:";
    std::uint16_t port = 0;
    protocol::AuditSink audit;                          // the review routes' (none: 503)
    std::shared_ptr<const protocol::CptsMap> cptsMap;   // the coordinators' sites
    std::shared_ptr<const protocol::AuditLog> auditLog; // read back for the trail route
};

// A rendezvous service holding an archive, in process.
class ArchiveService {
public:
    explicit ArchiveService(const TestPki& pki, const std::filesystem::path& archiveDir,
                            ServiceOptions options = {})
        : m_pki(pki) {
        const auto key = protocol::ArchiveKey::loadOrCreate(archiveDir.string() + ".key");
        REQUIRE(key);
        protocol::ArchiveLimits limits;
        limits.maxChunkBytes = options.maxChunkBytes;
        auto opened = protocol::ArchiveStore::open(archiveDir, *key, limits);
        INFO("archive: " << (opened ? std::string("ok") : opened.error().message()));
        REQUIRE(opened);
        store = std::make_shared<protocol::ArchiveStore>(std::move(*opened));
        protocol::ServiceConfig config;
        config.tls = {pki.service, pki.ca.certificatePem()};
        config.eventLogPath = options.eventLog;
        config.port = options.port;
        config.archive.store = store;
        config.archive.maxConnections = options.maxConnections;
        config.archive.audit = options.audit;
        config.archive.cptsMap = options.cptsMap;
        config.archive.auditLog = options.auditLog;
        config.log = [log = m_log](const std::string& line) {
            const std::lock_guard lock(log->mutex);
            log->lines.push_back(line);
        };
        auto started = protocol::RendezvousService::start(m_io.executor(), config);
        REQUIRE(started);
        m_service = *started;
    }
    ~ArchiveService() {
        m_service->stop();
        m_io.stop();
    }

    std::uint16_t port() const { return m_service->port(); }
    protocol::ServiceStats stats() const { return m_service->stats(); }
    // Every archive connection ended: no store call of a dropped client is still in flight.
    bool waitIdle() {
        return waitUntil([&] { return stats().archiveConnectionsOpen == 0; });
    }
    bool logged(const std::string& text) const {
        const std::lock_guard lock(m_log->mutex);
        for (const auto& line : m_log->lines) {
            if (line.find(text) != std::string::npos) {
                return true;
            }
        }
        return false;
    }

    protocol::ArchiveClientConfig clientConfig(protocol::Credentials own) const {
        protocol::ArchiveClientConfig config;
        config.host = "127.0.0.1";
        config.port = port();
        config.tls = {std::move(own), m_pki.ca.certificatePem()};
        return config;
    }

    // A cabin checks a visit in and the doctor of `doctor` claims it: the session id.
    std::string claimSession(const protocol::Credentials& doctor, const std::string& visitId) {
        // claimVisit checks in a visit of the default cabin's site; each connection is a party
        // of its own, so a cabin still in a session does not stop the next claim.
        SyncClient cabin(m_pki, m_pki.cabin(), port());
        SyncClient physician(m_pki, doctor, port());
        const auto claimed = claimVisit(cabin, physician, visitId);
        return claimed.doctor.sessionId;
    }

    std::shared_ptr<protocol::ArchiveStore> store;

private:
    struct Log {
        std::mutex mutex;
        std::vector<std::string> lines;
    };
    const TestPki& m_pki;
    std::shared_ptr<Log> m_log = std::make_shared<Log>();
    protocol::IoThread m_io{"archive-service"};
    std::shared_ptr<protocol::RendezvousService> m_service;
};

// Where most archive tests start: a CA, a temporary directory, and a service holding an archive
// in it. TEST_CASE_METHOD(ArchiveServiceFixture, ...) gives the test these names.
struct ArchiveServiceFixture {
    TestPki pki;
    TempDir temp;
    ArchiveService service{pki, temp.path() / "archive"};
    // Where writeDossierOf writes.
    const std::filesystem::path dossier = temp.path() / "dossier";

    // dossierFiles(recordId, scale), written under `dossier`.
    std::vector<TestFile> writeDossierOf(const std::string& recordId, std::size_t scale) const {
        auto files = dossierFiles(recordId, scale);
        writeDossier(dossier, files);
        return files;
    }

    // Where an upload test starts: doctor `index` of the CA claims visit V-<index>, and the
    // session's dossier (writeDossierOf at `scale`) waits under `dossier`.
    struct ClaimedDossier {
        protocol::Credentials doctor;
        std::string session;
        std::vector<TestFile> files;
    };
    ClaimedDossier claimWithDossier(int index, std::size_t scale) {
        auto doctor = pki.doctor(index);
        auto session = service.claimSession(doctor, "V-" + std::to_string(index));
        auto files = writeDossierOf(session, scale);
        return {std::move(doctor), std::move(session), std::move(files)};
    }
};

// A client on its own io thread.
struct Client {
    Client(const ArchiveService& service, protocol::Credentials own)
        : client(*protocol::ArchiveClient::create(io.executor(), service.clientConfig(own))) {}
    explicit Client(protocol::ArchiveClientConfig config)
        : client(*protocol::ArchiveClient::create(io.executor(), std::move(config))) {}
    ~Client() {
        client.stop();
        io.stop();
    }

    template <class T> T run(boost::asio::awaitable<T> op) { return await(io, std::move(op)); }

    protocol::ArchiveClientResult<protocol::UploadReport>
    upload(const std::string& recordId, const std::filesystem::path& directory,
           protocol::UploadProgressHandler progress = {},
           protocol::ConsentScopes consent = {true, false}) {
        auto source = protocol::uploadSourceFromDirectory(recordId, directory, consent);
        REQUIRE(source);
        return run(client.upload(std::move(*source), std::move(progress)));
    }

    // The whole file, streamed.
    protocol::ArchiveClientResult<Bytes> read(const std::string& recordId,
                                              const std::string& name) {
        auto content = std::make_shared<Bytes>();
        auto sink = [content](std::span<const std::uint8_t> bytes) {
            content->insert(content->end(), bytes.begin(), bytes.end());
        };
        auto read = run(client.readFile(recordId, name, sink));
        if (!read) {
            return read.error();
        }
        return *content;
    }

    protocol::IoThread io{"archive-client"};
    protocol::ArchiveClient client;
};

} // namespace tc::test::transfer

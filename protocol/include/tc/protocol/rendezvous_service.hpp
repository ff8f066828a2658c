#pragma once
// The rendezvous service: TLS 1.3 + WebSocket listener in front of RendezvousState, and on the
// same port the archive's HTTPS routes (a request that is not a WebSocket upgrade); optionally
// a second listener for browser cabins, which hold a token instead of a client certificate.
// Runs on the executor it is given (single-threaded io_context: the state needs no locks); the
// archive's blocking store calls run on threads of their own.

#include "tc/protocol/audit_event.hpp"
#include "tc/protocol/errors.hpp"
#include "tc/protocol/ice_servers.hpp"
#include "tc/protocol/tls.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tc::protocol {

class ArchiveStore;
class AuditLog;
class CptsMap;
class ReviewIndex;

// The consultation archive served on the service's TLS port (protocol/README.md, "Archive
// transfer"): a request that is not a WebSocket upgrade goes to the archive routes.
struct ArchiveServiceConfig {
    // The open store (ArchiveStore::open); null: the service holds no archive, and the archive
    // routes answer 503 archive_unavailable.
    std::shared_ptr<ArchiveStore> store;
    std::uint64_t maxManifestBytes = 16 * 1024 * 1024; // body of an upload request
    std::size_t maxConnections = 64;                   // archive connections at once
    // The store's blocking file and index work runs on these threads, never on the service's.
    std::size_t storeThreads = 2;
    std::chrono::milliseconds idleTimeout{30'000};     // between requests of a connection
    std::chrono::milliseconds transferTimeout{60'000}; // to receive a body or send a response
    // Media retention (ArchiveStore::purgeMedia): the media of records committed longer ago
    // than this are purged at start and then every `retentionSweep`, on the store's threads;
    // each purge is audited through `audit` below. Zero: media are kept.
    std::chrono::milliseconds mediaRetention{0};
    std::chrono::milliseconds retentionSweep{std::chrono::hours(1)};

    // The audit trail (AuditLog::sink, audit_log.hpp). The review routes (protocol/README.md,
    // "Review routes"), on the same port, send every read they answer to it first; without a
    // sink they answer 503 audit_unavailable: never an unaudited read. The retention's purges
    // are recorded there too.
    AuditSink audit;
    // Which cabin sites each CPTS covers (--cpts-map); null or empty: no coordinator sees a
    // record.
    std::shared_ptr<const CptsMap> cptsMap;
    // The review index. Null: RendezvousService::start opens SqliteReviewIndex in the event
    // log's file when the service holds an archive and the log is a file (not ":memory:");
    // otherwise the review routes answer 503 review_unavailable. Committed records without a
    // row are indexed when the service starts.
    std::shared_ptr<ReviewIndex> reviewIndex;
    // The audit log read back for a requester's own trail (GET /review/v1/trail); null: that
    // route answers 503 audit_unavailable. The log whose sink `audit` is.
    std::shared_ptr<const AuditLog> auditLog;
    // The SQLite file the indicators are computed over (GET /review/v1/indicators): the event
    // log's, which holds the review index. Empty: RendezvousService::start sets it when it
    // opens the review index there; still empty, the route answers 503 review_unavailable.
    std::filesystem::path indicatorsDatabase;
    // The TZif file of the zone whose local midnights bound a quarter (quarter_period.hpp).
    std::filesystem::path timeZoneFile{"/usr/share/zoneinfo/Europe/Paris"};
    // Indicator computations at once (each is seconds of CPU over a large log, on the store's
    // threads); a request beyond it is answered 503 service_busy, Retry-After.
    std::size_t maxIndicatorRuns = 1;
};

// Browser cabins (protocol/README.md, "Browser cabins"): a cabin certificate gets a short-lived
// token on the main port (POST /cabin/v1/browser-token) for its kiosk browser, which opens the
// browser listener with it and is then that cabin, as if it held the certificate.
struct BrowserCabinConfig {
    // The browser listener's port on ServiceConfig::bindAddress: nullopt, no listener (the
    // token route answers 503 browser_cabins_disabled); 0, any free port (browserPort()).
    std::optional<std::uint16_t> port;
    std::chrono::seconds tokenLifetime{300}; // 60 to 3600 (lifetime_out_of_range)
    // Unix ms now, for issuing and expiring tokens; null: the system clock. Tests move it.
    std::function<std::int64_t()> clock;
};

struct ServiceConfig {
    std::string bindAddress = "127.0.0.1";
    std::uint16_t port = 0; // 0: any free port, see RendezvousService::port()
    TlsConfig tls;
    // The database (--database): an SQLite file (":memory:": none kept), or a PostgreSQL URL
    // (postgresql://user@host:port/db): then this service is one node of a cluster sharing
    // that database (protocol/README.md, "Service nodes sharing PostgreSQL"). Every node of a
    // cluster must run with the same grace period, heartbeat and ICE configuration.
    std::string eventLogPath = ":memory:";
    // A cluster node whose heartbeat is older than this is declared lost by the others; a node
    // that cannot reach the database for half of it closes its connections.
    std::chrono::milliseconds nodeLossTimeout{6'000};
    std::chrono::milliseconds heartbeatInterval{10'000};
    std::chrono::milliseconds gracePeriod{60'000};
    std::chrono::milliseconds handshakeTimeout{10'000};
    int maxMessagesPerSecond = 20; // sustained, per connection
    int messageBurst = 60;         // bucket size
    std::size_t maxConnections = 20'000;
    // STUN and TURN servers handed to both parties of every session (loadIceConfig); empty:
    // none. start() refuses an invalid one with its IceConfigErrc.
    IceConfig ice;
    ArchiveServiceConfig archive; // its `audit` also records the retention's purges
    BrowserCabinConfig browser;
    std::function<void(const std::string&)> log; // optional diagnostics sink
};

struct ServiceStats {
    std::uint64_t connectionsAccepted = 0;
    std::uint64_t connectionsOpen = 0;
    std::uint64_t tlsRefusals = 0;
    std::uint64_t protocolViolations = 0;
    std::uint64_t messagesIn = 0;
    std::uint64_t messagesOut = 0;
    // The archive routes: requests answered, refused (HTTP 4xx and 5xx), chunks written, chunks
    // acknowledged that were stored already, and records committed (not counting repeats).
    std::uint64_t archiveRequests = 0;
    std::uint64_t archiveRefusals = 0;
    std::uint64_t archiveChunksStored = 0;
    std::uint64_t archiveChunksAlreadyStored = 0;
    std::uint64_t archiveCommits = 0;
    std::uint64_t archiveConnectionsOpen = 0; // being served, store calls in flight included
    // Browser cabins: tokens issued, and browser connections refused before the upgrade (TLS
    // failures, requests without a valid token, other targets).
    std::uint64_t browserTokensIssued = 0;
    std::uint64_t browserRefusals = 0;
};

class RendezvousService {
public:
    // Binds and starts accepting. Call from any thread; the service then lives on `executor`.
    static Result<std::shared_ptr<RendezvousService>> start(boost::asio::any_io_executor executor,
                                                            ServiceConfig config);
    virtual ~RendezvousService() = default;

    virtual std::uint16_t port() const noexcept = 0;
    // The browser listener's port; 0 when the service has none.
    virtual std::uint16_t browserPort() const noexcept = 0;
    // Thread-safe snapshot.
    virtual ServiceStats stats() const = 0;
    // Stops accepting and closes every connection. Thread-safe.
    virtual void stop() = 0;
};

} // namespace tc::protocol

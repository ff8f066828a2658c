// telecabine-rendezvous: the reference rendezvous service, and its development PKI tool.
#include "../cli/command_line.hpp"
#include "audit_command.hpp"
#include "tc/protocol/archive_store.hpp"
#include "tc/protocol/audit_log.hpp"
#include "tc/protocol/cpts_map.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/pki.hpp"
#include "tc/protocol/rendezvous_service.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <future>
#include <iostream>

namespace {

using namespace tc;

constexpr const char* kUsage = R"(usage:
  telecabine-rendezvous serve --ca FILE --cert FILE --key FILE [options]
      --bind ADDRESS        listen address (127.0.0.1)
      --port PORT           listen port, 0 for any free port (8443)
      --port-file FILE      write the bound port there once listening (a second line: the
                            browser port, with --browser-port)
      --database DB         the service's database: an SQLite file
                            (telecabine-events.sqlite), or a PostgreSQL URL
                            (postgresql://user@host:port/db): then this process is one node
                            of a cluster sharing that database (README, "Deploying the service
                            at scale"); its schema is versioned and migrated at start
      --event-log FILE      the older name of --database
      --node-loss-timeout-ms MS
                            cluster: a node silent this long is declared lost and its
                            connections end; a node without the database for half of it stops
                            serving (6000, 2000-60000)
      --grace-ms MS         how long a dropped connection keeps its session (60000)
      --heartbeat-ms MS     heartbeat interval announced to clients (10000)
      --rate N              messages per second per connection (20)
      --stun URIS           STUN servers handed to both parties of every session, comma-
                            separated: stun:host[:port] (RFC 7064)
      --turn URIS           TURN servers, comma-separated (RFC 7065):
                            turn:host[:port]?transport=udp|tcp, turns:host:443?transport=tcp
      --turn-secret-file FILE
                            the secret shared with the TURN server (coturn static-auth-secret),
                            alone in the file; required with --turn
      --turn-lifetime-s S   how long each party's TURN credential is valid, 600-86400 (3600)
      --browser-port PORT   listen for browser cabins on PORT too (same --bind address, 0 for
                            any free port): TLS without client certificate, admitted by a
                            token the main port issues to cabin certificates (off)
      --browser-token-lifetime-s S
                            how long a browser cabin token opens connections, 60-3600 (300)
      --archive-dir DIR     serve the consultation archive in DIR (created 0700), on the same
                            port; needs --archive-key
      --archive-key FILE    the archive key (32 bytes, mode 0600), created if missing; back it
                            up apart from the archive: losing it loses the archive
      --archive-chunk-bytes N   largest chunk accepted, 4096-16777216 (1048576)
      --archive-record-mb N     largest record (2048)
      --archive-quota-mb N      each doctor's share of the archive, pending uploads included
                                (65536)
      --archive-connections N   archive connections at once (64)
      --media-retention-days N  purge the media (stethoscope recordings, stills) of records
                                committed more than N days ago, at start and then hourly; the
                                rest of the dossier is kept (off)
      --audit-log FILE|URL  the tamper-evident audit trail of archive accesses (SQLite, 0600),
                            checkpoints signed with the service's key (--cert, --key); a
                            postgresql:// URL: one chain for every node of a cluster
      --audit-checkpoint-entries N   sign a checkpoint every N entries (1000)
      --audit-checkpoint-s S         and every S seconds when entries came (300)
  telecabine-rendezvous audit verify --audit-log FILE|URL (--ca CA.pem | --cert SERVICE.pem)
      checks every entry's hash, the chain and every signed checkpoint; exit 0 and a summary
      when intact, 1 and the first bad entry and what is wrong with it otherwise
  telecabine-rendezvous audit export --audit-log FILE|URL --record ID [--csv]
      who opened, played or purged the record, and when (the patient-rights export)
  telecabine-rendezvous audit trail --audit-log FILE|URL --actor RPPS [--csv]
      one actor's own trail
      --cpts-map FILE       which cabin sites each CPTS covers, for the coordinators' review
                            (JSON, protocol/README.md "Review routes"); without it no
                            coordinator sees any record
  telecabine-rendezvous pki init DIR
      creates a development CA in DIR, a service certificate for localhost, a doctor
      (doctor.p12), a cabin (cabin.p12) and a coordinator of CPTS-DEMO (coordinator.p12),
      passphrase "telecabine"; existing files are kept
  telecabine-rendezvous pki issue --dir DIR --role cabin|doctor|coordinator|service
      --id IDENTIFIER --name "DISPLAY NAME" --out FILE.p12 [--passphrase TEXT] [--days N]
      [--dns NAMES] [--ip ADDRESSES] [--cpts ID]
      issues a PKCS#12 identity from the CA in DIR (ca.pem, ca.key); a service certificate
      is valid for the comma-separated --dns names and --ip addresses clients connect to
      (default: localhost, 127.0.0.1 and ::1); a coordinator certificate names its CPTS,
      --cpts ID (3-32 of A-Z 0-9 -), which no other role takes
)";

void logLine(const std::string& line) {
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%H:%M:%S", std::localtime(&now));
    std::fprintf(stderr, "%s rendezvous: %s\n", stamp, line.c_str());
}

int fail(const std::string& message) {
    std::cerr << "telecabine-rendezvous: " << message << "\n";
    return 1;
}

std::string archiveProblem(const protocol::ArchiveFailure& failure) {
    const auto& code = failure.code;
    const std::string key =
        code.category() == protocol::archiveCategory()
            ? std::string(protocol::wireName(static_cast<protocol::ArchiveErrc>(code.value())))
            : std::string(code.category().name());
    return key + ": " + failure.message();
}

// A PostgreSQL URL rather than an SQLite file: the process is one node of a cluster.
bool isClusterDatabase(const std::string& database) {
    return database.starts_with("postgresql://") || database.starts_with("postgres://");
}

// The archive options: 0 when the archive is open (or not asked for), else the exit status.
int openArchive(cli::CommandLine& args, protocol::ServiceConfig& config) {
    const auto dir = args.value("archive-dir");
    const auto keyFile = args.value("archive-key");
    const auto chunk = args.number("archive-chunk-bytes", 1024 * 1024);
    const auto recordMb = args.number("archive-record-mb", 2048);
    const auto quotaMb = args.number("archive-quota-mb", 64 * 1024);
    const auto connections = args.number("archive-connections", 64);
    if (!args.errors().empty() || dir.has_value() != keyFile.has_value() || chunk < 4096 ||
        chunk > 16 * 1024 * 1024 || recordMb < 1 || quotaMb < 1 || connections < 1) {
        for (const auto& e : args.errors()) {
            std::cerr << "telecabine-rendezvous: " << e << "\n";
        }
        std::cerr << "telecabine-rendezvous: "
                  << (dir.has_value() != keyFile.has_value()
                          ? "--archive-dir and --archive-key go together\n"
                          : "an archive option is out of range\n")
                  << kUsage;
        return 2;
    }
    if (!dir) {
        return 0;
    }
    auto key = protocol::ArchiveKey::loadOrCreate(*keyFile);
    if (!key) {
        return fail("archive key " + *keyFile + ": " + archiveProblem(key.error()));
    }
    protocol::ArchiveLimits limits;
    limits.maxChunkBytes = static_cast<std::uint32_t>(chunk);
    limits.maxRecordBytes = static_cast<std::uint64_t>(recordMb) * 1024 * 1024;
    limits.ownerQuotaBytes = static_cast<std::uint64_t>(quotaMb) * 1024 * 1024;
    // A cluster's nodes share the archive's index in PostgreSQL, and its directory.
    std::unique_ptr<protocol::ArchiveIndex> index;
    if (isClusterDatabase(config.eventLogPath)) {
        auto shared = protocol::openPostgresArchiveIndex(config.eventLogPath);
        if (!shared) {
            return fail("the archive's index in PostgreSQL: " + archiveProblem(shared.error()));
        }
        index = std::move(*shared);
    }
    auto store = protocol::ArchiveStore::open(*dir, *key, limits, std::move(index));
    if (!store) {
        return fail("cannot open the archive " + *dir + ": " + archiveProblem(store.error()));
    }
    config.archive.store = std::make_shared<protocol::ArchiveStore>(std::move(*store));
    if (const auto mapFile = args.value("cpts-map")) {
        auto map = protocol::CptsMap::load(*mapFile);
        if (!map) {
            return fail("CPTS map " + *mapFile + ": " + map.error().message() + " (" +
                        std::string(protocol::wireName(
                            static_cast<protocol::CptsMapErrc>(map.error().code.value()))) +
                        ")");
        }
        config.archive.cptsMap = std::make_shared<const protocol::CptsMap>(std::move(*map));
    }
    config.archive.maxConnections = static_cast<std::size_t>(connections);
    return 0;
}

// The audit and retention options: 0 when set up (or not asked for), else the exit status.
int openAudit(cli::CommandLine& args, protocol::ServiceConfig& config,
              std::shared_ptr<protocol::AuditLog>& audit) {
    const auto every = args.number("audit-checkpoint-entries", 1000);
    const auto period = args.number("audit-checkpoint-s", 300);
    const auto retentionDays = args.number("media-retention-days", 0);
    if (!args.errors().empty() || every < 1 || period < 1 || retentionDays < 0) {
        return fail("an audit or retention option is out of range");
    }
    if (retentionDays > 0) {
        if (!config.archive.store) {
            return fail("--media-retention-days needs the archive (--archive-dir)");
        }
        config.archive.mediaRetention = std::chrono::days(retentionDays);
    }
    const auto file = args.value("audit-log");
    if (!file) {
        // Every purge is audited: without a log there is none.
        return retentionDays > 0 ? fail("--media-retention-days needs --audit-log") : 0;
    }
    protocol::AuditLogOptions options;
    options.checkpointEvery = static_cast<std::uint64_t>(every);
    options.checkpointPeriod = std::chrono::seconds(period);
    options.log = logLine;
    auto opened = protocol::AuditLog::open(*file, config.tls.own, std::move(options));
    // A PostgreSQL URL may carry a password: never in the log.
    const auto named = file->starts_with("postgresql://") || file->starts_with("postgres://")
                           ? "on PostgreSQL"
                           : *file;
    if (!opened) {
        return fail("audit log " + named + ": " + opened.error().message());
    }
    audit = std::move(*opened);
    config.archive.audit = audit->sink();
    config.archive.auditLog = audit; // read back for a requester's own trail
    logLine("audit log " + named);
    return 0;
}

int serve(cli::CommandLine& args) {
    const auto port = args.number("port", 8443);
    const auto grace = args.number("grace-ms", 60'000);
    const auto heartbeat = args.number("heartbeat-ms", 10'000);
    const auto rate = args.number("rate", 20);
    const auto browserPort = args.number("browser-port", -1);
    const auto tokenLifetime = args.number("browser-token-lifetime-s", 300);
    if (!args.errors().empty() || !args.value("ca") || !args.value("cert") || !args.value("key") ||
        port < 0 || port > 65535 || grace < 0 || heartbeat < 100 || rate < 1 || browserPort < -1 ||
        browserPort > 65535 || tokenLifetime < 60 || tokenLifetime > 3600) {
        for (const auto& e : args.errors()) {
            std::cerr << "telecabine-rendezvous: " << e << "\n";
        }
        if (browserPort < -1 || browserPort > 65535 || tokenLifetime < 60 || tokenLifetime > 3600) {
            std::cerr << "telecabine-rendezvous: --browser-port takes 0 to 65535 and "
                         "--browser-token-lifetime-s 60 to 3600\n";
        }
        std::cerr << kUsage;
        return 2;
    }
    auto ca = protocol::readFile(*args.value("ca"));
    auto cert = protocol::readFile(*args.value("cert"));
    auto key = protocol::readFile(*args.value("key"));
    if (!ca || !cert || !key) {
        return fail("cannot read the CA, certificate or key file");
    }
    protocol::ServiceConfig config;
    config.bindAddress = args.value("bind", "127.0.0.1");
    config.port = static_cast<std::uint16_t>(port);
    config.tls = protocol::TlsConfig{protocol::Credentials{*cert, *key, {}}, *ca};
    config.eventLogPath =
        args.value("database", args.value("event-log", "telecabine-events.sqlite"));
    const auto nodeLoss = args.number("node-loss-timeout-ms", 6000);
    if (nodeLoss < 2000 || nodeLoss > 60000) {
        return fail("--node-loss-timeout-ms takes 2000 to 60000");
    }
    config.nodeLossTimeout = std::chrono::milliseconds(nodeLoss);

    config.gracePeriod = std::chrono::milliseconds(grace);
    config.heartbeatInterval = std::chrono::milliseconds(heartbeat);
    config.maxMessagesPerSecond = static_cast<int>(rate);
    config.messageBurst = static_cast<int>(rate * 3);
    config.log = logLine;
    if (browserPort >= 0) {
        config.browser.port = static_cast<std::uint16_t>(browserPort);
    }
    config.browser.tokenLifetime = std::chrono::seconds(tokenLifetime);
    if (args.value("turn-secret")) {
        // A command line is visible to every user of the machine (ps, /proc).
        return fail("--turn-secret is refused: put the secret in a file, --turn-secret-file");
    }
    protocol::IceConfigInput ice;
    ice.stunUris = args.value("stun", "");
    ice.turnUris = args.value("turn", "");
    if (const auto secretFile = args.value("turn-secret-file")) {
        ice.turnSecretFile = *secretFile;
    }
    ice.credentialLifetimeSeconds =
        args.number("turn-lifetime-s", protocol::kDefaultTurnCredentialLifetime.count());
    if (!args.errors().empty()) {
        return fail(args.errors().front());
    }
    auto loaded = protocol::loadIceConfig(ice);
    if (!loaded) {
        return fail("STUN/TURN configuration: " + loaded.error().message());
    }
    config.ice = std::move(*loaded);
    if (const int status = openArchive(args, config); status != 0) {
        return status;
    }
    // Declared before the service: it outlives it, and its destructor signs the last
    // checkpoint once the service has stopped.
    std::shared_ptr<protocol::AuditLog> audit;
    if (const int status = openAudit(args, config, audit); status != 0) {
        return status;
    }

    protocol::IoThread io("tc-rendezvous");
    auto service = protocol::RendezvousService::start(io.executor(), config);
    if (!service) {
        return fail("cannot start: " + service.error().message());
    }
    const auto bound = (*service)->port();
    // A PostgreSQL URL may carry a password: never in the log.
    const bool cluster = isClusterDatabase(config.eventLogPath);
    logLine("listening on " + config.bindAddress + ":" + std::to_string(bound) +
            (cluster ? ", cluster node on PostgreSQL" : ", event log " + config.eventLogPath));
    const auto browserBound = (*service)->browserPort();
    if (config.browser.port) {
        logLine("browser cabins on " + config.bindAddress + ":" + std::to_string(browserBound) +
                ", tokens valid " + std::to_string(tokenLifetime) + " s");
    }
    for (const auto* list : {&config.ice.stun, &config.ice.turn}) {
        for (const auto& uri : *list) {
            logLine("ICE server " + protocol::toString(uri));
        }
    }
    if (config.archive.store) {
        logLine("archive " + *args.value("archive-dir") + ", chunks up to " +
                std::to_string(config.archive.store->limits().maxChunkBytes) + " bytes");
    }
    if (!config.ice.turn.empty()) {
        logLine("TURN credentials valid " + std::to_string(config.ice.credentialLifetime.count()) +
                " s");
    }
    if (const auto portFile = args.value("port-file")) {
        const std::string tmp = *portFile + ".tmp";
        std::ofstream out(tmp);
        out << bound << "\n";
        if (config.browser.port) {
            out << browserBound << "\n";
        }
        out.close();
        std::filesystem::rename(tmp, *portFile); // atomic: readers never see a partial file
    }
    std::promise<void> stopRequested;
    boost::asio::signal_set signals(io.context(), SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) { stopRequested.set_value(); });
    stopRequested.get_future().wait();
    logLine("stopping");
    (*service)->stop();
    io.stop(); // returns once the clients answered the close frames (bounded)
    return 0;
}

int pki(cli::CommandLine& args) {
    const auto& words = args.positional();
    if (words.size() == 3 && words[1] == "init") {
        auto created = protocol::ensureDevelopmentPki(words[2]);
        if (!created) {
            return fail("pki init: " + created.error().message());
        }
        std::cout << "development PKI ready in " << created->directory << "\n"
                  << "  CA:      " << created->caCertificate() << "\n"
                  << "  service: " << created->serviceCertificate() << "\n"
                  << "  doctor:  " << created->doctorBundle() << "\n"
                  << "  cabin:   " << created->cabinBundle() << "\n"
                  << "  coordinator: " << created->coordinatorBundle() << " (CPTS "
                  << protocol::DevelopmentPki::kDevelopmentCpts << ")\n"
                  << "  passphrase: " << protocol::DevelopmentPki::kDevelopmentPassphrase << "\n";
        return 0;
    }
    if (words.size() != 2 || words[1] != "issue" || !args.value("dir") || !args.value("role") ||
        !args.value("id") || !args.value("name") || !args.value("out")) {
        std::cerr << kUsage;
        return 2;
    }
    const std::filesystem::path dir = *args.value("dir");
    auto caPem = protocol::readFile(dir / "ca.pem");
    auto caKey = protocol::readFile(dir / "ca.key");
    if (!caPem || !caKey) {
        return fail("pki issue: no CA in " + dir.string() + " (run pki init first)");
    }
    auto ca = protocol::CertificateAuthority::fromPem(*caPem, *caKey);
    auto role = protocol::roleFromString(*args.value("role"));
    if (!ca || !role) {
        return fail("pki issue: " + (!ca ? ca.error() : role.error()).message());
    }
    protocol::CertificateRequest request;
    request.identity = {*role, *args.value("id"), *args.value("name"), args.value("cpts", "")};
    const auto days = args.number("days", 365);
    request.notAfter = std::chrono::hours(24 * days);
    const auto dnsNames = args.list("dns");
    const auto ipAddresses = args.list("ip");
    if (*role == protocol::Role::service) {
        // The names and addresses clients connect to: a service on another host is not
        // localhost, and TLS clients check the name or address they dialled.
        const bool named = !dnsNames.empty() || !ipAddresses.empty();
        request.dnsNames = named ? dnsNames : std::vector<std::string>{"localhost"};
        request.ipAddresses = named ? ipAddresses : std::vector<std::string>{"127.0.0.1", "::1"};
        for (const auto& address : request.ipAddresses) {
            boost::system::error_code invalid;
            boost::asio::ip::make_address(address, invalid);
            if (invalid) {
                return fail("pki issue: --ip takes IP addresses, not \"" + address + "\"");
            }
        }
    } else if (!dnsNames.empty() || !ipAddresses.empty()) {
        return fail("pki issue: --dns and --ip are for a service certificate only");
    }
    auto issued = ca->issue(request);
    if (!issued) {
        if (issued.error() == protocol::Errc::invalidCpts) {
            return fail("pki issue: a coordinator needs --cpts ID (3-32 of A-Z 0-9 -)");
        }
        if (issued.error() == protocol::Errc::unexpectedCpts) {
            return fail("pki issue: --cpts is for a coordinator certificate only");
        }
        return fail("pki issue: " + issued.error().message());
    }
    const std::string passphrase =
        args.value("passphrase", protocol::DevelopmentPki::kDevelopmentPassphrase);
    auto bundle = protocol::toPkcs12(*issued, passphrase, request.identity.displayName);
    if (!bundle) {
        return fail("pki issue: " + bundle.error().message());
    }
    if (auto written = protocol::writeFile(*args.value("out"), *bundle, true); !written) {
        return fail("pki issue: cannot write " + *args.value("out"));
    }
    std::cout << "issued " << *args.value("out") << " for " << request.identity.displayName << "\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    cli::CommandLine args(argc, argv, {"help", "csv"});
    const auto& words = args.positional();
    if (args.flag("help") || words.empty()) {
        std::cout << kUsage;
        return words.empty() && !args.flag("help") ? 2 : 0;
    }
    if (words[0] == "serve") {
        return serve(args);
    }
    if (words[0] == "pki") {
        return pki(args);
    }
    if (words[0] == "audit") {
        return rendezvous::auditCommand(args, kUsage);
    }
    std::cerr << kUsage;
    return 2;
}

// telecabine-bench audit-append: the audit log's durable append, in an SQLite file and in
// PostgreSQL (durable, fsync on) with 1 and 2 nodes appending at once, each against the bare
// library's durable one-row insert in the same run (SQLite WAL synchronous=FULL, a libpq
// autocommit INSERT with synchronous_commit on): the ratio is the chain's cost (the lock, the
// head read, the hash) on this machine.

#include "benchmarks.hpp"
#include "machine_description.hpp"
#include "support/postgres_server.hpp"
#include "tc/protocol/audit_log.hpp"
#include "tc/protocol/pki.hpp"

#include <atomic>
#include <chrono>
#include <iostream>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <thread>

namespace tc::bench {
namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

nlohmann::json summary(const std::vector<double>& ms, double wallSeconds) {
    return {{"appends", ms.size()},
            {"median_ms", roundedPercentile(ms, 0.5)},
            {"p95_ms", roundedPercentile(ms, 0.95)},
            {"per_s", static_cast<double>(ms.size()) / wallSeconds}};
}

protocol::AuditEvent event(int n) {
    protocol::AuditEvent e;
    e.atUnixMs = 1'780'000'000'000 + n;
    e.actorRole = protocol::Role::doctor;
    e.actorId = "10101234567";
    e.action = protocol::AuditAction::open;
    e.recordId = "R-" + std::to_string(n % 100);
    e.detailJson = R"({"file":"report/compte-rendu.pdf"})";
    return e;
}

// `nodes` logs on `target`, each appending `each` entries at once; nothing when one fails.
std::optional<nlohmann::json> appendRun(const std::string& target,
                                        const std::vector<protocol::Credentials>& signers,
                                        int nodes, int each) {
    std::vector<std::unique_ptr<protocol::AuditLog>> logs;
    for (int n = 0; n < nodes; ++n) {
        auto log = protocol::AuditLog::open(target, signers[static_cast<std::size_t>(n)]);
        if (!log) {
            std::cerr << "audit-append: open: " << log.error().message() << "\n";
            return std::nullopt;
        }
        logs.push_back(std::move(*log));
    }
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(nodes));
    std::atomic<bool> failed = false;
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int n = 0; n < nodes; ++n) {
        threads.emplace_back([&, n] {
            auto& mine = latencies[static_cast<std::size_t>(n)];
            for (int i = 0; i < each && !failed; ++i) {
                const auto begun = Clock::now();
                if (!logs[static_cast<std::size_t>(n)]->append(event(i))) {
                    failed = true;
                }
                mine.push_back(msSince(begun));
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    const double wall = msSince(start) / 1000;
    if (failed) {
        std::cerr << "audit-append: an append failed\n";
        return std::nullopt;
    }
    std::vector<double> all;
    for (const auto& mine : latencies) {
        all.insert(all.end(), mine.begin(), mine.end());
    }
    return summary(all, wall);
}

std::optional<nlohmann::json> bareSqlite(const std::filesystem::path& file, int count) {
    sqlite3* db = nullptr;
    if (sqlite3_open(file.c_str(), &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
                     nullptr, nullptr, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return std::nullopt;
    }
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO rows (body) VALUES (?)", -1, &insert, nullptr);
    std::vector<double> ms;
    const auto start = Clock::now();
    const auto body = event(0).detailJson;
    for (int i = 0; i < count; ++i) {
        const auto begun = Clock::now();
        sqlite3_reset(insert);
        sqlite3_bind_text(insert, 1, body.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(insert) != SQLITE_DONE) {
            sqlite3_finalize(insert);
            sqlite3_close(db);
            return std::nullopt;
        }
        ms.push_back(msSince(begun));
    }
    const double wall = msSince(start) / 1000;
    sqlite3_finalize(insert);
    sqlite3_close(db);
    return summary(ms, wall);
}

std::optional<nlohmann::json> barePostgres(const std::string& url, int count) {
    std::unique_ptr<PGconn, void (*)(PGconn*)> connection(PQconnectdb(url.c_str()), PQfinish);
    const auto run = [&](const char* sql, int params, const char* const* values) {
        std::unique_ptr<PGresult, void (*)(PGresult*)> result(
            PQexecParams(connection.get(), sql, params, nullptr, values, nullptr, nullptr, 0),
            PQclear);
        return result && PQresultStatus(result.get()) == PGRES_COMMAND_OK;
    };
    if (PQstatus(connection.get()) != CONNECTION_OK ||
        !run("SET synchronous_commit = on", 0, nullptr) ||
        !run("CREATE TABLE bare_rows (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)", 0, nullptr)) {
        return std::nullopt;
    }
    const auto body = event(0).detailJson;
    const char* values[] = {body.c_str()};
    std::vector<double> ms;
    const auto start = Clock::now();
    for (int i = 0; i < count; ++i) {
        const auto begun = Clock::now();
        if (!run("INSERT INTO bare_rows (body) VALUES ($1)", 1, values)) {
            return std::nullopt;
        }
        ms.push_back(msSince(begun));
    }
    return summary(ms, msSince(start) / 1000);
}

} // namespace

int runAuditAppend(cli::CommandLine& args) {
    const auto appends = rangedOption(args, "audit-append", "appends", 2000, 10, 1'000'000);
    if (!appends) {
        return 2;
    }
    auto ca = protocol::CertificateAuthority::create("bench CA");
    if (!ca) {
        std::cerr << "audit-append: " << ca.error().message() << "\n";
        return 1;
    }
    std::vector<protocol::Credentials> signers;
    for (int n = 1; n <= 2; ++n) {
        protocol::CertificateRequest request;
        request.identity = {protocol::Role::service, "node-" + std::to_string(n),
                            "bench node " + std::to_string(n)};
        signers.push_back(*ca->issue(request));
    }
    ScratchDirectory scratch("tc-bench-audit");
    nlohmann::json runs = nlohmann::json::array();
    const auto sqliteRun =
        appendRun((scratch.path / "audit.sqlite").string(), signers, 1, *appends);
    const auto sqliteBare = bareSqlite(scratch.path / "bare.sqlite", *appends);
    if (!sqliteRun || !sqliteBare) {
        return 1;
    }
    runs.push_back({{"storage", "sqlite"},
                    {"nodes", 1},
                    {"audit", *sqliteRun},
                    {"bare_insert", *sqliteBare},
                    {"median_ratio", (*sqliteRun)["median_ms"].get<double>() /
                                         (*sqliteBare)["median_ms"].get<double>()}});
    for (const int nodes : {1, 2}) {
        test::PostgresServer::Options options;
        options.durable = true;
        const auto pg = test::PostgresServer::start(options);
        const auto audit = appendRun(pg->url(), signers, nodes, *appends / nodes);
        const auto bare = barePostgres(pg->url(), *appends);
        if (!audit || !bare) {
            std::cerr << "audit-append: PostgreSQL run failed\n";
            return 1;
        }
        runs.push_back({{"storage", "postgresql"},
                        {"nodes", nodes},
                        {"audit", *audit},
                        {"bare_insert", *bare},
                        {"median_ratio", (*audit)["median_ms"].get<double>() /
                                             (*bare)["median_ms"].get<double>()}});
    }
    const nlohmann::json out{
        {"benchmark", "audit-append"},
        {"runs", runs},
        {"machine", machineDescription()},
        {"note", "an append is durable when it returns (SQLite WAL synchronous=FULL; PostgreSQL "
                 "fsync on, synchronous_commit on, data on tmpfs when /dev/shm exists); with 2 "
                 "nodes each appends half, at once, on its own connection; bare_insert: one "
                 "durable row per commit through the bare library, one writer"}};
    std::cout << out.dump() << std::endl;
    return 0;
}

} // namespace tc::bench

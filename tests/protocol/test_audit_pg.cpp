// The audit log in PostgreSQL (issue 19): a real server started by the test, nodes as
// AuditLog instances with their own connections and their own service certificates appending
// at once, tampering done with SQL as an intruder with write access to the database would, a
// restart of the server between appends, and the audit commands run as the real binary.

#include "archive_process.hpp"
#include "archive_test_support.hpp"
#include "audit_log_internal.hpp"
#include "audit_test_support.hpp"
#include "pg_connection.hpp"
#include "support/postgres_server.hpp"

#include <mutex>
#include <set>
#include <thread>

using namespace tc;
using namespace tc::test;
using namespace tc::test::audit;
using protocol::AuditErrc;

namespace {

const std::string kBinary = TC_RENDEZVOUS_BINARY;

std::string quoted(const std::string& text) {
    return "'" + text + "'";
}

struct PgAuditFixture {
    std::unique_ptr<PostgresServer> pg = PostgresServer::start({});
    std::string url = pg->url();
    TestPki pki;
    std::string caPem = pki.ca.certificatePem();
    // A second node's own service certificate, from the same CA.
    protocol::Credentials node2 =
        pki.issue(protocol::Role::service, "rendezvous-node-2", "rendezvous node 2");
    TempDir temp;

    std::unique_ptr<protocol::AuditLog> open(const protocol::Credentials& signer,
                                             protocol::AuditLogOptions options = {}) const {
        auto log = protocol::AuditLog::open(url, signer, std::move(options));
        INFO("open: " << keyOf(log));
        REQUIRE(log);
        return std::move(*log);
    }
    std::unique_ptr<protocol::AuditLog> open(protocol::AuditLogOptions options = {}) const {
        return open(pki.service, std::move(options));
    }
    // A closed log of `count` sample entries, a checkpoint every `every`.
    void write(int count, std::uint64_t every) const {
        auto log = open({.checkpointEvery = every});
        appendSample(*log, count);
        REQUIRE(log->close());
    }
    void sql(const std::string& statements) const {
        std::string out;
        const int rc = pg->psql(statements, &out);
        INFO(statements << ": " << out);
        REQUIRE(rc == 0);
    }
    std::int64_t scalar(const std::string& query) const {
        std::string out;
        REQUIRE(pg->psql(query, &out) == 0);
        return std::stoll(out);
    }
    void expectProblem(AuditErrc code, std::int64_t sequence) const {
        const auto verified = protocol::verifyAuditLog(url, caPem);
        REQUIRE(!verified);
        INFO(verified.error().message());
        CHECK(keyOf(verified) == protocol::wireName(code));
        CHECK(verified.error().sequence == sequence);
    }
    protocol::AuditEntry entry(std::int64_t sequence) const {
        auto log = protocol::AuditLog::openReadOnly(url);
        REQUIRE(log);
        const auto page = (*log)->byRecord(sampleEvent(static_cast<int>(sequence)).recordId);
        REQUIRE(page);
        for (const auto& e : page->entries) {
            if (e.sequence == sequence) {
                return e;
            }
        }
        FAIL("no entry " << sequence);
        return {};
    }
    Ran audit(const std::string& arguments) const {
        return runCapture(kBinary + " audit " + arguments + " --audit-log " + quoted(url));
    }
};

std::string byteaLiteral(const protocol::AuditHash& hash) {
    return "'\\x" + hex(hash) + "'";
}

} // namespace

TEST_CASE("Two nodes appending at once make one gapless chain in PostgreSQL that verifies",
          "[audit][pg]") {
    PgAuditFixture fx;
    constexpr int kEach = 200;
    auto node1 = fx.open(fx.pki.service, {.checkpointEvery = 50});
    auto node2 = fx.open(fx.node2, {.checkpointEvery = 50});
    std::vector<std::int64_t> sequences1;
    std::vector<std::int64_t> sequences2;
    std::vector<std::string> failures;
    std::mutex failuresMutex;
    const auto run = [&](protocol::AuditLog& log, std::vector<std::int64_t>& sequences,
                         int offset) {
        for (int n = 1; n <= kEach; ++n) {
            auto appended = log.append(sampleEvent(offset + n));
            if (!appended) {
                const std::lock_guard lock(failuresMutex);
                failures.push_back(appended.error().message());
                return;
            }
            sequences.push_back(*appended);
        }
    };
    std::thread first([&] { run(*node1, sequences1, 0); });
    std::thread second([&] { run(*node2, sequences2, kEach); });
    first.join();
    second.join();
    INFO((failures.empty() ? std::string() : failures.front()));
    REQUIRE(failures.empty());

    // Each node's sequences increase, and together they are 1 to 400, once each.
    CHECK(std::is_sorted(sequences1.begin(), sequences1.end()));
    CHECK(std::is_sorted(sequences2.begin(), sequences2.end()));
    std::set<std::int64_t> all(sequences1.begin(), sequences1.end());
    all.insert(sequences2.begin(), sequences2.end());
    CHECK(all.size() == 2 * kEach);
    CHECK(*all.begin() == 1);
    CHECK(*all.rbegin() == 2 * kEach);
    // Interleaved, not one node after the other (or the test proves nothing about the lock).
    CHECK(sequences1.front() < sequences2.back());
    CHECK(sequences2.front() < sequences1.back());

    // Each node signs a checkpoint with its own certificate.
    REQUIRE(node1->append(sampleEvent(1)));
    REQUIRE(node1->checkpoint());
    REQUIRE(node2->append(sampleEvent(2)));
    REQUIRE(node2->checkpoint());
    REQUIRE(node1->close());
    REQUIRE(node2->close());
    CHECK(fx.scalar("SELECT count(DISTINCT certificate) FROM audit_checkpoints") == 2);

    const auto verified = protocol::verifyAuditLog(fx.url, fx.caPem);
    INFO(keyOf(verified));
    REQUIRE(verified);
    CHECK(verified->entries == 2 * kEach + 2);
    CHECK(verified->lastCheckpointSequence == 2 * kEach + 2);
    CHECK(verified->checkpoints >= 2 * kEach / 50);
    // Pinned to one node's certificate, the other node's checkpoints are not its own.
    const auto pinned = protocol::verifyAuditLog(fx.url, fx.pki.service.certificatePem);
    REQUIRE(!pinned);
    CHECK(keyOf(pinned) == "untrusted_signer");
}

TEST_CASE("Two nodes signing the same head keep one checkpoint and neither fails", "[audit][pg]") {
    PgAuditFixture fx;
    fx.write(3, 1000); // one checkpoint, at 3 (the close)
    auto store = protocol::audit::openStore(fx.url, false);
    REQUIRE(store);
    const protocol::audit::StoredCheckpoint first{2, std::string(32, 'a'), 1, "sig-1", "cert-1"};
    const protocol::audit::StoredCheckpoint second{2, std::string(32, 'b'), 2, "sig-2", "cert-2"};
    REQUIRE(store->get()->insertCheckpoint(first));
    REQUIRE(store->get()->insertCheckpoint(second));
    CHECK(fx.scalar("SELECT count(*) FROM audit_checkpoints WHERE sequence = 2") == 1);
    CHECK(fx.scalar("SELECT signed_at_unix_ms FROM audit_checkpoints WHERE sequence = 2") == 1);
}

TEST_CASE("verify names what was changed in PostgreSQL by sequence and kind", "[audit][pg]") {
    const auto [what, tampering, code,
                sequence] = GENERATE(table<const char*, const char*, AuditErrc, std::int64_t>({
        {"the detail changed",
         "UPDATE audit_entries SET detail = '{\"file\":\"other.pdf\"}' WHERE sequence = 7",
         AuditErrc::changed, 7},
        {"an entry removed", "DELETE FROM audit_entries WHERE sequence = 6", AuditErrc::removed, 6},
        {"an entry removed, the rest renumbered",
         "DELETE FROM audit_entries WHERE sequence = 6; "
         "UPDATE audit_entries SET sequence = sequence - 1 WHERE sequence > 6",
         AuditErrc::removed, 6},
        {"the tail removed below the signed checkpoint",
         "DELETE FROM audit_entries WHERE sequence >= 9", AuditErrc::removed, 9},
        {"two entries swapped",
         "UPDATE audit_entries SET sequence = -1 WHERE sequence = 3; "
         "UPDATE audit_entries SET sequence = 3 WHERE sequence = 4; "
         "UPDATE audit_entries SET sequence = 4 WHERE sequence = -1",
         AuditErrc::reordered, 3},
        {"a checkpoint's signature changed",
         "UPDATE audit_checkpoints SET signature = set_byte(signature, length(signature) - 5, "
         "get_byte(signature, length(signature) - 5) # 1) WHERE sequence = 5",
         AuditErrc::badCheckpointSignature, 5},
        {"a checkpoint's hash changed",
         "UPDATE audit_checkpoints SET hash = decode(repeat('00', 32), 'hex') "
         "WHERE sequence = 10",
         AuditErrc::badCheckpointSignature, 10},
    }));
    INFO(what);
    PgAuditFixture fx;
    fx.write(10, 5); // checkpoints at 5 and 10
    REQUIRE(protocol::verifyAuditLog(fx.url, fx.caPem));
    fx.sql(tampering);
    fx.expectProblem(code, sequence);
}

TEST_CASE("verify names an entry changed in PostgreSQL with its hash recomputed", "[audit][pg]") {
    PgAuditFixture fx;
    fx.write(10, 100);
    // The intruder knows the format: entry 5 hashes right, entry 6 still links to the hash
    // entry 5 had.
    auto entry = fx.entry(5);
    entry.event.actorId = "10000000008";
    const auto hash = protocol::auditEntryHash(entry);
    fx.sql("UPDATE audit_entries SET actor_id = '10000000008', hash = " + byteaLiteral(hash) +
           " WHERE sequence = 5");
    fx.expectProblem(AuditErrc::changed, 5);
}

TEST_CASE("An append after PostgreSQL restarted succeeds on a new connection and while it is "
          "down fails as a storage failure",
          "[audit][pg]") {
    PgAuditFixture fx;
    auto log = fx.open({.checkpointEvery = 1000});
    appendSample(*log, 3);

    fx.pg->restart();
    auto appended = log->append(sampleEvent(4));
    INFO(keyOf(appended));
    REQUIRE(appended);
    CHECK(*appended == 4);

    fx.pg->stop();
    CHECK(keyOf(log->append(sampleEvent(5))) == "storage_failure");
    const auto sink = log->sink();
    CHECK(sink(sampleEvent(5)) == make_error_code(AuditErrc::storageFailure));
    CHECK(keyOf(log->byRecord("R-1")) == "storage_failure");

    fx.pg->start();
    appended = log->append(sampleEvent(5));
    INFO(keyOf(appended));
    REQUIRE(appended);
    CHECK(*appended == 5);
    const auto page = log->byRecord(sampleEvent(5).recordId);
    REQUIRE(page);
    CHECK(page->entries.back().sequence == 5);
    REQUIRE(log->close());
    const auto verified = protocol::verifyAuditLog(fx.url, fx.caPem);
    INFO(keyOf(verified));
    REQUIRE(verified);
    CHECK(verified->entries == 5);
    CHECK(verified->lastCheckpointSequence == 5);
}

TEST_CASE("Acknowledged appends survive kill -9 of PostgreSQL even on a server whose default "
          "is synchronous_commit off",
          "[audit][pg]") {
    // The fixture's server runs with synchronous_commit off: a commit acknowledged before its
    // WAL is written. The log's own session setting must make every append durable anyway.
    PgAuditFixture fx;
    auto log = fx.open({.checkpointEvery = 1000});
    appendSample(*log, 40);
    fx.pg->kill9();
    fx.pg->start();
    CHECK(fx.scalar("SELECT count(*) FROM audit_entries") == 40);
    // And the log goes on, on a new connection, from entry 41.
    auto appended = log->append(sampleEvent(41));
    INFO(keyOf(appended));
    REQUIRE(appended);
    CHECK(*appended == 41);
}

TEST_CASE("PostgreSQL audit queries page by record and by actor", "[audit][pg]") {
    PgAuditFixture fx;
    fx.write(25, 1000); // R-1 .. R-5, actors alternate
    auto opened = protocol::AuditLog::openReadOnly(fx.url);
    REQUIRE(opened);
    const auto& log = **opened;
    std::vector<std::int64_t> seen;
    std::int64_t after = 0;
    for (int pages = 0; pages < 10; ++pages) {
        auto page = log.byRecord("R-2", after, 2);
        REQUIRE(page);
        for (const auto& entry : page->entries) {
            CHECK(entry.event.recordId == "R-2");
            CHECK(entry.hash == fx.entry(entry.sequence).hash);
            CHECK(entry.hash == protocol::auditEntryHash(entry));
            seen.push_back(entry.sequence);
        }
        if (!page->next) {
            break;
        }
        after = *page->next;
    }
    CHECK(seen == std::vector<std::int64_t>{2, 7, 12, 17, 22});

    std::vector<std::int64_t> newestFirst;
    std::int64_t before = 0;
    for (int pages = 0; pages < 10; ++pages) {
        auto page = log.byActorNewestFirst(kDoctor, before, 5);
        REQUIRE(page);
        for (const auto& entry : page->entries) {
            CHECK(entry.event.actorId == kDoctor);
            CHECK(entry.event.actorRole == protocol::Role::doctor);
            newestFirst.push_back(entry.sequence);
        }
        if (!page->next) {
            break;
        }
        before = *page->next;
    }
    CHECK(newestFirst == std::vector<std::int64_t>{24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2});
    auto trail = log.byActor(kCoordinator, 0, 1000);
    REQUIRE(trail);
    CHECK(trail->entries.size() == 13);
    CHECK_FALSE(trail->next);
    CHECK(keyOf((*opened)->append(sampleEvent(1))) == "closed");
}

TEST_CASE("A database without the audit tables is not an audit log and read-only opening "
          "creates nothing",
          "[audit][pg]") {
    PgAuditFixture fx;
    CHECK(keyOf(protocol::AuditLog::openReadOnly(fx.url)) == "not_an_audit_log");
    CHECK(keyOf(protocol::verifyAuditLog(fx.url, fx.caPem)) == "not_an_audit_log");
    std::string out;
    CHECK(fx.pg->psql("SELECT count(*) FROM pg_tables WHERE tablename = 'schema_version'", &out) ==
          0);
    CHECK(out == "0\n");
    fx.write(1, 1000);
    fx.sql("UPDATE schema_version SET version = 1");
    CHECK(keyOf(protocol::verifyAuditLog(fx.url, fx.caPem)) == "not_an_audit_log");
    auto unreachable = fx.url;
    fx.pg->stop();
    CHECK(keyOf(protocol::verifyAuditLog(unreachable, fx.caPem)) == "storage_failure");
}

TEST_CASE("audit verify and export and trail on a postgresql:// URL", "[audit][pg][cli]") {
    PgAuditFixture fx;
    fx.write(10, 4);
    const auto caFile = fx.temp.write("ca.pem", fx.caPem);
    auto ran = fx.audit("verify --ca " + quoted(caFile.string()));
    INFO(ran.out);
    CHECK(ran.status == 0);
    CHECK(ran.out == "audit log on PostgreSQL: intact, 10 entries, 3 signed checkpoints, the "
                     "last at entry 10 (0 entries after it)\n");

    ran = fx.audit("export --record R-2 --csv");
    CHECK(ran.status == 0);
    CHECK(ran.out.starts_with(protocol::auditCsvHeader()));
    CHECK(ran.out.find("\r\n2,") != std::string::npos);
    CHECK(ran.out.find("\r\n7,") != std::string::npos);
    ran = fx.audit("trail --actor " + std::string(kDoctor));
    CHECK(ran.status == 0);
    CHECK(std::count(ran.out.begin(), ran.out.end(), '\n') == 5);

    fx.sql("UPDATE audit_entries SET record_id = 'R-9' WHERE sequence = 6");
    ran = fx.audit("verify --ca " + quoted(caFile.string()));
    INFO(ran.out);
    CHECK(ran.status == 1);
    CHECK(ran.out.find("NOT INTACT at entry 6: changed") != std::string::npos);
}

TEST_CASE("serve --audit-log postgresql:// chains two nodes' purges in one log and never logs "
          "the password",
          "[audit][pg][cli][retention]") {
    PgAuditFixture fx;
    const auto caFile = fx.temp.write("ca.pem", fx.caPem);
    // Trust authentication ignores the password; the nodes must not print it.
    const std::string password = "s3cret-pw";
    auto url = fx.url;
    url.replace(url.find("telecabine@"), 11, "telecabine:" + password + "@");
    std::vector<std::unique_ptr<transfer::ChildProcess>> nodes;
    std::vector<std::unique_ptr<archive::ArchiveFixture>> stores;
    const std::array<const protocol::Credentials*, 2> signers{&fx.pki.service, &fx.node2};
    for (int n = 0; n < 2; ++n) {
        // Each node's own archive and certificate, one record committed three days ago.
        auto store = std::make_unique<archive::ArchiveFixture>();
        const auto record = "REC-NODE-" + std::to_string(n + 1);
        const auto files = archive::consultationFiles(record);
        {
            auto opened = store->open();
            archive::upload(
                opened,
                archive::manifestFor(record, archive::doctorRpps(n + 1), files, archive::kChunk),
                files);
        }
        sql(store->directory / "index.sqlite",
            "UPDATE records SET committed_unix_ms = committed_unix_ms - 3 * 86400000");
        const auto id = std::to_string(n + 1);
        auto command = transfer::serveCommand(
            kBinary, caFile, fx.temp.write("node" + id + ".pem", signers[n]->certificatePem),
            fx.temp.write("node" + id + ".key", signers[n]->privateKeyPem));
        command.insert(command.end(),
                       {"--event-log", (fx.temp.path() / ("events" + id + ".sqlite")).string(),
                        "--archive-dir", store->directory.string(), "--archive-key",
                        store->keyFile.string(), "--audit-log", url, "--media-retention-days",
                        "2"});
        nodes.push_back(std::make_unique<transfer::ChildProcess>(command));
        stores.push_back(std::move(store));
    }
    CHECK(eventually(
        [&] {
            std::string out;
            return fx.pg->psql("SELECT count(*) FROM audit_entries", &out) == 0 && out == "2\n";
        },
        20s));
    for (auto& node : nodes) {
        node->kill(SIGTERM);
        CHECK(node->wait() == 0);
        INFO(node->err());
        CHECK(node->err().find("audit log on PostgreSQL") != std::string::npos);
        CHECK(node->err().find(password) == std::string::npos);
    }
    // The checkpoints are signed by either node's certificate: the CA vouches for both.
    auto ran = fx.audit("verify --ca " + quoted(caFile.string()));
    INFO(ran.out);
    CHECK(ran.status == 0);
    CHECK(ran.out.find("intact, 2 entries") != std::string::npos);
    for (const auto* record : {"REC-NODE-1", "REC-NODE-2"}) {
        ran = fx.audit("export --record " + std::string(record));
        CHECK(ran.out.find(std::string("service retention purge ") + record) != std::string::npos);
    }
}

TEST_CASE("bytea text: the hex input form and both output forms and malformed text", "[pg]") {
    using protocol::detail::parsePgBytea;
    using protocol::detail::pgByteaLiteral;
    const std::vector<std::uint8_t> bytes{0x00, 0x5c, 0x7f, 0x80, 0xff, 'a'};
    CHECK(pgByteaLiteral(bytes) == "\\x005c7f80ff61");
    CHECK(parsePgBytea("\\x005c7F80ff61") == bytes);
    CHECK(parsePgBytea("\\x") == std::vector<std::uint8_t>{});
    // The escape form: printable bytes as themselves, a backslash doubled, the rest in octal.
    CHECK(parsePgBytea("\\000\\\\\\177\\200\\377a") == bytes);
    for (const auto* bad : {"\\x0", "\\x0g", "\\x-1", "\\400", "\\08", "\\1", "a\\"}) {
        INFO(bad);
        CHECK_FALSE(parsePgBytea(bad));
    }
}

TEST_CASE("bytea through a real PostgreSQL: every byte value there and back", "[pg]") {
    const auto pg = PostgresServer::start({});
    std::vector<std::uint8_t> all(256);
    for (std::size_t i = 0; i < all.size(); ++i) {
        all[i] = static_cast<std::uint8_t>(i);
    }
    for (const auto* output : {"hex", "escape"}) {
        INFO(output);
        std::string out;
        REQUIRE(pg->psql(std::string("SET bytea_output = ") + output + "; SELECT '" +
                             protocol::detail::pgByteaLiteral(all) + "'::bytea",
                         &out) == 0);
        REQUIRE(!out.empty());
        out.pop_back(); // the row's newline
        CHECK(protocol::detail::parsePgBytea(out) == all);
    }
}

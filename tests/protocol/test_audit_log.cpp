// The audit log (issue 17, section 6): real SQLite files, real keys from a CA made at test time,
// tampering done with SQL as an intruder with write access to the file would, and the
// telecabine-rendezvous audit commands run as a process.
#include "audit_test_support.hpp"

#include <sys/stat.h>

using namespace tc;
using namespace tc::test;
using namespace tc::test::audit;
using protocol::AuditErrc;

TEST_CASE("An intact audit log verifies, against the CA and against the service certificate",
          "[audit]") {
    AuditFixture fx;
    {
        auto log = fx.open({.checkpointEvery = 4});
        appendSample(*log, 10);
        REQUIRE(log->close());
    }
    struct stat info {};
    REQUIRE(::stat(fx.file.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);

    for (const auto* trust : {&fx.caPem, &fx.pki.service.certificatePem}) {
        const auto verified = protocol::verifyAuditLog(fx.file, *trust);
        INFO(keyOf(verified));
        REQUIRE(verified);
        CHECK(verified->entries == 10);
        // Every 4 entries, and the close: 4, 8, 10.
        CHECK(verified->checkpoints == 3);
        CHECK(verified->lastCheckpointSequence == 10);
        CHECK(verified->entriesAfterLastCheckpoint == 0);
    }
}

TEST_CASE("Audit entries chain: entry 1 links to zeros, each next to its predecessor's hash",
          "[audit]") {
    AuditFixture fx;
    auto log = fx.open();
    appendSample(*log, 3);
    std::vector<protocol::AuditEntry> entries;
    for (const auto* record : {"R-1", "R-2", "R-3"}) {
        const auto page = log->byRecord(record);
        REQUIRE(page);
        REQUIRE(page->entries.size() == 1);
        entries.push_back(page->entries.front());
    }
    // An independent recomputation: the canonical encoding hashed by OpenSSL's command line.
    TempDir temp;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& entry = entries[i];
        CHECK(entry.sequence == static_cast<std::int64_t>(i + 1));
        CHECK(entry.prevHash == (i == 0 ? protocol::AuditHash{} : entries[i - 1].hash));
        const auto& e = entry.event;
        const auto encoding = protocol::auditEntryEncoding(
            entry.sequence, e.atUnixMs, protocol::toString(e.actorRole), e.actorId,
            protocol::wireName(e.action), e.recordId, e.detailJson, entry.prevHash);
        const auto file = temp.write("entry.bin", std::string(encoding.begin(), encoding.end()));
        CHECK(opensslSha256(file) == hex(entry.hash));
        CHECK(protocol::auditEntryHash(entry) == entry.hash);
    }
}

TEST_CASE("Audit queries page by record and by actor", "[audit]") {
    AuditFixture fx;
    auto log = fx.open();
    appendSample(*log, 25); // R-1 .. R-5, actors alternate
    std::vector<std::int64_t> seen;
    std::int64_t after = 0;
    for (int pages = 0; pages < 10; ++pages) {
        auto page = log->byRecord("R-2", after, 2);
        REQUIRE(page);
        for (const auto& entry : page->entries) {
            CHECK(entry.event.recordId == "R-2");
            seen.push_back(entry.sequence);
        }
        if (!page->next) {
            break;
        }
        after = *page->next;
    }
    CHECK(seen == std::vector<std::int64_t>{2, 7, 12, 17, 22});

    auto trail = log->byActor(kCoordinator, 0, 1000);
    REQUIRE(trail);
    CHECK(trail->entries.size() == 13); // odd sequences
    for (const auto& entry : trail->entries) {
        CHECK(entry.event.actorId == kCoordinator);
        CHECK(entry.event.actorRole == protocol::Role::coordinator);
    }
    CHECK_FALSE(trail->next);
    auto none = log->byRecord("R-404");
    REQUIRE(none);
    CHECK(none->entries.empty());
}

TEST_CASE("An event out of range is refused before anything is written", "[audit]") {
    AuditFixture fx;
    auto log = fx.open();
    auto event = sampleEvent(1);
    event.detailJson = "[1,2]";
    CHECK(keyOf(log->append(event)) == "invalid_event");
    event.detailJson = "{}";
    event.actorId = std::string(129, 'x');
    CHECK(keyOf(log->append(event)) == "invalid_event");
    event.actorId = "a\nb";
    CHECK(keyOf(log->append(event)) == "invalid_event");
    event = sampleEvent(1);
    CHECK(log->append(event));
    CHECK(*log->append(event) == 2);
    REQUIRE(log->close());
    CHECK(keyOf(log->append(event)) == "closed");
    const auto sink = log->sink();
    CHECK(sink(event) == make_error_code(AuditErrc::closed));
}

TEST_CASE("Appends are durable and survive a reopen; the sequence goes on", "[audit]") {
    AuditFixture fx;
    {
        auto log = fx.open();
        appendSample(*log, 3);
        // No close: the destructor signs the last checkpoint.
    }
    {
        auto log = fx.open();
        auto sink = log->sink();
        CHECK(!sink(sampleEvent(4)));
        auto page = log->byRecord(sampleEvent(4).recordId);
        REQUIRE(page);
        CHECK(page->entries.back().sequence == 4);
    }
    const auto verified = protocol::verifyAuditLog(fx.file, fx.caPem);
    REQUIRE(verified);
    CHECK(verified->entries == 4);
    CHECK(verified->lastCheckpointSequence == 4);
}

TEST_CASE("The checkpoint thread signs new entries after the period", "[audit]") {
    AuditFixture fx;
    auto log = fx.open({.checkpointEvery = 1000, .checkpointPeriod = std::chrono::seconds(1)});
    appendSample(*log, 2);
    CHECK(eventually([&] { return checkpointCount(fx.file) == 1; }, 5s));
    CHECK(lastCheckpoint(fx.file) == 2);
}

TEST_CASE("verify names a changed entry", "[audit][tamper]") {
    AuditFixture fx;
    fx.write(10, 100);
    SECTION("a field changed") {
        sql(fx.file, "UPDATE entries SET actor_id = '10000000008' WHERE sequence = 4");
        expectProblem(fx, AuditErrc::changed, 4);
    }
    SECTION("the detail changed") {
        sql(fx.file, "UPDATE entries SET detail = '{\"file\":\"other.pdf\"}' WHERE sequence = 7");
        expectProblem(fx, AuditErrc::changed, 7);
    }
    SECTION("a field changed and its hash recomputed") {
        // The intruder knows the format: entry 5 hashes right, entry 6 still links to the
        // hash entry 5 had.
        rewriteEntry(fx.file, 5, "actor_id", "10000000008");
        expectProblem(fx, AuditErrc::changed, 5);
    }
    SECTION("the whole tail rewritten after the last checkpoint is below its signature") {
        // Rewrite 3 and every entry after it, hashes and links: the chain is consistent, only
        // the signed checkpoints (every 100: here only the one at close, 10) tell.
        rewriteChain(fx.file, 3, "actor_id", "10000000008");
        expectProblem(fx, AuditErrc::changed, 10);
    }
}

TEST_CASE("verify names a removed entry", "[audit][tamper]") {
    // Which entries go, the SQL that removes them, and the sequence verify reports.
    const auto [where, removal, first] = GENERATE(table<const char*, const char*, std::int64_t>({
        {"in the middle", "DELETE FROM entries WHERE sequence = 6", 6},
        {"the first", "DELETE FROM entries WHERE sequence = 1", 1},
        {"in the middle, the rest renumbered",
         "DELETE FROM entries WHERE sequence = 6; "
         "UPDATE entries SET sequence = sequence - 1 WHERE sequence > 6",
         6},
        {"at the end: the signed checkpoint still counts them",
         "DELETE FROM entries WHERE sequence >= 9", 9},
    }));
    INFO(where);
    AuditFixture fx;
    fx.write(10, 100);
    sql(fx.file, removal);
    expectProblem(fx, AuditErrc::removed, first);
}

TEST_CASE("verify names reordered entries", "[audit][tamper]") {
    AuditFixture fx;
    fx.write(10, 100);
    SECTION("two entries' contents swapped") {
        swapEntries(fx.file, 3, 4);
        expectProblem(fx, AuditErrc::reordered, 3);
    }
    SECTION("an entry moved to the end") {
        sql(fx.file, "UPDATE entries SET sequence = 11 WHERE sequence = 2");
        expectProblem(fx, AuditErrc::reordered, 2);
    }
}

TEST_CASE("verify names a bad checkpoint", "[audit][tamper]") {
    AuditFixture fx;
    fx.write(10, 5); // checkpoints at 5 and 10
    SECTION("a forged signature") {
        flipSignatureByte(fx.file, 5);
        expectProblem(fx, AuditErrc::badCheckpointSignature, 5);
    }
    SECTION("the signed hash changed") {
        sql(fx.file, "UPDATE checkpoints SET hash = zeroblob(32) WHERE sequence = 10");
        expectProblem(fx, AuditErrc::badCheckpointSignature, 10);
    }
    SECTION("signed with a doctor's certificate from the same CA") {
        const auto doctor = fx.pki.doctor();
        resignCheckpoint(fx.file, 10, doctor);
        expectProblem(fx, AuditErrc::signerNotService, 10);
    }
    SECTION("signed with another service's certificate, against the pinned service certificate") {
        const auto other =
            fx.pki.issue(protocol::Role::service, "other-service", "another service");
        resignCheckpoint(fx.file, 5, other);
        // The CA vouches for any of its service certificates ...
        CHECK(protocol::verifyAuditLog(fx.file, fx.caPem));
        // ... the pinned one for itself only.
        const auto pinned = protocol::verifyAuditLog(fx.file, fx.pki.service.certificatePem);
        REQUIRE(!pinned);
        CHECK(keyOf(pinned) == "untrusted_signer");
        CHECK(pinned.error().sequence == 5);
    }
    SECTION("signed by a service of another CA") {
        TestPki stranger;
        resignCheckpoint(fx.file, 5, stranger.service);
        expectProblem(fx, AuditErrc::untrustedSigner, 5);
    }
}

TEST_CASE("verify reports the first problem by sequence", "[audit][tamper]") {
    AuditFixture fx;
    fx.write(12, 4);
    flipSignatureByte(fx.file, 8);
    sql(fx.file, "UPDATE entries SET record_id = 'R-9' WHERE sequence = 10");
    sql(fx.file, "DELETE FROM entries WHERE sequence = 3");
    expectProblem(fx, AuditErrc::removed, 3);
}

TEST_CASE("verify refuses what is not an audit log, and an unreadable trust anchor", "[audit]") {
    AuditFixture fx;
    fx.write(2, 100);
    CHECK(keyOf(protocol::verifyAuditLog(fx.file, "not a certificate")) == "trust_unreadable");
    sql(fx.file, "UPDATE meta SET value = 'something/9' WHERE name = 'format'");
    CHECK(keyOf(protocol::verifyAuditLog(fx.file, fx.caPem)) == "not_an_audit_log");
    CHECK(keyOf(protocol::verifyAuditLog(fx.temp.path() / "absent.sqlite", fx.caPem)) ==
          "storage_failure");
}

TEST_CASE("The CSV export quotes and defuses its cells", "[audit]") {
    protocol::AuditEntry entry;
    entry.sequence = 3;
    entry.event = sampleEvent(3);
    entry.event.atUnixMs = 1'700'000'000'123;
    entry.event.detailJson = "{\"file\":\"a,b\",\"q\":\"\\\"\"}";
    entry.event.recordId = "=HYPERLINK(1)";
    CHECK(protocol::auditCsvRow(entry) ==
          "3,2023-11-14T22:13:20.123Z,coordinator,20000000004,play,'=HYPERLINK(1),"
          "\"{\"\"file\"\":\"\"a,b\"\",\"\"q\"\":\"\"\\\"\"\"\"}\"\r\n");
}

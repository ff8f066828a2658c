// telecabine-rendezvous audit verify|export|trail and serve --audit-log --media-retention-days,
// run as the real binary: exit statuses and output.
#include "archive_process.hpp"
#include "archive_test_support.hpp"
#include "audit_test_support.hpp"

using namespace tc;
using namespace tc::test;
using namespace tc::test::audit;

namespace {

const std::string kBinary = TC_RENDEZVOUS_BINARY;

std::string quoted(const std::filesystem::path& path) {
    return "'" + path.string() + "'";
}

struct CliFixture : AuditFixture {
    std::filesystem::path caFile = temp.write("ca.pem", caPem);
    std::filesystem::path certFile = temp.write("service.pem", pki.service.certificatePem);
    std::filesystem::path keyFile = temp.write("service.key", pki.service.privateKeyPem);

    Ran audit(const std::string& arguments) const {
        return runCapture(kBinary + " audit " + arguments + " --audit-log " + quoted(file));
    }
};

} // namespace

TEST_CASE("audit verify: exit 0 and a summary when intact, 1 and the entry otherwise",
          "[audit][cli]") {
    CliFixture fx;
    fx.write(10, 4);
    auto ran = fx.audit("verify --ca " + quoted(fx.caFile));
    INFO(ran.out);
    CHECK(ran.status == 0);
    CHECK(ran.out.find("intact, 10 entries, 3 signed checkpoints") != std::string::npos);
    CHECK(fx.audit("verify --cert " + quoted(fx.certFile)).status == 0);

    SECTION("a changed entry") {
        sql(fx.file, "UPDATE entries SET detail = '{}' WHERE sequence = 4");
        ran = fx.audit("verify --ca " + quoted(fx.caFile));
        INFO(ran.out);
        CHECK(ran.status == 1);
        CHECK(ran.out.find("NOT INTACT at entry 4: changed") != std::string::npos);
    }
    SECTION("a removed entry") {
        sql(fx.file, "DELETE FROM entries WHERE sequence = 2");
        ran = fx.audit("verify --ca " + quoted(fx.caFile));
        CHECK(ran.status == 1);
        CHECK(ran.out.find("at entry 2: removed") != std::string::npos);
    }
    SECTION("swapped entries") {
        swapEntries(fx.file, 6, 7);
        ran = fx.audit("verify --ca " + quoted(fx.caFile));
        CHECK(ran.status == 1);
        CHECK(ran.out.find("at entry 6: reordered") != std::string::npos);
    }
    SECTION("a checkpoint signed by a doctor") {
        resignCheckpoint(fx.file, 8, fx.pki.doctor());
        ran = fx.audit("verify --ca " + quoted(fx.caFile));
        CHECK(ran.status == 1);
        CHECK(ran.out.find("at entry 8: signer_not_service") != std::string::npos);
    }
    SECTION("usage") {
        CHECK(fx.audit("verify").status == 2);
        CHECK(runCapture(kBinary + " audit verify --ca " + quoted(fx.caFile)).status == 2);
        CHECK(fx.audit("export").status == 2);
        CHECK(fx.audit("shred").status == 2);
    }
}

TEST_CASE("audit export lists who opened a record; audit trail one actor's accesses",
          "[audit][cli]") {
    CliFixture fx;
    fx.write(12, 100);
    auto ran = fx.audit("export --record R-2");
    INFO(ran.out);
    REQUIRE(ran.status == 0);
    // Entries 2, 7, 12: a doctor, a coordinator, a doctor.
    CHECK(ran.out.find("2 2026-05-28T20:26:42.000Z doctor 10101234567 open R-2 "
                       "{\"file\":\"report/compte-rendu.pdf\"}\n") != std::string::npos);
    CHECK(ran.out.find("7 2026-05-28T20:26:47.000Z coordinator 20000000004 open R-2") !=
          std::string::npos);
    CHECK(ran.out.find("\n12 ") != std::string::npos);
    CHECK(std::count(ran.out.begin(), ran.out.end(), '\n') == 3);

    ran = fx.audit("export --record R-2 --csv");
    REQUIRE(ran.status == 0);
    CHECK(ran.out.starts_with("sequence,time_utc,actor_role,actor_id,action,record_id,detail\r\n"
                              "2,2026-05-28T20:26:42.000Z,doctor,10101234567,open,R-2,"));

    ran = fx.audit(std::string("trail --actor ") + kCoordinator);
    REQUIRE(ran.status == 0);
    CHECK(std::count(ran.out.begin(), ran.out.end(), '\n') == 6); // 1, 3, ..., 11
    CHECK(ran.out.find(kDoctor) == std::string::npos);

    CHECK(fx.audit("trail --actor 99999999999").out.empty());
}

TEST_CASE("serve --media-retention-days purges old media at start and audits it",
          "[audit][cli][retention]") {
    CliFixture fx;
    archive::ArchiveFixture store;
    const auto owner = archive::doctorRpps(1);
    const auto files = archive::consultationFiles("REC-AGED");
    {
        auto opened = store.open();
        archive::upload(opened, archive::manifestFor("REC-AGED", owner, files, archive::kChunk),
                        files);
    }
    // Committed three days ago, as far as the index knows.
    sql(store.directory / "index.sqlite",
        "UPDATE records SET committed_unix_ms = committed_unix_ms - 3 * 86400000");
    auto command = transfer::serveCommand(kBinary, fx.caFile, fx.certFile, fx.keyFile);
    command.insert(command.end(),
                   {"--event-log", (fx.temp.path() / "events.sqlite").string(), "--archive-dir",
                    store.directory.string(), "--archive-key", store.keyFile.string(),
                    "--audit-log", fx.file.string(), "--media-retention-days", "2"});
    transfer::ChildProcess service(command);
    CHECK(eventually([&] { return scalar(fx.file, "SELECT count(*) FROM entries") == 1; }, 10s));
    service.kill(SIGTERM);
    CHECK(service.wait() == 0);
    INFO(service.err());
    CHECK(service.err().find("media retention: purged 3 files") != std::string::npos);

    auto ran = fx.audit("verify --ca " + quoted(fx.caFile));
    INFO(ran.out);
    CHECK(ran.status == 0);
    CHECK(ran.out.find("intact, 1 entries, 1 signed checkpoints") != std::string::npos);
    ran = fx.audit("export --record REC-AGED");
    CHECK(ran.out.find("service retention purge REC-AGED") != std::string::npos);

    auto reopened = store.open();
    auto reader = reopened.openRecord("REC-AGED", {protocol::Role::doctor, owner});
    REQUIRE(reader);
    for (const auto& file : reader->files()) {
        const bool media = file.name == "stethoscope/mitral.flac" ||
                           file.name == "stethoscope/mitral.json" ||
                           file.name == "stills/throat.jpg";
        CHECK(archive::keyOf(reader->read(file.name)) == (media ? "purged" : "ok"));
    }
}

TEST_CASE("serve refuses retention without an archive or an audit log", "[audit][cli]") {
    CliFixture fx;
    const auto serve = kBinary + " serve --ca " + quoted(fx.caFile) + " --cert " +
                       quoted(fx.certFile) + " --key " + quoted(fx.keyFile) + " --port 0";
    auto ran = runCapture(serve + " --media-retention-days 30");
    CHECK(ran.status == 1);
    CHECK(ran.out.find("--media-retention-days needs the archive") != std::string::npos);
    archive::ArchiveFixture store;
    ran = runCapture(serve + " --media-retention-days 30 --archive-dir " + quoted(store.directory) +
                     " --archive-key " + quoted(store.keyFile));
    CHECK(ran.status == 1);
    CHECK(ran.out.find("--media-retention-days needs --audit-log") != std::string::npos);
}

// Media retention (issue 17, section 7): the media of old records purged, the dossier kept,
// readable and verified, each purge in the audit trail, a kill -9 in the middle harmless.
#include "archive_test_support.hpp"
#include "audit_test_support.hpp"
#include "tc/protocol/archive_transfer.hpp"

#include <csignal>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace tc;
using namespace tc::test;
using namespace tc::test::archive;
using protocol::ArchiveErrc;

namespace {

// The console's dossier layout (app/src/consultation_dossier.hpp), and an annex in the report
// identical to the still: the object they share must stay.
std::vector<TestFile> dossierFiles(const std::string& recordId) {
    std::mt19937_64 random(seedOf(recordId));
    auto still = randomBytes(random, 9000);
    auto flac = bytesOf("fLaC");
    const auto pcm = pcmSamples(7000);
    flac.insert(flac.end(), pcm.begin(), pcm.end());
    return {
        {"record.json", bytesOf(R"({"id":")" + recordId + R"(","acts":{}})")},
        {"incidents.json", bytesOf(R"([{"t_ms":1200,"kind":"network_gap"}])")},
        {"steth-aortic-1.flac", flac},
        {"steth-aortic-1.json", bytesOf(R"({"format":"FLAC","segments":[]})")},
        {"still-front-1.png", still},
        {"vitals/measurements.json", bytesOf(R"([{"spo2":97}])")},
        {"vitals/ecg.s16le", randomBytes(random, 5000)},
        {"report/compte-rendu.pdf", bytesOf("%PDF-1.7 " + recordId)},
        {"report/annexe.png", still},
        {"prescriptions/ordonnance-1.pdf", bytesOf("%PDF-1.7 ordonnance " + recordId)},
    };
}

const std::set<std::string> kMedia = {"steth-aortic-1.flac", "steth-aortic-1.json",
                                      "still-front-1.png"};

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct RetentionFixture {
    ArchiveFixture archive;
    audit::AuditFixture audit;
    std::string owner = doctorRpps(1);

    protocol::RecordSummary add(protocol::ArchiveStore& store, const std::string& id) const {
        const auto files = dossierFiles(id);
        return upload(store, manifestFor(id, owner, files, kChunk), files);
    }

    // Every file of the record: media `purged` (listed with their time) when `purged`, the
    // rest read back whole and verified.
    void check(const protocol::ArchiveStore& store, const std::string& id, bool purged) const {
        auto reader = store.openRecord(id, {protocol::Role::doctor, owner});
        REQUIRE(reader);
        const auto files = dossierFiles(id);
        REQUIRE(reader->files().size() == files.size());
        for (std::size_t i = 0; i < files.size(); ++i) {
            const auto& listed = reader->files()[i];
            const bool gone = purged && kMedia.contains(listed.name);
            INFO(id << " " << listed.name);
            CHECK((listed.purgedUnixMs != 0) == gone);
            const auto content = reader->read(listed.name);
            if (gone) {
                CHECK(keyOf(content) == "purged");
            } else {
                REQUIRE(content);
                CHECK(*content == files[i].content);
            }
        }
    }
};

std::size_t objectFiles(const ArchiveFixture& fx) {
    return countFiles(fx.directory / "objects");
}

} // namespace

TEST_CASE("Retention media are the recordings, their manifests and the stills", "[retention]") {
    std::vector<protocol::ManifestFile> files;
    for (const auto* name :
         {"record.json", "incidents.json", "steth-aortic-1.flac", "steth-aortic-1.json",
          "steth-mitral-2.WAV", "steth-mitral-2.json", "still-front-1.png", "still-2.JPEG",
          "notes.json", "vitals/measurements.json", "vitals/ecg.s16le", "vitals/x.png",
          "report/compte-rendu.pdf", "report/annexe.png", "prescriptions/o.json",
          "stethoscope/mitral.flac", "stethoscope/mitral.json"}) {
        files.push_back({name, 1, {}, {}});
    }
    std::vector<std::string> media;
    for (const auto index : protocol::retentionMediaFiles(files)) {
        media.push_back(files[index].name);
    }
    CHECK(media == std::vector<std::string>{"steth-aortic-1.flac", "steth-aortic-1.json",
                                            "steth-mitral-2.WAV", "steth-mitral-2.json",
                                            "still-front-1.png", "still-2.JPEG",
                                            "stethoscope/mitral.flac", "stethoscope/mitral.json"});
}

TEST_CASE("Purging old media keeps the dossier readable and verified, and audits each purge",
          "[retention]") {
    RetentionFixture fx;
    auto store = fx.archive.open();
    const auto old = fx.add(store, "REC-OLD");
    CHECK(pollUntil([&] { return nowMs() > old.committedUnixMs; }, 2s, 1ms));
    const auto recent = fx.add(store, "REC-RECENT");
    REQUIRE(recent.committedUnixMs > old.committedUnixMs);
    const auto objectsBefore = objectFiles(fx.archive);

    auto log = fx.audit.open();
    const auto report = store.purgeMedia(recent.committedUnixMs, log->sink());
    INFO(keyOf(report));
    REQUIRE(report);
    CHECK(report->records == 1);
    CHECK(report->files == 3);
    const auto files = dossierFiles("REC-OLD");
    CHECK(report->bytes ==
          files[2].content.size() + files[3].content.size() + files[4].content.size());

    fx.check(store, "REC-OLD", true);
    fx.check(store, "REC-RECENT", false); // within retention: untouched
    // The recording's and its manifest's objects are gone from disk; the still's object stays,
    // report/annexe.png has the same bytes.
    const auto recording = (files[2].content.size() + kChunk - 1) / kChunk + 1;
    CHECK(objectFiles(fx.archive) == objectsBefore - recording);
    const auto listed = store.records(fx.owner);
    REQUIRE(listed);
    CHECK(listed->front().storedBytes < old.storedBytes);
    CHECK(listed->back().storedBytes == recent.storedBytes);

    // One purge entry, by the service, naming the files and their bytes.
    const auto trail = log->byRecord("REC-OLD");
    REQUIRE(trail);
    REQUIRE(trail->entries.size() == 1);
    const auto& event = trail->entries.front().event;
    CHECK(event.action == protocol::AuditAction::purge);
    CHECK(event.actorRole == protocol::Role::service);
    CHECK(event.actorId == protocol::kRetentionActor);
    const auto detail = nlohmann::json::parse(event.detailJson);
    CHECK(detail.at("files") == nlohmann::json::array({"steth-aortic-1.flac", "steth-aortic-1.json",
                                                       "still-front-1.png"}));
    CHECK(detail.at("bytes").get<std::uint64_t>() == report->bytes);

    // Again: nothing more to purge, nothing more audited.
    CHECK(store.purgeMedia(recent.committedUnixMs, log->sink())->records == 0);
    REQUIRE(log->close());
    CHECK(protocol::verifyAuditLog(fx.audit.file, fx.audit.caPem)->entries == 1);
}

TEST_CASE("A purge that cannot be audited does not happen", "[retention]") {
    RetentionFixture fx;
    auto store = fx.archive.open();
    const auto old = fx.add(store, "REC-OLD");
    const auto refuse = [](const protocol::AuditEvent&) {
        return std::make_error_code(std::errc::io_error);
    };
    CHECK(keyOf(store.purgeMedia(old.committedUnixMs + 1, refuse)) == "not_audited");
    CHECK(keyOf(store.purgeMedia(old.committedUnixMs + 1, {})) == "not_audited");
    fx.check(store, "REC-OLD", false);
}

TEST_CASE("A purged file is listed with its time on the wire and answered 410", "[retention]") {
    std::vector<protocol::ArchivedFile> files{{"record.json", 10, {}, 0},
                                              {"still-front-1.png", 20, {}, 1'780'000'000'000}};
    const auto body = protocol::fileListToJson("REC-1", files);
    CHECK_FALSE(body["files"][0].contains("purged_unix_ms"));
    const auto parsed = protocol::fileListFromJson(body);
    REQUIRE(parsed);
    CHECK((*parsed)[0].purgedUnixMs == 0);
    CHECK((*parsed)[1].purgedUnixMs == 1'780'000'000'000);
    CHECK(protocol::archiveHttpStatus(make_error_code(ArchiveErrc::purged)) == 410);
}

TEST_CASE("A purge killed at any moment never leaves a kept file unreadable", "[retention]") {
    RetentionFixture fx;
    std::int64_t cutoff = 0;
    {
        auto store = fx.archive.open();
        for (int i = 0; i < 6; ++i) {
            cutoff = fx.add(store, "REC-" + std::to_string(i)).committedUnixMs + 1;
        }
    }
    std::mt19937 random(17);
    // The audit sink of the child dies right after the entry is durable: the purge was
    // decided, nothing of it done yet.
    const auto child = [&](bool dieInSink) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            auto store =
                protocol::ArchiveStore::open(fx.archive.directory, fx.archive.key, smallLimits());
            auto log = protocol::AuditLog::open(fx.audit.file, fx.audit.pki.service);
            if (!store || !log) {
                ::_exit(3);
            }
            auto sink = (*log)->sink();
            const auto dying = [&](const protocol::AuditEvent& event) {
                const auto appended = sink(event);
                if (dieInSink) {
                    ::_exit(0);
                }
                return appended;
            };
            ::_exit(store->purgeMedia(cutoff, dying) ? 0 : 4);
        }
        return pid;
    };
    {
        const auto pid = child(true);
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
    }
    for (int round = 0; round < 8; ++round) {
        const auto pid = child(false);
        std::this_thread::sleep_for(std::chrono::microseconds(random() % 20000));
        ::kill(pid, SIGKILL);
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        auto store = fx.archive.open();
        for (int i = 0; i < 6; ++i) {
            const auto id = "REC-" + std::to_string(i);
            auto reader = store.openRecord(id, {protocol::Role::doctor, fx.owner});
            REQUIRE(reader);
            for (const auto& file : reader->files()) {
                const auto content = reader->read(file.name);
                INFO("round " << round << " " << id << " " << file.name << " " << keyOf(content));
                if (kMedia.contains(file.name)) {
                    CHECK((content || keyOf(content) == "purged"));
                } else {
                    CHECK(content);
                }
            }
        }
    }
    auto store = fx.archive.open();
    auto log = fx.audit.open();
    REQUIRE(store.purgeMedia(cutoff, log->sink()));
    for (int i = 0; i < 6; ++i) {
        fx.check(store, "REC-" + std::to_string(i), true);
    }
    // Nothing left behind: every object on disk is one a chunk still has.
    const auto index = fx.archive.directory / "index.sqlite";
    CHECK(audit::scalar(index, "SELECT count(*) FROM purge_queue") == 0);
    CHECK(static_cast<std::int64_t>(objectFiles(fx.archive)) ==
          audit::scalar(index, "SELECT count(DISTINCT object_name) FROM chunks"));
    REQUIRE(log->close());
    CHECK(protocol::verifyAuditLog(fx.audit.file, fx.audit.caPem));
}

TEST_CASE("A version 1 archive index is upgraded in place", "[retention]") {
    RetentionFixture fx;
    {
        auto store = fx.archive.open();
        fx.add(store, "REC-V1");
    }
    const auto index = fx.archive.directory / "index.sqlite";
    audit::sql(index, "DROP TABLE purged_records; DROP TABLE purged_files; DROP TABLE purge_queue; "
                      "UPDATE meta SET value = 1 WHERE name = 'schema_version'");
    auto store = fx.archive.open();
    fx.check(store, "REC-V1", false);
    CHECK(audit::scalar(index, "SELECT value FROM meta WHERE name = 'schema_version'") == 2);
    auto log = fx.audit.open();
    const auto purged = store.purgeMedia(nowMs() + 1, log->sink());
    REQUIRE(purged);
    CHECK(purged->records == 1);
    fx.check(store, "REC-V1", true);
}

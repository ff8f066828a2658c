// telecabine-bench review, the console's side (issue 17): on the seeded event log of the
// indicators, a real service (archive, CPTS map, audit log file) answers a coordinator's list
// pages over HTTPS (ReviewClient: the first page and a later one, after a warm-up, each audited
// and fsynced as in production), and the console's ReviewSession opens a consented record holding
// a real FLAC recording (flacenc, through gst-launch-1.0): the download to its cache, the
// replay's decoding, to the replay playing.
#include "benchmarks.hpp"
#include "review_bench.hpp"
#include "review_session.hpp"
#include "stethoscope_controller.hpp"
#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "tc/protocol/archive_client.hpp"
#include "tc/protocol/archive_store.hpp"
#include "tc/protocol/audit_log.hpp"
#include "tc/protocol/cpts_map.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/pki.hpp"
#include "tc/protocol/rendezvous_service.hpp"
#include "tc/protocol/review_client.hpp"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdlib>
#include <fstream>

namespace tc::bench {
namespace {

using namespace tc::protocol;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
namespace rx = tc::prescriptions;

template <class T> T awaitOn(IoThread& io, boost::asio::awaitable<T> op) {
    return boost::asio::co_spawn(io.executor(), std::move(op), boost::asio::use_future).get();
}

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Runs the UI thread's events until `done` or 30 s.
template <class P> bool spinUntil(P done) {
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > 30'000) {
            return false;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

// A dossier for the seeded row `row`: record.json (canonical) naming one auscultation, and its
// recording, `recordingSeconds` of pink noise (about as compressible as a real auscultation:
// a tone would shrink to nothing) encoded by GStreamer's flacenc. The patient's names appear
// nowhere else in the record (not in the site codes): the service refuses to pseudonymise a
// record.json that would still name them.
bool writeDossier(const fs::path& dir, const ReviewRow& row, int recordingSeconds) {
    fs::create_directories(dir);
    rx::ConsultationRecord record;
    record.consultationId = row.recordId;
    record.patient = {.birthName = "MERCIER",
                      .firstNames = {"Françoise"},
                      .birthDate = std::chrono::year{1961} / 4 / 12,
                      .sex = rx::Sex::female,
                      .birthPlaceCode = "35238"};
    record.doctor = {*prescriptions::completeRpps("1010123456"), "Bench", "Claire"};
    record.site = {row.site, "Cabine " + row.site};
    record.times = {row.startMs - row.waitMs - 1000, row.startMs - 1000, row.startMs,
                    std::max(row.endMs, row.startMs + 10'000 + std::int64_t{recordingSeconds} * 1000)};
    record.consent = {true, true};
    record.endReason = row.endReason;
    record.acts.auscultations = {
        {"aortic", "steth-aortic-1.flac", row.startMs + 5'000,
         std::int64_t{recordingSeconds} * 1000, std::string(64, 'a')}};
    const auto canonical = rx::canonicalJson(record);
    if (!canonical) {
        return false;
    }
    std::ofstream(dir / "record.json", std::ios::binary) << *canonical;
    const std::string command =
        "gst-launch-1.0 -q audiotestsrc wave=pink-noise volume=0.3 num-buffers=" +
        std::to_string(recordingSeconds * 50) +
        " samplesperbuffer=960 ! audio/x-raw,rate=48000,channels=1,format=S16LE ! flacenc ! "
        "filesink location=" +
        (dir / "steth-aortic-1.flac").string();
    return std::system(command.c_str()) == 0;
}

// Commits the dossier in `dir` to the store as `owner`'s, with both consents.
bool archive(ArchiveStore& store, const std::string& recordId, const std::string& owner,
             const fs::path& dir) {
    auto source = uploadSourceFromDirectory(recordId, dir, {true, true});
    if (!source) {
        return false;
    }
    const std::uint32_t chunkBytes = 256 * 1024;
    auto manifest = describeSource(*source, chunkBytes);
    if (!manifest) {
        return false;
    }
    manifest->ownerRpps = owner;
    if (!store.beginUpload(*manifest)) {
        return false;
    }
    for (const auto& file : source->files) {
        std::ifstream in(file.path, std::ios::binary);
        const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                              std::istreambuf_iterator<char>()};
        const auto described = describeFile(file.name, bytes, chunkBytes);
        for (std::size_t i = 0; i < described.chunks.size(); ++i) {
            if (!store.putChunk(recordId, described.chunks[i].sha256,
                                chunkOf(bytes, chunkBytes, i))) {
                return false;
            }
        }
    }
    return static_cast<bool>(store.commit(recordId));
}

nlohmann::json timing(const std::vector<double>& ms) {
    return {{"p50_ms", roundedPercentile(ms, 0.5)}, {"p95_ms", roundedPercentile(ms, 0.95)}};
}

} // namespace

std::optional<nlohmann::json>
measureReviewSession(const fs::path& database, const std::vector<std::string>& sites, int runs,
                     int recordingSeconds) {
    const auto fail = [](const std::string& what) {
        std::cerr << "review: " << what << "\n";
        return std::optional<nlohmann::json>();
    };
    const ScratchDirectory scratch("tc-bench-review");
    if (scratch.path.empty()) {
        return fail("no temporary directory");
    }
    const fs::path& temp = scratch.path;
    // The session posts its results to the UI thread's event loop: a core application is
    // enough (no window).
    static int argc = 1;
    static char name[] = "telecabine-bench";
    static char* argv[] = {name, nullptr};
    std::unique_ptr<QCoreApplication> application;
    if (QCoreApplication::instance() == nullptr) {
        application = std::make_unique<QCoreApplication>(argc, argv);
    }
    auto ca = CertificateAuthority::create("bench CA");
    CertificateRequest serviceRequest;
    serviceRequest.identity = {Role::service, "rendezvous", "bench service"};
    serviceRequest.ipAddresses = {"127.0.0.1"};
    const auto serviceCredentials = ca->issue(serviceRequest);
    CertificateRequest coordinatorRequest;
    coordinatorRequest.identity = {Role::coordinator, *prescriptions::completeRpps("1010123458"),
                                   "Coordinatrice Bench", "CPTS-BENCH"};
    const auto coordinator = ca->issue(coordinatorRequest);
    if (!ca || !serviceCredentials || !coordinator) {
        return fail("cannot issue the certificates");
    }
    nlohmann::json map{
        {"cpts", {{{"id", "CPTS-BENCH"}, {"name", "CPTS bench"}, {"sites", sites}}}}};
    auto cpts = CptsMap::parse(map.dump());
    const auto key = ArchiveKey::loadOrCreate(temp / "archive.key");
    auto store = key ? ArchiveStore::open(temp / "archive", *key)
                     : ArchiveResult<ArchiveStore>(archiveFailure(ArchiveErrc::storageFailure));
    auto audit = AuditLog::open(temp / "audit.sqlite", *serviceCredentials);
    if (!cpts || !store || !audit) {
        return fail("cannot open the archive, the audit log or the CPTS map");
    }
    std::shared_ptr<AuditLog> auditLog = std::move(*audit);
    IoThread serviceIo("bench-service");
    ServiceConfig config;
    config.tls = {*serviceCredentials, ca->certificatePem()};
    config.eventLogPath = database.string();
    config.archive.store = std::make_shared<ArchiveStore>(std::move(*store));
    config.archive.audit = auditLog->sink();
    config.archive.auditLog = auditLog;
    config.archive.cptsMap = std::make_shared<const CptsMap>(std::move(*cpts));
    auto service = RendezvousService::start(serviceIo.executor(), config);
    if (!service) {
        return fail("the service: " + service.error().message());
    }
    ArchiveClientConfig clientConfig;
    clientConfig.port = (*service)->port();
    clientConfig.tls = {*coordinator, ca->certificatePem()};

    // List pages: warm-up (connection, TLS, SQLite's pages), then the first page and the tenth.
    IoThread clientIo("bench-review-client");
    auto client = *ReviewClient::create(clientIo.executor(), clientConfig);
    auto first = awaitOn(clientIo, client.records({}));
    if (!first || first->records.empty()) {
        return fail("the first page: " + (first ? "empty" : first.error().message()));
    }
    std::string later = first->next.value_or("");
    for (int page = 0; page < 8 && !later.empty(); ++page) {
        auto next = awaitOn(clientIo, client.records({}, later));
        if (!next) {
            return fail("paging: " + next.error().message());
        }
        later = next->next.value_or(later);
    }
    std::vector<double> firstMs;
    std::vector<double> laterMs;
    for (int run = 0; run < runs; ++run) {
        auto start = Clock::now();
        const auto page = awaitOn(clientIo, client.records({}));
        firstMs.push_back(msSince(start));
        start = Clock::now();
        const auto next = awaitOn(clientIo, client.records({}, later));
        laterMs.push_back(msSince(start));
        if (!page || !next) {
            return fail("a timed page failed");
        }
    }
    client.stop();
    std::vector<double> listMs = firstMs;
    listMs.insert(listMs.end(), laterMs.begin(), laterMs.end());

    // Open and replay: one consented row of the first page gets a real dossier in the archive.
    const auto& row = first->records.front();
    if (!writeDossier(temp / "dossier", row, recordingSeconds) ||
        !archive(*config.archive.store, row.recordId, *prescriptions::completeRpps("1010123456"),
                 temp / "dossier")) {
        return fail("cannot archive the replayed record (gst-launch-1.0 and flacenc needed)");
    }
    IoThread consoleIo("bench-console");
    app::StethoscopeController live;
    live.setAudioSink("none"); // a clock-synchronised sink that plays nothing
    app::ReviewSession review(consoleIo.executor(), QString::fromStdString(temp.string()), &live);
    review.start(clientConfig);
    if (!spinUntil([&] { return !review.listing() && review.coordinator(); })) {
        return fail("the review session did not start");
    }
    const auto id = QString::fromStdString(row.recordId);
    std::vector<double> openMs;
    std::vector<double> downloadMs;
    std::vector<double> decodedMs;
    for (int run = 0; run < runs + 1; ++run) {
        bool opened = false;
        const auto connection =
            QObject::connect(&review, &app::ReviewSession::recordOpened, [&] { opened = true; });
        const auto start = Clock::now();
        review.openRecord(id);
        const bool ok =
            spinUntil([&] { return opened || !review.errorString().isEmpty(); }) && opened;
        const double downloaded = msSince(start);
        auto* replay = review.replay();
        // The reviewer presses play as soon as the record is open: the clock runs while the
        // recordings decode; `decoded` is when the last one is ready to play.
        if (ok) {
            replay->togglePlay();
        }
        const bool playing = ok && spinUntil([&] { return replay->playing(); });
        const double total = msSince(start);
        const bool loaded = playing && spinUntil([&] { return !replay->loading(); });
        const double decoded = msSince(start);
        QObject::disconnect(connection);
        if (!playing || !loaded) {
            return fail("the replay did not start: " + review.errorString().toStdString() + " " +
                        replay->errorString().toStdString());
        }
        replay->togglePlay();
        if (run > 0) { // the first is the warm-up (GStreamer's plugins, the decoder)
            openMs.push_back(total);
            downloadMs.push_back(downloaded);
            decodedMs.push_back(decoded);
        }
    }
    review.stop();
    (*service)->stop();
    return nlohmann::json{
        {"list_page_p50_ms", roundedPercentile(listMs, 0.5)},
        {"list_page_p95_ms", roundedPercentile(listMs, 0.95)},
        {"list_first_page", timing(firstMs)},
        {"list_later_page", timing(laterMs)},
        {"list_page_rows", first->records.size()},
        {"open_replay_p50_ms", roundedPercentile(openMs, 0.5)},
        {"open_replay_p95_ms", roundedPercentile(openMs, 0.95)},
        {"open_download", timing(downloadMs)},
        {"open_recordings_decoded", timing(decodedMs)},
        {"open_recording_s", recordingSeconds},
        {"open_record_bytes", fs::file_size(temp / "dossier" / "steth-aortic-1.flac") +
                                  fs::file_size(temp / "dossier" / "record.json")}};
}

} // namespace tc::bench

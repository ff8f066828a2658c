// End to end: the consultation record, with the three real programs on loopback. The cabin
// streams a known stethoscope WAV through a 3 s loss burst (--impair); the console's autopilot
// records an auscultation, takes a still and two measurements, signs and prints an ordonnance,
// signs the compte rendu and ends; its dossier is archived by the service. Then, as the doctor,
// the archive is read back over HTTPS and checked; and as an outsider it is attacked: another
// doctor's certificate, the archive's files searched for plaintext, a chunk changed on disk.
#define CATCH_CONFIG_MAIN
#include "consultation_lab.hpp"
#include "recording_match.hpp"
#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/fhir_document.hpp"
#include "tc/protocol/archive_client.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/pki.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace tc::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace protocol = tc::protocol;
namespace rx = tc::prescriptions;

namespace {

constexpr int kRate = 48000;

// argv[0] is a path; stdout and stderr go to `log`; `environment` is added to ours.
Process spawn(const std::vector<std::string>& argv, const fs::path& log,
              const std::vector<std::pair<std::string, std::string>>& environment = {}) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        for (const auto& [name, value] : environment) {
            ::setenv(name.c_str(), value.c_str(), 1);
        }
        std::vector<char*> args;
        for (const auto& a : argv) {
            args.push_back(const_cast<char*>(a.c_str()));
        }
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    return Process(pid);
}

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

template <class T> T await(protocol::IoThread& io, boost::asio::awaitable<T> op) {
    auto future = boost::asio::co_spawn(io.executor(), std::move(op), boost::asio::use_future);
    REQUIRE(future.wait_for(120s) == std::future_status::ready);
    return future.get();
}

// An RPPS number completed with its Luhn key.
std::string rppsWithKey(std::string digits10) {
    int sum = 0;
    for (std::size_t i = 0; i < digits10.size(); ++i) {
        int d = digits10[digits10.size() - 1 - i] - '0';
        if (i % 2 == 0) {
            d *= 2;
            d = d > 9 ? d - 9 : d;
        }
        sum += d;
    }
    return digits10 + std::to_string((10 - sum % 10) % 10);
}

class RecordRun {
public:
    RecordRun()
        : m_directory(fs::temp_directory_path() / ("tc-e2e-record-" + std::to_string(::getpid()))) {
        fs::remove_all(m_directory);
        fs::create_directories(m_directory);
        const auto pki = runCommand({TC_E2E_RENDEZVOUS, "pki", "init", (m_directory / "pki").string()});
        REQUIRE(pki.status == 0);
        const auto other =
            runCommand({TC_E2E_RENDEZVOUS, "pki", "issue", "--dir", (m_directory / "pki").string(),
                        "--role", "doctor", "--id", rppsWithKey("1000004242"), "--name",
                        "Dr Paul Autre", "--out", (m_directory / "pki/other-doctor.p12").string(),
                        "--passphrase", "telecabine"});
        INFO(other.output);
        REQUIRE(other.status == 0);
    }
    ~RecordRun() {
        m_console.kill();
        m_cabin.kill();
        m_service.kill();
        if (m_keep || std::getenv("TC_E2E_KEEP") != nullptr) {
            std::fprintf(stderr, "e2e: artefacts kept in %s\n", m_directory.c_str());
        } else {
            fs::remove_all(m_directory);
        }
    }
    const fs::path& directory() const { return m_directory; }
    fs::path archiveDirectory() const { return m_directory / "archive"; }
    int port() const { return m_port; }

    // `port` 0: any; `chunkBytes` the largest chunk it takes (small: an upload of many).
    void startService(int port = 0, int chunkBytes = 1024 * 1024) {
        fs::remove(m_directory / "port");
        m_service = spawn({TC_E2E_RENDEZVOUS, "serve", "--port", std::to_string(port),
                           "--archive-chunk-bytes", std::to_string(chunkBytes), "--port-file",
                           (m_directory / "port").string(), "--event-log",
                           (m_directory / "events.sqlite").string(), "--ca", pki("ca.pem"),
                           "--cert", pki("service.pem"), "--key", pki("service.key"),
                           "--archive-dir", archiveDirectory().string(), "--archive-key",
                           (m_directory / "archive.key").string()},
                          m_directory / "rendezvous.log");
        for (int i = 0; i < 200 && readText(m_directory / "port").empty(); ++i) {
            std::this_thread::sleep_for(50ms);
        }
        const auto written = readText(m_directory / "port");
        if (written.empty()) {
            FAIL("the service did not start\n" + diagnostics());
        }
        m_port = std::stoi(written);
    }

    void startCabin(const fs::path& wav, const std::string& impairment) {
        m_cabin = spawn({TC_E2E_CABIN, "--port", std::to_string(m_port), "--ca", pki("ca.pem"),
                         "--bundle", pki("cabin.p12"), "--passphrase", "telecabine", "--waiting",
                         "1", "--cleaning-delay-ms", "500", "--local-printer",
                         (m_directory / "printer").string(), "--state-dir",
                         (m_directory / "cabin-state").string(), "--stethoscope-file",
                         wav.string(), "--measure-time-scale", "0.05", "--impair", impairment},
                        m_directory / "cabin.log");
    }

    // `auscultationSeconds` < 0: only sign in and let the journal's dossiers resume.
    void startConsole(int auscultationSeconds) {
        std::vector<std::string> argv{TC_E2E_CONSOLE, "--autopilot", "--autopilot-timeout", "120"};
        if (auscultationSeconds < 0) {
            argv.push_back("--autopilot-archive-only");
        } else {
            argv.push_back("--autopilot-auscultation");
            argv.push_back(std::to_string(auscultationSeconds));
        }
        argv.insert(argv.end(), {
                           "--host", "127.0.0.1", "--port", std::to_string(m_port), "--ca",
                           pki("ca.pem"), "--bundle", pki("doctor.p12"), "--data-dir",
                           (m_directory / "console").string(), "--screenshot",
                           (m_directory / "console.png").string(), "--audio-sink", "none",
                           "--microphone", "synthetic", "--camera", "test"});
        m_console = spawn(argv, m_directory / "console.log", {{"TELECABINE_PASSPHRASE", "telecabine"}});
    }
    std::optional<int> waitForConsole(std::chrono::seconds timeout) {
        return m_console.wait(timeout);
    }
    // SIGKILL, then reaped: the kernel has released what it held (the archive's lock) once the
    // process is gone, as a supervisor's restart would wait for.
    void killConsole() {
        m_console.kill();
        REQUIRE(m_console.wait(10s).has_value());
    }
    void killService() {
        m_service.kill();
        REQUIRE(m_service.wait(10s).has_value());
    }
    // Whether `log` ("console.log", ...) has a line holding `text` within `timeout`.
    bool waitForText(const char* log, const std::string& text, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (readText(m_directory / log).find(text) == std::string::npos) {
            if (std::chrono::steady_clock::now() > deadline) {
                return false;
            }
            std::this_thread::sleep_for(2ms);
        }
        return true;
    }

    // The archive client as the holder of `bundle` (a PKCS#12 of the development PKI).
    protocol::ArchiveClient client(protocol::IoThread& io, const std::string& bundle) const {
        auto credentials = protocol::fromPkcs12(readText(m_directory / "pki" / bundle), "telecabine");
        REQUIRE(credentials.has_value());
        protocol::ArchiveClientConfig config;
        config.host = "127.0.0.1";
        config.port = static_cast<std::uint16_t>(m_port);
        config.tls = {std::move(*credentials), readText(m_directory / "pki/ca.pem")};
        auto made = protocol::ArchiveClient::create(io.executor(), config);
        REQUIRE(made.has_value());
        return std::move(*made);
    }

    std::string diagnostics() {
        m_keep = true;
        std::string out;
        for (const char* log : {"console.log", "cabin.log", "rendezvous.log"}) {
            auto text = readText(m_directory / log);
            if (text.size() > 4000) {
                text = text.substr(text.size() - 4000);
            }
            out += std::string("---- ") + log + "\n" + text + "\n";
        }
        return out;
    }

private:
    std::string pki(const char* name) const { return (m_directory / "pki" / name).string(); }

    fs::path m_directory;
    bool m_keep = false;
    int m_port = 0;
    Process m_service;
    Process m_cabin;
    Process m_console;
};

using Files = std::map<std::string, std::string>;

Files readRecord(protocol::IoThread& io, const protocol::ArchiveClient& client,
                 const std::string& recordId) {
    const auto listed = await(io, client.files(recordId));
    REQUIRE(listed.has_value());
    Files files;
    for (const auto& file : *listed) {
        std::string bytes;
        const auto read = await(io, client.readFile(recordId, file.name,
                                                    [&](std::span<const std::uint8_t> part) {
                                                        bytes.append(part.begin(), part.end());
                                                    }));
        INFO(file.name << ": " << (read ? "ok" : read.error().message()));
        REQUIRE(read.has_value());
        files[file.name] = std::move(bytes);
    }
    return files;
}

std::string sha256Hex(const std::string& bytes) {
    return protocol::toHex(protocol::sha256Of(
        std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size())));
}

// Whether any file under `directory` holds `needle`.
bool anyFileHolds(const fs::path& directory, const std::string& needle) {
    for (const auto& entry : fs::recursive_directory_iterator(directory)) {
        if (entry.is_regular_file() &&
            readText(entry.path()).find(needle) != std::string::npos) {
            return true;
        }
    }
    return false;
}

} // namespace

TEST_CASE("the consultation record: three real programs, a 3 s loss burst, and the archive "
          "read back whole, exact and closed to others",
          "[e2e][record]") {
    RecordRun run;
    run.startService();
    // A noise "patient" whose every 32 samples are unique: any piece of the recording says where
    // in the source it comes from.
    const auto source = stethoscopeNoise(20 * kRate, 7);
    const auto wav = run.directory() / "stethoscope.wav";
    writeWav(wav, source, kRate);
    // 20 % of the cabin's packets lost for 3 s, 4 s in: retransmission repairs the sound; the
    // console measures the burst.
    run.startCabin(wav, "loss=20%,from=4s,for=3s,seed=5");
    run.startConsole(6);
    const auto status = run.waitForConsole(170s);
    if (status != 0) {
        FAIL("the console's autopilot did not complete\n" + run.diagnostics());
    }
    protocol::IoThread io("e2e-record");
    const auto doctor = run.client(io, "doctor.p12");
    const auto records = await(io, doctor.records());
    REQUIRE(records.has_value());
    if (records->size() != 1) { // exactly one record
        FAIL(std::to_string(records->size()) + " records\n" + run.diagnostics());
    }
    const std::string recordId = records->front().recordId;
    const auto files = readRecord(io, doctor, recordId);

    // The record: valid, this consultation's, with its acts and the burst.
    REQUIRE(files.count("record.json") == 1);
    const auto record = rx::parseConsultationRecord(files.at("record.json"));
    REQUIRE(record.has_value());
    CHECK(rx::validateRecord(*record).empty());
    CHECK(record->consultationId == recordId);
    CHECK(record->endReason == "completed");
    CHECK(record->consent.care);
    CHECK(record->consent.qualityReview == records->front().consent.qualityReview);
    REQUIRE(record->acts.auscultations.size() == 1);
    CHECK(record->acts.measurements.size() >= 2);
    REQUIRE(record->acts.stills.size() == 1);
    REQUIRE(record->prescriptions.size() == 1);
    CHECK(record->times.checkInMs <= record->times.claimMs);
    CHECK(record->times.startMs < record->times.endMs);
    const auto burst = std::find_if(record->incidents.begin(), record->incidents.end(),
                                    [](const auto& i) { return i.kind == rx::IncidentKind::lossBurst; });
    REQUIRE(burst != record->incidents.end());
    INFO("loss burst: " << burst->descriptionFr);
    CHECK(burst->endMs - burst->startMs >= 1000);
    CHECK(burst->endMs - burst->startMs <= 6000);
    CHECK(burst->figures.at("peak_loss_percent") >= 5);

    // Every act's file is there and is what the record says.
    const auto& auscultation = record->acts.auscultations.front();
    REQUIRE(files.count(auscultation.recording) == 1);
    CHECK(sha256Hex(files.at(auscultation.recording)) == auscultation.sha256);
    const auto& still = record->acts.stills.front();
    REQUIRE(files.count(still.fileName) == 1);
    CHECK(sha256Hex(files.at(still.fileName)) == still.sha256);
    CHECK(files.at(still.fileName).substr(1, 3) == "PNG");

    // The FLAC decodes to exactly what the cabin sent, outside any gap it marks.
    const auto flac = run.directory() / "fetched.flac";
    std::ofstream(flac, std::ios::binary) << files.at(auscultation.recording);
    auto manifest = auscultation.recording;
    manifest.replace(manifest.size() - 5, 5, ".json");
    REQUIRE(files.count(manifest) == 1);
    std::ofstream(run.directory() / "fetched.json", std::ios::binary) << files.at(manifest);
    const auto recording = readRecording(flac);
    const auto pieces = matchOutsideGaps(recording, source);
    INFO("recording: " << describe(recording, pieces));
    CHECK(recording.samples.size() >= static_cast<std::size_t>(5 * kRate));
    REQUIRE_FALSE(pieces.empty());
    for (const auto& piece : pieces) {
        CHECK(piece.sourceOffset.has_value());
        CHECK(piece.mismatches == 0);
    }

    // The ordonnance: referenced by id and hash, its PDF verified by the pharmacist's tool.
    std::string ordonnancePdf;
    for (const auto& [name, bytes] : files) {
        if (name.starts_with("prescriptions/") && name.ends_with(".json") &&
            !name.ends_with(".fhir.json")) {
            CHECK(sha256Hex(bytes) == record->prescriptions.front().sha256);
        }
        if (name.starts_with("prescriptions/") && name.ends_with(".pdf")) {
            ordonnancePdf = bytes;
        }
    }
    REQUIRE_FALSE(ordonnancePdf.empty());
    const auto pdfPath = run.directory() / "fetched-ordonnance.pdf";
    std::ofstream(pdfPath, std::ios::binary) << ordonnancePdf;
    const auto verified = runCommand({TC_E2E_VERIFY, pdfPath.string(), "--ca",
                                      (run.directory() / "pki/ca.pem").string()});
    INFO(verified.output);
    CHECK(verified.status == 0);

    // The signed compte rendu: referenced by the record, its PDF accepted by pdfsig and by the
    // verifier as a report, its FHIR document well formed with every reference resolved.
    REQUIRE(record->report.has_value());
    std::string reportPdf;
    std::string reportFhir;
    for (const auto& [name, bytes] : files) {
        if (name.starts_with("report/") && name.ends_with(".pdf")) {
            reportPdf = bytes;
        } else if (name.starts_with("report/") && name.ends_with(".fhir.json")) {
            reportFhir = bytes;
        } else if (name.starts_with("report/") && name.ends_with(".json")) {
            CHECK(sha256Hex(bytes) == record->report->sha256);
        }
    }
    REQUIRE_FALSE(reportPdf.empty());
    const auto reportPath = run.directory() / "fetched-report.pdf";
    std::ofstream(reportPath, std::ios::binary) << reportPdf;
    const auto pdfsig = runCommand({"pdfsig", reportPath.string()});
    INFO(pdfsig.output);
    CHECK(pdfsig.status == 0);
    CHECK(pdfsig.output.find("Signature Validation: Signature is Valid.") != std::string::npos);
    const auto reportVerified = runCommand({TC_E2E_VERIFY, reportPath.string(), "--ca",
                                            (run.directory() / "pki/ca.pem").string(), "--kind",
                                            "report"});
    INFO(reportVerified.output);
    CHECK(reportVerified.status == 0);
    const auto bundle = nlohmann::json::parse(reportFhir, nullptr, false);
    REQUIRE(bundle.is_object());
    const auto problems = rx::checkFhirDocument(bundle);
    for (const auto& problem : problems) {
        INFO(problem.path << ": " << problem.detail);
    }
    CHECK(problems.empty());

    // The vitals and the incidents travel beside the record.
    CHECK(files.count("vitals/measurements.json") == 1);
    CHECK(files.count("vitals/waveforms.json") == 1);
    CHECK(files.count("incidents.json") == 1);

    // No plaintext at rest: not the patient's name, not a run of the stethoscope's samples, not
    // a FLAC or PDF header.
    const auto archive = run.archiveDirectory();
    CHECK_FALSE(anyFileHolds(archive, record->patient.birthName));
    std::string samples(reinterpret_cast<const char*>(source.data() + kRate), 64);
    CHECK_FALSE(anyFileHolds(archive, samples));
    CHECK_FALSE(anyFileHolds(archive, "fLaC"));
    CHECK_FALSE(anyFileHolds(archive, "%PDF"));

    // Another doctor of the same deployment: sees nothing, reads nothing.
    const auto other = run.client(io, "other-doctor.p12");
    const auto theirs = await(io, other.records());
    REQUIRE(theirs.has_value());
    CHECK(theirs->empty());
    CHECK_FALSE(await(io, other.files(recordId)).has_value());
    const auto stolen = await(io, other.readFile(recordId, "record.json",
                                                 [](std::span<const std::uint8_t>) {}));
    REQUIRE_FALSE(stolen.has_value());
    CHECK(stolen.error().httpStatus >= 400);
    CHECK(stolen.error().httpStatus < 500);

    // A chunk changed on disk is found out when it is read.
    fs::path largest;
    std::uintmax_t size = 0;
    for (const auto& entry : fs::recursive_directory_iterator(archive)) {
        if (entry.is_regular_file() && entry.path().extension() != ".sqlite" &&
            entry.path().string().find("sqlite") == std::string::npos && entry.file_size() > size) {
            size = entry.file_size();
            largest = entry.path();
        }
    }
    REQUIRE_FALSE(largest.empty());
    {
        std::fstream file(largest, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(static_cast<std::streamoff>(size / 2));
        char byte = 0;
        file.read(&byte, 1);
        file.seekp(static_cast<std::streamoff>(size / 2));
        byte = static_cast<char>(byte ^ 0x5A);
        file.write(&byte, 1);
    }
    int refused = 0;
    for (const auto& [name, bytes] : files) {
        const auto read = await(io, doctor.readFile(recordId, name,
                                                    [](std::span<const std::uint8_t>) {}));
        refused += read.has_value() ? 0 : 1;
    }
    CHECK(refused >= 1);
}

TEST_CASE("the consultation record: the console and the service killed with SIGKILL mid-upload: "
          "the dossier resumes at the console's next start and is archived once, whole",
          "[e2e][record][crash]") {
    RecordRun run;
    run.startService(0, 4096); // 4 KB chunks: an upload of hundreds of requests
    const int port = run.port();
    const auto source = stethoscopeNoise(20 * kRate, 9);
    const auto wav = run.directory() / "stethoscope.wav";
    writeWav(wav, source, kRate);
    run.startCabin(wav, "loss=0%");
    run.startConsole(8);
    // The console dies as soon as the service has begun taking its dossier.
    if (!run.waitForText("rendezvous.log", "began the upload of record", 150s)) {
        FAIL("the dossier's upload never began\n" + run.diagnostics());
    }
    run.killConsole();
    protocol::IoThread io("e2e-record-crash");
    {
        const auto doctor = run.client(io, "doctor.p12");
        const auto records = await(io, doctor.records());
        REQUIRE(records.has_value());
        CHECK(records->empty()); // nothing partial is visible
    }
    // The console comes back: its journal lists the dossier, which resumes; the service is
    // killed as soon as chunks flow again, and restarted on the same port.
    const auto before = readText(run.directory() / "rendezvous.log").size();
    run.startConsole(-1);
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (readText(run.directory() / "rendezvous.log").size() == before &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(2ms);
    }
    run.killService();
    run.startService(port, 4096);
    const auto status = run.waitForConsole(150s);
    if (status != 0) {
        FAIL("the console did not archive the dossier left by its first run\n" +
             run.diagnostics());
    }
    CHECK(run.waitForText("console.log", "autopilot: 1 dossier(s) pending at sign-in", 1s));
    const auto doctor = run.client(io, "doctor.p12");
    const auto records = await(io, doctor.records());
    REQUIRE(records.has_value());
    REQUIRE(records->size() == 1);
    const auto files = readRecord(io, doctor, records->front().recordId);
    const auto record = rx::parseConsultationRecord(files.at("record.json"));
    REQUIRE(record.has_value());
    REQUIRE(record->acts.auscultations.size() == 1);
    const auto& auscultation = record->acts.auscultations.front();
    CHECK(sha256Hex(files.at(auscultation.recording)) == auscultation.sha256);
}

// telecabine-bench archive: a 20-minute consultation's dossier uploaded by the console's
// ArchiveClient to the rendezvous service's archive over loopback TLS 1.3 (the service in this
// process, its store on disk: encrypted, fsynced), and read back: the time to upload it, and the
// time from a fresh connection to the first bytes of its stethoscope recording (what a doctor
// waits for when they open the record). The same dossier put straight into an ArchiveStore,
// without the network, runs beside as the reference.
//
// The sessions are written into the service's event log beforehand, as sessions held before a
// restart: the service accepts an upload only for a session the doctor had.
#include "benchmarks.hpp"
#include "machine_description.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "tc/protocol/archive_client.hpp"
#include "tc/protocol/event_log.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/pki.hpp"
#include "tc/protocol/rendezvous_service.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

namespace tc::bench {
namespace {

using namespace tc::protocol;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

template <class T> T await(IoThread& io, boost::asio::awaitable<T> op) {
    return boost::asio::co_spawn(io.executor(), std::move(op), boost::asio::use_future).get();
}

// Noise-like bytes: what an encoded stethoscope recording looks like to the archive (FLAC of
// body sounds with their noise floor leaves little to compress, and nothing is compressed on the
// way: only its size matters here).
void writeNoise(const fs::path& path, std::uint64_t bytes, std::uint64_t seed) {
    std::ofstream out(path, std::ios::binary);
    std::mt19937_64 random(seed);
    std::vector<std::uint64_t> block(8192);
    for (std::uint64_t written = 0; written < bytes;) {
        for (auto& word : block) {
            word = random();
        }
        const auto n = std::min<std::uint64_t>(bytes - written, block.size() * 8);
        out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n));
        written += n;
    }
}

void writeText(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// A 20-minute consultation: the stethoscope recording (48 kHz, 16-bit, mono, FLAC-sized), its
// manifest, four vital-sign series (SpO2, pulse and blood pressure at 1 Hz, ECG lead II at
// 250 Hz), three otoscope and dermatoscope stills, the signed report and the ordonnance, the FHIR
// bundle and the incident timeline.
std::uint64_t writeDossier(const fs::path& dir, std::uint64_t flacBytes) {
    for (const auto* sub : {"recordings", "vitals", "stills", "documents", "fhir"}) {
        fs::create_directories(dir / sub);
    }
    writeNoise(dir / "recordings/stethoscope-mitral.flac", flacBytes, 1);
    writeText(dir / "recordings/stethoscope-mitral.json",
              R"({"site":"mitral","rate":48000,"bits":16,"channels":1,"duration_ms":1200000,)"
              R"("gaps":[]})");
    std::mt19937 random(2);
    std::string spo2 = "t_ms,spo2\n";
    std::string pulse = "t_ms,bpm\n";
    std::string pressure = "t_ms,systolic,diastolic\n";
    for (int s = 0; s < 1200; ++s) {
        const auto t = std::to_string(s * 1000);
        spo2 += t + "," + std::to_string(95 + random() % 4) + "\n";
        pulse += t + "," + std::to_string(62 + random() % 20) + "\n";
        pressure += t + "," + std::to_string(118 + random() % 12) + "," +
                    std::to_string(72 + random() % 10) + "\n";
    }
    std::string ecg = "t_ms,uv\n";
    for (int i = 0; i < 1200 * 250; ++i) {
        ecg += std::to_string(i * 4) + "," +
               std::to_string(static_cast<int>(random() % 2000) - 400) + "\n";
    }
    writeText(dir / "vitals/spo2.csv", spo2);
    writeText(dir / "vitals/pulse.csv", pulse);
    writeText(dir / "vitals/blood-pressure.csv", pressure);
    writeText(dir / "vitals/ecg-lead-ii.csv", ecg);
    writeNoise(dir / "stills/otoscope-left.jpg", 310'000, 3);
    writeNoise(dir / "stills/otoscope-right.jpg", 295'000, 4);
    writeNoise(dir / "stills/dermatoscope-1.jpg", 320'000, 5);
    writeNoise(dir / "documents/report.pdf", 104'000, 6);
    writeNoise(dir / "documents/ordonnance.pdf", 96'000, 7);
    writeNoise(dir / "fhir/bundle.json", 42'000, 8);
    writeText(dir / "incidents.json", R"([{"t_ms":312000,"kind":"network_gap","ms":180}])");
    std::uint64_t total = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        total += entry.is_regular_file() ? entry.file_size() : 0;
    }
    return total;
}

// The same dossier straight into a store: hashing, encryption, durable writes, the commit's
// read-back; no TLS, no HTTP.
double storeOnly(const fs::path& dir, const UploadSource& source, const ArchiveKey& key,
                 const std::string& owner) {
    auto store = ArchiveStore::open(dir, key);
    const auto start = Clock::now();
    auto manifest = describeSource(source, store->limits().maxChunkBytes);
    manifest->ownerRpps = owner;
    const auto state = store->beginUpload(*manifest);
    std::map<Sha256Digest, std::pair<fs::path, std::uint64_t>> where;
    for (std::size_t f = 0; f < manifest->files.size(); ++f) {
        std::uint64_t offset = 0;
        for (const auto& chunk : manifest->files[f].chunks) {
            where.emplace(chunk.sha256, std::pair(source.files[f].path, offset));
            offset += chunk.size;
        }
    }
    ArchiveBytes bytes;
    for (const auto& hash : state->missing) {
        const auto& [path, offset] = where.at(hash);
        std::ifstream in(path, std::ios::binary);
        in.seekg(static_cast<std::streamoff>(offset));
        bytes.resize(store->limits().maxChunkBytes);
        in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        bytes.resize(static_cast<std::size_t>(in.gcount()));
        static_cast<void>(store->putChunk(manifest->recordId, hash, bytes));
    }
    const bool committed = static_cast<bool>(store->commit(manifest->recordId));
    return committed ? secondsSince(start) : -1.0;
}

} // namespace

int runArchive(cli::CommandLine& args) {
    const auto runs = static_cast<int>(args.number("runs", 5));
    const auto flacMb = args.number("flac-mb", 70);
    if (!args.errors().empty() || runs < 1 || flacMb < 1) {
        std::cerr << "telecabine-bench archive: invalid options\n";
        return 2;
    }
    const ScratchDirectory scratch("tc-bench-archive");
    if (scratch.path.empty()) {
        return 1;
    }
    const fs::path& temp = scratch.path;

    auto ca = CertificateAuthority::create("bench CA");
    CertificateRequest serviceRequest;
    serviceRequest.identity = {Role::service, "rendezvous", "bench service"};
    serviceRequest.ipAddresses = {"127.0.0.1"};
    const auto serviceCredentials = ca->issue(serviceRequest);
    const auto rpps = *prescriptions::completeRpps("1010123456");
    CertificateRequest doctorRequest;
    doctorRequest.identity = {Role::doctor, rpps, "Dr Bench"};
    const auto doctor = ca->issue(doctorRequest);

    const auto dossier = temp / "dossier";
    const auto plainBytes = writeDossier(dossier, static_cast<std::uint64_t>(flacMb) * 1'000'000);
    const auto eventLog = (temp / "events.sqlite").string();
    {
        auto log = EventLog::open(eventLog);
        for (int run = 0; run < runs; ++run) {
            static_cast<void>(log->append({.kind = "claim",
                                           .sessionId = "S-bench-" + std::to_string(run),
                                           .doctorRpps = rpps}));
        }
    }
    const auto key = ArchiveKey::loadOrCreate(temp / "archive.key");
    auto store = ArchiveStore::open(temp / "archive", *key);
    if (!key || !store) {
        std::cerr << "telecabine-bench archive: cannot open the archive\n";
        return 1;
    }
    IoThread serviceIo("bench-service");
    ServiceConfig config;
    config.tls = {*serviceCredentials, ca->certificatePem()};
    config.eventLogPath = eventLog;
    config.archive.store = std::make_shared<ArchiveStore>(std::move(*store));
    auto service = RendezvousService::start(serviceIo.executor(), config);
    if (!service) {
        std::cerr << "telecabine-bench archive: " << service.error().message() << "\n";
        return 1;
    }
    ArchiveClientConfig clientConfig;
    clientConfig.port = (*service)->port();
    clientConfig.tls = {*doctor, ca->certificatePem()};

    std::vector<double> upload;
    std::vector<double> firstBytes;
    std::vector<double> readFlac;
    std::vector<double> reference;
    std::uint64_t chunks = 0;
    std::size_t files = 0;
    bool exact = true;
    const std::string flacName = "recordings/stethoscope-mitral.flac";
    const auto flacSha = [&] {
        std::ifstream in(dossier / flacName, std::ios::binary);
        const ArchiveBytes bytes((std::istreambuf_iterator<char>(in)), {});
        return sha256Of(bytes);
    }();
    for (int run = 0; run < runs; ++run) {
        const auto recordId = "S-bench-" + std::to_string(run);
        auto source = uploadSourceFromDirectory(recordId, dossier, {true, false});
        files = source->files.size();
        {
            // A console's upload: a fresh client, its connections and TLS handshakes included.
            IoThread io("bench-upload");
            const auto client = *ArchiveClient::create(io.executor(), clientConfig);
            const auto start = Clock::now();
            const auto report = await(io, client.upload(*source));
            upload.push_back(secondsSince(start));
            if (!report) {
                std::cerr << "telecabine-bench archive: upload: " << report.error().message()
                          << "\n";
                return 1;
            }
            chunks = report->chunksTotal;
            client.stop();
            io.stop();
        }
        {
            // Opening the record: a fresh connection, its listing, the recording's first bytes.
            IoThread io("bench-open");
            const auto client = *ArchiveClient::create(io.executor(), clientConfig);
            const auto start = Clock::now();
            std::optional<double> first;
            const auto listed = await(io, client.files(recordId));
            const auto whole =
                await(io, client.readFile(recordId, flacName, [&](std::span<const std::uint8_t>) {
                    if (!first) {
                        first = secondsSince(start);
                    }
                }));
            readFlac.push_back(secondsSince(start));
            if (!listed || !whole) {
                std::cerr << "telecabine-bench archive: reading: "
                          << (!listed ? listed.error() : whole.error()).message() << "\n";
            }
            exact = exact && listed && whole && whole->sha256 == flacSha;
            firstBytes.push_back(first.value_or(-1.0) * 1000.0);
            client.stop();
            io.stop();
        }
        reference.push_back(
            storeOnly(temp / ("reference-" + std::to_string(run)), *source, *key, rpps));
    }
    (*service)->stop();
    serviceIo.stop();

    const double sizeMb = static_cast<double>(plainBytes) / 1e6;
    const double uploadP50 = roundedPercentile(upload, 0.5);
    const double referenceP50 = roundedPercentile(reference, 0.5);
    const nlohmann::json out = {{"benchmark", "archive"},
                                {"runs", runs},
                                {"dossier",
                                 {{"files", files},
                                  {"size_mb", sizeMb},
                                  {"flac_mb", static_cast<double>(flacMb)},
                                  {"chunks", chunks},
                                  {"chunk_bytes", clientConfig.chunkBytes},
                                  {"parallel_uploads", clientConfig.parallelUploads}}},
                                {"upload_p50_s", uploadP50},
                                {"upload_min_s", roundedPercentile(upload, 0.0)},
                                {"upload_max_s", roundedPercentile(upload, 1.0)},
                                {"upload_mb_per_s", sizeMb / uploadP50},
                                {"store_only_p50_s", referenceP50},
                                {"ratio_vs_store_only", uploadP50 / referenceP50},
                                {"first_bytes_p50_ms", roundedPercentile(firstBytes, 0.5)},
                                {"first_bytes_max_ms", roundedPercentile(firstBytes, 1.0)},
                                {"read_flac_p50_s", roundedPercentile(readFlac, 0.5)},
                                {"read_back_bit_exact", exact},
                                {"targets", {{"first_bytes_p50_ms", 1000}}},
                                {"machine", machineDescription()}};
    std::cout << (args.flag("json") ? out.dump() : out.dump(2)) << "\n";
    return exact ? 0 : 1;
}

} // namespace tc::bench

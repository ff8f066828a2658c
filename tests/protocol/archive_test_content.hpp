#pragma once
// Consultation records for the archive tests and for the upload child of the kill -9 test:
// deterministic content derived from the record id, so that the test regenerates what the
// child uploaded. Every record holds a patient's name and runs of PCM samples, which must never
// appear on disk in the clear.

#include "tc/prescriptions/rpps.hpp"
#include "tc/protocol/archive_store.hpp"

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace tc::test::archive {

using Bytes = protocol::ArchiveBytes;

inline constexpr std::string_view kPatientName = "DUPONT Jeanne";

inline std::string doctorRpps(int n) {
    return *prescriptions::completeRpps("10101234" + std::to_string(10 + n % 90));
}

struct TestFile {
    std::string name;
    Bytes content;
};

inline Bytes bytesOf(std::string_view text) {
    return Bytes(text.begin(), text.end());
}

inline std::uint64_t seedOf(std::string_view text) {
    std::uint64_t hash = 1469598103934665603ULL; // FNV-1a: the same in every process
    for (const char c : text) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    return hash;
}

inline Bytes randomBytes(std::mt19937_64& random, std::size_t size) {
    Bytes bytes(size);
    for (auto& b : bytes) {
        b = static_cast<std::uint8_t>(random());
    }
    return bytes;
}

// 16-bit little-endian samples of a heart-sound-like tone: recognisable plaintext.
inline Bytes pcmSamples(std::size_t count, double phase = 0) {
    Bytes bytes;
    bytes.reserve(count * 2);
    for (std::size_t i = 0; i < count; ++i) {
        const double t = static_cast<double>(i) / 4000.0;
        const auto sample =
            static_cast<std::int16_t>(12000.0 * std::sin(2 * 3.14159265358979 * 60.0 * t + phase) *
                                      std::exp(-std::fmod(t, 0.8) * 6.0));
        bytes.push_back(static_cast<std::uint8_t>(sample & 0xFF));
        bytes.push_back(static_cast<std::uint8_t>((sample >> 8) & 0xFF));
    }
    return bytes;
}

// A consultation record: report, FHIR bundle, a stethoscope recording and its manifest, a
// vitals series, a still, the incident timeline. `scale` multiplies the sizes.
inline std::vector<TestFile> consultationFiles(std::string_view recordId, std::size_t scale = 1) {
    std::mt19937_64 random(seedOf(recordId));
    const std::string patient(kPatientName);
    std::vector<TestFile> files;
    auto report =
        bytesOf("%PDF-1.7\n% report of " + std::string(recordId) + " for " + patient + "\n");
    const auto body = randomBytes(random, 5000 * scale);
    report.insert(report.end(), body.begin(), body.end());
    files.push_back({"report.pdf", std::move(report)});
    files.push_back(
        {"fhir/bundle.json",
         bytesOf(R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient",)"
                 R"("name":[{"text":")" +
                 patient + R"("}]}}],"id":")" + std::string(recordId) + "\"}")});
    auto flac = bytesOf("fLaC");
    const auto pcm = pcmSamples(6000 * scale, static_cast<double>(random() % 100) / 10.0);
    flac.insert(flac.end(), pcm.begin(), pcm.end());
    files.push_back({"stethoscope/mitral.flac", std::move(flac)});
    files.push_back({"stethoscope/mitral.json",
                     bytesOf(R"({"site":"mitral","patient":")" + patient + R"(","rate":4000})")});
    std::string vitals = "t_ms,spo2,pulse\n";
    for (int i = 0; i < 200; ++i) {
        vitals += std::to_string(i * 1000) + "," + std::to_string(95 + random() % 4) + "," +
                  std::to_string(60 + random() % 30) + "\n";
    }
    files.push_back({"vitals/spo2.csv", bytesOf(vitals)});
    files.push_back({"stills/throat.jpg", randomBytes(random, 3000 * scale + random() % 3000)});
    files.push_back({"incidents.json", bytesOf(R"([{"t_ms":1200,"kind":"network_gap"}])")});
    return files;
}

inline protocol::UploadManifest manifestFor(std::string recordId, std::string owner,
                                            const std::vector<TestFile>& files,
                                            std::uint32_t chunkBytes,
                                            protocol::ConsentScopes consent = {true, false}) {
    protocol::UploadManifest manifest{std::move(recordId), std::move(owner), consent, {}};
    for (const auto& file : files) {
        manifest.files.push_back(protocol::describeFile(file.name, file.content, chunkBytes));
    }
    return manifest;
}

// Every distinct chunk of the files, by hash.
inline std::vector<std::pair<protocol::Sha256Digest, Bytes>>
chunksOf(const std::vector<TestFile>& files, std::uint32_t chunkBytes) {
    std::vector<std::pair<protocol::Sha256Digest, Bytes>> chunks;
    for (const auto& file : files) {
        for (std::size_t i = 0;; ++i) {
            const auto piece = protocol::chunkOf(file.content, chunkBytes, i);
            if (piece.empty()) {
                break;
            }
            chunks.emplace_back(protocol::sha256Of(piece), Bytes(piece.begin(), piece.end()));
        }
    }
    return chunks;
}

// Sends the chunks the store says are missing; returns how many it sent.
inline std::size_t putMissing(protocol::ArchiveStore& store, const std::string& recordId,
                              const std::vector<TestFile>& files, std::uint32_t chunkBytes,
                              const std::vector<protocol::Sha256Digest>& missing) {
    const auto chunks = chunksOf(files, chunkBytes);
    std::size_t sent = 0;
    for (const auto& hash : missing) {
        for (const auto& [sha, bytes] : chunks) {
            if (sha == hash) {
                if (!store.putChunk(recordId, sha, bytes)) {
                    return sent;
                }
                ++sent;
                break;
            }
        }
    }
    return sent;
}

} // namespace tc::test::archive

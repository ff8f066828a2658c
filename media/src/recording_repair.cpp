#include "tc/media/recording_repair.hpp"

#include "tc/media/replay.hpp"
#include "tc/protocol/posix_io.hpp"
#include "utc_now.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <glib.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <sys/file.h>
#include <unistd.h>

namespace tc::media {
namespace {

using detail::utcNow;
using protocol::UniqueFd;

// CRC-8 (polynomial 0x07) of a frame header, CRC-16 (polynomial 0x8005) of a whole frame.
std::uint8_t crc8(const std::uint8_t* data, std::size_t size) {
    std::uint8_t crc = 0;
    for (std::size_t i = 0; i < size; ++i) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; ++bit) {
            crc = static_cast<std::uint8_t>((crc & 0x80) != 0 ? (crc << 1) ^ 0x07 : crc << 1);
        }
    }
    return crc;
}

const std::array<std::uint16_t, 256>& crc16Table() {
    static const auto table = [] {
        std::array<std::uint16_t, 256> t{};
        for (unsigned i = 0; i < 256; ++i) {
            auto crc = static_cast<std::uint16_t>(i << 8);
            for (int bit = 0; bit < 8; ++bit) {
                crc = static_cast<std::uint16_t>((crc & 0x8000) != 0 ? (crc << 1) ^ 0x8005
                                                                     : crc << 1);
            }
            t[i] = crc;
        }
        return t;
    }();
    return table;
}

std::uint16_t crc16Step(std::uint16_t crc, std::uint8_t byte) {
    return static_cast<std::uint16_t>((crc << 8) ^ crc16Table()[((crc >> 8) ^ byte) & 0xFF]);
}

struct FrameHeader {
    std::size_t length = 0; // with its CRC-8
    std::uint32_t blockSize = 0;
    std::uint64_t number = 0; // frame number (fixed block size) or first sample (variable)
    bool variable = false;
};

// RFC 9639 section 9.1: the frame header at `p`, if one starts there whole and valid.
std::optional<FrameHeader> parseFrameHeader(const std::uint8_t* p, std::size_t available) {
    if (available < 6 || p[0] != 0xFF || (p[1] & 0xFE) != 0xF8) {
        return std::nullopt;
    }
    FrameHeader header;
    header.variable = (p[1] & 1) != 0;
    const int sizeCode = p[2] >> 4;
    const int rateCode = p[2] & 0x0F;
    const int channels = p[3] >> 4;
    const int depthCode = (p[3] >> 1) & 7;
    if (sizeCode == 0 || rateCode == 15 || channels > 10 || depthCode == 3 || (p[3] & 1) != 0) {
        return std::nullopt;
    }
    std::size_t at = 4;
    const std::uint8_t first = p[at++];
    int extra = 0;
    std::uint64_t number = 0;
    if ((first & 0x80) == 0) {
        number = first;
    } else {
        extra = std::countl_one(first) - 1; // 110xxxxx: one more byte ... 11111110: six
        if (extra < 1 || extra > 6 || (!header.variable && extra > 5)) {
            return std::nullopt;
        }
        number = first & (0x3Fu >> extra);
    }
    if (available < at + static_cast<std::size_t>(extra) + 4) {
        return std::nullopt;
    }
    for (int i = 0; i < extra; ++i) {
        const std::uint8_t byte = p[at++];
        if ((byte & 0xC0) != 0x80) {
            return std::nullopt;
        }
        number = (number << 6) | (byte & 0x3F);
    }
    header.number = number;
    if (sizeCode == 1) {
        header.blockSize = 192;
    } else if (sizeCode <= 5) {
        header.blockSize = 576u << (sizeCode - 2);
    } else if (sizeCode == 6) {
        header.blockSize = p[at++] + 1u;
    } else if (sizeCode == 7) {
        header.blockSize = ((static_cast<std::uint32_t>(p[at]) << 8) | p[at + 1]) + 1u;
        at += 2;
    } else {
        header.blockSize = 256u << (sizeCode - 8);
    }
    at += rateCode == 12 ? 1 : (rateCode == 13 || rateCode == 14) ? 2 : 0;
    if (available < at + 1 || crc8(p, at) != p[at]) {
        return std::nullopt;
    }
    header.length = at + 1;
    return header;
}

boost::system::result<std::vector<std::uint8_t>> readAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return make_error_code(RepairErrc::unreadable);
    }
    std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
    if (in.bad()) {
        return make_error_code(RepairErrc::unreadable);
    }
    return data;
}

// The metadata blocks: where STREAMINFO is and where the frames begin.
boost::system::error_code scanMetadata(const std::vector<std::uint8_t>& data, FlacScan& scan) {
    if (data.size() < 8 || std::memcmp(data.data(), "fLaC", 4) != 0) {
        return make_error_code(RepairErrc::notFlac);
    }
    std::size_t at = 4;
    bool found = false;
    for (bool last = false; !last;) {
        if (at + 4 > data.size()) {
            return make_error_code(RepairErrc::notFlac);
        }
        last = (data[at] & 0x80) != 0;
        const int type = data[at] & 0x7F;
        const std::size_t length =
            (std::size_t{data[at + 1]} << 16) | (std::size_t{data[at + 2]} << 8) | data[at + 3];
        if (at + 4 + length > data.size()) {
            return make_error_code(RepairErrc::notFlac);
        }
        if (type == 0 && length == 34) {
            const std::uint8_t* info = data.data() + at + 4;
            scan.streamInfoOffset = at + 4;
            scan.sampleRate = static_cast<int>((std::uint32_t{info[10]} << 12) |
                                               (std::uint32_t{info[11]} << 4) | (info[12] >> 4));
            scan.channels = ((info[12] >> 1) & 7) + 1;
            scan.bitsPerSample = (((info[12] & 1) << 4) | (info[13] >> 4)) + 1;
            scan.streamInfoSamples =
                (std::uint64_t{info[13] & 0x0Fu} << 32) | (std::uint64_t{info[14]} << 24) |
                (std::uint64_t{info[15]} << 16) | (std::uint64_t{info[16]} << 8) | info[17];
            found = true;
        }
        at += 4 + length;
    }
    scan.audioOffset = at;
    return found ? boost::system::error_code{} : make_error_code(RepairErrc::notFlac);
}

// Where the frame starting at `at` ends: the first point after it where its CRC-16 holds and
// either the file ends or the next frame's header begins (whole and numbered next, or cut off
// by the end of the file).
std::optional<std::size_t> frameEnd(const std::vector<std::uint8_t>& data, std::size_t at,
                                    const FrameHeader& header, std::uint64_t nextNumber) {
    constexpr std::size_t kLongestHeader = 16;
    std::uint16_t crc = 0;
    std::size_t summed = at; // crc covers [at, summed)
    for (std::size_t end = at + header.length + 3; end <= data.size(); ++end) {
        while (summed < end - 2) {
            crc = crc16Step(crc, data[summed++]);
        }
        if (crc != ((static_cast<std::uint16_t>(data[end - 2]) << 8) | data[end - 1])) {
            continue;
        }
        const std::size_t rest = data.size() - end;
        if (rest == 0) {
            return end;
        }
        if (data[end] != 0xFF) {
            continue;
        }
        if (const auto next = parseFrameHeader(data.data() + end, rest)) {
            if (next->number == nextNumber) {
                return end;
            }
        } else if (rest < kLongestHeader && (rest == 1 || (data[end + 1] & 0xFE) == 0xF8)) {
            return end; // the next frame was cut short in its header
        }
    }
    return std::nullopt;
}

boost::system::result<FlacScan> scanBytes(const std::vector<std::uint8_t>& data) {
    FlacScan scan;
    scan.fileSize = data.size();
    if (const auto ec = scanMetadata(data, scan)) {
        return ec;
    }
    std::size_t at = scan.audioOffset;
    scan.validEnd = at;
    while (at < data.size()) {
        const auto header = parseFrameHeader(data.data() + at, data.size() - at);
        if (!header || header->number != (header->variable ? scan.samples : scan.frames)) {
            break;
        }
        const auto nextNumber =
            header->variable ? scan.samples + header->blockSize : scan.frames + 1;
        const auto end = frameEnd(data, at, *header, nextNumber);
        if (!end) {
            break;
        }
        const auto bytes = static_cast<std::uint32_t>(*end - at);
        scan.minFrameBytes = scan.frames == 0 ? bytes : std::min(scan.minFrameBytes, bytes);
        scan.maxFrameBytes = std::max(scan.maxFrameBytes, bytes);
        ++scan.frames;
        scan.samples += header->blockSize;
        at = *end;
        scan.validEnd = at;
    }
    return scan;
}

boost::system::error_code saveJson(const std::filesystem::path& path,
                                   const nlohmann::json& document) {
    const auto temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << document.dump(2) << "\n";
        if (!out.flush()) {
            return make_error_code(RepairErrc::unwritable);
        }
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    return ec ? make_error_code(RepairErrc::unwritable) : boost::system::error_code{};
}

// A manifest's field, or `fallback` when it is missing or of another type (a damaged manifest
// must not stop the console from starting).
template <typename T> T field(const nlohmann::json& document, const char* key, T fallback) {
    if (!document.is_object()) {
        return fallback;
    }
    const auto it = document.find(key);
    if (it == document.end()) {
        return fallback;
    }
    try {
        return it->template get<T>();
    } catch (const nlohmann::json::exception&) {
        return fallback;
    }
}

nlohmann::json readJson(const std::filesystem::path& path) {
    std::ifstream in(path);
    auto document = nlohmann::json::parse(in, nullptr, false);
    return document.is_object() ? document : nlohmann::json::object();
}

// The manifest told the truth about the audio that reached the file: the sample count, and the
// segments and gaps trimmed to it.
boost::system::error_code rewriteManifest(const std::filesystem::path& flacPath,
                                          std::uint64_t samples, int sampleRate) {
    const auto manifestPath = std::filesystem::path(flacPath).replace_extension(".json");
    auto document = readJson(manifestPath);
    if (!document.contains("format")) {
        document["format"] = "FLAC";
        document["file"] = flacPath.filename().string();
        document["channels"] = 1;
    }
    if (sampleRate > 0) {
        document["sample_rate"] = sampleRate;
    }
    const auto rate = field(document, "sample_rate", 0);
    nlohmann::json segments = nlohmann::json::array();
    for (const auto& segment : field(document, "segments", nlohmann::json::array())) {
        if (field(segment, "start_sample", samples) < samples) {
            segments.push_back(segment);
        }
    }
    nlohmann::json gaps = nlohmann::json::array();
    for (auto gap : field(document, "gaps", nlohmann::json::array())) {
        const auto start = field(gap, "start_sample", samples);
        if (start < samples) {
            gap["samples"] = std::min(field(gap, "samples", std::uint64_t{0}), samples - start);
            gaps.push_back(gap);
        }
    }
    document["segments"] = segments;
    document["gaps"] = gaps;
    document["samples"] = samples;
    document["duration_s"] = rate > 0 ? static_cast<double>(samples) / rate : 0.0;
    document["state"] = "recovered";
    document["recovered_utc"] = utcNow();
    return saveJson(manifestPath, document);
}

// STREAMINFO's frame sizes, total samples and MD5, written over the old ones.
boost::system::error_code rewriteStreamInfo(int fd, const FlacScan& scan,
                                            const std::vector<std::int16_t>& samples) {
    std::array<std::uint8_t, 34> info{};
    if (::pread(fd, info.data(), info.size(), static_cast<off_t>(scan.streamInfoOffset)) !=
        static_cast<ssize_t>(info.size())) {
        return make_error_code(RepairErrc::unreadable);
    }
    for (int i = 0; i < 3; ++i) {
        info[4 + i] = static_cast<std::uint8_t>(scan.minFrameBytes >> (16 - 8 * i));
        info[7 + i] = static_cast<std::uint8_t>(scan.maxFrameBytes >> (16 - 8 * i));
    }
    info[13] = static_cast<std::uint8_t>((info[13] & 0xF0) | ((scan.samples >> 32) & 0x0F));
    for (int i = 0; i < 4; ++i) {
        info[14 + i] = static_cast<std::uint8_t>(scan.samples >> (24 - 8 * i));
    }
    // The MD5 of the samples as signed little-endian 16-bit integers (RFC 9639, 8.2).
    GChecksum* md5 = g_checksum_new(G_CHECKSUM_MD5);
    for (const auto sample : samples) {
        const auto value = static_cast<std::uint16_t>(sample);
        const std::array<guchar, 2> bytes{static_cast<guchar>(value & 0xFF),
                                          static_cast<guchar>(value >> 8)};
        g_checksum_update(md5, bytes.data(), bytes.size());
    }
    gsize length = 16;
    g_checksum_get_digest(md5, info.data() + 18, &length);
    g_checksum_free(md5);
    if (::pwrite(fd, info.data(), info.size(), static_cast<off_t>(scan.streamInfoOffset)) !=
        static_cast<ssize_t>(info.size())) {
        return make_error_code(RepairErrc::unwritable);
    }
    return {};
}

} // namespace

boost::system::result<FlacScan> scanFlac(const std::filesystem::path& flacPath) {
    auto data = readAll(flacPath);
    if (!data) {
        return data.error();
    }
    return scanBytes(*data);
}

boost::system::result<RepairReport> repairRecording(const std::filesystem::path& flacPath) {
    RepairReport report;
    report.flac = flacPath;
    const UniqueFd fd(::open(flacPath.c_str(), O_RDWR | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno != ENOENT) {
            return make_error_code(RepairErrc::unreadable);
        }
        // Interrupted before the encoder made the file: an empty recording.
        if (const auto ec = rewriteManifest(flacPath, 0, 0)) {
            return ec;
        }
        return report;
    }
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        return make_error_code(RepairErrc::busy);
    }
    auto scan = scanFlac(flacPath);
    if (!scan) {
        if (scan.error() != RepairErrc::notFlac) {
            return scan.error();
        }
        // Interrupted before the first frame (the encoder writes its headers with it).
        if (const auto ec = rewriteManifest(flacPath, 0, 0)) {
            return ec;
        }
        return report;
    }
    if (scan->validEnd < scan->fileSize) {
        if (::ftruncate(fd.get(), static_cast<off_t>(scan->validEnd)) != 0) {
            return make_error_code(RepairErrc::unwritable);
        }
        report.bytesDropped = scan->fileSize - scan->validEnd;
    }
    if (scan->channels != 1 || scan->bitsPerSample != 16) {
        return make_error_code(RepairErrc::notFlac); // not one of our recordings
    }
    std::vector<std::int16_t> samples;
    if (scan->samples > 0) {
        auto decoded = loadRecording(flacPath);
        if (!decoded || decoded->samples.size() != scan->samples) {
            return make_error_code(RepairErrc::decodeMismatch);
        }
        samples = std::move(decoded->samples);
    }
    if (const auto ec = rewriteStreamInfo(fd.get(), *scan, samples)) {
        return ec;
    }
    report.streamInfoRewritten = true;
    if (::fsync(fd.get()) != 0) {
        return make_error_code(RepairErrc::unwritable);
    }
    report.samples = scan->samples;
    if (const auto ec = rewriteManifest(flacPath, scan->samples, scan->sampleRate)) {
        return ec;
    }
    return report;
}

namespace {

// The FLAC recordings' manifests of a directory: each one's FLAC path and parsed document
// (an unreadable manifest reads as an empty document). A missing directory has none.
std::vector<std::pair<std::filesystem::path, nlohmann::json>>
flacManifests(const std::filesystem::path& directory) {
    std::vector<std::pair<std::filesystem::path, nlohmann::json>> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
        if (entry.path().extension() != ".json") {
            continue;
        }
        auto document = readJson(entry.path());
        if (field(document, "format", std::string()) == "FLAC") {
            out.emplace_back(std::filesystem::path(entry.path()).replace_extension(".flac"),
                             std::move(document));
        }
    }
    return out;
}

} // namespace

std::vector<RepairOutcome> repairRecordings(const std::filesystem::path& directory) {
    std::vector<RepairOutcome> outcomes;
    for (auto& [flac, document] : flacManifests(directory)) {
        if (field(document, "state", std::string()) != "recording") {
            continue;
        }
        auto result = repairRecording(flac);
        if (!result && result.error() == RepairErrc::busy) {
            continue; // a recording in progress, in this console or another
        }
        outcomes.push_back({std::move(flac), std::move(result)});
    }
    return outcomes;
}

std::vector<RecordingEntry> listRecordings(const std::filesystem::path& directory) {
    std::vector<RecordingEntry> entries;
    for (auto& [flac, document] : flacManifests(directory)) {
        const auto state = field(document, "state", std::string("complete"));
        if (state != "complete" && state != "recovered") {
            continue;
        }
        RecordingEntry recording;
        recording.flac = flac;
        recording.startedUtc = field(document, "started_utc", std::string());
        recording.sampleRate = field(document, "sample_rate", 0);
        recording.samples = field(document, "samples", std::uint64_t{0});
        recording.recovered = state == "recovered";
        if (recording.samples > 0 && std::filesystem::exists(recording.flac)) {
            entries.push_back(std::move(recording));
        }
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return std::tie(a.startedUtc, a.flac) > std::tie(b.startedUtc, b.flac);
    });
    return entries;
}

} // namespace tc::media

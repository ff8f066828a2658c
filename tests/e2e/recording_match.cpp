#include "recording_match.hpp"

#include "net_lab.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace tc::test {

// Decoded by the reference decoder (flac -d), the manifest read as JSON.
Recording readRecording(const std::filesystem::path& flac) {
    const auto raw = std::filesystem::path(flac).replace_extension(".raw");
    const auto decoded =
        runCommand({"flac", "-d", "-s", "-f", "--force-raw-format", "--endian=little",
                    "--sign=signed", "-o", raw.string(), flac.string()});
    INFO("flac -d (flac, third_party/packages.txt): " << decoded.output);
    REQUIRE(decoded.status == 0);
    Recording recording;
    std::ifstream in(raw, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
    recording.samples.resize(bytes.size() / 2);
    for (std::size_t i = 0; i < recording.samples.size(); ++i) {
        recording.samples[i] = static_cast<std::int16_t>(
            static_cast<std::uint8_t>(bytes[2 * i]) |
            (static_cast<std::uint16_t>(static_cast<std::uint8_t>(bytes[2 * i + 1])) << 8));
    }
    std::ifstream manifestFile(std::filesystem::path(flac).replace_extension(".json"));
    const auto manifest = nlohmann::json::parse(manifestFile, nullptr, false);
    REQUIRE_FALSE(manifest.is_discarded());
    recording.state = manifest.value("state", "");
    for (const auto& gap : manifest.at("gaps")) {
        recording.gaps.push_back(
            {gap.at("start_sample").get<std::uint64_t>(), gap.at("samples").get<std::uint64_t>()});
    }
    return recording;
}


// Splits the recording at its gaps; each piece must be a run of the looped source, bit for bit.
std::vector<Piece> matchOutsideGaps(const Recording& recording,
                                    const std::vector<std::int16_t>& source) {
    constexpr std::size_t kKey = 32; // samples that locate a piece in the source
    std::vector<Piece> pieces;
    std::size_t at = 0;
    auto gaps = recording.gaps;
    gaps.push_back({recording.samples.size(), 0});
    for (const auto& gap : gaps) {
        if (gap.start > at + kKey) {
            pieces.push_back({at, static_cast<std::size_t>(gap.start) - at});
        }
        at = std::max<std::size_t>(at, gap.start + gap.samples);
    }
    const auto& r = recording.samples;
    for (auto& piece : pieces) {
        for (std::size_t offset = 0; offset < source.size() && !piece.sourceOffset; ++offset) {
            bool same = true;
            for (std::size_t i = 0; i < kKey && same; ++i) {
                same = r[piece.start + i] == source[(offset + i) % source.size()];
            }
            if (same) {
                piece.sourceOffset = offset;
            }
        }
        if (piece.sourceOffset) {
            for (std::size_t i = 0; i < piece.length; ++i) {
                piece.mismatches +=
                    r[piece.start + i] != source[(*piece.sourceOffset + i) % source.size()];
            }
        }
    }
    return pieces;
}

std::string describe(const Recording& recording, const std::vector<Piece>& pieces) {
    std::ostringstream text;
    text << recording.samples.size() << " samples, manifest " << recording.state << ", gaps:";
    for (const auto& gap : recording.gaps) {
        text << " [" << gap.start << " +" << gap.samples << "]";
    }
    text << "; pieces:";
    for (const auto& piece : pieces) {
        text << " [" << piece.start << " +" << piece.length << " at source "
             << (piece.sourceOffset ? std::to_string(*piece.sourceOffset) : "nowhere") << ", "
             << piece.mismatches << " different]";
    }
    return text.str();
}

} // namespace tc::test

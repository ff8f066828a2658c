#pragma once
// A stethoscope recording as the console archived it (FLAC + manifest), decoded by the reference
// decoder, and matched sample for sample against the looped source the cabin streamed: the
// e2e tests' proof that the doctor heard exactly what the cabin sent.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tc::test {

struct Gap {
    std::uint64_t start = 0;
    std::uint64_t samples = 0;
};

struct Recording {
    std::vector<std::int16_t> samples;
    std::vector<Gap> gaps;
    std::string state;
};

// Decoded by `flac -d`, the manifest (<name>.json beside it) read as JSON. Catch2 REQUIREs.
Recording readRecording(const std::filesystem::path& flac);

struct Piece {
    std::size_t start = 0;  // in the recording
    std::size_t length = 0; // samples
    std::optional<std::size_t> sourceOffset;
    std::size_t mismatches = 0;
};

// Splits the recording at its gaps; each piece must be a run of the looped source, bit for bit.
std::vector<Piece> matchOutsideGaps(const Recording& recording,
                                    const std::vector<std::int16_t>& source);

std::string describe(const Recording& recording, const std::vector<Piece>& pieces);

} // namespace tc::test

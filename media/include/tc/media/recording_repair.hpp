#pragma once
// Recordings left by a crash, found and mended at the next start, and the list that replay
// offers.
//
// A recording whose manifest still says "recording" and whose FLAC file nobody holds (a live
// FlacRecorder keeps it under flock(2)) was interrupted. Repair scans its FLAC frames (sync code,
// header CRC-8, frame CRC-16, consecutive frame numbers), cuts the file after the last whole
// frame, decodes it to compute the MD5 of the audio, rewrites STREAMINFO in place (total samples,
// minimum and maximum frame size, MD5), then rewrites the manifest: the true sample count, the
// segments and gaps trimmed to it, state "recovered". Every step can run again: a crash during
// repair is repaired at the next start.

#include "tc/media/errc/repair_errc.hpp"

#include <boost/system/result.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tc::media {

// What the frame scan found in a FLAC file.
struct FlacScan {
    std::uint64_t streamInfoOffset = 0; // of the 34-byte STREAMINFO body
    std::uint64_t audioOffset = 0;      // first frame
    std::uint64_t validEnd = 0;         // just after the last whole frame
    std::uint64_t fileSize = 0;
    std::uint64_t frames = 0;
    std::uint64_t samples = 0;
    std::uint32_t minFrameBytes = 0;
    std::uint32_t maxFrameBytes = 0;
    int sampleRate = 0;
    int channels = 0;
    int bitsPerSample = 0;
    std::uint64_t streamInfoSamples = 0; // what STREAMINFO says (0 after a crash)
};
boost::system::result<FlacScan> scanFlac(const std::filesystem::path& flacPath);

struct RepairReport {
    std::filesystem::path flac;
    std::uint64_t samples = 0;      // audio kept
    std::uint64_t bytesDropped = 0; // the partial frame cut off the end
    bool streamInfoRewritten = false;
};
// Mends one interrupted recording (see above). `busy` when a live recorder holds it.
boost::system::result<RepairReport> repairRecording(const std::filesystem::path& flacPath);

struct RepairOutcome {
    std::filesystem::path flac;
    boost::system::result<RepairReport> result;
};
// Every interrupted recording in `directory` (not recursive), each repaired.
std::vector<RepairOutcome> repairRecordings(const std::filesystem::path& directory);

struct RecordingEntry {
    std::filesystem::path flac;
    std::string startedUtc;
    int sampleRate = 0;
    std::uint64_t samples = 0;
    bool recovered = false; // mended after a crash
};
// The finished and recovered recordings in `directory` that hold audio, newest first; one still
// being recorded, or interrupted and not yet repaired, is left out.
std::vector<RecordingEntry> listRecordings(const std::filesystem::path& directory);

} // namespace tc::media

#pragma once
// Records the stethoscope's raw decoded signal (before gain and filter) losslessly as FLAC,
// through a GStreamer pipeline (appsrc ! flacenc ! filesink), with a manifest beside it
// (`<name>.json`): the UTC start time, the sample rate, each auscultation-site segment with its
// first sample, each gap that loss recovery could not fill, and its state ("recording", then
// "complete" once stopped; "recovered" after recording_repair.hpp mended it).
//
// Crash guarantee (kill -9): the encoder works on blocks of 24 ms and the file sink writes each
// FLAC frame with write(2) as soon as it is encoded, so the file on disk lags the last write()
// by at most one block plus the encoder's thread wake-up; a separate thread calls fdatasync
// every second (a power cut loses at most about a second). The manifest is replaced atomically
// (temporary file, rename) before the audio of a new segment or gap, and every 100 ms of audio;
// a recording left "recording" is found and mended at the next start (repairRecordings). The
// FLAC file is held under flock(2) while recording, so that repair never touches a live one.

#include "tc/media/auscultation.hpp"
#include "tc/media/errc/recorder_errc.hpp"

#include <boost/system/result.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>

namespace tc::media {

class FlacRecorder {
public:
    static boost::system::result<std::unique_ptr<FlacRecorder>>
    start(const std::filesystem::path& flacPath, int sampleRate);
    ~FlacRecorder();

    // Appends samples (any thread, one at a time). A new `site` opens a segment; `gap` marks
    // silence standing for audio that never arrived.
    boost::system::error_code write(std::span<const std::int16_t> samples,
                                    std::optional<AuscultationSite> site, bool gap = false);
    // Ends the file (STREAMINFO completed by the encoder, fsync) and the manifest ("complete");
    // waits for the encoder (at most a few seconds).
    boost::system::error_code stop();

    std::uint64_t samplesWritten() const noexcept;
    // The FLAC block size for a sample rate: 24 ms (1152 samples at 48 kHz, 384 at 16 kHz).
    static int blockSize(int sampleRate) noexcept;
    const std::filesystem::path& manifestPath() const noexcept;

    struct Impl;

private:
    explicit FlacRecorder(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::media

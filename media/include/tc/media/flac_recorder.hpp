#pragma once
// Records the stethoscope's raw decoded signal (before gain and filter) losslessly as FLAC,
// through a GStreamer pipeline (appsrc ! flacenc ! filesink), with a manifest beside it
// (`<name>.json`): the UTC start time, the sample rate, each auscultation-site segment with its
// first sample, and each gap that loss recovery could not fill. The manifest is rewritten at
// every change, so an interrupted recording keeps its segments.

#include "tc/media/auscultation.hpp"

#include <boost/system/result.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>

namespace tc::media {

enum class RecorderErrc { pipelineFailed = 1, writeFailed, notRecording };
const boost::system::error_category& recorderCategory() noexcept;
inline boost::system::error_code make_error_code(RecorderErrc e) noexcept {
    return {static_cast<int>(e), recorderCategory()};
}

class FlacRecorder {
public:
    static boost::system::result<std::unique_ptr<FlacRecorder>>
    start(const std::filesystem::path& flacPath, int sampleRate);
    ~FlacRecorder();

    // Appends samples (any thread, one at a time). A new `site` opens a segment; `gap` marks
    // silence standing for audio that never arrived.
    boost::system::error_code write(std::span<const std::int16_t> samples,
                                    std::optional<AuscultationSite> site, bool gap = false);
    // Ends the file and the manifest; waits for the encoder (at most a few seconds).
    boost::system::error_code stop();

    std::uint64_t samplesWritten() const noexcept;
    const std::filesystem::path& manifestPath() const noexcept;

    struct Impl;

private:
    explicit FlacRecorder(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::media

namespace boost::system {
template <> struct is_error_code_enum<tc::media::RecorderErrc> : std::true_type {};
} // namespace boost::system

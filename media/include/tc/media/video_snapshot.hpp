#pragma once
// Still images of the video for the record: a frame at its full resolution as an RGB PNG,
// written directly (zlib, no GStreamer pipeline), with tEXt chunks that say when the frame was
// captured: "Creation Time" (RFC 1123, UTC wall clock), "Software", and telecabine's keys
// "telecabine:capture-us" (the session's steady clock), "telecabine:frame" (the frame counter)
// and "telecabine:source". The file appears whole or not at all (written beside, then renamed).

#include "tc/media/video_frame.hpp"

#include <boost/system/result.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tc::media {

struct SnapshotInfo {
    std::uint64_t captureUs = 0;
    std::optional<std::uint32_t> frameCounter;
    std::chrono::system_clock::time_point wallTime = std::chrono::system_clock::now();
    std::string source; // e.g. "otoscope"; Latin-1 printable, as PNG text requires
};

// badFrame for an empty frame, writeFailed when the file cannot be written.
boost::system::error_code writeSnapshotPng(const VideoFrame& frame,
                                           const std::filesystem::path& path,
                                           const SnapshotInfo& info);

// The tEXt chunks of a PNG file, in order (keyword, text): for the console's gallery.
// openFailed when the file is missing or is not a well-formed PNG.
boost::system::result<std::vector<std::pair<std::string, std::string>>>
readPngText(const std::filesystem::path& path);

// "Tue, 05 Mar 2024 14:03:07 GMT".
std::string rfc1123(std::chrono::system_clock::time_point time);

} // namespace tc::media

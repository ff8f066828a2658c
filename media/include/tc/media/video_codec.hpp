#pragma once
// The video codecs the console and the cabin speak over RTP (90 kHz clock), their SDP encoding
// names, and a keyframe test on RTP packets (VP8 per RFC 7741, H.264 per RFC 6184), so that a
// sender or a test can tell when a PLI has been answered without decoding.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tc::media {

enum class VideoCodec { vp8, h264 };

inline constexpr int kVideoClockRate = 90000;

// SDP / RTP encoding name: "VP8", "H264".
std::string_view encodingName(VideoCodec codec) noexcept;
// From an SDP rtpmap encoding name, case-insensitive.
std::optional<VideoCodec> codecFromEncodingName(std::string_view name) noexcept;

// True when this RTP packet holds the start of a keyframe: VP8, the first partition of a frame
// with the inverse key-frame bit clear; H.264, an SPS or IDR slice, alone, in a STAP-A, or the
// first fragment of an FU-A. False for anything malformed.
bool rtpStartsKeyframe(std::span<const std::uint8_t> packet, VideoCodec codec) noexcept;

} // namespace tc::media

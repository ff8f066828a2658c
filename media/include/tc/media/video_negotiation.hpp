#pragma once
// The video streams in the session description. The console offers the cabin's room camera
// (mid "video", two-way: the doctor's camera goes back on it) and the instrument cameras (mids
// "otoscope" and "dermatoscope", cabin to doctor), each in VP8 and H.264 (constrained
// baseline, packetization-mode 1) with NACK, PLI, FIR and RTX. Payload types are distinct
// across the BUNDLE, since the RTP session tells streams apart by them. The cabin answers one
// codec per section: its preference if offered, else the doctor's first.

#include "tc/media/video_codec.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::media {

struct VideoStreamFormat {
    std::string mid; // "video" (the room camera), "otoscope", "dermatoscope"
    VideoCodec codec = VideoCodec::vp8;
    std::uint8_t payloadType = 100;
    std::optional<std::uint8_t> rtxPayloadType;
    bool twoWay = false; // sendrecv: the doctor's camera goes back on it
};

// The mids of the instrument cameras, started and stopped at the doctor's request.
inline constexpr std::string_view kInstrumentCameras[] = {"otoscope", "dermatoscope"};

// The console's video sections for its offer, `preferred` codec first in each.
std::string videoOfferSections(VideoCodec preferred = VideoCodec::vp8);
// What a description negotiated: each video section's first format we can decode.
std::vector<VideoStreamFormat> videoStreamsOf(std::string_view sdp);
// The cabin's choice in one offered section: `preferred` if offered, else the first we can
// send. Its payload type.
std::optional<std::uint8_t> chooseVideoPayload(std::string_view offer, std::string_view mid,
                                               std::optional<VideoCodec> preferred);

} // namespace tc::media

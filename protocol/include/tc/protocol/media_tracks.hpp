#pragma once
// Which of a cabin's media tracks is which, and the console's refusal of a cabin's media
// (protocol/README.md, "Browser cabins"). Session messages:
//   media.tracks   cabin -> console  {["stethoscope": {"mid", "track_id"},]
//                                     "voice": {"mid"[, "track_id"]}, "camera": {...}}
//   media.refused  console -> cabin  {"code": "malformed_answer" | "no_stethoscope" |
//                                     "tracks_mismatch", "detail": string}
// A browser's stethoscope is a second audio track beside the voice; the SDP answer alone says
// which section it fills, media.tracks says that the cabin meant it, by the mid our offer gave
// it. Parsing is strict, as for every session message.

#include "tc/protocol/envelope.hpp"

#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace tc::protocol {

// The mids of the console's offer (app/src/session_controller.cpp).
inline constexpr std::string_view kStethoscopeMid = "steth";
inline constexpr std::string_view kVoiceMid = "voice";
inline constexpr std::string_view kRoomCameraMid = "video";

struct TrackLabel {
    std::string mid;     // 1-32 bytes
    std::string trackId; // 0-128 bytes: the sender's MediaStreamTrack id, when it has one
};

struct MediaTracks {
    std::optional<TrackLabel> stethoscope; // absent: the cabin sends none (it will be refused)
    std::optional<TrackLabel> voice;
    std::optional<TrackLabel> camera;
};

nlohmann::json toJson(const MediaTracks& tracks);
boost::system::result<MediaTracks, ParseError> mediaTracksFrom(const nlohmann::json& payload);

enum class MediaRefusalCode {
    malformedAnswer, // the SDP answer cannot key or reach a transport
    noStethoscope,   // the answer sends nothing in the stethoscope's section
    tracksMismatch,  // media.tracks names another section for the stethoscope
};
std::string_view toString(MediaRefusalCode code) noexcept;

struct MediaRefusal {
    MediaRefusalCode code = MediaRefusalCode::malformedAnswer;
    std::string detail; // 0-500 bytes, for the cabin's log
};

nlohmann::json toJson(const MediaRefusal& refusal);
boost::system::result<MediaRefusal, ParseError> mediaRefusalFrom(const nlohmann::json& payload);

} // namespace tc::protocol

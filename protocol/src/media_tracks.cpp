#include "tc/protocol/media_tracks.hpp"

#include "json_reader.hpp"

#include <array>
#include <utility>

namespace tc::protocol {

using nlohmann::json;

namespace {

constexpr std::array<std::pair<MediaRefusalCode, std::string_view>, 3> kRefusalNames{{
    {MediaRefusalCode::malformedAnswer, "malformed_answer"},
    {MediaRefusalCode::noStethoscope, "no_stethoscope"},
    {MediaRefusalCode::tracksMismatch, "tracks_mismatch"},
}};

json labelJson(const TrackLabel& label) {
    json out{{"mid", label.mid}};
    if (!label.trackId.empty()) {
        out["track_id"] = label.trackId;
    }
    return out;
}

std::optional<TrackLabel> readLabel(detail::JsonReader& r, std::string_view key, bool required) {
    const json* object = r.object(key, required);
    if (object == nullptr || !r.ok()) {
        return std::nullopt;
    }
    detail::JsonReader nested(*object, r.pathOf(key));
    TrackLabel label;
    nested.string("mid", label.mid, 1, 32);
    nested.string("track_id", label.trackId, 0, 128, /*required=*/false);
    if (const auto error = nested.finish()) {
        r.fail(Errc::invalidField, error->detail);
        return std::nullopt;
    }
    return label;
}

} // namespace

json toJson(const MediaTracks& tracks) {
    json out = json::object();
    if (tracks.stethoscope) {
        out["stethoscope"] = labelJson(*tracks.stethoscope);
    }
    if (tracks.voice) {
        out["voice"] = labelJson(*tracks.voice);
    }
    if (tracks.camera) {
        out["camera"] = labelJson(*tracks.camera);
    }
    return out;
}

boost::system::result<MediaTracks, ParseError> mediaTracksFrom(const json& payload) {
    if (!payload.is_object()) {
        return ParseError{make_error_code(Errc::invalidField), {}, "payload: not an object"};
    }
    detail::JsonReader r(payload, "payload");
    MediaTracks tracks;
    tracks.stethoscope = readLabel(r, "stethoscope", false);
    tracks.voice = readLabel(r, "voice", false);
    tracks.camera = readLabel(r, "camera", false);
    if (auto error = r.finish()) {
        return std::move(*error);
    }
    return tracks;
}

std::string_view toString(MediaRefusalCode code) noexcept {
    for (const auto& [value, name] : kRefusalNames) {
        if (value == code) {
            return name;
        }
    }
    return "unknown";
}

json toJson(const MediaRefusal& refusal) {
    return json{{"code", toString(refusal.code)}, {"detail", refusal.detail.substr(0, 500)}};
}

boost::system::result<MediaRefusal, ParseError> mediaRefusalFrom(const json& payload) {
    if (!payload.is_object()) {
        return ParseError{make_error_code(Errc::invalidField), {}, "payload: not an object"};
    }
    detail::JsonReader r(payload, "payload");
    MediaRefusal refusal;
    r.enumeration("code", refusal.code, kRefusalNames);
    r.string("detail", refusal.detail, 0, 500, /*required=*/false);
    if (auto error = r.finish()) {
        return std::move(*error);
    }
    return refusal;
}

} // namespace tc::protocol

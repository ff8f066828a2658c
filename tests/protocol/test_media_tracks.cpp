// media.tracks (which of a cabin's tracks is the stethoscope) and media.refused (the console's
// typed refusal of a cabin's media): round trips, strict parsing, and the service relaying them.
#include "tc/protocol/media_tracks.hpp"
#include "tc/protocol/messages.hpp"
#include "tc/protocol/session_kinds.hpp"

#include <catch2/catch.hpp>

using namespace tc::protocol;
using nlohmann::json;

TEST_CASE("media.tracks: a browser cabin's labels round trip", "[media_tracks][messages]") {
    const json payload = json::parse(R"({"stethoscope": {"mid": "steth", "track_id": "9fda-72"},
        "voice": {"mid": "voice"}, "camera": {"mid": "video", "track_id": "b7cc"}})");
    const auto tracks = mediaTracksFrom(payload);
    REQUIRE(tracks.has_value());
    REQUIRE(tracks->stethoscope);
    CHECK(tracks->stethoscope->mid == kStethoscopeMid);
    CHECK(tracks->stethoscope->trackId == "9fda-72");
    REQUIRE(tracks->voice);
    CHECK(tracks->voice->trackId.empty());
    REQUIRE(tracks->camera);
    CHECK(toJson(*tracks) == payload);
    // The stethoscope alone is enough.
    CHECK(mediaTracksFrom(json{{"stethoscope", {{"mid", "steth"}}}}).has_value());
    // The service relays both kinds like any registered session message.
    CHECK(kind::isOneOf(kind::mediaTracks, kind::kSessionKinds));
    CHECK(kind::isOneOf(kind::mediaRefused, kind::kSessionKinds));
}

TEST_CASE("media.tracks and media.refused: malformed payloads are refused with the path",
          "[media_tracks][messages][hostile]") {
    const auto refusedTracks = [](const json& payload, std::string_view path) {
        const auto parsed = mediaTracksFrom(payload);
        INFO(payload.dump());
        REQUIRE_FALSE(parsed.has_value());
        CHECK(parsed.error().detail.find(path) != std::string::npos);
    };
    // A cabin that sends no stethoscope says so by leaving it out (the console refuses it).
    CHECK_FALSE(mediaTracksFrom(json{{"voice", {{"mid", "voice"}}}})->stethoscope.has_value());
    refusedTracks(json{{"stethoscope", "steth"}}, "payload.stethoscope");
    refusedTracks(json{{"stethoscope", {{"mid", ""}}}}, "payload.stethoscope.mid");
    refusedTracks(json{{"stethoscope", {{"mid", std::string(33, 'm')}}}},
                  "payload.stethoscope.mid");
    refusedTracks(json{{"stethoscope", {{"mid", "steth"}, {"label", "x"}}}},
                  "payload.stethoscope.label");
    refusedTracks(json{{"stethoscope", {{"mid", "steth"}}}, {"extra", 1}}, "payload.extra");
    refusedTracks(json{{"stethoscope", {{"mid", "steth"}, {"track_id", std::string(129, 't')}}}},
                  "payload.stethoscope.track_id");
    CHECK_FALSE(mediaTracksFrom(json::array()).has_value());

    const MediaRefusal refusal{MediaRefusalCode::noStethoscope, "no stream in steth"};
    const auto back = mediaRefusalFrom(toJson(refusal));
    REQUIRE(back.has_value());
    CHECK(back->code == MediaRefusalCode::noStethoscope);
    CHECK(back->detail == refusal.detail);
    CHECK(toJson(refusal)["code"] == "no_stethoscope");
    CHECK(toString(MediaRefusalCode::malformedAnswer) == "malformed_answer");
    CHECK(toString(MediaRefusalCode::tracksMismatch) == "tracks_mismatch");
    CHECK_FALSE(mediaRefusalFrom(json{{"code", "angry"}}).has_value());
    CHECK_FALSE(mediaRefusalFrom(json{{"detail", "x"}}).has_value());
    CHECK(toJson(MediaRefusal{MediaRefusalCode::malformedAnswer, std::string(900, 'x')})["detail"]
              .get<std::string>()
              .size() == 500);
}

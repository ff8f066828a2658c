#pragma once
// The cabin's video sources, headless: simulated instruments (a moving scene per instrument,
// deterministic for a seed) and real clips decoded through GStreamer. Every frame carries the
// frame stamp (video_frame_code.hpp): a counter from 0 and the capture time the caller gives.
// Pacing is the caller's: a capture loop calls next() on its own deadlines (one per 1/fps).

#include "tc/media/video_frame.hpp"

#include <boost/system/result.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

namespace tc::media {

enum class SceneKind {
    roomCamera,   // the room: a moving gradient and bouncing shapes
    otoscope,     // round field of view, reddish-pink ear canal and a pearly eardrum
    dermatoscope, // round field of view, skin with an irregular brown lesion
};
// "room-camera", "otoscope", "dermatoscope".
std::string_view sceneName(SceneKind kind) noexcept;

struct VideoSourceConfig {
    SceneKind kind = SceneKind::roomCamera;
    int width = 1280; // even
    int height = 720; // even
    int fps = 30;
    std::uint64_t seed = 1;
};

// The instruments' round field of view: everything outside this circle is black (Y 16,
// U V 128), except the frame stamp in the top-left corner.
struct FieldOfView {
    double centreX = 0;
    double centreY = 0;
    double radius = 0;
};
std::optional<FieldOfView> fieldOfView(SceneKind kind, int width, int height);

class VideoSource {
public:
    virtual ~VideoSource() = default;

    // badFrame for odd or too small sizes (the stamp needs 144×112) or fps <= 0.
    static boost::system::result<std::unique_ptr<VideoSource>>
    synthetic(const VideoSourceConfig& config);
    // A real clip (any container and codec GStreamer decodes here), converted and scaled to
    // width×height I420 at `fps`, looping at its end, stamped like the synthetic frames.
    // openFailed when the file is missing or does not decode.
    static boost::system::result<std::unique_ptr<VideoSource>>
    fromFile(const std::filesystem::path& path, int width, int height, int fps);

    virtual int width() const noexcept = 0;
    virtual int height() const noexcept = 0;
    virtual int fps() const noexcept = 0;
    // The next frame, stamped with the next counter and `captureUs`, which is also its
    // captureUs. The scene moves with the counter (frame n shows time n / fps), not with the
    // clock, so a seed always gives the same pictures.
    virtual boost::system::result<VideoFrame> next(std::uint64_t captureUs) = 0;
};

} // namespace tc::media

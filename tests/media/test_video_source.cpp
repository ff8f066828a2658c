// The simulated instruments and the file source: stamped frames counting from 0, deterministic
// for a seed, a scene that moves, the instruments' round field black outside; a real clip
// (made by gst-launch-1.0) decoded, scaled, looped and stamped.
#include "tc/media/video_frame_code.hpp"
#include "test_video_support.hpp"

using namespace tc::test;
using namespace tc::media;

namespace {

std::unique_ptr<VideoSource> synthetic(SceneKind kind, std::uint64_t seed = 1, int width = 1280,
                                       int height = 720) {
    auto source = VideoSource::synthetic({kind, width, height, 30, seed});
    REQUIRE(source.has_value());
    return std::move(*source);
}

// Luma pixels that differ between two frames, outside the stamp's corner.
int changedPixels(const VideoFrame& a, const VideoFrame& b) {
    const PixelRect code = frameCodeRect(a.width(), a.height());
    const PixelRect label = frameLabelRect(a.width(), a.height());
    int changed = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = 0; x < a.width(); ++x) {
            if (!code.contains(x, y) && !label.contains(x, y) &&
                a.view().planes[0][y * a.width() + x] != b.view().planes[0][y * b.width() + x]) {
                ++changed;
            }
        }
    }
    return changed;
}

} // namespace

TEST_CASE("video sources: stamped frames, counting from zero, that move", "[video]") {
    const SceneKind kind =
        GENERATE(SceneKind::roomCamera, SceneKind::otoscope, SceneKind::dermatoscope);
    INFO(sceneName(kind));
    auto source = synthetic(kind);
    CHECK(source->width() == 1280);
    CHECK(source->height() == 720);
    CHECK(source->fps() == 30);
    std::vector<VideoFrame> frames;
    for (std::uint32_t n = 0; n < 10; ++n) {
        auto frame = source->next(captureUs(n));
        REQUIRE(frame.has_value());
        CHECK(frame->width() == 1280);
        CHECK(frame->height() == 720);
        CHECK(frame->captureUs == captureUs(n));
        const auto stamp = readFrameCode(frame->view());
        REQUIRE(stamp);
        CHECK(stamp->counter == n);
        CHECK(stamp->captureUs == captureUs(n));
        frames.push_back(std::move(*frame));
    }
    // A third of a second later, the scene has visibly moved.
    CHECK(changedPixels(frames.front(), frames.back()) > 5000);
}

TEST_CASE("video sources: a seed always gives the same pictures, another seed others", "[video]") {
    const SceneKind kind =
        GENERATE(SceneKind::roomCamera, SceneKind::otoscope, SceneKind::dermatoscope);
    auto a = synthetic(kind, 5);
    auto b = synthetic(kind, 5);
    auto c = synthetic(kind, 6);
    for (std::uint32_t n = 0; n < 3; ++n) {
        const auto fa = a->next(captureUs(n));
        const auto fb = b->next(captureUs(n));
        const auto fc = c->next(captureUs(n));
        REQUIRE((fa.has_value() && fb.has_value() && fc.has_value()));
        CHECK(fa->bytes() == fb->bytes());
        CHECK(changedPixels(*fa, *fc) > 1000);
    }
}

TEST_CASE("video sources: the instruments' round field is black outside, lit inside", "[video]") {
    const SceneKind kind = GENERATE(SceneKind::otoscope, SceneKind::dermatoscope);
    INFO(sceneName(kind));
    auto source = synthetic(kind);
    const auto field = fieldOfView(kind, 1280, 720);
    REQUIRE(field);
    const PixelRect code = frameCodeRect(1280, 720);
    const PixelRect label = frameLabelRect(1280, 720);
    for (std::uint32_t n = 0; n < 60; n += 20) {
        for (std::uint32_t skip = 0; skip + 1 < 20 && n > 0; ++skip) {
            REQUIRE(source->next(captureUs(n)).has_value());
        }
        const auto frame = source->next(captureUs(n));
        REQUIRE(frame.has_value());
        const I420View v = frame->view();
        int outside = 0;
        int notBlack = 0;
        double insideSum = 0;
        int inside = 0;
        std::uint64_t redMinusBlue = 0;
        for (int y = 0; y < 720; ++y) {
            for (int x = 0; x < 1280; ++x) {
                const double r = std::hypot(x + 0.5 - field->centreX, y + 0.5 - field->centreY);
                const int luma = v.planes[0][y * v.strides[0] + x];
                if (r >= field->radius && !code.contains(x, y) && !label.contains(x, y)) {
                    ++outside;
                    const int u = v.planes[1][y / 2 * v.strides[1] + x / 2];
                    const int w = v.planes[2][y / 2 * v.strides[2] + x / 2];
                    notBlack += (luma != 16 || (r > field->radius + 2 && (u != 128 || w != 128)));
                } else if (r < field->radius - 1) {
                    ++inside;
                    insideSum += luma;
                    redMinusBlue += static_cast<std::uint64_t>(
                        std::max(0, v.planes[2][y / 2 * v.strides[2] + x / 2] -
                                        v.planes[1][y / 2 * v.strides[1] + x / 2]));
                }
            }
        }
        CHECK(outside > 200'000);
        CHECK(notBlack == 0);
        CHECK(insideSum / inside > 70);                               // lit
        CHECK(redMinusBlue / static_cast<std::uint64_t>(inside) > 5); // pink and skin: V above U
    }
}

TEST_CASE("video sources: sizes the stamp cannot fit are refused", "[video]") {
    CHECK(VideoSource::synthetic({SceneKind::roomCamera, 128, 96, 30, 1}).error() ==
          make_error_code(VideoErrc::badFrame));
    CHECK(VideoSource::synthetic({SceneKind::roomCamera, 1281, 720, 30, 1}).error() ==
          make_error_code(VideoErrc::badFrame));
    CHECK(VideoSource::synthetic({SceneKind::roomCamera, 1280, 720, 0, 1}).error() ==
          make_error_code(VideoErrc::badFrame));
}

TEST_CASE("video file source: a real clip, scaled, looped and stamped", "[video][gst]") {
    TempDir dir;
    const auto clip = dir.path() / "clip.webm";
    // One second of a moving test pattern with sound, as a camera recording would be.
    REQUIRE(run("gst-launch-1.0 -q videotestsrc num-buffers=30 pattern=ball ! "
                "video/x-raw,width=320,height=240,framerate=30/1 ! vp8enc deadline=1 ! queue ! "
                "webmmux name=mux ! filesink location=" +
                clip.string() +
                " audiotestsrc num-buffers=40 ! audioconvert ! vorbisenc ! queue ! mux.") == 0);
    auto source = VideoSource::fromFile(clip, 640, 360, 30);
    REQUIRE(source.has_value());
    // Two and a half times the clip: it loops, and the counter keeps counting.
    for (std::uint32_t n = 0; n < 75; ++n) {
        auto frame = (*source)->next(captureUs(n));
        REQUIRE(frame.has_value());
        CHECK(frame->width() == 640);
        CHECK(frame->height() == 360);
        const auto stamp = readFrameCode(frame->view());
        REQUIRE(stamp);
        CHECK(stamp->counter == n);
        CHECK(stamp->captureUs == captureUs(n));
    }
}

TEST_CASE("video file source: missing and undecodable files are refused", "[video][gst]") {
    TempDir dir;
    CHECK(VideoSource::fromFile(dir.path() / "none.webm", 640, 360, 30).error() ==
          make_error_code(VideoErrc::openFailed));
    const auto junk = dir.write("junk.webm", std::string(4096, 'x'));
    CHECK(VideoSource::fromFile(junk, 640, 360, 30).error() ==
          make_error_code(VideoErrc::openFailed));
}

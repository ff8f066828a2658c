// The frame stamp on raw frames: round trips, every single misread cell caught by the CRC,
// noise tolerated, nothing read from frames that carry no stamp; the label stays in its
// rectangle; RTP keyframe detection on known packets.
#include "tc/media/video_codec.hpp"
#include "tc/media/video_frame_code.hpp"

#include <catch2/catch.hpp>
#include <random>

using namespace tc::media;

namespace {

// Mid-grey with a ramp, so that the code has a scene around it.
VideoFrame scene(int width, int height) {
    VideoFrame frame(width, height);
    const I420Span s = frame.span();
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            s.planes[0][y * s.strides[0] + x] = static_cast<std::uint8_t>(40 + (x + y) % 180);
        }
    }
    return frame;
}

// Inverts cell `bit` of the code (what a badly decoded block would do).
void flipCell(VideoFrame& frame, int bit) {
    const PixelRect code = frameCodeRect(frame.width(), frame.height());
    const int cell = code.width / 16;
    const I420Span s = frame.span();
    for (int y = 0; y < cell; ++y) {
        for (int x = 0; x < cell; ++x) {
            auto& p = s.planes[0][(code.y + bit / 16 * cell + y) * s.strides[0] + code.x +
                                  bit % 16 * cell + x];
            p = static_cast<std::uint8_t>(251 - p);
        }
    }
}

} // namespace

TEST_CASE("frame code: stamps round-trip at 720p and at small sizes", "[video]") {
    const auto [width, height] = GENERATE(std::pair{1280, 720}, std::pair{640, 360},
                                          std::pair{320, 240}, std::pair{144, 112});
    const FrameStamp stamp = GENERATE(FrameStamp{0, 0}, FrameStamp{1, 33'333},
                                      FrameStamp{0xFFFFFFFFu, 0xFFFFFFFFFFFFFFFFull},
                                      FrameStamp{123456, 98'765'432'101ull});
    VideoFrame frame = scene(width, height);
    REQUIRE_FALSE(stampFrame(frame.span(), stamp, "ROOM"));
    const auto read = readFrameCode(frame.view());
    REQUIRE(read);
    CHECK(*read == stamp);
}

TEST_CASE("frame code: every single misread cell is detected", "[video]") {
    VideoFrame clean = scene(1280, 720);
    REQUIRE_FALSE(writeFrameCode(clean.span(), {4242, 1'234'567}));
    for (int bit = 0; bit < 128; ++bit) {
        VideoFrame frame = clean;
        flipCell(frame, bit);
        INFO("cell " << bit);
        CHECK_FALSE(readFrameCode(frame.view()));
    }
}

TEST_CASE("frame code: luma noise of ±60 does not change the reading", "[video]") {
    VideoFrame frame = scene(1280, 720);
    const FrameStamp stamp{77, 5'000'000};
    REQUIRE_FALSE(writeFrameCode(frame.span(), stamp));
    std::mt19937 random(3);
    std::uniform_int_distribution<int> noise(-60, 60);
    const I420Span s = frame.span();
    for (int i = 0; i < s.height * s.strides[0]; ++i) {
        s.planes[0][i] =
            static_cast<std::uint8_t>(std::clamp(s.planes[0][i] + noise(random), 0, 255));
    }
    const auto read = readFrameCode(frame.view());
    REQUIRE(read);
    CHECK(*read == stamp);
}

TEST_CASE("frame code: frames without a stamp read as nothing", "[video]") {
    CHECK_FALSE(readFrameCode(VideoFrame(1280, 720).view()));
    CHECK_FALSE(readFrameCode(scene(1280, 720).view()));
    VideoFrame noise(1280, 720);
    std::mt19937 random(9);
    const I420Span s = noise.span();
    for (int i = 0; i < s.height * s.strides[0]; ++i) {
        s.planes[0][i] = static_cast<std::uint8_t>(random() & 0xFF);
    }
    CHECK_FALSE(readFrameCode(noise.view()));
}

TEST_CASE("frame code: a frame too small for it is refused", "[video]") {
    VideoFrame tiny(128, 96);
    CHECK(stampFrame(tiny.span(), {1, 2}, "X") == make_error_code(VideoErrc::badFrame));
    CHECK_FALSE(readFrameCode(tiny.view()));
    CHECK(frameCodeRect(128, 96).empty());
    CHECK(writeFrameCode(VideoFrame().span(), {1, 2}) == make_error_code(VideoErrc::badFrame));
}

TEST_CASE("frame code: the label is drawn inside its rectangle and nowhere else", "[video]") {
    const VideoFrame before = scene(1280, 720);
    VideoFrame after = before;
    REQUIRE_FALSE(stampFrame(after.span(), {4294967295u, 359'999'999'999ull}, "DERM"));
    const PixelRect code = frameCodeRect(1280, 720);
    const PixelRect label = frameLabelRect(1280, 720);
    // The overlay keeps to the corner: outside the instruments' round field at 16:9.
    CHECK(label.x + label.width <= 310);
    CHECK(label.y + label.height <= 210);
    int changedOutside = 0;
    int whiteInLabel = 0;
    const I420View b = before.view();
    const I420View a = after.view();
    for (int y = 0; y < 720; ++y) {
        for (int x = 0; x < 1280; ++x) {
            const auto pa = a.planes[0][y * a.strides[0] + x];
            if (label.contains(x, y)) {
                whiteInLabel += pa == 235 ? 1 : 0;
            } else if (!code.contains(x, y) && pa != b.planes[0][y * b.strides[0] + x]) {
                ++changedOutside;
            }
        }
    }
    CHECK(changedOutside == 0);
    CHECK(whiteInLabel > 500); // glyphs were drawn
    CHECK(frameLabel("DERM", {12, 3'723'004'000ull}) == "DERM #000012\n01:02:03.004");
}

TEST_CASE("RTP keyframe detection on known VP8 and H.264 packets", "[video]") {
    auto rtp = [](std::initializer_list<std::uint8_t> payload) {
        std::vector<std::uint8_t> p{0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
        p.insert(p.end(), payload);
        return p;
    };
    // VP8: S=1 PID=0, P bit clear → key; with an extended descriptor and a 15-bit picture ID.
    CHECK(rtpStartsKeyframe(rtp({0x10, 0x00, 0x00}), VideoCodec::vp8));
    CHECK(rtpStartsKeyframe(rtp({0x90, 0x80, 0x81, 0x23, 0x50}), VideoCodec::vp8));
    CHECK_FALSE(rtpStartsKeyframe(rtp({0x10, 0x01}), VideoCodec::vp8)); // inter
    CHECK_FALSE(rtpStartsKeyframe(rtp({0x00, 0x00}), VideoCodec::vp8)); // not start
    CHECK_FALSE(rtpStartsKeyframe(rtp({0x90, 0x80, 0x81, 0x23, 0x51}), VideoCodec::vp8));
    CHECK_FALSE(rtpStartsKeyframe(rtp({0x90, 0x80}), VideoCodec::vp8)); // truncated
    // H.264: IDR, SPS, STAP-A holding SPS, FU-A start of an IDR; a P slice and an FU-A middle.
    CHECK(rtpStartsKeyframe(rtp({0x65, 0x88}), VideoCodec::h264));
    CHECK(rtpStartsKeyframe(rtp({0x67, 0x42}), VideoCodec::h264));
    CHECK(
        rtpStartsKeyframe(rtp({0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x01, 0x68}), VideoCodec::h264));
    CHECK(rtpStartsKeyframe(rtp({0x7C, 0x85, 0x00}), VideoCodec::h264));
    CHECK_FALSE(rtpStartsKeyframe(rtp({0x41, 0x9A}), VideoCodec::h264));
    CHECK_FALSE(rtpStartsKeyframe(rtp({0x7C, 0x05, 0x00}), VideoCodec::h264));
    CHECK_FALSE(rtpStartsKeyframe(rtp({0x78, 0x00, 0x09, 0x67}), VideoCodec::h264)); // bad size
    CHECK_FALSE(rtpStartsKeyframe(std::vector<std::uint8_t>{0x80, 96}, VideoCodec::h264));
    CHECK(codecFromEncodingName("vp8") == VideoCodec::vp8);
    CHECK(codecFromEncodingName("H264") == VideoCodec::h264);
    CHECK_FALSE(codecFromEncodingName("VP9"));
}

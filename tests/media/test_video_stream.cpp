// The video path end to end in one process, for each codec: the cabin's source and encoder, RTP
// packets, the console's jitter buffer, depayloader and decoder. Every frame's stamp is read
// back from the decoded pixels; a loss freezes the picture (no corrupt frame shown) until the
// keyframe that the receiver asked for; a lower bit rate takes effect and still carries the
// stamps; the caller's sink replaces the default one.
#include "test_video_support.hpp"

#include <gst/gst.h>
#include <numeric>

using namespace tc::test;
using namespace tc::media;

namespace {

void pushFrames(VideoLoop& loop, VideoSource& source, std::uint32_t from, std::uint32_t to) {
    for (std::uint32_t n = from; n < to; ++n) {
        auto frame = source.next(captureUs(n));
        REQUIRE(frame.has_value());
        REQUIRE_FALSE(loop.sender().push(*frame));
    }
}

std::unique_ptr<VideoSource> room(SceneKind kind = SceneKind::roomCamera) {
    auto source = VideoSource::synthetic({kind, 1280, 720, 30, 3});
    REQUIRE(source.has_value());
    return std::move(*source);
}

} // namespace

TEST_CASE("video stream: every frame's stamp survives the codec, in order, at 720p",
          "[video][gst]") {
    const VideoCodec codec = GENERATE(VideoCodec::vp8, VideoCodec::h264);
    INFO(codecLabel(codec));
    VideoLoop loop({.codec = codec});
    auto source = room();
    constexpr std::uint32_t kFrames = 90;
    pushFrames(loop, *source, 0, kFrames);
    loop.finish();

    const auto frames = loop.frames();
    REQUIRE(frames.size() == kFrames);
    for (std::uint32_t n = 0; n < kFrames; ++n) {
        INFO("frame " << n);
        CHECK(frames[n].width == 1280);
        CHECK(frames[n].height == 720);
        REQUIRE(frames[n].stamp);
        CHECK(frames[n].stamp->counter == n);
        CHECK(frames[n].stamp->captureUs == captureUs(n));
    }
    const auto sent = loop.sender().stats();
    const auto received = loop.receiver().stats();
    CHECK(sent.framesPushed == kFrames);
    CHECK(sent.framesEncoded == kFrames);
    CHECK(sent.keyframes == 1); // the first; no periodic keyframe within 3000 frames
    CHECK(received.packets == sent.packets);
    CHECK(received.sequenceGaps == 0);
    CHECK(received.framesDecoded == kFrames);
    CHECK(received.keyframeRequests == 0);
    CHECK(loop.keyframeStarts() == std::vector<std::uint32_t>{0});
    // MTU respected: no packet above 1200 bytes (checked through the byte count per packet).
    CHECK(sent.bytes <= sent.packets * 1200);
}

TEST_CASE("video stream: the otoscope's field stays black outside after the codec",
          "[video][gst]") {
    const VideoCodec codec = GENERATE(VideoCodec::vp8, VideoCodec::h264);
    INFO(codecLabel(codec));
    const auto field = *fieldOfView(SceneKind::otoscope, 1280, 720);
    std::atomic<int> checked{0};
    std::atomic<int> brightOutside{0};
    std::atomic<long> darkestInside{1000};
    VideoLoop loop({.codec = codec, .inspect = [&](const DecodedFrame& f) {
                        const I420View v = f.image;
                        const PixelRect label = frameLabelRect(v.width, v.height);
                        long insideSum = 0;
                        long inside = 0;
                        for (int y = 0; y < v.height; y += 2) {
                            for (int x = 0; x < v.width; x += 2) {
                                const double r = std::hypot(x - field.centreX, y - field.centreY);
                                const int luma = v.planes[0][y * v.strides[0] + x];
                                // A macroblock of margin: the codec blurs the rim.
                                const bool nearOverlay = x < label.x + label.width + 16 &&
                                                         y < label.y + label.height + 16;
                                if (r > field.radius + 16 && !nearOverlay) {
                                    brightOutside += luma > 24 ? 1 : 0;
                                } else if (r < field.radius - 16) {
                                    insideSum += luma;
                                    ++inside;
                                }
                            }
                        }
                        const long mean = insideSum / std::max(1L, inside);
                        long previous = darkestInside.load();
                        while (mean < previous &&
                               !darkestInside.compare_exchange_weak(previous, mean)) {
                        }
                        ++checked;
                    }});
    auto source = room(SceneKind::otoscope);
    pushFrames(loop, *source, 0, 30);
    loop.finish();
    CHECK(checked == 30);
    CHECK(brightOutside == 0);
    CHECK(darkestInside > 70);
    for (const auto& f : loop.frames()) {
        CHECK(f.stamp); // the stamp in the black corner reads too
    }
}

TEST_CASE("video stream: after a loss the picture freezes, the receiver asks for a keyframe, "
          "and the requested keyframe restores it",
          "[video][gst]") {
    const VideoCodec codec = GENERATE(VideoCodec::vp8, VideoCodec::h264);
    INFO(codecLabel(codec));
    constexpr std::uint32_t kLostFrame = 30;
    VideoLoop loop(
        {.codec = codec, .keep = [](const std::vector<std::uint8_t>&, std::uint32_t frame) {
             return frame != kLostFrame;
         }});
    auto source = room();
    pushFrames(loop, *source, 0, kLostFrame + 1);
    // Frames go on (one every few milliseconds) until the receiver has noticed the loss, as
    // they would while a PLI travels; bounded, and the test fails if it never notices.
    std::uint32_t n = kLostFrame + 1;
    for (; n < kLostFrame + 300 && loop.keyframeNeeded == 0; ++n) {
        pushFrames(loop, *source, n, n + 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(loop.keyframeNeeded > 0);
    CHECK(loop.lossReports > 0);
    const std::uint32_t requestedAt = n;
    loop.sender().requestKeyframe();
    pushFrames(loop, *source, n, n + 20);
    loop.finish();

    const auto frames = loop.frames();
    REQUIRE(frames.size() >= kLostFrame + 10);
    // Nothing corrupt was shown: every decoded frame carries its stamp, in increasing order.
    std::vector<std::uint32_t> counters;
    for (const auto& f : frames) {
        REQUIRE(f.stamp);
        counters.push_back(f.stamp->counter);
    }
    CHECK(std::is_sorted(counters.begin(), counters.end()));
    CHECK(std::adjacent_find(counters.begin(), counters.end()) == counters.end());
    for (std::uint32_t k = 0; k < kLostFrame; ++k) {
        CHECK(counters[k] == k);
    }
    // The lost frame and those that depended on it were never shown…
    CHECK(std::find(counters.begin(), counters.end(), kLostFrame) == counters.end());
    // The request lands on the next frame the encoder takes: up to two were queued before it.
    CHECK(counters[kLostFrame] + 2 >= requestedAt);
    // …and from the keyframe on, every frame was.
    CHECK(counters.back() == requestedAt + 19);
    const std::uint32_t resumed = counters[kLostFrame];
    CHECK(counters.size() == kLostFrame + (requestedAt + 20 - resumed));
    const auto keys = loop.keyframeStarts();
    REQUIRE(keys.size() == 2);
    CHECK(keys[1] == resumed);
    CHECK(loop.sender().stats().keyframes == 2);
    CHECK(loop.receiver().stats().sequenceGaps > 0);
}

TEST_CASE("video stream: a keyframe request is answered within the frames already queued",
          "[video][gst]") {
    const VideoCodec codec = GENERATE(VideoCodec::vp8, VideoCodec::h264);
    INFO(codecLabel(codec));
    VideoLoop loop({.codec = codec, .width = 640, .height = 360});
    auto source = VideoSource::synthetic({SceneKind::dermatoscope, 640, 360, 30, 2});
    REQUIRE(source.has_value());
    for (std::uint32_t n = 0; n < 40; ++n) {
        if (n == 20) {
            loop.sender().requestKeyframe();
        }
        auto frame = (*source)->next(captureUs(n));
        REQUIRE(frame.has_value());
        REQUIRE_FALSE(loop.sender().push(*frame));
    }
    loop.finish();
    const auto keys = loop.keyframeStarts();
    REQUIRE(keys.size() == 2);
    CHECK(keys[0] == 0);
    // At most the two frames waiting in the sender's queue precede it.
    CHECK(keys[1] >= 18);
    CHECK(keys[1] <= 20);
    CHECK(loop.sender().stats().keyframes == 2);
    CHECK(loop.receiver().stats().keyframesDecoded == 2);
    CHECK(loop.frames().size() == 40);
}

TEST_CASE("video stream: a lower bit rate takes effect while streaming, stamps still read",
          "[video][gst]") {
    const VideoCodec codec = GENERATE(VideoCodec::vp8, VideoCodec::h264);
    INFO(codecLabel(codec));
    VideoLoop loop({.codec = codec, .bitrate = 2'500'000});
    auto source = room();
    pushFrames(loop, *source, 0, 60);
    loop.sender().setBitrate(300'000);
    CHECK(loop.sender().bitrate() == 300'000);
    pushFrames(loop, *source, 60, 150);
    loop.finish();
    const auto bytes = loop.bytesPerFrame();
    REQUIRE(bytes.size() >= 150);
    // Steady state on each side (after the first keyframe, after the change has settled).
    const auto sum = [&](std::size_t from, std::size_t to) {
        return std::accumulate(bytes.begin() + static_cast<std::ptrdiff_t>(from),
                               bytes.begin() + static_cast<std::ptrdiff_t>(to), std::uint64_t{0});
    };
    const double before = static_cast<double>(sum(30, 60)) / 30 * 30 * 8; // bit/s
    const double after = static_cast<double>(sum(120, 150)) / 30 * 30 * 8;
    UNSCOPED_INFO("bit rate before " << before << " after " << after);
    // The encoders' quantiser ceiling keeps a moving 720p scene somewhat above 300 kbit/s.
    CHECK(before > 1'500'000);
    CHECK(after < 0.3 * before);
    const auto frames = loop.frames();
    REQUIRE(frames.size() == 150);
    for (std::uint32_t n = 0; n < 150; ++n) {
        REQUIRE(frames[n].stamp);
        CHECK(frames[n].stamp->counter == n);
    }
}

TEST_CASE("video receiver: the caller's sink takes the frames", "[video][gst]") {
    SECTION("a sink description") {
        auto receiver = VideoReceiver::start({.sinkDescription = "queue ! fakesink name=theirs"});
        REQUIRE(receiver.has_value());
        auto sender = VideoSender::start({.width = 640,
                                          .height = 360,
                                          .dropWhenBehind = false,
                                          .onPacket = [&](std::vector<std::uint8_t> p) {
                                              CHECK_FALSE((*receiver)->pushPacket(p));
                                          }});
        REQUIRE(sender.has_value());
        auto source = VideoSource::synthetic({SceneKind::roomCamera, 640, 360, 30, 1});
        for (std::uint32_t n = 0; n < 10; ++n) {
            REQUIRE_FALSE((*sender)->push(*(*source)->next(captureUs(n))));
        }
        REQUIRE_FALSE((*sender)->finish());
        REQUIRE_FALSE((*receiver)->finish());
        CHECK((*receiver)->stats().framesDecoded == 10);
        const auto last = (*receiver)->lastFrame();
        REQUIRE(last.has_value());
        REQUIRE(last->stamp);
        CHECK(last->stamp->counter == 9);
        CHECK(last->frame.width() == 640);
        CHECK(last->frame.captureUs == captureUs(9));
    }
    SECTION("a factory hook") {
        int made = 0;
        auto receiver = VideoReceiver::start({.makeSink = [&] {
            ++made;
            return gst_element_factory_make("fakesink", "hooked");
        }});
        REQUIRE(receiver.has_value());
        CHECK(made == 1);
        CHECK((*receiver)->lastFrame().error() == make_error_code(VideoErrc::noFrame));
    }
    SECTION("a description that does not parse") {
        CHECK(VideoReceiver::start({.sinkDescription = "no-such-sink-element"}).error() ==
              make_error_code(VideoErrc::pipelineFailed));
    }
}

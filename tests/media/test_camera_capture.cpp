// The doctor's camera: without a webcam, a labelled test pattern (the label is in the pixels),
// at the size asked; encoded by the video sender and decoded by a receiver as the cabin would;
// turned off, no frame leaves.
#include "tc/media/camera_capture.hpp"
#include "tc/media/gst_runtime.hpp"
#include "tc/media/video_receiver.hpp"
#include "tc/media/video_sender.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <thread>

using namespace tc::media;
using namespace std::chrono_literals;

TEST_CASE("doctor's camera: a labelled test pattern, encoded and decoded, and off",
          "[video][camera]") {
    std::mutex mutex;
    std::vector<VideoFrame> captured;
    std::atomic<int> decoded{0};
    std::atomic<int> decodedWidth{0};

    VideoReceiverConfig receive;
    receive.codec = VideoCodec::vp8;
    receive.payloadType = 100;
    receive.onFrame = [&](const DecodedFrame& frame) {
        decodedWidth = frame.image.width;
        ++decoded;
    };
    auto receiver = VideoReceiver::start(receive).value();
    VideoSenderConfig send;
    send.codec = VideoCodec::vp8;
    send.width = 640;
    send.height = 360;
    send.payloadType = 100;
    send.bitrateBps = 800'000;
    send.onPacket = [&](std::vector<std::uint8_t> packet) {
        receiver->pushPacket(packet);
    };
    auto sender = VideoSender::start(send).value();

    CameraConfig config;
    config.source = "test";
    config.onFrame = [&](const VideoFrame& frame) {
        sender->push(frame);
        std::lock_guard lock(mutex);
        if (captured.size() < 3) {
            captured.push_back(frame);
        }
    };
    auto camera = CameraCapture::start(config).value();
    CHECK(camera->testPattern());
    CHECK(camera->description() == "test pattern");
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (decoded < 20 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
    }
    CHECK(decoded >= 20);
    CHECK(decodedWidth == 640);
    {
        std::lock_guard lock(mutex);
        REQUIRE_FALSE(captured.empty());
        const auto& frame = captured.front();
        CHECK(frame.width() == 640);
        CHECK(frame.height() == 360);
        // The label's white strokes sit on the pattern's dark bottom band, bottom left.
        const auto view = frame.view();
        int white = 0;
        for (int y = frame.height() - 40; y < frame.height() - 16; ++y) {
            for (int x = 16; x < 400; ++x) {
                white += view.planes[0][y * view.strides[0] + x] > 200 ? 1 : 0;
            }
        }
        CHECK(white > 300);
    }

    camera->setEnabled(false);
    std::this_thread::sleep_for(100ms); // what was in flight
    const auto before = camera->frames();
    std::this_thread::sleep_for(300ms);
    CHECK(camera->frames() == before);
    CHECK_FALSE(camera->enabled());
    camera.reset();
    sender->finish();
}

TEST_CASE("doctor's camera: a source that cannot start is refused", "[video][camera]") {
    CameraConfig config;
    config.source = "no-such-element-xyz";
    CHECK_FALSE(CameraCapture::start(config));
    config.source = "test";
    config.width = 641;
    CHECK(CameraCapture::start(config).error() == MediaErrc::unsupportedFormat);
}

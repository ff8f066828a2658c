// Measurements, not tests (hidden: run with "[.video-measure]"): how fast the simulated
// sources render, the encoders encode and the receiver decodes 720p on this machine. Printed
// as JSON lines; nothing is asserted on time. telecabine-bench is where figures are compared.
#include "test_video_support.hpp"

#include "tc/media/video_frame_code.hpp"

#include <algorithm>
#include <iostream>
#include <sys/resource.h>

using namespace tc::test;
using namespace tc::media;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU time of the whole process (all GStreamer threads), which a shared machine disturbs less
// than the wall clock.
double cpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

} // namespace

TEST_CASE("video measure: source rendering, encoding and decoding at 720p", "[.video-measure]") {
    constexpr std::uint32_t kFrames = 150;
    for (const SceneKind kind :
         {SceneKind::roomCamera, SceneKind::otoscope, SceneKind::dermatoscope}) {
        auto source = VideoSource::synthetic({kind, 1280, 720, 30, 1});
        REQUIRE(source.has_value());
        const auto start = std::chrono::steady_clock::now();
        const double cpu = cpuSeconds();
        for (std::uint32_t n = 0; n < kFrames; ++n) {
            REQUIRE((*source)->next(captureUs(n)).has_value());
        }
        std::cout << R"({"measure":"render","scene":")" << sceneName(kind) << R"(","fps":)"
                  << kFrames / secondsSince(start) << R"(,"cpu_ms":)"
                  << (cpuSeconds() - cpu) * 1000 / kFrames << "}\n";
    }
    for (const VideoCodec codec : {VideoCodec::vp8, VideoCodec::h264}) {
        // Frames rendered first, packets collected: then each stage is timed alone.
        auto source = VideoSource::synthetic({SceneKind::roomCamera, 1280, 720, 30, 1});
        std::vector<VideoFrame> frames;
        for (std::uint32_t n = 0; n < kFrames; ++n) {
            frames.push_back(*(*source)->next(captureUs(n)));
        }
        std::mutex mutex;
        std::vector<std::vector<std::uint8_t>> packets;
        auto sender = startCollectingSender(codec, mutex, packets);
        REQUIRE(sender.has_value());
        auto start = std::chrono::steady_clock::now();
        double cpu = cpuSeconds();
        for (const auto& frame : frames) {
            REQUIRE_FALSE((*sender)->push(frame));
        }
        REQUIRE_FALSE((*sender)->finish());
        const double encodeFps = kFrames / secondsSince(start);
        const double encodeCpuMs = (cpuSeconds() - cpu) * 1000 / kFrames;
        std::atomic<std::uint32_t> decoded{0};
        auto receiver = VideoReceiver::start({.codec = codec,
                                              .jitterLatency = std::chrono::milliseconds(0),
                                              .onFrame = [&](const DecodedFrame&) {
                                                  ++decoded;
                                              }});
        REQUIRE(receiver.has_value());
        start = std::chrono::steady_clock::now();
        cpu = cpuSeconds();
        for (const auto& packet : packets) {
            REQUIRE_FALSE((*receiver)->pushPacket(packet));
        }
        REQUIRE_FALSE((*receiver)->finish());
        const double decodeFps = decoded / secondsSince(start);
        const double decodeCpuMs = (cpuSeconds() - cpu) * 1000 / std::max(1u, decoded.load());
        std::cout << R"({"measure":"codec","codec":")" << codecLabel(codec) << R"(","encode_fps":)"
                  << encodeFps << R"(,"encode_cpu_ms":)" << encodeCpuMs << R"(,"decode_fps":)"
                  << decodeFps << R"(,"decode_cpu_ms":)" << decodeCpuMs << R"(,"decoded":)"
                  << decoded << R"(,"kbit_per_s":)"
                  << (*sender)->stats().bytes * 8.0 / (kFrames / 30.0) / 1000 << "}\n";
    }
}

// How long the console's receiver holds a frame: packets of each pre-encoded frame pushed at
// 30 frames/s in real time, from the frame's first packet to its decoded picture, with the
// jitter buffer's 50 ms reorder window and without one. In order, the window costs nothing:
// rtpjitterbuffer pushes the next expected packet at once and waits only across a gap.
TEST_CASE("video measure: receive-to-decoded delay, with and without the reorder window",
          "[.video-measure]") {
    constexpr std::uint32_t kFrames = 90;
    auto source = VideoSource::synthetic({SceneKind::roomCamera, 1280, 720, 30, 1});
    std::vector<std::vector<std::vector<std::uint8_t>>> byFrame(kFrames);
    std::mutex mutex;
    std::uint32_t current = 0;
    auto sender = VideoSender::start(
        {.dropWhenBehind = false, .onPacket = [&](std::vector<std::uint8_t> p) {
             std::lock_guard lock(mutex);
             byFrame[std::min(current, kFrames - 1)].push_back(std::move(p));
         }});
    REQUIRE(sender.has_value());
    for (std::uint32_t n = 0; n < kFrames; ++n) {
        REQUIRE_FALSE((*sender)->push(*(*source)->next(captureUs(n))));
        while ((*sender)->stats().framesEncoded < n + 1) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        std::lock_guard lock(mutex);
        current = n + 1;
    }
    REQUIRE_FALSE((*sender)->finish());
    for (const int window : {0, 50}) {
        std::vector<std::chrono::steady_clock::time_point> pushed(kFrames);
        std::vector<double> delays;
        std::mutex delaysMutex;
        auto receiver = VideoReceiver::start(
            {.jitterLatency = std::chrono::milliseconds(window),
             .onFrame = [&](const DecodedFrame& frame) {
                 const auto stamp = readFrameCode(frame.image);
                 if (!stamp) {
                     return;
                 }
                 const auto n = stamp->counter;
                 std::lock_guard lock(delaysMutex);
                 delays.push_back(std::chrono::duration<double, std::milli>(
                                      std::chrono::steady_clock::now() - pushed[n])
                                      .count());
             }});
        REQUIRE(receiver.has_value());
        const auto start = std::chrono::steady_clock::now();
        for (std::uint32_t n = 0; n < kFrames; ++n) {
            std::this_thread::sleep_until(start + std::chrono::microseconds(33'333) * n);
            {
                std::lock_guard lock(delaysMutex);
                pushed[n] = std::chrono::steady_clock::now();
            }
            for (const auto& packet : byFrame[n]) {
                REQUIRE_FALSE((*receiver)->pushPacket(packet));
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        (*receiver).reset();
        std::lock_guard lock(delaysMutex);
        std::sort(delays.begin(), delays.end());
        REQUIRE(delays.size() > kFrames / 2);
        std::cout << R"({"measure":"receive-to-decoded","jitter_window_ms":)" << window
                  << R"(,"frames":)" << delays.size() << R"(,"p50_ms":)"
                  << delays[delays.size() / 2] << R"(,"p95_ms":)"
                  << delays[delays.size() * 95 / 100] << "}\n";
    }
}

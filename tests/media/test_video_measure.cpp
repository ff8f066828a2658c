// Measurements, not tests (hidden: run with "[.video-measure]"): how fast the simulated
// sources render, the encoders encode and the receiver decodes 720p on this machine. Printed
// as JSON lines; nothing is asserted on time. telecabine-bench is where figures are compared.
#include "test_video_support.hpp"

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
        auto sender = VideoSender::start(
            {.codec = codec, .dropWhenBehind = false, .onPacket = [&](std::vector<std::uint8_t> p) {
                 std::lock_guard lock(mutex);
                 packets.push_back(std::move(p));
             }});
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

#pragma once
// A live camera in a test: `source`'s frames pushed into `sender` at 30 fps, stamped with the
// monotonic clock, on a thread of their own until it is stopped (test_video_panel.cpp,
// test_video_surface.cpp).

#include "tc/media/video_sender.hpp"
#include "tc/media/video_source.hpp"

#include <chrono>
#include <cstdint>
#include <thread>

namespace tc::test {

inline std::jthread pumpFrames(media::VideoSource& source, media::VideoSender& sender) {
    return std::jthread([&source, &sender](std::stop_token stop) {
        const auto start = std::chrono::steady_clock::now();
        for (int n = 0; !stop.stop_requested(); ++n) {
            std::this_thread::sleep_until(start + n * std::chrono::microseconds(33333));
            const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::steady_clock::now().time_since_epoch());
            if (auto frame = source.next(static_cast<std::uint64_t>(now.count()))) {
                sender.push(*frame);
            }
        }
    });
}

} // namespace tc::test

#pragma once
// What the audio tests measure: the power of 16-bit samples, and what a headless player
// rendered (collected on GStreamer's thread, read on the test's).

#include "tc/media/stethoscope_player.hpp"

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

namespace tc::media::test {

// The mean of the squared samples (full scale 32768²); 0 for none.
inline double meanSquare(std::span<const std::int16_t> x) {
    double sum = 0;
    for (const auto v : x) {
        sum += static_cast<double>(v) * v;
    }
    return sum / static_cast<double>(std::max<std::size_t>(1, x.size()));
}

// A player's output without a sound card (sink "none"): every sample it renders, kept.
struct RenderedAudio {
    std::mutex mutex;
    std::vector<std::int16_t> samples;

    PlayerConfig headless() {
        PlayerConfig config;
        config.sink = "none";
        config.onRendered = [this](std::span<const std::int16_t> s) {
            const std::lock_guard lock(mutex);
            samples.insert(samples.end(), s.begin(), s.end());
        };
        return config;
    }
};

} // namespace tc::media::test

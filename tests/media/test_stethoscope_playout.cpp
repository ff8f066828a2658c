// The listening path: the playout jitter buffer on a simulated clock (order, concealment, late
// frames, adaptation to jitter), and the player through a real GStreamer pipeline to a
// clock-synchronised sink: what comes out keeps its level (no AGC, no noise suppression).
#include "audio_checks.hpp"
#include "tc/media/jitter_buffer.hpp"
#include "tc/media/stethoscope_player.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <mutex>
#include <numbers>
#include <thread>

using namespace tc::media;
using namespace std::chrono_literals;
using Clock = AudioJitterBuffer::Clock;

namespace {

std::vector<std::int16_t> frameOf(std::uint32_t index) {
    return std::vector<std::int16_t>(480, static_cast<std::int16_t>(index + 1));
}

} // namespace

TEST_CASE("jitter buffer: in order after the initial delay, concealment for a missing frame",
          "[stetho][jitter]") {
    AudioJitterBuffer buffer({48000, 480, 20ms, 120ms});
    const auto t0 = Clock::now();
    CHECK_FALSE(buffer.pop(t0));
    for (std::uint32_t i = 0; i < 3; ++i) {
        buffer.push(i * 480, frameOf(i), t0 + i * 10ms);
    }
    CHECK_FALSE(buffer.pop(t0 + 10ms)); // still within the initial 20 ms
    auto f = buffer.pop(t0 + 20ms);
    REQUIRE(f);
    CHECK_FALSE(f->concealed);
    CHECK(f->samples == frameOf(0));
    // Frame 3 is lost; 4 and 5 arrive.
    buffer.push(4 * 480, frameOf(4), t0 + 40ms);
    buffer.push(5 * 480, frameOf(5), t0 + 50ms);
    CHECK(buffer.pop(t0 + 30ms)->samples == frameOf(1));
    CHECK(buffer.pop(t0 + 40ms)->samples == frameOf(2));
    f = buffer.pop(t0 + 50ms);
    REQUIRE(f);
    CHECK(f->concealed); // frame 3: the last frame, fading
    CHECK(f->samples[0] == std::lround(3 * 0.66));
    buffer.push(3 * 480, frameOf(3), t0 + 55ms); // its retransmission, too late to play
    CHECK(buffer.pop(t0 + 60ms)->samples == frameOf(4));
    CHECK(buffer.pop(t0 + 70ms)->samples == frameOf(5));
    const auto stats = buffer.stats();
    CHECK(stats.played == 5);
    CHECK(stats.concealed == 1);
    CHECK(stats.late == 1);
}

TEST_CASE("jitter buffer: the delay follows measured jitter within its bounds",
          "[stetho][jitter]") {
    AudioJitterBuffer steady({48000, 480, 20ms, 120ms});
    AudioJitterBuffer jittery({48000, 480, 20ms, 120ms});
    const auto t0 = Clock::now();
    std::uint32_t seed = 1;
    for (std::uint32_t i = 0; i < 500; ++i) {
        steady.push(i * 480, frameOf(i), t0 + i * 10ms);
        seed = seed * 1103515245 + 12345;
        const auto extra = std::chrono::milliseconds((seed >> 16) % 30); // 0-29 ms late
        jittery.push(i * 480, frameOf(i), t0 + i * 10ms + extra);
    }
    CHECK(steady.stats().targetDelayMs == Approx(20).margin(0.5));
    CHECK(jittery.stats().targetDelayMs > 40);
    CHECK(jittery.stats().targetDelayMs <= 120);

    // Played against its adaptive delay, the jittery stream needs little concealment.
    AudioJitterBuffer live({48000, 480, 20ms, 120ms});
    std::vector<std::pair<Clock::time_point, std::uint32_t>> arrivals;
    seed = 7;
    for (std::uint32_t i = 0; i < 1000; ++i) {
        seed = seed * 1103515245 + 12345;
        arrivals.emplace_back(t0 + i * 10ms + std::chrono::milliseconds((seed >> 16) % 30), i);
    }
    std::sort(arrivals.begin(), arrivals.end());
    std::size_t next = 0;
    for (auto now = t0; now < t0 + 10s; now += 10ms) {
        // Everything that has arrived by now is pushed before this tick's pop.
        for (; next < arrivals.size() && arrivals[next].first <= now; ++next) {
            live.push(arrivals[next].second * 480, frameOf(arrivals[next].second),
                      arrivals[next].first);
        }
        live.pop(now);
    }
    const auto stats = live.stats();
    INFO("played " << stats.played << ", concealed " << stats.concealed << ", late " << stats.late
                   << ", target " << stats.targetDelayMs << " ms");
    CHECK(stats.concealed < stats.played / 50); // under 2 %
}

TEST_CASE("player: a steady tone keeps its level for 10 s through filter and gain (no AGC, no NS)",
          "[stetho][gst][player]") {
    auto buffer = std::make_shared<AudioJitterBuffer>(JitterBufferConfig{48000, 480, 20ms, 120ms});
    test::RenderedAudio audio;
    auto player = StethoscopePlayer::start(buffer, audio.headless());
    REQUIRE(player);
    (*player)->setMode(FilterMode::bell);
    (*player)->setGainDb(20);
    // A -30 dBFS 100 Hz tone, fed in real time as the network would.
    const auto start = Clock::now();
    std::uint32_t sample = 0;
    for (std::uint32_t i = 0; i < 1100; ++i) {
        std::vector<std::int16_t> frame(480);
        for (auto& s : frame) {
            s = static_cast<std::int16_t>(
                std::lround(1036.0 * std::sin(2 * std::numbers::pi * 100.0 * sample++ / 48000)));
        }
        buffer->push(i * 480, frame, Clock::now());
        std::this_thread::sleep_until(start + (i + 1) * 10ms);
    }
    std::this_thread::sleep_for(100ms);
    player->reset();
    std::lock_guard lock(audio.mutex);
    const auto& rendered = audio.samples;
    // Skip the start (silence before the first frame, filter settling), then 1 s windows.
    const auto first = std::find_if(rendered.begin(), rendered.end(),
                                    [](std::int16_t s) { return std::abs(s) > 100; });
    REQUIRE(first != rendered.end());
    const std::size_t begin = static_cast<std::size_t>(first - rendered.begin()) + 48000;
    REQUIRE(rendered.size() >= begin + 48000 * 9);
    std::vector<double> levels;
    for (std::size_t w = 0; w < 9; ++w) {
        double sum = 0;
        for (std::size_t i = 0; i < 48000; ++i) {
            const double v = rendered[begin + w * 48000 + i];
            sum += v * v;
        }
        levels.push_back(10 * std::log10(sum / 48000));
    }
    const auto [low, high] = std::minmax_element(levels.begin(), levels.end());
    INFO("levels from " << *low << " to " << *high << " dB");
    CHECK(*high - *low < 0.5);
    // And the gain was applied: -30 dBFS + 20 dB + bell emphasis at 100 Hz (+6 dB) ~ -4 dBFS,
    // softened by the limiter's knee.
    CHECK(*high > 20 * std::log10(32768.0 * 0.5 / std::sqrt(2.0)));
}

// Echo cancellation on the voice path, measured: the far end's voice plays through the real
// player with its echo probe, comes back into the microphone as an echo (delayed and
// attenuated, as a room would), and goes through the real webrtcdsp with noise suppression and
// gain control on, as deployed. The echo return loss enhancement must reach 20 dB; the near
// end's own voice still comes through.
#include "tc/media/jitter_buffer.hpp"
#include "tc/media/stethoscope_player.hpp"
#include "tc/media/voice_capture.hpp"
#include "tc/media/voice_stream.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <deque>
#include <mutex>
#include <thread>

using namespace tc::media;
using namespace std::chrono_literals;

namespace {

double powerOf(std::span<const std::int16_t> x) {
    double sum = 0;
    for (const auto v : x) {
        sum += static_cast<double>(v) * v;
    }
    return sum / static_cast<double>(std::max<std::size_t>(1, x.size()));
}

struct EchoRoom {
    std::mutex mutex;
    std::deque<std::int16_t> delayLine; // what the speaker played, on its way to the microphone
    std::vector<std::int16_t> echoIn;   // what the microphone picked up
    std::vector<std::int16_t> processed;
};

} // namespace

TEST_CASE("voice capture: echo cancelled by at least 20 dB, the near end kept", "[voice][aec]") {
    // As deployed (with noise suppression and gain control), and the canceller alone.
    const bool wholeChain = GENERATE(true, false);
    CAPTURE(wholeChain);
    constexpr int kSeconds = 12;
    EchoRoom room;
    // The far end: the other side's voice, played through the player with its probe. What the
    // sink renders is what the loudspeaker emits.
    auto farEnd = std::make_shared<AudioJitterBuffer>(JitterBufferConfig{48000, 480});
    PlayerConfig speaker;
    speaker.sink = "none";
    speaker.echoProbe = wholeChain ? "tc-test-echo-probe-1" : "tc-test-echo-probe-2";
    speaker.onRendered = [&](std::span<const std::int16_t> samples) {
        std::lock_guard lock(room.mutex);
        room.delayLine.insert(room.delayLine.end(), samples.begin(), samples.end());
    };
    auto player = StethoscopePlayer::start(farEnd, speaker);
    REQUIRE(player);
    (*player)->setMode(FilterMode::raw);
    (*player)->setGainDb(0);

    VoiceCaptureConfig microphone;
    microphone.source = "feed";
    microphone.echoProbe = speaker.echoProbe;
    microphone.noiseSuppression = wholeChain;
    microphone.gainControl = wholeChain;
    microphone.onFrame = [&](std::span<const std::int16_t> frame) {
        std::lock_guard lock(room.mutex);
        room.processed.insert(room.processed.end(), frame.begin(), frame.end());
    };
    auto capture = VoiceCapture::start(microphone);
    REQUIRE(capture);

    // 40 ms of acoustic path, -6 dB, and a little room noise; the far end talks throughout,
    // the near end only in the last two seconds.
    auto farTalker = VoiceSource::synthetic(21);
    auto nearTalker = VoiceSource::synthetic(22);
    {
        std::lock_guard lock(room.mutex); // the acoustic path: 40 ms
        room.delayLine.assign(48 * 40, 0);
    }
    std::vector<std::int16_t> farFrame(480);
    std::vector<std::int16_t> nearFrame(480);
    std::vector<std::int16_t> nearFed;
    std::uint32_t timestamp = 0;
    const auto start = std::chrono::steady_clock::now();
    std::uint32_t noise = 1;
    const int farFrames = (kSeconds - 2) * 100;
    for (int i = 0; i < kSeconds * 100; ++i) {
        if (i < farFrames) {
            farTalker.render(farFrame);
        } else {
            std::fill(farFrame.begin(), farFrame.end(), std::int16_t{0});
        }
        farEnd->push(timestamp, farFrame, std::chrono::steady_clock::now());
        timestamp += 480;
        // The microphone hears what the speaker played 40 ms before, sample for sample: wait
        // for the player if the machine is slow, so that the echo path never changes.
        std::vector<std::int16_t> mic(480, 0);
        const auto waitUntil = std::chrono::steady_clock::now() + 500ms;
        for (;;) {
            std::unique_lock lock(room.mutex);
            if (room.delayLine.size() >= mic.size() ||
                std::chrono::steady_clock::now() > waitUntil) {
                for (auto& v : mic) {
                    if (room.delayLine.empty()) {
                        break;
                    }
                    v = static_cast<std::int16_t>(room.delayLine.front() / 2);
                    room.delayLine.pop_front();
                }
                break;
            }
            lock.unlock();
            std::this_thread::sleep_for(1ms);
        }
        if (i >= farFrames) {
            nearTalker.render(nearFrame);
            for (std::size_t k = 0; k < mic.size(); ++k) {
                mic[k] = static_cast<std::int16_t>(mic[k] + nearFrame[k]);
            }
            nearFed.insert(nearFed.end(), nearFrame.begin(), nearFrame.end());
        }
        for (auto& v : mic) {
            noise = noise * 1664525u + 1013904223u;
            v = static_cast<std::int16_t>(v + static_cast<int>(noise >> 28) - 8);
        }
        {
            std::lock_guard lock(room.mutex);
            room.echoIn.insert(room.echoIn.end(), mic.begin(), mic.end());
        }
        (*capture)->feed(mic);
        std::this_thread::sleep_until(start + (i + 1) * 10ms);
    }
    std::this_thread::sleep_for(200ms);
    capture->reset();
    player->reset();

    std::lock_guard lock(room.mutex);
    REQUIRE(room.processed.size() >= static_cast<std::size_t>((kSeconds - 1) * 48000));
    // Far-end single talk, after six seconds of convergence, while the far end is loud enough
    // to measure: the echo that went in against what came out, frame by frame.
    double in = 0;
    double out = 0;
    const std::size_t from = 6 * 48000;
    const std::size_t to = static_cast<std::size_t>(farFrames) * 480 - 48000 / 10;
    for (std::size_t at = from; at + 480 <= to && at + 480 <= room.processed.size(); at += 480) {
        const double echo = powerOf(std::span(room.echoIn).subspan(at, 480));
        if (echo < 1e4) { // below -35 dBFS: a pause in the far end's speech
            continue;
        }
        in += echo;
        out += powerOf(std::span(room.processed).subspan(at, 480));
    }
    REQUIRE(in > 0);
    const double erle = 10 * std::log10(in / std::max(out, 1.0));
    WARN("ERLE " << erle << " dB" << (wholeChain ? " (AEC, NS, AGC)" : " (AEC alone)"));
    // The target is the deployed chain's; the canceller alone must do most of the work.
    CHECK(erle >= (wholeChain ? 20.0 : 12.0));
    // Near-end single talk: the doctor's own voice is not taken for echo.
    const auto nearOut = std::span(room.processed)
                             .subspan(static_cast<std::size_t>(farFrames) * 480 + 48000 / 2, 48000);
    const auto nearIn = std::span(nearFed).subspan(48000 / 2, 48000);
    CHECK(10 * std::log10(powerOf(nearOut) / powerOf(nearIn)) > -10.0);
}

TEST_CASE("voice capture: a missing echo probe is refused, mute gives silence", "[voice]") {
    VoiceCaptureConfig config;
    config.source = "feed";
    config.echoProbe = "tc-no-such-probe";
    CHECK_FALSE(VoiceCapture::start(config));

    std::mutex mutex;
    std::vector<std::int16_t> out;
    config.echoProbe.clear(); // no far end yet: noise suppression and gain only
    config.onFrame = [&](std::span<const std::int16_t> frame) {
        std::lock_guard lock(mutex);
        out.insert(out.end(), frame.begin(), frame.end());
    };
    auto capture = VoiceCapture::start(config).value();
    capture->setMuted(true);
    auto talker = VoiceSource::synthetic(5);
    std::vector<std::int16_t> frame(480);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) {
        talker.render(frame);
        capture->feed(frame);
        std::this_thread::sleep_until(start + (i + 1) * 10ms);
    }
    std::this_thread::sleep_for(100ms);
    std::lock_guard lock(mutex);
    CHECK(out.size() >= 48000 - 2 * 960);
    CHECK(std::all_of(out.begin(), out.end(), [](std::int16_t v) { return v == 0; }));
    CHECK(capture->stats().samplesFed == 48000);
}

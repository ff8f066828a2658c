// Echo cancellation on the voice path, measured: the far end's voice plays through the real
// player with its echo probe, comes back into the microphone as an echo (delayed and
// attenuated, as a room would), and goes through the real webrtcdsp with noise suppression and
// gain control on, as deployed. The echo return loss enhancement must reach 20 dB; the near
// end's own voice still comes through.
#include "audio_checks.hpp"
#include "tc/media/jitter_buffer.hpp"
#include "tc/media/stethoscope_player.hpp"
#include "tc/media/voice_capture.hpp"
#include "tc/media/voice_stream.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

using namespace tc::media;
using namespace std::chrono_literals;

namespace {

double powerOf(std::span<const std::int16_t> x) {
    return test::meanSquare(x);
}

// The room, on the clock: what the speaker played is kept by the moment it was due (in 48 kHz
// sample ticks of steady_clock), and the microphone hears it 40 ms later at half amplitude. A
// speaker that stalls leaves silence in the room, as a real one would, so the echo path the
// canceller must find is the one its timestamps describe, however loaded the machine is.
struct EchoRoom {
    static constexpr std::int64_t kRate = 48000;
    static constexpr std::int64_t kPathSamples = kRate * 40 / 1000;

    static std::int64_t tickOf(std::chrono::steady_clock::time_point t) {
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
        constexpr std::int64_t kSecond = 1'000'000'000; // split, so that uptime cannot overflow
        return ns.count() / kSecond * kRate + ns.count() % kSecond * kRate / kSecond;
    }

    void played(std::span<const std::int16_t> samples, std::chrono::steady_clock::time_point due) {
        std::lock_guard lock(mutex);
        auto tick = tickOf(due);
        const auto end = origin + static_cast<std::int64_t>(air.size());
        if (air.empty()) {
            origin = tick;
        } else if (std::abs(tick - end) <= 2) {
            tick = end; // the same stream, give or take the clock conversion's rounding
        } else if (tick > end) {
            air.insert(air.end(), static_cast<std::size_t>(tick - end), 0); // a stall: silence
        }
        for (const auto v : samples) {
            const auto at = tick++ - origin;
            if (at >= static_cast<std::int64_t>(air.size())) {
                air.push_back(v);
            } else if (at >= 0) {
                air[static_cast<std::size_t>(at)] = v;
            }
        }
    }

    bool heardUntil(std::int64_t micTick) {
        std::lock_guard lock(mutex);
        return !air.empty() &&
               origin + static_cast<std::int64_t>(air.size()) >= micTick - kPathSamples;
    }

    // What the microphone picks up of the speaker over [micTick, micTick + out.size()).
    void echoInto(std::int64_t micTick, std::span<std::int16_t> out) {
        std::lock_guard lock(mutex);
        for (std::size_t k = 0; k < out.size(); ++k) {
            const auto at = micTick + static_cast<std::int64_t>(k) - kPathSamples - origin;
            out[k] = at >= 0 && at < static_cast<std::int64_t>(air.size())
                         ? static_cast<std::int16_t>(air[static_cast<std::size_t>(at)] / 2)
                         : std::int16_t{0};
        }
    }

    std::mutex mutex;
    std::int64_t origin = 0; // the tick of air[0]
    std::deque<std::int16_t> air;
    std::vector<std::int16_t> echoIn; // what the microphone picked up
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
    speaker.onRenderedAt = [&](std::span<const std::int16_t> samples,
                               std::chrono::steady_clock::time_point due) {
        room.played(samples, due);
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
    // the near end only in the last two seconds. The speaker plays (silence) before the
    // microphone starts, as in a call.
    auto farTalker = VoiceSource::synthetic(21);
    auto nearTalker = VoiceSource::synthetic(22);
    for (int waited = 0;
         !room.heardUntil(EchoRoom::tickOf(std::chrono::steady_clock::now())) && waited < 2000;
         ++waited) {
        std::this_thread::sleep_for(1ms);
    }
    std::this_thread::sleep_for(50ms);
    std::vector<std::int16_t> farFrame(480);
    std::vector<std::int16_t> nearFrame(480);
    std::vector<std::int16_t> nearFed;
    std::uint32_t timestamp = 0;
    const auto start = std::chrono::steady_clock::now();
    // The microphone's clock is regular from its first sample (VoiceCapture stamps fed frames
    // by count from the first feed, right below).
    const auto micOrigin = EchoRoom::tickOf(start);
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
        // This frame hears what the speaker played 40 ms before it: wait for the player if the
        // machine is slow (what it never played is silence).
        const auto micTick = micOrigin + std::int64_t{480} * i;
        const auto waitUntil = std::chrono::steady_clock::now() + 500ms;
        while (i > 0 && !room.heardUntil(micTick + 480) &&
               std::chrono::steady_clock::now() < waitUntil) {
            std::this_thread::sleep_for(1ms);
        }
        std::vector<std::int16_t> mic(480, 0);
        room.echoInto(micTick, mic);
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
    INFO("the speaker's air: " << room.air.size() << " samples");
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

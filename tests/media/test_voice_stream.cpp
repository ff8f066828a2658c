// The cabin's voice: the synthetic talker sounds like speech (syllables and pauses, in the speech
// band), travels as its own Opus stream, and plays in the console beside the stethoscope, each
// with its own volume through the real GStreamer output.
#include "audio_checks.hpp"
#include "tc/media/stethoscope_player.hpp"
#include "tc/media/stethoscope_receiver.hpp"
#include "tc/media/voice_stream.hpp"
#include "tc/protocol/packets.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <mutex>
#include <thread>

using namespace tc::media;
using namespace std::chrono_literals;

namespace {

double rmsDb(std::span<const std::int16_t> x) {
    return 10 * std::log10(std::max(test::meanSquare(x), 1e-9) / (32768.0 * 32768.0));
}

} // namespace

TEST_CASE("the synthetic talker: deterministic, syllables and pauses, speech level", "[voice]") {
    auto a = VoiceSource::synthetic(3);
    auto b = VoiceSource::synthetic(3);
    auto c = VoiceSource::synthetic(4);
    std::vector<std::int16_t> x(48000 * 10);
    std::vector<std::int16_t> y(x.size());
    std::vector<std::int16_t> z(x.size());
    a.render(x);
    b.render(y);
    c.render(z);
    CHECK(x == y);
    CHECK(x != z);
    // In 20 ms frames: some loud (vowels), some near silent (pauses between words).
    int loud = 0;
    int quiet = 0;
    for (std::size_t at = 0; at + 960 <= x.size(); at += 960) {
        const double level = rmsDb(std::span(x).subspan(at, 960));
        loud += level > -35 ? 1 : 0;
        quiet += level < -55 ? 1 : 0;
    }
    CHECK(loud > 100); // over 2 s of voicing in 10 s
    CHECK(quiet > 25); // over half a second of pauses
    CHECK(rmsDb(x) > -40);
    CHECK(rmsDb(x) < -12);
}

TEST_CASE("voice over Opus: 20 ms packets of its own payload type, decoded in order", "[voice]") {
    VoiceFormat format;
    auto packetizer = VoicePacketizer::create(format, 0x70C0A001, 1, 0).value();
    auto receiver = VoiceReceiver::create(format).value();
    auto talker = VoiceSource::synthetic(5);
    std::vector<std::int16_t> frame(960);
    std::vector<std::int16_t> sent;
    for (int i = 0; i < 100; ++i) {
        talker.render(frame);
        sent.insert(sent.end(), frame.begin(), frame.end());
        const auto packet = packetizer.packetize(frame).value();
        const auto header = tc::protocol::parseRtp(packet).value();
        CHECK(header.payloadType == 111);
        CHECK(header.timestamp == static_cast<std::uint32_t>(i * 960));
        CHECK(header.payloadSize < 200); // about 32 kbit/s
        receiver->onPacket(packet);
    }
    // A stethoscope packet is not voice.
    StethoscopeFormat steth;
    auto stethoscope = StethoscopePacketizer::create(steth, 1, 1, 0).value();
    receiver->onPacket(
        stethoscope.packetize(std::vector<std::int16_t>(480), AuscultationSite::mitral).value());
    CHECK(receiver->foreign() == 1);
    std::vector<std::int16_t> decoded;
    const auto later = std::chrono::steady_clock::now() + 1s;
    while (auto out = receiver->playout()->pop(later)) {
        if (out->concealed) {
            break;
        }
        decoded.insert(decoded.end(), out->samples.begin(), out->samples.end());
    }
    // All at once is more than the playout delay wants: it may drop a frame or two to catch up.
    REQUIRE(decoded.size() >= sent.size() - 2 * 960);
    REQUIRE(decoded.size() <= sent.size());
    CHECK(std::abs(rmsDb(decoded) - rmsDb(sent)) < 2.0); // the talker's level survives
}

TEST_CASE("stethoscope and cabin voice play together, each with its own volume", "[voice]") {
    // Both through the real GStreamer output (a clock-synchronised sink standing for the
    // headset), fed continuously; what each renders is measured separately.
    StethoscopeReceiver stethoscope(StethoscopeFormat{});
    auto voice = VoiceReceiver::create(VoiceFormat{}).value();
    std::mutex mutex;
    std::vector<std::int16_t> heardSteth;
    std::vector<std::int16_t> heardVoice;
    PlayerConfig stethOut;
    stethOut.sink = "none";
    stethOut.onRendered = [&](std::span<const std::int16_t> s) {
        std::lock_guard lock(mutex);
        heardSteth.insert(heardSteth.end(), s.begin(), s.end());
    };
    PlayerConfig voiceOut;
    voiceOut.sink = "none";
    voiceOut.frameSamples = 960;
    voiceOut.onRendered = [&](std::span<const std::int16_t> s) {
        std::lock_guard lock(mutex);
        heardVoice.insert(heardVoice.end(), s.begin(), s.end());
    };
    auto stethPlayer = StethoscopePlayer::start(stethoscope.playout(), stethOut).value();
    auto voicePlayer = StethoscopePlayer::start(voice->playout(), voiceOut).value();
    stethPlayer->setMode(FilterMode::raw);
    stethPlayer->setGainDb(0);
    voicePlayer->setMode(FilterMode::raw);
    voicePlayer->setGainDb(0);

    // Steady tones, so that a level change can only come from a volume.
    int stethPhase = 0;
    int voicePhase = 0;
    const auto tone = [](std::vector<std::int16_t>& out, int& phase, double hz) {
        for (auto& v : out) {
            v = static_cast<std::int16_t>(
                std::lround(8000 * std::sin(2 * M_PI * hz * phase++ / 48000)));
        }
    };
    auto stethPackets = StethoscopePacketizer::create(StethoscopeFormat{}, 1, 1, 0).value();
    auto voicePackets = VoicePacketizer::create(VoiceFormat{}, 2, 1, 0).value();
    std::vector<std::int16_t> stethFrame(480);
    std::vector<std::int16_t> voiceFrame(960);
    // Streams `frames` 10 ms frames; measures what was rendered after the first 200 ms (what a
    // volume change left in flight has played out by then).
    const auto measure = [&](int frames) {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < frames; ++i) {
            if (i == 20) {
                std::lock_guard lock(mutex);
                heardSteth.clear();
                heardVoice.clear();
            }
            tone(stethFrame, stethPhase, 100);
            stethoscope.onPacket(
                stethPackets.packetize(stethFrame, AuscultationSite::mitral).value());
            if (i % 2 == 0) {
                tone(voiceFrame, voicePhase, 300);
                voice->onPacket(voicePackets.packetize(voiceFrame).value());
            }
            std::this_thread::sleep_until(start + (i + 1) * 10ms);
        }
        std::this_thread::sleep_for(100ms);
        std::lock_guard lock(mutex);
        return std::make_pair(rmsDb(heardSteth), rmsDb(heardVoice));
    };
    stethPlayer->setVolume(1.0);
    voicePlayer->setVolume(1.0);
    const auto both = measure(300);
    CHECK(both.first > -50);
    CHECK(both.second > -50);

    voicePlayer->setVolume(0.0); // the doctor silences the room to listen
    const auto stethOnly = measure(200);
    CHECK(std::abs(stethOnly.first - both.first) < 1.0); // the stethoscope is untouched
    CHECK(stethOnly.second < -90);

    voicePlayer->setVolume(1.0);
    stethPlayer->setVolume(0.25); // -12 dB on the stethoscope only
    const auto quieter = measure(300);
    CHECK(std::abs(quieter.first - (both.first - 12.04)) < 1.0);
    CHECK(std::abs(quieter.second - both.second) < 1.0);
}

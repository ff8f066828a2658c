// Replay of a recording through the listening path: the FLAC and its manifest load back exactly,
// a seek lands within 10 ms (here: on the sample), every filter mode plays it, half speed keeps
// the pitch, loops and site jumps move where they should.
#include "audio_checks.hpp"
#include "support/catch_result.hpp"
#include "support/temp_dir.hpp"
#include "tc/media/flac_recorder.hpp"
#include "tc/media/pcm.hpp"
#include "tc/media/replay.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <mutex>
#include <numbers>
#include <thread>
#include <unistd.h>

using namespace tc::media;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using tc::test::TempDir;

// Pseudo-random samples within +-10000 (linear through the limiter), so that any 32 consecutive
// samples say where in the recording they come from.
std::vector<std::int16_t> signature(std::size_t count) {
    std::vector<std::int16_t> out(count);
    std::uint32_t state = 12345;
    for (auto& s : out) {
        state = state * 1664525u + 1013904223u;
        s = static_cast<std::int16_t>(static_cast<int>(state >> 16) % 20000 - 10000);
    }
    return out;
}

fs::path record(const fs::path& dir, const std::vector<std::int16_t>& samples) {
    const auto flac = dir / "replay.flac";
    auto recorder = FlacRecorder::start(flac, 48000);
    REQUIRE(recorder);
    for (std::size_t at = 0; at < samples.size(); at += 480) {
        const auto site =
            at < samples.size() / 2 ? AuscultationSite::mitral : AuscultationSite::lungLeftLower;
        REQUIRE_FALSE((*recorder)->write(std::span(samples).subspan(at, 480), site));
    }
    REQUIRE_FALSE((*recorder)->stop());
    return flac;
}

} // namespace

TEST_CASE("replay: the recording loads back with its segments", "[stetho][replay][gst]") {
    TempDir dir;
    const auto samples = signature(48000 * 4);
    const auto recording = loadRecording(record(dir.path(), samples));
    REQUIRE(recording);
    CHECK(recording->sampleRate == 48000);
    CHECK(recording->samples == samples);
    REQUIRE(recording->segments.size() == 2);
    CHECK(recording->segments[1].startSample == 48000 * 2);
    CHECK(recording->segments[1].site == AuscultationSite::lungLeftLower);
    CHECK(loadRecording(dir.path() / "missing.flac").error() == PcmErrc::unreadable);
}

TEST_CASE("replay: seek lands on the asked sample, each filter plays, loops and site jumps",
          "[stetho][replay][gst]") {
    TempDir dir;
    const auto samples = signature(48000 * 4);
    auto recording = loadRecording(record(dir.path(), samples));
    REQUIRE(recording);
    test::RenderedAudio audio;
    auto& mutex = audio.mutex;
    auto& rendered = audio.samples;
    auto replay = ReplayPlayer::open(std::move(*recording), audio.headless());
    REQUIRE(replay);
    auto& player = **replay;
    player.output().setMode(FilterMode::raw);
    player.output().setGainDb(0);
    CHECK(player.duration() == Approx(4.0));

    player.seek(1.234);
    CHECK(std::abs(player.position() - 1.234) < 0.010);
    {
        std::lock_guard lock(mutex);
        rendered.clear();
    }
    player.play();
    std::this_thread::sleep_for(300ms);
    player.pause();
    {
        std::lock_guard lock(mutex);
        // The first non-silent samples played are the recording's at 1.234 s.
        const auto first =
            std::find_if(rendered.begin(), rendered.end(), [](std::int16_t s) { return s != 0; });
        REQUIRE(std::distance(first, rendered.end()) > 64);
        const auto found = std::search(samples.begin(), samples.end(), first, first + 32);
        REQUIRE(found != samples.end());
        const auto landed = std::distance(samples.begin(), found);
        CHECK(std::abs(landed - static_cast<long>(1.234 * 48000)) <= 480); // within 10 ms
    }

    // Every filter mode plays the recording, and they do not sound the same.
    std::vector<double> energies;
    for (const auto mode :
         {FilterMode::bell, FilterMode::diaphragm, FilterMode::extended, FilterMode::raw}) {
        player.output().setMode(mode);
        player.seek(0.5);
        std::this_thread::sleep_for(30ms); // the crossfade and the buffer of the previous mode
        {
            std::lock_guard lock(mutex);
            rendered.clear();
        }
        player.play();
        std::this_thread::sleep_for(250ms);
        player.pause();
        std::lock_guard lock(mutex);
        energies.push_back(test::meanSquare(rendered));
    }
    for (const auto e : energies) {
        CHECK(e > 1e5); // audible
    }
    CHECK(energies[0] < energies[3] / 2); // the bell cuts most of this broadband signal

    // A loop keeps the position inside it.
    player.setLoop(1.0, 1.3);
    player.play();
    for (int i = 0; i < 20; ++i) {
        std::this_thread::sleep_for(30ms);
        const double at = player.position();
        CHECK(at >= 1.0 - 1e-9);
        CHECK(at <= 1.31);
    }
    player.pause();
    player.clearLoop();

    // Site jumps: to the lung segment's start, then back.
    player.seek(0.2);
    player.jumpSegment(true);
    CHECK(player.position() == Approx(2.0));
    CHECK(player.siteAt(player.position()) == AuscultationSite::lungLeftLower);
    player.seek(3.5);
    player.jumpSegment(false);
    CHECK(player.position() == Approx(2.0));
    player.jumpSegment(false);
    CHECK(player.position() == Approx(0.0));
}

TEST_CASE("replay: half and double speed keep the pitch", "[stetho][replay]") {
    const double speed = GENERATE(0.5, 2.0);
    CAPTURE(speed);
    std::vector<std::int16_t> tone(48000 * 4);
    for (std::size_t i = 0; i < tone.size(); ++i) {
        tone[i] = static_cast<std::int16_t>(
            8000 * std::sin(2 * std::numbers::pi * 200.0 * static_cast<double>(i) / 48000));
    }
    TimeStretcher stretcher(48000);
    stretcher.setSpeed(speed);
    CHECK(stretcher.speed() == speed);
    double position = 0;
    std::vector<std::int16_t> out(48000 * 3 / 2); // 1.5 s out of 0.75 s or 3 s in
    stretcher.render(tone, position, out);
    CHECK(position == Approx(speed * 48000 * 3 / 2).margin(480));
    // Pitch from the zero-crossing rate, past the first grain.
    int crossings = 0;
    for (std::size_t i = 4800; i < out.size(); ++i) {
        crossings += (out[i - 1] < 0) != (out[i] < 0) ? 1 : 0;
    }
    const double frequency = crossings / 2.0 / ((out.size() - 4800) / 48000.0);
    CHECK(frequency == Approx(200).epsilon(0.02));
    // And its level holds (no gaps or doubled grains).
    double sum = 0;
    for (std::size_t i = 4800; i < out.size(); ++i) {
        sum += static_cast<double>(out[i]) * out[i];
    }
    const double rms = std::sqrt(sum / static_cast<double>(out.size() - 4800));
    CHECK(rms == Approx(8000 / std::sqrt(2.0)).epsilon(0.1));
}

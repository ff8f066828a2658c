// A stethoscope recording survives kill -9 (issue 13, item 4): a child process records through
// the real receive path and is killed at random moments; the recording is repaired and the
// reference decoder (flac -d, Debian package flac) gives back the signal sent, sample for
// sample, short of at most 100 ms. Repair on its own: files cut at any byte, live recordings
// left alone, the replay list.
#include "support/temp_dir.hpp"
#include "tc/media/flac_recorder.hpp"
#include "tc/media/recording_drill.hpp"
#include "tc/media/recording_repair.hpp"
#include "tc/media/replay.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace tc::media;

namespace {

using tc::test::TempDir;

std::vector<std::int16_t> drillSignal(std::size_t count) {
    std::vector<std::int16_t> out(count);
    for (std::size_t i = 0; i < count; ++i) {
        out[i] = drillSample(i);
    }
    return out;
}

// A cleanly finished recording of `samples`, sites changing every 100 ms.
fs::path record(const fs::path& flac, const std::vector<std::int16_t>& samples) {
    auto recorder = FlacRecorder::start(flac, 48000);
    REQUIRE(recorder.has_value());
    for (std::size_t at = 0; at < samples.size(); at += 480) {
        const auto site =
            (at / 4800) % 2 == 0 ? AuscultationSite::mitral : AuscultationSite::aortic;
        REQUIRE_FALSE((*recorder)->write(std::span(samples).subspan(at, 480), site));
    }
    REQUIRE_FALSE((*recorder)->stop());
    return flac;
}

nlohmann::json readManifest(const fs::path& flac) {
    std::ifstream in(fs::path(flac).replace_extension(".json"));
    return nlohmann::json::parse(in, nullptr, false);
}

void writeManifest(const fs::path& flac, const nlohmann::json& document) {
    std::ofstream(fs::path(flac).replace_extension(".json")) << document.dump(2);
}

// The reference decoder's verdict (it checks STREAMINFO's MD5 against the audio).
int flacTest(const fs::path& flac) {
    const auto command = "flac -t -s " + flac.string() + " 2>&1";
    return std::system(command.c_str());
}

} // namespace

TEST_CASE("recording crash: kill -9 at random moments loses at most 100 ms, and the repaired "
          "file decodes (flac -d) to the signal sent, sample for sample",
          "[recording][crash][gst]") {
    TempDir dir;
    const auto self = fs::read_symlink("/proc/self/exe");
    std::random_device entropy;
    std::mt19937 random(entropy());
    std::uniform_int_distribution<int> moment(150'000, 2'500'000); // µs after the first packet
    for (int run = 0; run < 4; ++run) {
        DrillOptions options;
        options.childCommand = {self.string(), "--recording-drill-child"};
        options.directory = dir.path() / ("run" + std::to_string(run));
        options.killAfter = std::chrono::microseconds(moment(random));
        INFO("run " << run << ", killed " << options.killAfter.count() << " µs in");
        const auto result = runRecordingDrill(options);
        REQUIRE(result.failure == "");
        INFO("sent " << result.sentSamples << ", decoded " << result.decodedSamples);
        CHECK(result.decodedSamples > 0);
        CHECK(result.matchingSamples == result.decodedSamples); // bit-exact, no stray frame
        CHECK(result.lostMs() <= 100.0);
        CHECK(result.streamInfoSamples == result.decodedSamples);
        CHECK(result.manifestSamples == result.decodedSamples);
        CHECK(result.manifestState == "recovered");
        // Sites change every second: one segment per started second, none past the end.
        CHECK(result.manifestSegments == (result.decodedSamples + 47999) / 48000);

        // Offered for replay, marked as recovered, and it loads.
        const auto listed = listRecordings(options.directory);
        REQUIRE(listed.size() == 1);
        CHECK(listed[0].recovered);
        CHECK(listed[0].samples == result.decodedSamples);
        const auto replay = loadRecording(listed[0].flac);
        REQUIRE(replay.has_value());
        CHECK(replay->samples.size() == result.decodedSamples);
        CHECK(replay->segments.size() == result.manifestSegments);
        // Repaired once: the next start finds nothing to do.
        CHECK(repairRecordings(options.directory).empty());
    }
}

TEST_CASE("recording repair: a file cut at any byte keeps every whole frame, and STREAMINFO and "
          "the manifest say so",
          "[recording][repair][gst]") {
    TempDir dir;
    const auto samples = drillSignal(48000 / 2);
    const auto original = record(dir.path() / "whole.flac", samples);
    const auto whole = scanFlac(original);
    REQUIRE(whole.has_value());
    CHECK(whole->samples == samples.size());
    CHECK(whole->streamInfoSamples == samples.size()); // a clean stop completes STREAMINFO
    CHECK(whole->validEnd == whole->fileSize);
    CHECK(whole->maxFrameBytes > 0);
    const auto block = static_cast<std::uint64_t>(FlacRecorder::blockSize(48000));
    CHECK(whole->frames == (samples.size() + block - 1) / block);
    CHECK(readManifest(original)["state"] == "complete");

    std::ifstream in(original, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    auto manifest = readManifest(original);
    manifest["state"] = "recording";
    std::uint64_t previous = 0;
    int tested = 0;
    std::vector<std::size_t> cuts;
    for (std::size_t cut = whole->audioOffset; cut < bytes.size(); cut += 797) {
        cuts.push_back(cut);
    }
    cuts.push_back(bytes.size());
    for (const auto cut : cuts) {
        ++tested;
        INFO("cut at byte " << cut << " of " << bytes.size());
        const auto flac = dir.path() / "cut.flac";
        std::ofstream(flac, std::ios::binary | std::ios::trunc)
            .write(bytes.data(), static_cast<long>(cut));
        writeManifest(flac, manifest);
        const auto outcomes = repairRecordings(dir.path());
        REQUIRE(outcomes.size() == 1);
        REQUIRE(outcomes[0].result.has_value());
        const auto kept = outcomes[0].result->samples;
        CHECK((kept % block == 0 || kept == samples.size())); // whole frames
        CHECK(kept >= previous);                              // a longer file never keeps less
        CHECK(kept + 3 * block > samples.size() * cut / bytes.size()); // about the bytes kept
        previous = kept;
        const auto repaired = scanFlac(flac);
        REQUIRE(repaired.has_value());
        CHECK(repaired->streamInfoSamples == kept);
        CHECK(repaired->validEnd == repaired->fileSize);
        const auto after = readManifest(flac);
        CHECK(after["state"] == "recovered");
        CHECK(after["samples"] == kept);
        for (const auto& segment : after["segments"]) {
            CHECK(segment["start_sample"].get<std::uint64_t>() < kept);
        }
        if (kept > 0) {
            const auto decoded = loadRecording(flac);
            REQUIRE(decoded.has_value());
            CHECK(std::equal(decoded->samples.begin(), decoded->samples.end(), samples.begin()));
            if (tested % 5 == 0) {
                CHECK(flacTest(flac) == 0);
            }
        }
    }
    CHECK(previous == samples.size());
}

TEST_CASE("recording repair: a live recording is left alone, and replay lists finished and "
          "recovered recordings, newest first",
          "[recording][repair][gst]") {
    TempDir dir;
    const auto samples = drillSignal(48000 / 5);
    record(dir.path() / "a-older.flac", samples);
    auto live = FlacRecorder::start(dir.path() / "b-live.flac", 48000);
    REQUIRE(live.has_value());
    REQUIRE_FALSE((*live)->write(samples, AuscultationSite::mitral));
    CHECK(repairRecordings(dir.path()).empty()); // held under flock: not interrupted
    REQUIRE(listRecordings(dir.path()).size() == 1);

    // Interrupted before its first frame: an empty file, then no file at all.
    std::ofstream(dir.path() / "c-empty.flac").flush();
    writeManifest(dir.path() / "c-empty.flac", {{"format", "FLAC"}, {"state", "recording"}});
    writeManifest(dir.path() / "d-nofile.flac", {{"format", "FLAC"}, {"state", "recording"}});
    // A damaged manifest stops nothing.
    std::ofstream(dir.path() / "e-garbage.json") << "{\"format\": 3, \"state\": [";
    const auto outcomes = repairRecordings(dir.path());
    REQUIRE(outcomes.size() == 2);
    for (const auto& outcome : outcomes) {
        REQUIRE(outcome.result.has_value());
        CHECK(outcome.result->samples == 0);
    }
    CHECK(readManifest(dir.path() / "c-empty.flac")["state"] == "recovered");

    REQUIRE_FALSE((*live)->stop());
    const auto listed = listRecordings(dir.path());
    REQUIRE(listed.size() == 2); // the empty ones hold nothing to hear
    for (const auto& entry : listed) {
        CHECK_FALSE(entry.recovered);
        CHECK(entry.samples == samples.size());
    }
    CHECK(listed[0].startedUtc >= listed[1].startedUtc);
}

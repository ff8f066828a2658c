// End to end across NATs: the rendezvous service and coturn on the public host, the cabin and the
// console (its autopilot, under the test's Xvfb) each behind its own NAT, in the network lab's
// namespaces. The whole consultation runs as it does on loopback, and the stethoscope recorded
// at the doctor's is compared, sample for sample, with the WAV the cabin streams.
#define CATCH_CONFIG_MAIN
#include "consultation_lab.hpp"
#include "recording_match.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

using namespace tc::test;
using namespace std::chrono_literals;

namespace {

constexpr int kRate = ConsultationLab::kStethoscopeRate;

// What the loopback script checks of a consultation that ran to its end (less the ordonnance's
// printing: the cabin here has no printer, and the autopilot is told "no_printer").
void checkConsultationCompleted(ConsultationLab& run, std::optional<int> consoleStatus) {
    const auto failed = [&](const std::string& what) {
        FAIL_CHECK(what + "\n" + run.diagnostics());
    };
    if (consoleStatus != 0) {
        failed("the console's autopilot did not complete (status " +
               (consoleStatus ? std::to_string(*consoleStatus) : std::string("still running")) +
               ")");
        return;
    }
    const std::pair<const char*, const char*> expected[] = {
        {"console", "autopilot: media connected, .* quality (good|fair)"},
        {"console", "autopilot: received .*, payload type 96, [1-9]"},
        {"console", "autopilot: received .*, payload type 111, [1-9]"},
        {"console", "autopilot: room camera [0-9]* -> [1-9][0-9]* frames decoded, screen changed"},
        {"console", "autopilot: main view otoscope, [1-9][0-9]* otoscope frames decoded, screen "
                    "changed"},
        {"console", "autopilot: session ended: "},
        {"cabin", "stethoscope: streaming L16/48000"},
        {"cabin", "voice: heard [1-9][0-9]* packets of the doctor's voice"},
        {"cabin", "media: connected"},
    };
    for (const auto& [log, pattern] : expected) {
        if (!run.hasLine(log, pattern)) {
            failed(std::string("no line /") + pattern + "/ in the " + log + "'s log");
        }
    }
    if (!run.waitForLine("cabin", "cleaning done; cabin ready", 10s)) {
        failed("the cabin never left cleaning");
    }
    const auto kinds = run.eventKinds();
    std::string story;
    for (const auto& kind : kinds) {
        story += kind + " ";
    }
    INFO("event log: " << story);
    for (const auto* kind : {"checkin", "claim", "join", "end", "cleaning", "cabin_ready"}) {
        if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
            failed(std::string("event '") + kind + "' missing from the log: " + story);
        }
    }
    CHECK(run.endReason() == "completed");
}

// The recording the autopilot made, compared with the WAV the cabin streams.
std::pair<Recording, std::vector<Piece>>
checkRecording(ConsultationLab& run, const std::vector<std::int16_t>& source, int seconds) {
    const auto file = run.capture("console", "autopilot: stethoscope recorded: (.*\\.flac);");
    if (file.empty()) {
        FAIL(std::string("the console recorded no stethoscope\n") + run.diagnostics());
    }
    auto recording = readRecording(file);
    auto pieces = matchOutsideGaps(recording, source);
    const auto text = describe(recording, pieces);
    INFO("recording: " << text);
    CHECK(recording.state == "complete");
    // At least 80 % of the time asked for, whatever the gaps.
    CHECK(recording.samples.size() >= static_cast<std::size_t>(seconds * kRate * 8 / 10));
    REQUIRE_FALSE(pieces.empty());
    std::size_t matched = 0;
    for (const auto& piece : pieces) {
        CHECK(piece.sourceOffset.has_value());
        CHECK(piece.mismatches == 0);
        matched += piece.sourceOffset ? piece.length - piece.mismatches : 0;
    }
    std::size_t gapSamples = 0;
    for (const auto& gap : recording.gaps) {
        gapSamples += gap.samples;
    }
    // Everything outside the gaps is the cabin's audio, bit for bit.
    CHECK(matched + gapSamples >= recording.samples.size() - 32 * pieces.size());
    return {std::move(recording), std::move(pieces)};
}

std::filesystem::path stethoscopeFile(ConsultationLab& run,
                                      const std::vector<std::int16_t>& samples) {
    const auto path = run.directory() / "patient.wav";
    writeWav(path, samples, kRate);
    return path;
}

} // namespace

TEST_CASE("across NATs: behind two symmetric NATs the consultation runs through the TURN relay",
          "[e2e][netns][nat]") {
    ConsultationLab run(NetLabOptions{.doctorNat = NatMapping::addressAndPortDependent,
                                      .cabinNat = NatMapping::addressAndPortDependent});
    // 20 s of noise: longer than the cabin streams before the recording ends, so never looped.
    const auto source = stethoscopeNoise(20 * kRate, 7);
    run.startCabin(stethoscopeFile(run, source));
    constexpr int kAuscultation = 4;
    run.startConsole(kAuscultation, 50);
    const auto status = run.waitForConsole(55s);
    checkConsultationCompleted(run, status);

    // Only a relay joins two symmetric NATs: both ends say so.
    if (!run.hasLine("cabin", "media path: relayed")) {
        FAIL_CHECK("the cabin's media path was not relayed\n" + run.diagnostics());
    }
    if (!run.hasLine("console", "autopilot: media connected, .*relayé")) {
        FAIL_CHECK("the console's media path was not relayed\n" + run.diagnostics());
    }
    const auto [recording, pieces] = checkRecording(run, source, kAuscultation);
    CHECK(recording.gaps.empty());
    CHECK(pieces.size() == 1);
}

TEST_CASE("across NATs: the doctor's address changes mid-auscultation, ICE restarts and the "
          "consultation goes on",
          "[e2e][netns][nat]") {
    ConsultationLab run(NetLabOptions{});
    const auto source = stethoscopeNoise(30 * kRate, 11);
    run.startCabin(stethoscopeFile(run, source));
    constexpr int kAuscultation = 20;
    run.startConsole(kAuscultation, 55);
    if (!run.waitForLine("console", "autopilot: recording the stethoscope", 30s)) {
        FAIL("the autopilot never started recording the stethoscope\n" + run.diagnostics());
    }
    // Some audio first (2 s in the manifest, which the recorder rewrites every 100 ms of audio),
    // so that the break falls inside the recording and not at its very start.
    const std::filesystem::path flac =
        run.capture("console", "autopilot: recording the stethoscope for [0-9]+ s: (.*)$");
    REQUIRE_FALSE(flac.empty());
    const auto recorded = [&] {
        std::ifstream file(std::filesystem::path(flac).replace_extension(".json"));
        const auto manifest = nlohmann::json::parse(file, nullptr, false);
        return manifest.is_object() ? manifest.value("samples", std::int64_t{0}) : 0;
    };
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (recorded() < 2 * kRate && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(50ms);
    }
    REQUIRE(recorded() >= 2 * kRate);
    // The doctor's laptop moves to another address of its LAN while the stethoscope streams.
    run.lab().changeHostAddress(Side::doctor, "192.168.10.52");
    if (!run.waitForLine("cabin", "the doctor restarts ICE|media: restarting ICE", 10s)) {
        FAIL_CHECK("no ICE restart after the doctor's address changed\n" + run.diagnostics());
    }
    const auto status = run.waitForConsole(55s);
    checkConsultationCompleted(run, status);
    // The media came back on the new address before the recording ended, without ending the
    // session: the only end in the log is the autopilot's.
    if (!run.hasLine("console", "autopilot: stethoscope recorded: .*; media connected")) {
        FAIL_CHECK("the media had not come back when the recording ended\n" + run.diagnostics());
    }
    const auto kinds = run.eventKinds();
    CHECK(std::count(kinds.begin(), kinds.end(), "end") == 1);
    const auto [recording, pieces] = checkRecording(run, source, kAuscultation);
    INFO("recording: " << describe(recording, pieces));
    // Either the break is marked as a gap, with the audio on both sides of it bit-exact
    // (above), or the path came back within the receiver's retransmission window (500 ms) and
    // NACK/RTX recovered every packet: then the recording is one unbroken, bit-exact piece.
    if (recording.gaps.empty()) {
        REQUIRE(pieces.size() == 1);
        CHECK(pieces.front().length == recording.samples.size());
        CHECK(pieces.front().mismatches == 0);
    } else {
        CHECK(pieces.size() >= 2);
    }
}

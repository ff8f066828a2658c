// End to end with a browser cabin: the rendezvous service and coturn on the public host of the
// network lab; `telecabine-cabin --web` and Debian's Chromium (headless, its fake microphone fed
// from a known heart-sound WAV, its fake camera from a 720p Y4M) on the cabin's host; the
// console's autopilot (under the test's Xvfb) on the doctor's. The page checks in with a browser
// cabin token, answers the console's offer with Chromium's own WebRTC (BUNDLE, rtcp-mux,
// DTLS-SRTP, ICE with TURN), sends the stethoscope as a second audio track (Opus, processing
// off) and receives the doctor's camera and voice. Checked from both ends: the console's
// recording against the WAV (aligned: SNR in 20-1000 Hz and gain steadiness), the page's
// getStats (codecs, frames of the doctor's video decoded, DTLS and ICE states), the console's
// log (codecs, path).
#define CATCH_CONFIG_MAIN
#include "consultation_lab.hpp"
#include "recording_match.hpp"
#include "support/browser_assets.hpp"
#include "support/stethoscope_fidelity.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

using namespace tc::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int kAuscultationSeconds = 14; // >= 10 s of steady gain, after alignment's edges

struct BrowserRun {
    std::vector<std::int16_t> source = stethoscopeSource(12.0);
    std::filesystem::path wav;
    std::filesystem::path y4m;
};

BrowserRun prepare(ConsultationLab& run) {
    BrowserRun files;
    files.wav = run.directory() / "stethoscope.wav";
    files.y4m = run.directory() / "camera.y4m";
    REQUIRE(writeStethoscopeWav(files.wav, files.source).has_value());
    const auto clip = writeTestY4m(files.y4m, 2.0);
    if (!clip) {
        FAIL("the camera clip: " << clip.error().message());
    }
    return files;
}

json pageValue(ChromiumSession& browser, const std::string& expression) {
    const auto value = browser.evaluate(expression, 10s);
    if (!value) {
        FAIL_CHECK("page: " << value.error().message() << "\n" << browser.diagnostics());
        return nullptr;
    }
    return *value;
}

bool waitForPageState(ChromiumSession& browser, const std::string& state,
                      std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto value = browser.evaluate("window.telecabine && window.telecabine.state", 5s);
        if (value && value->is_string() && value->get<std::string>() == state) {
            return true;
        }
        std::this_thread::sleep_for(200ms);
    }
    return false;
}

// A PNG of the page as Chromium renders it (DevTools Page.captureScreenshot).
void savePage(ChromiumSession& browser, const std::filesystem::path& path) {
    const auto shot =
        browser.call("Page.captureScreenshot", {{"format", "png"}}, browser.pageSession());
    if (!shot || !shot->contains("data")) {
        return;
    }
    if (const auto bytes = decodeBase64(shot->at("data").get<std::string>())) {
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes->data()),
                   static_cast<std::streamsize>(bytes->size()));
    }
}

// The page's getStats summary while the console records; the one with the most of the doctor's
// frames decoded.
json watchPage(ConsultationLab& run, ChromiumSession& browser, std::chrono::seconds timeout) {
    json best;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline &&
           !run.hasLine("console", "autopilot: stethoscope recorded: ")) {
        const auto stats = browser.evaluate("window.telecabine.stats()", 10s);
        if (stats && stats->is_object() && !std::filesystem::exists(run.directory() / "page.png") &&
            stats->value("/inboundVideo/video/framesDecoded"_json_pointer, 0) > 60) {
            savePage(browser, run.directory() / "page.png"); // what the cabin's screen shows
        }
        if (stats && stats->is_object()) {
            const auto frames = stats->value("/inboundVideo/video/framesDecoded"_json_pointer, 0);
            if (best.is_null() ||
                frames >= best.value("/inboundVideo/video/framesDecoded"_json_pointer, 0)) {
                best = *stats;
            }
        }
        std::this_thread::sleep_for(500ms);
    }
    return best;
}

void checkConsultation(ConsultationLab& run, ChromiumSession& browser, const BrowserRun& files,
                       bool throughRelay) {
    REQUIRE(waitForPageState(browser, "waiting", 30s));
    run.startConsole(kAuscultationSeconds, 150);
    const auto stats = watchPage(run, browser, 120s);
    const auto status = run.waitForConsole(150s);
    INFO("page stats: " << stats.dump());
    INFO("page log: " << pageValue(browser, "window.telecabine.log.join('\\n')").dump());
    if (status != 0) {
        FAIL("the console's autopilot did not complete\n" << run.diagnostics());
    }

    // The page's end: negotiated codecs, the doctor's video decoded, DTLS and ICE up.
    REQUIRE(stats.is_object());
    CHECK(stats.value("/codecs/steth/send/mimeType"_json_pointer, "") == "audio/opus");
    CHECK(stats.value("/codecs/steth/send/clockRate"_json_pointer, 0) == 48000);
    CHECK(stats.value("/codecs/voice/send/mimeType"_json_pointer, "") == "audio/opus");
    CHECK(stats.value("/codecs/video/send/mimeType"_json_pointer, "") == "video/VP8");
    CHECK(stats.value("/codecs/video/receive/mimeType"_json_pointer, "") == "video/VP8");
    CHECK(stats.value("/inboundVideo/video/framesDecoded"_json_pointer, 0) >= 30);
    CHECK(stats.value("/transport/dtlsState"_json_pointer, "") == "connected");
    const auto ice = stats.value("/transport/iceState"_json_pointer, "");
    CHECK((ice == "connected" || ice == "completed"));
    const auto local = stats.value("/pair/local"_json_pointer, "");
    const auto remote = stats.value("/pair/remote"_json_pointer, "");
    if (throughRelay) {
        CHECK((local == "relay" || remote == "relay"));
    }
    // At least 128 kbit/s of stethoscope left the page.
    CHECK(stats.value("/outboundAudio/steth/bytesSent"_json_pointer, 0) > 10 * 16000);

    // The console's end: the stethoscope in Opus (payload type 102), the cabin's voice and
    // camera, the media connected over the expected path.
    CHECK(run.hasLine("console", "autopilot: received .*, payload type 102, [1-9]"));
    CHECK(run.hasLine("console", "autopilot: received .*, payload type 111, [1-9]"));
    CHECK(run.hasLine("console", "autopilot: room camera [0-9]* -> [1-9][0-9]* frames decoded"));
    CHECK(run.hasLine("console", "autopilot: media connected"));
    if (throughRelay) {
        CHECK(run.hasLine("console", "autopilot: media connected, .*relayé"));
    }

    // The stethoscope as the console recorded it, against the WAV Chromium's microphone looped.
    const auto file = run.capture("console", "autopilot: stethoscope recorded: (.*\\.flac);");
    REQUIRE_FALSE(file.empty());
    const auto recording = readRecording(file);
    // Opus: compared with the source as the encoder sees it, past libopus's 3 Hz DC rejection
    // (stethoscope_fidelity.hpp); the raw figure is reported too.
    FidelityOptions opus;
    opus.referenceDcRejectHz = 3;
    const auto fidelity = measureStethoscopeFidelity(files.source, recording.samples, opus);
    const auto raw = measureStethoscopeFidelity(files.source, recording.samples);
    if (!fidelity || !raw) {
        FAIL("fidelity: " << (fidelity ? raw.error() : fidelity.error()).message() << "\n"
                          << run.diagnostics());
    }
    INFO("SNR " << fidelity->snrDb << " dB (raw " << raw->snrDb << " dB) over "
                << fidelity->alignedSeconds << " s, gain " << fidelity->gain << ", deviation "
                << fidelity->gainDeviationDb << " dB, max slip " << fidelity->maxSlipMs << " ms");
    CHECK(fidelity->alignedSeconds >= 10.0);
    CHECK(fidelity->snrDb >= 30.0);
    // Voice processing off: no automatic gain moves the level.
    CHECK(fidelity->gainDeviationDb <= 1.0);
    std::cerr << "browser cabin: stethoscope SNR " << fidelity->snrDb << " dB (raw " << raw->snrDb
              << " dB) in 20-1000 Hz over " << fidelity->alignedSeconds << " s, gain deviation "
              << fidelity->gainDeviationDb << " dB\n";
}

void runConsultation(const NetLabOptions& options, bool throughRelay) {
    ConsultationLab run(options);
    const auto files = prepare(run);
    auto& browser = run.startBrowserCabin(files.wav, files.y4m, "auto=1");
    checkConsultation(run, browser, files, throughRelay);
}

} // namespace

TEST_CASE("browser cabin: Chromium on the doctor's LAN talks to the console host to host",
          "[e2e][browser]") {
    NetLabOptions options;
    options.sameSegment = true;
    runConsultation(options, false);
}

TEST_CASE("browser cabin: Chromium behind a symmetric NAT and the doctor behind another go "
          "through coturn",
          "[e2e][browser][nat]") {
    NetLabOptions options;
    options.cabinNat = NatMapping::addressAndPortDependent;
    options.doctorNat = NatMapping::addressAndPortDependent;
    runConsultation(options, true);
}

TEST_CASE("browser cabin: a page with no stethoscope track gets a typed refusal and the console "
          "carries on",
          "[e2e][browser][hostile]") {
    NetLabOptions options;
    options.sameSegment = true;
    ConsultationLab run(options);
    const auto files = prepare(run);
    auto& browser = run.startBrowserCabin(files.wav, files.y4m, "auto=1&steth=none");
    REQUIRE(waitForPageState(browser, "waiting", 30s));
    run.startConsole(kAuscultationSeconds, 60);
    // The page hears the typed refusal; the session ends on the console's word.
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    bool refused = false;
    while (!refused && std::chrono::steady_clock::now() < deadline) {
        const auto log = browser.evaluate("window.telecabine.log.join('\\n')", 5s);
        refused =
            log && log->is_string() &&
            log->get<std::string>().find("media refused: no_stethoscope") != std::string::npos;
        std::this_thread::sleep_for(300ms);
    }
    CHECK(refused);
    CHECK(run.waitForLine("console", "no_stethoscope", 10s));
    // The console did not crash: its autopilot gives up on a consultation that ended, orderly.
    const auto status = run.waitForConsole(60s);
    REQUIRE(status.has_value());
    CHECK(*status < 128);
    CHECK(run.endReason() == "technical_failure");
    if (!refused) {
        FAIL_CHECK(run.diagnostics());
    }
}

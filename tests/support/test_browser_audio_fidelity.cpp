// The start of the browser tests' audio chain, before any cabin page exists: the stethoscope WAV
// given to Chromium's fake microphone comes out of getUserMedia (processing off), recorded in
// the page at 48 kHz, and the fidelity measure finds the WAV in it. What this fixes: that the
// fake device plays the file as it is, so a cabin test's figures are the cabin's own.
//
// Not measured here: audio a page receives. Chromium's receiver (NetEq) stretches and shrinks
// what it plays by tens of milliseconds continuously (an Opus loopback in the page measured
// about 0 dB: the source found, but no sample-exact copy); the cabin's stethoscope is measured
// where the console records it.

#include "support/browser_assets.hpp"
#include "support/catch_result.hpp"
#include "support/chromium_session.hpp"
#include "support/stethoscope_fidelity.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>

using namespace std::chrono_literals;

namespace {

// Records the microphone track (processing off) until it holds `seconds` of audio; returns it
// as base64 little-endian int16 at the context's rate (48 kHz).
constexpr const char* kRecordMicrophone = R"JS((async (seconds) => {
  const stream = await navigator.mediaDevices.getUserMedia({audio: {
      echoCancellation: false, noiseSuppression: false, autoGainControl: false}});
  const context = new AudioContext({sampleRate: 48000});
  await context.resume();
  const node = context.createMediaStreamSource(stream);
  const tap = context.createScriptProcessor(4096, 1, 1);
  const chunks = [];
  let total = 0;
  tap.onaudioprocess = e => {
    chunks.push(new Float32Array(e.inputBuffer.getChannelData(0)));
    total += e.inputBuffer.length;
  };
  node.connect(tap);
  tap.connect(context.destination);
  const wanted = seconds * context.sampleRate;
  while (total < wanted) {
    await new Promise(r => setTimeout(r, 200));
  }
  const samples = new Int16Array(wanted);
  let k = 0;
  for (const chunk of chunks) {
    for (const v of chunk) {
      if (k === wanted) break;
      samples[k++] = Math.max(-32768, Math.min(32767, Math.round(v * 32768)));
    }
  }
  const bytes = new Uint8Array(samples.buffer);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return {rate: context.sampleRate, samples: btoa(text),
          settings: stream.getAudioTracks()[0].getSettings()};
}))JS";

std::vector<std::int16_t> samplesOf(const nlohmann::json& base64) {
    const auto bytes = tc::test::decodeBase64(base64.get<std::string>());
    REQUIRE(bytes);
    std::vector<std::int16_t> out(bytes->size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<std::int16_t>((*bytes)[2 * i] | ((*bytes)[2 * i + 1] << 8));
    }
    return out;
}

} // namespace

TEST_CASE("Browser audio chain: the fake microphone plays the stethoscope WAV faithfully",
          "[chromium][fidelity]") {
    tc::test::TempDir dir;
    const auto source = tc::test::stethoscopeSource(12.0);
    const auto wav = dir.path() / "stethoscope.wav";
    REQUIRE(tc::test::writeStethoscopeWav(wav, source));
    tc::test::ChromiumOptions options;
    options.fakeAudioWav = wav;
    auto launched = tc::test::ChromiumSession::launch(options);
    REQUIRE(launched);
    auto& chromium = **launched;
    REQUIRE(chromium.openPage());
    const auto page = dir.write("page.html", "<!doctype html><title>audio</title>");
    REQUIRE(chromium.navigate("file://" + page.string()));

    const auto result = chromium.evaluate(std::string(kRecordMicrophone) + "(13)", 90s);
    INFO((result ? "" : result.error().message()) << "\n" << chromium.diagnostics());
    REQUIRE(result);
    INFO("settings " << (*result)["settings"]);
    REQUIRE((*result)["rate"] == 48000);
    const auto recorded = samplesOf((*result)["samples"]);
    REQUIRE(recorded.size() == 13 * 48000);
    // TC_DUMP_AUDIO=prefix: the source and the recording as raw int16 files, to study a failure.
    if (const char* dump = std::getenv("TC_DUMP_AUDIO")) {
        std::ofstream(std::string(dump) + ".recorded", std::ios::binary)
            .write(reinterpret_cast<const char*>(recorded.data()),
                   static_cast<std::streamsize>(recorded.size() * 2));
        std::ofstream(std::string(dump) + ".source", std::ios::binary)
            .write(reinterpret_cast<const char*>(source.data()),
                   static_cast<std::streamsize>(source.size() * 2));
    }
    const auto report = tc::test::measureStethoscopeFidelity(
        std::span<const std::int16_t>(source), std::span<const std::int16_t>(recorded));
    INFO((report ? "" : report.error().message()));
    REQUIRE(report);
    std::cout << "fake microphone: SNR " << report->snrDb << " dB, gain " << report->gain
              << ", deviation " << report->gainDeviationDb << " dB, slip " << report->maxSlipMs
              << " ms\n";
    // The fake microphone is the file: unprocessed (no gain control: unit gain, steady), and
    // close to the samples (it converts to 44.1 kHz and back, and skips about 8 ms each time it
    // loops the file, which the measure follows).
    CHECK(report->snrDb > 25);
    CHECK(report->gain == Approx(1.0).margin(0.05));
    CHECK(report->gainDeviationDb < 0.5);
}

// The browser tests' whole audio chain, before any cabin page exists: the stethoscope WAV given
// to Chromium's fake microphone comes out of getUserMedia (processing off) and out of an Opus
// loopback between two peer connections (128 kbit/s, mono), recorded in the page at 48 kHz, and
// the fidelity measure finds it in both. What this fixes: that the fake device plays the file
// as it is (no processing, no resampling loss), and that a browser-received copy is found.

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

// Records the microphone track and the loopback's received track side by side until both hold
// `seconds` of audio; returns them as base64 little-endian int16 at the context's rate (48 kHz).
constexpr const char* kRecordLoopback = R"JS((async (seconds) => {
  const stream = await navigator.mediaDevices.getUserMedia({audio: {
      echoCancellation: false, noiseSuppression: false, autoGainControl: false}});
  const a = new RTCPeerConnection(), b = new RTCPeerConnection();
  a.onicecandidate = e => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = e => e.candidate && a.addIceCandidate(e.candidate);
  a.addTrack(stream.getAudioTracks()[0], stream);
  const received = new Promise(resolve => b.ontrack = e => resolve(new MediaStream([e.track])));
  const opus = d => ({type: d.type, sdp: d.sdp.replace(/useinbandfec=1/g,
      'useinbandfec=1;maxaveragebitrate=128000;stereo=0;sprop-stereo=0')});
  await a.setLocalDescription();
  await b.setRemoteDescription(opus(a.localDescription));
  await b.setLocalDescription();
  await a.setRemoteDescription(opus(b.localDescription));
  const far = await received;
  // A remote track feeds Web Audio only once a media element plays it.
  const element = new Audio();
  element.srcObject = far;
  element.muted = true;
  await element.play();
  const context = new AudioContext({sampleRate: 48000});
  await context.resume();
  const record = source => {
    const node = context.createMediaStreamSource(source);
    const tap = context.createScriptProcessor(4096, 1, 1);
    const chunks = [];
    chunks.total = 0;
    tap.onaudioprocess = e => {
      chunks.push(new Float32Array(e.inputBuffer.getChannelData(0)));
      chunks.total += e.inputBuffer.length;
    };
    node.connect(tap);
    tap.connect(context.destination);
    return chunks;
  };
  const near = record(stream), remote = record(far);
  const wanted = seconds * context.sampleRate;
  while (near.total < wanted || remote.total < wanted) {
    await new Promise(r => setTimeout(r, 200));
  }
  const pack = chunks => {
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
    return btoa(text);
  };
  let codec = '';
  (await b.getStats()).forEach(r => { if (r.type === 'codec') codec += r.mimeType + ' ' + (r.sdpFmtpLine || '') + '; '; });
  return {rate: context.sampleRate, near: pack(near), remote: pack(remote), codec,
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

TEST_CASE("Browser audio chain: the fake microphone plays the stethoscope WAV faithfully, and "
          "through Opus it is still found",
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

    const auto result = chromium.evaluate(std::string(kRecordLoopback) + "(13)", 90s);
    INFO((result ? "" : result.error().message()) << "\n" << chromium.diagnostics());
    REQUIRE(result);
    INFO("codec " << (*result)["codec"] << " settings " << (*result)["settings"]);
    REQUIRE((*result)["rate"] == 48000);
    const auto near = samplesOf((*result)["near"]);
    const auto remote = samplesOf((*result)["remote"]);
    REQUIRE(near.size() == 13 * 48000);
    REQUIRE(remote.size() == 13 * 48000);

    // TC_DUMP_AUDIO=prefix: the three signals as raw int16 files, to study a failure offline.
    if (const char* dump = std::getenv("TC_DUMP_AUDIO")) {
        std::ofstream(std::string(dump) + ".near", std::ios::binary)
            .write(reinterpret_cast<const char*>(near.data()), near.size() * 2);
        std::ofstream(std::string(dump) + ".remote", std::ios::binary)
            .write(reinterpret_cast<const char*>(remote.data()), remote.size() * 2);
        std::ofstream(std::string(dump) + ".source", std::ios::binary)
            .write(reinterpret_cast<const char*>(source.data()), source.size() * 2);
    }
    const auto local = tc::test::measureStethoscopeFidelity(std::span<const std::int16_t>(source),
                                                            std::span<const std::int16_t>(near));
    INFO((local ? "" : local.error().message()));
    REQUIRE(local);
    std::cout << "microphone: SNR " << local->snrDb << " dB, gain " << local->gain << "\n";
    const auto opus = tc::test::measureStethoscopeFidelity(std::span<const std::int16_t>(source),
                                                           std::span<const std::int16_t>(remote));
    INFO((opus ? "" : opus.error().message()));
    REQUIRE(opus);
    std::cout << "browser audio chain: microphone SNR " << local->snrDb << " dB, gain "
              << local->gain << ", deviation " << local->gainDeviationDb << " dB, slip "
              << local->maxSlipMs << " ms; Opus loopback SNR " << opus->snrDb << " dB, gain "
              << opus->gain << ", deviation " << opus->gainDeviationDb << " dB, slip "
              << opus->maxSlipMs << " ms\n";
    // The fake microphone is the file: unprocessed, unit gain, steady (it may skip a few ms
    // where it loops the file).
    CHECK(local->snrDb > 30);
    CHECK(local->gain == Approx(1.0).margin(0.05));
    CHECK(local->gainDeviationDb < 0.5);
    // Through Opus and Chromium's own receiver the source is still found, about 3 dB down
    // (the fake device's two channels mixed to one). Chromium's NetEq stretches and shrinks
    // what it plays by tens of milliseconds at a time, so the browser's received audio is no
    // sample-exact copy: the cabin's stethoscope figures are measured where the console
    // records, not here.
    CHECK(opus->gain > 0.4);
    CHECK(opus->gain < 1.1);
}

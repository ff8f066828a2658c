// The stethoscope stream's parts: the synthetic body (deterministic, site-dependent, with the
// heart's timing), WAV files in and out and rate conversion, the L16 packetiser with its site
// extension, the in-order frame assembly, and the FLAC recorder, decoded back by an independent
// GStreamer pipeline and compared sample for sample.
#include "audio_checks.hpp"
#include "flac_decode.hpp"
#include "support/catch_result.hpp"
#include "support/temp_dir.hpp"
#include "tc/media/auscultation.hpp"
#include "tc/media/flac_recorder.hpp"
#include "tc/media/pcm.hpp"
#include "tc/media/stethoscope_stream.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <unistd.h>

using namespace tc::media;
namespace fs = std::filesystem;

namespace {

using tc::test::TempDir;

std::vector<std::int16_t> render(AuscultationSynth& synth, std::size_t count) {
    std::vector<std::int16_t> out(count);
    synth.render(out);
    return out;
}

double rms(std::span<const std::int16_t> s) {
    return std::sqrt(test::meanSquare(s));
}

// Energy in 20 ms windows: the heart sounds stand out as periodic peaks.
std::vector<double> envelope(std::span<const std::int16_t> s, int rate) {
    const std::size_t window = static_cast<std::size_t>(rate / 50);
    std::vector<double> out;
    for (std::size_t at = 0; at + window <= s.size(); at += window) {
        out.push_back(rms(s.subspan(at, window)));
    }
    return out;
}

} // namespace

TEST_CASE("synthetic stethoscope: deterministic, heart timing, site-dependent", "[stetho]") {
    AuscultationModel model;
    model.heartRate = 60; // one beat a second
    model.seed = 42;
    AuscultationSynth a(model, 48000);
    AuscultationSynth b(model, 48000);
    const auto first = render(a, 48000 * 3);
    CHECK(first == render(b, 48000 * 3)); // the same seed, the same sound
    model.seed = 43;
    AuscultationSynth c(model, 48000);
    CHECK(first != render(c, 48000 * 3));

    // At the mitral focus the loudest 20 ms windows recur once per beat (S1), 1 s apart.
    const auto energy = envelope(first, 48000);
    std::vector<std::size_t> peaks;
    for (std::size_t i = 0; i < energy.size(); ++i) {
        const auto beatStart = (i / 50) * 50;
        const auto loudest =
            std::max_element(energy.begin() + static_cast<std::ptrdiff_t>(beatStart),
                             energy.begin() + static_cast<std::ptrdiff_t>(beatStart + 50));
        if (static_cast<std::size_t>(loudest - energy.begin()) == i) {
            peaks.push_back(i);
        }
    }
    REQUIRE(peaks.size() == 3);
    CHECK(peaks[1] - peaks[0] == 50);
    CHECK(peaks[2] - peaks[1] == 50);

    // A heart focus is dominated by the heart; a lung field by breath noise, which fills the
    // quiet diastole that the heart leaves silent.
    AuscultationModel lungModel;
    lungModel.seed = 7;
    AuscultationSynth heartSite(lungModel, 48000);
    heartSite.setSite(AuscultationSite::mitral);
    AuscultationSynth lungSite(lungModel, 48000);
    lungSite.setSite(AuscultationSite::lungLeftLower);
    const auto atHeart = envelope(render(heartSite, 48000 * 4), 48000);
    const auto atLung = envelope(render(lungSite, 48000 * 4), 48000);
    const auto ratio = [](std::vector<double> e) {
        std::sort(e.begin(), e.end());
        return e[e.size() * 95 / 100] / std::max(1.0, e[e.size() / 2]);
    };
    CHECK(ratio(atHeart) > 2.0 * ratio(atLung)); // peaky heart sounds vs continuous breath

    // Options change the sound; output never exceeds 16 bits (saturates, never wraps).
    AuscultationModel sick = model;
    sick.systolicMurmur = true;
    sick.crackles = true;
    sick.wheezes = true;
    sick.s3 = true;
    sick.splitS2 = true;
    AuscultationSynth d(sick, 16000);
    const auto murmur = render(d, 16000 * 2);
    AuscultationSynth e(model, 16000);
    CHECK(murmur != render(e, 16000 * 2));
}

TEST_CASE("auscultation sites: names and wire values round trip", "[stetho]") {
    for (std::uint8_t v = 1; v <= 10; ++v) {
        const auto site = siteFromWire(v);
        REQUIRE(site);
        CHECK(siteFromString(toString(*site)) == site);
    }
    CHECK_FALSE(siteFromWire(0));
    CHECK_FALSE(siteFromWire(200));
    CHECK_FALSE(siteFromString("elbow"));
    CHECK(isHeartFocus(AuscultationSite::aortic));
    CHECK_FALSE(isHeartFocus(AuscultationSite::lungRightUpper));
}

TEST_CASE("WAV files: round trip, refusals, and rate conversion", "[stetho]") {
    TempDir dir;
    PcmAudio audio;
    audio.sampleRate = 44100;
    for (int i = 0; i < 44100; ++i) {
        audio.samples.push_back(
            static_cast<std::int16_t>(12000 * std::sin(2 * std::numbers::pi * 200 * i / 44100.0)));
    }
    const auto path = dir.path() / "heart.wav";
    REQUIRE_FALSE(writeWav(path, audio));
    const auto back = readWav(path);
    REQUIRE(back);
    CHECK(back->sampleRate == 44100);
    CHECK(back->samples == audio.samples);

    // 44.1 kHz to 48 kHz keeps a 200 Hz tone's level and length.
    const auto converted = resample(audio.samples, 44100, 48000);
    CHECK(converted.size() == 48000);
    const auto middle = std::span<const std::int16_t>(converted).subspan(4800, 38400);
    CHECK(std::abs(20 * std::log10(rms(middle) / (12000 / std::sqrt(2.0)))) < 0.1);
    CHECK(resample(audio.samples, 44100, 44100) == audio.samples);

    std::ofstream(dir.path() / "text.wav") << "not audio at all";
    CHECK(readWav(dir.path() / "text.wav").error() == PcmErrc::notWav);
    CHECK(readWav(dir.path() / "missing.wav").error() == PcmErrc::unreadable);
    // A float WAV (format 3) is refused with its reason.
    std::string wav;
    {
        std::ifstream in(path, std::ios::binary);
        wav.assign(std::istreambuf_iterator<char>(in), {});
    }
    wav[20] = 3;
    std::ofstream(dir.path() / "float.wav", std::ios::binary) << wav;
    CHECK(readWav(dir.path() / "float.wav").error() == PcmErrc::unsupportedFormat);
}

TEST_CASE("L16 packets carry samples big-endian and the site in a header extension", "[stetho]") {
    StethoscopeFormat format;
    auto packetizer = StethoscopePacketizer::create(format, 0x57E7A001, 65535, 1000).value();
    std::vector<std::int16_t> frame(480);
    for (std::size_t i = 0; i < frame.size(); ++i) {
        frame[i] = static_cast<std::int16_t>(i * 97 - 20000);
    }
    const auto first = packetizer.packetize(frame, AuscultationSite::pulmonary).value();
    const auto second = packetizer.packetize(frame, AuscultationSite::aortic).value();
    CHECK(packetizer.packetize(std::vector<std::int16_t>(479), AuscultationSite::aortic).error() ==
          CodecErrc::badParameters); // not one frame
    CHECK((first[1] & 0x80) != 0);   // marker on the first packet only
    CHECK((second[1] & 0x80) == 0);
    const auto a = depacketizeStethoscope(first, format);
    const auto b = depacketizeStethoscope(second, format);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->samples == frame);
    CHECK(a->site == AuscultationSite::pulmonary);
    CHECK(b->site == AuscultationSite::aortic);
    CHECK(a->sequence == 65535);
    CHECK(b->sequence == 0); // wrapped
    CHECK(b->timestamp == 1480);
    // Another payload type, or an odd payload, is not L16 for us.
    StethoscopeFormat other = format;
    other.payloadType = 111;
    CHECK_FALSE(depacketizeStethoscope(first, other));
    auto odd = second;
    odd.push_back(0);
    CHECK_FALSE(depacketizeStethoscope(odd, format));
}

TEST_CASE("frame assembly: order restored, duplicates dropped, gaps after the deadline",
          "[stetho]") {
    using namespace std::chrono_literals;
    FrameAssembler assembler(480, 100ms);
    const auto t0 = FrameAssembler::Clock::now();
    auto frame = [](std::uint32_t ts) {
        StethoscopeFrame f;
        f.timestamp = ts;
        f.samples.assign(480, static_cast<std::int16_t>(ts / 480));
        f.duration = 480;
        return f;
    };
    assembler.push(frame(0), t0);
    assembler.push(frame(960), t0 + 10ms); // 480 is late
    auto ready = assembler.take(t0 + 20ms);
    REQUIRE(ready.size() == 1);
    CHECK(ready[0].frame.timestamp == 0);
    assembler.push(frame(480), t0 + 30ms); // recovered in time
    assembler.push(frame(480), t0 + 31ms); // and again: a duplicate
    ready = assembler.take(t0 + 32ms);
    REQUIRE(ready.size() == 2);
    CHECK(ready[0].frame.timestamp == 480);
    CHECK(ready[1].frame.timestamp == 960);
    CHECK(assembler.duplicates() == 1);

    assembler.push(frame(1920), t0 + 40ms); // 1440 never comes
    CHECK(assembler.take(t0 + 100ms).empty());
    ready = assembler.take(t0 + 141ms);
    REQUIRE(ready.size() == 2);
    CHECK(ready[0].gap);
    CHECK(ready[0].frame.samples == std::vector<std::int16_t>(480, 0));
    CHECK(ready[1].frame.timestamp == 1920);
    CHECK(assembler.gaps() == 1);
}

TEST_CASE("FLAC recorder: lossless, with the site segments and gaps in its manifest",
          "[stetho][gst]") {
    TempDir dir;
    const auto flac = dir.path() / "auscultation.flac";
    auto recorder = FlacRecorder::start(flac, 48000);
    REQUIRE(recorder);
    AuscultationModel model;
    model.seed = 3;
    AuscultationSynth synth(model, 48000);
    std::vector<std::int16_t> all;
    for (int i = 0; i < 300; ++i) {
        std::vector<std::int16_t> frame(480);
        if (i >= 150) {
            synth.setSite(AuscultationSite::aortic);
        }
        synth.render(frame);
        const bool gap = i == 200;
        if (gap) {
            std::fill(frame.begin(), frame.end(), 0);
        }
        REQUIRE_FALSE((*recorder)->write(frame, synth.site(), gap));
        all.insert(all.end(), frame.begin(), frame.end());
    }
    REQUIRE_FALSE((*recorder)->stop());
    CHECK((*recorder)->write(all, std::nullopt) == RecorderErrc::notRecording);

    // Decoded by GStreamer's own flacdec, independently of our pipeline.
    const std::string bytes = tc::test::decodeFlacIndependently(flac, dir.path() / "decoded.raw");
    REQUIRE(bytes.size() == all.size() * 2);
    CHECK(std::memcmp(bytes.data(), all.data(), bytes.size()) == 0); // bit-exact

    std::ifstream manifestIn((*recorder)->manifestPath());
    const auto manifest = nlohmann::json::parse(manifestIn);
    CHECK(manifest["sample_rate"] == 48000);
    CHECK(manifest["samples"] == all.size());
    REQUIRE(manifest["segments"].size() == 2);
    CHECK(manifest["segments"][0]["site"] == "mitral");
    CHECK(manifest["segments"][1]["site"] == "aortic");
    CHECK(manifest["segments"][1]["start_sample"] == 150 * 480);
    REQUIRE(manifest["gaps"].size() == 1);
    CHECK(manifest["gaps"][0]["start_sample"] == 200 * 480);
    CHECK(manifest["gaps"][0]["samples"] == 480);
    CHECK(manifest["started_utc"].get<std::string>().size() == 20);
}

TEST_CASE("the stethoscope stream is found in a description", "[stetho]") {
    const std::string sdp = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 98 97\r\na=mid:steth\r\n"
                            "a=rtpmap:98 L16/16000/1\r\na=rtpmap:97 rtx/16000\r\n"
                            "a=fmtp:97 apt=98\r\n"
                            "a=extmap:4 urn:telecabine:params:rtp-hdrext:auscultation-site\r\n"
                            "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:voice\r\n"
                            "a=rtpmap:111 opus/48000/2\r\n";
    const auto format = stethoscopeFormatOf(sdp);
    REQUIRE(format);
    CHECK(format->sampleRate == 16000);
    CHECK(format->payloadType == 98);
    CHECK(format->siteExtensionId == 4);
    CHECK(format->frameSamples() == 160);
    CHECK_FALSE(stethoscopeFormatOf("v=0\r\nm=audio 9 RTP/AVP 0\r\na=mid:steth\r\n"
                                    "a=rtpmap:0 PCMU/8000\r\n"));
}

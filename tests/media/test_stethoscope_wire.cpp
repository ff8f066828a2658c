// The stethoscope end to end over the real media transport: a WAV recording streamed by the
// cabin's source and packetiser through SRTP over loopback UDP with 10 % loss (bursts included)
// and RTT 20 ms, repaired by NACK/RTX, reassembled and recorded by the console's receive path;
// the FLAC file, decoded by GStreamer's own flacdec, equals the WAV samples bit for bit.
#include "flac_decode.hpp"
#include "support/tls_test_peer.hpp"
#include "support/transport_pair.hpp"
#include "tc/media/stethoscope_receiver.hpp"
#include "tc/protocol/packets.hpp"
#include "tc/protocol/rtp_session.hpp"

#include <fstream>
#include <openssl/evp.h>

using namespace tc::test;
using namespace tc::media;

namespace {

std::string sha256(const void* data, std::size_t size) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data, size, digest, &length, EVP_sha256(), nullptr);
    std::string hex;
    for (unsigned i = 0; i < length; ++i) {
        static constexpr char kHex[] = "0123456789abcdef";
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 15];
    }
    return hex;
}

RtpSessionConfig stethoscopeSession(std::uint8_t payloadType) {
    RtpSessionConfig config;
    config.cname = "test";
    config.streams = {
        {"steth", payloadType, 48000, static_cast<std::uint8_t>(payloadType + 1), false}};
    return config;
}

} // namespace

// L16: the recording is the WAV file. Opus: the recording is what an in-order decode of every
// packet the cabin sent gives, as if nothing had been lost.
TEST_CASE("stethoscope over the wire: bit-exact recording through 10 % loss", "[stetho][wire]") {
    const auto encoding = GENERATE(AudioEncoding::l16, AudioEncoding::opus);
    CAPTURE(toString(encoding));
    TempDir dir;
    // Three seconds of a synthetic patient, as a WAV file made elsewhere would be.
    AuscultationModel model;
    model.seed = 11;
    model.systolicMurmur = true;
    AuscultationSynth synth(model, 48000);
    PcmAudio wav;
    wav.samples.resize(48000 * 3);
    synth.render(wav.samples);
    REQUIRE_FALSE(writeWav(dir.path() / "patient.wav", wav));
    auto source = StethoscopeSource::fromWav(dir.path() / "patient.wav", 48000);
    REQUIRE(source);

    IoThread io("test-stetho");
    Pair pair(SrtpSuite::aeadAes128Gcm);
    auto [cabinTransport, consoleTransport, relay] = openRelayed(io, pair);
    StethoscopeFormat format;
    format.encoding = encoding;
    format.payloadType = encoding == AudioEncoding::opus ? 102 : 96;
    auto receiver = StethoscopeReceiver::create(format).value();
    auto cabin = RtpSession::create(cabinTransport, stethoscopeSession(format.payloadType), {});
    auto console = RtpSession::create(consoleTransport, stethoscopeSession(format.payloadType),
                                      [&](const RtpHeader&, std::span<const std::uint8_t> packet,
                                          bool) { receiver->onPacket(packet); });
    Observer seenA;
    Observer seenB;
    startSessionsThroughRelay(*relay, pair, *cabinTransport, *consoleTransport, *cabin, *console,
                              seenA, seenB);
    const auto flac = dir.path() / "auscultation.flac";
    REQUIRE_FALSE(receiver->startRecording(flac));
    std::vector<std::int16_t> expected; // what the recording must hold
    auto reference = makeOpusDecoder(48000).value();

    auto packetizer = StethoscopePacketizer::create(format, 0x57E7A001, 1000, 0).value();
    constexpr int kFrames = 300; // the whole file once
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::int16_t> frame(static_cast<std::size_t>(format.frameSamples()));
    for (int i = 0; i < kFrames + 20; ++i) {
        if (i == 5) {
            Impairment lossy; // after the first packets, so that the recording's start is known
            lossy.singleLossRate = 0.05;
            lossy.lossRate = 0.05 / 3;
            lossy.burstLength = 3;
            lossy.delay = 10ms;
            lossy.seed = 23;
            relay->setImpairment(lossy);
        }
        if (i == 100) {
            source->setSite(AuscultationSite::tricuspid);
        }
        source->render(frame);
        auto packet = packetizer.packetize(frame, source->site()).value();
        if (encoding == AudioEncoding::opus) {
            const auto header = parseRtp(packet).value();
            std::vector<std::int16_t> decoded(frame.size());
            REQUIRE_FALSE(reference->decode(
                std::span(packet).subspan(header.payloadOffset, header.payloadSize), decoded));
            expected.insert(expected.end(), decoded.begin(), decoded.end());
        } else {
            expected.insert(expected.end(), frame.begin(), frame.end());
        }
        cabin->send(std::move(packet));
        std::this_thread::sleep_until(start + (i + 1) * 10ms);
    }
    std::this_thread::sleep_for(700ms); // the last retransmissions
    REQUIRE_FALSE(receiver->stopRecording());
    const auto stats = receiver->stats();
    CHECK(stats.gaps == 0);
    CHECK(stats.undecodable == 0);
    CHECK(relay->stats().dropped > 20); // the network did lose packets

    const std::string bytes = tc::test::decodeFlacIndependently(flac, dir.path() / "decoded.raw");
    // The whole file once, from the first sample: the stream started at the file's start.
    REQUIRE(bytes.size() >= wav.samples.size() * 2);
    REQUIRE(expected.size() >= wav.samples.size());
    CHECK(sha256(bytes.data(), wav.samples.size() * 2) ==
          sha256(expected.data(), wav.samples.size() * 2));
    if (encoding == AudioEncoding::l16) {
        CHECK(sha256(bytes.data(), wav.samples.size() * 2) ==
              sha256(wav.samples.data(), wav.samples.size() * 2));
    }

    cabin->stop();
    console->stop();
    relay->close();
    cabinTransport->close();
    consoleTransport->close();
    CHECK(io.stop()); // the transports closed, the loop runs out of work by itself
}

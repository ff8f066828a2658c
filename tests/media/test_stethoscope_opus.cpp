// The stethoscope's Opus profile: CELT-only fullband at a constant bitrate, decoded in order with
// Opus's own concealment; negotiated in the SDP (offer order, the cabin's choice, the bitrate
// floor); and interoperable: GStreamer's rtpopusdepay ! opusdec decodes what our packetiser
// sends.
#include "support/free_udp_port.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/media/jitter_buffer.hpp"
#include "tc/media/stethoscope_stream.hpp"
#include "tc/protocol/packets.hpp"

#include <atomic>
#include <boost/asio/ip/udp.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numbers>
#include <opus/opus.h>
#include <thread>

using namespace tc::media;

namespace {

std::vector<std::int16_t> tone(double hz, int samples, double amplitude, int offset = 0) {
    std::vector<std::int16_t> out(static_cast<std::size_t>(samples));
    for (int i = 0; i < samples; ++i) {
        out[static_cast<std::size_t>(i)] = static_cast<std::int16_t>(
            std::lround(amplitude * std::sin(2 * std::numbers::pi * hz * (i + offset) / 48000.0)));
    }
    return out;
}

// The level (dB re full scale) of `hz` in `x` by a single-bin DFT.
double levelAt(std::span<const std::int16_t> x, double hz) {
    double re = 0;
    double im = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double phase = 2 * std::numbers::pi * hz * static_cast<double>(i) / 48000.0;
        re += x[i] * std::cos(phase);
        im += x[i] * std::sin(phase);
    }
    const double amplitude = 2 * std::hypot(re, im) / static_cast<double>(x.size());
    return 20 * std::log10(std::max(amplitude, 1e-9) / 32768.0);
}

std::span<const std::uint8_t> payloadOf(const std::vector<std::uint8_t>& packet) {
    const auto header = tc::protocol::parseRtp(packet).value();
    return std::span(packet).subspan(header.payloadOffset, header.payloadSize);
}

StethoscopeFormat opusFormat() {
    StethoscopeFormat format;
    format.encoding = AudioEncoding::opus;
    format.payloadType = 102;
    return format;
}

} // namespace

TEST_CASE("Opus stethoscope: CELT-only fullband, constant 128 kbit/s, 10 ms, no DTX in silence",
          "[stetho][opus]") {
    auto packetizer = StethoscopePacketizer::create(opusFormat(), 1, 1, 0).value();
    for (int i = 0; i < 50; ++i) {
        // Heart-sound band and silence alike: a speech codec's DTX would drop the silence.
        const auto frame = i < 25 ? tone(60, 480, 8000, i * 480) : std::vector<std::int16_t>(480);
        const auto packet = packetizer.packetize(frame, AuscultationSite::mitral).value();
        const auto payload = payloadOf(packet);
        CHECK(payload.size() == 160); // 128 000 bit/s x 10 ms / 8
        const unsigned config = payload[0] >> 3;
        CHECK(config >= 16); // RFC 6716 §3.1: configurations 16-31 are CELT-only
        CHECK(opus_packet_get_bandwidth(payload.data()) == OPUS_BANDWIDTH_FULLBAND);
        CHECK(opusPacketSamples(payload, 48000) == 480);
    }
    CHECK(OpusFrameEncoder::create({48000, 480, 5000, false}).error() == CodecErrc::badParameters);
    CHECK(OpusFrameEncoder::create({44100, 441, 128000, false}).error() ==
          CodecErrc::badParameters);
    CHECK(OpusFrameEncoder::create({48000, 500, 128000, false}).error() ==
          CodecErrc::badParameters);
}

TEST_CASE("Opus stethoscope keeps heart-sound tones within 1 dB", "[stetho][opus]") {
    auto encoder = OpusFrameEncoder::create({48000, 480, 128000, false}).value();
    auto decoder = makeOpusDecoder(48000).value();
    for (const double hz : {40.0, 100.0, 250.0, 600.0, 1500.0}) {
        CAPTURE(hz);
        std::vector<std::int16_t> decoded;
        for (int i = 0; i < 100; ++i) {
            const auto frame = tone(hz, 480, 6000, i * 480);
            std::vector<std::int16_t> out(480);
            REQUIRE_FALSE(decoder->decode(encoder.encode(frame).value(), out));
            decoded.insert(decoded.end(), out.begin(), out.end());
        }
        // The second half, past the codec's start-up; 48 000 samples hold whole cycles of each.
        const auto settled = std::span(decoded).subspan(48000 / 2, 24000);
        CHECK(std::abs(levelAt(settled, hz) - levelAt(tone(hz, 24000, 6000), hz)) < 1.0);
    }
}

TEST_CASE("Opus playout: a missing frame is concealed by Opus, late frames never decode",
          "[stetho][opus]") {
    using namespace std::chrono_literals;
    auto packetizer = StethoscopePacketizer::create(opusFormat(), 1, 1, 0).value();
    AudioJitterBuffer buffer({48000, 480, 20ms, 120ms}, makeOpusDecoder(48000).value());
    const auto t0 = AudioJitterBuffer::Clock::now();
    std::vector<std::vector<std::uint8_t>> packets;
    for (int i = 0; i < 8; ++i) {
        packets.push_back(
            packetizer.packetize(tone(200, 480, 8000, i * 480), AuscultationSite::mitral).value());
    }
    for (int i = 0; i < 8; ++i) {
        if (i != 4) {
            buffer.pushEncoded(static_cast<std::uint32_t>(i * 480), payloadOf(packets[i]),
                               t0 + i * 10ms);
        }
    }
    std::vector<AudioJitterBuffer::Frame> played;
    for (int i = 0; i < 8; ++i) {
        auto frame = buffer.pop(t0 + 80ms + i * 10ms);
        REQUIRE(frame);
        played.push_back(*frame);
    }
    CHECK_FALSE(played[3].concealed);
    CHECK(played[4].concealed);
    // Opus's concealment continues the tone rather than muting it.
    CHECK(levelAt(played[4].samples, 200) > levelAt(tone(200, 480, 8000), 200) - 12);
    CHECK_FALSE(played[5].concealed);
    buffer.pushEncoded(4 * 480, payloadOf(packets[4]), t0 + 200ms); // its retransmission, late
    CHECK(buffer.stats().late == 1);
    CHECK(buffer.stats().undecodable == 0);
}

TEST_CASE("Opus in the SDP: the offer lists every format, the answer keeps the cabin's choice",
          "[stetho][opus][sdp]") {
    StethoscopeFormat preferL16;
    const auto l16First = stethoscopeOfferSection(preferL16);
    CHECK(l16First.rfind("m=audio 9 UDP/TLS/RTP/SAVPF 96 97 98 99 102 103\r\n", 0) == 0);
    auto preferOpus = opusFormat();
    preferOpus.opusBitrate = 192000;
    const auto opusFirst = stethoscopeOfferSection(preferOpus);
    CHECK(opusFirst.rfind("m=audio 9 UDP/TLS/RTP/SAVPF 102 103 96 97 98 99\r\n", 0) == 0);
    CHECK(opusFirst.find("a=rtpmap:102 opus/48000/2\r\n") != std::string::npos);
    CHECK(opusFirst.find("maxaveragebitrate=192000;") != std::string::npos);
    // 10 ms packets asked of every sender, browsers included (their Opus default is 20 ms).
    CHECK(opusFirst.find("a=ptime:10\r\na=maxptime:10\r\n") != std::string::npos);

    const std::string session = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    const auto format = stethoscopeFormatOf(session + opusFirst);
    REQUIRE(format);
    CHECK(format->encoding == AudioEncoding::opus);
    CHECK(format->payloadType == 102);
    CHECK(format->opusBitrate == 192000);
    CHECK(format->frameSamples() == 480);

    CHECK(chooseStethoscopePayload(session + l16First, std::nullopt) == 96);
    CHECK(chooseStethoscopePayload(session + l16First, AudioEncoding::opus) == 102);
    CHECK(chooseStethoscopePayload(session + opusFirst, AudioEncoding::l16) == 96);

    // Under the floor (or unreadable) the stethoscope is not high-fidelity: not negotiated.
    const std::string thin = session +
                             "m=audio 9 UDP/TLS/RTP/SAVPF 102\r\na=mid:steth\r\n"
                             "a=rtpmap:102 opus/48000/2\r\na=fmtp:102 maxaveragebitrate=64000\r\n";
    CHECK_FALSE(stethoscopeFormatOf(thin));
    std::string garbled = thin;
    garbled.replace(garbled.find("64000"), 5, "12x");
    CHECK_FALSE(stethoscopeFormatOf(garbled));
}

TEST_CASE("interop: gst-launch rtpopusdepay ! opusdec decodes our Opus stethoscope packets",
          "[stetho][opus][interop]") {
    namespace net = boost::asio;
    net::io_context io;
    const std::uint16_t port = tc::test::freeUdpPort();
    tc::test::TempDir dir;
    const auto output = dir.path() / "decoded.raw";
    constexpr int kBuffers = 100;
    const std::string command =
        "timeout 20 gst-launch-1.0 -q udpsrc address=127.0.0.1 port=" + std::to_string(port) +
        " caps=\"application/x-rtp,media=(string)audio,clock-rate=(int)48000,"
        "encoding-name=(string)OPUS,payload=(int)102\" ! identity eos-after=" +
        std::to_string(kBuffers + 1) +
        " ! rtpopusdepay ! opusdec plc=false ! audio/x-raw,format=S16LE,channels=1 ! filesink "
        "location=" +
        output.string();
    std::atomic<bool> done{false};
    std::atomic<int> status{-1};
    std::thread gst([&] {
        status = tc::test::run(command);
        done = true;
    });
    auto packetizer = StethoscopePacketizer::create(opusFormat(), 0x57E7A001, 1, 0).value();
    net::ip::udp::socket socket(io, net::ip::udp::v4());
    const net::ip::udp::endpoint target(net::ip::make_address("127.0.0.1"), port);
    for (int i = 0; !done && i < 2000; ++i) {
        const auto packet =
            packetizer.packetize(tone(440, 480, 8000, i * 480), AuscultationSite::mitral).value();
        socket.send_to(net::buffer(packet), target);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    gst.join();
    REQUIRE(status == 0);
    std::ifstream in(output, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    REQUIRE(bytes.size() >= 48000); // at least half a second of mono S16
    std::vector<std::int16_t> samples(bytes.size() / 2);
    std::memcpy(samples.data(), bytes.data(), samples.size() * 2);
    const auto tail = std::span<const std::int16_t>(samples).last(24000);
    // The 440 Hz tone we sent is what GStreamer heard: at its level, and well above 1 kHz.
    CHECK(std::abs(levelAt(tail, 440) - levelAt(tone(440, 24000, 8000), 440)) < 1.0);
    CHECK(levelAt(tail, 1000) < levelAt(tail, 440) - 30);
}

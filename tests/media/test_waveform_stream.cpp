// The vitals waveform stream: its SDP section, packets (round trip, hostile input), the
// assembler's gaps, and the real path — SRTP over loopback UDP through a relay losing 10 % —
// where every lost stretch comes out as a gap of exactly its length and everything else is
// bit-exact.
#include "support/transport_pair.hpp"
#include "tc/media/session_clock.hpp"
#include "tc/media/stethoscope_stream.hpp"
#include "tc/media/waveform_stream.hpp"
#include "tc/protocol/packets.hpp"
#include "tc/protocol/rtp_session.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <map>

using namespace tc::test;
using namespace tc::media;

namespace {

WaveformSource source(std::int64_t origin, EcgLeads leads = EcgLeads::three) {
    CardiacModel model;
    model.seed = 4;
    EcgSettings ecg;
    ecg.leads = leads;
    return WaveformSource(std::make_shared<BeatTrain>(model), ecg, {}, origin);
}

} // namespace

TEST_CASE("waveforms in the SDP: the offer section and what it negotiates", "[vitals][sdp]") {
    const auto section = vitalsOfferSection();
    CHECK(section.rfind("m=application 9 UDP/TLS/RTP/SAVPF 116 117\r\n", 0) == 0);
    CHECK(section.find("a=mid:vitals\r\n") != std::string::npos);
    CHECK(section.find("a=rtpmap:116 x-tc-waveform/1000\r\n") != std::string::npos);
    const std::string session = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    const auto format = waveformFormatOf(session + section);
    REQUIRE(format);
    CHECK(format->payloadType == 116);
    // The stethoscope's id for the same extension: one id, one URI in a BUNDLE (RFC 8843 9.2).
    CHECK(format->captureExtensionId == 2);
    CHECK(extensionIdOf(stethoscopeOfferSection({}), "steth", kCaptureTimeExtensionUri) == 2);
    const auto streams = rtpStreamsOf(session + section);
    REQUIRE(streams.size() == 1);
    CHECK(streams[0].rtxPayloadType == 117);
    CHECK_FALSE(waveformFormatOf(session + "m=audio 9 RTP/AVP 0\r\na=mid:steth\r\n"));
}

TEST_CASE("waveform packets: round trip with session times, and hostile packets",
          "[vitals][packets]") {
    auto src = source(5'000'000);
    const auto block = src.next();
    REQUIRE(block.channels.size() == 4); // I, II, III, pleth
    CHECK(block.ticks() == 20);
    CHECK(block.channels[0].samples.size() == 10); // 500 Hz
    CHECK(block.channels[3].samples.size() == 2);  // 100 Hz
    WaveformFormat format;
    WaveformPacketizer packetizer(format, 0x5174A001, 7);
    const auto packet = packetizer.packetize(block).value();
    const auto back = depacketizeWaveform(packet, format);
    REQUIRE(back);
    CHECK(back->firstTick == 0);
    CHECK(back->captureUs == 5'000'000);
    CHECK(back->channels == block.channels);
    const auto second = depacketizeWaveform(packetizer.packetize(src.next()).value(), format);
    CHECK(second->firstTick == 20);
    CHECK(second->captureUs == 5'020'000);

    // Truncated, trailing bytes, wrong version, a channel count beyond the data, a bad rate.
    for (std::size_t cut = 0; cut < packet.size(); ++cut) {
        CHECK_FALSE(depacketizeWaveform(std::span(packet).first(cut), format));
    }
    auto longer = packet;
    longer.push_back(0);
    CHECK_FALSE(depacketizeWaveform(longer, format));
    const auto offset = parseRtp(packet)->payloadOffset;
    for (const auto& [at, value] : std::vector<std::pair<std::size_t, std::uint8_t>>{
             {0, 2}, {1, 9}, {1, 0}, {2, 99}, {4, 3}, {4, 0}}) {
        auto bad = packet;
        bad[offset + at] = value;
        CHECK_FALSE(depacketizeWaveform(bad, format));
    }
    WaveformBlock unequal = block;
    unequal.channels[3].samples.pop_back();
    CHECK_FALSE(packetizer.packetize(unequal));
}

TEST_CASE("waveform assembly: in order, holes become gaps of exactly their length",
          "[vitals][assembly]") {
    auto src = source(0, EcgLeads::one);
    std::vector<WaveformBlock> blocks;
    for (int i = 0; i < 10; ++i) {
        blocks.push_back(src.next());
    }
    WaveformAssembler assembler(100ms);
    const auto t0 = WaveformAssembler::Clock::now();
    for (const int i : {0, 1, 4, 3, 7, 8, 9, 3}) { // 2, 5, 6 lost; 3 late and duplicated
        assembler.push(blocks[static_cast<std::size_t>(i)], t0);
    }
    auto spans = assembler.take(t0 + 10ms);
    REQUIRE(spans.size() == 2); // waiting for 2
    spans = assembler.take(t0 + 150ms);
    REQUIRE(spans.size() == 7); // gap (2), 3, 4, gap (5, 6), 7, 8, 9
    CHECK(spans[0].gap);
    CHECK(spans[0].firstTick == 40);
    CHECK(spans[0].ticks == 20);
    CHECK(spans[0].startUs == 40'000);
    CHECK(spans[3].gap);
    CHECK(spans[3].firstTick == 100);
    CHECK(spans[3].ticks == 40);
    CHECK(spans[4].channels == blocks[7].channels);
    CHECK(assembler.gaps() == 2);
    CHECK(assembler.gapTicks() == 60);
    CHECK(assembler.duplicates() == 1);
    CHECK(spans[6].channels == blocks[9].channels);
    CHECK(assembler.flush().empty());
}

TEST_CASE("waveforms over the wire: 10 % loss gives exact gaps, the rest bit-exact",
          "[vitals][wire]") {
    IoThread io("test-vitals");
    Pair pair(SrtpSuite::aeadAes128Gcm);
    auto [cabinTransport, consoleTransport, relay] = openRelayed(io, pair);
    RtpSessionConfig config;
    config.cname = "test";
    // No RTX: what the relay drops stays lost, as on a path where repair came too late.
    config.streams = {{"vitals", kVitalsPayloadType, kWaveformClockRate, std::nullopt, false}};
    WaveformFormat format;
    WaveformReceiver receiver(format, 200ms);
    auto cabin = RtpSession::create(cabinTransport, config, {});
    auto console = RtpSession::create(consoleTransport, config,
                                      [&](const RtpHeader&, std::span<const std::uint8_t> packet,
                                          bool) { receiver.onPacket(packet); });
    Observer seenA;
    Observer seenB;
    startSessionsThroughRelay(*relay, pair, *cabinTransport, *consoleTransport, *cabin, *console,
                              seenA, seenB);
    auto src = source(sessionNowUs());
    WaveformPacketizer packetizer(format, 0x5174A001, 100);
    std::map<std::int64_t, WaveformBlock> sent;
    constexpr int kPackets = 400; // 8 s
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kPackets; ++i) {
        if (i == 3) {
            Impairment lossy; // after the first packets, so that the start is known
            lossy.singleLossRate = 0.05;
            lossy.lossRate = 0.05 / 3;
            lossy.burstLength = 3;
            lossy.seed = 31;
            relay->setImpairment(lossy);
        }
        if (i == kPackets - 3) {
            relay->setImpairment({}); // and the last ones arrive, to close the final hole
        }
        auto block = src.next();
        // Sent once its last sample is "captured", as the cabin does.
        std::this_thread::sleep_until(start + (i + 1) * 20ms);
        cabin->send(packetizer.packetize(block).value());
        sent.emplace(block.firstTick, std::move(block));
    }
    std::this_thread::sleep_for(300ms);
    std::vector<WaveformSpan> spans = receiver.take();
    const auto rest = receiver.flush();
    spans.insert(spans.end(), rest.begin(), rest.end());
    CHECK(relay->stats().dropped > 20);

    // The spans tile the stream from tick 0 to its end with no overlap.
    REQUIRE_FALSE(spans.empty());
    std::int64_t tick = 0;
    std::int64_t gapTicks = 0;
    std::int64_t lostTicks = 0;
    std::size_t delivered = 0;
    for (const auto& span : spans) {
        REQUIRE(span.firstTick == tick);
        if (span.gap) {
            // Exactly the packets that did not arrive: each was sent, none was delivered.
            for (auto t = span.firstTick; t < span.firstTick + span.ticks; t += 20) {
                REQUIRE(sent.contains(t));
            }
            gapTicks += span.ticks;
            REQUIRE(span.startUs == sent.at(span.firstTick).captureUs);
        } else {
            const auto& original = sent.at(span.firstTick);
            REQUIRE(span.channels == original.channels); // bit-exact
            REQUIRE(span.startUs == original.captureUs);
            ++delivered;
        }
        tick += span.ticks;
    }
    CHECK(tick == kPackets * 20);
    lostTicks = static_cast<std::int64_t>(kPackets - delivered) * 20;
    CHECK(gapTicks == lostTicks);
    CHECK(gapTicks > 0);
    const auto stats = receiver.stats();
    CHECK(stats.gapTicks == gapTicks);
    CHECK(stats.packets == delivered);
    CHECK(stats.invalid == 0);
    // Every received packet has a latency on the session clock, small on loopback.
    const auto latencies = receiver.latenciesUs();
    CHECK(latencies.size() == delivered);
    CHECK(*std::min_element(latencies.begin(), latencies.end()) >= 0);

    cabin->stop();
    console->stop();
    relay->close();
    cabinTransport->close();
    consoleTransport->close();
    CHECK(io.stop()); // closed, the transports leave the loop with no work
}

// RTP sessions on two real transports through the impairment relay: NACK/RTX recovers burst
// loss, reports give loss, jitter and RTT on both sides (SR/RR for the sender, XR for the
// receiver-only side), keyframe requests reach the sender, and stray payload types are counted.
#include "support/transport_pair.hpp"
#include "tc/protocol/rtp_session.hpp"

#include <map>
#include <set>

using namespace tc::test;

namespace {

constexpr std::uint32_t kAudioSsrc = 0x5EE70001;
constexpr std::uint32_t kVideoSsrc = 0x5EE70002;

RtpSessionConfig sessionConfig(const std::string& cname) {
    RtpSessionConfig config;
    config.cname = cname;
    config.reportInterval = 200ms;
    config.streams = {{"stethoscope", 96, 48000, 97, false},
                      {"room-camera", 102, 90000, 103, true}};
    return config;
}

std::vector<std::uint8_t> packet(std::uint8_t pt, std::uint32_t ssrc, std::uint16_t seq,
                                 std::uint32_t timestamp) {
    std::vector<std::uint8_t> p{0x80, pt, static_cast<std::uint8_t>(seq >> 8),
                                static_cast<std::uint8_t>(seq)};
    for (auto v : {timestamp, ssrc}) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            p.push_back(static_cast<std::uint8_t>(v >> shift));
        }
    }
    for (int i = 0; i < 200; ++i) {
        p.push_back(static_cast<std::uint8_t>(seq * 7 + i));
    }
    return p;
}

struct Received {
    std::mutex mutex;
    std::map<std::uint16_t, std::vector<std::uint8_t>> bySequence;
    int recovered = 0;
    RtpSession::MediaHandler handler() {
        return [this](const RtpHeader& header, std::span<const std::uint8_t> p, bool wasRecovered) {
            std::lock_guard lock(mutex);
            if (header.payloadType == 96) {
                bySequence[header.sequence].assign(p.begin(), p.end());
                recovered += wasRecovered ? 1 : 0;
            }
        };
    }
    std::size_t count() {
        std::lock_guard lock(mutex);
        return bySequence.size();
    }
};

std::vector<RtpStreamStats> statsOf(IoThread& io, RtpSession& session) {
    std::promise<std::vector<RtpStreamStats>> promise;
    net::post(io.context(), [&] { promise.set_value(session.stats()); });
    return promise.get_future().get();
}

const RtpStreamStats* find(const std::vector<RtpStreamStats>& all, std::uint32_t ssrc,
                           bool outbound) {
    for (const auto& s : all) {
        if (s.ssrc == ssrc && s.outbound == outbound) {
            return &s;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("rtp session: NACK and RTX recover burst loss; reports give loss, jitter, RTT",
          "[rtp][transport]") {
    IoThread io("test-rtp");
    Pair pair(SrtpSuite::aeadAes128Gcm);
    auto [a, b, relay] = openRelayed(io, pair);
    std::atomic<int> keyframeRequests{0};
    std::atomic<std::uint32_t> keyframeSsrc{0};
    Received atA;
    Received atB;
    auto cabin =
        RtpSession::create(a, sessionConfig("cabin"), atA.handler(), [&](std::uint32_t ssrc) {
            keyframeSsrc = ssrc;
            ++keyframeRequests;
        });
    auto console = RtpSession::create(b, sessionConfig("console"), atB.handler());
    Observer seenA;
    Observer seenB;
    relay->connect(a->localCandidate().endpoint, b->localCandidate().endpoint);
    const auto via = [](udp::endpoint e) {
        return Candidate{Candidate::Type::host, e, 1};
    };
    REQUIRE_FALSE(a->start({via(relay->endpointForA())}, pair.bCredentials, pair.aKeys,
                           cabin->packetHandler(), cabin->stateHandler(seenA.state())));
    REQUIRE_FALSE(b->start({via(relay->endpointForB())}, pair.aCredentials, pair.bKeys,
                           console->packetHandler(), console->stateHandler(seenB.state())));
    REQUIRE(eventually([&] { return seenA.last() == TransportState::connected; }));
    REQUIRE(eventually([&] { return seenB.last() == TransportState::connected; }));

    Impairment lossy;
    lossy.lossRate = 0.02; // 3-packet bursts: about 6 %
    lossy.burstLength = 3;
    lossy.singleLossRate = 0.04;
    lossy.delay = 10ms; // each way: RTT about 20 ms
    lossy.jitter = 4ms;
    lossy.seed = 5;
    relay->setImpairment(lossy);

    constexpr std::uint16_t kPackets = 300;
    const auto start = std::chrono::steady_clock::now();
    // A loss is noticed when a later packet arrives: the stream goes on a little after the
    // packets the test checks, as a live stream does.
    for (std::uint16_t seq = 1; seq <= kPackets + 10; ++seq) {
        cabin->send(packet(96, kAudioSsrc, seq, seq * 480u));
        std::this_thread::sleep_until(start + seq * 10ms);
    }
    const bool allArrived = eventually(
        [&] {
            std::lock_guard lock(atB.mutex);
            return std::distance(atB.bySequence.begin(), atB.bySequence.upper_bound(kPackets)) ==
                   kPackets;
        },
        3000ms);
    if (!allArrived) {
        std::lock_guard lock(atB.mutex);
        for (std::uint16_t seq = 1; seq <= kPackets; ++seq) {
            if (!atB.bySequence.contains(seq)) {
                UNSCOPED_INFO("missing " << seq);
            }
        }
    }
    REQUIRE(allArrived);
    {
        std::lock_guard lock(atB.mutex);
        for (const auto& [seq, bytes] : atB.bySequence) {
            if (seq > kPackets) {
                break;
            }
            CHECK(bytes == packet(96, kAudioSsrc, seq, seq * 480u)); // RTX rebuilt it exactly
        }
        CHECK(atB.recovered > 0);
    }
    std::this_thread::sleep_for(600ms); // a few more reports

    const auto sent = statsOf(io, *cabin);
    const auto got = statsOf(io, *console);
    const auto* out = find(sent, kAudioSsrc, true);
    const auto* in = find(got, kAudioSsrc, false);
    REQUIRE(out != nullptr);
    REQUIRE(in != nullptr);
    INFO("lost " << in->lost << ", recovered " << in->recovered << ", nacked " << in->nacked
                 << ", retransmitted " << out->retransmitted << ", jitter " << in->jitterMs
                 << " ms, rtt " << out->rttMs.value_or(-1) << " / " << in->rttMs.value_or(-1));
    CHECK(out->name == "stethoscope");
    CHECK(out->packets == kPackets + 10);
    CHECK(in->packets >= kPackets);
    CHECK(in->lost > 0);                                          // the wire lost some
    CHECK(in->recovered >= static_cast<std::uint64_t>(in->lost)); // RTX brought every one back
    CHECK(in->unrecovered == 0);
    CHECK(in->nacked >= in->recovered);
    CHECK(out->retransmitted >= in->recovered);
    CHECK(out->nackedByPeer > 0);
    CHECK(in->jitterMs > 0);
    CHECK(in->jitterMs < 20);
    // RTT: the sender from its SRs, the receiver-only side from XR; about 2 x 10 ms.
    REQUIRE(out->rttMs);
    REQUIRE(in->rttMs);
    CHECK(*out->rttMs > 15);
    CHECK(*out->rttMs < 120);
    CHECK(*in->rttMs > 15);
    CHECK(*in->rttMs < 120);
    CHECK(out->remoteFractionLost >= 0);

    // Keyframe requests: PLI, then FIR, reach the sender's handler for its video stream.
    relay->setImpairment({});
    cabin->send(packet(102, kVideoSsrc, 1, 0));
    REQUIRE(eventually([&] { return find(statsOf(io, *console), kVideoSsrc, false) != nullptr; }));
    console->requestKeyframe(kVideoSsrc);
    REQUIRE(eventually([&] { return keyframeRequests == 1; }));
    CHECK(keyframeSsrc == kVideoSsrc);
    console->requestKeyframe(kVideoSsrc, true);
    REQUIRE(eventually([&] { return keyframeRequests == 2; }));
    const auto video = find(statsOf(io, *cabin), kVideoSsrc, true);
    REQUIRE(video != nullptr);
    CHECK(video->keyframeRequestsReceived == 2);

    // A payload type nobody negotiated is counted, not delivered.
    a->sendRtp(packet(111, 0x0BAD, 1, 0));
    REQUIRE(eventually([&] {
        std::promise<std::uint64_t> p;
        net::post(io.context(), [&] { p.set_value(console->unknownPayloadType()); });
        return p.get_future().get() == 1;
    }));

    cabin->stop();
    console->stop();
    relay->close();
    a->close();
    b->close();
    CHECK(io.stop()); // the transports closed, the loop runs out of work by itself
}

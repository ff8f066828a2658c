// RTCP messages: every type we write parses back to what was written (bitmask NACK packing,
// 24-bit signed loss, SDES padding, XR blocks), and malformed ones are refused as a whole.
#include "support/catch_result.hpp"
#include "tc/protocol/rtcp.hpp"

using namespace tc::protocol;

TEST_CASE("rtcp: a full compound packet round trips", "[rtcp]") {
    SenderReport sr;
    sr.ssrc = 0x11223344;
    sr.ntpTime = 0xE5F0A1B2C3D4E5F6ULL;
    sr.rtpTimestamp = 48000;
    sr.packetCount = 100;
    sr.octetCount = 96000;
    sr.reports.push_back({0xAABBCCDD, 25, -3, 70000, 120, 0x12345678, 65536});
    sr.reports.push_back({0x01020304, 0, 0x7fffff, 5, 0, 0, 0});
    RtcpWriter writer;
    writer.senderReport(sr)
        .cname(0x11223344, "cabin@FR-NEV-GARE-01")
        .nack(0x11223344, 0xAABBCCDD, {10, 11, 13, 26, 27, 100, 65535, 0})
        .pictureLoss(0x11223344, 0xAABBCCDD)
        .fullIntraRequest(0x11223344, 0xAABBCCDD, 7)
        .extendedReport({0x11223344, 0x0102030405060708ULL, {{0xAABBCCDD, 0x5555, 0x100}}})
        .bye(0x11223344);
    const auto bytes = writer.take();
    CHECK(bytes.size() % 4 == 0);
    CHECK(classify(bytes) == PacketKind::rtcp);
    const auto parsed = parseRtcpMessages(bytes);
    REQUIRE(parsed);
    REQUIRE(parsed->size() == 6); // SDES is skipped

    const auto& back = std::get<SenderReport>((*parsed)[0]);
    CHECK(back.ssrc == sr.ssrc);
    CHECK(back.ntpTime == sr.ntpTime);
    CHECK(back.rtpTimestamp == 48000);
    CHECK(back.packetCount == 100);
    CHECK(back.octetCount == 96000);
    REQUIRE(back.reports.size() == 2);
    CHECK(back.reports[0].ssrc == 0xAABBCCDD);
    CHECK(back.reports[0].fractionLost == 25);
    CHECK(back.reports[0].cumulativeLost == -3); // duplicates make it negative
    CHECK(back.reports[0].highestSequence == 70000);
    CHECK(back.reports[0].jitter == 120);
    CHECK(back.reports[0].lastSenderReport == 0x12345678);
    CHECK(back.reports[0].delaySinceLastSenderReport == 65536);
    CHECK(back.reports[1].cumulativeLost == 0x7fffff);

    const auto& nack = std::get<GenericNack>((*parsed)[1]);
    CHECK(nack.mediaSsrc == 0xAABBCCDD);
    // 10 carries 11, 13, 26 in its bitmask; 27 starts a new FCI; wrap-around stays in order.
    CHECK(nack.sequences == std::vector<std::uint16_t>{10, 11, 13, 26, 27, 100, 65535, 0});
    CHECK(std::get<PictureLossIndication>((*parsed)[2]).mediaSsrc == 0xAABBCCDD);
    const auto& fir = std::get<FullIntraRequest>((*parsed)[3]);
    REQUIRE(fir.entries.size() == 1);
    CHECK(fir.entries[0].ssrc == 0xAABBCCDD);
    CHECK(fir.entries[0].sequence == 7);
    const auto& xr = std::get<ExtendedReport>((*parsed)[4]);
    CHECK(xr.referenceTime == 0x0102030405060708ULL);
    REQUIRE(xr.dlrr.size() == 1);
    CHECK(xr.dlrr[0].lastReceiverReport == 0x5555);
    CHECK(xr.dlrr[0].delay == 0x100);
    CHECK(std::get<Goodbye>((*parsed)[5]).ssrcs == std::vector<std::uint32_t>{0x11223344});
}

TEST_CASE("rtcp: SDES CNAME padding for every name length", "[rtcp]") {
    for (std::size_t n = 0; n < 12; ++n) {
        RtcpWriter writer;
        writer.receiverReport({1, {}}).cname(1, std::string(n, 'x'));
        const auto bytes = writer.take();
        CHECK(bytes.size() % 4 == 0);
        CHECK(parseRtcpMessages(bytes)); // the compound tiles exactly
        CHECK(bytes.back() == 0);        // END item or padding
    }
}

TEST_CASE("rtcp: malformed messages are refused", "[rtcp][hostile]") {
    RtcpWriter writer;
    writer.receiverReport({1, {{2, 0, 0, 0, 0, 0, 0}}});
    auto rr = writer.take();
    // A report count larger than the blocks present.
    auto lying = rr;
    lying[0] = static_cast<std::uint8_t>(0x80 | 2);
    CHECK(parseRtcpMessages(lying).error() == PacketErrc::badLength);
    // Truncated anywhere.
    for (std::size_t cut = 1; cut < rr.size(); ++cut) {
        CHECK_FALSE(parseRtcpMessages(std::span(rr.data(), cut)));
    }
    // A NACK without FCI, a FIR with a partial entry, an XR block overrunning its packet.
    const std::vector<std::uint8_t> emptyNack{0x81, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2};
    CHECK(parseRtcpMessages(emptyNack).error() == PacketErrc::badLength);
    const std::vector<std::uint8_t> shortFir{0x84, 206, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2};
    CHECK(parseRtcpMessages(shortFir).error() == PacketErrc::badLength);
    const std::vector<std::uint8_t> longXr{0x80, 207, 0, 2, 0, 0, 0, 1, 5, 0, 0, 9};
    CHECK(parseRtcpMessages(longXr).error() == PacketErrc::badLength);
    // Unknown types and feedback formats are skipped, not refused.
    const std::vector<std::uint8_t> app{0x80, 204, 0, 2, 0, 0, 0, 1, 'n', 'a', 'm', 'e'};
    const auto skipped = parseRtcpMessages(app);
    REQUIRE(skipped);
    CHECK(skipped->empty());
}

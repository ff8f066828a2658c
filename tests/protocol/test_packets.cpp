// Media transport packets: RFC 7983 demultiplexing, RTP/RTCP parsing and STUN, each with the
// hostile cases (truncated, bad lengths and CSRC counts, oversized, forged integrity).
#include "support/catch_result.hpp"
#include "tc/protocol/packets.hpp"

#include <vector>

using namespace tc::protocol;
using Packet = std::vector<std::uint8_t>;

namespace {

Packet rtp(std::uint8_t pt, std::uint8_t csrc = 0, bool extension = false, std::size_t payload = 8,
           std::uint8_t padding = 0) {
    Packet p{static_cast<std::uint8_t>(0x80 | (padding ? 0x20 : 0) | (extension ? 0x10 : 0) | csrc),
             pt,
             0x12,
             0x34,
             0,
             0,
             0x03,
             0xe8,
             0xde,
             0xad,
             0xbe,
             0xef};
    for (int i = 0; i < csrc; ++i) {
        p.insert(p.end(), {0, 0, 0, static_cast<std::uint8_t>(i)});
    }
    if (extension) {
        p.insert(p.end(), {0xbe, 0xde, 0x00, 0x01, 1, 2, 3, 4});
    }
    p.insert(p.end(), payload, 0x55);
    if (padding) {
        p.insert(p.end(), padding - 1, 0);
        p.push_back(padding);
    }
    return p;
}

} // namespace

TEST_CASE("RFC 7983 demultiplexing by first byte", "[packets]") {
    CHECK(classify(Packet{0x00, 0x01}) == PacketKind::stun);
    CHECK(classify(Packet{0x01, 0x01}) == PacketKind::stun);
    CHECK(classify(Packet{22, 0xfe, 0xfd}) == PacketKind::dtls); // handshake record
    CHECK(classify(Packet{23, 0xfe, 0xfd}) == PacketKind::dtls); // application data
    CHECK(classify(rtp(96)) == PacketKind::rtp);
    CHECK(classify(rtp(127)) == PacketKind::rtp);
    CHECK(classify(Packet{0x80, 200, 0, 6}) == PacketKind::rtcp); // SR
    CHECK(classify(Packet{0x81, 206, 0, 2}) == PacketKind::rtcp); // PSFB (PLI)
    CHECK(classify(Packet{}) == PacketKind::unknown);
    CHECK(classify(Packet{0x80}) == PacketKind::unknown);
    CHECK(classify(Packet{64, 0}) == PacketKind::unknown); // TURN channel range, not yet used
    CHECK(classify(Packet{0xff, 0}) == PacketKind::unknown);
}

TEST_CASE("RTP headers with CSRCs, extension and padding", "[packets]") {
    const auto plain = parseRtp(rtp(96));
    REQUIRE(plain);
    CHECK(plain->payloadType == 96);
    CHECK(plain->sequence == 0x1234);
    CHECK(plain->timestamp == 1000);
    CHECK(plain->ssrc == 0xdeadbeef);
    CHECK(plain->payloadOffset == 12);
    CHECK(plain->payloadSize == 8);

    const auto full = parseRtp(rtp(111, 2, true, 10, 4));
    REQUIRE(full);
    CHECK(full->csrcCount == 2);
    CHECK(full->hasExtension);
    CHECK(full->extensionProfile == 0xbede);
    CHECK(full->payloadOffset == 12 + 8 + 8);
    CHECK(full->payloadSize == 10);
    CHECK(full->paddingSize == 4);
}

TEST_CASE("hostile RTP is refused with its reason", "[packets]") {
    CHECK(parseRtp(Packet(11, 0x80)).error() == PacketErrc::truncated);
    auto badVersion = rtp(96);
    badVersion[0] = 0x40;
    CHECK(parseRtp(badVersion).error() == PacketErrc::badVersion);
    // A CSRC count claiming more entries than the packet holds.
    auto csrc = rtp(96, 0, false, 0);
    csrc[0] |= 0x0f;
    CHECK(parseRtp(csrc).error() == PacketErrc::truncated);
    // An extension length running past the end.
    auto extension = rtp(96, 0, true, 0);
    extension[15] = 0xff;
    CHECK(parseRtp(extension).error() == PacketErrc::badExtension);
    // Padding longer than the payload, and a zero padding count.
    auto padding = rtp(96, 0, false, 2, 2);
    padding.back() = 200;
    CHECK(parseRtp(padding).error() == PacketErrc::badPadding);
    padding.back() = 0;
    CHECK(parseRtp(padding).error() == PacketErrc::badPadding);
    CHECK(parseRtp(rtp(96, 0, false, 1600)).error() == PacketErrc::oversized);
}

TEST_CASE("compound RTCP tiles the datagram exactly", "[packets]") {
    // RR with no report blocks (length 1) followed by a PLI (length 2).
    const Packet compound{0x80, 201, 0, 1, 0, 0, 0, 1, 0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2};
    const auto packets = parseRtcpCompound(compound);
    REQUIRE(packets);
    REQUIRE(packets->size() == 2);
    CHECK((*packets)[0].type == 201);
    CHECK((*packets)[0].senderSsrc == 1);
    CHECK((*packets)[1].type == 206);
    CHECK((*packets)[1].count == 1);
    CHECK((*packets)[1].offset == 8);

    auto tooLong = compound;
    tooLong[3] = 9; // claims 40 bytes
    CHECK(parseRtcpCompound(tooLong).error() == PacketErrc::badLength);
    CHECK(parseRtcpCompound(Packet(compound.begin(), compound.begin() + 10)).error() ==
          PacketErrc::truncated);
    CHECK(parseRtcpCompound(Packet(compound.begin(), compound.begin() + 12)).error() ==
          PacketErrc::badLength);
    CHECK(parseRtcpCompound(Packet{0x80, 201, 0}).error() == PacketErrc::truncated);
    auto badVersion = compound;
    badVersion[8] = 0x41;
    CHECK(parseRtcpCompound(badVersion).error() == PacketErrc::badVersion);
    auto paddedFirst = compound;
    paddedFirst[0] |= 0x20; // padding on a packet that is not the last
    CHECK(parseRtcpCompound(paddedFirst).error() == PacketErrc::badPadding);
}

TEST_CASE("CRC-32 known answer", "[packets]") {
    const std::string check = "123456789";
    CHECK(crc32(Bytes(reinterpret_cast<const std::uint8_t*>(check.data()), check.size())) ==
          0xCBF43926u);
}

TEST_CASE("STUN: RFC 5769 sample request verifies", "[packets][stun]") {
    // RFC 5769 §2.1, password "VOkJxbRl1RmTxUk/WvJxBt" (SOFTWARE "STUN test client"); its
    // HMAC and CRC were cross-checked with Python's hmac and zlib.
    const Packet request{0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01,
                         0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10,
                         0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x63, 0x6c,
                         0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
                         0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36,
                         0x00, 0x06, 0x00, 0x09, 0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76,
                         0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14, 0x9a, 0xea, 0xa7, 0x0c,
                         0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
                         0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf};
    const auto message = parseStun(request);
    REQUIRE(message);
    CHECK(message->type == kStunBindingRequest);
    CHECK(message->find(kStunAttrUsername) != nullptr);
    CHECK(message->find(kStunAttrIceControlled) != nullptr);
    CHECK_FALSE(verifyStunIntegrity(request, *message, "VOkJxbRl1RmTxUk/WvJxBt"));
    CHECK(verifyStunIntegrity(request, *message, "wrong password") ==
          PacketErrc::integrityMismatch);
    auto forged = request;
    forged[47] ^= 0x01; // PRIORITY changed in flight
    CHECK(parseStun(forged).error() == PacketErrc::fingerprintMismatch);
}

TEST_CASE("STUN: built messages verify and hostile ones do not", "[packets][stun]") {
    const TransactionId id{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    const std::string user = "abcd:efgh";
    const auto built = buildStun(kStunBindingRequest, id,
                                 {{kStunAttrUsername, Packet(user.begin(), user.end())},
                                  {kStunAttrPriority, Packet{0x6e, 0x00, 0x01, 0xff}}},
                                 "s3cret-ice-password");
    const auto message = parseStun(built);
    REQUIRE(message);
    CHECK(message->transactionId == id);
    CHECK_FALSE(verifyStunIntegrity(built, *message, "s3cret-ice-password"));

    CHECK(parseStun(Packet(19, 0)).error() == PacketErrc::truncated);
    auto cookie = built;
    cookie[4] = 0;
    CHECK(parseStun(cookie).error() == PacketErrc::notStun);
    auto length = built;
    length[3] += 4;
    CHECK(parseStun(length).error() == PacketErrc::badLength);
    // An attribute whose length runs past the message.
    auto attribute = built;
    attribute[23] = 0xf0;
    CHECK(parseStun(attribute).error() == PacketErrc::badAttribute);
    // Without integrity the message is structurally fine but not authenticated.
    const auto bare = buildStun(kStunBindingRequest, id, {}, "");
    const auto bareMessage = parseStun(bare);
    REQUIRE(bareMessage);
    CHECK(verifyStunIntegrity(bare, *bareMessage, "x") == PacketErrc::missingIntegrity);
    CHECK(parseStun(Packet(1600, 0)).error() == PacketErrc::oversized);
}

TEST_CASE("rtp: RFC 8285 header extensions, one-byte form written and read", "[packets]") {
    std::vector<std::uint8_t> packet{0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0xAA, 0xBB};
    addRtpExtensions(packet, {{1, {3}}, {2, {1, 2, 3}}, {15, {9}}});
    auto header = parseRtp(packet);
    REQUIRE(header);
    CHECK(header->hasExtension);
    CHECK(header->payloadSize == 2);
    CHECK(packet[header->payloadOffset] == 0xAA);
    const auto site = rtpExtension(packet, *header, 1);
    REQUIRE(site);
    CHECK(std::vector<std::uint8_t>(site->begin(), site->end()) == std::vector<std::uint8_t>{3});
    const auto three = rtpExtension(packet, *header, 2);
    REQUIRE(three);
    CHECK(three->size() == 3);
    CHECK_FALSE(rtpExtension(packet, *header, 4));
    CHECK_FALSE(rtpExtension(packet, *header, 15)); // never written: reserved

    // A two-byte-form extension (0x1000) with one element, id 7, two bytes.
    const std::vector<std::uint8_t> twoByte{0x90, 96,   0,    1, 0, 0, 0, 0,    0,    0,   0,
                                            7,    0x10, 0x00, 0, 1, 7, 2, 0x12, 0x34, 0xCC};
    header = parseRtp(twoByte);
    REQUIRE(header);
    const auto value = rtpExtension(twoByte, *header, 7);
    REQUIRE(value);
    CHECK((*value)[1] == 0x34);
    // An element claiming more bytes than the block holds is not returned.
    const std::vector<std::uint8_t> lying{0x90, 96, 0,    1,    0, 0, 0,    0, 0, 0,
                                          0,    7,  0xBE, 0xDE, 0, 1, 0x1F, 0, 0, 0};
    header = parseRtp(lying);
    REQUIRE(header);
    CHECK_FALSE(rtpExtension(lying, *header, 1));
}

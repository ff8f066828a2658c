// SRTP through our libsrtp wrapper: both suites, replay, forgery, malformed input, the libsrtp
// #817 regression, and interoperability with GStreamer's srtpenc as an independent peer.
#include "support/catch_result.hpp"
#include "support/free_udp_port.hpp"
#include "support/rtp_packet.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/protocol/pki.hpp"
#include "tc/protocol/srtp_session.hpp"

#include <atomic>
#include <boost/asio/ip/udp.hpp>
#include <thread>
#include <vector>

using namespace tc::protocol;

namespace {

std::vector<std::uint8_t> keyFor(SrtpSuite suite) {
    std::vector<std::uint8_t> key(masterKeyLength(suite));
    for (std::size_t i = 0; i < key.size(); ++i) {
        key[i] = static_cast<std::uint8_t>(i * 7 + 3);
    }
    return key;
}

// An RTP packet of 160 L16 bytes in a buffer with room for the trailer.
std::vector<std::uint8_t> rtpPacket(std::uint16_t sequence, std::size_t& length) {
    auto buffer = tc::test::testRtpPacket(sequence, 0x11223344, 160, 1, 160);
    length = buffer.size();
    buffer.resize(length + 64);
    return buffer;
}

// The same keys as GStreamer's srtpenc/srtpdec take them: hex on the command line.
std::string hexOf(const std::vector<std::uint8_t>& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    for (const auto b : bytes) {
        hex += digits[b >> 4];
        hex += digits[b & 15];
    }
    return hex;
}

// GStreamer's names for each suite.
struct GstSuite {
    SrtpSuite suite;
    const char* cipher;
    const char* auth;
};
constexpr GstSuite kGstSuites[] = {{SrtpSuite::aesCm128HmacSha1_80, "aes-128-icm", "hmac-sha1-80"},
                                   {SrtpSuite::aeadAes128Gcm, "aes-128-gcm", "null"}};

} // namespace

TEST_CASE("SRTP round trip, replay and forgery for each suite", "[srtp]") {
    const auto suite = GENERATE(SrtpSuite::aeadAes128Gcm, SrtpSuite::aesCm128HmacSha1_80);
    INFO(toString(suite));
    auto sender = SrtpSession::create(suite, keyFor(suite), SrtpDirection::outbound);
    auto receiver = SrtpSession::create(suite, keyFor(suite), SrtpDirection::inbound);
    REQUIRE(sender);
    REQUIRE(receiver);

    std::size_t length = 0;
    auto packet = rtpPacket(1, length);
    const auto plain = std::vector<std::uint8_t>(packet.begin(), packet.begin() + 172);
    REQUIRE_FALSE(sender->protectRtp(packet, length));
    CHECK(length == 172 + rtpTrailerLength(suite));
    CHECK(!std::equal(plain.begin() + 12, plain.end(), packet.begin() + 12)); // encrypted
    auto copy = packet;
    std::size_t copyLength = length;
    REQUIRE_FALSE(receiver->unprotectRtp(packet, length));
    CHECK(length == 172);
    CHECK(std::equal(plain.begin(), plain.end(), packet.begin()));

    // The same packet again is a replay.
    CHECK(receiver->unprotectRtp(copy, copyLength) == SrtpErrc::replayed);

    // A flipped payload bit is a forgery.
    auto forged = rtpPacket(2, length);
    REQUIRE_FALSE(sender->protectRtp(forged, length));
    forged[20] ^= 0x01;
    CHECK(receiver->unprotectRtp(forged, length) == SrtpErrc::authenticationFailed);

    // A packet whose SSRC was rewritten (another stream's, or a spoofed one) fails: the SSRC is
    // in the keystream's IV and under the authentication tag.
    auto respun = rtpPacket(4, length);
    REQUIRE_FALSE(sender->protectRtp(respun, length));
    respun[11] ^= 0x5a;
    CHECK(receiver->unprotectRtp(respun, length) == SrtpErrc::authenticationFailed);

    // Plaintext RTP is never accepted.
    auto plaintext = rtpPacket(3, length);
    CHECK(receiver->unprotectRtp(plaintext, length));

    // Truncated and non-RTP input never reaches libsrtp.
    std::size_t tiny = 8;
    CHECK(receiver->unprotectRtp(plaintext, tiny) == SrtpErrc::malformed);
    CHECK(receiver->stats().packets == 1);
    CHECK(receiver->stats().replayed == 1);
    CHECK(receiver->stats().forged >= 2);
    CHECK(receiver->stats().malformed >= 1);
}

TEST_CASE("the replay window covers 1024 packets of reordering", "[srtp]") {
    const auto suite = SrtpSuite::aesCm128HmacSha1_80;
    auto sender = SrtpSession::create(suite, keyFor(suite), SrtpDirection::outbound);
    auto receiver = SrtpSession::create(suite, keyFor(suite), SrtpDirection::inbound);
    std::vector<std::vector<std::uint8_t>> sent;
    std::vector<std::size_t> lengths;
    for (std::uint16_t seq = 1; seq <= 1100; ++seq) {
        std::size_t length = 0;
        auto p = rtpPacket(seq, length);
        REQUIRE_FALSE(sender->protectRtp(p, length));
        sent.push_back(std::move(p));
        lengths.push_back(length);
    }
    // Deliver the newest first, then one 1000 packets older (inside the window) and one 1090
    // older (outside it).
    REQUIRE_FALSE(receiver->unprotectRtp(sent[1099], lengths[1099]));
    CHECK_FALSE(receiver->unprotectRtp(sent[99], lengths[99]));
    CHECK(receiver->unprotectRtp(sent[9], lengths[9]) == SrtpErrc::replayed);
}

TEST_CASE("SRTCP round trip for each suite", "[srtp]") {
    const auto suite = GENERATE(SrtpSuite::aeadAes128Gcm, SrtpSuite::aesCm128HmacSha1_80);
    auto sender = SrtpSession::create(suite, keyFor(suite), SrtpDirection::outbound);
    auto receiver = SrtpSession::create(suite, keyFor(suite), SrtpDirection::inbound);
    std::vector<std::uint8_t> rtcp{0x80, 201, 0, 1, 0x11, 0x22, 0x33, 0x44};
    rtcp.resize(128);
    std::size_t length = 8;
    REQUIRE_FALSE(sender->protectRtcp(rtcp, length));
    CHECK(length == 8 + rtcpTrailerLength(suite));
    REQUIRE_FALSE(receiver->unprotectRtcp(rtcp, length));
    CHECK(length == 8);
}

// Regression for libsrtp issue #817 (AEAD SRTCP heap overflow on short packets): such packets
// must be dropped and counted before libsrtp parses them.
TEST_CASE("libsrtp_817_short_or_unencrypted_srtcp_is_dropped_before_libsrtp", "[srtp]") {
    const auto suite = GENERATE(SrtpSuite::aeadAes128Gcm, SrtpSuite::aesCm128HmacSha1_80);
    auto receiver = SrtpSession::create(suite, keyFor(suite), SrtpDirection::inbound);
    std::vector<std::uint8_t> buffer(64, 0);
    buffer[0] = 0x80;
    buffer[1] = 201;
    for (std::size_t length = 0; length < 8 + rtcpTrailerLength(suite); ++length) {
        std::size_t l = length;
        CHECK(receiver->unprotectRtcp(buffer, l) == SrtpErrc::malformed);
    }
    // Long enough, but the E flag is clear: plaintext SRTCP is refused.
    std::size_t l = 8 + rtcpTrailerLength(suite) + 4;
    CHECK(receiver->unprotectRtcp(buffer, l) == SrtpErrc::malformed);
    CHECK(receiver->stats().malformed == 8 + rtcpTrailerLength(suite) + 1);
}

TEST_CASE("keys of the wrong length are refused", "[srtp]") {
    const std::vector<std::uint8_t> shortKey(16, 1);
    CHECK(SrtpSession::create(SrtpSuite::aeadAes128Gcm, shortKey, SrtpDirection::inbound).error() ==
          SrtpErrc::badKey);
}

// GStreamer's srtpenc (an independent SRTP implementation, via libsrtp's GStreamer binding) sends
// SDES-keyed SRTP; our receiver authenticates and decrypts every packet.
TEST_CASE("interop: gst-launch srtpenc to our receiver", "[srtp][interop]") {
    const auto c = GENERATE(kGstSuites[0], kGstSuites[1]);
    INFO(toString(c.suite));
    namespace net = boost::asio;
    net::io_context io;
    net::ip::udp::socket socket(io, net::ip::udp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    const auto port = socket.local_endpoint().port();
    const auto key = keyFor(c.suite);
    const std::string hex = hexOf(key);
    constexpr int kBuffers = 50;
    const std::string command =
        "gst-launch-1.0 -q audiotestsrc num-buffers=" + std::to_string(kBuffers) +
        " samplesperbuffer=480 ! audio/x-raw,format=S16BE,rate=48000,channels=1 "
        "! rtpL16pay pt=96 mtu=1400 ! srtpenc key=" +
        hex + " rtp-cipher=" + c.cipher + " rtp-auth=" + c.auth + " rtcp-cipher=" + c.cipher +
        " rtcp-auth=" + c.auth + " ! udpsink host=127.0.0.1 port=" + std::to_string(port) +
        " sync=false";
    // Catch's assertions are for the test thread: the sender only reports its status.
    std::atomic<int> senderStatus{-1};
    std::thread sender([&] { senderStatus = tc::test::run(command); });

    auto receiver = SrtpSession::create(c.suite, key, SrtpDirection::inbound);
    REQUIRE(receiver);
    std::vector<std::uint8_t> buffer(2048);
    int received = 0;
    int authenticated = 0;
    socket.non_blocking(true);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (received < kBuffers && std::chrono::steady_clock::now() < deadline) {
        boost::system::error_code ec;
        std::size_t length = socket.receive(net::buffer(buffer), 0, ec);
        if (ec == net::error::would_block) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            continue;
        }
        REQUIRE_FALSE(ec);
        ++received;
        if (!receiver->unprotectRtp(buffer, length)) {
            ++authenticated;
            CHECK(length == 12 + 960); // 480 samples of S16 mono, decrypted
        }
    }
    sender.join();
    CHECK(senderStatus == 0);
    CHECK(received == kBuffers);
    CHECK(authenticated == kBuffers);
}

// The other direction: our sender to GStreamer's srtpdec, verified sample for sample after
// rtpL16depay writes the decrypted audio to a file.
TEST_CASE("interop: our sender to gst-launch srtpdec", "[srtp][interop]") {
    const auto c = GENERATE(kGstSuites[0], kGstSuites[1]);
    INFO(toString(c.suite));
    namespace net = boost::asio;
    net::io_context io;
    const std::uint16_t port = tc::test::freeUdpPort(); // for gst's udpsrc
    const auto key = keyFor(c.suite);
    const std::string hex = hexOf(key);
    tc::test::TempDir dir;
    const auto output = dir.path() / "decoded.raw";
    constexpr int kBuffers = 50;
    const std::string srtp = std::string("srtp-cipher=(string)") + c.cipher +
                             ",srtp-auth=(string)" + c.auth + ",srtcp-cipher=(string)" + c.cipher +
                             ",srtcp-auth=(string)" + c.auth;
    const std::string command =
        "gst-launch-1.0 -q udpsrc address=127.0.0.1 port=" + std::to_string(port) +
        " caps=\"application/x-srtp,media=(string)audio,clock-rate=(int)48000,"
        "encoding-name=(string)L16,channels=(int)1,payload=(int)96,ssrc=(uint)287454020,"
        "srtp-key=(buffer)" +
        hex + "," + srtp + "\" ! srtpdec ! identity eos-after=" + std::to_string(kBuffers + 1) +
        " ! rtpL16depay ! filesink location=" + output.string();
    std::atomic<bool> done{false};
    std::atomic<int> gstStatus{-1};
    std::thread receiver([&] {
        gstStatus = tc::test::run("timeout 20 " + command);
        done = true;
    });

    auto sender = SrtpSession::create(c.suite, key, SrtpDirection::outbound);
    REQUIRE(sender);
    net::ip::udp::socket socket(io, net::ip::udp::v4());
    const net::ip::udp::endpoint target(net::ip::make_address("127.0.0.1"), port);
    // Keep sending fresh packets until gst has its 50 (the first may arrive before it listens);
    // identity ends the stream instead of passing its (kBuffers + 1)th buffer.
    for (std::uint16_t seq = 1; !done && seq < 4000; ++seq) {
        std::size_t length = 0;
        auto packet = rtpPacket(seq, length);
        packet.resize(12 + 960 + 64);
        for (std::size_t i = 0; i < 960; ++i) {
            packet[12 + i] = static_cast<std::uint8_t>(i + seq);
        }
        length = 12 + 960;
        REQUIRE_FALSE(sender->protectRtp(packet, length));
        socket.send_to(net::buffer(packet.data(), length), target);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    receiver.join();
    CHECK(gstStatus == 0);
    const auto decoded = readFile(output);
    REQUIRE(decoded);
    REQUIRE(decoded->size() == kBuffers * 960u);
    // Every 960-byte packet is the ramp we sent, starting at its sequence number.
    for (std::size_t p = 0; p < kBuffers; ++p) {
        const auto* chunk = reinterpret_cast<const std::uint8_t*>(decoded->data()) + p * 960;
        for (std::size_t i = 0; i < 960; ++i) {
            if (chunk[i] != static_cast<std::uint8_t>(chunk[0] + i)) {
                FAIL("sample " << i << " of packet " << p << " differs");
            }
        }
    }
}

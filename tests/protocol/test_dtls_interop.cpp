// DTLS-SRTP against an independent OpenSSL-based implementation: GStreamer's dtlssrtpenc and
// dtlssrtpdec in a gst-launch process. Our engine is the DTLS client, gst the server with a
// certificate whose fingerprint we announce as "its SDP" would; the handshake completes, the
// SRTP profile is negotiated down to the one gst supports, and media flows both ways: gst's
// test tone authenticates on our side, our ramp comes out of gst's depayloader sample for sample.
#include "support/catch_result.hpp"
#include "support/free_udp_port.hpp"
#include "support/rtp_packet.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/protocol/dtls_srtp.hpp"
#include "tc/protocol/packets.hpp"

#include <atomic>
#include <boost/asio/ip/udp.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace tc::protocol;
namespace net = boost::asio;
using udp = net::ip::udp;

namespace {

std::vector<std::uint8_t> rampPacket(std::uint16_t seq) {
    return tc::test::testRtpPacket(seq, 0xCAB10001);
}

} // namespace

TEST_CASE("interop: DTLS-SRTP with gst-launch dtlssrtpenc/dtlssrtpdec, media both ways",
          "[dtls][interop]") {
    net::io_context io;
    udp::socket socket(io, udp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    const auto ourPort = socket.local_endpoint().port();
    const std::uint16_t gstPort = tc::test::freeUdpPort();
    const udp::endpoint gst(net::ip::make_address("127.0.0.1"), gstPort);

    tc::test::TempDir dir;
    const auto gstCertificate = *DtlsCertificate::generate();
    const auto pemFile = dir.path() / "gst.pem";
    std::ofstream(pemFile) << gstCertificate->pem();
    const auto output = dir.path() / "decoded.raw";
    const auto pidFile = dir.path() / "gst.pid";
    constexpr int kBuffers = 50;
    // gst-launch re-joins its arguments, so the PEM needs its own quotes inside the shell's.
    // The encoder comes first: gst 1.22 crashes when the decoder creates the connection.
    const std::string command =
        "echo $$ > " + pidFile.string() +
        "; exec timeout 30 gst-launch-1.0 -q dtlssrtpenc name=e connection-id=tc is-client=false"
        " ! udpsink host=127.0.0.1 sync=false async=false port=" +
        std::to_string(ourPort) + " udpsrc address=127.0.0.1 port=" + std::to_string(gstPort) +
        " ! dtlssrtpdec name=d connection-id=tc pem=\"\\\"$(cat " + pemFile.string() +
        ")\\\"\" d.rtp_src ! application/x-rtp,media=audio,clock-rate=48000,encoding-name=L16,"
        "channels=1,payload=96 ! identity eos-after=" +
        std::to_string(kBuffers + 1) +
        " ! rtpL16depay ! filesink async=false location=" + output.string() +
        " audiotestsrc is-live=true num-buffers=300 samplesperbuffer=480"
        " ! audio/x-raw,format=S16BE,rate=48000,channels=1"
        // 10 ms a packet, whatever the load does to the live source's timing.
        " ! rtpL16pay pt=96 min-ptime=10000000 max-ptime=10000000 ! e.rtp_sink_0";
    std::atomic<bool> gstDone{false};
    std::atomic<int> gstStatus{-1};
    std::thread peer([&] {
        gstStatus = tc::test::run(command);
        gstDone = true;
    });

    const auto ours = *DtlsCertificate::generate();
    auto handshake =
        DtlsSrtpHandshake::create(DtlsRole::client, ours, gstCertificate->fingerprint());
    REQUIRE(handshake);
    auto& dtls = **handshake;
    std::optional<SrtpSession> sender;
    std::optional<SrtpSession> receiver;
    auto flush = [&] {
        for (const auto& d : dtls.takeOutgoing()) {
            socket.send_to(net::buffer(d), gst);
        }
    };
    dtls.start(); // the first ClientHello may beat gst's udpsrc; the timer resends it
    flush();

    socket.non_blocking(true);
    std::vector<std::uint8_t> buffer(2048);
    int authenticated = 0;
    int rejected = 0;
    std::string rejections; // why, for the report
    std::uint16_t seq = 1;
    auto nextSend = std::chrono::steady_clock::now();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    // gst's dtlssrtpenc does not pass EOS on, so the pipeline never ends by itself: the test
    // stops it once both directions have delivered.
    auto decodedBytes = [&] {
        std::error_code ec;
        const auto size = std::filesystem::file_size(output, ec);
        return ec ? 0 : size;
    };
    while (!gstDone && std::chrono::steady_clock::now() < deadline &&
           !(authenticated >= kBuffers && decodedBytes() >= kBuffers * 960u)) {
        boost::system::error_code ec;
        std::size_t length = socket.receive(net::buffer(buffer), 0, ec);
        if (!ec) {
            const auto kind = classify(std::span<const std::uint8_t>(buffer.data(), length));
            if (kind == PacketKind::dtls) {
                dtls.receive(std::span<const std::uint8_t>(buffer.data(), length));
                flush();
                if (dtls.done() && !sender) {
                    const auto& keys = dtls.keys();
                    sender.emplace(
                        *SrtpSession::create(keys.suite, keys.sendKey, SrtpDirection::outbound));
                    receiver.emplace(
                        *SrtpSession::create(keys.suite, keys.receiveKey, SrtpDirection::inbound));
                }
            } else if (kind == PacketKind::rtp && receiver) {
                const auto error = receiver->unprotectRtp(buffer, length);
                if (!error && length == 12 + 960) {
                    ++authenticated;
                } else {
                    ++rejected;
                    rejections +=
                        (error ? error.message() : "length " + std::to_string(length)) + "; ";
                }
            }
            continue;
        }
        REQUIRE(ec == net::error::would_block);
        if (const auto wait = dtls.nextTimeout(); wait && *wait == std::chrono::milliseconds(0)) {
            dtls.onTimer();
            flush();
        }
        if (sender && std::chrono::steady_clock::now() >= nextSend && seq < 4000) {
            auto packet = rampPacket(seq++);
            std::size_t size = packet.size();
            packet.resize(size + 64);
            REQUIRE_FALSE(sender->protectRtp(packet, size));
            socket.send_to(net::buffer(packet.data(), size), gst);
            nextSend += std::chrono::milliseconds(5);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::ifstream pidIn(pidFile);
    int pid = 0;
    const bool stoppedByUs = pidIn >> pid && pid > 0 && !gstDone;
    if (stoppedByUs) {
        ::kill(pid, SIGTERM);
    }
    peer.join();
    INFO("handshake failure: " << dtls.failure().message());
    REQUIRE(dtls.done());
    CHECK(dtls.keys().suite == SrtpSuite::aesCm128HmacSha1_80); // all gst 1.22 offers
    const bool gstFailed = !stoppedByUs && gstStatus != 0;
    CHECK_FALSE(gstFailed); // it did not stop on an error of its own
    CHECK(authenticated >= kBuffers);
    INFO("rejected: " << rejections);
    CHECK(rejected == 0);

    std::ifstream in(output, std::ios::binary);
    const std::string decoded((std::istreambuf_iterator<char>(in)), {});
    REQUIRE(decoded.size() == kBuffers * 960u);
    for (std::size_t p = 0; p < kBuffers; ++p) {
        const auto* chunk = reinterpret_cast<const std::uint8_t*>(decoded.data()) + p * 960;
        for (std::size_t i = 0; i < 960; ++i) {
            if (chunk[i] != static_cast<std::uint8_t>(chunk[0] + i)) {
                FAIL("sample " << i << " of packet " << p << " differs");
            }
        }
    }
}

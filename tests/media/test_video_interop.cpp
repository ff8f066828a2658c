// Independent peers over loopback UDP, for each codec: GStreamer's own depayloader and decoder
// in a gst-launch-1.0 process decode our RTP (and read our stamps), and our receiver decodes
// RTP from a gst-launch-1.0 encoder and payloader fed with our stamped frames.
#include "test_video_support.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

using namespace tc::test;
using namespace tc::media;

namespace {

class UdpSocket {
public:
    UdpSocket() { m_fd = socket(AF_INET, SOCK_DGRAM, 0); }
    ~UdpSocket() {
        if (m_fd >= 0) {
            close(m_fd);
        }
    }
    UdpSocket(const UdpSocket&) = delete;
    UdpSocket& operator=(const UdpSocket&) = delete;

    // 0 on success, else errno.
    int bind(std::uint16_t port) {
        const sockaddr_in address = loopback(port);
        return ::bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0
                   ? 0
                   : errno;
    }
    std::uint16_t port() const {
        sockaddr_in address{};
        socklen_t size = sizeof address;
        getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &size);
        return ntohs(address.sin_port);
    }
    void receiveBuffer(int bytes) { setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes); }
    bool sendTo(std::uint16_t port, const std::vector<std::uint8_t>& data) {
        const sockaddr_in address = loopback(port);
        return sendto(m_fd, data.data(), data.size(), 0,
                      reinterpret_cast<const sockaddr*>(&address),
                      sizeof address) == static_cast<ssize_t>(data.size());
    }
    // A datagram, or nothing after `timeoutMs`.
    std::optional<std::vector<std::uint8_t>> receive(int timeoutMs) {
        pollfd p{m_fd, POLLIN, 0};
        if (poll(&p, 1, timeoutMs) != 1) {
            return std::nullopt;
        }
        std::vector<std::uint8_t> data(2048);
        const ssize_t size = recv(m_fd, data.data(), data.size(), 0);
        if (size < 0) {
            return std::nullopt;
        }
        data.resize(static_cast<std::size_t>(size));
        return data;
    }

private:
    static sockaddr_in loopback(std::uint16_t port) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return address;
    }
    int m_fd = -1;
};

std::uint16_t freePort() {
    UdpSocket probe;
    REQUIRE(probe.bind(0) == 0);
    return probe.port();
}

bool udpPortBound(std::uint16_t port) {
    std::ifstream table("/proc/net/udp");
    char local[16];
    std::snprintf(local, sizeof local, "0100007F:%04X", port);
    for (std::string line; std::getline(table, line);) {
        if (line.find(local) != std::string::npos) {
            return true;
        }
    }
    return false;
}

std::string rtpCaps(VideoCodec codec) {
    return "application/x-rtp,media=video,clock-rate=90000,encoding-name=" + codecLabel(codec) +
           ",payload=96";
}

std::string theirDecoder(VideoCodec codec) {
    return codec == VideoCodec::vp8 ? "rtpvp8depay ! vp8dec" : "rtph264depay ! avdec_h264";
}

std::string theirEncoder(VideoCodec codec) {
    return codec == VideoCodec::vp8
               ? "vp8enc deadline=1 keyframe-max-dist=1000 target-bitrate=2500000 ! rtpvp8pay"
               : "openh264enc bitrate=2500000 gop-size=1000 ! rtph264pay config-interval=-1";
}

} // namespace

TEST_CASE("video interop: gst-launch's depayloader and decoder read our RTP and our stamps",
          "[video][gst][interop]") {
    const VideoCodec codec = GENERATE(VideoCodec::vp8, VideoCodec::h264);
    INFO(codecLabel(codec));
    constexpr std::uint32_t kFrames = 60;
    // Encoded first, so that the peer can be told how many packets end its stream.
    std::mutex mutex;
    std::vector<std::vector<std::uint8_t>> packets;
    auto sender = startCollectingSender(codec, mutex, packets);
    REQUIRE(sender.has_value());
    auto source = VideoSource::synthetic({SceneKind::roomCamera, 1280, 720, 30, 8});
    REQUIRE(source.has_value());
    for (std::uint32_t n = 0; n < kFrames; ++n) {
        REQUIRE_FALSE((*sender)->push(*(*source)->next(captureUs(n))));
    }
    REQUIRE_FALSE((*sender)->finish());

    TempDir dir;
    const auto raw = dir.path() / "theirs.yuv";
    const std::uint16_t port = freePort();
    ChildProcess peer(
        "exec gst-launch-1.0 -q udpsrc address=127.0.0.1 port=" + std::to_string(port) +
        " num-buffers=" + std::to_string(packets.size()) + " caps=\"" + rtpCaps(codec) +
        "\" ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 ! " + theirDecoder(codec) +
        " ! videoconvert ! video/x-raw,format=I420 ! filesink location=" + raw.string());
    // The peer is listening once its socket is bound (as the kernel's table shows).
    UdpSocket out;
    for (int tries = 0; tries < 500 && !udpPortBound(port); ++tries) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (const auto& packet : packets) {
        REQUIRE(out.sendTo(port, packet));
        if ((packet[1] & 0x80) != 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(3)); // frame by frame
        }
    }
    REQUIRE(peer.wait(std::chrono::seconds(60)) == 0);
    const auto frames = readRawI420(raw, 1280, 720);
    REQUIRE(frames.size() == kFrames);
    for (std::uint32_t n = 0; n < kFrames; ++n) {
        const auto stamp = readFrameCode(frames[n].view());
        REQUIRE(stamp);
        CHECK(stamp->counter == n);
        CHECK(stamp->captureUs == captureUs(n));
    }
}

TEST_CASE("video interop: our receiver decodes RTP from gst-launch's encoder and payloader",
          "[video][gst][interop]") {
    const VideoCodec codec = GENERATE(VideoCodec::vp8, VideoCodec::h264);
    INFO(codecLabel(codec));
    constexpr std::uint32_t kFrames = 45;
    TempDir dir;
    const auto frames = dir.path() / "ours.yuv";
    {
        auto source = VideoSource::synthetic({SceneKind::otoscope, 1280, 720, 30, 9});
        REQUIRE(source.has_value());
        std::ofstream out(frames, std::ios::binary);
        for (std::uint32_t n = 0; n < kFrames; ++n) {
            const auto frame = (*source)->next(captureUs(n));
            REQUIRE(frame.has_value());
            out.write(reinterpret_cast<const char*>(frame->bytes().data()),
                      static_cast<std::streamsize>(frame->bytes().size()));
        }
    }
    std::mutex mutex;
    std::vector<FrameStamp> stamps;
    auto receiver = VideoReceiver::start({.codec = codec, .onFrame = [&](const DecodedFrame& f) {
                                              const auto stamp = readFrameCode(f.image);
                                              CHECK(stamp);
                                              CHECK(f.image.width == 1280);
                                              std::lock_guard lock(mutex);
                                              if (stamp) {
                                                  stamps.push_back(*stamp);
                                              }
                                          }});
    REQUIRE(receiver.has_value());
    UdpSocket in;
    REQUIRE(in.bind(0) == 0);
    in.receiveBuffer(4 << 20);
    // sync=true: the peer sends in real time, 30 frames a second, as a camera would.
    ChildProcess peer("exec gst-launch-1.0 -q filesrc location=" + frames.string() +
                      " ! rawvideoparse width=1280 height=720 format=i420 framerate=30/1 ! " +
                      theirEncoder(codec) + " pt=96 mtu=1200 ! udpsink host=127.0.0.1 port=" +
                      std::to_string(in.port()) + " sync=true");
    int exit = -1;
    // Until the peer has finished and the socket has been quiet for a second; a minute at most.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (int idle = 0; idle < 10 && std::chrono::steady_clock::now() < deadline;) {
        if (auto datagram = in.receive(100)) {
            CHECK_FALSE((*receiver)->pushPacket(*datagram));
            idle = 0;
        } else if (exit < 0) {
            exit = peer.wait(std::chrono::milliseconds(0));
        } else {
            ++idle;
        }
    }
    CHECK(exit == 0);
    REQUIRE_FALSE((*receiver)->finish());
    std::lock_guard lock(mutex);
    REQUIRE(stamps.size() == kFrames);
    for (std::uint32_t n = 0; n < kFrames; ++n) {
        CHECK(stamps[n].counter == n);
    }
    CHECK((*receiver)->stats().sequenceGaps == 0);
}

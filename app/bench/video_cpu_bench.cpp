// telecabine-bench video-cpu: the CPU the console spends receiving and decoding the room camera
// (720p30 VP8, about 2.5 Mbit/s) into a sink, against the same decode run as a plain
// gst-launch-1.0 pipeline in the same run. Both get the same RTP packets over loopback UDP at
// 30 frames/s; the stream is encoded beforehand so that the encoder is not measured.
#include "benchmarks.hpp"
#include "tc/media/video_receiver.hpp"
#include "tc/media/video_sender.hpp"
#include "tc/media/video_source.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace tc::bench {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace net = boost::asio;

struct Frames {
    std::vector<std::vector<std::vector<std::uint8_t>>> packets; // per frame
};

boost::system::result<Frames> encodeAhead(int frames) {
    media::VideoSourceConfig source;
    auto camera = media::VideoSource::synthetic(source);
    if (!camera) {
        return camera.error();
    }
    Frames out;
    out.packets.resize(static_cast<std::size_t>(frames));
    std::mutex mutex;
    std::size_t current = 0;
    media::VideoSenderConfig config;
    config.payloadType = 100;
    config.dropWhenBehind = false; // every frame: this is a file, not a camera
    config.onPacket = [&](std::vector<std::uint8_t> packet) {
        std::lock_guard lock(mutex);
        out.packets[std::min(current, out.packets.size() - 1)].push_back(std::move(packet));
    };
    auto sender = media::VideoSender::start(config);
    if (!sender) {
        return sender.error();
    }
    for (int i = 0; i < frames; ++i) {
        auto frame = (*camera)->next(static_cast<std::uint64_t>(i) * 33'333);
        if (!frame) {
            return frame.error();
        }
        static_cast<void>((*sender)->push(*frame));
        // One frame in flight at a time, so that packets are filed under their frame.
        while ((*sender)->stats().framesEncoded < static_cast<std::uint64_t>(i + 1)) {
            std::this_thread::sleep_for(1ms);
        }
        std::lock_guard lock(mutex);
        current = static_cast<std::size_t>(i + 1);
    }
    static_cast<void>((*sender)->finish());
    return out;
}

// Sends every frame's packets at 30 frames/s to `target`.
void paced(const Frames& frames, net::ip::udp::socket& socket,
           const net::ip::udp::endpoint& target) {
    const auto start = Clock::now();
    for (std::size_t i = 0; i < frames.packets.size(); ++i) {
        for (const auto& packet : frames.packets[i]) {
            socket.send_to(net::buffer(packet), target);
        }
        std::this_thread::sleep_until(start + std::chrono::microseconds(33'333 * (i + 1)));
    }
}

} // namespace

int runVideoCpu(cli::CommandLine& args) {
    const auto seconds = rangedOption(args, "video-cpu", "seconds", 10, 2, 120);
    if (!seconds) {
        return 2;
    }
    auto frames = encodeAhead(*seconds * 30);
    if (!frames) {
        std::cerr << "video-cpu: cannot encode the stream: " << frames.error().message() << "\n";
        return 1;
    }
    net::io_context io;
    net::ip::udp::socket out(io, net::ip::udp::endpoint(net::ip::make_address("127.0.0.1"), 0));

    // Ours: a socket read loop feeding the console's receiver (depayload, decode, convert,
    // appsink delivering each frame).
    std::atomic<std::uint64_t> decoded{0};
    media::VideoReceiverConfig config;
    config.payloadType = 100;
    config.onFrame = [&](const media::DecodedFrame&) {
        ++decoded;
    };
    auto receiver = media::VideoReceiver::start(config);
    if (!receiver) {
        std::cerr << "video-cpu: " << receiver.error().message() << "\n";
        return 1;
    }
    net::ip::udp::socket in(io, net::ip::udp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    std::atomic<bool> reading{true};
    std::thread reader([&] {
        std::vector<std::uint8_t> buffer(2048);
        in.non_blocking(false);
        while (reading) {
            boost::system::error_code ec;
            const auto n = in.receive(net::buffer(buffer), 0, ec);
            if (!ec && n > 0) {
                static_cast<void>((*receiver)->pushPacket(std::span(buffer.data(), n)));
            }
        }
    });
    const double oursBefore = processCpuSeconds();
    const auto oursStart = Clock::now();
    paced(*frames, out, in.local_endpoint());
    std::this_thread::sleep_for(300ms);
    const double oursWall = std::chrono::duration<double>(Clock::now() - oursStart).count();
    const double oursCpu = processCpuSeconds() - oursBefore;
    reading = false;
    out.send_to(net::buffer("x", 1), in.local_endpoint()); // wakes the reader
    reader.join();
    const auto oursFrames = decoded.load();
    receiver->reset();

    // The same decode as a plain gst-launch pipeline, fed the same packets.
    std::uint16_t port = 0;
    {
        net::ip::udp::socket probe(io,
                                   net::ip::udp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        port = probe.local_endpoint().port();
    }
    const std::string pipeline =
        "udpsrc address=127.0.0.1 port=" + std::to_string(port) +
        " caps=application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=100 ! "
        "rtpjitterbuffer latency=50 ! rtpvp8depay ! vp8dec threads=1 ! videoconvert ! "
        "video/x-raw,format=I420 ! fakesink sync=false";
    std::fflush(nullptr);
    const pid_t gst = ::fork();
    if (gst == 0) {
        ::execlp("sh", "sh", "-c",
                 ("exec gst-launch-1.0 -q " + pipeline + " >/dev/null 2>&1").c_str(),
                 static_cast<char*>(nullptr));
        ::_exit(127);
    }
    std::this_thread::sleep_for(1500ms); // gst-launch up and listening
    const double gstBefore = childCpuSeconds(gst);
    const auto gstStart = Clock::now();
    paced(*frames, out, net::ip::udp::endpoint(net::ip::make_address("127.0.0.1"), port));
    std::this_thread::sleep_for(300ms);
    const double gstWall = std::chrono::duration<double>(Clock::now() - gstStart).count();
    const double gstCpu = childCpuSeconds(gst) - gstBefore;
    ::kill(gst, SIGINT);
    int status = 0;
    ::waitpid(gst, &status, 0);

    const double oursPct = 100.0 * oursCpu / oursWall;
    const double gstPct = 100.0 * gstCpu / gstWall;
    const double ratio = gstPct > 0 ? oursPct / gstPct : 0;
    const nlohmann::json report = {
        {"benchmark", "video-cpu"},
        {"stream", "1280x720 30 fps VP8, encoded ahead, over loopback UDP"},
        {"seconds", *seconds},
        {"frames_decoded", oursFrames},
        {"cpu_pct_one_core", oursPct},
        {"gst_launch_cpu_pct_one_core", gstPct},
        {"ratio_vs_gst_launch", ratio},
        {"includes", "ours: the bench process (UDP read loop, the console's VideoReceiver: "
                     "jitter buffer, depayloader, vp8dec, videoconvert, appsink callback) and "
                     "the paced sender; gst-launch: its whole process"},
        {"target_ratio", 1.2},
        {"target_met", ratio > 0 && ratio <= 1.2}};
    std::cout << report.dump(args.flag("json") ? -1 : 2) << "\n";
    return 0;
}

} // namespace tc::bench

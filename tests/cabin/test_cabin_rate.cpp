// The cabin's cameras follow the console's RTCP loss reports: the room camera, through a relay
// that starts losing 30 % of the packets, backs off from 2.5 Mbit/s within seconds, and the
// stethoscope stream on the same session keeps flowing.
#include "cabin_cameras.hpp"
#include "support/transport_pair.hpp"
#include "tc/media/stethoscope_stream.hpp"
#include "tc/protocol/impairment.hpp"

#include <future>
#include <mutex>

using namespace tc;
using namespace tc::test;

namespace {

RtpSessionConfig sessionConfig(std::string cname) {
    RtpSessionConfig config;
    config.cname = std::move(cname);
    config.streams = {{"video", 100, 90000, 101, true, "VP8"},
                      {"steth", 96, 48000, 97, false, "L16"}};
    return config;
}

std::optional<int> bitrateOf(IoThread& io,
                             boost::asio::strand<boost::asio::any_io_executor>& strand,
                             cabin::CabinCameras& cameras) {
    std::promise<std::optional<int>> promise;
    boost::asio::post(strand, [&] { promise.set_value(cameras.bitrate("video")); });
    static_cast<void>(io);
    return promise.get_future().get();
}

} // namespace

TEST_CASE("cabin cameras: the room camera backs off under reported loss, audio keeps flowing",
          "[video][cabin][bitrate]") {
    IoThread io("test-cabin-rate");
    auto strand = boost::asio::make_strand(io.executor());
    Pair pair(SrtpSuite::aeadAes128Gcm);
    auto cabinTransport = *MediaTransport::open(strand, pair.a);
    auto consoleTransport = *MediaTransport::open(strand, pair.b);
    auto relay = *ImpairedRelay::open(strand);
    std::atomic<std::uint64_t> stethoscopePackets{0};
    auto console =
        RtpSession::create(consoleTransport, sessionConfig("console"),
                           [&](const RtpHeader& header, std::span<const std::uint8_t>, bool) {
                               stethoscopePackets += header.payloadType == 96;
                           });
    auto cabinSession = RtpSession::create(cabinTransport, sessionConfig("cabin"), {});
    Observer seenA;
    Observer seenB;
    startSessionsThroughRelay(*relay, pair, *cabinTransport, *consoleTransport, *cabinSession,
                              *console, seenA, seenB);

    std::mutex mutex;
    std::vector<std::string> log;
    cabin::CameraSettings settings;
    settings.width = 640; // the rate, not the picture, is under test
    settings.height = 360;
    cabin::CabinCameras cameras(strand, {{"video", media::VideoCodec::vp8, 100, 101, true}},
                                settings, [&](const std::string& line) {
                                    std::lock_guard lock(mutex);
                                    log.push_back(line);
                                });
    boost::asio::post(strand, [&] {
        cameras.startRoom(cabinSession);
        cameras.startRateControl(cabinSession);
    });
    // The stethoscope's 10 ms packets on the same session, all along.
    std::atomic<bool> streaming{true};
    std::thread stethoscope([&] {
        auto packetizer =
            media::StethoscopePacketizer::create(media::StethoscopeFormat{}, 0x57E7A001, 1, 0)
                .value();
        std::vector<std::int16_t> frame(480, 100);
        auto next = std::chrono::steady_clock::now();
        while (streaming) {
            cabinSession->send(
                packetizer.packetize(frame, media::AuscultationSite::mitral).value());
            next += 10ms;
            std::this_thread::sleep_until(next);
        }
    });

    // On a clean path the console's reports keep the camera at the ceiling: wait (on a condition,
    // with a deadline) until the controller has decided twice from them while the console
    // receives the video, rather than for a fixed time.
    const auto rateDecisions = [&] {
        std::promise<std::uint64_t> promise;
        boost::asio::post(strand, [&] { promise.set_value(cameras.rateDecisions()); });
        return promise.get_future().get();
    };
    const auto cleanDeadline = std::chrono::steady_clock::now() + 20s;
    while ((rateDecisions() < 2 || stethoscopePackets == 0) &&
           std::chrono::steady_clock::now() < cleanDeadline) {
        std::this_thread::sleep_for(50ms);
    }
    REQUIRE(rateDecisions() >= 2);
    CHECK(bitrateOf(io, strand, cameras) == 2'500'000); // a clean path: the ceiling
    Impairment lossy;
    lossy.singleLossRate = 0.30;
    lossy.seed = 5;
    relay->setImpairment(lossy);
    const auto before = stethoscopePackets.load();
    // About one report each 1.5 s, each taking 15 % off: under 1.5 Mbit/s within seconds (the
    // deadline is generous for a loaded machine; the rate is what is tested, not the speed).
    const auto lossStarted = std::chrono::steady_clock::now();
    std::optional<int> reduced;
    while (std::chrono::steady_clock::now() - lossStarted < 20s) {
        std::this_thread::sleep_for(500ms);
        reduced = bitrateOf(io, strand, cameras);
        if (reduced && *reduced < 1'500'000) {
            break;
        }
    }
    REQUIRE(reduced);
    CHECK(*reduced < 1'500'000);
    CHECK(*reduced >= media::BitrateLimits{}.floorBps);
    // The stethoscope still arrives (about 70 of its 100 packets a second get through).
    const auto lossSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - lossStarted).count();
    CHECK(static_cast<double>(stethoscopePackets - before) > 40.0 * lossSeconds);
    {
        std::lock_guard lock(mutex);
        bool told = false;
        for (const auto& line : log) {
            told = told || line.find("% loss") != std::string::npos;
        }
        CHECK(told);
    }
    streaming = false;
    stethoscope.join();
    std::promise<void> camerasStopped;
    boost::asio::post(strand, [&] {
        cameras.stopAll();
        camerasStopped.set_value();
    });
    camerasStopped.get_future().wait();
    cabinSession->stop();
    console->stop();
    relay->close();
    cabinTransport->close();
    consoleTransport->close();
    CHECK(io.stop()); // the transports closed, the loop runs out of work by itself
}

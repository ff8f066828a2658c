// The console's video on screen, with real decoded frames: the cabin's sources and encoders
// (room camera VP8, otoscope H.264, 1280x720 at 30 fps) → RTP packets → VideoController's
// receivers → VideoSurface items in a QQuickView loaded from QML that binds the surfaces itself
// (setSurface from QML, as the VideoPanel does). The window's pixels move, the main stream can be
// switched, and a snapshot is a full-resolution PNG whose stamp, read back from its pixels,
// matches what the surface showed.
#include "frame_pump.hpp"
#include "tc/media/video_frame_code.hpp"
#include "tc/media/video_sender.hpp"
#include "tc/media/video_snapshot.hpp"
#include "tc/media/video_source.hpp"
#include "video_controller.hpp"
#include "video_surface.hpp"

#include <QFile>
#include <QQmlEngine>
#include <QQuickView>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <thread>
#include <time.h>

using namespace tc;
using namespace std::chrono_literals;

namespace {

// A cabin camera in this process: renders, stamps and encodes on its own thread at `fps`,
// every RTP packet straight into the console's controller (from GStreamer's streaming thread,
// as the protocol thread would). `drop` loses the packets of one frame, once.
class Camera {
public:
    Camera(app::VideoController& console, const std::string& name, media::SceneKind kind,
           media::VideoCodec codec, std::uint8_t payloadType)
        : m_source(std::move(media::VideoSource::synthetic({kind, 1280, 720, 30, 9}).value())) {
        media::VideoSenderConfig config;
        config.codec = codec;
        config.payloadType = payloadType;
        config.onPacket = [this, &console, name](std::vector<std::uint8_t> packet) {
            const bool marker = packet.size() > 1 && (packet[1] & 0x80) != 0;
            if (m_paused.load()) {
                return; // the camera's link is gone: nothing reaches the console
            }
            if (m_dropFrame.load()) {
                if (marker) {
                    m_dropFrame = false;
                }
                return;
            }
            console.pushPacket(name, packet);
        };
        m_sender = std::move(media::VideoSender::start(std::move(config)).value());
        m_thread = test::pumpFrames(*m_source, *m_sender);
    }
    ~Camera() {
        m_thread.request_stop();
        m_thread.join();
        m_sender.reset();
    }
    media::VideoSender& sender() { return *m_sender; }
    void dropOneFrame() { m_dropFrame = true; }
    void setPaused(bool paused) { m_paused = paused; }

private:
    std::unique_ptr<media::VideoSource> m_source;
    std::unique_ptr<media::VideoSender> m_sender;
    std::atomic<bool> m_dropFrame{false};
    std::atomic<bool> m_paused{false};
    std::jthread m_thread;
};

// The main view and one thumbnail, bound from QML the way the VideoPanel binds them.
constexpr const char* kQml = R"(
import QtQuick
import Telecabine.Media
Rectangle {
    required property var video
    property alias mainSurface: mainView
    property alias thumbSurface: thumbView
    width: 960; height: 400; color: "black"
    VideoSurface { id: mainView; x: 0; y: 0; width: 640; height: 400 }
    VideoSurface { id: thumbView; x: 660; y: 0; width: 300; height: 169 }
    function bind() {
        video.setSurface(video.mainStream, mainView)
        video.setSurface(video.mainStream === "room" ? "otoscope" : "room", thumbView)
    }
    Connections { target: video; function onMainStreamChanged() { bind() } }
    Component.onCompleted: bind()
}
)";

double meanLuma(const QImage& image, QRect area) {
    double sum = 0;
    int n = 0;
    for (int y = area.top(); y <= area.bottom(); y += 2) {
        for (int x = area.left(); x <= area.right(); x += 2) {
            sum += qGray(image.pixel(x, y));
            ++n;
        }
    }
    return n > 0 ? sum / n : 0;
}

int differingPixels(const QImage& a, const QImage& b, QRect area) {
    int n = 0;
    for (int y = area.top(); y <= area.bottom(); y += 2) {
        for (int x = area.left(); x <= area.right(); x += 2) {
            n += std::abs(qGray(a.pixel(x, y)) - qGray(b.pixel(x, y))) > 8 ? 1 : 0;
        }
    }
    return n;
}

// The luma plane of an RGB picture (BT.709, limited range), for reading the stamp back.
media::VideoFrame lumaOf(const QImage& rgb) {
    media::VideoFrame frame(rgb.width(), rgb.height());
    auto span = frame.span();
    for (int y = 0; y < rgb.height(); ++y) {
        for (int x = 0; x < rgb.width(); ++x) {
            const QRgb p = rgb.pixel(x, y);
            const double luma = 0.2126 * qRed(p) + 0.7152 * qGreen(p) + 0.0722 * qBlue(p);
            span.planes[0][y * span.strides[0] + x] =
                static_cast<std::uint8_t>(16.5 + luma * 219.0 / 255.0);
        }
    }
    return frame;
}

// kQml in `view`, shown, with `video` as its controller; the file is written into `dir`.
void showSurfaces(QQuickView& view, const QTemporaryDir& dir, app::VideoController& video) {
    QFile qml(dir.filePath(QStringLiteral("surfaces.qml")));
    REQUIRE(qml.open(QIODevice::WriteOnly));
    qml.write(kQml);
    qml.close();
    view.setInitialProperties({{QStringLiteral("video"), QVariant::fromValue(&video)}});
    view.setSource(QUrl::fromLocalFile(qml.fileName()));
    REQUIRE(view.status() == QQuickView::Ready);
    view.show();
    REQUIRE(QTest::qWaitForWindowExposed(&view));
}

} // namespace

TEST_CASE("video surface: decoded frames on screen, main stream switch, snapshot", "[video][app]") {
    app::registerQmlTypes();
    app::VideoController video;
    std::atomic<int> keyframeRequests{0};
    std::unique_ptr<Camera> room;
    // Decoders go before the cameras (a decoder may ask the room camera for a keyframe).
    struct Detach {
        app::VideoController& video;
        ~Detach() { video.detachAll(); }
    } detachFirst{video};
    REQUIRE_FALSE(video.attach(QStringLiteral("room"),
                               {media::VideoCodec::vp8, 96, 50ms, [&] {
                                    ++keyframeRequests;
                                    room->sender().requestKeyframe(); // as a PLI would
                                }}));
    REQUIRE_FALSE(video.attach(QStringLiteral("otoscope"), {media::VideoCodec::h264, 102}));
    CHECK(video.mainStream() == QStringLiteral("room"));
    CHECK(video.streams().size() == 2);
    room = std::make_unique<Camera>(video, "room", media::SceneKind::roomCamera,
                                    media::VideoCodec::vp8, 96);
    Camera otoscope(video, "otoscope", media::SceneKind::otoscope, media::VideoCodec::h264, 102);

    QTemporaryDir dir;
    QQuickView view;
    showSurfaces(view, dir, video);
    auto* root = view.rootObject();
    auto* mainSurface = qvariant_cast<app::VideoSurface*>(root->property("mainSurface"));
    auto* thumbSurface = qvariant_cast<app::VideoSurface*>(root->property("thumbSurface"));
    REQUIRE(mainSurface != nullptr);
    REQUIRE(thumbSurface != nullptr);
    CHECK(mainSurface->stream() == QStringLiteral("room"));
    CHECK(thumbSurface->stream() == QStringLiteral("otoscope"));

    REQUIRE(QTest::qWaitFor([&] { return mainSurface->frameCount() >= 15; }, 10000));
    CHECK(mainSurface->hasVideo());
    CHECK(mainSurface->sourceSize() == QSize(1280, 720));
    CHECK(mainSurface->lastFrameCounter() >= 0);
    REQUIRE(QTest::qWaitFor([&] { return thumbSurface->frameCount() >= 5; }, 10000));
    CHECK(video.streams().at(0).toMap().value(QStringLiteral("hasVideo")).toBool());

    // On screen: not black, and moving. 1280x720 in 640x400 is letterboxed to 640x360 at y 20.
    const QRect mainArea(0, 20, 640, 360);
    const QImage first = view.grabWindow();
    const int shown = mainSurface->frameCount();
    const qint64 counter = mainSurface->lastFrameCounter();
    REQUIRE(QTest::qWaitFor([&] { return mainSurface->frameCount() >= shown + 6; }, 5000));
    const QImage second = view.grabWindow();
    CHECK(mainSurface->lastFrameCounter() > counter);
    REQUIRE(first.size() == second.size());
    const double lumaRoom = meanLuma(second, mainArea);
    CHECK(lumaRoom > 40);
    CHECK(meanLuma(second, QRect(0, 0, 640, 18)) < 10); // the letterbox bars stay black
    const int moved = differingPixels(first, second, mainArea);
    CHECK(moved > 640 * 360 / 4 / 50); // over 2 % of the sampled pixels changed visibly
    second.save(dir.filePath(QStringLiteral("room.png")));

    // A lost frame: the decoder asks for a keyframe, the "PLI" is answered, video goes on.
    const int beforeLoss = mainSurface->frameCount();
    QSignalSpy needed(&video, &app::VideoController::keyframeNeeded);
    room->dropOneFrame();
    REQUIRE(QTest::qWaitFor([&] { return keyframeRequests > 0; }, 5000));
    REQUIRE(QTest::qWaitFor([&] { return mainSurface->frameCount() >= beforeLoss + 20; }, 10000));
    CHECK(needed.count() >= 1);
    CHECK(video.stats(QStringLiteral("room")).keyframesDecoded >= 2);

    // The doctor makes the otoscope main: the surfaces swap streams.
    video.setMainStream(QStringLiteral("otoscope"));
    CHECK(mainSurface->stream() == QStringLiteral("otoscope"));
    CHECK(thumbSurface->stream() == QStringLiteral("room"));
    const int afterSwitch = mainSurface->frameCount();
    REQUIRE(QTest::qWaitFor([&] { return mainSurface->frameCount() >= afterSwitch + 5; }, 5000));
    const QImage otoscopeShot = view.grabWindow();
    // The otoscope's round field leaves the frame's right-hand corners black.
    CHECK(meanLuma(otoscopeShot, QRect(560, 300, 70, 70)) < 12);
    CHECK(meanLuma(second, QRect(560, 300, 70, 70)) >
          meanLuma(otoscopeShot, QRect(560, 300, 70, 70)) + 20);
    otoscopeShot.save(dir.filePath(QStringLiteral("otoscope.png")));

    // Snapshot of the main stream: full resolution, its stamp that of the frame on screen.
    video.setSnapshotDirectory(dir.filePath(QStringLiteral("consultation")));
    QSignalSpy taken(&video, &app::VideoController::snapshotTaken);
    const auto requested = std::chrono::steady_clock::now();
    QCoreApplication::processEvents(); // the surface catches up with the decoder
    const qint64 onScreen = mainSurface->lastFrameCounter();
    const QString path = video.snapshot(QStringLiteral("otoscope"));
    REQUIRE_FALSE(path.isEmpty());
    REQUIRE(taken.wait(5000));
    const auto writeMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - requested)
            .count();
    CHECK(taken.at(0).at(0).toString() == path);
    const QImage png(path);
    REQUIRE(png.size() == QSize(1280, 720));
    const auto stamp = media::readFrameCode(lumaOf(png).view());
    REQUIRE(stamp.has_value());
    CHECK(std::abs(static_cast<qint64>(stamp->counter) - onScreen) <= 2);
    const auto text = media::readPngText(path.toStdString());
    REQUIRE(text.has_value());
    bool counted = false;
    for (const auto& [key, value] : *text) {
        if (key == "telecabine:frame") {
            counted = value == std::to_string(stamp->counter);
        }
    }
    CHECK(counted);

    WARN("main surface showed " << mainSurface->frameCount() << " frames; room luma " << lumaRoom
                                << ", " << moved << " sampled pixels moved; snapshot written in "
                                << writeMs << " ms; screenshots in " << dir.path().toStdString());

    // The otoscope goes: the room camera is main again, its old surface shows nothing.
    video.detach(QStringLiteral("otoscope"));
    CHECK(video.mainStream() == QStringLiteral("room"));
    CHECK(video.streams().size() == 1);
    CHECK(mainSurface->stream() == QStringLiteral("room"));
    CHECK_FALSE(thumbSurface->hasVideo());
    dir.setAutoRemove(qEnvironmentVariableIsEmpty("TC_KEEP_SCREENSHOTS"));
}

TEST_CASE("video surface: letterbox and colour conversion", "[video][app]") {
    CHECK(app::letterbox({640, 400}, {1280, 720}) == QRectF(0, 20, 640, 360));
    CHECK(app::letterbox({400, 400}, {1280, 720}) == QRectF(0, 87.5, 400, 225));
    CHECK(app::letterbox({400, 400}, {}).isEmpty());
    // Limited-range black, white and a BT.709 red.
    media::VideoFrame frame(16, 2);
    auto span = frame.span();
    std::fill_n(span.planes[0], 8, std::uint8_t{235});
    const QImage image = app::imageFromI420(frame.view());
    CHECK(image.pixel(0, 1) == qRgb(0, 0, 0));
    CHECK(image.pixel(0, 0) == qRgb(255, 255, 255));
    media::VideoFrame red(2, 2);
    auto r = red.span();
    std::fill_n(r.planes[0], 4, std::uint8_t{63});
    r.planes[1][0] = 102;
    r.planes[2][0] = 240;
    const QRgb p = app::imageFromI420(red.view()).pixel(0, 0);
    CHECK(qRed(p) >= 250);
    CHECK(qGreen(p) <= 5);
    CHECK(qBlue(p) <= 5);

    // What a shown frame costs the streaming thread: the I420 → RGB conversion at 720p, in
    // this thread's CPU time (the machine is shared).
    auto source = media::VideoSource::synthetic({media::SceneKind::roomCamera, 1280, 720, 30, 1});
    const auto frame720 = (*source)->next(0).value();
    const auto cpuNow = [] {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
    };
    const double before = cpuNow();
    for (int i = 0; i < 20; ++i) {
        CHECK(app::imageFromI420(frame720.view()).size() == QSize(1280, 720));
    }
    const double full = (cpuNow() - before) / 20;
    const double shrinkStart = cpuNow();
    for (int i = 0; i < 20; ++i) {
        CHECK(app::imageFromI420(frame720.view(), 3).size() == QSize(426, 240));
    }
    WARN("I420 -> RGB32 at 1280x720: " << full << " ms of CPU per frame; shrunk 3 times: "
                                       << (cpuNow() - shrinkStart) / 20 << " ms");
}

TEST_CASE("video surface: frames shrink to what a surface can show, by whole factors",
          "[video][app]") {
    CHECK(app::shrinkFactor({1280, 720}, {640, 360}) == 2);
    CHECK(app::shrinkFactor({1280, 720}, {400, 225}) == 3);
    CHECK(app::shrinkFactor({1280, 720}, {1280, 720}) == 1);
    CHECK(app::shrinkFactor({1280, 720}, {1920, 1080}) == 1); // never enlarged here
    CHECK(app::shrinkFactor({1280, 720}, {}) == 1);           // not shown yet: full size
    CHECK(app::shrinkFactor({}, {640, 360}) == 1);
    // Each pixel is the mean of its block: a 2x2 checkerboard of black and white becomes grey,
    // where one sample in four would alias to black or white.
    media::VideoFrame checker(8, 4);
    auto span = checker.span();
    for (int y = 0; y < 4; ++y) {
        for (int x = 0; x < 8; ++x) {
            span.planes[0][y * span.strides[0] + x] = (x + y) % 2 == 0 ? 16 : 235;
        }
    }
    const QImage half = app::imageFromI420(checker.view(), 2);
    REQUIRE(half.size() == QSize(4, 2));
    for (int x = 0; x < 4; ++x) {
        CHECK(std::abs(qGray(half.pixel(x, 1)) - 128) <= 2);
    }
    // A uniform colour stays the same colour.
    media::VideoFrame red(6, 6);
    auto r = red.span();
    std::fill_n(r.planes[0], 36, std::uint8_t{63});
    std::fill_n(r.planes[1], 9, std::uint8_t{102});
    std::fill_n(r.planes[2], 9, std::uint8_t{240});
    const QImage small = app::imageFromI420(red.view(), 3);
    REQUIRE(small.size() == QSize(2, 2));
    CHECK(small.pixel(1, 1) == app::imageFromI420(red.view()).pixel(4, 4));
}

TEST_CASE("video surface: a stream that stops is marked frozen, and each frame on screen is "
          "reported with its capture time",
          "[video][app]") {
    app::registerQmlTypes();
    app::VideoController video;
    struct Detach {
        app::VideoController& video;
        ~Detach() { video.detachAll(); }
    } detachFirst{video};
    std::mutex mutex;
    std::vector<app::RenderedFrame> rendered;
    video.setRenderObserver([&](const app::RenderedFrame& frame) {
        std::lock_guard lock(mutex);
        rendered.push_back(frame);
    });
    REQUIRE_FALSE(video.attach(QStringLiteral("room"), {media::VideoCodec::vp8, 96}));
    Camera room(video, "room", media::SceneKind::roomCamera, media::VideoCodec::vp8, 96);

    QTemporaryDir dir;
    QQuickView view;
    showSurfaces(view, dir, video);
    auto* mainSurface =
        qvariant_cast<app::VideoSurface*>(view.rootObject()->property("mainSurface"));
    REQUIRE(mainSurface != nullptr);
    REQUIRE(QTest::qWaitFor([&] { return mainSurface->frameCount() >= 20; }, 10000));
    CHECK_FALSE(mainSurface->frozen());
    CHECK_FALSE(video.streams().at(0).toMap().value(QStringLiteral("frozen")).toBool());

    {
        // Every report is a frame of the room camera, in order, drawn after it was captured.
        std::lock_guard lock(mutex);
        REQUIRE(rendered.size() >= 10);
        for (std::size_t i = 0; i < rendered.size(); ++i) {
            const auto& frame = rendered[i];
            INFO("report " << i);
            CHECK(frame.stream == QStringLiteral("room"));
            REQUIRE(frame.counter >= 0);
            REQUIRE(frame.captureUs > 0);
            const auto captured =
                std::chrono::steady_clock::time_point(std::chrono::microseconds(frame.captureUs));
            CHECK(frame.swapped > captured);
            CHECK(frame.swapped - captured < 2s);
            if (i > 0) {
                CHECK(frame.counter > rendered[i - 1].counter);
            }
        }
    }

    // The camera's packets stop: after a second the picture is marked frozen, and says how old.
    room.setPaused(true);
    const auto stopped = std::chrono::steady_clock::now();
    REQUIRE(QTest::qWaitFor([&] { return mainSurface->frozen(); }, 5000));
    const auto noticed = std::chrono::steady_clock::now() - stopped;
    CHECK(noticed >= 900ms);
    CHECK(mainSurface->hasVideo()); // the last picture stays, marked
    CHECK(video.streams().at(0).toMap().value(QStringLiteral("frozen")).toBool());
    QTest::qWait(1200);
    CHECK(video.frozenSeconds(QStringLiteral("room")) >= 2);

    // Frames again: live at once.
    room.setPaused(false);
    room.sender().requestKeyframe(); // the decoder waits for one after the gap
    REQUIRE(QTest::qWaitFor([&] { return !mainSurface->frozen(); }, 5000));
    CHECK_FALSE(video.streams().at(0).toMap().value(QStringLiteral("frozen")).toBool());
    CHECK(video.frozenSeconds(QStringLiteral("room")) == 0);
    WARN("frozen noticed after "
         << std::chrono::duration_cast<std::chrono::milliseconds>(noticed).count() << " ms");
}

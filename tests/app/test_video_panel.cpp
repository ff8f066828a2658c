// The real VideoPanel (Telecabine.Ui) with the real VideoController and live decoded video: the
// room camera (VP8) main, the otoscope (H.264) as a thumbnail, the dermatoscope offered but not
// streaming. Pixels on screen in both places, a click on the thumbnail makes it main, and a
// stream that goes leaves its "Pas de vidéo" placeholder.
#include "frame_pump.hpp"
#include "tc/media/video_sender.hpp"
#include "tc/media/video_source.hpp"
#include "video_controller.hpp"
#include "video_surface.hpp"

#include <QQmlComponent>
#include <QQmlEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickView>
#include <QSignalSpy>
#include <QTest>
#include <catch2/catch.hpp>
#include <thread>

Q_IMPORT_QML_PLUGIN(Telecabine_UiPlugin)

using namespace tc;
using namespace std::chrono_literals;

namespace {

// A cabin camera in this process, its packets straight into the controller.
class LiveCamera {
public:
    LiveCamera(app::VideoController& console, std::string name, media::SceneKind kind,
               media::VideoCodec codec, std::uint8_t payloadType)
        : m_source(std::move(media::VideoSource::synthetic({kind, 1280, 720, 30, 4}).value())) {
        media::VideoSenderConfig config;
        config.codec = codec;
        config.payloadType = payloadType;
        config.onPacket = [&console, name = std::move(name)](std::vector<std::uint8_t> packet) {
            console.pushPacket(name, packet);
        };
        m_sender = std::move(media::VideoSender::start(std::move(config)).value());
        m_thread = test::pumpFrames(*m_source, *m_sender);
    }
    ~LiveCamera() {
        m_thread.request_stop();
        m_thread.join();
        m_sender.reset();
    }

private:
    std::unique_ptr<media::VideoSource> m_source;
    std::unique_ptr<media::VideoSender> m_sender;
    std::jthread m_thread;
};

constexpr const char* kPanel = R"(
import QtQuick
import Telecabine.Ui
VideoPanel {
    width: 1000; height: 680
    instrumentCameras: ["otoscope", "dermatoscope"]
}
)";

double meanLuma(const QImage& image, QRectF area) {
    double sum = 0;
    int n = 0;
    const QRect r = area.toAlignedRect().intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); y += 2) {
        for (int x = r.left(); x <= r.right(); x += 2) {
            sum += qGray(image.pixel(x, y));
            ++n;
        }
    }
    return n > 0 ? sum / n : 0;
}

// By objectName through the visual tree (Repeater delegates are not QObject children), as
// QtQuickTest's findChild does.
QQuickItem* findItem(QQuickItem* item, const QString& name) {
    if (item->objectName() == name) {
        return item;
    }
    for (auto* child : item->childItems()) {
        if (auto* found = findItem(child, name)) {
            return found;
        }
    }
    return nullptr;
}

QRectF sceneRect(const QQuickItem* item) {
    return item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
}

} // namespace

TEST_CASE("video panel: the real panel with live video, thumbnail click, placeholder",
          "[video][app][qml]") {
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    app::registerQmlTypes();
    app::VideoController video;
    REQUIRE_FALSE(video.attach(QStringLiteral("room"), {media::VideoCodec::vp8, 96}));
    REQUIRE_FALSE(video.attach(QStringLiteral("otoscope"), {media::VideoCodec::h264, 102}));
    struct Detach {
        app::VideoController& video;
        ~Detach() { video.detachAll(); }
    };
    auto room = std::make_unique<LiveCamera>(video, "room", media::SceneKind::roomCamera,
                                             media::VideoCodec::vp8, 96);
    LiveCamera otoscope(video, "otoscope", media::SceneKind::otoscope, media::VideoCodec::h264,
                        102);
    Detach detachFirst{video};

    QQuickView view;
    view.engine()->addImportPath(QStringLiteral("qrc:/"));
    QQmlComponent component(view.engine());
    component.setData(kPanel, QUrl(QStringLiteral("qrc:/tests/panel.qml")));
    REQUIRE(QTest::qWaitFor([&] { return !component.isLoading(); }, 5000));
    INFO(component.errorString().toStdString());
    REQUIRE(component.isReady());
    // The panel's required `video`, as the session view will give it.
    std::unique_ptr<QQuickItem> panel(
        qobject_cast<QQuickItem*>(component.createWithInitialProperties(
            {{QStringLiteral("video"), QVariant::fromValue(&video)}})));
    REQUIRE(panel != nullptr);
    panel->setParentItem(view.contentItem());
    view.resize(1000, 680);
    view.show();
    REQUIRE(QTest::qWaitForWindowExposed(&view));

    // Test-side lookups by objectName (as QtQuickTest's findChild does): the panel itself binds its
    // surfaces through the controller and never looks anything up.
    auto* mainSurface =
        qobject_cast<app::VideoSurface*>(findItem(panel.get(), QStringLiteral("mainSurface")));
    REQUIRE(mainSurface != nullptr);
    REQUIRE(QTest::qWaitFor([&] { return mainSurface->frameCount() >= 10; }, 10000));
    CHECK(mainSurface->stream() == QStringLiteral("room"));
    auto* thumbnail = findItem(panel.get(), QStringLiteral("thumbnail_otoscope"));
    REQUIRE(thumbnail != nullptr);
    auto* placeholder = findItem(thumbnail, QStringLiteral("thumbnailPlaceholder"));
    REQUIRE(placeholder != nullptr);
    REQUIRE(QTest::qWaitFor([&] { return !placeholder->isVisible(); }, 10000));
    QTest::qWait(100); // a few more frames everywhere
    const QImage shot = view.grabWindow();
    CHECK(meanLuma(shot, sceneRect(mainSurface)) > 40);
    CHECK(meanLuma(shot, sceneRect(thumbnail)) > 15); // the otoscope: a pink disc on black
    auto* dermatoscope = findItem(panel.get(), QStringLiteral("instrument_dermatoscope"));
    REQUIRE(dermatoscope != nullptr);
    CHECK(dermatoscope->property("text").toString() == QStringLiteral("Démarrer le dermatoscope"));
    if (const auto dir = qEnvironmentVariable("TC_SCREENSHOT_DIR"); !dir.isEmpty()) {
        shot.save(dir + QStringLiteral("/video_panel.png"));
    }

    // A click on the otoscope's thumbnail makes it main.
    QSignalSpy switched(&video, &app::VideoController::mainStreamChanged);
    QTest::mouseClick(&view, Qt::LeftButton, {}, sceneRect(thumbnail).center().toPoint());
    REQUIRE(switched.count() == 1);
    CHECK(video.mainStream() == QStringLiteral("otoscope"));
    CHECK(mainSurface->stream() == QStringLiteral("otoscope"));
    const int frames = mainSurface->frameCount();
    REQUIRE(QTest::qWaitFor([&] { return mainSurface->frameCount() >= frames + 5; }, 5000));
    QTest::qWait(100);
    const QImage switchedShot = view.grabWindow();
    if (const auto dir = qEnvironmentVariable("TC_SCREENSHOT_DIR"); !dir.isEmpty()) {
        switchedShot.save(dir + QStringLiteral("/video_panel_otoscope.png"));
    }

    // The room camera goes: the otoscope stays main and no thumbnail is left.
    room.reset();
    video.detach(QStringLiteral("room"));
    CHECK(video.mainStream() == QStringLiteral("otoscope"));
    REQUIRE(QTest::qWaitFor(
        [&] { return findItem(panel.get(), QStringLiteral("thumbnail_room")) == nullptr; }, 2000));
    // The otoscope goes too: the main view says so.
    video.detach(QStringLiteral("otoscope"));
    auto* mainPlaceholder = findItem(panel.get(), QStringLiteral("mainPlaceholder"));
    REQUIRE(mainPlaceholder != nullptr);
    CHECK(mainPlaceholder->isVisible());
    CHECK(mainPlaceholder->property("text").toString() == QStringLiteral("Pas de vidéo"));
}

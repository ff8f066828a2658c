// Every controller reports errors the same way (controller.hpp): an errorString property and
// errorStringChanged, on the same base, so that QML and tests read failures by one name.
#include "camera_controller.hpp"
#include "connection_controller.hpp"
#include "media_link.hpp"
#include "prescription_delivery.hpp"
#include "prescription_editor.hpp"
#include "replay_controller.hpp"
#include "session_controller.hpp"
#include "stethoscope_controller.hpp"
#include "stethoscope_recording.hpp"
#include "video_controller.hpp"
#include "vitals_controller.hpp"
#include "voice_controller.hpp"

#include <QMetaProperty>
#include <QSignalSpy>
#include <catch2/catch.hpp>
#include <type_traits>

using namespace tc;

namespace {

template <class T> void checkReportsErrors() {
    static_assert(std::is_base_of_v<app::Controller, T>);
    const QMetaObject& meta = T::staticMetaObject;
    const int index = meta.indexOfProperty("errorString");
    REQUIRE(index >= 0);
    const QMetaProperty property = meta.property(index);
    CHECK(property.hasNotifySignal());
    CHECK(property.notifySignal().name() == QByteArray("errorStringChanged"));
}

} // namespace

TEST_CASE("every controller has errorString and errorStringChanged from one base", "[app]") {
    checkReportsErrors<app::ConnectionController>();
    checkReportsErrors<app::SessionController>();
    checkReportsErrors<app::MediaLink>();
    checkReportsErrors<app::CameraController>();
    checkReportsErrors<app::VoiceController>();
    checkReportsErrors<app::VideoController>();
    checkReportsErrors<app::VitalsController>();
    checkReportsErrors<app::PrescriptionEditor>();
    checkReportsErrors<app::PrescriptionDeliveryController>();
    checkReportsErrors<app::StethoscopeController>();
    checkReportsErrors<app::StethoscopeRecording>();
    checkReportsErrors<app::ReplayController>();
}

TEST_CASE("a camera that cannot open says so in errorString, and a working one clears it",
          "[app]") {
    app::CameraController camera;
    QSignalSpy changed(&camera, &app::Controller::errorStringChanged);
    camera.setSource("v4l2src device=/dev/telecabine-no-such-camera");
    media::VideoStreamFormat format;
    format.mid = "video";
    format.twoWay = true;
    camera.attach(format, [](std::vector<std::uint8_t>) {});
    CHECK_FALSE(camera.errorString().isEmpty());
    CHECK(camera.errorString().startsWith(QStringLiteral("Caméra inutilisable")));
    CHECK(changed.count() == 1);

    camera.setSource("test");
    camera.attach(format, [](std::vector<std::uint8_t>) {});
    CHECK(camera.errorString().isEmpty());
    CHECK(changed.count() == 2);
    camera.detach();
}

TEST_CASE("a delivery that fails reports why in errorString", "[app]") {
    app::PrescriptionDeliveryController delivery;
    QSignalSpy changed(&delivery, &app::Controller::errorStringChanged);
    CHECK_FALSE(delivery.send(QByteArray(), QStringLiteral("not-an-id"), QStringLiteral("x")));
    CHECK(delivery.state() == app::DeliveryState::Failed);
    CHECK_FALSE(delivery.errorString().isEmpty());
    CHECK(changed.count() == 1);
}

#include "camera_controller.hpp"

#include "error_text.hpp"
#include "ui_dispatch.hpp"
#include "video_surface.hpp"

namespace tc::app {

CameraController::CameraController(QObject* parent)
    : Controller(parent)
    , m_observer(std::make_shared<Observer>()) {}

CameraController::~CameraController() {
    detach();
}

void CameraController::attach(const media::VideoStreamFormat& format, PacketSender send) {
    detach();
    if (m_source == "none") {
        m_text = tr("Caméra désactivée sur ce poste : la cabine ne vous voit pas.");
        emit changed();
        return;
    }
    media::VideoSenderConfig config;
    config.codec = format.codec;
    config.payloadType = format.payloadType;
    config.ssrc = kSsrc;
    config.width = 640; // the cabin's screen shows a face, not a lesion
    config.height = 360;
    m_rate = media::BitrateController(m_rate.limits()); // each consultation starts at the top
    config.bitrateBps = m_rate.target();
    config.onPacket = std::move(send);
    auto sender = media::VideoSender::start(config);
    if (!sender) {
        m_text = tr("Vidéo sortante impossible : %1").arg(errorText(sender.error()));
        setError(m_text);
        emit changed();
        return;
    }
    media::CameraConfig camera;
    camera.source = m_source;
    camera.width = config.width;
    camera.height = config.height;
    camera.onFrame = [sender = sender->get(), observer = m_observer](const media::VideoFrame& f) {
        static_cast<void>(sender->push(f)); // a full queue drops the oldest: live video
        std::lock_guard lock(observer->mutex);
        if (observer->call) {
            observer->call(f);
        }
    };
    m_sender = std::move(*sender);
    auto capture = media::CameraCapture::start(camera);
    if (!capture) {
        m_sender.reset();
        m_text = tr("Caméra inutilisable : %1").arg(errorText(capture.error()));
        setError(m_text);
        emit changed();
        return;
    }
    m_camera = std::move(*capture);
    m_camera->setEnabled(m_cameraOn);
    m_text = m_camera->testPattern() ? tr("Pas de caméra : la cabine voit une mire de test.")
                                     : QString();
    setError({});
    emit changed();
}

void CameraController::detach() {
    const bool had = m_sender != nullptr || !m_text.isEmpty();
    m_camera.reset(); // first: it pushes into the sender
    m_sender.reset();
    m_text.clear();
    if (had) {
        emit changed();
    }
}

void CameraController::requestKeyframe() {
    if (m_sender) {
        m_sender->requestKeyframe();
    }
}

void CameraController::onLossReport(double fractionLost) {
    const int before = m_rate.target();
    const int target = m_rate.onReport(fractionLost, std::chrono::seconds(1));
    if (target != before) {
        setBitrate(target);
    }
}

void CameraController::setBitrate(int bps) {
    if (m_sender) {
        m_sender->setBitrate(bps);
    }
}

void CameraController::setFrameObserver(std::function<void(const media::VideoFrame&)> observer) {
    std::lock_guard lock(m_observer->mutex);
    m_observer->call = std::move(observer);
}

void CameraController::setSelfView(VideoSurface* surface) {
    m_selfView = surface;
    if (surface == nullptr) {
        setFrameObserver({});
        return;
    }
    // Every other frame is plenty for a thumbnail of oneself; converted on the capture thread,
    // shown through one queued call.
    setFrameObserver([this, count = std::uint64_t{0}](const media::VideoFrame& frame) mutable {
        if (++count % 2 != 0) {
            return;
        }
        auto image = imageFromI420(frame.view());
        postToUi(this, [this, image = std::move(image), count] {
            if (m_selfView) {
                m_selfView->present(image, static_cast<qint64>(count));
            }
        });
    });
}

void CameraController::setCameraOn(bool on) {
    if (on == m_cameraOn) {
        return;
    }
    m_cameraOn = on;
    if (m_camera) {
        m_camera->setEnabled(on);
    }
    if (!on && m_selfView) {
        m_selfView->clear(); // the self-view says what the cabin sees: nothing
    }
    emit changed();
}

} // namespace tc::app

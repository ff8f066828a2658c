#pragma once
// The doctor's own camera during a consultation: captured (a webcam, or the labelled test
// pattern when there is none), encoded in the room camera section's negotiated codec and sent to
// the cabin, whose screen shows the doctor. The doctor can turn it off. Keyframe requests from
// the cabin (PLI/FIR) and bitrate changes reach the encoder.

#include "controller.hpp"
#include "tc/media/bitrate_controller.hpp"
#include "tc/media/camera_capture.hpp"
#include "tc/media/video_negotiation.hpp"
#include "tc/media/video_sender.hpp"

#include <QObject>
#include <QPointer>
#include <QString>
#include <functional>
#include <memory>
#include <mutex>

namespace tc::app {

class VideoSurface;

class CameraController : public Controller {
    Q_OBJECT
    Q_PROPERTY(bool active READ active NOTIFY changed)
    Q_PROPERTY(bool cameraOn READ cameraOn WRITE setCameraOn NOTIFY changed)
    Q_PROPERTY(bool testPattern READ testPattern NOTIFY changed)
    Q_PROPERTY(QString text READ text NOTIFY changed)

public:
    using PacketSender = std::function<void(std::vector<std::uint8_t>)>;
    // Our camera's SSRC, to match the cabin's keyframe requests.
    static constexpr std::uint32_t kSsrc = 0xD0C7F001;

    explicit CameraController(QObject* parent = nullptr);
    ~CameraController() override;

    // "" (a webcam if there is one, else the test pattern), "test", "none", or a GStreamer
    // source description. Applies from the next attach.
    void setSource(const std::string& source) { m_source = source; }
    // The negotiated two-way room camera section: the doctor's video goes out on it.
    void attach(const media::VideoStreamFormat& format, PacketSender send);
    void detach();
    // A PLI/FIR from the cabin, or a new target bitrate from congestion control (any thread).
    void requestKeyframe();
    void setBitrate(int bps);
    // The cabin's loss report on our camera (about once a second): the bitrate follows it,
    // from 800 kbit/s down to a floor that leaves the link to the voice and the stethoscope.
    void onLossReport(double fractionLost);
    int bitrate() const { return m_rate.target(); }
    // For a self-view: every captured frame (on the capture's thread).
    void setFrameObserver(std::function<void(const media::VideoFrame&)> observer);
    // The doctor's self-view (picture in picture), handed in from QML; null to stop.
    Q_INVOKABLE void setSelfView(tc::app::VideoSurface* surface);

    bool active() const { return m_sender != nullptr; }
    bool cameraOn() const { return m_cameraOn; }
    void setCameraOn(bool on);
    Q_INVOKABLE void toggleCamera() { setCameraOn(!m_cameraOn); }
    bool testPattern() const { return m_camera && m_camera->testPattern(); }
    QString text() const { return m_text; }
    std::uint64_t framesSent() const { return m_sender ? m_sender->stats().framesEncoded : 0; }

signals:
    void changed();

private:
    std::string m_source;
    std::unique_ptr<media::VideoSender> m_sender;
    std::unique_ptr<media::CameraCapture> m_camera;
    struct Observer {
        std::mutex mutex;
        std::function<void(const media::VideoFrame&)> call;
    };
    std::shared_ptr<Observer> m_observer; // shared with the capture thread
    QPointer<VideoSurface> m_selfView;
    bool m_cameraOn = true;
    media::BitrateController m_rate{{150'000, 800'000, 0.10, 0.02, 0.08}};
    QString m_text;
};

} // namespace tc::app

#pragma once
// The console's cameras: one media::VideoReceiver per negotiated video stream, by the name the
// doctor knows it by ("room", "otoscope", "dermatoscope"). Packets come from the protocol thread
// (pushPacket, thread-safe); decoded frames wait in each stream's latest-frame slot and reach the
// VideoSurface items QML hands in (setSurface) through one queued call. The doctor picks the main
// stream; a snapshot writes the stream's last frame at full resolution as a PNG, with its stamp's
// capture time, into the consultation's directory (on a worker thread: compressing 720p takes a
// while). A decoder that needs a keyframe calls the stream's requestKeyframe (for the app to send
// a PLI) and the keyframeNeeded signal follows.

#include "controller.hpp"
#include "tc/media/video_receiver.hpp"
#include "video_surface.hpp"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <QTimer>
#include <QVariantList>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace tc::app {

struct VideoStreamConfig {
    media::VideoCodec codec = media::VideoCodec::vp8;
    std::uint8_t payloadType = 96;
    std::chrono::milliseconds jitterLatency{50};
    // On a GStreamer streaming thread, when the decoder waits for a keyframe (after a loss or
    // a decode error; repeated every 500 ms while none comes): send a PLI for the stream's SSRC
    // (protocol::RtpSession::requestKeyframe may be called from any thread).
    std::function<void()> requestKeyframe;
};

class VideoController : public Controller {
    Q_OBJECT
    Q_PROPERTY(QString mainStream READ mainStream WRITE setMainStream NOTIFY mainStreamChanged)
    // [{name, label, hasVideo, frozen}], in the order the streams were attached.
    // A stream is frozen when frames stopped coming for a second (or four frame intervals of a
    // slow camera): its last picture stays on screen, marked as old.
    Q_PROPERTY(QVariantList streams READ streams NOTIFY streamsChanged)
    Q_PROPERTY(QString snapshotDirectory READ snapshotDirectory WRITE setSnapshotDirectory NOTIFY
                   snapshotDirectoryChanged)

public:
    explicit VideoController(QObject* parent = nullptr);
    ~VideoController() override;

    // UI thread. Starts the stream's decoder (replacing one of the same name); an error when
    // its decoder cannot be made (errorString says so too).
    boost::system::error_code attach(const QString& name, VideoStreamConfig config);
    void detach(const QString& name);
    void detachAll();

    // Any thread: one decrypted RTP packet of stream `name` (ignored when it is not attached).
    void pushPacket(const std::string& name, std::span<const std::uint8_t> rtp);

    // The surface shows stream `name` from now on (and no other); a null surface is ignored.
    Q_INVOKABLE void setSurface(const QString& name, tc::app::VideoSurface* surface);
    // The surface shows nothing any more.
    Q_INVOKABLE void releaseSurface(tc::app::VideoSurface* surface);
    // Starts writing the last frame of `name` as a PNG and returns its path; snapshotTaken(path)
    // when written, snapshotFailed(message) (and errorString) otherwise; "" when it cannot start.
    Q_INVOKABLE QString snapshot(const QString& name);
    // "Caméra de la salle", "Otoscope", "Dermatoscope", or the name itself.
    Q_INVOKABLE QString labelOf(const QString& name) const;
    // How long the stream has shown the same picture, in whole seconds (0 when not frozen).
    Q_INVOKABLE int frozenSeconds(const QString& name) const;

    QString mainStream() const { return m_mainStream; }
    void setMainStream(const QString& name);
    QVariantList streams() const;
    QString snapshotDirectory() const { return m_snapshotDirectory; }
    void setSnapshotDirectory(const QString& directory);

    // Every surface, now and later, reports the frames it puts on screen (benchmarks).
    void setRenderObserver(RenderObserver observer);
    // Each decoded frame of the streams attached from now on: its stream, its stamp's capture
    // time (0 without one) and when it came out of the decoder. Called on the decoder's
    // streaming thread: quick and thread-safe (benchmarks: what the screen adds to decoding).
    using DecodeObserver = std::function<void(const QString& stream, std::uint64_t captureUs,
                                              std::chrono::steady_clock::time_point decoded)>;
    void setDecodeObserver(DecodeObserver observer) { m_decodeObserver = std::move(observer); }

    // The decoder's counters (zero when not attached). Any thread.
    media::VideoReceiver::Stats stats(const QString& name) const;

signals:
    void mainStreamChanged();
    void streamsChanged();
    void snapshotDirectoryChanged();
    void snapshotTaken(const QString& path);
    // A stream stopped showing new frames, or showed them again (for the incidents).
    void frozenChanged(const QString& name, bool frozen);
    void snapshotFailed(const QString& message);
    void keyframeNeeded(const QString& name);

private:
    // UI-thread side of a stream: where its frames go.
    struct View {
        std::shared_ptr<VideoFrameSlot> slot; // null until attached
        std::vector<QPointer<VideoSurface>> surfaces;
        bool attached = false;
        bool hasVideo = false;
        bool frozen = false;
        std::chrono::steady_clock::time_point lastFrame;
        double meanIntervalMs = 0; // between frames, smoothed
    };
    void checkFrozen(); // the watchdog's tick
    static std::chrono::milliseconds frozenAfter(const View& view);
    void deliver(const QString& name, const std::shared_ptr<VideoFrameSlot>& slot);
    void pruneSurfaces(View& view);
    // Tells the stream's slot what its surfaces draw: planes, images (at which size), or none.
    void updateWants(View& view);
    void chooseMainStream();

    // Receivers, shared with the protocol thread: pushPacket holds the lock while it pushes, so
    // a receiver removed under the lock is used by no one.
    mutable std::mutex m_mutex;
    std::map<std::string, std::unique_ptr<media::VideoReceiver>> m_receivers;

    std::map<QString, View> m_views;
    std::vector<QString> m_order; // attached streams, first attached first
    QString m_mainStream;
    QString m_snapshotDirectory;
    QThreadPool m_snapshots; // one writer; waited for before the controller goes
    QTimer m_watchdog;       // looks for frozen streams while any is attached
    RenderObserver m_renderObserver;
    DecodeObserver m_decodeObserver;
};

} // namespace tc::app

#pragma once
// The console's video on screen, for any scene-graph backend (OpenGL, Vulkan, software; no GL
// requirement): decoded frames become an RGB image on GStreamer's streaming thread, wait in a
// thread-safe latest-frame slot (a newer frame replaces one not yet shown), cross into the UI
// with one queued call per slot (ui_dispatch.hpp), and `updatePaintNode` uploads the image with
// QQuickWindow::createTextureFromImage into a texture node, letterboxed to keep the aspect
// ratio. The item never looks for its stream: the VideoController is handed the item from QML
// (`video.setSurface("room", surface)`) and presents frames to it.

#include "tc/media/video_frame.hpp"

#include <QImage>
#include <QMutex>
#include <QQuickItem>
#include <QSize>
#include <chrono>
#include <functional>
#include <optional>

namespace tc::app {

// Registers `import Telecabine.Media` (VideoSurface, WaveformStrip) and `import
// Telecabine.States` (states.hpp). The console's main calls it once, before loading QML.
void registerQmlTypes();

// BT.709 limited-range I420 (what the video receiver decodes) → RGB32, full size, or `shrink`
// times smaller in each dimension (each pixel the mean of shrink×shrink luma samples, chroma
// from the block's centre): a surface never gets more pixels than it can show.
QImage imageFromI420(const media::I420View& frame, int shrink = 1);
// The largest whole shrink factor that keeps `source` at least as large as `display`.
int shrinkFactor(const QSize& source, const QSize& display);

// Where an image of `source` size goes inside `bounds`, centred, keeping its aspect ratio.
QRectF letterbox(const QSizeF& bounds, const QSize& source);

// A frame that reached the screen: its stamp and when the window that drew it swapped buffers.
struct RenderedFrame {
    QString stream;
    qint64 counter = -1;         // the frame stamp's counter, -1 without one
    std::uint64_t captureUs = 0; // the stamp's capture time (steady clock), 0 without one
    std::chrono::steady_clock::time_point swapped;
};
// Called on the scene graph's render thread (the UI thread with the basic render loop): it
// must be quick and thread-safe. For measurements (glass to glass, time to first frame).
using RenderObserver = std::function<void(const RenderedFrame&)>;

// The latest frame of one stream, between a streaming thread and the UI thread.
class VideoFrameSlot {
public:
    struct Frame {
        QImage image;                // null when no surface showed the stream (not converted)
        qint64 counter = -1;         // the frame stamp's counter, -1 without one
        std::uint64_t captureUs = 0; // the stamp's capture time, 0 without one
        QSize size;                  // the decoded size
        std::uint64_t seq = 0;       // decoded frames so far
    };
    // Any thread. True when the slot held no unshown frame: the caller posts one queued call
    // to take() it; otherwise the call already queued will take this newer frame instead.
    bool put(Frame frame);
    // UI thread: the newest frame not yet taken.
    std::optional<Frame> take();
    // The newest frame, taken or not (for a surface that joins the stream).
    std::optional<Frame> latest() const;
    // Whether any surface shows the stream (else frames are not converted to RGB). Any thread.
    void setShown(bool shown);
    bool shown() const;
    // The largest picture, in device pixels, that a surface draws of the stream (empty: unknown,
    // convert at full size). Any thread.
    void setDisplaySize(const QSize& size);
    QSize displaySize() const;

private:
    mutable QMutex m_mutex;
    std::optional<Frame> m_latest;
    bool m_pending = false;
    bool m_shown = false;
    QSize m_displaySize;
};

class VideoSurface : public QQuickItem {
    Q_OBJECT
    Q_PROPERTY(int frameCount READ frameCount NOTIFY frameCountChanged)
    Q_PROPERTY(qint64 lastFrameCounter READ lastFrameCounter NOTIFY frameCountChanged)
    Q_PROPERTY(bool hasVideo READ hasVideo NOTIFY hasVideoChanged)
    // The stream stopped delivering frames: the picture shown is old (see VideoController).
    Q_PROPERTY(bool frozen READ frozen NOTIFY frozenChanged)
    Q_PROPERTY(QSize sourceSize READ sourceSize NOTIFY sourceSizeChanged)
    // The stream the controller feeds it from ("" when none).
    Q_PROPERTY(QString stream READ stream NOTIFY streamChanged)
    // Fill the item, aspect ignored (a meter image: columns of time, rows of level), rather
    // than letterbox a picture.
    Q_PROPERTY(bool stretch READ stretch WRITE setStretch NOTIFY stretchChanged)

public:
    explicit VideoSurface(QQuickItem* parent = nullptr);
    ~VideoSurface() override;

    // UI thread (the controller): shows `image`, stamped `counter` (-1 without a stamp) and
    // captured at `captureUs` (0 without a stamp).
    // `sourceSize` is the stream's decoded size (the image may be smaller, never its aspect).
    void present(const QImage& image, qint64 counter, std::uint64_t captureUs = 0,
                 QSize sourceSize = {});
    // Where the picture goes, in device pixels (for the controller's shrink factor).
    QSize displaySize() const;
    void setFrozen(bool frozen);
    // UI thread: told of each new frame this item puts on screen (none by default).
    void setRenderObserver(RenderObserver observer);
    // No picture: the item draws nothing and hasVideo is false.
    void clear();
    void setStream(const QString& stream);

    int frameCount() const { return m_frameCount; }
    qint64 lastFrameCounter() const { return m_lastFrameCounter; }
    bool hasVideo() const { return !m_image.isNull(); }
    bool frozen() const { return m_frozen; }
    QSize sourceSize() const { return m_sourceSize; }
    QString stream() const { return m_stream; }
    bool stretch() const { return m_stretch; }
    void setStretch(bool stretch);

signals:
    void frameCountChanged();
    void hasVideoChanged();
    void frozenChanged();
    void sourceSizeChanged();
    void streamChanged();
    void stretchChanged();

protected:
    QSGNode* updatePaintNode(QSGNode* oldNode, UpdatePaintNodeData* data) override;
    void itemChange(ItemChange change, const ItemChangeData& value) override;

private:
    void onFrameSwapped(); // render thread
    QImage m_image;        // read by updatePaintNode while the UI thread waits (scene-graph sync)
    QSize m_sourceSize;
    bool m_imageChanged = false;
    int m_frameCount = 0;
    qint64 m_lastFrameCounter = -1;
    std::uint64_t m_captureUs = 0;
    bool m_frozen = false;
    bool m_stretch = false;
    QString m_stream;
    RenderObserver m_renderObserver;
    QMetaObject::Connection m_swapConnection;
    // Render-thread side, copied in updatePaintNode while the UI thread waits.
    RenderObserver m_renderObserverCopy;
    std::optional<RenderedFrame> m_uploaded; // drawn in the frame being rendered
};

} // namespace tc::app

#pragma once
// The console's video on screen, for any scene-graph backend: decoded frames wait in a
// thread-safe latest-frame slot (a newer frame replaces one not yet shown), cross into the UI
// with one queued call per slot (ui_dispatch.hpp), and `updatePaintNode` draws the newest one,
// letterboxed to keep the aspect ratio. What a frame is depends on the scene graph the surface's
// window draws with:
//  - RHI (OpenGL, Vulkan...): its three I420 planes, copied once on the streaming thread and
//    uploaded as single-channel textures that a shader converts (i420_node.hpp);
//  - software (Qt Quick's 2D renderer, which the console takes over a CPU rasteriser, see
//    scene_graph.hpp): an RGB image converted on the streaming thread at the very size the
//    surface shows it, so that painting it is a copy, not a scale.
// The item never looks for its stream: the VideoController is handed the item from QML
// (`video.setSurface("room", surface)`) and presents frames to it.

#include "i420_image.hpp"
#include "tc/media/video_frame.hpp"

#include <QImage>
#include <QMutex>
#include <QQuickItem>
#include <QSize>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace tc::app {

// Registers `import Telecabine.Media` (VideoSurface, WaveformStrip) and `import
// Telecabine.States` (states.hpp). The console's main calls it once, before loading QML.
void registerQmlTypes();

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
        // What the surfaces draw (VideoSurface::wantsPlanes): the planes for the GPU, an RGB
        // image for the software scene graph; both null when no surface shows the stream.
        std::shared_ptr<const I420Planes> planes;
        QImage image;
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
    // Whether any surface shows the stream (else frames are neither copied nor converted), and
    // in which form: planes for surfaces on the GPU, images for the software scene graph.
    // Any thread.
    void setShown(bool shown, bool planes = false, bool images = false);
    bool shown() const;
    bool wantsPlanes() const;
    bool wantsImages() const;
    // The largest picture, in device pixels, that a surface draws of the stream (empty: unknown,
    // convert at full size). Any thread.
    void setDisplaySize(const QSize& size);
    QSize displaySize() const;

private:
    mutable QMutex m_mutex;
    std::optional<Frame> m_latest;
    bool m_pending = false;
    bool m_shown = false;
    bool m_planes = false;
    bool m_images = false;
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
    // The same with a frame from the slot: its planes when this surface draws on the GPU (and
    // has them), else its image (converted here from the planes when it has none).
    void present(const VideoFrameSlot::Frame& frame);
    // Whether this surface draws planes (its window's scene graph is RHI-based and has R8
    // textures) rather than RGB images. Known once the window has rendered; until then, what
    // the graphics API set for new windows says.
    bool wantsPlanes() const;
    // Where the picture goes, in device pixels (the size the controller converts images to).
    QSize displaySize() const;
    void setFrozen(bool frozen);
    // UI thread: told of each new frame this item puts on screen (none by default).
    void setRenderObserver(RenderObserver observer);
    // No picture: the item draws nothing and hasVideo is false.
    void clear();
    void setStream(const QString& stream);

    int frameCount() const { return m_frameCount; }
    qint64 lastFrameCounter() const { return m_lastFrameCounter; }
    bool hasVideo() const { return !m_image.isNull() || m_planes != nullptr; }
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
    void notePicture(bool had, qint64 counter, std::uint64_t captureUs, QSize sourceSize);
    QRectF pictureRect() const; // where the picture goes in the item, on whole device pixels
    void uploaded();            // render thread: the new picture is in the node
    // The picture, one of the two: read by updatePaintNode while the UI thread waits.
    QImage m_image;
    std::shared_ptr<const I420Planes> m_planes;
    QSize m_sourceSize;
    bool m_imageChanged = false;
    // -1 unknown (no render yet), 0 images, 1 planes: written on the render thread.
    std::atomic<int> m_drawsPlanes{-1};
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

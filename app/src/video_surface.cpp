#include "video_surface.hpp"

#include "i420_node.hpp"
#include "states.hpp"
#include "stored_value.hpp"
#include "waveform_strip.hpp"

#include <QMutexLocker>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QSGSimpleTextureNode>
#include <QSGTexture>
#include <QtQml/qqml.h>
#include <cmath>
#include <memory>

namespace tc::app {

namespace {

// A texture node that owns its texture: a new frame's texture replaces the old one, which is
// deleted once the node no longer points at it (on the render thread, like the node).
class FrameNode : public QSGSimpleTextureNode {
public:
    void replaceTexture(std::unique_ptr<QSGTexture> texture) {
        setTexture(texture.get());
        m_texture = std::move(texture);
    }

private:
    std::unique_ptr<QSGTexture> m_texture;
};

} // namespace

void registerQmlTypes() {
    qmlRegisterType<VideoSurface>("Telecabine.Media", 1, 0, "VideoSurface");
    qmlRegisterType<WaveformStrip>("Telecabine.Media", 1, 0, "WaveformStrip");
    registerStateTypes();
    registerSettingsTypes();
}

QRectF letterbox(const QSizeF& bounds, const QSize& source) {
    if (source.isEmpty() || bounds.isEmpty()) {
        return {};
    }
    const double scale =
        std::min(bounds.width() / source.width(), bounds.height() / source.height());
    const QSizeF size(source.width() * scale, source.height() * scale);
    return {(bounds.width() - size.width()) / 2, (bounds.height() - size.height()) / 2,
            size.width(), size.height()};
}

bool VideoFrameSlot::put(Frame frame) {
    QMutexLocker lock(&m_mutex);
    m_latest = std::move(frame);
    const bool wasPending = m_pending;
    m_pending = true;
    return !wasPending;
}

std::optional<VideoFrameSlot::Frame> VideoFrameSlot::take() {
    QMutexLocker lock(&m_mutex);
    if (!m_pending) {
        return std::nullopt;
    }
    m_pending = false;
    return m_latest;
}

std::optional<VideoFrameSlot::Frame> VideoFrameSlot::latest() const {
    QMutexLocker lock(&m_mutex);
    return m_latest;
}

void VideoFrameSlot::setShown(bool shown, bool planes, bool images) {
    QMutexLocker lock(&m_mutex);
    m_shown = shown;
    m_planes = shown && planes;
    m_images = shown && images;
}

bool VideoFrameSlot::shown() const {
    QMutexLocker lock(&m_mutex);
    return m_shown;
}

bool VideoFrameSlot::wantsPlanes() const {
    QMutexLocker lock(&m_mutex);
    return m_planes;
}

bool VideoFrameSlot::wantsImages() const {
    QMutexLocker lock(&m_mutex);
    return m_images;
}

void VideoFrameSlot::setDisplaySize(const QSize& size) {
    QMutexLocker lock(&m_mutex);
    m_displaySize = size;
}

QSize VideoFrameSlot::displaySize() const {
    QMutexLocker lock(&m_mutex);
    return m_displaySize;
}

VideoSurface::VideoSurface(QQuickItem* parent)
    : QQuickItem(parent) {
    setFlag(ItemHasContents, true);
}

VideoSurface::~VideoSurface() = default;

void VideoSurface::present(const QImage& image, qint64 counter, std::uint64_t captureUs,
                           QSize sourceSize) {
    if (image.isNull()) {
        return;
    }
    const bool had = hasVideo();
    m_image = image;
    m_planes.reset();
    notePicture(had, counter, captureUs, sourceSize.isEmpty() ? image.size() : sourceSize);
}

void VideoSurface::present(const VideoFrameSlot::Frame& frame) {
    const bool planes = frame.planes != nullptr && (frame.image.isNull() || wantsPlanes());
    if (!planes && frame.image.isNull()) {
        return;
    }
    const bool had = hasVideo();
    if (planes) {
        m_planes = frame.planes;
        m_image = {};
    } else {
        m_image = frame.image;
        m_planes.reset();
    }
    notePicture(had, frame.counter, frame.captureUs,
                frame.size.isEmpty() ? (planes ? frame.planes->size() : frame.image.size())
                                     : frame.size);
}

bool VideoSurface::wantsPlanes() const {
    const int drawn = m_drawsPlanes.load();
    if (drawn >= 0) {
        return drawn == 1;
    }
    return QSGRendererInterface::isApiRhiBased(QQuickWindow::graphicsApi());
}

void VideoSurface::notePicture(bool had, qint64 counter, std::uint64_t captureUs,
                               QSize sourceSize) {
    const QSize previous = m_sourceSize;
    m_sourceSize = sourceSize;
    m_imageChanged = true;
    ++m_frameCount;
    m_lastFrameCounter = counter;
    m_captureUs = captureUs;
    emit frameCountChanged();
    if (!had) {
        emit hasVideoChanged();
    }
    if (previous != m_sourceSize) {
        emit sourceSizeChanged();
    }
    update();
}

void VideoSurface::clear() {
    if (!hasVideo()) {
        return;
    }
    m_image = {};
    m_planes.reset();
    m_sourceSize = {};
    m_imageChanged = true;
    m_lastFrameCounter = -1;
    m_captureUs = 0;
    setFrozen(false);
    emit frameCountChanged();
    emit hasVideoChanged();
    emit sourceSizeChanged();
    update();
}

QRectF VideoSurface::pictureRect() const {
    const QRectF rect = m_stretch ? QRectF(QPointF(0, 0), size()) : letterbox(size(), m_sourceSize);
    // Whole device pixels: an image of that very size is then painted by a copy, where a
    // fractional position or size makes the software renderer resample every pixel.
    const double ratio = window() != nullptr ? window()->effectiveDevicePixelRatio() : 1.0;
    const auto snap = [ratio](double v) {
        return std::round(v * ratio) / ratio;
    };
    return {snap(rect.x()), snap(rect.y()), snap(rect.width()), snap(rect.height())};
}

QSize VideoSurface::displaySize() const {
    const double ratio = window() != nullptr ? window()->effectiveDevicePixelRatio() : 1.0;
    return (pictureRect().size() * ratio).toSize();
}

void VideoSurface::setStretch(bool stretch) {
    if (stretch != m_stretch) {
        m_stretch = stretch;
        emit stretchChanged();
        update();
    }
}

void VideoSurface::setFrozen(bool frozen) {
    if (frozen != m_frozen) {
        m_frozen = frozen;
        emit frozenChanged();
    }
}

void VideoSurface::setRenderObserver(RenderObserver observer) {
    m_renderObserver = std::move(observer);
    update(); // the render thread takes its copy at the next sync
}

void VideoSurface::itemChange(ItemChange change, const ItemChangeData& value) {
    if (change == ItemSceneChange) {
        disconnect(m_swapConnection);
        if (value.window != nullptr) {
            // Direct: frameSwapped comes from the render thread, after the frame is on screen.
            m_swapConnection = connect(value.window, &QQuickWindow::frameSwapped, this,
                                       &VideoSurface::onFrameSwapped, Qt::DirectConnection);
        }
    }
    QQuickItem::itemChange(change, value);
}

void VideoSurface::onFrameSwapped() {
    if (m_uploaded && m_renderObserverCopy) {
        m_uploaded->swapped = std::chrono::steady_clock::now();
        m_renderObserverCopy(*m_uploaded);
    }
    m_uploaded.reset();
}

void VideoSurface::setStream(const QString& stream) {
    if (stream != m_stream) {
        m_stream = stream;
        emit streamChanged();
    }
}

// Render thread, while the UI thread waits: the picture is read here, never written.
QSGNode* VideoSurface::updatePaintNode(QSGNode* oldNode, UpdatePaintNodeData*) {
    m_renderObserverCopy = m_renderObserver;
    const bool gpu = window() != nullptr && I420Node::supported(*window());
    if (window() != nullptr) {
        m_drawsPlanes = gpu ? 1 : 0;
    }
    if (!hasVideo() || width() <= 0 || height() <= 0 || window() == nullptr) {
        delete oldNode;
        return nullptr;
    }
    const QRectF rect = pictureRect();
    if (gpu && m_planes) {
        auto* node = dynamic_cast<I420Node*>(oldNode);
        if (node == nullptr) {
            delete oldNode;
            node = new I420Node;
            m_imageChanged = true;
        }
        if (m_imageChanged) {
            node->setPlanes(m_planes);
            uploaded();
        }
        node->setRect(rect);
        return node;
    }
    auto* node = dynamic_cast<FrameNode*>(oldNode);
    if (node == nullptr) {
        delete oldNode;
        node = new FrameNode;
        node->setFiltering(QSGTexture::Linear);
        m_imageChanged = true;
    }
    if (m_imageChanged) {
        // Planes on a scene graph that draws images: a frame sent before the controller knew
        // (this surface's first render), converted once here.
        const QImage image = m_image.isNull() ? imageFromI420(m_planes->view()) : m_image;
        std::unique_ptr<QSGTexture> texture(window()->createTextureFromImage(image));
        if (!texture) {
            delete node;
            return nullptr;
        }
        node->replaceTexture(std::move(texture));
        uploaded();
    }
    node->setRect(rect);
    return node;
}

void VideoSurface::uploaded() {
    m_imageChanged = false;
    if (m_renderObserverCopy) {
        m_uploaded = RenderedFrame{m_stream, m_lastFrameCounter, m_captureUs, {}};
    }
}

} // namespace tc::app

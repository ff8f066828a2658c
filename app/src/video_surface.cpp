#include "video_surface.hpp"

#include "states.hpp"
#include "stored_value.hpp"
#include "waveform_strip.hpp"

#include <QMutexLocker>
#include <QQuickWindow>
#include <QSGSimpleTextureNode>
#include <QSGTexture>
#include <QtQml/qqml.h>
#include <algorithm>
#include <array>
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

// Fixed point (×256) BT.709, limited range: R = 1.164 (Y-16) + 1.793 (V-128), G = 1.164 (Y-16)
// - 0.213 (U-128) - 0.533 (V-128), B = 1.164 (Y-16) + 2.112 (U-128). Each chroma sample's terms
// are computed once for its two pixels of a row; saturation through a table.
QImage imageFromI420(const media::I420View& frame, int shrink) {
    shrink = std::max(1, shrink);
    const int width = frame.width / shrink;
    const int height = frame.height / shrink;
    if (width <= 0 || height <= 0 || frame.planes[0] == nullptr) {
        return {};
    }
    QImage image(width, height, QImage::Format_RGB32);
    static constexpr auto kSaturate = [] {
        std::array<std::uint8_t, 1024> table{};
        for (int i = 0; i < 1024; ++i) {
            table[static_cast<std::size_t>(i)] =
                static_cast<std::uint8_t>(std::clamp(i - 384, 0, 255));
        }
        return table;
    }();
    const auto pixel = [](int c, int r, int g, int b) {
        return 0xff000000u |
               static_cast<unsigned>(kSaturate[static_cast<std::size_t>(((c + r) >> 8) + 384)])
                   << 16 |
               static_cast<unsigned>(kSaturate[static_cast<std::size_t>(((c + g) >> 8) + 384)])
                   << 8 |
               kSaturate[static_cast<std::size_t>(((c + b) >> 8) + 384)];
    };
    if (shrink == 1) {
        for (int y = 0; y < height; ++y) {
            const std::uint8_t* luma =
                frame.planes[0] + static_cast<std::ptrdiff_t>(y) * frame.strides[0];
            const std::uint8_t* u =
                frame.planes[1] + static_cast<std::ptrdiff_t>(y / 2) * frame.strides[1];
            const std::uint8_t* v =
                frame.planes[2] + static_cast<std::ptrdiff_t>(y / 2) * frame.strides[2];
            auto* out = reinterpret_cast<QRgb*>(image.scanLine(y));
            for (int x = 0; x < width; x += 2) {
                const int d = u[x / 2] - 128;
                const int e = v[x / 2] - 128;
                const int r = 459 * e + 128;
                const int g = -55 * d - 136 * e + 128;
                const int b = 541 * d + 128;
                out[x] = pixel(298 * (luma[x] - 16), r, g, b);
                if (x + 1 < width) {
                    out[x + 1] = pixel(298 * (luma[x + 1] - 16), r, g, b);
                }
            }
        }
        return image;
    }
    const int area = shrink * shrink;
    std::vector<int> sums(static_cast<std::size_t>(width));
    for (int y = 0; y < height; ++y) {
        std::fill(sums.begin(), sums.end(), 0);
        for (int row = y * shrink; row < (y + 1) * shrink; ++row) {
            const std::uint8_t* luma =
                frame.planes[0] + static_cast<std::ptrdiff_t>(row) * frame.strides[0];
            for (int x = 0; x < width; ++x) {
                int sum = 0;
                for (int k = 0; k < shrink; ++k) {
                    sum += luma[x * shrink + k];
                }
                sums[static_cast<std::size_t>(x)] += sum;
            }
        }
        const int chromaRow = (y * shrink + shrink / 2) / 2;
        const std::uint8_t* u =
            frame.planes[1] + static_cast<std::ptrdiff_t>(chromaRow) * frame.strides[1];
        const std::uint8_t* v =
            frame.planes[2] + static_cast<std::ptrdiff_t>(chromaRow) * frame.strides[2];
        auto* out = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const int chroma = (x * shrink + shrink / 2) / 2;
            const int d = u[chroma] - 128;
            const int e = v[chroma] - 128;
            const int luma = (sums[static_cast<std::size_t>(x)] + area / 2) / area;
            out[x] =
                pixel(298 * (luma - 16), 459 * e + 128, -55 * d - 136 * e + 128, 541 * d + 128);
        }
    }
    return image;
}

int shrinkFactor(const QSize& source, const QSize& display) {
    if (source.isEmpty() || display.isEmpty()) {
        return 1;
    }
    return std::max(1,
                    std::min(source.width() / display.width(), source.height() / display.height()));
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

void VideoFrameSlot::setShown(bool shown) {
    QMutexLocker lock(&m_mutex);
    m_shown = shown;
}

bool VideoFrameSlot::shown() const {
    QMutexLocker lock(&m_mutex);
    return m_shown;
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
    const QSize previous = m_sourceSize;
    m_sourceSize = sourceSize.isEmpty() ? image.size() : sourceSize;
    m_image = image;
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
    if (m_image.isNull()) {
        return;
    }
    m_image = {};
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

QSize VideoSurface::displaySize() const {
    const double ratio = window() != nullptr ? window()->effectiveDevicePixelRatio() : 1.0;
    return ((m_stretch ? size() : letterbox(size(), m_sourceSize).size()) * ratio).toSize();
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

// Render thread, while the UI thread waits: the image is read here, never written.
QSGNode* VideoSurface::updatePaintNode(QSGNode* oldNode, UpdatePaintNodeData*) {
    m_renderObserverCopy = m_renderObserver;
    auto* node = static_cast<FrameNode*>(oldNode);
    if (m_image.isNull() || width() <= 0 || height() <= 0 || window() == nullptr) {
        delete node;
        return nullptr;
    }
    if (node == nullptr) {
        node = new FrameNode;
        node->setFiltering(QSGTexture::Linear);
        m_imageChanged = true;
    }
    if (m_imageChanged) {
        std::unique_ptr<QSGTexture> texture(window()->createTextureFromImage(m_image));
        if (!texture) {
            delete node;
            return nullptr;
        }
        node->replaceTexture(std::move(texture));
        m_imageChanged = false;
        if (m_renderObserverCopy) {
            m_uploaded = RenderedFrame{m_stream, m_lastFrameCounter, m_captureUs, {}};
        }
    }
    node->setRect(m_stretch ? QRectF(QPointF(0, 0), size()) : letterbox(size(), m_sourceSize));
    return node;
}

} // namespace tc::app

#include "stethoscope_meters.hpp"

#include "video_surface.hpp"

#include <QColor>
#include <QPainter>
#include <algorithm>

namespace tc::app {

namespace {

const QColor kBackground(0x14, 0x1c, 0x21);
const QColor kMidline(0x2c, 0x39, 0x42);
const QColor kTrace(0x5f, 0xd3, 0xa0);

// The item's size in device pixels, or `fallback` before it is laid out.
QSize targetSize(const VideoSurface* surface, QSize fallback) {
    const QSize size = surface != nullptr ? surface->displaySize() : QSize();
    return size.width() > 0 && size.height() > 0 ? size : fallback;
}

// A surface given but not on screen (its tab is not the current one).
bool hidden(const VideoSurface* surface) {
    return surface != nullptr && !surface->isVisible();
}

} // namespace

void StethoscopeMeters::setSurfaces(VideoSurface* phonocardiogram, VideoSurface* spectrogram) {
    m_phonocardiogramSurface = phonocardiogram;
    m_spectrogramSurface = spectrogram;
}

void StethoscopeMeters::update(std::span<const float> envelope, std::span<const double> bands) {
    m_columns.emplace_back(bands.begin(), bands.end());
    while (m_columns.size() > static_cast<std::size_t>(kSpectrogramColumns)) {
        m_columns.pop_front();
    }
    // Painted only where someone looks: another work tab may hide the panel for a whole
    // consultation. The spectrogram's history is kept meanwhile.
    if (hidden(m_phonocardiogramSurface) && hidden(m_spectrogramSurface)) {
        return;
    }
    paintPhonocardiogram(envelope);
    paintSpectrogram();
}

void StethoscopeMeters::clear() {
    m_columns.clear();
    paintPhonocardiogram({});
    paintSpectrogram();
}

void StethoscopeMeters::paintPhonocardiogram(std::span<const float> envelope) {
    const QSize size = targetSize(m_phonocardiogramSurface, QSize(600, 66));
    QImage image(size, QImage::Format_RGB32);
    image.fill(kBackground);
    QPainter painter(&image);
    const double mid = size.height() / 2.0;
    painter.setPen(kMidline);
    painter.drawLine(QPointF(0, mid), QPointF(size.width(), mid));
    const std::size_t pairs = envelope.size() / 2;
    if (pairs >= 2) {
        // One vertical stroke per pair, from its minimum to its maximum: a column of pixels may
        // hold several pairs, and the union of their strokes keeps every peak.
        painter.setPen(kTrace);
        const double step = static_cast<double>(size.width() - 1) / static_cast<double>(pairs - 1);
        for (std::size_t i = 0; i < pairs; ++i) {
            const double x = static_cast<double>(i) * step;
            const double low = std::clamp(envelope[2 * i], -1.0F, 1.0F);
            const double high = std::clamp(envelope[2 * i + 1], -1.0F, 1.0F);
            painter.drawLine(QPointF(x, mid - low * mid), QPointF(x, mid - high * mid + 0.5));
        }
    }
    painter.end();
    m_phonocardiogram = image;
    if (m_phonocardiogramSurface) {
        m_phonocardiogramSurface->present(image, -1);
    }
}

void StethoscopeMeters::paintSpectrogram() {
    // One pixel per column and band, stretched by the surface: the newest column at the right.
    const int bands = m_columns.empty() ? 1 : static_cast<int>(m_columns.back().size());
    QImage image(kSpectrogramColumns, std::max(bands, 1), QImage::Format_RGB32);
    image.fill(kBackground);
    const int first = kSpectrogramColumns - static_cast<int>(m_columns.size());
    for (std::size_t c = 0; c < m_columns.size(); ++c) {
        const auto& column = m_columns[c];
        const int x = first + static_cast<int>(c);
        for (int b = 0; b < static_cast<int>(column.size()) && b < image.height(); ++b) {
            const double v = std::clamp(column[static_cast<std::size_t>(b)], 0.0, 1.0);
            if (v < 0.05) {
                continue;
            }
            image.setPixelColor(x, image.height() - 1 - b,
                                QColor::fromRgbF(static_cast<float>(v),
                                                 static_cast<float>(std::min(1.0, v * 1.6)),
                                                 static_cast<float>(0.35 + 0.4 * v)));
        }
    }
    m_spectrogram = image;
    if (m_spectrogramSurface) {
        m_spectrogramSurface->present(image, -1);
    }
}

} // namespace tc::app

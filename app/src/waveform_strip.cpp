#include "waveform_strip.hpp"

#include <QPainter>
#include <QQuickWindow>
#include <QSGFlatColorMaterial>
#include <QSGGeometryNode>
#include <QSGImageNode>
#include <QSGRendererInterface>
#include <algorithm>
#include <cmath>
#include <limits>

namespace tc::app {

namespace {

std::int64_t steadyNowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// A node of line segments (pairs of points) in one colour, refilled each frame.
class LinesNode : public QSGGeometryNode {
public:
    explicit LinesNode(const QColor& colour)
        : m_geometry(QSGGeometry::defaultAttributes_Point2D(), 0) {
        m_geometry.setDrawingMode(QSGGeometry::DrawLines);
        m_geometry.setLineWidth(1);
        setGeometry(&m_geometry);
        m_material.setColor(colour);
        setMaterial(&m_material);
    }
    void setLines(const std::vector<QPointF>& points) {
        m_geometry.allocate(static_cast<int>(points.size()));
        auto* vertices = m_geometry.vertexDataAsPoint2D();
        for (std::size_t i = 0; i < points.size(); ++i) {
            vertices[i].set(static_cast<float>(points[i].x()), static_cast<float>(points[i].y()));
        }
        markDirty(QSGNode::DirtyGeometry);
    }

private:
    QSGGeometry m_geometry;
    QSGFlatColorMaterial m_material;
};

} // namespace

std::int64_t WaveformTrace::Run::endUs() const {
    return timeOf(values.size());
}

std::int64_t WaveformTrace::Run::timeOf(std::size_t index) const {
    return startUs + static_cast<std::int64_t>(index) * 1'000'000 / rateHz;
}

WaveformTrace::WaveformTrace(std::chrono::seconds keep)
    : m_keep(keep) {}

void WaveformTrace::append(std::int64_t startUs, int rateHz, std::span<const float> values) {
    if (values.empty() || rateHz <= 0) {
        return;
    }
    const std::int64_t period = 1'000'000 / rateHz;
    if (!m_runs.empty()) {
        Run& last = m_runs.back();
        // The next sample of the same run, within half a sample: it continues.
        if (last.rateHz == rateHz && std::llabs(startUs - last.endUs()) <= period / 2) {
            last.values.insert(last.values.end(), values.begin(), values.end());
            forgetBefore(last.endUs() - m_keep.count());
            return;
        }
    }
    m_runs.push_back({startUs, rateHz, std::vector<float>(values.begin(), values.end())});
    forgetBefore(m_runs.back().endUs() - m_keep.count());
}

void WaveformTrace::appendGap(std::int64_t startUs, std::int64_t durationUs) {
    if (durationUs <= 0) {
        return;
    }
    m_gaps.push_back({startUs, startUs + durationUs});
    forgetBefore(startUs + durationUs - m_keep.count());
}

void WaveformTrace::clear() {
    m_runs.clear();
    m_gaps.clear();
}

void WaveformTrace::forgetBefore(std::int64_t us) {
    while (!m_runs.empty() && m_runs.front().endUs() < us) {
        m_runs.pop_front();
    }
    while (!m_gaps.empty() && m_gaps.front().endUs < us) {
        m_gaps.pop_front();
    }
}

std::optional<WaveformTrace::Extent> WaveformTrace::extent(std::int64_t fromUs,
                                                           std::int64_t toUs) const {
    std::optional<Extent> out;
    for (const Run& run : m_runs) {
        if (run.endUs() <= fromUs) {
            continue;
        }
        if (run.startUs >= toUs) {
            break;
        }
        // Indices whose time falls in [fromUs, toUs).
        const auto period = 1'000'000.0 / run.rateHz;
        const auto first = static_cast<std::size_t>(
            std::max(0.0, std::ceil(static_cast<double>(fromUs - run.startUs) / period)));
        const auto last =
            std::min(run.values.size(),
                     static_cast<std::size_t>(std::max(
                         0.0, std::ceil(static_cast<double>(toUs - run.startUs) / period))));
        for (std::size_t i = first; i < last; ++i) {
            const float v = run.values[i];
            if (!out) {
                out = Extent{v, v, v, v};
            } else {
                out->low = std::min(out->low, v);
                out->high = std::max(out->high, v);
                out->last = v;
            }
        }
    }
    return out;
}

bool WaveformTrace::hasGap(std::int64_t fromUs, std::int64_t toUs) const {
    return std::any_of(m_gaps.begin(), m_gaps.end(),
                       [&](const Gap& gap) { return gap.startUs < toUs && gap.endUs > fromUs; });
}

std::optional<std::int64_t> WaveformTrace::endUs() const {
    std::optional<std::int64_t> out;
    if (!m_runs.empty()) {
        out = m_runs.back().endUs();
    }
    if (!m_gaps.empty()) {
        out = std::max(out.value_or(m_gaps.back().endUs), m_gaps.back().endUs);
    }
    return out;
}

WaveformStrip::WaveformStrip(QQuickItem* parent)
    : QQuickItem(parent) {
    setFlag(ItemHasContents, true);
    m_timer.setInterval(25); // 40 frames/s at most: smooth at 25 mm/s, half the cost of 60
    connect(&m_timer, &QTimer::timeout, this, [this] { update(); });
}

void WaveformStrip::setTraces(std::vector<TraceStyle> traces) {
    m_traces = std::move(traces);
    update();
}

void WaveformStrip::setClock(std::int64_t offsetUs, std::int64_t delayUs) {
    m_offsetUs = offsetUs;
    m_delayUs = delayUs;
}

void WaveformStrip::setMmPerSecond(double value) {
    if (value > 0 && value != m_mmPerSecond) {
        m_mmPerSecond = value;
        emit scaleChanged();
        update();
    }
}

void WaveformStrip::setPixelsPerMm(double value) {
    if (value > 0 && value != m_pixelsPerMm) {
        m_pixelsPerMm = value;
        emit scaleChanged();
        update();
    }
}

void WaveformStrip::setRunning(bool running) {
    if (running == m_timer.isActive()) {
        return;
    }
    if (running) {
        m_timer.start();
    } else {
        m_timer.stop();
    }
    emit runningChanged();
}

void WaveformStrip::setRightEdge(std::optional<std::int64_t> us) {
    m_rightEdgeUs = us;
    update();
}

std::int64_t WaveformStrip::rightEdgeUs() const {
    if (m_rightEdgeUs) {
        return *m_rightEdgeUs;
    }
    return steadyNowUs() - m_offsetUs - m_delayUs;
}

namespace {

const QColor kMinorGrid(0xf4, 0xc7, 0xc7);
const QColor kMajorGrid(0xe0, 0x8a, 0x8a);
const QColor kGapMark(0x9a, 0xa3, 0xab);

} // namespace

// Render thread, while the UI thread waits: traces and sizes are read, never written.
QSGNode* WaveformStrip::updatePaintNode(QSGNode* oldNode, UpdatePaintNodeData*) {
    ++m_framesDrawn;
    const double w = width();
    const double h = height();
    if (w <= 0 || h <= 0 || window() == nullptr) {
        delete oldNode;
        return nullptr;
    }
    const bool software =
        window()->rendererInterface()->graphicsApi() == QSGRendererInterface::Software;
    return software ? paintImageNode(oldNode, w, h) : updateLineNodes(oldNode, w, h);
}

void WaveformStrip::gridLines(double w, double h, double step, std::vector<QPointF>& minor,
                              std::vector<QPointF>& major) {
    // Half a pixel in: a one-pixel line on a whole coordinate would straddle two pixels.
    for (int i = 0; i * step <= w; ++i) {
        auto& lines = i % 5 == 0 ? major : minor;
        lines.emplace_back(std::floor(i * step) + 0.5, 0);
        lines.emplace_back(std::floor(i * step) + 0.5, h);
    }
    for (int i = 0; i * step <= h; ++i) {
        auto& lines = i % 5 == 0 ? major : minor;
        lines.emplace_back(0, std::floor(i * step) + 0.5);
        lines.emplace_back(w, std::floor(i * step) + 0.5);
    }
}

QSGNode* WaveformStrip::updateLineNodes(QSGNode* oldNode, double w, double h) {
    // Children: minor grid, major grid, gap marks, then one node per trace.
    QSGNode* root = oldNode;
    if (root == nullptr || root->childCount() != static_cast<int>(3 + m_traces.size())) {
        delete root;
        root = new QSGNode;
        m_gridWidth = -1; // a new node: its grid is drawn afresh
        root->appendChildNode(new LinesNode(kMinorGrid));
        root->appendChildNode(new LinesNode(kMajorGrid));
        root->appendChildNode(new LinesNode(kGapMark));
        for (const auto& style : m_traces) {
            root->appendChildNode(new LinesNode(style.colour));
        }
    }
    // The grid changes only with the item's size or the screen's scale: not rebuilt per frame.
    if (w != m_gridWidth || h != m_gridHeight || m_pixelsPerMm != m_gridPixelsPerMm) {
        m_gridWidth = w;
        m_gridHeight = h;
        m_gridPixelsPerMm = m_pixelsPerMm;
        std::vector<QPointF> minor;
        std::vector<QPointF> major;
        gridLines(w, h, m_pixelsPerMm, minor, major);
        static_cast<LinesNode*>(root->childAtIndex(0))->setLines(minor);
        static_cast<LinesNode*>(root->childAtIndex(1))->setLines(major);
    }
    const FrameLines lines = frameLines(w, h);
    static_cast<LinesNode*>(root->childAtIndex(2))->setLines(lines.gaps);
    for (std::size_t t = 0; t < lines.traces.size(); ++t) {
        static_cast<LinesNode*>(root->childAtIndex(static_cast<int>(3 + t)))
            ->setLines(lines.traces[t]);
    }
    return root;
}

QSGNode* WaveformStrip::paintImageNode(QSGNode* oldNode, double w, double h) {
    auto* node = static_cast<QSGImageNode*>(oldNode);
    if (node == nullptr) {
        node = window()->createImageNode();
        node->setOwnsTexture(true);
    }
    const double ratio = window()->effectiveDevicePixelRatio();
    const QSize pixels(static_cast<int>(std::ceil(w * ratio)),
                       static_cast<int>(std::ceil(h * ratio)));
    const auto draw = [](QPainter& painter, const std::vector<QPointF>& points,
                         const QColor& colour) {
        if (points.size() < 2) {
            return;
        }
        painter.setPen(QPen(colour, 0));
        painter.drawLines(points.data(), static_cast<int>(points.size() / 2));
    };
    // The grid is painted once per size and scale; each frame starts from a copy of it.
    if (m_gridImage.size() != pixels || m_gridImagePixelsPerMm != m_pixelsPerMm) {
        m_gridImage = QImage(pixels, QImage::Format_ARGB32_Premultiplied);
        m_gridImage.setDevicePixelRatio(ratio);
        m_gridImage.fill(Qt::transparent);
        m_gridImagePixelsPerMm = m_pixelsPerMm;
        QPainter painter(&m_gridImage);
        painter.setRenderHint(QPainter::Antialiasing, false); // crisp, as the GPU path draws
        std::vector<QPointF> minor;
        std::vector<QPointF> major;
        gridLines(w, h, m_pixelsPerMm, minor, major);
        draw(painter, minor, kMinorGrid);
        draw(painter, major, kMajorGrid);
    }
    QImage image = m_gridImage.copy();
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing, false);
        const FrameLines lines = frameLines(w, h);
        draw(painter, lines.gaps, kGapMark);
        for (std::size_t t = 0; t < lines.traces.size(); ++t) {
            draw(painter, lines.traces[t], m_traces[t].colour);
        }
    }
    node->setTexture(window()->createTextureFromImage(image));
    node->setRect(QRectF(0, 0, w, h));
    return node;
}

WaveformStrip::FrameLines WaveformStrip::frameLines(double w, double h) const {
    FrameLines out;
    out.traces.resize(m_traces.size());
    const double mm = m_pixelsPerMm;
    // Pixel column x covers [right - (w - x) * usPerPixel, + usPerPixel).
    const double usPerPixel = 1e6 / (m_mmPerSecond * mm);
    const std::int64_t right = rightEdgeUs();
    const auto columnStart = [&](int x) {
        return right - static_cast<std::int64_t>((w - x) * usPerPixel);
    };
    auto& gaps = out.gaps;
    for (std::size_t t = 0; t < m_traces.size(); ++t) {
        const TraceStyle& style = m_traces[t];
        auto& trace = out.traces[t];
        const double zero = style.baseline * h;
        const auto y = [&](double value) {
            return zero - value * style.mmPerUnit * mm;
        };
        int x = 0;
        if (style.calibration) {
            // The 1-unit (1 mV) step, 200 ms wide, before the trace: the reader's ruler.
            const double pulse = 0.2 * m_mmPerSecond * mm;
            const double step = 2 * mm;
            const QPointF points[] = {{0, zero},
                                      {step, zero},
                                      {step, y(1)},
                                      {step + pulse, y(1)},
                                      {step + pulse, zero},
                                      {2 * step + pulse, zero}};
            for (std::size_t i = 0; i + 1 < std::size(points); ++i) {
                trace.push_back(points[i]);
                trace.push_back(points[i + 1]);
            }
            x = static_cast<int>(std::ceil(2 * step + pulse + mm));
        }
        // The last sample's height in the column before; NaN when there was none.
        double previous = std::numeric_limits<double>::quiet_NaN();
        for (; x < static_cast<int>(w) && style.trace != nullptr; ++x) {
            const std::int64_t from = columnStart(x);
            const std::int64_t to = columnStart(x + 1);
            const auto range = style.trace->extent(from, to);
            if (!range) {
                if (style.trace->hasGap(from, to)) {
                    gaps.emplace_back(x, zero - 2);
                    gaps.emplace_back(x, zero + 2);
                }
                previous = std::numeric_limits<double>::quiet_NaN(); // never bridged
                continue;
            }
            if (!std::isnan(previous)) {
                trace.emplace_back(x - 1, previous);
                trace.emplace_back(x, y(range->first));
            }
            // The column's whole excursion, at least one pixel long so a flat line shows.
            const double top = y(range->high);
            const double bottom = y(range->low);
            trace.emplace_back(x, bottom);
            trace.emplace_back(top == bottom ? x + 1 : x, top);
            previous = y(range->last);
        }
    }
    return out;
}

} // namespace tc::app

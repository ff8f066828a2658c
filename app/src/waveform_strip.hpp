#pragma once
// A live physiological strip as on a monitor or an ECG printout: traces on the session clock,
// drawn at a paper speed in mm/s (25 mm/s by default) and a gain in mm per unit (10 mm/mV for
// the ECG), over a millimetre grid (1 mm minor, 5 mm major lines) whose millimetres are the
// screen's (pixelsPerMm, from QML's Screen.pixelDensity). Each pixel column draws the minimum and
// maximum of its samples, so no R peak is lost at any zoom; a stretch the network lost is drawn
// as missing (a grey bar on the baseline), never bridged. Geometry nodes only: any scene graph
// backend that draws lines, no Canvas, no per-frame allocation beyond the vertex arrays.
//
// The data lives in WaveformTrace objects the controller owns and fills on the UI thread; the
// item reads them while the UI thread waits (scene-graph sync).

#include <QColor>
#include <QImage>
#include <QPointF>
#include <QQuickItem>
#include <QTimer>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

namespace tc::app {

// One trace's recent history: runs of samples at a fixed rate, and the gaps between them.
class WaveformTrace {
public:
    explicit WaveformTrace(std::chrono::seconds keep = std::chrono::seconds(30));

    // Samples from `startUs` (session clock) at `rateHz`, after what is already there; a run
    // that does not continue the previous one starts a new run (and leaves a blank, not a gap,
    // unless appendGap says so).
    void append(std::int64_t startUs, int rateHz, std::span<const float> values);
    // The network lost [startUs, startUs + durationUs): drawn as missing.
    void appendGap(std::int64_t startUs, std::int64_t durationUs);
    void clear();

    struct Extent {
        float low = 0;
        float high = 0;
        float first = 0; // the earliest and latest samples, to join neighbouring columns
        float last = 0;
    };
    // The samples in [fromUs, toUs); nothing when no sample falls there.
    std::optional<Extent> extent(std::int64_t fromUs, std::int64_t toUs) const;
    // Whether a gap overlaps [fromUs, toUs).
    bool hasGap(std::int64_t fromUs, std::int64_t toUs) const;
    // The session time just after the newest sample or gap; nothing when empty.
    std::optional<std::int64_t> endUs() const;

private:
    struct Run {
        std::int64_t startUs = 0;
        int rateHz = 1;
        std::vector<float> values;
        std::int64_t endUs() const;
        std::int64_t timeOf(std::size_t index) const;
    };
    struct Gap {
        std::int64_t startUs = 0;
        std::int64_t endUs = 0;
    };
    void forgetBefore(std::int64_t us);

    std::chrono::microseconds m_keep;
    std::deque<Run> m_runs;
    std::deque<Gap> m_gaps;
};

class WaveformStrip : public QQuickItem {
    Q_OBJECT
    Q_PROPERTY(double mmPerSecond READ mmPerSecond WRITE setMmPerSecond NOTIFY scaleChanged)
    Q_PROPERTY(double pixelsPerMm READ pixelsPerMm WRITE setPixelsPerMm NOTIFY scaleChanged)
    Q_PROPERTY(bool running READ running WRITE setRunning NOTIFY runningChanged)

public:
    struct TraceStyle {
        const WaveformTrace* trace = nullptr;
        QColor colour;
        double mmPerUnit = 10;    // 10 mm/mV for the ECG in mV
        double baseline = 0.5;    // where zero sits, as a fraction of the height from the top
        bool calibration = false; // the 1 mV, 200 ms calibration pulse at the left
    };

    explicit WaveformStrip(QQuickItem* parent = nullptr);

    // UI thread. The traces to draw (owned by the caller, alive while shown).
    void setTraces(std::vector<TraceStyle> traces);
    // The strip's right edge on the session clock: the console's steady clock minus `offsetUs`
    // (the cabin's clock is another machine's) minus `delayUs` (time for samples to arrive).
    void setClock(std::int64_t offsetUs, std::int64_t delayUs);
    // A replay's strip stands where the replay's clock is: the right edge at `us` (session time)
    // until the next call; nothing returns it to the live clock.
    void setRightEdge(std::optional<std::int64_t> us);

    double mmPerSecond() const { return m_mmPerSecond; }
    void setMmPerSecond(double value);
    double pixelsPerMm() const { return m_pixelsPerMm; }
    void setPixelsPerMm(double value);
    // Frames the scene graph drew of this strip so far (any thread): its own frame rate.
    int framesDrawn() const { return m_framesDrawn.load(); }
    bool running() const { return m_timer.isActive(); }
    void setRunning(bool running);

    // The session time at the right edge now.
    std::int64_t rightEdgeUs() const;

signals:
    void scaleChanged();
    void runningChanged();

protected:
    QSGNode* updatePaintNode(QSGNode* oldNode, UpdatePaintNodeData* data) override;

private:
    // One frame's line segments (pairs of points), in item coordinates.
    struct FrameLines {
        std::vector<QPointF> gaps;
        std::vector<std::vector<QPointF>> traces; // one per TraceStyle
    };
    FrameLines frameLines(double w, double h) const;
    static void gridLines(double w, double h, double step, std::vector<QPointF>& minor,
                          std::vector<QPointF>& major);
    // GPU scene graphs (RHI): line geometry nodes. The software scene graph (Qt Quick 2D
    // renderer, chosen where the only OpenGL is a CPU rasteriser) draws no geometry nodes:
    // there the strip is painted into an image.
    QSGNode* updateLineNodes(QSGNode* oldNode, double w, double h);
    QSGNode* paintImageNode(QSGNode* oldNode, double w, double h);

    double m_mmPerSecond = 25;
    double m_pixelsPerMm = 96 / 25.4;
    std::vector<TraceStyle> m_traces;
    std::int64_t m_offsetUs = 0;
    std::int64_t m_delayUs = 0;
    std::optional<std::int64_t> m_rightEdgeUs;
    std::atomic<int> m_framesDrawn{0};
    QTimer m_timer; // asks for a frame at the display's pace while running
    // Render thread: the size and scale the grid nodes were built for.
    double m_gridWidth = -1;
    double m_gridHeight = -1;
    double m_gridPixelsPerMm = -1;
    // Render thread, software scene graph: the grid as painted, and the scale it was painted at.
    QImage m_gridImage;
    double m_gridImagePixelsPerMm = -1;
};

} // namespace tc::app

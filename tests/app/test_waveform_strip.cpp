// The live strip: a trace's history (runs, gaps, min/max per column), and the item on screen in a
// real window: the millimetre grid at the screen's scale, 25 mm/s between beats, 10 mm per mV, a
// lost stretch drawn as missing; with the GPU scene graph and with the software one.
#include "video_surface.hpp"
#include "waveform_strip.hpp"

#include <QQuickView>
#include <QSGRendererInterface>
#include <QTest>
#include <catch2/catch.hpp>
#include <cmath>

using namespace tc;

namespace {

std::int64_t steadyNowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// A 500 Hz trace of `seconds` flat at 0 with a 1-unit spike (4 ms wide) at each whole second.
std::vector<float> spikes(int seconds) {
    std::vector<float> out(static_cast<std::size_t>(seconds * 500), 0.0f);
    for (int s = 0; s < seconds; ++s) {
        out[static_cast<std::size_t>(s * 500)] = 1.0f;
        out[static_cast<std::size_t>(s * 500 + 1)] = 1.0f;
    }
    return out;
}

bool isTrace(QRgb p) {
    return qGreen(p) < 60 && qRed(p) < 60 && qBlue(p) < 60; // black ink on pink paper
}

} // namespace

TEST_CASE("waveform trace: runs continue, gaps stay gaps, extents keep every peak",
          "[app][vitals]") {
    app::WaveformTrace trace(std::chrono::seconds(10));
    CHECK_FALSE(trace.endUs());
    const std::vector<float> first{0, 1, 2, 3};
    trace.append(1'000'000, 500, first); // 2 ms a sample
    const std::vector<float> next{4, -5};
    trace.append(1'008'000, 500, next); // continues the run
    REQUIRE(trace.endUs());
    CHECK(*trace.endUs() == 1'012'000);
    const auto all = trace.extent(0, 2'000'000);
    REQUIRE(all);
    CHECK(all->low == -5);
    CHECK(all->high == 4);
    CHECK(all->first == 0);
    CHECK(all->last == -5);
    // [1.002, 1.006) holds samples 1 and 2 only.
    const auto middle = trace.extent(1'002'000, 1'006'000);
    REQUIRE(middle);
    CHECK(middle->low == 1);
    CHECK(middle->high == 2);
    CHECK_FALSE(trace.extent(1'012'000, 1'100'000)); // nothing there: not zero
    trace.appendGap(1'012'000, 40'000);
    CHECK(trace.hasGap(1'020'000, 1'021'000));
    CHECK_FALSE(trace.hasGap(1'000'000, 1'012'000));
    CHECK(*trace.endUs() == 1'052'000);
    // After the gap, a new run; the gap is never filled in.
    trace.append(1'052'000, 500, first);
    CHECK_FALSE(trace.extent(1'012'000, 1'052'000));
    // Old history goes: ten seconds kept.
    trace.append(20'000'000, 500, first);
    CHECK_FALSE(trace.extent(0, 2'000'000));
}

TEST_CASE("waveform strip: grid in millimetres, 25 mm/s, 10 mm/mV, gaps drawn as missing",
          "[app][vitals][gui]") {
    app::registerQmlTypes();
    QQuickView view;
    view.setColor(QColor(0xff, 0xf6, 0xf6));
    view.resize(800, 160);
    view.show();
    REQUIRE(QTest::qWaitForWindowExposed(&view));
    // ctest runs this again under QT_QUICK_BACKEND=software (app.software_scene_graph): the
    // strip is then painted into an image, and must read the same.
    const bool software = qEnvironmentVariable("QT_QUICK_BACKEND") == QLatin1String("software");
    CAPTURE(software);
    REQUIRE((view.rendererInterface()->graphicsApi() == QSGRendererInterface::Software) ==
            software);
    auto* strip = new app::WaveformStrip(view.contentItem());
    strip->setSize(QSizeF(800, 160));
    strip->setPixelsPerMm(4); // 25 mm/s = 100 px/s; 10 mm/mV = 40 px/mV
    app::WaveformTrace ecg(std::chrono::seconds(30));
    // The 8 s the strip shows: six seconds of beats, a 1 s stretch lost, one more second.
    const std::int64_t start = steadyNowUs() - 8'000'000;
    const auto beats = spikes(6);
    ecg.append(start, 500, beats);
    ecg.appendGap(start + 6'000'000, 1'000'000);
    const auto after = spikes(1);
    ecg.append(start + 7'000'000, 500, after);
    strip->setTraces({{&ecg, Qt::black, 10, 0.75, true}});
    strip->setClock(0, 0);
    strip->update();
    const int before = strip->framesDrawn();
    REQUIRE(QTest::qWaitFor([&] { return strip->framesDrawn() > before; }, 3000));
    const QImage shot = view.grabWindow();
    REQUIRE(shot.width() >= 800);

    // Grid: major lines every 5 mm = 20 px, minor every 4 px.
    const QRgb major = shot.pixel(40, 5);
    const QRgb minor = shot.pixel(44, 5);
    const QRgb paper = shot.pixel(42, 5);
    CHECK(qRed(major) > qGreen(major) + 60); // a red line
    CHECK(qGreen(minor) < qGreen(paper));    // lighter than the major, darker than paper
    CHECK(qGreen(minor) > qGreen(major));

    // The beats: columns where the trace reaches 40 px above the baseline (y = 120).
    const int baseline = 120;
    std::vector<int> peaks;
    std::string columns;
    for (int x = 30; x < 800; ++x) {
        if (isTrace(shot.pixel(x, baseline - 38)) && (peaks.empty() || x - peaks.back() > 10)) {
            peaks.push_back(x);
            columns += std::to_string(x) + " ";
        }
    }
    INFO("peak columns: " << columns);
    REQUIRE(peaks.size() == 6); // five beats, the one after the gap; the first is under the
                                // calibration pulse
    CHECK(peaks.back() - peaks[peaks.size() - 2] == Approx(200).margin(2)); // across the gap
    for (std::size_t i = 1; i + 1 < peaks.size(); ++i) {
        CHECK(std::abs(peaks[i] - peaks[i - 1] - 100) <= 2); // 1 s apart at 25 mm/s
    }
    // Nothing higher than 1 mV: the spike tops out at 40 px.
    for (int x = 30; x < 800; ++x) {
        CHECK_FALSE(isTrace(shot.pixel(x, baseline - 44)));
    }
    // The calibration pulse (1 mV, 200 ms = 20 px) at the left.
    CHECK(isTrace(shot.pixel(18, baseline - 40)));
    // The lost second: no ink on the baseline, a grey mark instead, between the last two beats.
    int grey = 0;
    int ink = 0;
    for (int x = peaks[4] + 110; x < peaks[5] - 10; ++x) {
        const QRgb p = shot.pixel(x, baseline);
        grey += std::abs(qRed(p) - 0x9a) < 20 && std::abs(qBlue(p) - 0xab) < 20 ? 1 : 0;
        ink += isTrace(p) ? 1 : 0;
    }
    CHECK(ink == 0);
    CHECK(grey > 40);
    shot.save(software ? QStringLiteral("waveform_strip_software.png")
                       : QStringLiteral("waveform_strip.png"));
}

// The stethoscope panel's pictures painted in C++: a click in the phonocardiogram is drawn
// however narrow it is, the spectrogram's newest column is at the right with low frequencies at
// the bottom, and six seconds scroll out.
#include "stethoscope_meters.hpp"

#include <QColor>
#include <catch2/catch.hpp>
#include <vector>

using namespace tc;

namespace {

bool isBackground(const QImage& image, int x, int y) {
    return image.pixelColor(x, y) == QColor(0x14, 0x1c, 0x21);
}

} // namespace

TEST_CASE("stethoscope meters: the phonocardiogram keeps a click, the spectrogram scrolls",
          "[app][stethoscope]") {
    app::StethoscopeMeters meters;
    // 600 pairs (3 s at 5 ms), silence but for one 5 ms click at full scale in pair 300.
    std::vector<float> envelope(1200, 0.0F);
    envelope[600] = -1.0F;
    envelope[601] = 1.0F;
    const std::vector<double> bands = {1.0, 0.0, 0.0, 0.5};
    meters.update(envelope, bands);

    const QImage& phono = meters.phonocardiogram();
    REQUIRE(phono.size() == QSize(600, 66)); // no surface: the default size
    // The click's column is drawn from the top to the bottom; a silent column only at the middle.
    const int clickX = 300; // pair i at x = i * 599 / 599
    CHECK_FALSE(isBackground(phono, clickX, 2));
    CHECK_FALSE(isBackground(phono, clickX, 63));
    CHECK(isBackground(phono, 100, 2));
    CHECK(isBackground(phono, 100, 63));

    const QImage& spectrum = meters.spectrogram();
    REQUIRE(spectrum.size() == QSize(app::StethoscopeMeters::kSpectrogramColumns, 4));
    const int newest = app::StethoscopeMeters::kSpectrogramColumns - 1;
    CHECK_FALSE(isBackground(spectrum, newest, 3)); // band 0 (lowest) at the bottom, loud
    CHECK(isBackground(spectrum, newest, 2));       // band 1 silent
    CHECK_FALSE(isBackground(spectrum, newest, 0)); // band 3 at half level
    CHECK(spectrum.pixelColor(newest, 3).redF() > spectrum.pixelColor(newest, 0).redF());
    CHECK(isBackground(spectrum, newest - 1, 3)); // nothing older yet

    // Six seconds later the first column has scrolled to the left edge, then out.
    const std::vector<double> silence(4, 0.0);
    for (int i = 1; i < app::StethoscopeMeters::kSpectrogramColumns; ++i) {
        meters.update(envelope, silence);
    }
    CHECK_FALSE(isBackground(meters.spectrogram(), 0, 3));
    meters.update(envelope, silence);
    CHECK(isBackground(meters.spectrogram(), 0, 3));

    meters.clear();
    CHECK(isBackground(meters.phonocardiogram(), clickX, 2));
    for (int x = 0; x < meters.spectrogram().width(); ++x) {
        for (int y = 0; y < meters.spectrogram().height(); ++y) {
            CHECK(isBackground(meters.spectrogram(), x, y));
        }
    }
}

// The video surface's two drawing paths against known pictures: I420 planes uploaded as
// single-channel textures and converted by the fragment shader (RHI scene graph: OpenGL through
// Mesa's llvmpipe under Xvfb), and RGB images converted on the CPU at the size shown (the
// software scene graph: app.software_scene_graph runs these tests again with it). Each reads the
// window back (grabWindow) and compares colours with the CPU conversion of the same frame.
#include "i420_image.hpp"
#include "tc/media/video_frame.hpp"
#include "video_surface.hpp"

#include <QQuickView>
#include <QSGRendererInterface>
#include <QTest>
#include <catch2/catch.hpp>

using namespace tc;

namespace {

struct Yuv {
    std::uint8_t y;
    std::uint8_t u;
    std::uint8_t v;
};

// A `width`×`height` frame in four quadrants (split at the even column and row nearest the
// middle, so that each quadrant's chroma is its own): red, green, blue and a light grey.
media::VideoFrame quadrants(int width, int height) {
    constexpr std::array<Yuv, 4> kColours{
        {{63, 102, 240}, {173, 42, 26}, {32, 240, 118}, {180, 128, 128}}};
    const int midX = width / 4 * 2;
    const int midY = height / 4 * 2;
    media::VideoFrame frame(width, height);
    auto span = frame.span();
    const auto colour = [&](int x, int y) {
        return kColours.at(static_cast<std::size_t>((x < midX ? 0 : 1) + (y < midY ? 0 : 2)));
    };
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            span.planes[0][y * span.strides[0] + x] = colour(x, y).y;
        }
    }
    for (int y = 0; y < span.chromaHeight(); ++y) {
        for (int x = 0; x < span.chromaWidth(); ++x) {
            span.planes[1][y * span.strides[1] + x] = colour(2 * x, 2 * y).u;
            span.planes[2][y * span.strides[2] + x] = colour(2 * x, 2 * y).v;
        }
    }
    return frame;
}

bool near(QRgb a, QRgb b, int tolerance) {
    return std::abs(qRed(a) - qRed(b)) <= tolerance &&
           std::abs(qGreen(a) - qGreen(b)) <= tolerance &&
           std::abs(qBlue(a) - qBlue(b)) <= tolerance;
}

std::string rgbText(QRgb p) {
    return std::to_string(qRed(p)) + "/" + std::to_string(qGreen(p)) + "/" +
           std::to_string(qBlue(p));
}

} // namespace

TEST_CASE("video surface: a known I420 frame reaches the window in the right colours, odd "
          "sizes included",
          "[video][app]") {
    // Odd widths and heights: padded rows, chroma planes rounded up.
    const auto [width, height] = GENERATE(std::pair{320, 180}, std::pair{161, 91});
    const media::VideoFrame frame = quadrants(width, height);
    const QImage reference = app::imageFromI420(frame.view());
    auto planes = std::make_shared<app::I420Planes>();
    planes->assign(frame.view());

    // The surface shows the frame at twice its size, with no letterbox.
    QQuickView view;
    view.resize(2 * width, 2 * height);
    view.setColor(Qt::black);
    app::VideoSurface surface(view.contentItem());
    surface.setSize(QSizeF(2 * width, 2 * height));
    view.show();
    REQUIRE(QTest::qWaitForWindowExposed(&view));

    app::VideoFrameSlot::Frame shown;
    shown.planes = planes;
    shown.size = QSize(width, height);
    if (!surface.wantsPlanes()) {
        shown.image = app::imageFromI420(frame.view(), surface.displaySize(), {});
    }
    surface.present(shown);
    const QImage grabbed = view.grabWindow();
    REQUIRE(grabbed.size() == QSize(2 * width, 2 * height));

    // The path that drew it is the one its scene graph calls for: the shader on RHI.
    const auto api = view.rendererInterface()->graphicsApi();
    CHECK(surface.wantsPlanes() == QSGRendererInterface::isApiRhiBased(api));
    WARN((surface.wantsPlanes() ? "planes and shader" : "RGB image (software scene graph)")
         << " at " << width << "x" << height);

    // Each quadrant's middle, in the frame and on screen (twice as far).
    const int midX = width / 4 * 2;
    const int midY = height / 4 * 2;
    for (const QPoint at :
         {QPoint(midX / 2, midY / 2), QPoint((midX + width) / 2, midY / 2),
          QPoint(midX / 2, (midY + height) / 2), QPoint((midX + width) / 2, (midY + height) / 2)}) {
        const QRgb expected = reference.pixel(at);
        const QRgb seen = grabbed.pixel(2 * at);
        INFO("frame pixel " << at.x() << "," << at.y() << ": expected " << rgbText(expected)
                            << ", on screen " << rgbText(seen));
        CHECK(near(seen, expected, 6));
    }
    // The corners too: the picture fills the item, nothing of the padding or the border shows.
    CHECK(near(grabbed.pixel(1, 1), reference.pixel(0, 0), 6));
    CHECK(near(grabbed.pixel(2 * width - 2, 2 * height - 2), reference.pixel(width - 1, height - 1),
               6));
}

TEST_CASE("video surface: images converted at the size shown, into reused buffers",
          "[video][app]") {
    const media::VideoFrame frame = quadrants(1280, 720);
    const QImage full = app::imageFromI420(frame.view());
    // Under twice smaller: exactly the size asked, the same colours away from the edges.
    QImage scaled = app::imageFromI420(frame.view(), QSize(900, 506), {});
    REQUIRE(scaled.size() == QSize(900, 506));
    CHECK(scaled.pixel(225, 126) == full.pixel(320, 180));
    CHECK(scaled.pixel(675, 380) == full.pixel(960, 540));
    // Twice smaller or more (the console's room camera in a 1280x800 window): block means,
    // then exactly the size asked.
    const QImage small = app::imageFromI420(frame.view(), QSize(596, 335), {});
    REQUIRE(small.size() == QSize(596, 335));
    CHECK(small.pixel(149, 84) == full.pixel(320, 180));
    CHECK(small.pixel(447, 251) == full.pixel(960, 540));
    // Larger or unknown: the frame's own size.
    CHECK(app::imageFromI420(frame.view(), QSize(1920, 1080), {}).size() == QSize(1280, 720));
    CHECK(app::imageFromI420(frame.view(), QSize(), {}).size() == QSize(1280, 720));

    // A buffer nobody else holds is written again; one still shown is not.
    app::ImagePool pool;
    pool.keep(scaled);
    const auto* bits = scaled.constBits();
    CHECK(pool.acquire().isNull()); // `scaled` still holds it
    scaled = {};
    QImage again = app::imageFromI420(frame.view(), QSize(900, 506), pool.acquire());
    CHECK(again.constBits() == bits);

    app::PlanesPool planes;
    auto first = planes.acquire();
    first->assign(frame.view());
    const auto* data = first->plane(0);
    CHECK(planes.acquire() != first); // still held
    first.reset();
    auto reused = planes.acquire();
    reused->assign(frame.view());
    CHECK(reused->plane(0) == data);
    CHECK(reused->planeSize(0) == QSize(1280, 720));
    CHECK(reused->planeSize(1) == QSize(640, 360));
}

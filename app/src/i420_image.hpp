#pragma once
// Decoded I420 pictures on their way to the screen, off the UI thread:
//  - I420Planes: a picture's three planes copied out of GStreamer's buffer, for the GPU path
//    (i420_node.hpp uploads them as single-channel textures and a fragment shader converts);
//  - imageFromI420: BT.709 limited-range I420 → RGB32 on the CPU, for the software scene graph
//    (it cannot run shaders), screenshots and the console's own camera preview.
// Each frame reuses a buffer that nobody holds any more (FramePool), rather than allocating 1.4
// to 3.7 MB thirty times a second.

#include "tc/media/video_frame.hpp"

#include <QImage>
#include <QSize>
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace tc::app {

// BT.709 limited-range I420 → RGB32, full size, or `shrink` times smaller in each dimension
// (each pixel the mean of shrink×shrink luma samples, chroma from the block's centre).
QImage imageFromI420(const media::I420View& frame, int shrink = 1);
// The same, drawn at exactly `size` (the pixels a surface shows it in, so that painting it is a
// copy): bilinear luma, after whole-factor block means (shrinkFactor) when `size` is twice
// smaller or more; the frame's own size when `size` is empty or larger. Writes into `reuse`
// when it has that size and nobody else holds it.
QImage imageFromI420(const media::I420View& frame, QSize size, QImage reuse);
// The largest whole shrink factor that keeps `source` at least as large as `display`.
int shrinkFactor(const QSize& source, const QSize& display);

// A picture's planes, each row padded to a multiple of 4 bytes (what texture uploads align
// rows to) by repeating its last sample, so that a texture as wide as the padded row samples
// the picture's right edge and never garbage.
class I420Planes {
public:
    // Copies `frame` (any strides), reusing this buffer's memory when it is large enough.
    void assign(const media::I420View& frame);

    int width() const noexcept { return m_width; }
    int height() const noexcept { return m_height; }
    QSize size() const noexcept { return {m_width, m_height}; }
    // The padded plane: [0] Y (paddedWidth × height), [1] U, [2] V (half size, rounded up).
    QSize planeSize(int plane) const noexcept { return {m_strides.at(plane), m_rows.at(plane)}; }
    const std::uint8_t* plane(int plane) const noexcept {
        return m_data.data() + m_offsets.at(plane);
    }
    int planeBytes(int plane) const noexcept { return m_strides.at(plane) * m_rows.at(plane); }
    media::I420View view() const noexcept;

private:
    int m_width = 0;
    int m_height = 0;
    std::array<int, 3> m_strides{};
    std::array<int, 3> m_rows{};
    std::array<std::size_t, 3> m_offsets{};
    std::vector<std::uint8_t> m_data;
};

// Buffers for one producer thread (a decoder's streaming thread): acquire() returns one that
// no other thread holds any more (the slot, a surface and the render thread drop theirs as
// newer frames replace them), or a new one while fewer than `kKept` exist.
class PlanesPool {
public:
    std::shared_ptr<I420Planes> acquire();

private:
    static constexpr std::size_t kKept = 4;
    std::vector<std::shared_ptr<I420Planes>> m_buffers;
};

// The same for RGB images: an image whose data only the pool references (QImage::isDetached)
// is written again.
class ImagePool {
public:
    QImage acquire(); // a detached image to pass as imageFromI420's `reuse`, or a null one
    void keep(const QImage& image);

private:
    static constexpr std::size_t kKept = 4;
    std::vector<QImage> m_images;
};

} // namespace tc::app

#pragma once
// Raw video frames as the video path passes them around: planar I420 (Y, then U and V at half
// resolution in both directions), BT.709 limited range like an HD camera. `VideoFrame` owns a
// tightly packed copy; `I420View` / `I420Span` look at planes that live elsewhere (a decoded
// GStreamer buffer, with its own strides) without copying them. Also the video errors.

#include "tc/media/errc/video_errc.hpp"

#include <array>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <vector>

namespace tc::media {

// Read-only planes: [0] Y, [1] U, [2] V.
struct I420View {
    int width = 0;
    int height = 0;
    std::array<const std::uint8_t*, 3> planes{};
    std::array<int, 3> strides{};

    int chromaWidth() const noexcept { return (width + 1) / 2; }
    int chromaHeight() const noexcept { return (height + 1) / 2; }
};

// Writable planes.
struct I420Span {
    int width = 0;
    int height = 0;
    std::array<std::uint8_t*, 3> planes{};
    std::array<int, 3> strides{};

    int chromaWidth() const noexcept { return (width + 1) / 2; }
    int chromaHeight() const noexcept { return (height + 1) / 2; }
    operator I420View() const noexcept {
        return {width, height, {planes[0], planes[1], planes[2]}, strides};
    }
};

class VideoFrame {
public:
    VideoFrame() = default;
    // Black (Y 16, U V 128) frame.
    VideoFrame(int width, int height);
    // A packed copy of `view`.
    static VideoFrame copyOf(I420View view);

    int width() const noexcept { return m_width; }
    int height() const noexcept { return m_height; }
    bool empty() const noexcept { return m_data.empty(); }
    I420View view() const noexcept;
    I420Span span() noexcept;
    // Y plane, then U, then V, no padding: the layout GStreamer gives I420 at even widths that
    // are multiples of 8, and the one a raw `.yuv` file has.
    const std::vector<std::uint8_t>& bytes() const noexcept { return m_data; }

    // Capture time on the session's steady clock, microseconds; GStreamer PTS = this × 1000.
    std::uint64_t captureUs = 0;

private:
    int m_width = 0;
    int m_height = 0;
    std::vector<std::uint8_t> m_data;
};

} // namespace tc::media

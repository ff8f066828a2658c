#include "tc/media/video_frame.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace tc::media {

VideoFrame::VideoFrame(int width, int height)
    : m_width(std::max(0, width))
    , m_height(std::max(0, height)) {
    const auto luma = static_cast<std::size_t>(m_width) * static_cast<std::size_t>(m_height);
    const auto chroma =
        static_cast<std::size_t>((m_width + 1) / 2) * static_cast<std::size_t>((m_height + 1) / 2);
    m_data.assign(luma, 16);
    m_data.resize(luma + 2 * chroma, 128);
}

VideoFrame VideoFrame::copyOf(I420View view) {
    VideoFrame frame(view.width, view.height);
    if (frame.empty()) {
        return frame;
    }
    const I420Span to = frame.span();
    for (int p = 0; p < 3; ++p) {
        const int w = p == 0 ? view.width : view.chromaWidth();
        const int h = p == 0 ? view.height : view.chromaHeight();
        for (int y = 0; y < h; ++y) {
            std::memcpy(to.planes[p] + static_cast<std::ptrdiff_t>(y) * to.strides[p],
                        view.planes[p] + static_cast<std::ptrdiff_t>(y) * view.strides[p],
                        static_cast<std::size_t>(w));
        }
    }
    return frame;
}

I420Span VideoFrame::span() noexcept {
    const int cw = (m_width + 1) / 2;
    std::uint8_t* y = m_data.data();
    std::uint8_t* u = y + static_cast<std::ptrdiff_t>(m_width) * m_height;
    std::uint8_t* v = u + static_cast<std::ptrdiff_t>(cw) * ((m_height + 1) / 2);
    return {m_width, m_height, {y, u, v}, {m_width, cw, cw}};
}

I420View VideoFrame::view() const noexcept {
    return const_cast<VideoFrame*>(this)->span();
}

} // namespace tc::media

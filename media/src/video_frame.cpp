#include "tc/media/video_frame.hpp"

#include "tc/errors/error_table.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

namespace tc::media {
namespace {

constexpr std::array kVideoErrors{
    errors::ErrcEntry{VideoErrc::badFrame, "bad_frame",
                      "the video frame is empty, odd-sized or too small"},
    errors::ErrcEntry{VideoErrc::pipelineFailed, "pipeline_failed",
                      "the video pipeline could not be built or started"},
    errors::ErrcEntry{VideoErrc::missingElement, "missing_element",
                      "a GStreamer video element is missing (encoder, decoder or payloader)"},
    errors::ErrcEntry{VideoErrc::notRunning, "not_running", "the video pipeline has stopped"},
    errors::ErrcEntry{VideoErrc::pushFailed, "push_failed", "the video pipeline refused data"},
    errors::ErrcEntry{VideoErrc::noFrame, "no_frame", "no video frame has been decoded yet"},
    errors::ErrcEntry{VideoErrc::openFailed, "open_failed",
                      "the video file could not be opened or decoded"},
    errors::ErrcEntry{VideoErrc::writeFailed, "write_failed",
                      "the image file could not be written"},
    errors::ErrcEntry{VideoErrc::timeout, "timeout", "the video pipeline did not answer in time"},
    errors::ErrcEntry{VideoErrc::unsupportedCodec, "unsupported_codec", "unsupported video codec"},
};

} // namespace

const boost::system::error_category& videoCategory() noexcept {
    static const errors::TableCategory category("tc.video", kVideoErrors);
    return category;
}

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

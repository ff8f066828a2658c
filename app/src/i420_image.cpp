#include "i420_image.hpp"

#include <QRgb>
#include <algorithm>
#include <cstring>

namespace tc::app {

namespace {

// Fixed point (×256) BT.709, limited range: R = 1.164 (Y-16) + 1.793 (V-128), G = 1.164 (Y-16)
// - 0.213 (U-128) - 0.533 (V-128), B = 1.164 (Y-16) + 2.112 (U-128); saturation through a table.
struct Chroma {
    int r;
    int g;
    int b;
};

Chroma chromaTerms(int u, int v) {
    const int d = u - 128;
    const int e = v - 128;
    return {459 * e + 128, -55 * d - 136 * e + 128, 541 * d + 128};
}

constexpr auto kSaturate = [] {
    std::array<std::uint8_t, 1024> table{};
    for (int i = 0; i < 1024; ++i) {
        table[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(std::clamp(i - 384, 0, 255));
    }
    return table;
}();

inline QRgb pixel(int luma, Chroma c) {
    const int y = 298 * (luma - 16);
    return 0xff000000u |
           static_cast<unsigned>(kSaturate[static_cast<std::size_t>(((y + c.r) >> 8) + 384)])
               << 16 |
           static_cast<unsigned>(kSaturate[static_cast<std::size_t>(((y + c.g) >> 8) + 384)]) << 8 |
           kSaturate[static_cast<std::size_t>(((y + c.b) >> 8) + 384)];
}

// `reuse` when it is `size` in RGB32 and nobody else holds its data, else a new image.
QImage target(QSize size, QImage reuse) {
    if (reuse.size() == size && reuse.format() == QImage::Format_RGB32 && reuse.isDetached()) {
        return reuse;
    }
    return QImage(size, QImage::Format_RGB32);
}

const std::uint8_t* row(const media::I420View& frame, int plane, int y) {
    return frame.planes[static_cast<std::size_t>(plane)] +
           static_cast<std::ptrdiff_t>(y) * frame.strides[static_cast<std::size_t>(plane)];
}

// Full size: each chroma sample's terms computed once for its two pixels of a row.
void convertFull(const media::I420View& frame, QImage& image) {
    const int width = image.width();
    for (int y = 0; y < image.height(); ++y) {
        const std::uint8_t* luma = row(frame, 0, y);
        const std::uint8_t* u = row(frame, 1, y / 2);
        const std::uint8_t* v = row(frame, 2, y / 2);
        auto* out = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < width; x += 2) {
            const Chroma c = chromaTerms(u[x / 2], v[x / 2]);
            out[x] = pixel(luma[x], c);
            if (x + 1 < width) {
                out[x + 1] = pixel(luma[x + 1], c);
            }
        }
    }
}

// `shrink` times smaller: the mean of each block's luma, the chroma at its centre.
void convertShrunk(const media::I420View& frame, int shrink, QImage& image) {
    const int width = image.width();
    const int area = shrink * shrink;
    std::vector<int> sums(static_cast<std::size_t>(width));
    for (int y = 0; y < image.height(); ++y) {
        std::fill(sums.begin(), sums.end(), 0);
        for (int r = y * shrink; r < (y + 1) * shrink; ++r) {
            const std::uint8_t* luma = row(frame, 0, r);
            for (int x = 0; x < width; ++x) {
                int sum = 0;
                for (int k = 0; k < shrink; ++k) {
                    sum += luma[x * shrink + k];
                }
                sums[static_cast<std::size_t>(x)] += sum;
            }
        }
        const int chromaRow = (y * shrink + shrink / 2) / 2;
        const std::uint8_t* u = row(frame, 1, chromaRow);
        const std::uint8_t* v = row(frame, 2, chromaRow);
        auto* out = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const int chroma = (x * shrink + shrink / 2) / 2;
            const int luma = (sums[static_cast<std::size_t>(x)] + area / 2) / area;
            out[x] = pixel(luma, chromaTerms(u[chroma], v[chroma]));
        }
    }
}

// Sample positions along one axis for a bilinear resize from `from` to `to` samples (pixel
// centres aligned): the first source sample and the weight (×256) of the next.
struct Taps {
    std::vector<int> first;
    std::vector<int> weight;
};

Taps taps(int from, int to) {
    Taps t;
    t.first.resize(static_cast<std::size_t>(to));
    t.weight.resize(static_cast<std::size_t>(to));
    for (int i = 0; i < to; ++i) {
        const double at = std::clamp((i + 0.5) * from / to - 0.5, 0.0, from - 1.0);
        const int first = std::min(static_cast<int>(at), std::max(0, from - 2));
        t.first[static_cast<std::size_t>(i)] = first;
        t.weight[static_cast<std::size_t>(i)] =
            from > 1 ? static_cast<int>((at - first) * 256 + 0.5) : 0;
    }
    return t;
}

// Under twice smaller: bilinear luma; chroma from the sample nearest each pixel (left-sited
// horizontally, centred between rows vertically, as MPEG-2 and the WebRTC codecs put it).
void convertBilinear(const media::I420View& frame, QImage& image) {
    const int width = image.width();
    const int height = image.height();
    const Taps columns = taps(frame.width, width);
    const Taps rows = taps(frame.height, height);
    std::vector<int> chromaColumns(static_cast<std::size_t>(width));
    for (int x = 0; x < width; ++x) {
        const double at = (x + 0.5) * frame.width / width - 0.5;
        chromaColumns[static_cast<std::size_t>(x)] =
            std::clamp(static_cast<int>(at / 2 + 0.5), 0, frame.chromaWidth() - 1);
    }
    const int next = frame.width > 1 ? 1 : 0;
    for (int y = 0; y < height; ++y) {
        const int top = rows.first[static_cast<std::size_t>(y)];
        const int wy = rows.weight[static_cast<std::size_t>(y)];
        const std::uint8_t* l0 = row(frame, 0, top);
        const std::uint8_t* l1 = row(frame, 0, std::min(top + 1, frame.height - 1));
        const double lumaRow = (y + 0.5) * frame.height / height - 0.5;
        const int chromaRow =
            std::clamp(static_cast<int>((lumaRow - 0.5) / 2 + 0.5), 0, frame.chromaHeight() - 1);
        const std::uint8_t* u = row(frame, 1, chromaRow);
        const std::uint8_t* v = row(frame, 2, chromaRow);
        auto* out = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const int left = columns.first[static_cast<std::size_t>(x)];
            const int wx = columns.weight[static_cast<std::size_t>(x)];
            const int a = l0[left] * 256 + (l0[left + next] - l0[left]) * wx;
            const int b = l1[left] * 256 + (l1[left + next] - l1[left]) * wx;
            const int luma = (a * 256 + (b - a) * wy + (1 << 15)) >> 16;
            const int chroma = chromaColumns[static_cast<std::size_t>(x)];
            out[x] = pixel(luma, chromaTerms(u[chroma], v[chroma]));
        }
    }
}

// `frame` `shrink` times smaller as I420 (luma block means, chroma from the blocks' middle), in
// `store`: the first step when a surface is over twice smaller than the frame.
media::I420View shrunkI420(const media::I420View& frame, int shrink,
                           std::vector<std::uint8_t>& store) {
    const int width = frame.width / shrink;
    const int height = frame.height / shrink;
    const int chromaWidth = (width + 1) / 2;
    const int chromaHeight = (height + 1) / 2;
    const auto lumaBytes = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    const auto chromaBytes =
        static_cast<std::size_t>(chromaWidth) * static_cast<std::size_t>(chromaHeight);
    store.resize(lumaBytes + 2 * chromaBytes);
    media::I420View out{
        width,
        height,
        {store.data(), store.data() + lumaBytes, store.data() + lumaBytes + chromaBytes},
        {width, chromaWidth, chromaWidth}};
    std::uint8_t* luma = store.data();
    const int area = shrink * shrink;
    std::vector<int> sums(static_cast<std::size_t>(width));
    for (int y = 0; y < height; ++y) {
        std::fill(sums.begin(), sums.end(), 0);
        for (int r = y * shrink; r < (y + 1) * shrink; ++r) {
            const std::uint8_t* in = row(frame, 0, r);
            for (int x = 0; x < width; ++x) {
                for (int k = 0; k < shrink; ++k) {
                    sums[static_cast<std::size_t>(x)] += in[x * shrink + k];
                }
            }
        }
        for (int x = 0; x < width; ++x) {
            luma[static_cast<std::ptrdiff_t>(y) * width + x] =
                static_cast<std::uint8_t>((sums[static_cast<std::size_t>(x)] + area / 2) / area);
        }
    }
    for (int y = 0; y < chromaHeight; ++y) {
        const int from = std::min((2 * y + 1) * shrink / 2, frame.chromaHeight() - 1);
        for (int p = 1; p < 3; ++p) {
            const std::uint8_t* in = row(frame, p, from);
            std::uint8_t* to = store.data() + lumaBytes +
                               static_cast<std::size_t>(p - 1) * chromaBytes +
                               static_cast<std::size_t>(y) * static_cast<std::size_t>(chromaWidth);
            for (int x = 0; x < chromaWidth; ++x) {
                to[x] = in[std::min((2 * x + 1) * shrink / 2, frame.chromaWidth() - 1)];
            }
        }
    }
    return out;
}

} // namespace

QImage imageFromI420(const media::I420View& frame, int shrink) {
    shrink = std::max(1, shrink);
    const QSize size(frame.width / shrink, frame.height / shrink);
    if (size.isEmpty() || frame.planes[0] == nullptr) {
        return {};
    }
    QImage image(size, QImage::Format_RGB32);
    if (shrink == 1) {
        convertFull(frame, image);
    } else {
        convertShrunk(frame, shrink, image);
    }
    return image;
}

QImage imageFromI420(const media::I420View& frame, QSize size, QImage reuse) {
    const QSize source(frame.width, frame.height);
    if (source.isEmpty() || frame.planes[0] == nullptr) {
        return {};
    }
    if (size.isEmpty() || size.width() >= source.width() || size.height() >= source.height()) {
        QImage image = target(source, std::move(reuse));
        convertFull(frame, image);
        return image;
    }
    QImage image = target(size, std::move(reuse));
    if (const int shrink = shrinkFactor(source, size); shrink >= 2) {
        // Block means first (no aliasing), then bilinear to the exact size.
        thread_local std::vector<std::uint8_t> store;
        convertBilinear(shrunkI420(frame, shrink, store), image);
    } else {
        convertBilinear(frame, image);
    }
    return image;
}

int shrinkFactor(const QSize& source, const QSize& display) {
    if (source.isEmpty() || display.isEmpty()) {
        return 1;
    }
    return std::max(1,
                    std::min(source.width() / display.width(), source.height() / display.height()));
}

void I420Planes::assign(const media::I420View& frame) {
    m_width = frame.width;
    m_height = frame.height;
    const auto padded = [](int width) {
        return (width + 3) / 4 * 4;
    };
    m_strides = {padded(frame.width), padded(frame.chromaWidth()), padded(frame.chromaWidth())};
    m_rows = {frame.height, frame.chromaHeight(), frame.chromaHeight()};
    const std::array<int, 3> widths{frame.width, frame.chromaWidth(), frame.chromaWidth()};
    std::size_t total = 0;
    for (std::size_t p = 0; p < 3; ++p) {
        m_offsets[p] = total;
        total += static_cast<std::size_t>(m_strides[p]) * static_cast<std::size_t>(m_rows[p]);
    }
    m_data.resize(total); // keeps its capacity from one frame to the next
    for (std::size_t p = 0; p < 3; ++p) {
        const int width = widths[p];
        if (width <= 0 || frame.planes[p] == nullptr) {
            continue;
        }
        for (int y = 0; y < m_rows[p]; ++y) {
            const std::uint8_t* from =
                frame.planes[p] + static_cast<std::ptrdiff_t>(y) * frame.strides[p];
            std::uint8_t* to = m_data.data() + m_offsets[p] +
                               static_cast<std::size_t>(y) * static_cast<std::size_t>(m_strides[p]);
            std::memcpy(to, from, static_cast<std::size_t>(width));
            std::fill(to + width, to + m_strides[p], from[width - 1]);
        }
    }
}

media::I420View I420Planes::view() const noexcept {
    media::I420View view{m_width, m_height, {}, m_strides};
    for (std::size_t p = 0; p < 3; ++p) {
        view.planes[p] = m_data.data() + m_offsets[p];
    }
    return view;
}

std::shared_ptr<I420Planes> PlanesPool::acquire() {
    for (const auto& buffer : m_buffers) {
        // Only this pool holds it, and only this thread hands it out: nobody can take it back.
        if (buffer.use_count() == 1) {
            std::atomic_thread_fence(std::memory_order_acquire); // their last reads came first
            return buffer;
        }
    }
    auto buffer = std::make_shared<I420Planes>();
    if (m_buffers.size() < kKept) {
        m_buffers.push_back(buffer);
    }
    return buffer;
}

QImage ImagePool::acquire() {
    for (auto it = m_images.begin(); it != m_images.end(); ++it) {
        if (it->isDetached()) {
            std::atomic_thread_fence(std::memory_order_acquire);
            QImage image = std::move(*it);
            m_images.erase(it);
            return image;
        }
    }
    return {};
}

void ImagePool::keep(const QImage& image) {
    if (!image.isNull() && m_images.size() < kKept) {
        m_images.push_back(image);
    }
}

} // namespace tc::app

#include "tc/media/video_frame_code.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace tc::media {
namespace {

constexpr int kColumns = 16;
constexpr int kRows = 8;
constexpr int kBits = kColumns * kRows; // 8 magic + 32 counter + 64 time + 24 CRC
constexpr std::uint8_t kMagic = 0xB5;
constexpr std::uint8_t kBlack = 16;
constexpr std::uint8_t kWhite = 235;
// Mid-way between black and white: a lossy codec moves a flat cell's mean by a few levels only.
constexpr int kThreshold = (kBlack + kWhite) / 2;
constexpr int kLabelChars = 16; // per line; two lines
constexpr int kLabelLines = 2;

// 16 pixels at 720p-class sizes (one macroblock), 8 below; 0 when even 8 does not fit.
int cellSize(int width, int height) {
    if (width >= 640 && height >= 360) {
        return 16;
    }
    return width >= 18 * 8 && height >= 14 * 8 ? 8 : 0;
}

int labelScale(int cell) {
    return std::max(1, cell * 3 / 16);
}

std::uint32_t crc24(const std::uint8_t* data, std::size_t size) {
    std::uint32_t crc = 0xB704CE;
    for (std::size_t i = 0; i < size; ++i) {
        crc ^= static_cast<std::uint32_t>(data[i]) << 16;
        for (int bit = 0; bit < 8; ++bit) {
            crc <<= 1;
            if ((crc & 0x1000000) != 0) {
                crc ^= 0x864CFB;
            }
        }
    }
    return crc & 0xFFFFFF;
}

std::array<std::uint8_t, kBits / 8> encode(FrameStamp stamp) {
    std::array<std::uint8_t, kBits / 8> bytes{};
    bytes[0] = kMagic;
    for (int i = 0; i < 4; ++i) {
        bytes[1 + i] = static_cast<std::uint8_t>(stamp.counter >> (24 - 8 * i));
    }
    for (int i = 0; i < 8; ++i) {
        bytes[5 + i] = static_cast<std::uint8_t>(stamp.captureUs >> (56 - 8 * i));
    }
    const std::uint32_t crc = crc24(bytes.data(), 13);
    bytes[13] = static_cast<std::uint8_t>(crc >> 16);
    bytes[14] = static_cast<std::uint8_t>(crc >> 8);
    bytes[15] = static_cast<std::uint8_t>(crc);
    return bytes;
}

// 5×7 glyphs, one byte per row, bit 4 leftmost.
struct Glyph {
    char c;
    std::array<std::uint8_t, 7> rows;
};
constexpr std::array<Glyph, 44> kFont{{
    {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}},
    {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}},
    {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
    {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}},
    {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
    {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}},
    {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}},
    {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
    {'A', {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'B', {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}},
    {'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}},
    {'D', {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C}},
    {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}},
    {'F', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10}},
    {'G', {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}},
    {'H', {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'I', {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C}},
    {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}},
    {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}},
    {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}},
    {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
    {'O', {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'P', {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10}},
    {'Q', {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D}},
    {'R', {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}},
    {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}},
    {'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
    {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04}},
    {'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A}},
    {'X', {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11}},
    {'Y', {0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04}},
    {'Z', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F}},
    {':', {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00}},
    {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}},
    {'#', {0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A}},
    {'-', {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}},
    {'/', {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00}},
    {'=', {0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00}},
    {' ', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}},
    {'?', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04}},
}};

const Glyph& glyphFor(char c) {
    if (c >= 'a' && c <= 'z') {
        c = static_cast<char>(c - 'a' + 'A');
    }
    const auto it =
        std::find_if(kFont.begin(), kFont.end(), [c](const Glyph& g) { return g.c == c; });
    return it != kFont.end() ? *it : kFont.back();
}

// Fills a luma rectangle (clipped) and neutralises its chroma, so that no colour from the scene
// bleeds into a cell or a glyph.
void fill(I420Span f, int x, int y, int w, int h, std::uint8_t luma) {
    const int x0 = std::max(0, x);
    const int y0 = std::max(0, y);
    const int x1 = std::min(f.width, x + w);
    const int y1 = std::min(f.height, y + h);
    if (x0 >= x1 || y0 >= y1) {
        return;
    }
    for (int row = y0; row < y1; ++row) {
        std::fill_n(f.planes[0] + static_cast<std::ptrdiff_t>(row) * f.strides[0] + x0, x1 - x0,
                    luma);
    }
    for (int row = y0 / 2; row < (y1 + 1) / 2; ++row) {
        for (int p = 1; p < 3; ++p) {
            std::fill_n(f.planes[p] + static_cast<std::ptrdiff_t>(row) * f.strides[p] + x0 / 2,
                        (x1 + 1) / 2 - x0 / 2, std::uint8_t{128});
        }
    }
}

} // namespace

PixelRect frameCodeRect(int width, int height) {
    const int cell = cellSize(width, height);
    if (cell == 0) {
        return {};
    }
    return {cell, cell, kColumns * cell, kRows * cell};
}

PixelRect frameLabelRect(int width, int height) {
    const int cell = cellSize(width, height);
    if (cell == 0) {
        return {};
    }
    const int scale = labelScale(cell);
    const PixelRect code = frameCodeRect(width, height);
    const int w = std::min(width - 2 * cell, kLabelChars * 6 * scale + 2 * scale);
    return {cell, code.y + code.height + cell / 2, w, kLabelLines * 9 * scale};
}

boost::system::error_code writeFrameCode(I420Span frame, FrameStamp stamp) {
    const PixelRect code = frameCodeRect(frame.width, frame.height);
    if (code.empty() || frame.planes[0] == nullptr) {
        return make_error_code(VideoErrc::badFrame);
    }
    const int cell = code.width / kColumns;
    const auto bytes = encode(stamp);
    for (int bit = 0; bit < kBits; ++bit) {
        const bool one = ((bytes[static_cast<std::size_t>(bit / 8)] >> (7 - bit % 8)) & 1) != 0;
        fill(frame, code.x + (bit % kColumns) * cell, code.y + (bit / kColumns) * cell, cell, cell,
             one ? kWhite : kBlack);
    }
    return {};
}

std::optional<FrameStamp> readFrameCode(I420View frame) {
    const PixelRect code = frameCodeRect(frame.width, frame.height);
    if (code.empty() || frame.planes[0] == nullptr) {
        return std::nullopt;
    }
    const int cell = code.width / kColumns;
    // The centre half of each cell: its edges carry the codec's ringing.
    const int margin = cell / 4;
    std::array<std::uint8_t, kBits / 8> bytes{};
    for (int bit = 0; bit < kBits; ++bit) {
        const int x0 = code.x + (bit % kColumns) * cell + margin;
        const int y0 = code.y + (bit / kColumns) * cell + margin;
        int sum = 0;
        for (int y = y0; y < y0 + cell - 2 * margin; ++y) {
            const std::uint8_t* row =
                frame.planes[0] + static_cast<std::ptrdiff_t>(y) * frame.strides[0];
            for (int x = x0; x < x0 + cell - 2 * margin; ++x) {
                sum += row[x];
            }
        }
        const int count = (cell - 2 * margin) * (cell - 2 * margin);
        if (sum > kThreshold * count) {
            bytes[static_cast<std::size_t>(bit / 8)] |=
                static_cast<std::uint8_t>(1u << (7 - bit % 8));
        }
    }
    const std::uint32_t crc = (std::uint32_t{bytes[13]} << 16) | (std::uint32_t{bytes[14]} << 8) |
                              std::uint32_t{bytes[15]};
    if (bytes[0] != kMagic || crc != crc24(bytes.data(), 13)) {
        return std::nullopt;
    }
    FrameStamp stamp;
    for (int i = 0; i < 4; ++i) {
        stamp.counter = (stamp.counter << 8) | bytes[static_cast<std::size_t>(1 + i)];
    }
    for (int i = 0; i < 8; ++i) {
        stamp.captureUs = (stamp.captureUs << 8) | bytes[static_cast<std::size_t>(5 + i)];
    }
    return stamp;
}

std::string frameLabel(std::string_view prefix, FrameStamp stamp) {
    const std::uint64_t ms = stamp.captureUs / 1000;
    char text[64];
    std::snprintf(text, sizeof text, " #%06u\n%02llu:%02u:%02u.%03u", stamp.counter,
                  static_cast<unsigned long long>(ms / 3'600'000),
                  static_cast<unsigned>(ms / 60'000 % 60), static_cast<unsigned>(ms / 1000 % 60),
                  static_cast<unsigned>(ms % 1000));
    return std::string(prefix) + text;
}

void drawText(I420Span frame, int x, int y, int scale, std::string_view text) {
    if (frame.planes[0] == nullptr || scale <= 0) {
        return;
    }
    const int advance = 6 * scale;
    const int lineHeight = 9 * scale;
    for (int line = 0; !text.empty(); ++line) {
        const std::size_t end = std::min(text.find('\n'), text.size());
        const std::string_view chars = text.substr(0, end);
        text.remove_prefix(std::min(text.size(), end + 1));
        const int top = y + line * lineHeight;
        // One font pixel of black around the text keeps it readable on any scene.
        fill(frame, x, top, static_cast<int>(chars.size()) * advance + 2 * scale, lineHeight,
             kBlack);
        for (std::size_t i = 0; i < chars.size(); ++i) {
            const Glyph& glyph = glyphFor(chars[i]);
            const int gx = x + scale + static_cast<int>(i) * advance;
            for (int row = 0; row < 7; ++row) {
                for (int col = 0; col < 5; ++col) {
                    if (((glyph.rows[static_cast<std::size_t>(row)] >> (4 - col)) & 1) != 0) {
                        fill(frame, gx + col * scale, top + scale + row * scale, scale, scale,
                             kWhite);
                    }
                }
            }
        }
    }
}

boost::system::error_code stampFrame(I420Span frame, FrameStamp stamp, std::string_view prefix) {
    if (const auto ec = writeFrameCode(frame, stamp)) {
        return ec;
    }
    const PixelRect label = frameLabelRect(frame.width, frame.height);
    const int scale = label.height / (kLabelLines * 9);
    const auto fits =
        static_cast<std::size_t>(std::max(0, (label.width - 2 * scale) / (6 * scale)));
    // Each line cut to the label's width, so that the label never leaves its rectangle.
    const std::string full = frameLabel(prefix, stamp);
    std::string_view rest = full;
    std::string text;
    for (int line = 0; line < kLabelLines && !rest.empty(); ++line) {
        const std::size_t end = std::min(rest.find('\n'), rest.size());
        text += std::string(rest.substr(0, std::min(end, fits))) + '\n';
        rest.remove_prefix(std::min(rest.size(), end + 1));
    }
    drawText(frame, label.x, label.y, scale, text);
    return {};
}

} // namespace tc::media

#pragma once
// The frame stamp: a frame counter and the capture time burnt into a frame's pixels, so that
// what the console shows can be traced back to the frame the cabin captured, through any codec,
// any loss and any independent decoder.
//
// Machine-readable code: 128 cells of 16×16 luma pixels (8×8 below 640×360), black (Y 16) or
// white (Y 235), 16 columns by 8 rows in the top-left corner, one cell from each edge. Cells sit
// on the codecs' 16×16 macroblock grid, so a lossy encoder keeps each cell's mean even at low
// bit rates; a reader averages each cell's centre and thresholds at mid-grey. The 128 bits are:
// a magic byte 0xB5, the counter (32 bits, big-endian), the capture time in microseconds
// (64 bits), and a CRC-24 (OpenPGP) over those 13 bytes, so that a misread cell is detected
// rather than returning a wrong counter.
//
// Human-readable label: the same counter and time as text, two lines of at most 16 characters
// (5×7 glyphs scaled ×3 at 720p, white on black) under the code, for a person looking at a
// screenshot. Code and label stay within 310×210 pixels of the corner, outside the round field
// of view of the otoscope and dermatoscope sources at 16:9.

#include "tc/media/video_frame.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace tc::media {

struct FrameStamp {
    std::uint32_t counter = 0;
    std::uint64_t captureUs = 0; // steady (session) clock
    friend bool operator==(const FrameStamp&, const FrameStamp&) = default;
};

struct PixelRect {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
    bool empty() const noexcept { return width <= 0 || height <= 0; }
    bool contains(int px, int py) const noexcept {
        return px >= x && py >= y && px < x + width && py < y + height;
    }
};

// Where the code and the label go in a frame of this size; empty when the frame is too small
// (under 144×112).
PixelRect frameCodeRect(int width, int height);
PixelRect frameLabelRect(int width, int height);

// Writes the code cells (badFrame when the frame is too small for them).
boost::system::error_code writeFrameCode(I420Span frame, FrameStamp stamp);
// The stamp, or nothing when the cells do not carry a valid code (no magic, bad CRC, too small).
std::optional<FrameStamp> readFrameCode(I420View frame);

// "ROOM #000123\n00:01:23.456": the label's two lines (a line break between them).
std::string frameLabel(std::string_view prefix, FrameStamp stamp);
// Text in the built-in 5×7 font, white on a black box, top-left at (x, y), each font pixel
// `scale`×`scale` frame pixels, '\n' starting a new line; clipped to the frame. Letters, digits and
// " #:.-/=" (lower case is drawn as upper case, anything else as '?').
void drawText(I420Span frame, int x, int y, int scale, std::string_view text);
// Code and label together, as the sources stamp each frame.
boost::system::error_code stampFrame(I420Span frame, FrameStamp stamp, std::string_view prefix);

} // namespace tc::media

#include "tc/media/video_snapshot.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <zlib.h>

namespace tc::media {
namespace {

constexpr std::array<std::uint8_t, 8> kSignature{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
constexpr std::uintmax_t kMaxReadBytes = 256u << 20;

void putU32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(v >> shift));
    }
}

std::uint32_t getU32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

void putChunk(std::vector<std::uint8_t>& out, const char (&type)[5],
              const std::vector<std::uint8_t>& data) {
    putU32(out, static_cast<std::uint32_t>(data.size()));
    const auto start = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    const auto crc = crc32(0L, out.data() + start, static_cast<uInt>(out.size() - start));
    putU32(out, static_cast<std::uint32_t>(crc));
}

// PNG text is Latin-1 without control characters; keywords 1-79 characters.
std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        out += (u >= 0x20 && u != 0x7F) ? c : '?';
    }
    return out;
}

void putText(std::vector<std::uint8_t>& out, std::string_view keyword, std::string_view text) {
    std::vector<std::uint8_t> data(keyword.begin(), keyword.end());
    data.push_back(0);
    const std::string value = printable(text);
    data.insert(data.end(), value.begin(), value.end());
    putChunk(out, "tEXt", data);
}

std::uint8_t clampByte(int v) {
    return static_cast<std::uint8_t>(std::clamp(v, 0, 255));
}

// One row of BT.709 limited-range YUV as RGB, in 16.16 fixed point.
void rgbRow(I420View f, int y, std::uint8_t* out) {
    const std::uint8_t* luma = f.planes[0] + static_cast<std::ptrdiff_t>(y) * f.strides[0];
    const std::uint8_t* u = f.planes[1] + static_cast<std::ptrdiff_t>(y / 2) * f.strides[1];
    const std::uint8_t* v = f.planes[2] + static_cast<std::ptrdiff_t>(y / 2) * f.strides[2];
    for (int x = 0; x < f.width; ++x) {
        const int c = 76309 * (luma[x] - 16);
        const int d = u[x / 2] - 128;
        const int e = v[x / 2] - 128;
        out[3 * x] = clampByte((c + 117489 * e + 32768) >> 16);
        out[3 * x + 1] = clampByte((c - 13975 * d - 34925 * e + 32768) >> 16);
        out[3 * x + 2] = clampByte((c + 138438 * d + 32768) >> 16);
    }
}

// The image data: each row with the Sub filter (good on camera pictures), deflated.
bool imageData(I420View f, std::vector<std::uint8_t>& compressed) {
    z_stream z{};
    if (deflateInit(&z, 6) != Z_OK) {
        return false;
    }
    const auto rowBytes = static_cast<std::size_t>(f.width) * 3;
    std::vector<std::uint8_t> rgb(rowBytes);
    std::vector<std::uint8_t> filtered(rowBytes + 1);
    std::vector<std::uint8_t> chunk(1 << 16);
    bool ok = true;
    for (int y = 0; y < f.height && ok; ++y) {
        rgbRow(f, y, rgb.data());
        filtered[0] = 1; // Sub
        for (std::size_t i = 0; i < rowBytes; ++i) {
            filtered[i + 1] = static_cast<std::uint8_t>(rgb[i] - (i >= 3 ? rgb[i - 3] : 0));
        }
        z.next_in = filtered.data();
        z.avail_in = static_cast<uInt>(filtered.size());
        const int flush = y + 1 == f.height ? Z_FINISH : Z_NO_FLUSH;
        int status = Z_OK;
        do {
            z.next_out = chunk.data();
            z.avail_out = static_cast<uInt>(chunk.size());
            status = deflate(&z, flush);
            compressed.insert(compressed.end(), chunk.data(),
                              chunk.data() + (chunk.size() - z.avail_out));
        } while (z.avail_out == 0 || (flush == Z_FINISH && status == Z_OK));
        ok = status != Z_STREAM_ERROR && (flush != Z_FINISH || status == Z_STREAM_END);
    }
    deflateEnd(&z);
    return ok;
}

} // namespace

std::string rfc1123(std::chrono::system_clock::time_point time) {
    const std::time_t t = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
    gmtime_r(&t, &utc);
    static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed",
                                                     "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                  days[static_cast<std::size_t>(utc.tm_wday)], utc.tm_mday,
                  months[static_cast<std::size_t>(utc.tm_mon)], utc.tm_year + 1900, utc.tm_hour,
                  utc.tm_min, utc.tm_sec);
    return text;
}

boost::system::error_code writeSnapshotPng(const VideoFrame& frame,
                                           const std::filesystem::path& path,
                                           const SnapshotInfo& info) {
    if (frame.empty() || frame.width() <= 0 || frame.height() <= 0) {
        return make_error_code(VideoErrc::badFrame);
    }
    std::vector<std::uint8_t> png(kSignature.begin(), kSignature.end());
    std::vector<std::uint8_t> header;
    putU32(header, static_cast<std::uint32_t>(frame.width()));
    putU32(header, static_cast<std::uint32_t>(frame.height()));
    header.insert(header.end(), {8, 2, 0, 0, 0}); // 8-bit RGB, deflate, no interlace
    putChunk(png, "IHDR", header);
    putText(png, "Creation Time", rfc1123(info.wallTime));
    putText(png, "Software", "telecabine");
    putText(png, "telecabine:capture-us", std::to_string(info.captureUs));
    if (info.frameCounter) {
        putText(png, "telecabine:frame", std::to_string(*info.frameCounter));
    }
    if (!info.source.empty()) {
        putText(png, "telecabine:source", info.source);
    }
    std::vector<std::uint8_t> data;
    if (!imageData(frame.view(), data)) {
        return make_error_code(VideoErrc::writeFailed);
    }
    putChunk(png, "IDAT", data);
    putChunk(png, "IEND", {});

    const std::filesystem::path temporary = path.string() + ".part";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(png.data()),
                  static_cast<std::streamsize>(png.size()));
        out.flush();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(temporary, ignored);
            return make_error_code(VideoErrc::writeFailed);
        }
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        std::filesystem::remove(temporary, ec);
        return make_error_code(VideoErrc::writeFailed);
    }
    return {};
}

boost::system::result<std::vector<std::pair<std::string, std::string>>>
readPngText(const std::filesystem::path& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size > kMaxReadBytes) {
        return make_error_code(VideoErrc::openFailed);
    }
    std::ifstream in(path, std::ios::binary);
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
    if (bytes.size() < kSignature.size() ||
        !std::equal(kSignature.begin(), kSignature.end(), bytes.begin())) {
        return make_error_code(VideoErrc::openFailed);
    }
    std::vector<std::pair<std::string, std::string>> texts;
    for (std::size_t at = kSignature.size();;) {
        if (bytes.size() - at < 12) {
            return make_error_code(VideoErrc::openFailed); // no IEND
        }
        const std::uint32_t length = getU32(bytes.data() + at);
        if (length > bytes.size() - at - 12) {
            return make_error_code(VideoErrc::openFailed);
        }
        const std::uint8_t* type = bytes.data() + at + 4;
        const std::uint8_t* data = type + 4;
        const auto crc = crc32(0L, type, length + 4);
        if (static_cast<std::uint32_t>(crc) != getU32(data + length)) {
            return make_error_code(VideoErrc::openFailed);
        }
        if (std::memcmp(type, "tEXt", 4) == 0) {
            const auto* end = data + length;
            const auto* zero = std::find(data, end, std::uint8_t{0});
            if (zero == end || zero == data) {
                return make_error_code(VideoErrc::openFailed);
            }
            texts.emplace_back(std::string(data, zero), std::string(zero + 1, end));
        }
        if (std::memcmp(type, "IEND", 4) == 0) {
            return texts;
        }
        at += 12 + length;
    }
}

} // namespace tc::media

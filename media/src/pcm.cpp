#include "tc/media/pcm.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <numbers>
#include <string>

namespace tc::media {
namespace {

std::uint32_t le32(const std::string& b, std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24);
}

std::uint16_t le16(const std::string& b, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) |
                                      (static_cast<unsigned char>(b[at + 1]) << 8));
}

void put(std::string& out, std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) {
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
}

} // namespace

boost::system::result<PcmAudio> readWav(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return make_error_code(PcmErrc::unreadable);
    }
    const std::string b((std::istreambuf_iterator<char>(in)), {});
    if (b.size() < 12 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0) {
        return make_error_code(PcmErrc::notWav);
    }
    int channels = 0;
    int bits = 0;
    PcmAudio audio;
    bool haveFormat = false;
    for (std::size_t at = 12; at + 8 <= b.size();) {
        const std::string id = b.substr(at, 4);
        const std::size_t size = le32(b, at + 4);
        const std::size_t body = at + 8;
        if (id == "fmt ") {
            if (size < 16 || body + size > b.size()) {
                return make_error_code(PcmErrc::truncated);
            }
            std::uint16_t format = le16(b, body);
            channels = le16(b, body + 2);
            audio.sampleRate = static_cast<int>(le32(b, body + 4));
            bits = le16(b, body + 14);
            if (format == 0xFFFE && size >= 26) {
                format = le16(b, body + 24); // EXTENSIBLE: the sub-format GUID's first bytes
            }
            if (format != 1 || (bits != 16 && bits != 24) || channels < 1 ||
                audio.sampleRate < 8000 || audio.sampleRate > 192000) {
                return make_error_code(PcmErrc::unsupportedFormat);
            }
            haveFormat = true;
        } else if (id == "data") {
            if (!haveFormat) {
                return make_error_code(PcmErrc::unsupportedFormat);
            }
            const std::size_t frame = static_cast<std::size_t>(channels) * (bits / 8);
            const std::size_t available = std::min(size, b.size() - body);
            if (available < size && available % frame != 0) {
                return make_error_code(PcmErrc::truncated);
            }
            audio.samples.reserve(available / frame);
            for (std::size_t f = body; f + frame <= body + available; f += frame) {
                if (bits == 16) {
                    audio.samples.push_back(static_cast<std::int16_t>(le16(b, f)));
                } else {
                    const auto raw = static_cast<std::int32_t>(
                        (static_cast<std::uint32_t>(static_cast<unsigned char>(b[f])) << 8) |
                        (static_cast<std::uint32_t>(static_cast<unsigned char>(b[f + 1])) << 16) |
                        (static_cast<std::uint32_t>(static_cast<unsigned char>(b[f + 2])) << 24));
                    const auto rounded = (static_cast<std::int64_t>(raw) + (1 << 15)) >> 16;
                    audio.samples.push_back(static_cast<std::int16_t>(
                        std::clamp<std::int64_t>(rounded, -32768, 32767)));
                }
            }
            return audio;
        }
        at = body + size + (size & 1); // chunks are word-aligned
    }
    return make_error_code(haveFormat ? PcmErrc::truncated : PcmErrc::notWav);
}

boost::system::error_code writeWav(const std::filesystem::path& path, const PcmAudio& audio) {
    std::string out = "RIFF";
    const auto dataBytes = static_cast<std::uint32_t>(audio.samples.size() * 2);
    put(out, 36 + dataBytes, 4);
    out += "WAVEfmt ";
    put(out, 16, 4);
    put(out, 1, 2); // PCM
    put(out, 1, 2); // mono
    put(out, static_cast<std::uint32_t>(audio.sampleRate), 4);
    put(out, static_cast<std::uint32_t>(audio.sampleRate) * 2, 4);
    put(out, 2, 2);
    put(out, 16, 2);
    out += "data";
    put(out, dataBytes, 4);
    for (const auto s : audio.samples) {
        put(out, static_cast<std::uint16_t>(s), 2);
    }
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(out.data(), static_cast<std::streamsize>(out.size()));
    return file ? boost::system::error_code{} : make_error_code(PcmErrc::unwritable);
}

std::vector<std::int16_t> resample(std::span<const std::int16_t> in, int fromRate, int toRate) {
    if (fromRate == toRate || in.empty() || fromRate <= 0 || toRate <= 0) {
        return {in.begin(), in.end()};
    }
    constexpr int kTaps = 32;
    const double step = static_cast<double>(fromRate) / toRate;
    // Cut-off just below the lower of the two Nyquist frequencies, in input-sample units.
    const double cutoff = 0.95 * std::min(1.0, 1.0 / step);
    const auto outCount = static_cast<std::size_t>(static_cast<double>(in.size()) / step);
    std::vector<std::int16_t> out(outCount);
    for (std::size_t n = 0; n < outCount; ++n) {
        const double position = static_cast<double>(n) * step;
        const auto centre = static_cast<std::int64_t>(std::floor(position));
        double sum = 0;
        for (std::int64_t k = centre - kTaps + 1; k <= centre + kTaps; ++k) {
            if (k < 0 || k >= static_cast<std::int64_t>(in.size())) {
                continue;
            }
            const double x = position - static_cast<double>(k);
            const double sinc =
                x == 0 ? cutoff : std::sin(std::numbers::pi * cutoff * x) / (std::numbers::pi * x);
            const double w = (x + kTaps) / (2.0 * kTaps); // Blackman over [-kTaps, kTaps]
            const double window = 0.42 - 0.5 * std::cos(2 * std::numbers::pi * w) +
                                  0.08 * std::cos(4 * std::numbers::pi * w);
            sum += in[static_cast<std::size_t>(k)] * sinc * window;
        }
        out[n] = static_cast<std::int16_t>(std::clamp(std::lround(sum), -32768L, 32767L));
    }
    return out;
}

} // namespace tc::media

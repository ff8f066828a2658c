#include "tc/media/video_codec.hpp"

#include "tc/protocol/packets.hpp"

#include <algorithm>
#include <cctype>

namespace tc::media {
namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// RFC 7741 §4.2: the payload descriptor, then (S=1, PID=0) the VP8 payload header whose lowest
// bit is the inverse key-frame flag.
bool vp8Keyframe(std::span<const std::uint8_t> p) {
    if (p.empty()) {
        return false;
    }
    const bool extended = (p[0] & 0x80) != 0;
    const bool start = (p[0] & 0x10) != 0;
    const int partition = p[0] & 0x07;
    std::size_t at = 1;
    if (extended) {
        if (p.size() <= at) {
            return false;
        }
        const std::uint8_t x = p[at++];
        if ((x & 0x80) != 0) { // PictureID, 7 or 15 bits
            if (p.size() <= at) {
                return false;
            }
            at += (p[at] & 0x80) != 0 ? 2 : 1;
        }
        if ((x & 0x40) != 0) { // TL0PICIDX
            ++at;
        }
        if ((x & 0x30) != 0) { // TID / KEYIDX
            ++at;
        }
    }
    return start && partition == 0 && p.size() > at && (p[at] & 0x01) == 0;
}

bool h264KeyNal(std::uint8_t type) {
    return type == 5 || type == 7; // IDR slice, SPS
}

// RFC 6184 §5.6-5.8: a single NAL unit, a STAP-A, or the start of an FU-A.
bool h264Keyframe(std::span<const std::uint8_t> p) {
    if (p.empty()) {
        return false;
    }
    const std::uint8_t type = p[0] & 0x1F;
    if (type >= 1 && type <= 23) {
        return h264KeyNal(type);
    }
    if (type == 24) {
        for (std::size_t at = 1; at + 2 < p.size();) {
            const std::size_t size = (std::size_t{p[at]} << 8) | p[at + 1];
            if (size == 0 || at + 2 + size > p.size()) {
                return false;
            }
            if (h264KeyNal(p[at + 2] & 0x1F)) {
                return true;
            }
            at += 2 + size;
        }
        return false;
    }
    if (type == 28) {
        return p.size() > 1 && (p[1] & 0x80) != 0 && h264KeyNal(p[1] & 0x1F);
    }
    return false;
}

} // namespace

std::string_view encodingName(VideoCodec codec) noexcept {
    return codec == VideoCodec::vp8 ? "VP8" : "H264";
}

std::optional<VideoCodec> codecFromEncodingName(std::string_view name) noexcept {
    if (equalsIgnoringCase(name, "VP8")) {
        return VideoCodec::vp8;
    }
    if (equalsIgnoringCase(name, "H264")) {
        return VideoCodec::h264;
    }
    return std::nullopt;
}

bool rtpStartsKeyframe(std::span<const std::uint8_t> packet, VideoCodec codec) noexcept {
    const auto header = protocol::parseRtp(packet);
    if (!header) {
        return false;
    }
    const auto payload = packet.subspan(header->payloadOffset, header->payloadSize);
    return codec == VideoCodec::vp8 ? vp8Keyframe(payload) : h264Keyframe(payload);
}

} // namespace tc::media

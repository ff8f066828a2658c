#include "tc/media/video_negotiation.hpp"

#include "tc/protocol/sdp_transport.hpp"

namespace tc::media {

namespace {

struct OfferedVideo {
    std::string_view mid;
    bool twoWay;
    std::uint8_t vp8;
    std::uint8_t vp8Rtx;
    std::uint8_t h264;
    std::uint8_t h264Rtx;
};

// 96-99 and 102-103 are the stethoscope's, 111 the voice's.
constexpr OfferedVideo kSections[] = {
    {"video", true, 100, 101, 104, 105},
    {"otoscope", false, 106, 107, 108, 109},
    {"dermatoscope", false, 112, 113, 114, 115},
};

} // namespace

std::string videoOfferSections(VideoCodec preferred) {
    std::string sdp;
    for (const auto& s : kSections) {
        const bool vp8First = preferred == VideoCodec::vp8;
        const auto first = vp8First ? s.vp8 : s.h264;
        const auto firstRtx = vp8First ? s.vp8Rtx : s.h264Rtx;
        const auto second = vp8First ? s.h264 : s.vp8;
        const auto secondRtx = vp8First ? s.h264Rtx : s.vp8Rtx;
        sdp += "m=video 9 UDP/TLS/RTP/SAVPF " + std::to_string(first) + " " +
               std::to_string(firstRtx) + " " + std::to_string(second) + " " +
               std::to_string(secondRtx) + "\r\n";
        sdp += "c=IN IP4 0.0.0.0\r\n";
        sdp += "a=mid:" + std::string(s.mid) + "\r\n";
        sdp += s.twoWay ? "a=sendrecv\r\n" : "a=recvonly\r\n";
        sdp += "a=rtcp-mux\r\n";
        for (const auto& [pt, rtx, codec] : {std::tuple{s.vp8, s.vp8Rtx, VideoCodec::vp8},
                                             std::tuple{s.h264, s.h264Rtx, VideoCodec::h264}}) {
            const auto p = std::to_string(pt);
            sdp += "a=rtpmap:" + p + " " + std::string(encodingName(codec)) + "/90000\r\n";
            if (codec == VideoCodec::h264) {
                sdp += "a=fmtp:" + p +
                       " level-asymmetry-allowed=1;packetization-mode=1;"
                       "profile-level-id=42e01f\r\n";
            }
            sdp += "a=rtcp-fb:" + p + " nack\r\na=rtcp-fb:" + p + " nack pli\r\na=rtcp-fb:" + p +
                   " ccm fir\r\n";
            sdp += "a=rtpmap:" + std::to_string(rtx) +
                   " rtx/90000\r\na=fmtp:" + std::to_string(rtx) + " apt=" + p + "\r\n";
        }
    }
    return sdp;
}

std::vector<VideoStreamFormat> videoStreamsOf(std::string_view sdp) {
    std::vector<VideoStreamFormat> out;
    for (const auto& stream : protocol::rtpStreamsOf(sdp)) {
        const auto codec = codecFromEncodingName(stream.encoding);
        if (!codec || stream.clockRate != kVideoClockRate) {
            continue;
        }
        bool seen = false;
        for (const auto& f : out) {
            seen = seen || f.mid == stream.name;
        }
        if (seen) {
            continue; // the section's first format is the negotiated one
        }
        out.push_back({stream.name, *codec, stream.payloadType, stream.rtxPayloadType,
                       protocol::directionOf(sdp, stream.name) == "sendrecv"});
    }
    return out;
}

std::optional<std::uint8_t> chooseVideoPayload(std::string_view offer, std::string_view mid,
                                               std::optional<VideoCodec> preferred) {
    std::optional<std::uint8_t> first;
    for (const auto& stream : protocol::rtpStreamsOf(offer)) {
        const auto codec = codecFromEncodingName(stream.encoding);
        if (stream.name != mid || !codec || stream.clockRate != kVideoClockRate) {
            continue;
        }
        if (preferred && *preferred == *codec) {
            return stream.payloadType;
        }
        if (!first) {
            first = stream.payloadType;
        }
    }
    return first;
}

} // namespace tc::media

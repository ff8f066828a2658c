#include "tc/media/stethoscope_stream.hpp"

#include "rtp_audio.hpp"
#include "tc/protocol/packets.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <charconv>
#include <string>

namespace tc::media {

namespace {

// a=fmtp:PT key=value;... : the value of `key`, if the line and the key are there.
std::optional<std::string> fmtpParameter(std::string_view sdp, std::uint8_t payloadType,
                                         std::string_view key) {
    const std::string prefix = "a=fmtp:" + std::to_string(payloadType) + " ";
    const auto at = sdp.find(prefix);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    auto line = sdp.substr(at + prefix.size());
    line = line.substr(0, line.find_first_of("\r\n"));
    while (!line.empty()) {
        const auto end = line.find(';');
        auto item = line.substr(0, end);
        while (!item.empty() && item.front() == ' ') {
            item.remove_prefix(1);
        }
        if (item.size() > key.size() && item.substr(0, key.size()) == key &&
            item[key.size()] == '=') {
            return std::string(item.substr(key.size() + 1));
        }
        if (end == std::string_view::npos) {
            break;
        }
        line.remove_prefix(end + 1);
    }
    return std::nullopt;
}

} // namespace

std::optional<StethoscopeFormat> stethoscopeFormatOf(std::string_view sdp) {
    for (const auto& stream : protocol::rtpStreamsOf(sdp)) {
        if (stream.name != "steth") {
            continue;
        }
        StethoscopeFormat format;
        format.payloadType = stream.payloadType;
        format.siteExtensionId =
            protocol::extensionIdOf(sdp, "steth", kSiteExtensionUri).value_or(0);
        format.captureExtensionId =
            protocol::extensionIdOf(sdp, "steth", kCaptureTimeExtensionUri).value_or(0);
        if (stream.encoding == "L16" && (stream.clockRate == 48000 || stream.clockRate == 16000)) {
            format.sampleRate = static_cast<int>(stream.clockRate);
            return format;
        }
        if (stream.encoding == "opus" && stream.clockRate == 48000) {
            // Below the floor the stethoscope is no longer high-fidelity: not negotiated.
            const auto bitrate = fmtpParameter(sdp, stream.payloadType, "maxaveragebitrate");
            int value = kMinStethoscopeOpusBitrate;
            if (bitrate) {
                const auto* end = bitrate->data() + bitrate->size();
                if (std::from_chars(bitrate->data(), end, value).ptr != end) {
                    return std::nullopt;
                }
            }
            if (value < kMinStethoscopeOpusBitrate || value > 510000) {
                return std::nullopt;
            }
            format.encoding = AudioEncoding::opus;
            format.opusBitrate = value;
            return format;
        }
    }
    return std::nullopt;
}

namespace {
struct OfferedFormat {
    StethoscopeFormat format;
    std::uint8_t rtxPayloadType;
};
// Payload types of the stethoscope formats in the console's offers.
const OfferedFormat kOfferedFormats[] = {
    {{AudioEncoding::l16, 48000, 10, 96, 1, kMinStethoscopeOpusBitrate, 2}, 97},
    {{AudioEncoding::l16, 16000, 10, 98, 1, kMinStethoscopeOpusBitrate, 2}, 99},
    {{AudioEncoding::opus, 48000, 10, 102, 1, kMinStethoscopeOpusBitrate, 2}, 103},
};
} // namespace

std::string stethoscopeOfferSection(const StethoscopeFormat& preferred) {
    std::vector<OfferedFormat> order;
    for (const auto& f : kOfferedFormats) {
        const bool match = f.format.encoding == preferred.encoding &&
                           (f.format.encoding == AudioEncoding::opus ||
                            f.format.sampleRate == preferred.sampleRate);
        order.insert(match ? order.begin() : order.end(), f);
    }
    std::string m = "m=audio 9 UDP/TLS/RTP/SAVPF";
    for (const auto& f : order) {
        m += " " + std::to_string(f.format.payloadType) + " " + std::to_string(f.rtxPayloadType);
    }
    std::string sdp = m + "\r\nc=IN IP4 0.0.0.0\r\na=mid:steth\r\na=recvonly\r\na=rtcp-mux\r\n";
    for (const auto& f : order) {
        const auto pt = std::to_string(f.format.payloadType);
        const auto rtx = std::to_string(f.rtxPayloadType);
        if (f.format.encoding == AudioEncoding::opus) {
            // RFC 7587: always opus/48000/2. Constant bitrate, no DTX, no FEC: the stethoscope's
            // profile. stereo=1 says we can take stereo (we play it as mono): WebRTC's senders
            // run Opus in its audio mode only then; in its VoIP mode the encoder high-passes
            // around 60 Hz, where S1, S2 and S3 live.
            // The doctor's choice when Opus is preferred (a thin link); otherwise Opus is the
            // fallback of senders without L16 (browsers), whose link carries L16's 768 kbit/s
            // as well: they get room for a transparent stethoscope.
            const int bitrate = preferred.encoding == AudioEncoding::opus
                                    ? std::max(preferred.opusBitrate, kMinStethoscopeOpusBitrate)
                                    : kFallbackStethoscopeOpusBitrate;
            sdp += "a=rtpmap:" + pt + " opus/48000/2\r\n";
            sdp += "a=fmtp:" + pt + " minptime=10;maxaveragebitrate=" + std::to_string(bitrate) +
                   ";stereo=1;sprop-stereo=0;cbr=1;usedtx=0;useinbandfec=0\r\n";
        } else {
            sdp += "a=rtpmap:" + pt + " L16/" + std::to_string(f.format.sampleRate) + "/1\r\n";
        }
        sdp += "a=rtcp-fb:" + pt + " nack\r\n";
        sdp +=
            "a=rtpmap:" + rtx + " rtx/" +
            std::to_string(f.format.encoding == AudioEncoding::opus ? 48000 : f.format.sampleRate) +
            "\r\na=fmtp:" + rtx + " apt=" + pt + "\r\n";
    }
    // The operator's auscultation site travels with the samples (RFC 8285).
    sdp += "a=extmap:1 " + std::string(kSiteExtensionUri) + "\r\n";
    // And the session time of each packet's first sample, to align it with the ECG.
    sdp += "a=extmap:2 " + std::string(kCaptureTimeExtensionUri) + "\r\n";
    // 10 ms packets (RFC 4566 a=ptime and a=maxptime): the playout, the recording and the RTX
    // repair all advance by 10 ms frames, and WebRTC senders (whose Opus default is 20 ms)
    // follow these attributes.
    sdp += "a=ptime:10\r\na=maxptime:10\r\n";
    return sdp;
}

std::optional<std::uint8_t> chooseStethoscopePayload(std::string_view offer,
                                                     std::optional<AudioEncoding> preferred) {
    std::optional<std::uint8_t> first;
    for (const auto& stream : protocol::rtpStreamsOf(offer)) {
        if (stream.name != "steth") {
            continue;
        }
        const bool l16 =
            stream.encoding == "L16" && (stream.clockRate == 48000 || stream.clockRate == 16000);
        const bool opus = stream.encoding == "opus" && stream.clockRate == 48000;
        if (!l16 && !opus) {
            continue;
        }
        if (preferred && (*preferred == AudioEncoding::opus) == opus) {
            return stream.payloadType;
        }
        if (!first) {
            first = stream.payloadType;
        }
    }
    return first;
}

// ---- Cabin: source and packetiser ----------------------------------------------------------

boost::system::result<StethoscopeSource>
StethoscopeSource::fromWav(const std::filesystem::path& path, int sampleRate) {
    auto audio = readWav(path);
    if (!audio) {
        return audio.error();
    }
    if (audio->samples.empty()) {
        return make_error_code(PcmErrc::truncated);
    }
    StethoscopeSource source;
    source.m_recording = resample(audio->samples, audio->sampleRate, sampleRate);
    return source;
}

StethoscopeSource StethoscopeSource::synthetic(const AuscultationModel& model, int sampleRate) {
    StethoscopeSource source;
    source.m_synth.emplace(model, sampleRate);
    return source;
}

bool StethoscopeSource::followBeats(std::shared_ptr<BeatTrain> beats, double firstSampleTime,
                                    double electromechanicalDelay) {
    if (!m_synth) {
        return false;
    }
    m_synth->followBeats(std::move(beats), firstSampleTime, electromechanicalDelay);
    return true;
}

void StethoscopeSource::setSite(AuscultationSite site) noexcept {
    m_site = site;
    if (m_synth) {
        m_synth->setSite(site);
    }
}

void StethoscopeSource::render(std::span<std::int16_t> out) noexcept {
    if (m_synth) {
        m_synth->render(out);
        return;
    }
    for (auto& sample : out) {
        sample = m_recording[m_position];
        m_position = (m_position + 1) % m_recording.size();
    }
}

StethoscopePacketizer::StethoscopePacketizer(StethoscopeFormat format, std::uint32_t ssrc,
                                             std::uint16_t firstSequence,
                                             std::uint32_t firstTimestamp)
    : m_format(format)
    , m_ssrc(ssrc)
    , m_sequence(firstSequence)
    , m_timestamp(firstTimestamp)
    , m_firstTimestamp(firstTimestamp) {}

boost::system::result<StethoscopePacketizer>
StethoscopePacketizer::create(StethoscopeFormat format, std::uint32_t ssrc,
                              std::uint16_t firstSequence, std::uint32_t firstTimestamp) {
    StethoscopePacketizer packetizer(format, ssrc, firstSequence, firstTimestamp);
    if (format.encoding == AudioEncoding::opus) {
        auto encoder = OpusFrameEncoder::create(
            {format.sampleRate, format.frameSamples(), format.opusBitrate, false});
        if (!encoder) {
            return encoder.error();
        }
        packetizer.m_opus.emplace(std::move(*encoder));
    } else if (format.sampleRate != 48000 && format.sampleRate != 16000) {
        return make_error_code(CodecErrc::badParameters);
    }
    return packetizer;
}

boost::system::result<std::vector<std::uint8_t>>
StethoscopePacketizer::packetize(std::span<const std::int16_t> frame, AuscultationSite site) {
    if (static_cast<int>(frame.size()) != m_format.frameSamples()) {
        return make_error_code(CodecErrc::badParameters);
    }
    std::vector<std::uint8_t> encoded;
    if (m_opus) {
        auto opus = m_opus->encode(frame);
        if (!opus) {
            return opus.error();
        }
        encoded = std::move(*opus);
    }
    detail::RtpAudioHeader header{m_format.payloadType, m_first, m_sequence,
                                  m_timestamp,          m_ssrc,  {}};
    if (m_format.siteExtensionId != 0) {
        header.extensions.push_back({m_format.siteExtensionId, {static_cast<std::uint8_t>(site)}});
    }
    if (m_format.captureExtensionId != 0 && m_captureOrigin) {
        const auto elapsed = static_cast<std::int64_t>(m_timestamp - m_firstTimestamp);
        const auto at =
            encodeCaptureTime(*m_captureOrigin + elapsed * 1'000'000 / m_format.sampleRate);
        header.extensions.push_back({m_format.captureExtensionId, {at.begin(), at.end()}});
    }
    auto packet = detail::rtpAudioPacket(header, m_opus ? encoded.size() : 2 * frame.size());
    if (m_opus) {
        packet.insert(packet.end(), encoded.begin(), encoded.end());
    } else {
        for (const auto sample : frame) {
            const auto bits = static_cast<std::uint16_t>(sample);
            packet.push_back(static_cast<std::uint8_t>(bits >> 8)); // network byte order
            packet.push_back(static_cast<std::uint8_t>(bits));
        }
    }
    m_first = false;
    ++m_sequence;
    m_timestamp += static_cast<std::uint32_t>(frame.size());
    return packet;
}

// ---- Console: depacketiser and assembly ------------------------------------------------------

std::optional<StethoscopeFrame> depacketizeStethoscope(std::span<const std::uint8_t> packet,
                                                       const StethoscopeFormat& format) {
    const auto header = protocol::parseRtp(packet);
    if (!header || header->payloadType != format.payloadType) {
        return std::nullopt;
    }
    const auto payload = packet.subspan(header->payloadOffset, header->payloadSize);
    StethoscopeFrame frame;
    if (format.encoding == AudioEncoding::opus) {
        // One frame per packet, of the negotiated duration: the playout and the recording
        // advance by frames.
        if (opusPacketSamples(payload, format.sampleRate) != format.frameSamples()) {
            return std::nullopt;
        }
        frame.encoded.assign(payload.begin(), payload.end());
        frame.duration = static_cast<std::uint32_t>(format.frameSamples());
    } else if (header->payloadSize % 2 != 0) {
        return std::nullopt;
    }
    frame.timestamp = header->timestamp;
    frame.sequence = header->sequence;
    if (format.siteExtensionId != 0) {
        if (const auto value = protocol::rtpExtension(packet, *header, format.siteExtensionId);
            value && value->size() == 1) {
            frame.site = siteFromWire((*value)[0]);
        }
    }
    if (format.captureExtensionId != 0) {
        if (const auto value = protocol::rtpExtension(packet, *header, format.captureExtensionId)) {
            frame.captureUs = decodeCaptureTime(*value);
        }
    }
    if (format.encoding == AudioEncoding::l16) {
        frame.samples.resize(payload.size() / 2);
        for (std::size_t i = 0; i < frame.samples.size(); ++i) {
            frame.samples[i] = static_cast<std::int16_t>(
                static_cast<std::uint16_t>((payload[2 * i] << 8) | payload[2 * i + 1]));
        }
        frame.duration = static_cast<std::uint32_t>(frame.samples.size());
    }
    return frame;
}

FrameAssembler::FrameAssembler(int frameSamples, std::chrono::milliseconds deadline)
    : m_frameSamples(frameSamples)
    , m_deadline(deadline) {}

void FrameAssembler::push(StethoscopeFrame frame, Clock::time_point now) {
    const std::int64_t ext =
        m_next ? m_highest + static_cast<std::int32_t>(frame.timestamp -
                                                       static_cast<std::uint32_t>(m_highest))
               : static_cast<std::int64_t>(frame.timestamp);
    if ((m_next && ext < *m_next) || m_pending.contains(ext)) {
        ++m_duplicates;
        return;
    }
    if (!m_next) {
        m_next = ext;
    }
    m_highest = std::max(m_highest, ext);
    m_pending.emplace(ext, std::make_pair(std::move(frame), now));
}

std::vector<FrameAssembler::Ready> FrameAssembler::take(Clock::time_point now) {
    return drain(now, false);
}

std::vector<FrameAssembler::Ready> FrameAssembler::flush() {
    return drain(Clock::now(), true);
}

std::vector<FrameAssembler::Ready> FrameAssembler::drain(Clock::time_point now, bool force) {
    std::vector<Ready> out;
    while (!m_pending.empty()) {
        auto it = m_pending.begin();
        if (it->first == *m_next) {
            *m_next += static_cast<std::int64_t>(it->second.first.duration);
            out.push_back({std::move(it->second.first), false});
            m_pending.erase(it);
            continue;
        }
        // A frame is missing before `it`: wait for its retransmission until the deadline,
        // counted from when the frame after the hole arrived.
        if (!force && now - it->second.second < m_deadline) {
            break;
        }
        const auto missing =
            static_cast<std::size_t>(std::min<std::int64_t>(it->first - *m_next, m_frameSamples));
        StethoscopeFrame silence;
        silence.timestamp = static_cast<std::uint32_t>(*m_next);
        silence.samples.assign(missing, 0);
        silence.duration = static_cast<std::uint32_t>(missing);
        *m_next += static_cast<std::int64_t>(missing);
        ++m_gaps;
        out.push_back({std::move(silence), true});
    }
    return out;
}

} // namespace tc::media

#include "tc/media/stethoscope_stream.hpp"

#include "tc/protocol/packets.hpp"
#include "tc/protocol/sdp_transport.hpp"

namespace tc::media {

std::optional<StethoscopeFormat> stethoscopeFormatOf(std::string_view sdp) {
    for (const auto& stream : protocol::rtpStreamsOf(sdp)) {
        if (stream.name == "steth" && stream.encoding == "L16" &&
            (stream.clockRate == 48000 || stream.clockRate == 16000)) {
            StethoscopeFormat format;
            format.sampleRate = static_cast<int>(stream.clockRate);
            format.payloadType = stream.payloadType;
            format.siteExtensionId =
                protocol::extensionIdOf(sdp, "steth", kSiteExtensionUri).value_or(0);
            return format;
        }
    }
    return std::nullopt;
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

L16Packetizer::L16Packetizer(StethoscopeFormat format, std::uint32_t ssrc,
                             std::uint16_t firstSequence, std::uint32_t firstTimestamp)
    : m_format(format)
    , m_ssrc(ssrc)
    , m_sequence(firstSequence)
    , m_timestamp(firstTimestamp) {}

std::vector<std::uint8_t> L16Packetizer::packetize(std::span<const std::int16_t> frame,
                                                   AuscultationSite site) {
    std::vector<std::uint8_t> packet;
    packet.reserve(12 + 8 + 2 * frame.size());
    packet.push_back(0x80);
    // The marker flags the first packet of a talkspurt (RFC 3551 §4.1): here, of the stream.
    packet.push_back(static_cast<std::uint8_t>((m_first ? 0x80 : 0) | m_format.payloadType));
    packet.push_back(static_cast<std::uint8_t>(m_sequence >> 8));
    packet.push_back(static_cast<std::uint8_t>(m_sequence));
    for (const auto value : {m_timestamp, m_ssrc}) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            packet.push_back(static_cast<std::uint8_t>(value >> shift));
        }
    }
    if (m_format.siteExtensionId != 0) {
        protocol::addRtpExtensions(packet,
                                   {{m_format.siteExtensionId, {static_cast<std::uint8_t>(site)}}});
    }
    for (const auto sample : frame) {
        const auto bits = static_cast<std::uint16_t>(sample);
        packet.push_back(static_cast<std::uint8_t>(bits >> 8)); // network byte order
        packet.push_back(static_cast<std::uint8_t>(bits));
    }
    m_first = false;
    ++m_sequence;
    m_timestamp += static_cast<std::uint32_t>(frame.size());
    return packet;
}

// ---- Console: depacketiser and assembly ------------------------------------------------------

std::optional<L16Frame> depacketizeL16(std::span<const std::uint8_t> packet,
                                       const StethoscopeFormat& format) {
    const auto header = protocol::parseRtp(packet);
    if (!header || header->payloadType != format.payloadType || header->payloadSize % 2 != 0) {
        return std::nullopt;
    }
    L16Frame frame;
    frame.timestamp = header->timestamp;
    frame.sequence = header->sequence;
    if (format.siteExtensionId != 0) {
        if (const auto value = protocol::rtpExtension(packet, *header, format.siteExtensionId);
            value && value->size() == 1) {
            frame.site = siteFromWire((*value)[0]);
        }
    }
    frame.samples.resize(header->payloadSize / 2);
    const auto* payload = packet.data() + header->payloadOffset;
    for (std::size_t i = 0; i < frame.samples.size(); ++i) {
        frame.samples[i] = static_cast<std::int16_t>(
            static_cast<std::uint16_t>((payload[2 * i] << 8) | payload[2 * i + 1]));
    }
    return frame;
}

FrameAssembler::FrameAssembler(int frameSamples, std::chrono::milliseconds deadline)
    : m_frameSamples(frameSamples)
    , m_deadline(deadline) {}

void FrameAssembler::push(L16Frame frame, Clock::time_point now) {
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
            *m_next += static_cast<std::int64_t>(it->second.first.samples.size());
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
        L16Frame silence;
        silence.timestamp = static_cast<std::uint32_t>(*m_next);
        silence.samples.assign(missing, 0);
        *m_next += static_cast<std::int64_t>(missing);
        ++m_gaps;
        out.push_back({std::move(silence), true});
    }
    return out;
}

} // namespace tc::media

#include "tc/media/waveform_stream.hpp"

#include "rtp_audio.hpp"
#include "tc/media/session_clock.hpp"
#include "tc/protocol/packets.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <algorithm>
#include <boost/system/errc.hpp>

namespace tc::media {
namespace {

constexpr std::size_t kMaxChannels = 8;
constexpr std::size_t kMaxLatencies = 100'000;

bool validChannel(std::uint8_t id) {
    return id == 1 || id == 2 || id == 3 || id == 16;
}

} // namespace

std::string_view toString(WaveformChannel channel) noexcept {
    switch (channel) {
    case WaveformChannel::ecgI:
        return "ecg_i";
    case WaveformChannel::ecgII:
        return "ecg_ii";
    case WaveformChannel::ecgIII:
        return "ecg_iii";
    case WaveformChannel::pleth:
        return "pleth";
    }
    return "unknown";
}

std::string_view unitOf(WaveformChannel channel) noexcept {
    return channel == WaveformChannel::pleth ? "10*-3" : "uV";
}

std::string vitalsOfferSection() {
    const auto pt = std::to_string(kVitalsPayloadType);
    const auto rtx = std::to_string(kVitalsRtxPayloadType);
    const auto clock = std::to_string(kWaveformClockRate);
    std::string sdp = "m=application 9 UDP/TLS/RTP/SAVPF " + pt + " " + rtx + "\r\n";
    sdp += "c=IN IP4 0.0.0.0\r\na=mid:" + std::string(kVitalsMid) + "\r\na=recvonly\r\n";
    sdp += "a=rtcp-mux\r\n";
    sdp += "a=rtpmap:" + pt + " " + std::string(kWaveformEncoding) + "/" + clock + "\r\n";
    sdp += "a=rtcp-fb:" + pt + " nack\r\n";
    sdp += "a=rtpmap:" + rtx + " rtx/" + clock + "\r\na=fmtp:" + rtx + " apt=" + pt + "\r\n";
    // The same id as in the stethoscope's section: in one BUNDLE an id names one extension
    // (RFC 8843 9.2).
    sdp += "a=extmap:2 " + std::string(kCaptureTimeExtensionUri) + "\r\n";
    return sdp;
}

std::optional<WaveformFormat> waveformFormatOf(std::string_view sdp) {
    for (const auto& stream : protocol::rtpStreamsOf(sdp)) {
        if (stream.name == kVitalsMid && stream.encoding == kWaveformEncoding &&
            stream.clockRate == kWaveformClockRate) {
            WaveformFormat format;
            format.payloadType = stream.payloadType;
            format.captureExtensionId =
                protocol::extensionIdOf(sdp, kVitalsMid, kCaptureTimeExtensionUri).value_or(0);
            return format;
        }
    }
    return std::nullopt;
}

std::optional<std::uint8_t> chooseWaveformPayload(std::string_view offer) {
    if (const auto format = waveformFormatOf(offer)) {
        return format->payloadType;
    }
    return std::nullopt;
}

std::int64_t WaveformBlock::ticks() const noexcept {
    if (channels.empty()) {
        return 0;
    }
    const auto& c = channels.front();
    return static_cast<std::int64_t>(c.samples.size()) * c.ticksPerSample;
}

WaveformPacketizer::WaveformPacketizer(WaveformFormat format, std::uint32_t ssrc,
                                       std::uint16_t firstSequence)
    : m_format(format)
    , m_ssrc(ssrc)
    , m_sequence(firstSequence) {}

boost::system::result<std::vector<std::uint8_t>>
WaveformPacketizer::packetize(const WaveformBlock& block) {
    const auto invalid =
        boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
    if (block.channels.empty() || block.channels.size() > kMaxChannels) {
        return invalid;
    }
    const auto span = block.ticks();
    std::size_t payloadSize = 2 + 4 * block.channels.size();
    for (const auto& c : block.channels) {
        if (c.ticksPerSample < 1 || c.ticksPerSample > 250 ||
            kWaveformClockRate % static_cast<std::uint32_t>(c.ticksPerSample) != 0 ||
            c.samples.empty() || c.samples.size() > 255 ||
            static_cast<std::int64_t>(c.samples.size()) * c.ticksPerSample != span ||
            !validChannel(static_cast<std::uint8_t>(c.channel))) {
            return invalid;
        }
        payloadSize += 2 * c.samples.size();
    }
    detail::RtpAudioHeader header{m_format.payloadType,
                                  m_first,
                                  m_sequence,
                                  static_cast<std::uint32_t>(block.firstTick),
                                  m_ssrc,
                                  {}};
    if (m_format.captureExtensionId != 0 && block.captureUs) {
        const auto at = encodeCaptureTime(*block.captureUs);
        header.extensions.push_back({m_format.captureExtensionId, {at.begin(), at.end()}});
    }
    auto packet = detail::rtpAudioPacket(header, payloadSize);
    packet.push_back(1);
    packet.push_back(static_cast<std::uint8_t>(block.channels.size()));
    for (const auto& c : block.channels) {
        packet.push_back(static_cast<std::uint8_t>(c.channel));
        packet.push_back(static_cast<std::uint8_t>(c.samples.size()));
        packet.push_back(static_cast<std::uint8_t>(c.ticksPerSample));
        packet.push_back(0);
    }
    for (const auto& c : block.channels) {
        for (const auto sample : c.samples) {
            const auto bits = static_cast<std::uint16_t>(sample);
            packet.push_back(static_cast<std::uint8_t>(bits >> 8));
            packet.push_back(static_cast<std::uint8_t>(bits));
        }
    }
    m_first = false;
    ++m_sequence;
    return packet;
}

std::optional<WaveformBlock> depacketizeWaveform(std::span<const std::uint8_t> packet,
                                                 const WaveformFormat& format) {
    const auto header = protocol::parseRtp(packet);
    if (!header || header->payloadType != format.payloadType) {
        return std::nullopt;
    }
    const auto payload = packet.subspan(header->payloadOffset, header->payloadSize);
    if (payload.size() < 2 || payload[0] != 1 || payload[1] == 0 || payload[1] > kMaxChannels) {
        return std::nullopt;
    }
    const std::size_t count = payload[1];
    if (payload.size() < 2 + 4 * count) {
        return std::nullopt;
    }
    WaveformBlock block;
    block.firstTick = header->timestamp;
    std::size_t offset = 2 + 4 * count;
    std::optional<std::int64_t> span;
    for (std::size_t i = 0; i < count; ++i) {
        const auto* d = &payload[2 + 4 * i];
        const std::size_t samples = d[1];
        const int ticks = d[2];
        if (!validChannel(d[0]) || samples == 0 || ticks == 0 || ticks > 250 ||
            kWaveformClockRate % static_cast<std::uint32_t>(ticks) != 0 ||
            payload.size() < offset + 2 * samples) {
            return std::nullopt;
        }
        const auto channelSpan = static_cast<std::int64_t>(samples) * ticks;
        if (span && *span != channelSpan) {
            return std::nullopt;
        }
        span = channelSpan;
        ChannelSamples c{static_cast<WaveformChannel>(d[0]), ticks, {}};
        c.samples.resize(samples);
        for (std::size_t s = 0; s < samples; ++s) {
            c.samples[s] = static_cast<std::int16_t>(static_cast<std::uint16_t>(
                (payload[offset + 2 * s] << 8) | payload[offset + 2 * s + 1]));
        }
        offset += 2 * samples;
        block.channels.push_back(std::move(c));
    }
    if (offset != payload.size()) {
        return std::nullopt; // trailing bytes: not our format
    }
    if (format.captureExtensionId != 0) {
        if (const auto value = protocol::rtpExtension(packet, *header, format.captureExtensionId)) {
            block.captureUs = decodeCaptureTime(*value);
        }
    }
    return block;
}

// ---- Cabin: the source --------------------------------------------------------------------

WaveformSource::WaveformSource(std::shared_ptr<BeatTrain> beats, EcgSettings ecg,
                               PlethSettings pleth, std::int64_t originUs, int packetMs)
    : m_ecg(beats, ecg)
    , m_pleth(beats, pleth)
    , m_origin(originUs)
    , m_packetMs(std::clamp(packetMs, 10, 100) / 10 * 10) {}

WaveformBlock WaveformSource::next() {
    WaveformBlock block;
    block.firstTick = m_tick;
    block.captureUs = m_origin + m_tick * 1000;
    const auto& ecg = m_ecg.settings();
    const int ecgTicks = static_cast<int>(kWaveformClockRate) / ecg.sampleRate;
    std::vector<EcgSample> leads(static_cast<std::size_t>(m_packetMs / ecgTicks));
    m_ecg.render(leads);
    const auto lead = [&](WaveformChannel channel, auto member) {
        ChannelSamples c{channel, ecgTicks, {}};
        for (const auto& s : leads) {
            c.samples.push_back(s.*member);
        }
        block.channels.push_back(std::move(c));
    };
    if (ecg.leads == EcgLeads::three) {
        lead(WaveformChannel::ecgI, &EcgSample::leadI);
    }
    lead(WaveformChannel::ecgII, &EcgSample::leadII);
    if (ecg.leads == EcgLeads::three) {
        lead(WaveformChannel::ecgIII, &EcgSample::leadIII);
    }
    const int plethTicks = static_cast<int>(kWaveformClockRate) / m_pleth.settings().sampleRate;
    ChannelSamples pleth{WaveformChannel::pleth, plethTicks, {}};
    pleth.samples.resize(static_cast<std::size_t>(m_packetMs / plethTicks));
    m_pleth.render(pleth.samples);
    block.channels.push_back(std::move(pleth));
    m_tick += m_packetMs;
    return block;
}

// ---- Console: assembly and the receiver ----------------------------------------------------

WaveformAssembler::WaveformAssembler(std::chrono::milliseconds deadline)
    : m_deadline(deadline) {}

void WaveformAssembler::push(WaveformBlock block, Clock::time_point now) {
    const auto tick = block.firstTick;
    if ((m_next && tick < *m_next) || m_pending.contains(tick) || block.ticks() <= 0) {
        ++m_duplicates;
        return;
    }
    if (!m_next) {
        m_next = tick;
    }
    m_highest = std::max(m_highest, tick);
    m_pending.emplace(tick, std::make_pair(std::move(block), now));
}

std::vector<WaveformSpan> WaveformAssembler::take(Clock::time_point now) {
    return drain(now, false);
}

std::vector<WaveformSpan> WaveformAssembler::flush() {
    return drain(Clock::now(), true);
}

std::vector<WaveformSpan> WaveformAssembler::drain(Clock::time_point now, bool force) {
    std::vector<WaveformSpan> out;
    while (!m_pending.empty()) {
        auto it = m_pending.begin();
        auto& block = it->second.first;
        if (it->first < *m_next) {
            // Overlaps what was delivered (a sender that restarted its ticks): dropped.
            ++m_duplicates;
            m_pending.erase(it);
            continue;
        }
        if (it->first == *m_next) {
            WaveformSpan span{block.firstTick, block.ticks(), block.captureUs, false,
                              std::move(block.channels)};
            if (span.startUs) {
                m_lastUs = span.startUs;
                m_lastTick = span.firstTick;
            }
            *m_next += span.ticks;
            out.push_back(std::move(span));
            m_pending.erase(it);
            continue;
        }
        if (!force && now - it->second.second < m_deadline) {
            break; // the hole may still be repaired
        }
        WaveformSpan gap;
        gap.firstTick = *m_next;
        gap.ticks = it->first - *m_next;
        gap.gap = true;
        if (m_lastUs) {
            gap.startUs = *m_lastUs + (gap.firstTick - m_lastTick) * 1000;
        }
        ++m_gaps;
        m_gapTicks += gap.ticks;
        *m_next = it->first;
        out.push_back(std::move(gap));
    }
    return out;
}

WaveformReceiver::WaveformReceiver(WaveformFormat format, std::chrono::milliseconds deadline)
    : m_format(format)
    , m_assembler(deadline) {}

void WaveformReceiver::onPacket(std::span<const std::uint8_t> packet) {
    const auto arrival = sessionNowUs();
    auto block = depacketizeWaveform(packet, m_format);
    std::lock_guard lock(m_mutex);
    if (!block) {
        ++m_stats.invalid;
        return;
    }
    ++m_stats.packets;
    // Unwrap the 32-bit timestamp around the highest seen.
    const auto raw = static_cast<std::uint32_t>(block->firstTick);
    const std::int64_t tick =
        m_highestTick
            ? *m_highestTick +
                  static_cast<std::int32_t>(raw - static_cast<std::uint32_t>(*m_highestTick))
            : static_cast<std::int64_t>(raw);
    block->firstTick = tick;
    m_highestTick = std::max(tick, m_highestTick.value_or(tick));
    if (block->captureUs) {
        const auto last = *block->captureUs + (block->ticks() - 1) * 1000;
        m_latencies.push_back(arrival - last);
        if (m_latencies.size() > kMaxLatencies) {
            m_latencies.pop_front();
        }
    }
    m_assembler.push(std::move(*block), WaveformAssembler::Clock::now());
}

std::vector<WaveformSpan> WaveformReceiver::take() {
    std::lock_guard lock(m_mutex);
    return m_assembler.take(WaveformAssembler::Clock::now());
}

std::vector<WaveformSpan> WaveformReceiver::flush() {
    std::lock_guard lock(m_mutex);
    return m_assembler.flush();
}

WaveformReceiver::Stats WaveformReceiver::stats() const {
    std::lock_guard lock(m_mutex);
    auto stats = m_stats;
    stats.gaps = m_assembler.gaps();
    stats.gapTicks = m_assembler.gapTicks();
    stats.duplicates = m_assembler.duplicates();
    return stats;
}

std::vector<std::int64_t> WaveformReceiver::latenciesUs() const {
    std::lock_guard lock(m_mutex);
    return {m_latencies.begin(), m_latencies.end()};
}

} // namespace tc::media

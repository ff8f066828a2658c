#include "tc/media/voice_stream.hpp"

#include "rtp_audio.hpp"
#include "tc/media/pcm.hpp"
#include "tc/protocol/packets.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace tc::media {

namespace {

// Formants (F1, F2, F3 in Hz) of French vowels /a/, /e/, /i/, /o/, /u/, /y/ for a male talker.
constexpr double kVowels[][3] = {{750, 1300, 2500}, {420, 2000, 2600}, {280, 2250, 2900},
                                 {450, 850, 2400},  {300, 750, 2300},  {280, 1800, 2200}};

} // namespace

std::optional<VoiceFormat> voiceFormatOf(std::string_view sdp) {
    for (const auto& stream : protocol::rtpStreamsOf(sdp)) {
        if (stream.name == "voice" && stream.encoding == "opus" && stream.clockRate == 48000) {
            VoiceFormat format;
            format.payloadType = stream.payloadType;
            format.twoWay = protocol::directionOf(sdp, "voice") == "sendrecv";
            return format;
        }
    }
    return std::nullopt;
}

// ---- The synthetic talker ------------------------------------------------------------------

void SyntheticTalker::Resonator::tune(double hz, double bandwidth, int rate) noexcept {
    // A two-pole resonator (Klatt): unity gain at DC is not wanted, the peak is.
    const double r = std::exp(-std::numbers::pi * bandwidth / rate);
    a1 = 2 * r * std::cos(2 * std::numbers::pi * hz / rate);
    a2 = -r * r;
    b0 = 1 - a1 - a2;
}

double SyntheticTalker::Resonator::process(double x) noexcept {
    const double y = b0 * x + a1 * y1 + a2 * y2;
    y2 = y1;
    y1 = y;
    return y;
}

SyntheticTalker::SyntheticTalker(std::uint32_t seed, int sampleRate)
    : m_rate(sampleRate)
    , m_random(seed) {
    m_basePitch = 105 + 30 * uniform();
    m_pitch = m_basePitch;
    nextSyllable();
}

double SyntheticTalker::uniform() noexcept {
    return static_cast<double>(m_random() >> 8) / static_cast<double>(1u << 24);
}

void SyntheticTalker::nextSyllable() noexcept {
    const auto ms = [this](double from, double to) {
        return static_cast<std::int64_t>((from + (to - from) * uniform()) * m_rate / 1000.0);
    };
    if (m_voiced) {
        // After a syllable: a consonant gap inside a word, a pause between words or sentences.
        m_voiced = false;
        if (m_syllablesLeft > 0) {
            m_left = ms(40, 90);
        } else if (uniform() < 0.2) {
            m_left = ms(600, 1200);
            m_basePitch = 105 + 30 * uniform(); // a new sentence
        } else {
            m_left = ms(120, 280);
        }
    } else {
        if (m_syllablesLeft == 0) {
            m_syllablesLeft = 2 + static_cast<int>(uniform() * 4);
        }
        --m_syllablesLeft;
        m_voiced = true;
        m_left = ms(110, 240);
        const auto& vowel = kVowels[static_cast<std::size_t>(uniform() * 6) % 6];
        const double bandwidths[3] = {80, 110, 160};
        for (int i = 0; i < 3; ++i) {
            m_formants[i].tune(vowel[i] * (0.95 + 0.1 * uniform()), bandwidths[i], m_rate);
        }
        m_pitch = m_basePitch * (0.9 + 0.25 * uniform());
    }
    m_length = std::max<std::int64_t>(1, m_left);
}

void SyntheticTalker::render(std::span<std::int16_t> out) noexcept {
    for (auto& sample : out) {
        if (m_left <= 0) {
            nextSyllable();
        }
        const double progress = 1.0 - static_cast<double>(m_left) / static_cast<double>(m_length);
        --m_left;
        double excitation = 0;
        double envelope = 0;
        if (m_voiced) {
            // A glottal pulse per cycle (its derivative, which is what the mouth radiates),
            // with a little aspiration; the syllable swells and fades.
            m_phase += m_pitch * (1.0 - 0.1 * progress) / m_rate;
            if (m_phase >= 1) {
                m_phase -= 1;
            }
            const double open = 0.6;
            excitation = m_phase < open ? std::sin(std::numbers::pi * m_phase / open) : 0.0;
            excitation = excitation * excitation - 0.3 + 0.05 * (uniform() - 0.5);
            envelope = std::sin(std::numbers::pi * progress);
        } else {
            // Consonants between syllables: soft noise; pauses between words: near silence.
            excitation = uniform() - 0.5;
            envelope = m_syllablesLeft > 0 ? 0.08 : 0.002;
        }
        double y = 0;
        const double weights[3] = {1.0, 0.5, 0.25};
        for (int i = 0; i < 3; ++i) {
            y += weights[i] * m_formants[i].process(excitation);
        }
        sample = static_cast<std::int16_t>(std::clamp(y * envelope * 4500.0, -32767.0, 32767.0));
    }
}

// ---- Source --------------------------------------------------------------------------------

boost::system::result<VoiceSource> VoiceSource::fromWav(const std::filesystem::path& path,
                                                        int sampleRate) {
    auto audio = readWav(path);
    if (!audio) {
        return audio.error();
    }
    if (audio->samples.empty()) {
        return make_error_code(PcmErrc::truncated);
    }
    VoiceSource source;
    source.m_recording = resample(audio->samples, audio->sampleRate, sampleRate);
    return source;
}

VoiceSource VoiceSource::synthetic(std::uint32_t seed, int sampleRate) {
    VoiceSource source;
    source.m_talker.emplace(seed, sampleRate);
    return source;
}

void VoiceSource::render(std::span<std::int16_t> out) noexcept {
    if (m_talker) {
        m_talker->render(out);
        return;
    }
    for (auto& sample : out) {
        sample = m_recording[m_position];
        m_position = (m_position + 1) % m_recording.size();
    }
}

// ---- Packetiser ----------------------------------------------------------------------------

VoicePacketizer::VoicePacketizer(VoiceFormat format, OpusFrameEncoder encoder, std::uint32_t ssrc,
                                 std::uint16_t firstSequence, std::uint32_t firstTimestamp)
    : m_format(format)
    , m_encoder(std::move(encoder))
    , m_ssrc(ssrc)
    , m_sequence(firstSequence)
    , m_timestamp(firstTimestamp) {}

boost::system::result<VoicePacketizer> VoicePacketizer::create(VoiceFormat format,
                                                               std::uint32_t ssrc,
                                                               std::uint16_t firstSequence,
                                                               std::uint32_t firstTimestamp) {
    auto encoder =
        OpusFrameEncoder::create({format.sampleRate, format.frameSamples, format.bitrate, true});
    if (!encoder) {
        return encoder.error();
    }
    return VoicePacketizer(format, std::move(*encoder), ssrc, firstSequence, firstTimestamp);
}

boost::system::result<std::vector<std::uint8_t>>
VoicePacketizer::packetize(std::span<const std::int16_t> frame) {
    auto encoded = m_encoder.encode(frame);
    if (!encoded) {
        return encoded.error();
    }
    auto packet = detail::rtpAudioPacket(
        {m_format.payloadType, m_first, m_sequence, m_timestamp, m_ssrc, {}}, encoded->size());
    packet.insert(packet.end(), encoded->begin(), encoded->end());
    m_first = false;
    ++m_sequence;
    // The RTP clock of opus/48000/2 is always 48 kHz (RFC 7587 §4.1).
    m_timestamp += static_cast<std::uint32_t>(frame.size() * 48000 /
                                              static_cast<std::size_t>(m_format.sampleRate));
    return packet;
}

// ---- Console side --------------------------------------------------------------------------

VoiceReceiver::VoiceReceiver(VoiceFormat format, std::unique_ptr<AudioFrameDecoder> decoder)
    : m_format(format)
    , m_playout(std::make_shared<AudioJitterBuffer>(
          JitterBufferConfig{format.sampleRate, format.frameSamples, std::chrono::milliseconds(30),
                             std::chrono::milliseconds(150)},
          std::move(decoder))) {}

boost::system::result<std::shared_ptr<VoiceReceiver>> VoiceReceiver::create(VoiceFormat format) {
    if (format.sampleRate != 48000) {
        return make_error_code(CodecErrc::badParameters);
    }
    auto decoder = makeOpusDecoder(format.sampleRate);
    if (!decoder) {
        return decoder.error();
    }
    return std::shared_ptr<VoiceReceiver>(new VoiceReceiver(format, std::move(*decoder)));
}

void VoiceReceiver::onPacket(std::span<const std::uint8_t> packet) {
    const auto header = protocol::parseRtp(packet);
    if (!header || header->payloadType != m_format.payloadType) {
        ++m_foreign;
        return;
    }
    const auto payload = packet.subspan(header->payloadOffset, header->payloadSize);
    if (opusPacketSamples(payload, m_format.sampleRate) != m_format.frameSamples) {
        ++m_foreign; // not one frame of our duration: the playout advances by frames
        return;
    }
    ++m_packets;
    m_playout->pushEncoded(header->timestamp, payload, std::chrono::steady_clock::now());
}

} // namespace tc::media

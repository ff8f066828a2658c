#include "tc/media/audio_codec.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <opus/opus.h>

namespace tc::media {

namespace {

bool validOpusRate(int rate) {
    return rate == 8000 || rate == 12000 || rate == 16000 || rate == 24000 || rate == 48000;
}

bool validOpusFrame(int rate, int samples) {
    // 2.5, 5, 10, 20, 40, 60 ms
    for (const int tenthsMs : {25, 50, 100, 200, 400, 600}) {
        if (samples * 10000 == rate * tenthsMs) {
            return true;
        }
    }
    return false;
}

struct EncoderDeleter {
    void operator()(OpusEncoder* e) const noexcept { opus_encoder_destroy(e); }
};
struct DecoderDeleter {
    void operator()(OpusDecoder* d) const noexcept { opus_decoder_destroy(d); }
};

class PcmDecoder final : public AudioFrameDecoder {
public:
    boost::system::error_code decode(std::span<const std::uint8_t> payload,
                                     std::span<std::int16_t> out) override {
        if (payload.size() != out.size_bytes()) {
            conceal(out);
            return make_error_code(CodecErrc::corruptPayload);
        }
        std::memcpy(out.data(), payload.data(), payload.size());
        m_last.assign(out.begin(), out.end());
        m_concealedRun = 0;
        return {};
    }

    void conceal(std::span<std::int16_t> out) override {
        const double gain = std::max(0.0, 1.0 - 0.34 * (m_concealedRun + 1));
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = i < m_last.size() ? static_cast<std::int16_t>(std::lround(m_last[i] * gain))
                                       : std::int16_t{0};
        }
        ++m_concealedRun;
    }

private:
    std::vector<std::int16_t> m_last;
    int m_concealedRun = 0;
};

class OpusDecoderAdapter final : public AudioFrameDecoder {
public:
    explicit OpusDecoderAdapter(std::unique_ptr<OpusDecoder, DecoderDeleter> decoder)
        : m_decoder(std::move(decoder)) {}

    boost::system::error_code decode(std::span<const std::uint8_t> payload,
                                     std::span<std::int16_t> out) override {
        const int n =
            opus_decode(m_decoder.get(), payload.data(), static_cast<opus_int32>(payload.size()),
                        out.data(), static_cast<int>(out.size()), 0);
        if (n != static_cast<int>(out.size())) {
            conceal(out);
            return make_error_code(CodecErrc::corruptPayload);
        }
        return {};
    }

    void conceal(std::span<std::int16_t> out) override {
        if (opus_decode(m_decoder.get(), nullptr, 0, out.data(), static_cast<int>(out.size()), 0) !=
            static_cast<int>(out.size())) {
            std::fill(out.begin(), out.end(), std::int16_t{0});
        }
    }

private:
    std::unique_ptr<OpusDecoder, DecoderDeleter> m_decoder;
};

} // namespace

std::string_view toString(AudioEncoding encoding) noexcept {
    return encoding == AudioEncoding::opus ? "opus" : "L16";
}

struct OpusFrameEncoder::State {
    std::unique_ptr<OpusEncoder, EncoderDeleter> encoder;
};

OpusFrameEncoder::OpusFrameEncoder(OpusSettings settings, std::unique_ptr<State> state)
    : m_settings(settings)
    , m_state(std::move(state)) {}
OpusFrameEncoder::OpusFrameEncoder(OpusFrameEncoder&&) noexcept = default;
OpusFrameEncoder& OpusFrameEncoder::operator=(OpusFrameEncoder&&) noexcept = default;
OpusFrameEncoder::~OpusFrameEncoder() = default;

boost::system::result<OpusFrameEncoder> OpusFrameEncoder::create(const OpusSettings& settings) {
    if (!validOpusRate(settings.sampleRate) ||
        !validOpusFrame(settings.sampleRate, settings.frameSamples) || settings.bitrate < 6000 ||
        settings.bitrate > 510000) {
        return make_error_code(CodecErrc::badParameters);
    }
    int error = OPUS_OK;
    std::unique_ptr<OpusEncoder, EncoderDeleter> encoder(opus_encoder_create(
        settings.sampleRate, 1,
        settings.voice ? OPUS_APPLICATION_VOIP : OPUS_APPLICATION_RESTRICTED_LOWDELAY, &error));
    if (error != OPUS_OK || !encoder) {
        return make_error_code(CodecErrc::badParameters);
    }
    OpusEncoder* e = encoder.get();
    // Constant bitrate, no DTX, no in-band FEC (RTX repairs losses): every frame costs the same
    // and nothing in the signal is judged "silence" and dropped.
    opus_encoder_ctl(e, OPUS_SET_BITRATE(settings.bitrate));
    opus_encoder_ctl(e, OPUS_SET_VBR(0));
    opus_encoder_ctl(e, OPUS_SET_DTX(0));
    opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(0));
    opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(settings.voice ? 8 : 10));
    opus_encoder_ctl(e, OPUS_SET_SIGNAL(settings.voice ? OPUS_SIGNAL_VOICE : OPUS_SIGNAL_MUSIC));
    if (!settings.voice) {
        opus_encoder_ctl(e, OPUS_SET_BANDWIDTH(OPUS_BANDWIDTH_FULLBAND));
    }
    auto state = std::make_unique<State>();
    state->encoder = std::move(encoder);
    return OpusFrameEncoder(settings, std::move(state));
}

boost::system::result<std::vector<std::uint8_t>>
OpusFrameEncoder::encode(std::span<const std::int16_t> frame) {
    if (static_cast<int>(frame.size()) != m_settings.frameSamples) {
        return make_error_code(CodecErrc::badParameters);
    }
    std::vector<std::uint8_t> packet(1275); // the largest Opus frame (RFC 6716 §3.4)
    const auto n = opus_encode(m_state->encoder.get(), frame.data(), static_cast<int>(frame.size()),
                               packet.data(), static_cast<opus_int32>(packet.size()));
    if (n < 0) {
        return make_error_code(CodecErrc::encodeFailed);
    }
    packet.resize(static_cast<std::size_t>(n));
    return packet;
}

std::unique_ptr<AudioFrameDecoder> makePcmDecoder() {
    return std::make_unique<PcmDecoder>();
}

boost::system::result<std::unique_ptr<AudioFrameDecoder>> makeOpusDecoder(int sampleRate) {
    if (!validOpusRate(sampleRate)) {
        return make_error_code(CodecErrc::badParameters);
    }
    int error = OPUS_OK;
    std::unique_ptr<OpusDecoder, DecoderDeleter> decoder(
        opus_decoder_create(sampleRate, 1, &error));
    if (error != OPUS_OK || !decoder) {
        return make_error_code(CodecErrc::badParameters);
    }
    return std::unique_ptr<AudioFrameDecoder>(new OpusDecoderAdapter(std::move(decoder)));
}

std::optional<int> opusPacketSamples(std::span<const std::uint8_t> packet, int sampleRate) {
    if (packet.empty()) {
        return std::nullopt;
    }
    const int n = opus_packet_get_nb_samples(packet.data(), static_cast<opus_int32>(packet.size()),
                                             sampleRate);
    return n > 0 ? std::optional<int>(n) : std::nullopt;
}

} // namespace tc::media

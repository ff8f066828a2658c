#pragma once
// Audio frame codecs for the RTP streams. L16 (RFC 3551) is the stethoscope's lossless default;
// Opus (RFC 7587, through libopus) is negotiable for thin links. For the stethoscope Opus runs
// CELT-only (restricted low delay), fullband, at a constant 128 kbit/s or more, in 10 ms frames,
// without DTX or in-band FEC: a music-grade transform coder with no speech model that would
// shape heart sounds like a voice. The cabin's voice uses Opus's VoIP mode.
//
// Decoders run on one stream in timestamp order and conceal a frame that never came: the
// playout path calls them at playout time, so a late frame is concealed, never decoded out of
// order.

#include "tc/media/errc/codec_errc.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace tc::media {

enum class AudioEncoding { l16, opus };
std::string_view toString(AudioEncoding encoding) noexcept;

// The stethoscope's floor: below this Opus starts to trade away the band heart sounds live in.
inline constexpr int kMinStethoscopeOpusBitrate = 128000;
// What the console offers Opus at when it prefers L16 (Opus is then the fallback of browsers).
inline constexpr int kFallbackStethoscopeOpusBitrate = 256000;

struct OpusSettings {
    int sampleRate = 48000; // 48000 (the stethoscope and the voice), or 8/12/16/24 kHz
    int frameSamples = 480; // 2.5, 5, 10, 20, 40 or 60 ms at sampleRate
    int bitrate = 128000;   // bits per second, constant
    bool voice = false;     // VoIP mode (speech) instead of CELT-only restricted low delay
};

class OpusFrameEncoder {
public:
    static boost::system::result<OpusFrameEncoder> create(const OpusSettings& settings);
    OpusFrameEncoder(OpusFrameEncoder&&) noexcept;
    OpusFrameEncoder& operator=(OpusFrameEncoder&&) noexcept;
    ~OpusFrameEncoder();

    // One frame of mono samples (exactly frameSamples) into one Opus packet.
    boost::system::result<std::vector<std::uint8_t>> encode(std::span<const std::int16_t> frame);
    const OpusSettings& settings() const noexcept { return m_settings; }

private:
    struct State;
    OpusFrameEncoder(OpusSettings settings, std::unique_ptr<State> state);
    OpusSettings m_settings;
    std::unique_ptr<State> m_state;
};

class AudioFrameDecoder {
public:
    virtual ~AudioFrameDecoder() = default;
    // Decodes one frame into `out` (one frame long). An unusable payload is concealed instead
    // and reported as corruptPayload.
    virtual boost::system::error_code decode(std::span<const std::uint8_t> payload,
                                             std::span<std::int16_t> out) = 0;
    // Stands in for a frame that never came.
    virtual void conceal(std::span<std::int16_t> out) = 0;
};

// Frames that are already samples (native int16 bytes): the last frame again, fading out over
// three frames, then silence.
std::unique_ptr<AudioFrameDecoder> makePcmDecoder();
// Opus at `sampleRate`, mono; concealment is Opus's own packet-loss concealment.
boost::system::result<std::unique_ptr<AudioFrameDecoder>> makeOpusDecoder(int sampleRate);

// Samples an Opus packet decodes to at 48 kHz; nothing if it is not a valid packet.
std::optional<int> opusPacketSamples(std::span<const std::uint8_t> packet, int sampleRate);

} // namespace tc::media

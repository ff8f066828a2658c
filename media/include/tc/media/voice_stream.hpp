#pragma once
// The cabin's voice (the patient and the operator) as its own Opus stream (RFC 7587: mono in
// opus/48000/2, 20 ms frames, VoIP mode), separate from the stethoscope so that the doctor sets
// the two volumes apart, and so that voice processing (echo cancellation, noise suppression,
// gain control) can never reach the stethoscope. The cabin's source is a WAV file or a
// synthetic talker; the console's receive side feeds its own playout jitter buffer, decoded in
// order at playout time.

#include "tc/media/audio_codec.hpp"
#include "tc/media/jitter_buffer.hpp"

#include <atomic>
#include <boost/system/result.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string_view>
#include <vector>

namespace tc::media {

struct VoiceFormat {
    std::uint8_t payloadType = 111;
    int sampleRate = 48000;
    int frameSamples = 960; // 20 ms
    int bitrate = 32000;
    bool twoWay = true; // the section is sendrecv: each side hears the other
};

// The "voice" section's Opus stream in a session description, if negotiated.
std::optional<VoiceFormat> voiceFormatOf(std::string_view sdp);

// A talker for demos and tests: a glottal pulse train through vowel formants, in syllables,
// words and pauses, with a wandering pitch. Speech-like in level, spectrum and rhythm, and
// deterministic for a seed; no one mistakes it for a heart.
class SyntheticTalker {
public:
    explicit SyntheticTalker(std::uint32_t seed, int sampleRate = 48000);
    void render(std::span<std::int16_t> out) noexcept;

private:
    struct Resonator {
        double b0 = 0, a1 = 0, a2 = 0, y1 = 0, y2 = 0;
        void tune(double hz, double bandwidth, int rate) noexcept;
        double process(double x) noexcept;
    };
    void nextSyllable() noexcept;
    double uniform() noexcept;

    int m_rate;
    std::mt19937 m_random;
    Resonator m_formants[3];
    double m_phase = 0;   // glottal cycle position, 0..1
    double m_pitch = 120; // Hz
    double m_basePitch = 120;
    std::int64_t m_left = 0; // samples left in the current syllable or pause
    std::int64_t m_length = 1;
    bool m_voiced = false;
    int m_syllablesLeft = 0;
};

class VoiceSource {
public:
    // A recording, looped, converted to `sampleRate`.
    static boost::system::result<VoiceSource> fromWav(const std::filesystem::path& path,
                                                      int sampleRate = 48000);
    static VoiceSource synthetic(std::uint32_t seed, int sampleRate = 48000);
    void render(std::span<std::int16_t> out) noexcept;

private:
    VoiceSource() = default;
    std::vector<std::int16_t> m_recording;
    std::size_t m_position = 0;
    std::optional<SyntheticTalker> m_talker;
};

class VoicePacketizer {
public:
    static boost::system::result<VoicePacketizer> create(VoiceFormat format, std::uint32_t ssrc,
                                                         std::uint16_t firstSequence,
                                                         std::uint32_t firstTimestamp);
    boost::system::result<std::vector<std::uint8_t>> packetize(std::span<const std::int16_t> frame);

private:
    VoicePacketizer(VoiceFormat format, OpusFrameEncoder encoder, std::uint32_t ssrc,
                    std::uint16_t firstSequence, std::uint32_t firstTimestamp);
    VoiceFormat m_format;
    OpusFrameEncoder m_encoder;
    std::uint32_t m_ssrc;
    std::uint16_t m_sequence;
    std::uint32_t m_timestamp;
    bool m_first = true;
};

// The console's side: Opus packets of our payload type into the playout buffer (thread-safe).
class VoiceReceiver {
public:
    static boost::system::result<std::shared_ptr<VoiceReceiver>> create(VoiceFormat format);
    void onPacket(std::span<const std::uint8_t> packet);
    const std::shared_ptr<AudioJitterBuffer>& playout() const noexcept { return m_playout; }
    const VoiceFormat& format() const noexcept { return m_format; }
    std::uint64_t foreign() const noexcept { return m_foreign; }
    std::uint64_t packets() const noexcept { return m_packets; }

private:
    VoiceReceiver(VoiceFormat format, std::unique_ptr<AudioFrameDecoder> decoder);
    VoiceFormat m_format;
    std::shared_ptr<AudioJitterBuffer> m_playout;
    std::atomic<std::uint64_t> m_foreign{0};
    std::atomic<std::uint64_t> m_packets{0};
};

} // namespace tc::media

#pragma once
// The stethoscope's RTP stream (RFC 3551 L16, mono, 10 ms packets by default; or Opus, CELT-only
// fullband at 128 kbit/s or more, when negotiated): the cabin's
// source (a looping WAV recording or the synthetic body) and packetiser, which carries the
// current auscultation site in an RFC 8285 header extension; and on the console, the
// depacketiser and the in-order assembly of frames that the recorder takes, which waits for
// retransmissions up to a deadline before it gives a frame up as a gap.

#include "tc/media/audio_codec.hpp"
#include "tc/media/auscultation.hpp"
#include "tc/media/pcm.hpp"
#include "tc/media/session_clock.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <variant>
#include <vector>

namespace tc::media {

// a=extmap:N urn:telecabine:params:rtp-hdrext:auscultation-site, one byte (AuscultationSite).
inline constexpr std::string_view kSiteExtensionUri =
    "urn:telecabine:params:rtp-hdrext:auscultation-site";

struct StethoscopeFormat {
    AudioEncoding encoding = AudioEncoding::l16;
    int sampleRate = 48000; // L16: 48000 or 16000; Opus: 48000
    int packetMs = 10;
    std::uint8_t payloadType = 96;
    std::uint8_t siteExtensionId = 1;             // 0: not negotiated
    int opusBitrate = kMinStethoscopeOpusBitrate; // Opus: a=fmtp maxaveragebitrate, constant
    // The capture-time extension (session_clock.hpp): 0 when not negotiated.
    std::uint8_t captureExtensionId = 0;
    int frameSamples() const noexcept { return sampleRate * packetMs / 1000; }
};

// The stethoscope stream a session description negotiated (the "steth" section's first format:
// L16 at 48 or 16 kHz, or Opus at 48 kHz and at least 128 kbit/s, with its site extension id),
// if any. Both ends read it from the same answer.
std::optional<StethoscopeFormat> stethoscopeFormatOf(std::string_view sdp);

// The console's "steth" media section for its offer (recvonly, NACK/RTX, the site extension):
// every format we take, `preferred` first, then L16 48 kHz, L16 16 kHz and Opus.
std::string stethoscopeOfferSection(const StethoscopeFormat& preferred);
// The cabin's choice among the offered stethoscope formats: `preferred` if offered (by encoding,
// and rate for L16), else the offer's first format we can send. Its payload type.
std::optional<std::uint8_t> chooseStethoscopePayload(std::string_view offer,
                                                     std::optional<AudioEncoding> preferred);

class StethoscopeSource {
public:
    // A recording, looped, converted to `sampleRate` if it was made at another rate.
    static boost::system::result<StethoscopeSource> fromWav(const std::filesystem::path& path,
                                                            int sampleRate);
    static StethoscopeSource synthetic(const AuscultationModel& model, int sampleRate);

    // The synthetic body's heart follows these beats (see AuscultationSynth::followBeats); a
    // recording ignores them. False for a recording.
    bool followBeats(std::shared_ptr<BeatTrain> beats, double firstSampleTime,
                     double electromechanicalDelay);

    void setSite(AuscultationSite site) noexcept;
    AuscultationSite site() const noexcept { return m_site; }
    void render(std::span<std::int16_t> out) noexcept;

private:
    StethoscopeSource() = default;
    AuscultationSite m_site = AuscultationSite::mitral;
    std::vector<std::int16_t> m_recording;
    std::size_t m_position = 0;
    std::optional<AuscultationSynth> m_synth;
};

// One RTP packet per frame: L16 samples big-endian on the wire, or one Opus packet; the site
// rides in the header extension.
class StethoscopePacketizer {
public:
    static boost::system::result<StethoscopePacketizer> create(StethoscopeFormat format,
                                                               std::uint32_t ssrc,
                                                               std::uint16_t firstSequence,
                                                               std::uint32_t firstTimestamp);
    // `frame` is one frame (format.frameSamples()) of samples.
    boost::system::result<std::vector<std::uint8_t>> packetize(std::span<const std::int16_t> frame,
                                                               AuscultationSite site);
    // With the capture-time extension negotiated: the session time of the first timestamp's
    // sample; each packet then carries origin + (timestamp - first) × 10^6 / rate.
    void setCaptureOrigin(std::int64_t sessionUs) noexcept { m_captureOrigin = sessionUs; }

private:
    StethoscopePacketizer(StethoscopeFormat format, std::uint32_t ssrc, std::uint16_t firstSequence,
                          std::uint32_t firstTimestamp);
    StethoscopeFormat m_format;
    std::optional<OpusFrameEncoder> m_opus;
    std::uint32_t m_ssrc;
    std::uint16_t m_sequence;
    std::uint32_t m_timestamp;
    std::uint32_t m_firstTimestamp;
    std::optional<std::int64_t> m_captureOrigin;
    bool m_first = true;
};

struct StethoscopeFrame {
    std::uint32_t timestamp = 0;
    std::uint16_t sequence = 0;
    std::optional<AuscultationSite> site;
    std::vector<std::int16_t> samples;     // L16, or once decoded
    std::vector<std::uint8_t> encoded;     // Opus, as received
    std::uint32_t duration = 0;            // in samples
    std::optional<std::int64_t> captureUs; // session time of the first sample, when negotiated
};
// Nothing for a packet that is not of `format` (wrong payload type, odd L16 length, not an
// Opus packet of one frame).
std::optional<StethoscopeFrame> depacketizeStethoscope(std::span<const std::uint8_t> packet,
                                                       const StethoscopeFormat& format);

// Frames in timestamp order for the recorder: each frame once; a missing one is waited for until
// `deadline` after a later frame arrived, then replaced by silence and reported as a gap.
class FrameAssembler {
public:
    using Clock = std::chrono::steady_clock;
    explicit FrameAssembler(int frameSamples, std::chrono::milliseconds deadline);

    struct Ready {
        StethoscopeFrame frame;
        bool gap = false; // silence standing for a frame that never came
    };
    void push(StethoscopeFrame frame, Clock::time_point now);
    std::vector<Ready> take(Clock::time_point now);
    // At the end of a recording: what is buffered, gaps filled.
    std::vector<Ready> flush();

    std::uint64_t gaps() const noexcept { return m_gaps; }
    std::uint64_t duplicates() const noexcept { return m_duplicates; }

private:
    std::vector<Ready> drain(Clock::time_point now, bool force);
    int m_frameSamples;
    std::chrono::milliseconds m_deadline;
    std::optional<std::int64_t> m_next; // extended timestamp expected next
    std::int64_t m_highest = 0;
    std::map<std::int64_t, std::pair<StethoscopeFrame, Clock::time_point>> m_pending;
    std::uint64_t m_gaps = 0;
    std::uint64_t m_duplicates = 0;
};

} // namespace tc::media

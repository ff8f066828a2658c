#pragma once
// The vital-sign waveforms (ECG leads, plethysmogram) as their own RTP stream in the session's
// BUNDLE: SDP section `vitals`, payload type 116 (RTX 117), an RTP clock of 1 kHz, 20 ms packets.
// Every packet carries the capture-time extension (session_clock.hpp), so its samples map to the
// session clock like the stethoscope's and the video's. The console receives it through a
// WaveformReceiver, which puts the samples in time order and reports what was lost as gaps of
// the exact length: never interpolated.
//
// Payload (all integers big-endian):
//   byte 0       version: 1
//   byte 1       channel count N (1-8)
//   N × 4 bytes  per channel: channel id (WaveformChannel), samples in this packet (1-255),
//                ticks per sample (1-250; the channel's rate is 1000 / ticks Hz), 0
//   then each channel's samples in that order, int16: µV for the ECG leads, thousandths of
//   the full scale for the plethysmogram.
// All channels of a packet span the same ticks: samples × ticks per sample. The RTP timestamp
// is the tick of the packet's first sample; sample i of a channel is at tick timestamp +
// i × ticks per sample, at session time capture + that × 1000 µs.

#include "tc/media/physiology.hpp"

#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::media {

inline constexpr std::string_view kVitalsMid = "vitals";
inline constexpr std::uint8_t kVitalsPayloadType = 116; // 96-115 are taken (steth, voice, video)
inline constexpr std::uint8_t kVitalsRtxPayloadType = 117;
inline constexpr std::uint32_t kWaveformClockRate = 1000;
inline constexpr std::string_view kWaveformEncoding = "x-tc-waveform"; // a=rtpmap name

enum class WaveformChannel : std::uint8_t { ecgI = 1, ecgII = 2, ecgIII = 3, pleth = 16 };
std::string_view toString(WaveformChannel channel) noexcept; // "ecg_i", ..., "pleth"
// The channel's unit (UCUM): "uV" for the leads, "10*-3" (thousandths of full scale) for pleth.
std::string_view unitOf(WaveformChannel channel) noexcept;

struct WaveformFormat {
    std::uint8_t payloadType = kVitalsPayloadType;
    std::uint8_t captureExtensionId = 1; // 0: not negotiated (then no session times)
    int packetMs = 20;
};

// The console's section for its offer (recvonly; NACK and RTX; the capture-time extension).
std::string vitalsOfferSection();
// The vitals stream a description negotiated, if any (both ends read it from the answer).
std::optional<WaveformFormat> waveformFormatOf(std::string_view sdp);
// The cabin's choice in an offer's vitals section: the first x-tc-waveform/1000 format.
std::optional<std::uint8_t> chooseWaveformPayload(std::string_view offer);

struct ChannelSamples {
    WaveformChannel channel = WaveformChannel::ecgII;
    int ticksPerSample = 2; // 500 Hz
    std::vector<std::int16_t> samples;
    int sampleRate() const noexcept {
        return static_cast<int>(kWaveformClockRate) / ticksPerSample;
    }
    friend bool operator==(const ChannelSamples&, const ChannelSamples&) = default;
};

// What one packet carries.
struct WaveformBlock {
    std::int64_t firstTick = 0;            // extended RTP timestamp (the receiver unwraps it)
    std::optional<std::int64_t> captureUs; // session time of firstTick
    std::vector<ChannelSamples> channels;
    std::int64_t ticks() const noexcept; // span of the block, the same for every channel
};

class WaveformPacketizer {
public:
    WaveformPacketizer(WaveformFormat format, std::uint32_t ssrc, std::uint16_t firstSequence);
    // An RTP packet for the block (timestamp = firstTick modulo 2^32); invalid blocks (no
    // channel, more than 8, unequal spans, a rate that does not divide 1 kHz) are refused.
    boost::system::result<std::vector<std::uint8_t>> packetize(const WaveformBlock& block);

private:
    WaveformFormat m_format;
    std::uint32_t m_ssrc;
    std::uint16_t m_sequence;
    bool m_first = true;
};

// Nothing for a packet that is not a valid waveform packet of `format`.
std::optional<WaveformBlock> depacketizeWaveform(std::span<const std::uint8_t> packet,
                                                 const WaveformFormat& format);

// The cabin's side: samples from the physiology, one block per packet interval, with their
// session times. Physiology time 0 is session time `originUs`.
class WaveformSource {
public:
    WaveformSource(std::shared_ptr<BeatTrain> beats, EcgSettings ecg, PlethSettings pleth,
                   std::int64_t originUs, int packetMs = 20);
    // The next packet's block; consecutive blocks are contiguous.
    WaveformBlock next();
    std::int64_t originUs() const noexcept { return m_origin; }
    // Session time of the first sample of the next block.
    std::int64_t nextCaptureUs() const noexcept { return m_origin + m_tick * 1000; }

private:
    EcgSynth m_ecg;
    PlethSynth m_pleth;
    std::int64_t m_origin;
    int m_packetMs;
    std::int64_t m_tick = 0;
};

// A stretch of the stream in time order: samples, or a gap where packets never came.
struct WaveformSpan {
    std::int64_t firstTick = 0;
    std::int64_t ticks = 0;
    std::optional<std::int64_t> startUs;  // session time of firstTick
    bool gap = false;                     // nothing was received for these ticks
    std::vector<ChannelSamples> channels; // empty for a gap
};

// Packets to spans in time order. A missing packet is waited for (its retransmission) until
// `deadline` after a later packet arrived; then the hole becomes one gap span of exactly the
// missing ticks. Duplicates and packets older than what was delivered are dropped.
class WaveformAssembler {
public:
    using Clock = std::chrono::steady_clock;
    explicit WaveformAssembler(std::chrono::milliseconds deadline);

    void push(WaveformBlock block, Clock::time_point now);
    std::vector<WaveformSpan> take(Clock::time_point now);
    std::vector<WaveformSpan> flush(); // everything buffered, holes as gaps

    std::uint64_t gaps() const noexcept { return m_gaps; }
    std::int64_t gapTicks() const noexcept { return m_gapTicks; }
    std::uint64_t duplicates() const noexcept { return m_duplicates; }

private:
    std::vector<WaveformSpan> drain(Clock::time_point now, bool force);
    std::chrono::milliseconds m_deadline;
    std::optional<std::int64_t> m_next;
    std::int64_t m_highest = 0;
    std::optional<std::int64_t> m_lastUs; // mapping for a gap's start time
    std::int64_t m_lastTick = 0;
    std::map<std::int64_t, std::pair<WaveformBlock, Clock::time_point>> m_pending;
    std::uint64_t m_gaps = 0;
    std::int64_t m_gapTicks = 0;
    std::uint64_t m_duplicates = 0;
};

// The console's receiver: fed RTP packets from the transport thread, read from any other.
// Records, for the benchmark, each packet's latency: arrival on the session clock minus the
// session time of its last sample.
class WaveformReceiver {
public:
    explicit WaveformReceiver(WaveformFormat format,
                              std::chrono::milliseconds deadline = std::chrono::milliseconds(300));
    WaveformReceiver(const WaveformReceiver&) = delete;
    WaveformReceiver& operator=(const WaveformReceiver&) = delete;

    void onPacket(std::span<const std::uint8_t> packet); // any thread
    std::vector<WaveformSpan> take();                    // in time order
    std::vector<WaveformSpan> flush();

    struct Stats {
        std::uint64_t packets = 0;
        std::uint64_t invalid = 0;
        std::uint64_t gaps = 0;
        std::int64_t gapTicks = 0;
        std::uint64_t duplicates = 0;
    };
    Stats stats() const;
    // Latencies in microseconds of the packets received so far (at most the last 100,000).
    std::vector<std::int64_t> latenciesUs() const;
    const WaveformFormat& format() const noexcept { return m_format; }

private:
    WaveformFormat m_format;
    mutable std::mutex m_mutex;
    WaveformAssembler m_assembler;
    Stats m_stats;
    std::deque<std::int64_t> m_latencies;
    std::optional<std::int64_t> m_highestTick;
};

} // namespace tc::media

#pragma once
// The stethoscope's playout jitter buffer: frames in by RTP timestamp from the network thread,
// out on the playout clock one frame per period. The delay follows measured jitter (about 20 ms
// on a clean path, more when packets arrive irregularly) within [minDelay, maxDelay]; a frame
// that is not there at its playout time is concealed (the last frame fading out), never waited
// for. Retransmitted frames that arrive in time play as if nothing had happened. Frames are
// kept as they came (samples, or an Opus payload) and decoded at playout time, in order, by the
// stream's decoder, which also conceals.

#include "tc/media/audio_codec.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace tc::media {

struct JitterBufferConfig {
    int sampleRate = 48000;
    int frameSamples = 480;
    // 15 ms plus the player's 0-10 ms tick phase: about 20 ms of buffering on a clean path.
    std::chrono::milliseconds minDelay{15};
    std::chrono::milliseconds maxDelay{120};
};

struct JitterBufferStats {
    std::uint64_t played = 0;
    std::uint64_t concealed = 0;
    std::uint64_t late = 0;      // arrived after their playout time
    std::uint64_t discarded = 0; // dropped to bring the delay down
    std::uint64_t undecodable = 0;
    double jitterMs = 0;
    double targetDelayMs = 0;
};

class AudioJitterBuffer {
public:
    using Clock = std::chrono::steady_clock;
    // `decoder`: the stream's codec; by default frames are pushed as samples.
    explicit AudioJitterBuffer(JitterBufferConfig config,
                               std::unique_ptr<AudioFrameDecoder> decoder = makePcmDecoder());

    // A frame of samples (frameSamples long), as the default decoder expects.
    void push(std::uint32_t timestamp, std::span<const std::int16_t> samples,
              Clock::time_point now);
    // An encoded frame for the stream's decoder (an Opus packet).
    void pushEncoded(std::uint32_t timestamp, std::span<const std::uint8_t> payload,
                     Clock::time_point now);
    // The next frame to play (frameSamples long): real, or concealment. Empty before the first
    // frame has waited out the initial delay.
    struct Frame {
        std::vector<std::int16_t> samples;
        bool concealed = false;
        std::uint32_t timestamp = 0;
    };
    std::optional<Frame> pop(Clock::time_point now);
    JitterBufferStats stats() const;

private:
    std::int64_t extend(std::uint32_t timestamp) const noexcept;
    std::chrono::microseconds targetDelay() const noexcept;

    JitterBufferConfig m_config;
    mutable std::mutex m_mutex;
    void insert(std::uint32_t timestamp, std::span<const std::byte> payload, Clock::time_point now);

    std::unique_ptr<AudioFrameDecoder> m_decoder; // the playout side's, under m_mutex
    std::map<std::int64_t, std::vector<std::uint8_t>> m_frames;
    bool m_started = false;
    std::optional<std::int64_t> m_next; // extended timestamp to play next
    std::int64_t m_highest = 0;
    Clock::time_point m_firstArrival{};
    std::optional<double> m_lastTransit; // RFC 3550 jitter, in ms
    int m_concealedRun = 0;
    int m_overfullTicks = 0;
    JitterBufferStats m_stats;
};

} // namespace tc::media

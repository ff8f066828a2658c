#include "tc/media/jitter_buffer.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace tc::media {

AudioJitterBuffer::AudioJitterBuffer(JitterBufferConfig config,
                                     std::unique_ptr<AudioFrameDecoder> decoder)
    : m_config(config)
    , m_decoder(std::move(decoder)) {
    m_stats.targetDelayMs = static_cast<double>(m_config.minDelay.count());
}

std::int64_t AudioJitterBuffer::extend(std::uint32_t timestamp) const noexcept {
    if (!m_started) {
        return timestamp;
    }
    return m_highest + static_cast<std::int32_t>(timestamp - static_cast<std::uint32_t>(m_highest));
}

std::chrono::microseconds AudioJitterBuffer::targetDelay() const noexcept {
    // Three times the mean deviation covers nearly all of a jittery path's spread.
    const auto wanted = std::chrono::microseconds(static_cast<long>(
        1000.0 * (static_cast<double>(m_config.minDelay.count()) + 3.0 * m_stats.jitterMs)));
    return std::clamp<std::chrono::microseconds>(wanted, m_config.minDelay, m_config.maxDelay);
}

void AudioJitterBuffer::push(std::uint32_t timestamp, std::span<const std::int16_t> samples,
                             Clock::time_point now) {
    insert(timestamp, std::as_bytes(samples), now);
}

void AudioJitterBuffer::pushEncoded(std::uint32_t timestamp, std::span<const std::uint8_t> payload,
                                    Clock::time_point now) {
    insert(timestamp, std::as_bytes(payload), now);
}

void AudioJitterBuffer::insert(std::uint32_t timestamp, std::span<const std::byte> payload,
                               Clock::time_point now) {
    std::lock_guard lock(m_mutex);
    const auto ext = extend(timestamp);
    if (!m_started) {
        m_started = true;
        m_highest = ext;
        m_firstArrival = now;
    }
    // Interarrival jitter (RFC 3550 A.8) in milliseconds, for the adaptive delay.
    const double arrivalMs =
        std::chrono::duration<double, std::milli>(now - m_firstArrival).count();
    const double transit = arrivalMs - 1000.0 * static_cast<double>(ext) / m_config.sampleRate;
    if (m_lastTransit) {
        m_stats.jitterMs += (std::abs(transit - *m_lastTransit) - m_stats.jitterMs) / 16.0;
    }
    m_lastTransit = transit;
    m_stats.targetDelayMs = static_cast<double>(targetDelay().count()) / 1000.0;
    m_highest = std::max(m_highest, ext);
    if (m_next && ext < *m_next) {
        ++m_stats.late; // its time has passed: it was concealed
        return;
    }
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(payload.data());
    m_frames.emplace(ext, std::vector<std::uint8_t>(bytes, bytes + payload.size()));
}

std::optional<AudioJitterBuffer::Frame> AudioJitterBuffer::pop(Clock::time_point now) {
    std::lock_guard lock(m_mutex);
    if (!m_started) {
        return std::nullopt;
    }
    if (!m_next) {
        if (now - m_firstArrival < targetDelay() || m_frames.empty()) {
            return std::nullopt;
        }
        m_next = m_frames.begin()->first;
    }
    const auto frameDuration =
        std::chrono::microseconds(1'000'000LL * m_config.frameSamples / m_config.sampleRate);
    // Too much buffered for the current jitter: drop one frame now and then to come back down.
    const auto buffered = (m_highest - *m_next) * 1'000'000LL / m_config.sampleRate;
    if (std::chrono::microseconds(buffered) > targetDelay() + 2 * frameDuration) {
        if (++m_overfullTicks > 50 && m_frames.contains(*m_next)) {
            m_frames.erase(*m_next);
            *m_next += m_config.frameSamples;
            ++m_stats.discarded;
            m_overfullTicks = 0;
        }
    } else {
        m_overfullTicks = 0;
    }
    Frame out;
    out.timestamp = static_cast<std::uint32_t>(*m_next);
    out.samples.resize(static_cast<std::size_t>(m_config.frameSamples));
    if (auto it = m_frames.find(*m_next); it != m_frames.end()) {
        if (m_decoder->decode(it->second, out.samples)) {
            ++m_stats.undecodable; // concealed by the decoder
        }
        m_frames.erase(m_frames.begin(), std::next(it));
        m_concealedRun = 0;
        ++m_stats.played;
        *m_next += m_config.frameSamples;
        return out;
    }
    // Concealment, by the stream's codec.
    out.concealed = true;
    m_decoder->conceal(out.samples);
    ++m_concealedRun;
    ++m_stats.concealed;
    if (m_highest >= *m_next) {
        // Later frames are here: this one is lost (or later than the delay allows). Skip it.
        *m_next += m_config.frameSamples;
    } else if (m_concealedRun > 50) {
        // Half a second with nothing: the stream stopped. Start again from its next frame.
        m_next.reset();
        m_started = false;
        m_lastTransit.reset();
    }
    // Otherwise nothing has arrived yet for this time: the network is later than our delay.
    // Waiting a frame (not advancing) adds one frame of delay; this is how the delay grows.
    return out;
}

JitterBufferStats AudioJitterBuffer::stats() const {
    std::lock_guard lock(m_mutex);
    return m_stats;
}

} // namespace tc::media

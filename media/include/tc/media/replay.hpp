#pragma once
// Replay of a stethoscope recording (FLAC + manifest, see flac_recorder.hpp) through the same
// listening path as the live stream, so every filter and gain applies: play, pause, seek to the
// sample, jump between auscultation-site segments, loop a selection, and half speed with the
// pitch kept (WSOLA time stretching, so heart sounds keep their frequency).

#include "tc/media/auscultation.hpp"
#include "tc/media/jitter_buffer.hpp"
#include "tc/media/stethoscope_player.hpp"

#include <atomic>
#include <boost/system/result.hpp>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tc::media {

struct RecordingSegment {
    std::uint64_t startSample = 0;
    AuscultationSite site = AuscultationSite::mitral;
};

struct Recording {
    int sampleRate = 48000;
    std::vector<std::int16_t> samples;
    std::vector<RecordingSegment> segments;
};
// Decodes the FLAC file (GStreamer flacdec) and reads its manifest, if there is one.
boost::system::result<Recording> loadRecording(const std::filesystem::path& flacPath);

// WSOLA: time-scales `speed` (0.25-2.0) without changing pitch (1.0: the samples themselves). Reads the source from a cursor
// that the caller may move (seek); produces output in any block size.
class TimeStretcher {
public:
    explicit TimeStretcher(int sampleRate);
    void setSpeed(double speed) noexcept;
    double speed() const noexcept { return m_speed; }
    // Fills `out` from `source` starting at `position` (advanced by speed x out.size()).
    void render(std::span<const std::int16_t> source, double& position,
                std::span<std::int16_t> out);
    void reset() noexcept;

private:
    void nextGrain(std::span<const std::int16_t> source, double& position);
    std::size_t m_grain;  // window length
    std::size_t m_hop;    // output hop (half the window)
    std::size_t m_search; // +- samples searched for the best overlap
    double m_speed = 1.0;
    std::vector<float> m_window;
    std::vector<float> m_overlap; // the second half of the last grain, to add to the next
    std::vector<std::int16_t> m_ready;
    std::size_t m_readyAt = 0;
    std::optional<std::size_t> m_lastStart;
};

class ReplayPlayer {
public:
    static boost::system::result<std::unique_ptr<ReplayPlayer>> open(Recording recording,
                                                                     PlayerConfig output);
    ~ReplayPlayer();

    void play();
    void pause();
    bool playing() const noexcept { return m_playing; }
    // Moves to `seconds` (clamped to the recording); lands on the exact sample.
    void seek(double seconds);
    double position() const; // seconds
    double duration() const;
    int sampleRate() const noexcept { return m_recording.sampleRate; }
    // Loops [from, to) seconds; an empty range ends the loop.
    void setLoop(double fromSeconds, double toSeconds);
    void clearLoop();
    // 1.0, 0.5 or 2.0 (any value in [0.25, 2]); the pitch is kept.
    void setSpeed(double speed);
    // The next/previous site segment's start (the start of the current one when `next` is false
    // and we are more than a second into it).
    void jumpSegment(bool next);
    const std::vector<RecordingSegment>& segments() const noexcept { return m_recording.segments; }
    AuscultationSite siteAt(double seconds) const;

    StethoscopePlayer& output() { return *m_output; }

private:
    ReplayPlayer(Recording recording, std::shared_ptr<AudioJitterBuffer> buffer);
    void feed();

    Recording m_recording;
    std::shared_ptr<AudioJitterBuffer> m_buffer;
    std::unique_ptr<StethoscopePlayer> m_output;
    TimeStretcher m_stretcher;
    mutable std::mutex m_mutex;
    double m_position = 0;                           // samples, fractional under time stretching
    std::optional<std::pair<double, double>> m_loop; // samples
    std::atomic<bool> m_playing{false};
    std::atomic<bool> m_running{true};
    std::uint32_t m_timestamp = 0;
    std::jthread m_thread;
};

} // namespace tc::media

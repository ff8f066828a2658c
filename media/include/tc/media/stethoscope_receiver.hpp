#pragma once
// The console's stethoscope receive path, fed with the RTP session's packets (originals and
// packets rebuilt from RTX, on the protocol thread): depacketise, restore the order, wait for
// retransmissions up to a deadline, and hand the raw signal, with its auscultation site, to the
// recorder when one is running. An Opus stream is decoded twice, each side in its own order: at
// playout time by the jitter buffer (late frames concealed), and after reassembly for the
// recording, so that a retransmitted frame is recorded as sent. Thread-safe: recording is
// started and stopped from the UI.

#include "tc/media/flac_recorder.hpp"
#include "tc/media/jitter_buffer.hpp"
#include "tc/media/stethoscope_stream.hpp"

#include <atomic>
#include <functional>
#include <mutex>

namespace tc::media {

class StethoscopeReceiver {
public:
    // `recoveryDeadline`: how long a missing frame is waited for (the RTX deadline).
    static boost::system::result<std::shared_ptr<StethoscopeReceiver>>
    create(StethoscopeFormat format,
           std::chrono::milliseconds recoveryDeadline = std::chrono::milliseconds(500));
    // L16 only (it cannot fail).
    explicit StethoscopeReceiver(
        StethoscopeFormat format,
        std::chrono::milliseconds recoveryDeadline = std::chrono::milliseconds(500));
    ~StethoscopeReceiver();

    void onPacket(std::span<const std::uint8_t> packet);

    // The heart sounds' envelope on the session clock, for drawing under the ECG: the peak
    // magnitude (0-1 of full scale) of every 5 ms, in order after reassembly, called on the
    // protocol thread. Only frames that carry a capture time (the extension negotiated) count.
    using EnvelopeTap =
        std::function<void(std::int64_t startUs, int rateHz, std::vector<float> envelope)>;
    void setEnvelopeTap(EnvelopeTap tap);

    boost::system::error_code startRecording(const std::filesystem::path& flacPath);
    // Flushes what is still waiting (gaps filled), ends the file and its manifest.
    boost::system::error_code stopRecording();
    bool recording() const;

    struct Stats {
        std::uint64_t frames = 0;
        std::uint64_t gaps = 0;
        std::uint64_t duplicates = 0;
        std::uint64_t foreign = 0;     // not of our format
        std::uint64_t undecodable = 0; // Opus frames the recording side could not decode
        std::optional<AuscultationSite> site;
        // Why the last recording stopped by itself (a full disk, a dead encoder); the
        // consultation and the stream go on.
        boost::system::error_code recordingFailure;
    };
    Stats stats() const;
    const StethoscopeFormat& format() const noexcept { return m_format; }
    // The playout side: frames as they arrive, for the player's jitter buffer.
    const std::shared_ptr<AudioJitterBuffer>& playout() const noexcept { return m_playout; }

private:
    void deliver(std::vector<FrameAssembler::Ready> ready);
    void flushPending();
    void writeToRecorder(std::span<const std::int16_t> samples, bool gap);

    StethoscopeReceiver(StethoscopeFormat format, std::chrono::milliseconds recoveryDeadline,
                        std::unique_ptr<AudioFrameDecoder> playoutDecoder,
                        std::unique_ptr<AudioFrameDecoder> recordingDecoder);

    StethoscopeFormat m_format;
    std::shared_ptr<AudioJitterBuffer> m_playout;
    std::unique_ptr<AudioFrameDecoder> m_recordingDecoder; // Opus only
    mutable std::mutex m_mutex;
    FrameAssembler m_assembler;
    std::unique_ptr<FlacRecorder> m_recorder;
    EnvelopeTap m_envelopeTap;
    std::vector<std::int16_t> m_pending; // up to 20 ms for the encoder
    std::optional<AuscultationSite> m_pendingSite;
    Stats m_stats;
};

} // namespace tc::media

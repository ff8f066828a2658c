#include "tc/media/stethoscope_receiver.hpp"

namespace tc::media {

StethoscopeReceiver::StethoscopeReceiver(StethoscopeFormat format,
                                         std::chrono::milliseconds recoveryDeadline)
    : m_format(format)
    , m_playout(std::make_shared<AudioJitterBuffer>(
          JitterBufferConfig{format.sampleRate, format.frameSamples()}))
    , m_assembler(format.frameSamples(), recoveryDeadline) {}

StethoscopeReceiver::~StethoscopeReceiver() {
    stopRecording();
}

void StethoscopeReceiver::onPacket(std::span<const std::uint8_t> packet) {
    auto frame = depacketizeL16(packet, m_format);
    std::lock_guard lock(m_mutex);
    if (!frame) {
        ++m_stats.foreign;
        return;
    }
    const auto now = FrameAssembler::Clock::now();
    m_playout->push(frame->timestamp, frame->samples, now);
    m_assembler.push(std::move(*frame), now);
    deliver(m_assembler.take(now));
}

void StethoscopeReceiver::deliver(std::vector<FrameAssembler::Ready> ready) {
    for (auto& r : ready) {
        ++m_stats.frames;
        if (r.frame.site) {
            m_stats.site = r.frame.site;
        }
        if (m_recorder) {
            // A failed write ends this recording, not the consultation; the manifest so far
            // stays on disk.
            if (m_recorder->write(r.frame.samples, m_stats.site, r.gap)) {
                m_recorder.reset();
            }
        }
    }
    m_stats.gaps = m_assembler.gaps();
    m_stats.duplicates = m_assembler.duplicates();
}

boost::system::error_code StethoscopeReceiver::startRecording(const std::filesystem::path& path) {
    auto recorder = FlacRecorder::start(path, m_format.sampleRate);
    if (!recorder) {
        return recorder.error();
    }
    std::lock_guard lock(m_mutex);
    if (m_recorder) {
        m_recorder->stop();
    }
    m_recorder = std::move(*recorder);
    return {};
}

boost::system::error_code StethoscopeReceiver::stopRecording() {
    std::unique_ptr<FlacRecorder> recorder;
    {
        std::lock_guard lock(m_mutex);
        if (!m_recorder) {
            return {};
        }
        deliver(m_assembler.flush());
        recorder = std::move(m_recorder);
    }
    return recorder->stop(); // outside the lock: the encoder may take a moment to drain
}

bool StethoscopeReceiver::recording() const {
    std::lock_guard lock(m_mutex);
    return m_recorder != nullptr;
}

StethoscopeReceiver::Stats StethoscopeReceiver::stats() const {
    std::lock_guard lock(m_mutex);
    return m_stats;
}

} // namespace tc::media

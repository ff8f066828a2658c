#include "tc/media/stethoscope_receiver.hpp"

#include <algorithm>
#include <cstdlib>

namespace tc::media {

StethoscopeReceiver::StethoscopeReceiver(StethoscopeFormat format,
                                         std::chrono::milliseconds recoveryDeadline,
                                         std::unique_ptr<AudioFrameDecoder> playoutDecoder,
                                         std::unique_ptr<AudioFrameDecoder> recordingDecoder)
    : m_format(format)
    , m_playout(std::make_shared<AudioJitterBuffer>(
          JitterBufferConfig{format.sampleRate, format.frameSamples()}, std::move(playoutDecoder)))
    , m_recordingDecoder(std::move(recordingDecoder))
    , m_assembler(format.frameSamples(), recoveryDeadline) {}

StethoscopeReceiver::StethoscopeReceiver(StethoscopeFormat format,
                                         std::chrono::milliseconds recoveryDeadline)
    : StethoscopeReceiver(format, recoveryDeadline, makePcmDecoder(), nullptr) {
    m_format.encoding = AudioEncoding::l16;
}

boost::system::result<std::shared_ptr<StethoscopeReceiver>>
StethoscopeReceiver::create(StethoscopeFormat format, std::chrono::milliseconds recoveryDeadline) {
    if (format.encoding == AudioEncoding::l16) {
        return std::make_shared<StethoscopeReceiver>(format, recoveryDeadline);
    }
    auto playout = makeOpusDecoder(format.sampleRate);
    auto recording = makeOpusDecoder(format.sampleRate);
    if (!playout || !recording) {
        return make_error_code(CodecErrc::badParameters);
    }
    return std::shared_ptr<StethoscopeReceiver>(new StethoscopeReceiver(
        format, recoveryDeadline, std::move(*playout), std::move(*recording)));
}

StethoscopeReceiver::~StethoscopeReceiver() {
    stopRecording();
}

void StethoscopeReceiver::onPacket(std::span<const std::uint8_t> packet) {
    auto frame = depacketizeStethoscope(packet, m_format);
    std::lock_guard lock(m_mutex);
    if (!frame) {
        ++m_stats.foreign;
        return;
    }
    const auto now = FrameAssembler::Clock::now();
    if (m_format.encoding == AudioEncoding::opus) {
        m_playout->pushEncoded(frame->timestamp, frame->encoded, now);
    } else {
        m_playout->push(frame->timestamp, frame->samples, now);
    }
    m_assembler.push(std::move(*frame), now);
    deliver(m_assembler.take(now));
}

void StethoscopeReceiver::setEnvelopeTap(EnvelopeTap tap) {
    std::lock_guard lock(m_mutex);
    m_envelopeTap = std::move(tap);
}

void StethoscopeReceiver::deliver(std::vector<FrameAssembler::Ready> ready) {
    for (auto& r : ready) {
        ++m_stats.frames;
        if (m_recordingDecoder) {
            // In order: a gap is concealed to keep the decoder's state, and recorded as silence.
            std::vector<std::int16_t> decoded(r.frame.duration);
            if (r.gap) {
                m_recordingDecoder->conceal(decoded);
            } else {
                if (m_recordingDecoder->decode(r.frame.encoded, decoded)) {
                    ++m_stats.undecodable;
                }
                r.frame.samples = std::move(decoded);
            }
        }
        if (r.frame.site) {
            m_stats.site = r.frame.site;
        }
        if (m_envelopeTap && !r.gap && r.frame.captureUs) {
            constexpr int kEnvelopeRate = 200; // 5 ms bins: S1 and S2 stand apart
            const auto bin = static_cast<std::size_t>(m_format.sampleRate / kEnvelopeRate);
            std::vector<float> envelope;
            for (std::size_t at = 0; at + bin <= r.frame.samples.size(); at += bin) {
                int peak = 0;
                for (std::size_t i = at; i < at + bin; ++i) {
                    peak = std::max(peak, std::abs(static_cast<int>(r.frame.samples[i])));
                }
                envelope.push_back(static_cast<float>(peak) / 32768.0f);
            }
            if (!envelope.empty()) {
                m_envelopeTap(*r.frame.captureUs, kEnvelopeRate, std::move(envelope));
            }
        }
        if (m_recorder) {
            // Frames go to the encoder 20 ms at a time (a crash loses what waits here, plus the
            // encoder's 24 ms block: well under 100 ms); a site change or a gap is written at
            // once, so that the manifest marks the exact sample.
            const bool boundary = r.gap || m_stats.site != m_pendingSite;
            if (boundary) {
                flushPending();
            }
            if (r.gap) {
                writeToRecorder(r.frame.samples, true);
            } else {
                m_pending.insert(m_pending.end(), r.frame.samples.begin(), r.frame.samples.end());
                m_pendingSite = m_stats.site;
                if (m_pending.size() >= static_cast<std::size_t>(m_format.sampleRate / 50)) {
                    flushPending();
                }
            }
        }
    }
    m_stats.gaps = m_assembler.gaps();
    m_stats.duplicates = m_assembler.duplicates();
}

void StethoscopeReceiver::flushPending() {
    if (!m_pending.empty()) {
        writeToRecorder(m_pending, false);
        m_pending.clear();
    }
}

void StethoscopeReceiver::writeToRecorder(std::span<const std::int16_t> samples, bool gap) {
    // A failed write ends this recording, not the consultation; the manifest so far stays.
    if (!m_recorder) {
        return;
    }
    if (const auto ec = m_recorder->write(samples, gap ? m_stats.site : m_pendingSite, gap)) {
        m_stats.recordingFailure = ec;
        m_recorder->stop(); // closes what was written, and its manifest
        m_recorder.reset();
    }
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
    m_stats.recordingFailure = {};
    m_pending.clear();
    m_pendingSite = m_stats.site;
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
        flushPending();
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

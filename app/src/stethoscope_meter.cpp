#include "stethoscope_meter.hpp"

#include "tc/media/spectrum.hpp"
#include "tc/media/stethoscope_player.hpp"

#include <algorithm>
#include <vector>

namespace tc::app {

namespace {

constexpr int kClipHoldTicks = 20;  // the clip light stays on a second (ticks of 50 ms)
constexpr int kWaveformSeconds = 3; // on screen

} // namespace

void StethoscopeMeter::update(media::StethoscopePlayer& player, int sampleRate) {
    const auto level = player.takeLevel();
    m_levelDb = level.peakDbfs;
    if (player.takeClipped()) {
        m_clipHold = kClipHoldTicks;
    } else if (m_clipHold > 0) {
        --m_clipHold;
    }
    // The phonocardiogram: the player's min/max envelope, so that no click or S1 is missed.
    const auto envelope = player.envelope(kWaveformSeconds);
    m_waveform.clear();
    m_waveform.reserve(static_cast<qsizetype>(envelope.size()));
    for (const float v : envelope) {
        m_waveform.append(static_cast<double>(v));
    }
    // The spectrogram's next column from the last 1024 samples (21 ms at 48 kHz).
    const auto recent = player.recentSamples(1024);
    const auto bands = media::spectrumDb(recent, sampleRate, 40);
    m_spectrum.clear();
    std::vector<double> levels;
    levels.reserve(bands.size());
    for (const float db : bands) {
        levels.push_back(std::clamp((static_cast<double>(db) + 80.0) / 80.0, 0.0, 1.0));
        m_spectrum.append(levels.back());
    }
    m_pictures.update(envelope, levels);
    emit changed();
}

void StethoscopeMeter::clear() {
    m_levelDb = -120;
    m_clipHold = 0;
    m_waveform.clear();
    m_spectrum.clear();
    m_pictures.clear();
    emit changed();
}

void StethoscopeMeter::setSurfaces(VideoSurface* phonocardiogram, VideoSurface* spectrogram) {
    m_pictures.setSurfaces(phonocardiogram, spectrogram);
    m_pictures.clear();
}

} // namespace tc::app

#pragma once
// The stethoscope panel's live pictures, painted in C++ into images that VideoSurfaces (given
// by QML, never looked up) show stretched: the phonocardiogram (the last seconds as heard,
// min/max per 5 ms so that no click or S1 is lost) and the scrolling spectrogram (0-2 kHz,
// brighter is louder). Painting them here, 20 times a second, costs a fraction of a
// millisecond; a QML Canvas did it in JavaScript on the UI thread, where the video frames wait.

#include <QImage>
#include <QPointer>
#include <deque>
#include <span>
#include <vector>

namespace tc::app {

class VideoSurface;

class StethoscopeMeters {
public:
    static constexpr int kSpectrogramColumns = 120; // six seconds at 20 Hz

    void setSurfaces(VideoSurface* phonocardiogram, VideoSurface* spectrogram);
    // `envelope`: min/max pairs, oldest first, in -1..1; `bands`: 0..1 levels, lowest first.
    void update(std::span<const float> envelope, std::span<const double> bands);
    // Nothing heard: both pictures blank (a new consultation).
    void clear();

    // What was painted last (for tests).
    const QImage& phonocardiogram() const { return m_phonocardiogram; }
    const QImage& spectrogram() const { return m_spectrogram; }

private:
    void paintPhonocardiogram(std::span<const float> envelope);
    void paintSpectrogram();

    QPointer<VideoSurface> m_phonocardiogramSurface;
    QPointer<VideoSurface> m_spectrogramSurface;
    std::deque<std::vector<double>> m_columns; // oldest first
    QImage m_phonocardiogram;
    QImage m_spectrogram;
};

} // namespace tc::app

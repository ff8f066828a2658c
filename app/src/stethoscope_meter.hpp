#pragma once
// The stethoscope's live meter, as the doctor hears it (after filter and gain): the peak level,
// the clip light (held a second), the phonocardiogram's envelope and the latest spectrogram
// column, and the two pictures painted from them (StethoscopeMeters, into VideoSurfaces QML
// hands over). StethoscopeController owns it (its `meter`) and updates it from the player 20
// times a second on the UI thread; it cannot fail, so it has no errorString.

#include "stethoscope_meters.hpp"

#include <QObject>
#include <QVariantList>

namespace tc::media {
class StethoscopePlayer;
}

namespace tc::app {

class VideoSurface;

class StethoscopeMeter : public QObject {
    Q_OBJECT
    // Peak level of the last tick, in dBFS (-120 when nothing is heard).
    Q_PROPERTY(double levelDb READ levelDb NOTIFY changed)
    Q_PROPERTY(bool clipping READ clipping NOTIFY changed)
    // The last three seconds as min/max pairs in -1..1, oldest first.
    Q_PROPERTY(QVariantList waveform READ waveform NOTIFY changed)
    // The latest spectrogram column: 0..1 levels for 40 bands from 0 to 2 kHz (-80..0 dBFS).
    Q_PROPERTY(QVariantList spectrum READ spectrum NOTIFY changed)

public:
    using QObject::QObject;

    double levelDb() const { return m_levelDb; }
    bool clipping() const { return m_clipHold > 0; }
    QVariantList waveform() const { return m_waveform; }
    QVariantList spectrum() const { return m_spectrum; }

    // Where the phonocardiogram and the spectrogram are drawn (VideoSurfaces with stretch on);
    // null to stop drawing them.
    Q_INVOKABLE void setSurfaces(tc::app::VideoSurface* phonocardiogram,
                                 tc::app::VideoSurface* spectrogram);
    const StethoscopeMeters& pictures() const { return m_pictures; }

    // One tick: reads what `player` played since the last one (`sampleRate` Hz).
    void update(media::StethoscopePlayer& player, int sampleRate);
    // Nothing heard: silence, no clip, blank pictures (the stream has gone).
    void clear();

signals:
    void changed();

private:
    double m_levelDb = -120;
    int m_clipHold = 0; // ticks left showing the clip light
    QVariantList m_waveform;
    QVariantList m_spectrum;
    StethoscopeMeters m_pictures;
};

} // namespace tc::app

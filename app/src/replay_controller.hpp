#pragma once
// Listening again to the consultation's last stethoscope recording, with the live controls'
// filter, gain and volume (changed on either, applied to both), plus seek, half speed with the
// pitch kept, a loop around the current moment, and jumps between auscultation sites. The live
// stethoscope is muted while a replay plays.

#include "stethoscope_controller.hpp"
#include "tc/media/replay.hpp"

#include <QObject>
#include <QTimer>
#include <QVariantList>

namespace tc::app {

class ReplayController : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool available READ available NOTIFY availableChanged)
    Q_PROPERTY(bool open READ isOpen NOTIFY stateChanged)
    Q_PROPERTY(bool playing READ playing NOTIFY stateChanged)
    Q_PROPERTY(double position READ position NOTIFY positionChanged)
    Q_PROPERTY(double duration READ duration NOTIFY stateChanged)
    Q_PROPERTY(bool halfSpeed READ halfSpeed WRITE setHalfSpeed NOTIFY stateChanged)
    Q_PROPERTY(bool looping READ looping NOTIFY stateChanged)
    Q_PROPERTY(QString siteLabel READ siteLabel NOTIFY positionChanged)
    Q_PROPERTY(QVariantList segments READ segments NOTIFY stateChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY stateChanged)

public:
    explicit ReplayController(StethoscopeController* live, QObject* parent = nullptr);
    ~ReplayController() override;

    bool available() const { return !m_live->lastRecording().isEmpty(); }
    bool isOpen() const { return m_replay != nullptr; }
    bool playing() const { return m_replay && m_replay->playing(); }
    double position() const { return m_replay ? m_replay->position() : 0; }
    double duration() const { return m_replay ? m_replay->duration() : 0; }
    bool halfSpeed() const { return m_halfSpeed; }
    void setHalfSpeed(bool half);
    bool looping() const { return m_looping; }
    QString siteLabel() const;
    QVariantList segments() const;
    QString errorString() const { return m_error; }

    Q_INVOKABLE void openLast();
    Q_INVOKABLE void close();
    Q_INVOKABLE void togglePlay();
    Q_INVOKABLE void seek(double seconds);
    // Loops 1.5 s either side of the current moment (a heart cycle or two), or ends the loop.
    Q_INVOKABLE void toggleLoop();
    Q_INVOKABLE void nextSegment();
    Q_INVOKABLE void previousSegment();

signals:
    void availableChanged();
    void stateChanged();
    void positionChanged();

private:
    void applyControls();

    StethoscopeController* m_live;
    std::unique_ptr<media::ReplayPlayer> m_replay;
    bool m_halfSpeed = false;
    bool m_looping = false;
    QString m_error;
    QTimer m_tick;
};

} // namespace tc::app

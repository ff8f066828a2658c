#pragma once
// Listening again to the consultation's last stethoscope recording, or any recording in the
// recording directory, with the live controls' filter, gain and volume (changed on either,
// applied to both), plus seek, half speed with the pitch kept, a loop around the current moment,
// and jumps between auscultation sites. The live stethoscope is muted while a replay plays.
// At start-up, recordings a crash interrupted are repaired (tc/media/recording_repair.hpp) on a
// worker thread and listed, marked as recovered.

#include "controller.hpp"
#include "stethoscope_controller.hpp"
#include "tc/media/recording_repair.hpp"
#include "tc/media/replay.hpp"

#include <QObject>
#include <QTimer>
#include <QVariantList>
#include <thread>

namespace tc::app {

class ReplayController : public Controller {
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
    // The recordings replay can open, newest first: {file, started (UTC), seconds, label,
    // recovered}.
    Q_PROPERTY(QVariantList recordings READ recordings NOTIFY recordingsChanged)
    // How many interrupted recordings the last recoverInterrupted() mended.
    Q_PROPERTY(int recoveredCount READ recoveredCount NOTIFY recordingsChanged)

public:
    explicit ReplayController(StethoscopeController* live, QObject* parent = nullptr);
    ~ReplayController() override;

    bool available() const {
        return !m_live->recorder()->file().isEmpty() || !m_recordings.isEmpty();
    }
    bool isOpen() const { return m_replay != nullptr; }
    bool playing() const { return m_replay && m_replay->playing(); }
    double position() const { return m_replay ? m_replay->position() : 0; }
    double duration() const { return m_replay ? m_replay->duration() : 0; }
    bool halfSpeed() const { return m_halfSpeed; }
    void setHalfSpeed(bool half);
    bool looping() const { return m_looping; }
    QString siteLabel() const;
    QVariantList segments() const;
    QVariantList recordings() const { return m_recordings; }
    int recoveredCount() const { return m_recoveredCount; }

    // The consultation's last recording, else the newest listed.
    Q_INVOKABLE void openLast();
    Q_INVOKABLE void openFile(const QString& file);
    // Repairs, off the UI thread, the recordings a crash left in the recording directory, then
    // lists them (recordingsChanged). Called once at start-up.
    Q_INVOKABLE void recoverInterrupted();
    Q_INVOKABLE void refreshRecordings();
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
    void recordingsChanged();
    void positionChanged();

private:
    void applyControls();
    void setRecordings(const std::vector<media::RecordingEntry>& entries);

    StethoscopeController* m_live;
    std::unique_ptr<media::ReplayPlayer> m_replay;
    bool m_halfSpeed = false;
    bool m_looping = false;
    QTimer m_tick;
    QVariantList m_recordings;
    int m_recoveredCount = 0;
    std::jthread m_recovery; // last: joined before the rest goes
};

} // namespace tc::app

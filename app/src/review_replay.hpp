#pragma once
// Replaying a whole consultation from its dossier (the directory layout of
// consultation_dossier.hpp: record.json, steth-*.flac, still-*.png, incidents.json, ...), for the
// coordinators' review and a doctor reopening a record. One clock runs over the session, from
// its start to its end, at 0.5x, 1x or 2x: the stethoscope recordings play when the clock is
// inside them, with the live stethoscope's filter, gain and volume and on its headset (the
// replay engine of replay_controller.hpp, pitch kept at every speed); the vitals panel shows the
// measurements taken so far; the still is the last one taken; the incidents on at that moment
// are listed; the ECG and pleth strips (WaveformStrip items given by the view) show the 25 mm/s
// window that ends at the clock; the signed report and ordonnances are read as text, each on the
// timeline's "documents" lane. Opening decodes the recordings on a worker thread and reports its
// progress. A coordinator's dossier is pseudonymised (review_replay_documents.hpp): it opens too.

#include "controller.hpp"
#include "stethoscope_controller.hpp"
#include "tc/media/replay.hpp"
#include "tc/prescriptions/consultation_record.hpp"
#include "tc/prescriptions/record_timeline.hpp"
#include "waveform_strip.hpp"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QVariantList>
#include <map>
#include <memory>
#include <thread>

namespace tc::app {

class ReviewReplayController : public Controller {
    Q_OBJECT
    Q_PROPERTY(bool loading READ loading NOTIFY stateChanged)
    Q_PROPERTY(double loadingProgress READ loadingProgress NOTIFY stateChanged)
    Q_PROPERTY(bool open READ isOpen NOTIFY stateChanged)
    Q_PROPERTY(bool playing READ playing NOTIFY stateChanged)
    Q_PROPERTY(double speed READ speed WRITE setSpeed NOTIFY stateChanged)
    // Seconds from the session's start; `begin` is the check-in (negative), `duration` the end.
    Q_PROPERTY(double position READ position NOTIFY positionChanged)
    Q_PROPERTY(double begin READ begin NOTIFY stateChanged)
    Q_PROPERTY(double duration READ duration NOTIFY stateChanged)
    // The timeline: {label, lane, id, kind, from, to} (seconds), by start.
    Q_PROPERTY(QVariantList items READ items NOTIFY stateChanged)
    // At the position: the auscultation playing ({id, kind, from, to} or empty), the latest
    // measurement of each code ({loinc, display, value, unit, at}), the still's file URL ("" before
    // the first), the incidents on ({kind, label, from, to, description}).
    Q_PROPERTY(QVariantMap auscultation READ auscultation NOTIFY positionChanged)
    Q_PROPERTY(QVariantList vitals READ vitals NOTIFY positionChanged)
    Q_PROPERTY(QString still READ still NOTIFY positionChanged)
    Q_PROPERTY(QVariantList incidents READ incidents NOTIFY positionChanged)
    Q_PROPERTY(QString recordId READ recordId NOTIFY stateChanged)
    // The signed documents as text (readReplayDocuments: {id, kind, title, heading, at, sections,
    // lines}), and whether the dossier has ECG/pleth to draw.
    Q_PROPERTY(QVariantList documents READ documents NOTIFY stateChanged)
    Q_PROPERTY(bool hasWaveforms READ hasWaveforms NOTIFY stateChanged)

public:
    explicit ReviewReplayController(StethoscopeController* live, QObject* parent = nullptr);
    ~ReviewReplayController() override;

    bool loading() const { return m_loader.joinable() && !m_loaded; }
    double loadingProgress() const { return m_progress; }
    bool isOpen() const { return m_record != nullptr; }
    bool playing() const { return m_playing; }
    double speed() const { return m_speed; }
    void setSpeed(double speed); // 0.5, 1 or 2; anything else is ignored
    double position() const;
    double begin() const { return m_timeline.beginMs / 1000.0; }
    double duration() const { return m_timeline.durationMs / 1000.0; }
    QVariantList items() const { return m_items; }
    QVariantMap auscultation() const;
    QVariantList vitals() const;
    QString still() const;
    QVariantList incidents() const;
    QString recordId() const;
    QVariantList documents() const { return m_documents; }
    bool hasWaveforms() const { return m_hasWaveforms; }
    // The replay's traces (session time: µs from the start), for tests and the strips.
    const WaveformTrace& ecgTrace() const { return m_ecg; }
    const WaveformTrace& plethTrace() const { return m_pleth; }

    // Opens the dossier in `directory`: its record at once, its recordings on a worker thread
    // (loading, loadingProgress); the clock stands at the start until they are decoded.
    Q_INVOKABLE void openDossier(const QString& directory);
    Q_INVOKABLE void close();
    Q_INVOKABLE void togglePlay();
    Q_INVOKABLE void seek(double seconds);
    // The next (or previous) item of a lane: "auscultations", "measurements", "stills",
    // "incidents", "milestones".
    Q_INVOKABLE void jump(const QString& lane, bool forward);
    // The view's strips: they draw this replay's ECG and pleth, their right edge at the clock.
    Q_INVOKABLE void setEcgStrip(tc::app::WaveformStrip* strip);
    Q_INVOKABLE void setPlethStrip(tc::app::WaveformStrip* strip);

signals:
    void stateChanged();
    void positionChanged();

private:
    QString labelOf(const prescriptions::TimelineItem& item) const;
    static QString incidentLabel(const QString& kind);
    void tick();
    void settle(std::int64_t atMs); // the stethoscope follows the clock
    std::int64_t positionMs() const;
    void stopClock();
    void joinLoader();
    void updateStrips();

    StethoscopeController* m_live;
    std::unique_ptr<prescriptions::ConsultationRecord> m_record;
    prescriptions::RecordTimeline m_timeline;
    QVariantList m_items;
    QString m_directory;
    std::map<std::string, media::Recording> m_recordings; // by file name, once decoded
    std::unique_ptr<media::ReplayPlayer> m_player;
    std::string m_playerFile; // the recording m_player plays
    bool m_playing = false;
    double m_speed = 1.0;
    std::int64_t m_anchorMs = 0; // the position when the clock last (re)started
    QElapsedTimer m_clock;
    QTimer m_tick;
    double m_progress = 0;
    bool m_loaded = false;
    QVariantList m_documents;
    WaveformTrace m_ecg{std::chrono::hours(24)}; // the whole consultation: nothing is forgotten
    WaveformTrace m_pleth{std::chrono::hours(24)};
    bool m_hasWaveforms = false;
    QPointer<WaveformStrip> m_ecgStrip;
    QPointer<WaveformStrip> m_plethStrip;
    std::uint64_t m_generation = 0; // a close or another open drops a loader's late results
    std::jthread m_loader;          // last: joined before the rest goes
};

} // namespace tc::app

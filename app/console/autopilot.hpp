#pragma once
// `telecabine --autopilot`: drives the real controllers the way a doctor would (go on shift,
// take the first patient, join, examine, prescribe, end) so the end-to-end test exercises the
// console itself.

#include <QImage>
#include <QObject>
#include <QString>
#include <QTimer>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>

class QQuickWindow;

namespace tc::app {
class ArchiveUploads;
class ConnectionController;
class QueueModel;
class SessionController;
} // namespace tc::app

namespace tc::console {

class Autopilot : public QObject {
    Q_OBJECT
public:
    Autopilot(app::ConnectionController* connection, app::QueueModel* queue,
              app::SessionController* session, QString screenshotPath,
              // the doctor's passphrase, asked again to sign the ordonnance
              QString passphrase, int timeoutSeconds, QObject* parent = nullptr);
    void setWindow(QQuickWindow* window) { m_window = window; }
    // The PIN of the card to sign with, when one is offered; without it, the identity file.
    void setCardPin(QString pin) { m_cardPin = std::move(pin); }
    // Records the stethoscope that long once the media flows, before the video checks: a test
    // then compares the recording with what the cabin sent, and can disturb the network
    // meanwhile. 0 records nothing.
    void setAuscultationSeconds(int seconds) { m_auscultationSeconds = seconds; }
    // Where the consultation's dossier goes at the end: the autopilot then waits until it is
    // archived (or refused) before it exits.
    void setArchive(app::ArchiveUploads* archive) { m_archive = archive; }
    // Only sign in and let the dossiers an earlier run left resume; exit once none is pending.
    void setArchiveOnly(bool archiveOnly) { m_archiveOnly = archiveOnly; }

private:
    void step();
    // Says, once, how long after the claim the first stethoscope sample was played (a sample
    // handed to the audio sink; with `--audio-sink none`, a clock-synchronised one).
    void reportFirstSound();
    // Records the stethoscope for m_auscultationSeconds, then goes on to checkVideo.
    void auscultate();
    // After join: two looks at the room camera, then the otoscope as the main view.
    void checkVideo();
    void waitForInstrument(const QImage& roomView, int triesLeft);
    // Then the vitals tab: the ECG drawn live and a measurement asked for and received.
    void checkVitals();
    void waitForVitals(int triesLeft);
    // Then the ordonnance: written, signed, sent to the cabin and printed there.
    void writePrescription();
    void signAndSend();
    void waitForPrint(int triesLeft);
    void writeReport();
    void signReport();
    void waitForCopy(int triesLeft);
    // After the end: until the dossier is archived, refused, or the timeout.
    void waitForArchive(const QString& recordId, int triesLeft);
    QImage grab() const;
    bool save(const QImage& image, const QString& suffix);
    void finish(int code, const QString& message);

    app::ConnectionController* m_connection;
    app::QueueModel* m_queue;
    app::SessionController* m_session;
    QQuickWindow* m_window = nullptr;
    QString m_screenshotPath;
    QString m_passphrase;
    QString m_cardPin;
    QTimer m_timeout;
    int m_auscultationSeconds = 0;
    bool m_claimed = false;
    std::chrono::steady_clock::time_point m_claimedAt;
    // Written once by the audio sink's thread (steady clock, ns; 0 = not yet), which can outlive
    // this object at shutdown: shared, not a member.
    std::shared_ptr<std::atomic<std::int64_t>> m_firstSoundNs =
        std::make_shared<std::atomic<std::int64_t>>(0);
    QTimer m_firstSoundWatch;
    bool m_ending = false;
    app::ArchiveUploads* m_archive = nullptr;
    bool m_ended = false;
    bool m_archiveOnly = false;
};

} // namespace tc::console

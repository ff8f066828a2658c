#include "stethoscope_recording.hpp"

#include "error_text.hpp"
#include "tc/media/stethoscope_receiver.hpp"

#include <QDateTime>
#include <QDir>

namespace tc::app {

StethoscopeRecording::StethoscopeRecording(QObject* parent)
    : Controller(parent) {}

StethoscopeRecording::~StethoscopeRecording() {
    detach();
}

void StethoscopeRecording::attach(std::shared_ptr<media::StethoscopeReceiver> receiver,
                                  const QString& sessionId) {
    detach();
    m_receiver = std::move(receiver);
    m_sessionId = sessionId;
}

void StethoscopeRecording::detach() {
    stop();
    m_receiver.reset();
}

bool StethoscopeRecording::recording() const {
    return m_receiver && m_receiver->recording();
}

int StethoscopeRecording::seconds() const {
    return recording() ? static_cast<int>((QDateTime::currentMSecsSinceEpoch() - m_started) / 1000)
                       : 0;
}

void StethoscopeRecording::showSeconds() {
    const int now = seconds();
    if (now != m_shownSeconds) {
        m_shownSeconds = now;
        emit secondsChanged();
    }
}

void StethoscopeRecording::start() {
    if (!m_receiver || recording()) {
        return;
    }
    QDir().mkpath(m_directory);
    const QString name =
        QStringLiteral("%1-%2.flac")
            .arg(m_sessionId.isEmpty() ? QStringLiteral("session") : m_sessionId,
                 QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    const QString path = QDir(m_directory).filePath(name);
    if (const auto ec = m_receiver->startRecording(path.toStdString())) {
        setError(tr("Enregistrement impossible : %1").arg(errorText(ec)));
        emit recordingChanged();
        return;
    }
    setError({});
    m_wasRecording = true;
    m_file = path;
    m_started = QDateTime::currentMSecsSinceEpoch();
    emit recordingChanged();
    showSeconds();
}

void StethoscopeRecording::stop() {
    if (!recording()) {
        return;
    }
    if (const auto ec = m_receiver->stopRecording()) {
        setError(tr("Fin d'enregistrement incomplète : %1").arg(errorText(ec)));
    }
    m_wasRecording = false;
    emit recordingChanged();
    showSeconds();
    emit finished(m_file, m_started, QDateTime::currentMSecsSinceEpoch() - m_started);
}

void StethoscopeRecording::toggle() {
    recording() ? stop() : start();
}

void StethoscopeRecording::poll(const boost::system::error_code& failure) {
    if (m_wasRecording && !recording()) {
        // The receive path ended the recording itself: say why; what was written is kept.
        m_wasRecording = false;
        setError(tr("Enregistrement interrompu : %1").arg(errorText(failure)));
        emit recordingChanged();
        emit finished(m_file, m_started, QDateTime::currentMSecsSinceEpoch() - m_started);
    }
    showSeconds();
}

} // namespace tc::app

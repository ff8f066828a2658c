#include "replay_controller.hpp"

#include "error_text.hpp"
#include "ui_dispatch.hpp"

#include <QDateTime>
#include <QVariantMap>

namespace tc::app {

ReplayController::ReplayController(StethoscopeController* live, QObject* parent)
    : Controller(parent)
    , m_live(live) {
    m_tick.setInterval(100);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        emit positionChanged();
        if (!playing()) {
            emit stateChanged(); // reached the end
        }
    });
    connect(m_live->recorder(), &StethoscopeRecording::recordingChanged, this, [this] {
        if (!m_live->recorder()->recording()) {
            refreshRecordings(); // a recording just ended
        }
        emit availableChanged();
    });
    connect(m_live, &StethoscopeController::controlsChanged, this,
            &ReplayController::applyControls);
    connect(m_live, &StethoscopeController::availableChanged, this, [this] {
        if (!m_live->available()) {
            close(); // the consultation ended
        }
    });
}

ReplayController::~ReplayController() = default;

void ReplayController::applyControls() {
    if (!m_replay) {
        return;
    }
    auto& output = m_replay->output();
    output.setMode(StethoscopeController::filterOf(m_live->mode()));
    output.setGainDb(m_live->gainDb());
    output.setVolume(m_live->volume());
}

void ReplayController::setRecordings(const std::vector<media::RecordingEntry>& entries) {
    m_recordings.clear();
    for (const auto& entry : entries) {
        const double seconds =
            entry.sampleRate > 0 ? static_cast<double>(entry.samples) / entry.sampleRate : 0.0;
        const auto started =
            QDateTime::fromString(QString::fromStdString(entry.startedUtc), Qt::ISODate);
        const auto label = tr("%1 · %2 s")
                               .arg(started.toLocalTime().toString(QStringLiteral("dd/MM HH:mm")))
                               .arg(qRound(seconds)) +
                           (entry.recovered ? tr(" · récupéré après un arrêt") : QString());
        m_recordings.push_back(
            QVariantMap{{QStringLiteral("file"), QString::fromStdString(entry.flac.string())},
                        {QStringLiteral("started"), QString::fromStdString(entry.startedUtc)},
                        {QStringLiteral("seconds"), seconds},
                        {QStringLiteral("label"), label},
                        {QStringLiteral("recovered"), entry.recovered}});
    }
    emit recordingsChanged();
    emit availableChanged();
}

void ReplayController::refreshRecordings() {
    const auto directory = m_live->recorder()->directory();
    if (!directory.isEmpty()) {
        setRecordings(media::listRecordings(directory.toStdString()));
    }
}

void ReplayController::recoverInterrupted() {
    const auto directory = m_live->recorder()->directory().toStdString();
    if (directory.empty() || m_recovery.joinable()) {
        return;
    }
    // Decoding a long recording for its MD5 takes a moment: not on the UI thread.
    m_recovery = std::jthread([this, directory] {
        int repaired = 0;
        for (const auto& outcome : media::repairRecordings(directory)) {
            repaired += outcome.result.has_value() ? 1 : 0;
        }
        auto entries = media::listRecordings(directory);
        postToUi(this, [this, repaired, entries = std::move(entries)] {
            m_recoveredCount = repaired;
            setRecordings(entries);
        });
    });
}

void ReplayController::openLast() {
    if (m_live->recorder()->file().isEmpty() && !m_recordings.isEmpty()) {
        openFile(m_recordings.front().toMap().value(QStringLiteral("file")).toString());
        return;
    }
    openFile(m_live->recorder()->file());
}

void ReplayController::openFile(const QString& file) {
    close();
    if (m_live->recorder()->recording()) {
        m_live->recorder()->stop(); // what was just heard is what the doctor wants again
    }
    auto recording = media::loadRecording(file.toStdString());
    if (!recording) {
        setError(tr("Réécoute impossible : %1").arg(errorText(recording.error())));
        emit stateChanged();
        return;
    }
    media::PlayerConfig output;
    output.sink = m_live->selectedSink(); // the headset the doctor listens on now
    // A copy for the first try: if the device refuses, the same recording opens without output.
    auto replay = media::ReplayPlayer::open(*recording, output);
    if (!replay && output.sink != "none") {
        output.sink = "none";
        replay = media::ReplayPlayer::open(std::move(*recording), output);
    }
    if (!replay) {
        setError(tr("Réécoute impossible : %1").arg(errorText(replay.error())));
        emit stateChanged();
        return;
    }
    setError({});
    m_replay = std::move(*replay);
    m_replay->setSpeed(m_halfSpeed ? 0.5 : 1.0);
    applyControls();
    m_tick.start();
    emit stateChanged();
}

void ReplayController::close() {
    if (!m_replay) {
        return;
    }
    m_tick.stop();
    m_replay.reset();
    m_looping = false;
    m_live->setLiveMuted(false);
    emit stateChanged();
    emit positionChanged();
}

void ReplayController::togglePlay() {
    if (!m_replay) {
        return;
    }
    if (m_replay->playing()) {
        m_replay->pause();
        m_live->setLiveMuted(false);
    } else {
        m_live->setLiveMuted(true); // one thing in the doctor's ears at a time
        m_replay->play();
    }
    emit stateChanged();
}

void ReplayController::seek(double seconds) {
    if (m_replay) {
        m_replay->seek(seconds);
        emit positionChanged();
    }
}

void ReplayController::setHalfSpeed(bool half) {
    if (half == m_halfSpeed) {
        return;
    }
    m_halfSpeed = half;
    if (m_replay) {
        m_replay->setSpeed(half ? 0.5 : 1.0);
    }
    emit stateChanged();
}

void ReplayController::toggleLoop() {
    if (!m_replay) {
        return;
    }
    if (m_looping) {
        m_replay->clearLoop();
        m_looping = false;
    } else {
        const double here = m_replay->position();
        m_replay->setLoop(std::max(0.0, here - 1.5), std::min(m_replay->duration(), here + 1.5));
        m_looping = true;
    }
    emit stateChanged();
}

void ReplayController::nextSegment() {
    if (m_replay) {
        m_replay->jumpSegment(true);
        emit positionChanged();
    }
}

void ReplayController::previousSegment() {
    if (m_replay) {
        m_replay->jumpSegment(false);
        emit positionChanged();
    }
}

QString ReplayController::siteLabel() const {
    if (!m_replay || m_replay->segments().empty()) {
        return {};
    }
    return StethoscopeController::labelOf(
        QString::fromLatin1(media::toString(m_replay->siteAt(m_replay->position())).data()));
}

QVariantList ReplayController::segments() const {
    QVariantList out;
    if (!m_replay) {
        return out;
    }
    for (const auto& s : m_replay->segments()) {
        out.append(QVariantMap{
            {QStringLiteral("start"), static_cast<double>(s.startSample) / m_replay->sampleRate()},
            {QStringLiteral("label"),
             StethoscopeController::labelOf(QString::fromLatin1(media::toString(s.site).data()))}});
    }
    return out;
}

} // namespace tc::app

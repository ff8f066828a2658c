#include "review_replay.hpp"

#include "error_text.hpp"
#include "review_replay_documents.hpp"
#include "tc/protocol/pki.hpp"
#include "ui_dispatch.hpp"

#include <QLocale>
#include <QUrl>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace tc::app {

namespace {

using prescriptions::TimelineItem;
using prescriptions::TimelineLane;

constexpr int kTickMs = 40;

QString fromView(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QVariantMap toVariant(const TimelineItem& item, const QString& label = {}) {
    return {{QStringLiteral("label"), label},
            {QStringLiteral("lane"), fromView(wireName(item.lane))},
            {QStringLiteral("id"), QString::fromStdString(item.id)},
            {QStringLiteral("kind"), QString::fromStdString(item.kind)},
            {QStringLiteral("from"), item.fromMs / 1000.0},
            {QStringLiteral("to"), item.toMs / 1000.0}};
}

std::optional<TimelineLane> laneOf(const QString& name) {
    for (const auto lane :
         {TimelineLane::milestones, TimelineLane::auscultations, TimelineLane::measurements,
          TimelineLane::stills, TimelineLane::incidents}) {
        if (name.toStdString() == wireName(lane)) {
            return lane;
        }
    }
    return std::nullopt;
}

} // namespace

ReviewReplayController::ReviewReplayController(StethoscopeController* live, QObject* parent)
    : Controller(parent)
    , m_live(live) {
    m_tick.setInterval(kTickMs);
    connect(&m_tick, &QTimer::timeout, this, &ReviewReplayController::tick);
    // The live controls apply to the replay as they change.
    const auto apply = [this] {
        if (m_player) {
            auto& output = m_player->output();
            output.setMode(StethoscopeController::filterOf(m_live->mode()));
            output.setGainDb(m_live->gainDb());
            output.setVolume(m_live->volume());
        }
    };
    connect(m_live, &StethoscopeController::controlsChanged, this, apply);
    connect(this, &ReviewReplayController::positionChanged, this,
            &ReviewReplayController::updateStrips);
}

ReviewReplayController::~ReviewReplayController() {
    ++m_generation;
    m_loader.request_stop();
}

void ReviewReplayController::joinLoader() {
    ++m_generation;
    if (m_loader.joinable()) {
        m_loader.request_stop();
        m_loader.join();
    }
}

void ReviewReplayController::openDossier(const QString& directory) {
    close();
    const std::filesystem::path dir = directory.toStdString();
    const auto text = protocol::readFile(dir / "record.json");
    if (!text) {
        setError(tr("Dossier illisible : %1").arg(errorText(text.error())));
        emit stateChanged();
        return;
    }
    auto record = parseReviewRecord(*text);
    if (!record) {
        setError(tr("Dossier illisible : record.json n'est pas un dossier de consultation"));
        emit stateChanged();
        return;
    }
    setError({});
    m_record = std::make_unique<prescriptions::ConsultationRecord>(std::move(*record));
    m_timeline = prescriptions::buildTimeline(*m_record);
    m_directory = directory;
    m_items.clear();
    for (const auto& item : m_timeline.items) {
        m_items.push_back(toVariant(item, labelOf(item)));
    }
    // Small beside the recordings (minutes of two channels at 500 Hz): read here, on the UI
    // thread that owns the traces.
    QStringList problems;
    const auto waveforms = loadReplayWaveforms(dir, *m_record, m_ecg, m_pleth);
    m_hasWaveforms = waveforms.present;
    auto documents = readReplayDocuments(dir, *m_record);
    m_documents = documents.documents;
    m_items.append(documents.items);
    for (const auto& problem : {waveforms.problem, documents.problem}) {
        if (!problem.isEmpty()) {
            problems.push_back(problem);
        }
    }
    setError(problems.join(QStringLiteral(" · ")));
    std::vector<std::string> files;
    for (const auto& a : m_record->acts.auscultations) {
        files.push_back(a.recording);
    }
    m_progress = files.empty() ? 1.0 : 0.0;
    m_loaded = false;
    const auto generation = ++m_generation;
    // Decoding the recordings (GStreamer's flacdec) takes a moment: not on the UI thread.
    m_loader = std::jthread([this, dir, files, generation](std::stop_token stop) {
        for (std::size_t i = 0; i < files.size() && !stop.stop_requested(); ++i) {
            auto recording = media::loadRecording(dir / files[i]);
            const double progress = static_cast<double>(i + 1) / static_cast<double>(files.size());
            postToUi(this, [this, generation, name = files[i], progress,
                            recording = std::move(recording)]() mutable {
                if (generation != m_generation) {
                    return;
                }
                if (recording) {
                    m_recordings.emplace(name, std::move(*recording));
                } else {
                    setError(tr("Enregistrement %1 illisible : %2")
                                 .arg(QString::fromStdString(name), errorText(recording.error())));
                }
                m_progress = progress;
                emit stateChanged();
            });
        }
        postToUi(this, [this, generation] {
            if (generation == m_generation) {
                m_loaded = true;
                emit stateChanged();
            }
        });
    });
    m_anchorMs = 0;
    emit stateChanged();
    emit positionChanged();
}

void ReviewReplayController::close() {
    joinLoader();
    stopClock();
    m_player.reset();
    m_playerFile.clear();
    m_recordings.clear();
    m_record.reset();
    m_timeline = {};
    m_items.clear();
    m_documents.clear();
    m_ecg.clear();
    m_pleth.clear();
    m_hasWaveforms = false;
    m_anchorMs = 0;
    m_loaded = false;
    m_progress = 0;
    emit stateChanged();
    emit positionChanged();
}

std::int64_t ReviewReplayController::positionMs() const {
    if (!m_playing) {
        return m_anchorMs;
    }
    const auto elapsed = static_cast<double>(m_clock.elapsed()) * m_speed;
    return std::min(m_anchorMs + static_cast<std::int64_t>(elapsed), m_timeline.durationMs);
}

double ReviewReplayController::position() const {
    return positionMs() / 1000.0;
}

void ReviewReplayController::stopClock() {
    m_anchorMs = positionMs();
    m_playing = false;
    m_tick.stop();
    if (m_player) {
        m_player->pause();
    }
    m_live->setLiveMuted(false);
}

// The clock may run while the recordings are still being decoded: the timeline, the vitals,
// the strips and the documents need none of them, and each recording plays (tick → settle) as
// soon as it is decoded, which is long before the clock reaches it in all but a seek.
void ReviewReplayController::togglePlay() {
    if (!m_record) {
        return;
    }
    if (m_playing) {
        stopClock();
    } else {
        if (m_anchorMs >= m_timeline.durationMs) {
            m_anchorMs = 0; // from the start again
        }
        m_playing = true;
        m_clock.start();
        m_tick.start();
        m_live->setLiveMuted(true); // one thing in the reviewer's ears at a time
        settle(m_anchorMs);
    }
    emit stateChanged();
    emit positionChanged();
}

void ReviewReplayController::seek(double seconds) {
    if (!m_record) {
        return;
    }
    const auto target = static_cast<std::int64_t>(std::llround(seconds * 1000.0));
    m_anchorMs = std::clamp<std::int64_t>(target, 0, m_timeline.durationMs);
    if (m_playing) {
        m_clock.restart();
    }
    settle(m_anchorMs);
    emit positionChanged();
}

void ReviewReplayController::setSpeed(double speed) {
    if ((speed != 0.5 && speed != 1.0 && speed != 2.0) || speed == m_speed) {
        return;
    }
    m_anchorMs = positionMs();
    if (m_playing) {
        m_clock.restart();
    }
    m_speed = speed;
    if (m_player) {
        m_player->setSpeed(speed);
    }
    emit stateChanged();
}

void ReviewReplayController::jump(const QString& lane, bool forward) {
    const auto which = laneOf(lane);
    if (!m_record || !which) {
        return;
    }
    const auto now = positionMs();
    const auto* item = forward ? m_timeline.next(*which, now) : m_timeline.previous(*which, now);
    if (item != nullptr) {
        seek(std::max<std::int64_t>(item->fromMs, 0) / 1000.0);
    }
}

void ReviewReplayController::setEcgStrip(WaveformStrip* strip) {
    m_ecgStrip = strip;
    if (strip != nullptr) {
        strip->setTraces({{&m_ecg, QColor(0x10, 0x10, 0x10), 10, 0.5, true}});
        updateStrips();
    }
}

void ReviewReplayController::setPlethStrip(WaveformStrip* strip) {
    m_plethStrip = strip;
    if (strip != nullptr) {
        strip->setTraces({{&m_pleth, QColor(0x0a, 0x7d, 0x6e), 14, 0.85, false}});
        updateStrips();
    }
}

void ReviewReplayController::updateStrips() {
    for (const auto& strip : {m_ecgStrip, m_plethStrip}) {
        if (strip) {
            strip->setRightEdge(positionMs() * 1000);
        }
    }
}

void ReviewReplayController::tick() {
    const auto now = positionMs();
    settle(now);
    emit positionChanged();
    if (now >= m_timeline.durationMs) {
        stopClock();
        emit stateChanged();
    }
}

// Plays the recording the clock is in, at the clock's offset into it; nothing between them.
void ReviewReplayController::settle(std::int64_t atMs) {
    const TimelineItem* inside = nullptr;
    for (const auto* item : m_timeline.activeAt(atMs)) {
        if (item->lane == TimelineLane::auscultations && m_recordings.contains(item->id)) {
            inside = item;
        }
    }
    if (inside == nullptr) {
        m_player.reset();
        m_playerFile.clear();
        return;
    }
    const double offset = static_cast<double>(atMs - inside->fromMs) / 1000.0;
    if (m_playerFile != inside->id) {
        media::PlayerConfig output;
        output.sink = m_live->selectedSink();
        auto player = media::ReplayPlayer::open(m_recordings.at(inside->id), output);
        if (!player && output.sink != "none") {
            output.sink = "none"; // a device that refuses: the clock goes on, silent
            player = media::ReplayPlayer::open(m_recordings.at(inside->id), output);
        }
        if (!player) {
            setError(tr("Réécoute impossible : %1").arg(errorText(player.error())));
            return;
        }
        m_player = std::move(*player);
        m_playerFile = inside->id;
        m_player->setSpeed(m_speed);
        auto& controls = m_player->output();
        controls.setMode(StethoscopeController::filterOf(m_live->mode()));
        controls.setGainDb(m_live->gainDb());
        controls.setVolume(m_live->volume());
        m_player->seek(offset);
    } else if (std::abs(m_player->position() - offset) > 0.25) {
        m_player->seek(offset); // a seek, or drift between the clock and the audio device
    }
    if (m_playing && !m_player->playing()) {
        m_player->play();
    } else if (!m_playing && m_player->playing()) {
        m_player->pause();
    }
}

QVariantMap ReviewReplayController::auscultation() const {
    for (const auto* item : m_timeline.activeAt(positionMs())) {
        if (item->lane == TimelineLane::auscultations) {
            return toVariant(*item, labelOf(*item));
        }
    }
    return {};
}

// In the console's language; the measurements' names are the record's own (data, French).
QString ReviewReplayController::labelOf(const TimelineItem& item) const {
    const auto kind = QString::fromStdString(item.kind);
    switch (item.lane) {
    case TimelineLane::milestones:
        if (kind == QLatin1String("checkin")) {
            return tr("arrivée en cabine");
        }
        if (kind == QLatin1String("claim")) {
            return tr("prise en charge");
        }
        if (kind == QLatin1String("start")) {
            return tr("début de la téléconsultation");
        }
        if (kind == QLatin1String("end")) {
            return tr("fin");
        }
        return tr("compte rendu signé");
    case TimelineLane::auscultations:
        return StethoscopeController::labelOf(kind);
    case TimelineLane::measurements:
        for (const auto& m : m_record->acts.measurements) {
            if (m.id == item.id) {
                return QStringLiteral("%1 %2 %3")
                    .arg(QString::fromStdString(m.display), QLocale().toString(m.value),
                         QString::fromStdString(m.unit));
            }
        }
        return kind;
    case TimelineLane::stills:
        return tr("photo");
    case TimelineLane::incidents:
        return incidentLabel(kind);
    }
    return kind;
}

QString ReviewReplayController::incidentLabel(const QString& kind) {
    static const std::pair<const char*, const char*> kLabels[] = {
        {"media_path_change", QT_TR_NOOP("changement de chemin du média")},
        {"consent_lost", QT_TR_NOOP("consentement réseau perdu")},
        {"drop_and_resume", QT_TR_NOOP("média interrompu puis rétabli")},
        {"loss_burst", QT_TR_NOOP("pertes de paquets")},
        {"jitter_burst", QT_TR_NOOP("gigue")},
        {"frozen_video", QT_TR_NOOP("vidéo figée")},
        {"audio_device_error", QT_TR_NOOP("périphérique audio en erreur")},
    };
    for (const auto& [wire, label] : kLabels) {
        if (kind == QLatin1String(wire)) {
            return tr(label);
        }
    }
    return kind;
}

QVariantList ReviewReplayController::vitals() const {
    QVariantList out;
    if (!m_record) {
        return out;
    }
    for (const auto* m : m_timeline.vitalsAt(*m_record, positionMs())) {
        out.push_back(
            QVariantMap{{QStringLiteral("loinc"), QString::fromStdString(m->loinc)},
                        {QStringLiteral("display"), QString::fromStdString(m->display)},
                        {QStringLiteral("value"), m->value},
                        {QStringLiteral("unit"), QString::fromStdString(m->unit)},
                        {QStringLiteral("at"),
                         static_cast<double>(m->atMs - m_record->times.startMs) / 1000.0}});
    }
    return out;
}

QString ReviewReplayController::still() const {
    const auto* item = m_timeline.stillAt(positionMs());
    if (item == nullptr) {
        return {};
    }
    return QUrl::fromLocalFile(m_directory + QLatin1Char('/') + QString::fromStdString(item->id))
        .toString();
}

QVariantList ReviewReplayController::incidents() const {
    QVariantList out;
    if (!m_record) {
        return out;
    }
    const auto now = positionMs();
    for (const auto& incident : m_record->incidents) {
        const auto from = incident.startMs - m_record->times.startMs;
        const auto to = incident.endMs - m_record->times.startMs;
        if (from <= now && now < std::max(to, from + 1)) {
            const auto kind = fromView(wireName(incident.kind));
            out.push_back(QVariantMap{
                {QStringLiteral("kind"), kind},
                {QStringLiteral("label"), incidentLabel(kind)},
                {QStringLiteral("from"), from / 1000.0},
                {QStringLiteral("to"), to / 1000.0},
                {QStringLiteral("description"), QString::fromStdString(incident.descriptionFr)}});
        }
    }
    return out;
}

QString ReviewReplayController::recordId() const {
    return m_record ? QString::fromStdString(m_record->consultationId) : QString();
}

} // namespace tc::app

#include "stethoscope_controller.hpp"

#include "tc/errors/table_lookup.hpp"
#include "tc/protocol/session_kinds.hpp"

#include <algorithm>

namespace tc::app {

namespace {

constexpr int kRefreshMs = 50; // the meter, the site and the recording's seconds: 20 Hz

} // namespace

StethoscopeController::StethoscopeController(QObject* parent)
    : Controller(parent) {
    m_refresh.setInterval(kRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, &StethoscopeController::refresh);
}

StethoscopeController::~StethoscopeController() {
    detach();
}

void StethoscopeController::attach(std::shared_ptr<media::StethoscopeReceiver> receiver,
                                   const QString& sessionId) {
    detach();
    m_receiver = std::move(receiver);
    m_recorder.attach(m_receiver, sessionId);
    refreshOutputs(); // headsets come and go between consultations
    startPlayer();
    m_refresh.start();
    emit availableChanged();
}

std::string StethoscopeController::selectedSink() const {
    const int devices = static_cast<int>(m_devices.size());
    return m_output == 0         ? m_sink
           : m_output <= devices ? m_devices[static_cast<std::size_t>(m_output - 1)].sink
                                 : std::string("none");
}

void StethoscopeController::startPlayer() {
    m_player.reset();
    const std::string sink = selectedSink();
    media::PlayerConfig config;
    config.sampleRate = m_receiver->format().sampleRate;
    config.frameSamples = m_receiver->format().frameSamples();
    config.sink = sink;
    config.onRendered = m_renderObserver;
    auto player = media::StethoscopePlayer::start(m_receiver->playout(), config);
    if (!player && sink != "none") {
        // No headphones on this machine (or the device is busy): keep the stream, the meters
        // and the recording, and say so.
        config.sink = "none";
        player = media::StethoscopePlayer::start(m_receiver->playout(), config);
        m_outputText = tr("Aucune sortie audio disponible : écoute impossible, enregistrement "
                          "possible.");
    } else {
        m_outputText.clear();
    }
    if (player) {
        m_player = std::move(*player);
        m_player->setMode(filterOf(m_mode));
        m_player->setGainDb(m_gainDb);
        m_player->setVolume(m_liveMuted ? 0.0 : m_volume);
    }
    emit availableChanged(); // the output text
}

QStringList StethoscopeController::outputs() const {
    QStringList out{m_sink.empty() ? tr("Sortie audio par défaut du système")
                    : m_sink == "none"
                        ? tr("Aucune sortie (réglage du poste)")
                        : tr("Sortie configurée (%1)").arg(QString::fromStdString(m_sink))};
    for (const auto& device : m_devices) {
        out << QString::fromStdString(device.name);
    }
    out << tr("Aucune (enregistrement seul)");
    return out;
}

void StethoscopeController::refreshOutputs() {
    m_devices = media::listAudioOutputs();
    m_output = std::min(m_output, static_cast<int>(m_devices.size()) + 1);
    emit outputsChanged();
}

void StethoscopeController::setOutput(int index) {
    if (index < 0 || index > static_cast<int>(m_devices.size()) + 1 || index == m_output) {
        return;
    }
    m_output = index;
    if (m_receiver) {
        startPlayer(); // the headset changes at once, mid-auscultation
    }
    emit outputsChanged();
}

void StethoscopeController::detach() {
    if (!m_receiver) {
        return;
    }
    m_recorder.detach(); // stops a recording under way
    m_refresh.stop();
    m_player.reset();
    m_receiver.reset();
    m_site.clear();
    m_requestedSite.clear();
    m_meter.clear();
    emit availableChanged();
    emit siteChanged();
}

media::FilterMode StethoscopeController::filterOf(StethoscopeMode::Value mode) {
    static constexpr errors::EnumMap<StethoscopeMode::Raw, media::FilterMode> filters{
        {media::FilterMode::bell, media::FilterMode::diaphragm, media::FilterMode::extended,
         media::FilterMode::raw}};
    return filters(mode, media::FilterMode::bell);
}

void StethoscopeController::setMode(StethoscopeMode::Value mode) {
    if (mode < StethoscopeMode::Bell || mode > StethoscopeMode::Raw || mode == m_mode) {
        return; // QML may write any number
        return;
    }
    m_mode = mode;
    if (m_player) {
        m_player->setMode(filterOf(mode));
    }
    emit controlsChanged();
}

void StethoscopeController::setGainDb(double db) {
    db = std::clamp(db, 0.0, 40.0);
    if (db == m_gainDb) {
        return;
    }
    m_gainDb = db;
    if (m_player) {
        m_player->setGainDb(db);
    }
    emit controlsChanged();
}

void StethoscopeController::setLiveMuted(bool muted) {
    m_liveMuted = muted;
    if (m_player) {
        m_player->setVolume(muted ? 0.0 : m_volume);
    }
}

void StethoscopeController::setVolume(double volume) {
    volume = std::clamp(volume, 0.0, 1.0);
    if (volume == m_volume) {
        return;
    }
    m_volume = volume;
    if (m_player && !m_liveMuted) {
        m_player->setVolume(volume);
    }
    emit controlsChanged();
}

QString StethoscopeController::labelOf(const QString& site) {
    static const std::pair<const char*, const char*> kLabels[] = {
        {"aortic", QT_TR_NOOP("foyer aortique")},
        {"pulmonary", QT_TR_NOOP("foyer pulmonaire")},
        {"tricuspid", QT_TR_NOOP("foyer tricuspide")},
        {"mitral", QT_TR_NOOP("foyer mitral")},
        {"lung_right_upper", QT_TR_NOOP("poumon droit, haut")},
        {"lung_left_upper", QT_TR_NOOP("poumon gauche, haut")},
        {"lung_right_lower", QT_TR_NOOP("poumon droit, bas")},
        {"lung_left_lower", QT_TR_NOOP("poumon gauche, bas")},
        {"lung_right_posterior", QT_TR_NOOP("poumon droit, postérieur")},
        {"lung_left_posterior", QT_TR_NOOP("poumon gauche, postérieur")},
    };
    for (const auto& [key, label] : kLabels) {
        if (site == QLatin1String(key)) {
            return tr(label);
        }
    }
    return site;
}

QStringList StethoscopeController::sites() {
    return {QStringLiteral("aortic"),
            QStringLiteral("pulmonary"),
            QStringLiteral("tricuspid"),
            QStringLiteral("mitral"),
            QStringLiteral("lung_right_upper"),
            QStringLiteral("lung_left_upper"),
            QStringLiteral("lung_right_lower"),
            QStringLiteral("lung_left_lower"),
            QStringLiteral("lung_right_posterior"),
            QStringLiteral("lung_left_posterior")};
}

QString StethoscopeController::siteLabel() const {
    return m_site.isEmpty() ? tr("site inconnu") : labelOf(m_site);
}

void StethoscopeController::requestSite(const QString& site) {
    if (!sites().contains(site) || !m_send) {
        return;
    }
    m_requestedSite = site;
    setError({}); // a new request: the last refusal is history
    m_send(std::string(protocol::kind::stethoscopeSiteRequest), site.toStdString());
    emit siteChanged();
}

void StethoscopeController::onSiteAcknowledged(const QString& site, bool accepted) {
    if (!accepted) {
        setError(tr("La cabine n'a pas pu placer le stéthoscope : %1").arg(labelOf(site)));
    }
    if (site == m_requestedSite) {
        m_requestedSite.clear(); // the operator confirmed; the stream now says where it is
        emit siteChanged();
    }
}

void StethoscopeController::refresh() {
    if (!m_receiver) {
        return;
    }
    const auto stats = m_receiver->stats();
    m_recorder.poll(stats.recordingFailure);
    const QString site =
        stats.site ? QString::fromLatin1(media::toString(*stats.site).data()) : QString();
    if (site != m_site) {
        m_site = site;
        emit siteChanged();
    }
    if (m_player) {
        m_meter.update(*m_player, m_receiver->format().sampleRate);
    }
}

} // namespace tc::app

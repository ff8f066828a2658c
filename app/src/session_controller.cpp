#include "session_controller.hpp"

#include "console_offer.hpp"
#include "error_text.hpp"
#include "labels.hpp"
#include "queue_model.hpp"
#include "ui_dispatch.hpp"
#include "service_link.hpp"

#include <QDateTime>

#include <algorithm>
#include <optional>

namespace tc::app {

namespace {

constexpr std::size_t kMaxNoteBytes = 500;

// The reasons a doctor may give; peer_lost is the service's own.
std::optional<protocol::EndReason> chosenEndReason(const QString& wireName) {
    using R = protocol::EndReason;
    for (const auto reason : {R::completed, R::referredInPerson, R::referredEmergency,
                              R::notSuitable, R::patientLeft, R::technicalFailure}) {
        if (wireName == fromWire(protocol::toString(reason))) {
            return reason;
        }
    }
    return std::nullopt;
}

// At most `maxBytes` of UTF-8, cut between characters.
std::string truncatedUtf8(const QString& text, std::size_t maxBytes) {
    std::string bytes = text.toStdString();
    if (bytes.size() <= maxBytes) {
        return bytes;
    }
    std::size_t cut = maxBytes;
    while (cut > 0 && (static_cast<unsigned char>(bytes[cut]) & 0xC0U) == 0x80U) {
        --cut;
    }
    bytes.resize(cut);
    return bytes;
}

} // namespace

SessionController::SessionController(QObject* parent)
    : QObject(parent) {
    m_durationTick.setInterval(1000);
    connect(&m_durationTick, &QTimer::timeout, this, &SessionController::durationChanged);
    // Once a second: how many authenticated media packets arrived.
    m_mediaTick.setInterval(1000);
    connect(&m_mediaTick, &QTimer::timeout, this, [this] {
        const std::uint64_t now = m_mediaPackets ? m_mediaPackets->load() : 0;
        m_packetsPerSecond = static_cast<int>(now - m_lastMediaPackets);
        m_lastMediaPackets = now;
        emit mediaChanged();
    });
}

QString SessionController::mediaText() const {
    if (m_mediaState == QLatin1String("checking")) {
        return tr("Média : vérification du chemin réseau…");
    }
    if (m_mediaState == QLatin1String("connected")) {
        return tr("Média chiffré : connecté · %n paquet(s)/s", "", m_packetsPerSecond);
    }
    if (m_mediaState == QLatin1String("disconnected")) {
        return tr("Média : interrompu, plus de trafic authentifié depuis 5 s");
    }
    return tr("Média : non négocié");
}

void SessionController::setMediaState(const QString& state) {
    if (m_mediaState != state) {
        m_mediaState = state;
        emit mediaChanged();
    }
}

void SessionController::closeMedia() {
    m_mediaTick.stop();
    if (m_media) {
        m_media->close();
        m_media.reset();
    }
    m_mediaPackets.reset();
    m_lastMediaPackets = 0;
    m_packetsPerSecond = 0;
    setMediaState(QStringLiteral("none"));
}

void SessionController::startMedia(const std::string& answerSdp) {
    if (!m_media) {
        return;
    }
    const auto remote = protocol::parseTransport(answerSdp);
    if (!remote) {
        setError(tr("La cabine n'a pas négocié de média : %1")
                     .arg(QString::fromStdString(remote.error().message())));
        return;
    }
    // The answer keeps one of our offers (same tag) and brings its own key.
    const auto& answered = remote->crypto.front();
    const auto ours = std::find_if(m_offeredCrypto.begin(), m_offeredCrypto.end(),
                                   [&](const auto& c) { return c.tag == answered.tag; });
    if (ours == m_offeredCrypto.end() || ours->suite != answered.suite) {
        setError(tr("Réponse de la cabine incohérente (suite de chiffrement)."));
        return;
    }
    m_mediaPackets = std::make_shared<std::atomic<std::uint64_t>>(0);
    const protocol::SrtpKeys keys{answered.suite, ours->keyAndSalt, answered.keyAndSalt};
    const auto counter = m_mediaPackets;
    const auto started = m_media->start(
        remote->candidates, remote->ice, keys,
        [counter](std::span<const std::uint8_t>, bool rtcp) {
            if (!rtcp) {
                ++*counter; // the media pipelines take these packets in the next issue
            }
        },
        [this](protocol::TransportState state) {
            postToUi(this, [this, state] {
                setMediaState(QString::fromLatin1(protocol::toString(state).data()));
            });
        });
    if (started) {
        setError(tr("Clés média invalides."));
        return;
    }
    setMediaState(QStringLiteral("checking"));
    m_mediaTick.start();
}

int SessionController::durationSeconds() const {
    if (m_state == Active || m_state == Ending) {
        return static_cast<int>(m_activeSince.elapsed() / 1000);
    }
    return static_cast<int>(m_finalDurationMs / 1000);
}

QString SessionController::sex() const {
    return sexLabel(m_entry.visit.sex);
}
QString SessionController::operatorText() const {
    if (!m_entry.visit.operatorPresence.present) {
        return operatorLabel(protocol::OperatorRole::none);
    }
    return operatorLabel(m_entry.visit.operatorPresence.role);
}
QString SessionController::consentText() const {
    return consentLabel(m_entry.visit.consent);
}
QStringList SessionController::instruments() const {
    return instrumentLabels(m_entry.visit.instruments);
}

void SessionController::setState(State state) {
    if (m_state != state) {
        m_state = state;
        emit stateChanged();
        emit durationChanged();
    }
}

void SessionController::setError(const QString& text) {
    if (m_errorString != text) {
        m_errorString = text;
        emit errorStringChanged();
    }
}

void SessionController::setEntry(const protocol::QueueEntry& entry) {
    m_entry = entry;
    emit visitChanged();
}

void SessionController::setCabinConnected(bool connected) {
    if (m_cabinConnected != connected) {
        m_cabinConnected = connected;
        emit cabinConnectedChanged();
    }
}

void SessionController::clearError() {
    setError({});
}

void SessionController::claim(const QString& visitId) {
    if (m_state != Idle) {
        return;
    }
    if (m_link == nullptr) {
        setError(tr("Pas de connexion au service : reconnectez-vous puis réessayez."));
        return;
    }
    // Show the patient at once, from the queue, while the service decides.
    const auto* entry = m_queue != nullptr ? m_queue->find(visitId) : nullptr;
    protocol::QueueEntry shown;
    if (entry != nullptr) {
        shown = *entry;
    } else {
        shown.visit.visitId = visitId.toStdString();
    }
    setEntry(shown);
    setError({});
    setState(Claiming);
    m_link->request(protocol::type::visitClaim,
                    protocol::toJson(protocol::VisitRef{visitId.toStdString()}), this,
                    [this](const protocol::Reply& reply) {
                        if (m_state != Claiming) {
                            return;
                        }
                        if (reply.code) {
                            setError(describeError(reply.code));
                            reset();
                            return;
                        }
                        const auto claimed = protocol::fromJson<protocol::ClaimResult>(reply.body);
                        if (!claimed) {
                            setError(tr("Réponse du service illisible : le patient n'a peut-être "
                                        "pas été pris en charge. Vérifiez la file d'attente."));
                            reset();
                            return;
                        }
                        m_sessionId = claimed->sessionId;
                        setEntry(claimed->entry);
                        setCabinConnected(true);
                        setState(Joining);
                        sendOffer();
                    });
}

void SessionController::sendOffer() {
    const protocol::SessionDescription offer{
        m_sessionId, protocol::SdpType::offer,
        buildConsoleOffer(QDateTime::currentSecsSinceEpoch())};
    m_link->request(protocol::type::sessionOffer, protocol::toJson(offer), this,
                    [this, sessionId = m_sessionId](const protocol::Reply& reply) {
                        if (reply.code && sessionId == m_sessionId && m_state == Joining) {
                            setError(describeError(reply.code) + QLatin1Char(' ') +
                                     tr("Si la cabine ne répond pas, terminez la consultation "
                                        "(motif : problème technique)."));
                        }
                    });
}

void SessionController::end(const QString& reason, const QString& note) {
    if (m_state != Joining && m_state != Active) {
        return;
    }
    const auto chosen = chosenEndReason(reason);
    if (!chosen) {
        setError(tr("Motif de fin inconnu : %1. Choisissez un motif dans la liste.").arg(reason));
        return;
    }
    const protocol::SessionEnd request{m_sessionId, *chosen,
                                       truncatedUtf8(note.trimmed(), kMaxNoteBytes)};
    setError({});
    m_stateBeforeEnding = m_state;
    setState(Ending);
    m_link->request(protocol::type::sessionEnd, protocol::toJson(request), this,
                    [this, sessionId = m_sessionId](const protocol::Reply& reply) {
                        if (!reply.code || sessionId != m_sessionId || m_state != Ending) {
                            return; // the session.ended event completes the teardown
                        }
                        setError(describeError(reply.code));
                        setState(m_stateBeforeEnding);
                    });
}

void SessionController::dismiss() {
    if (m_state == Ended) {
        reset();
    }
}

void SessionController::reset() {
    m_durationTick.stop();
    m_sessionId.clear();
    m_finalDurationMs = 0;
    m_lastEndReason.clear();
    m_endReasonText.clear();
    m_endedBy.clear();
    setCabinConnected(true);
    setEntry({});
    setState(Idle);
}

void SessionController::finish(QString reasonWireName, QString reasonText, QString endedBy,
                               std::int64_t durationMs) {
    m_durationTick.stop();
    m_finalDurationMs = durationMs;
    m_lastEndReason = std::move(reasonWireName);
    m_endReasonText = std::move(reasonText);
    m_endedBy = std::move(endedBy);
    setState(Ended);
}

void SessionController::handleEvent(const protocol::Envelope& event) {
    if (m_sessionId.empty()) {
        return;
    }
    if (event.type == protocol::type::sessionAnswer) {
        const auto answer = protocol::fromJson<protocol::SessionDescription>(event.body);
        if (answer && answer->sessionId == m_sessionId && answer->sdpType == protocol::SdpType::answer &&
            m_state == Joining) {
            m_activeSince.start();
            m_durationTick.start();
            setError({});
            setState(Active);
        }
    } else if (event.type == protocol::type::sessionEnded) {
        const auto ended = protocol::fromJson<protocol::SessionEnded>(event.body);
        if (ended && ended->sessionId == m_sessionId && m_state != Ended) {
            finish(fromWire(protocol::toString(ended->reason)), endReasonLabel(ended->reason),
                   endedByLabel(ended->endedBy), ended->durationMs);
        }
    } else if (event.type == protocol::type::peerStatus) {
        const auto status = protocol::fromJson<protocol::PeerStatus>(event.body);
        if (status && status->sessionId == m_sessionId) {
            setCabinConnected(status->connected);
        }
    }
}

void SessionController::handleWelcome(bool resumed) {
    if (resumed || (m_state != Joining && m_state != Active && m_state != Ending)) {
        return; // a pending claim fails by itself with connection_lost
    }
    const auto elapsed = m_state == Joining ? 0 : m_activeSince.elapsed();
    setError(tr("La connexion au service a été coupée trop longtemps : la consultation a été "
                "close. Le patient peut être repris depuis la file s'il y figure encore."));
    finish(fromWire(protocol::toString(protocol::EndReason::peerLost)),
           tr("Connexion au service perdue"), endedByLabel(protocol::Role::service), elapsed);
}

void SessionController::handleSignedOut() {
    setError({});
    reset();
}

} // namespace tc::app

// The consultation's media transport, from the doctor's side: opened for the offer (host
// candidate, ICE credentials, DTLS-SRTP fingerprint), keyed and started by the cabin's answer,
// closed with the session. Packets are counted here; the media pipelines take them in
// the next issue.
#include "connection_controller.hpp"
#include "session_controller.hpp"
#include "ui_dispatch.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <future>

namespace tc::app {

SessionController::~SessionController() {
    if (!m_media || m_connection == nullptr) {
        return;
    }
    m_media->close();
    // The protocol thread runs handlers in order: once this one has run, the transport's close
    // (and its last state callback, queued to this object and dropped with it) is done.
    auto drained = std::make_shared<std::promise<void>>();
    auto done = drained->get_future();
    boost::asio::post(m_connection->ioExecutor(), [drained] { drained->set_value(); });
    done.wait_for(std::chrono::seconds(2)); // a stopped protocol thread must not hang the UI
}

QString SessionController::mediaText() const {
    if (m_mediaState == QLatin1String("checking")) {
        return tr("Média : vérification du chemin réseau…");
    }
    if (m_mediaState == QLatin1String("securing")) {
        return tr("Média : échange des clés de chiffrement (DTLS)…");
    }
    if (m_mediaState == QLatin1String("failed")) {
        return tr("Média refusé : %1").arg(m_mediaError);
    }
    if (m_mediaState == QLatin1String("connected")) {
        return tr("Média chiffré : connecté · %1 paquets/s").arg(m_packetsPerSecond);
    }
    if (m_mediaState == QLatin1String("disconnected")) {
        return tr("Média interrompu : plus de trafic authentifié depuis 5 s");
    }
    return tr("Média : non négocié");
}

void SessionController::setMediaState(const QString& state) {
    if (m_mediaState != state) {
        m_mediaState = state;
        emit mediaChanged();
    }
}

std::string SessionController::offerWithMedia(std::string sdp) {
    closeMedia();
    protocol::MediaTransportConfig config;
    config.local = protocol::makeIceCredentials();
    config.controlling = true; // the offerer controls
    auto media = protocol::MediaTransport::open(m_connection->ioExecutor(), config);
    if (!media) {
        setError(tr("Port média indisponible : %1")
                     .arg(QString::fromStdString(media.error().message())));
        return sdp;
    }
    auto keying = protocol::offerKeying(protocol::KeyingMode::dtls);
    if (!keying) {
        (*media)->close();
        setError(tr("Certificat média impossible à créer."));
        return sdp;
    }
    m_offeredKeying = std::move(*keying);
    auto described = protocol::withTransport(
        sdp,
        protocol::describeTransport(config.local, {(*media)->localCandidate()}, m_offeredKeying));
    if (!described) {
        (*media)->close();
        return sdp;
    }
    m_media = *media;
    return std::move(*described);
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
    const auto keying = protocol::keyingFromAnswer(m_offeredKeying, *remote);
    if (!keying) {
        setError(tr("Réponse de la cabine incohérente (chiffrement) : %1")
                     .arg(QString::fromStdString(keying.error().message())));
        return;
    }
    m_mediaPackets = std::make_shared<std::atomic<std::uint64_t>>(0);
    const auto counter = m_mediaPackets;
    const auto started = m_media->start(
        remote->candidates, remote->ice, *keying,
        [counter](std::span<const std::uint8_t>, bool rtcp) {
            if (!rtcp) {
                ++*counter;
            }
        },
        [this](protocol::TransportState state, boost::system::error_code error) {
            postToUi(this, [this, state, error] {
                if (error) {
                    m_mediaError = QString::fromStdString(error.message());
                }
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

} // namespace tc::app

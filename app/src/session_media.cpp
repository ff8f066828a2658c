// The consultation's media transport, from the doctor's side: opened for the offer (host
// candidate, ICE credentials, SDES keys with AEAD preferred), keyed and started by the cabin's
// answer, closed with the session. Packets are counted here; the media pipelines take them in
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
    m_offeredCrypto = {protocol::freshCrypto(protocol::SrtpSuite::aeadAes128Gcm, 1),
                       protocol::freshCrypto(protocol::SrtpSuite::aesCm128HmacSha1_80, 2)};
    auto described =
        protocol::withTransport(sdp, {config.local, {(*media)->localCandidate()}, m_offeredCrypto});
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
                ++*counter;
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

#include "media_link.hpp"

#include "error_text.hpp"
#include "tc/errors/table_lookup.hpp"
#include "tc/protocol/ice_messages.hpp"
#include "ui_dispatch.hpp"
#include "video_controller.hpp"

#include <QDateTime>
#include <QLocale>
#include <QTime>
#include <QVariantMap>
#include <atomic>
#include <boost/asio/post.hpp>
#include <future>

namespace tc::app {

namespace {

// Thresholds for the doctor's indicator. Loss is what the network lost before retransmission;
// what retransmission could not bring back in time is worse and weighs more.
constexpr double kFairLoss = 0.02;
constexpr double kPoorLoss = 0.10;
constexpr double kFairJitterMs = 20;
constexpr double kPoorJitterMs = 50;
constexpr double kFairRttMs = 150;
constexpr double kPoorRttMs = 400;

// The SDP's a=mid names, as the doctor knows the streams.
QString streamLabel(const std::string& mid) {
    if (mid == "steth") {
        return MediaLink::tr("Stéthoscope");
    }
    if (mid == "voice") {
        return MediaLink::tr("Voix");
    }
    if (mid == "video") {
        return MediaLink::tr("Caméra");
    }
    if (mid == "otoscope") {
        return MediaLink::tr("Otoscope");
    }
    if (mid == "dermatoscope") {
        return MediaLink::tr("Dermatoscope");
    }
    return QString::fromStdString(mid);
}

QString number(double value, int decimals) {
    return QLocale().toString(value, 'f', decimals);
}

// How the media travels, for the doctor: direct or relayed, and through what.
QString describePath(const protocol::MediaPath& path) {
    using Type = protocol::Candidate::Type;
    if (path.local.type == Type::relay) {
        return MediaLink::tr("relayé par %1 (TURN %2)")
            .arg(QString::fromStdString(path.relayServer),
                 path.relayProtocol
                     ? QString::fromLatin1(protocol::toString(*path.relayProtocol).data())
                     : QStringLiteral("?"));
    }
    if (path.remote.type == Type::relay) {
        return MediaLink::tr("relayé par le serveur TURN de la cabine");
    }
    return path.local.type == Type::host ? MediaLink::tr("direct (réseau local)")
                                         : MediaLink::tr("direct (à travers le NAT)");
}

} // namespace

MediaQuality assessQuality(const MediaSnapshot& snapshot, std::uint64_t unrecoveredSinceLast,
                           std::uint64_t receivedSinceLast) {
    using protocol::TransportState;
    if (snapshot.state == TransportState::disconnected ||
        snapshot.state == TransportState::reconnecting ||
        snapshot.state == TransportState::failed) {
        return MediaQuality::poor;
    }
    if (snapshot.state != TransportState::connected) {
        return MediaQuality::none;
    }
    double loss = 0;
    double jitter = 0;
    double rtt = snapshot.transport.roundTripMs.value_or(0);
    bool inbound = false;
    for (const auto& s : snapshot.streams) {
        if (!s.outbound) {
            inbound = true;
            loss = std::max(loss, s.fractionLost);
            jitter = std::max(jitter, s.jitterMs);
        }
        rtt = std::max(rtt, s.rttMs.value_or(0));
    }
    if (!inbound || receivedSinceLast == 0) {
        return MediaQuality::poor; // connected, but nothing arrives
    }
    const double unrecovered =
        static_cast<double>(unrecoveredSinceLast) / static_cast<double>(receivedSinceLast);
    if (unrecovered > 0.01 || loss > kPoorLoss || jitter > kPoorJitterMs || rtt > kPoorRttMs) {
        return MediaQuality::poor;
    }
    if (unrecoveredSinceLast > 0 || loss > kFairLoss || jitter > kFairJitterMs ||
        rtt > kFairRttMs) {
        return MediaQuality::fair;
    }
    return MediaQuality::good;
}

QString toString(MediaQuality quality) {
    static constexpr errors::EnumNames<MediaQuality::poor> names{{"none", "good", "fair", "poor"}};
    const std::string_view name = names(quality, "none");
    return QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
}

MediaLink::MediaLink(QObject* parent)
    : Controller(parent) {
    m_poll.setInterval(1000);
    connect(&m_poll, &QTimer::timeout, this, &MediaLink::poll);
}

MediaLink::~MediaLink() {
    close();
    drain();
}

void MediaLink::drain() {
    if (!m_executor) {
        return;
    }
    // The protocol thread runs handlers in order: once this one has run, no earlier callback
    // that captured this object is left.
    auto drained = std::make_shared<std::promise<void>>();
    auto done = drained->get_future();
    boost::asio::post(m_executor, [drained] { drained->set_value(); });
    done.wait_for(std::chrono::seconds(2)); // a stopped protocol thread must not hang the UI
}

std::optional<std::string> MediaLink::offer(const std::string& sdp, QString& error) {
    close();
    protocol::MediaTransportConfig config;
    config.local = protocol::makeIceCredentials();
    config.controlling = true; // the offerer controls
    auto addresses = protocol::hostAddresses(m_hostPolicy);
    if (!addresses) {
        error = tr("Aucune adresse réseau pour le média : %1").arg(errorText(addresses.error()));
        return std::nullopt;
    }
    config.hostAddresses = std::move(*addresses);
    config.followAddresses = m_hostPolicy; // Wi-Fi to 4G: ICE restarts on the new addresses
    config.iceServers = m_iceServers;
    config.relayTrustAnchors = m_relayTrust;
    auto transport = protocol::MediaTransport::open(m_executor, config);
    if (!transport) {
        error = tr("Port média indisponible : %1").arg(errorText(transport.error()));
        return std::nullopt;
    }
    auto keying = protocol::offerKeying(m_mode);
    if (!keying) {
        (*transport)->close();
        error = tr("Certificat média impossible à créer.");
        return std::nullopt;
    }
    auto described = protocol::withTransport(
        sdp, protocol::describeTransport(config.local, (*transport)->localCandidates(), *keying));
    if (!described) {
        (*transport)->close();
        error = tr("Offre média invalide.");
        return std::nullopt;
    }
    m_transport = *transport;
    m_keying = std::move(*keying);
    return std::move(*described);
}

QString MediaLink::answer(const std::string& sdp) {
    if (!m_transport || m_session) {
        return {};
    }
    const auto remote = protocol::parseTransport(sdp);
    if (!remote) {
        return tr("La cabine n'a pas négocié de média : %1").arg(errorText(remote.error()));
    }
    const auto keying = protocol::keyingFromAnswer(m_keying, *remote);
    if (!keying) {
        return tr("Réponse de la cabine incohérente (chiffrement) : %1")
            .arg(errorText(keying.error()));
    }
    protocol::RtpSessionConfig config;
    config.streams = protocol::rtpStreamsOf(sdp);
    config.cname = "console";
    // The stethoscope's stream (mid "steth", L16 or Opus) goes to its receive path.
    if (const auto format = media::stethoscopeFormatOf(sdp)) {
        auto receiver = media::StethoscopeReceiver::create(*format);
        if (!receiver) {
            return tr("Flux du stéthoscope impossible à décoder : %1")
                .arg(errorText(receiver.error()));
        }
        m_stethoscope = std::move(*receiver);
    }
    if (const auto format = media::voiceFormatOf(sdp)) {
        if (auto receiver = media::VoiceReceiver::create(*format)) {
            m_voice = std::move(*receiver);
        }
    }
    if (const auto format = media::waveformFormatOf(sdp)) {
        m_waveforms = std::make_shared<media::WaveformReceiver>(*format);
    }
    // The cabin's cameras: packets by payload type to the video controller, which decodes; a
    // keyframe request names the sender's SSRC, learnt from its packets.
    struct VideoRoute {
        std::uint8_t payloadType;
        std::string name;
        std::shared_ptr<std::atomic<std::uint32_t>> ssrc;
    };
    std::vector<VideoRoute> routes;
    m_videos.clear();
    auto weakSession = std::make_shared<std::weak_ptr<protocol::RtpSession>>();
    for (const auto& video : media::videoStreamsOf(sdp)) {
        const std::string name = video.mid == "video" ? "room" : video.mid;
        auto ssrc = std::make_shared<std::atomic<std::uint32_t>>(0);
        routes.push_back({video.payloadType, name, ssrc});
        m_videos.push_back({QString::fromStdString(name), video, [weakSession, ssrc] {
                                const auto session = weakSession->lock();
                                if (session && *ssrc != 0) {
                                    session->requestKeyframe(*ssrc);
                                }
                            }});
    }
    protocol::RtpSession::MediaHandler onMedia =
        [stethoscope = m_stethoscope, voice = m_voice, waveforms = m_waveforms, routes,
         video = m_videoSink](const protocol::RtpHeader& header,
                              std::span<const std::uint8_t> packet, bool) {
            if (stethoscope && header.payloadType == stethoscope->format().payloadType) {
                stethoscope->onPacket(packet);
            } else if (voice && header.payloadType == voice->format().payloadType) {
                voice->onPacket(packet);
            } else if (waveforms && header.payloadType == waveforms->format().payloadType) {
                waveforms->onPacket(packet);
            } else if (video != nullptr) {
                for (const auto& route : routes) {
                    if (route.payloadType == header.payloadType) {
                        *route.ssrc = header.ssrc;
                        video->pushPacket(route.name, packet);
                    }
                }
            }
        };
    m_session =
        protocol::RtpSession::create(m_transport, config, std::move(onMedia), m_onKeyframeRequest);
    *weakSession = m_session;
    const auto started =
        m_transport->start(remote->candidates, remote->ice, *keying, m_session->packetHandler(),
                           m_session->stateHandler(
                               [this](protocol::TransportState state, boost::system::error_code e) {
                                   postToUi(this, [this, state, e] {
                                       if (e) {
                                           setError(errorText(e));
                                       }
                                       setState(state);
                                   });
                               }));
    if (started) {
        m_session.reset();
        return tr("Clés média invalides.");
    }
    // Trickle ICE from now on: the cabin has our offer and we have its answer.
    m_transport->setPathHandler([this](const protocol::MediaPath& path) {
        postToUi(this, [this, path] { onPath(path); });
    });
    m_transport->setSignalHandler([this](protocol::IceSignal signal) {
        postToUi(this, [this, signal = std::move(signal)] {
            if (m_iceSender && m_transport) {
                auto [kind, payload] = protocol::toSessionMessage(signal);
                m_iceSender(std::string(kind), std::move(payload));
            }
        });
    });
    setState(protocol::TransportState::checking);
    m_poll.start();
    return {};
}

void MediaLink::close() {
    m_poll.stop();
    if (m_session) {
        m_session->stop();
        m_session.reset();
    }
    if (m_transport) {
        m_transport->close();
        m_transport.reset();
    }
    m_stethoscope.reset();
    m_voice.reset();
    m_waveforms.reset();
    m_videos.clear();
    m_lastReceived = 0;
    m_lastUnrecovered = 0;
    m_lastLostOrRecovered = 0;
    m_packetsPerSecond = 0;
    m_quality = MediaQuality::none;
    m_details.clear();
    m_streams.clear();
    setError({});
    m_path.clear();
    m_incidents.clear();
    m_relayProblemsSeen = 0;
    setState(std::nullopt);
}

bool MediaLink::applyIceMessage(const std::string& kind, const nlohmann::json& payload) {
    auto signal = protocol::iceSignalFrom(kind, payload);
    if (!signal && signal.error().code == protocol::SdpErrc::unsupportedCandidate) {
        return true; // a browser's TCP or mDNS candidate: skipped, as ICE allows
    }
    if (!signal) {
        addIncident(tr("Message ICE de la cabine refusé : %1")
                        .arg(QString::fromStdString(signal.error().detail)));
        return false;
    }
    if (m_transport) {
        if (std::holds_alternative<protocol::IceRestartSignal>(*signal)) {
            addIncident(tr("La cabine relance la connexion (ICE restart)"));
        }
        m_transport->applyRemoteSignal(std::move(*signal));
    }
    return true;
}

void MediaLink::onPath(const protocol::MediaPath& path) {
    m_path = describePath(path);
    if (m_timeline != nullptr) {
        m_timeline->pathSelected(QDateTime::currentMSecsSinceEpoch(), m_path.toStdString(),
                                 path.relayed());
    }
    addIncident(tr("Chemin média : %1").arg(m_path));
}

void MediaLink::addIncident(const QString& text) {
    m_incidents.append(QVariantMap{
        {QStringLiteral("time"), QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))},
        {QStringLiteral("text"), text}});
    emit changed();
}

std::function<void(std::vector<std::uint8_t>)> MediaLink::sender() const {
    return
        [weak = std::weak_ptr<protocol::RtpSession>(m_session)](std::vector<std::uint8_t> packet) {
            if (const auto session = weak.lock()) {
                session->send(std::move(packet));
            }
        };
}

MediaState::Value MediaLink::state() const {
    if (!m_state) {
        return MediaState::None;
    }
    static constexpr errors::EnumMap<protocol::TransportState::closed, MediaState::Value> states{
        {MediaState::Checking, MediaState::Securing, MediaState::Connected,
         MediaState::Disconnected, MediaState::Reconnecting, MediaState::Failed,
         MediaState::Closed}};
    return states(*m_state, MediaState::None);
}

void MediaLink::setState(std::optional<protocol::TransportState> state) {
    if (m_state != state) {
        m_state = state;
        if (m_timeline != nullptr && state) {
            m_timeline->transportState(QDateTime::currentMSecsSinceEpoch(), *state);
        }
        if (state == protocol::TransportState::reconnecting) {
            addIncident(tr("Reconnexion : le chemin média a changé ou a été perdu"));
        } else if (state == protocol::TransportState::disconnected) {
            addIncident(tr("Média interrompu : plus de trafic authentifié"));
        }
        emit changed();
    }
}

void MediaLink::poll() {
    if (!m_transport || !m_session) {
        return;
    }
    boost::asio::post(
        m_transport->executor(), [this, transport = m_transport, session = m_session] {
            MediaSnapshot snapshot;
            snapshot.transport = transport->stats();
            snapshot.streams = session->stats();
            auto problems = transport->relayProblems();
            postToUi(this, [this, snapshot, problems = std::move(problems)] {
                for (; m_relayProblemsSeen < problems.size(); ++m_relayProblemsSeen) {
                    const auto& p = problems[m_relayProblemsSeen];
                    // The detail (English, from the TLS or TURN layer) goes to the log only.
                    qInfo("relay server %s unusable: %s (%s)", p.server.c_str(),
                          p.error.message().c_str(), p.detail.c_str());
                    addIncident(tr("Serveur %1 inutilisable : %2")
                                    .arg(QString::fromStdString(p.server), errorText(p.error)));
                }
                apply(snapshot);
            });
        });
}

void MediaLink::apply(const MediaSnapshot& polled) {
    MediaSnapshot snapshot = polled;
    using protocol::TransportState;
    snapshot.state = m_state.value_or(TransportState::checking);
    std::uint64_t received = 0;
    std::uint64_t unrecovered = 0;
    std::int64_t lost = 0;
    std::uint64_t recovered = 0;
    double jitter = 0;
    std::optional<double> rtt = snapshot.transport.roundTripMs;
    m_streams.clear();
    for (const auto& s : snapshot.streams) {
        if (!s.outbound) {
            received += s.packets;
            unrecovered += s.unrecovered;
            lost += s.lost;
            recovered += s.recovered;
            jitter = std::max(jitter, s.jitterMs);
        }
        if (s.rttMs) {
            rtt = s.rttMs;
        }
        if (s.outbound && m_onOutboundReport) {
            m_onOutboundReport(s.ssrc, s.remoteFractionLost);
        }
        const double expected = static_cast<double>(s.packets) + std::max<std::int64_t>(0, s.lost);
        m_streams.append(QVariantMap{
            {QStringLiteral("name"), streamLabel(s.name)},
            {QStringLiteral("outbound"), s.outbound},
            {QStringLiteral("ssrc"), QString::number(s.ssrc, 16).toUpper()},
            {QStringLiteral("payloadType"), s.payloadType},
            {QStringLiteral("packets"), static_cast<qulonglong>(s.packets)},
            {QStringLiteral("lossPercent"),
             expected > 0
                 ? 100.0 * static_cast<double>(std::max<std::int64_t>(0, s.lost)) / expected
                 : 0.0},
            {QStringLiteral("recovered"), static_cast<qulonglong>(s.recovered)},
            {QStringLiteral("unrecovered"), static_cast<qulonglong>(s.unrecovered)},
            {QStringLiteral("jitterMs"), s.jitterMs},
            {QStringLiteral("rttMs"), s.rttMs.value_or(-1)},
        });
    }
    m_quality = assessQuality(snapshot, unrecovered - m_lastUnrecovered, received - m_lastReceived);
    const std::uint64_t lostOrRecovered =
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, lost)) + recovered;
    if (m_timeline != nullptr) {
        m_timeline->mediaSample(
            QDateTime::currentMSecsSinceEpoch(),
            {received - m_lastReceived,
             lostOrRecovered > m_lastLostOrRecovered ? lostOrRecovered - m_lastLostOrRecovered : 0,
             unrecovered - m_lastUnrecovered, jitter});
    }
    m_lastLostOrRecovered = lostOrRecovered;
    m_packetsPerSecond = static_cast<int>(received - m_lastReceived);
    m_lastReceived = received;
    m_lastUnrecovered = unrecovered;
    const double lossPercent =
        received + static_cast<std::uint64_t>(std::max<std::int64_t>(0, lost)) > 0
            ? 100.0 * static_cast<double>(std::max<std::int64_t>(0, lost)) /
                  static_cast<double>(received +
                                      static_cast<std::uint64_t>(std::max<std::int64_t>(0, lost)))
            : 0.0;
    QStringList parts;
    if (!m_path.isEmpty()) {
        parts << m_path;
    }
    parts << QString::fromLatin1(protocol::toString(m_keying.mode).data());
    if (snapshot.transport.suite) {
        parts << QString::fromLatin1(protocol::toString(*snapshot.transport.suite).data());
    }
    parts << tr("perte réseau %1 %").arg(number(lossPercent, 1));
    if (lost > 0) {
        parts << (unrecovered == 0
                      ? tr("tout récupéré")
                      : tr("%n paquet(s) perdu(s)", "", static_cast<int>(unrecovered)));
    }
    parts << tr("gigue %1 ms").arg(number(jitter, 1));
    if (rtt) {
        parts << tr("aller-retour %1 ms").arg(number(*rtt, *rtt < 10 ? 1 : 0));
    }
    m_details = parts.join(QStringLiteral(" · "));
    emit changed();
}

QString MediaLink::text() const {
    using protocol::TransportState;
    switch (m_state.value_or(TransportState::closed)) {
    case TransportState::checking:
        return tr("Média : vérification du chemin réseau…");
    case TransportState::securing:
        return tr("Média : échange des clés de chiffrement (DTLS)…");
    case TransportState::failed:
        return tr("Média refusé : %1").arg(errorString());
    case TransportState::disconnected:
        return tr("Média interrompu : plus de trafic authentifié depuis 5 s");
    case TransportState::reconnecting:
        return tr("Média : reconnexion…");
    case TransportState::connected:
        switch (m_quality) {
        case MediaQuality::good:
            return tr("Liaison chiffrée : bonne · %1 paquets/s").arg(m_packetsPerSecond);
        case MediaQuality::fair:
            return tr("Liaison chiffrée : moyenne · %1 paquets/s").arg(m_packetsPerSecond);
        case MediaQuality::poor:
            return tr("Liaison chiffrée : mauvaise · %1 paquets/s").arg(m_packetsPerSecond);
        case MediaQuality::none:
            break;
        }
        return tr("Liaison chiffrée : connectée");
    case TransportState::closed:
        break;
    }
    return tr("Média : non négocié");
}

} // namespace tc::app

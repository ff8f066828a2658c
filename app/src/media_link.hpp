#pragma once
// The consultation's media link, from the doctor's side: the transport (opened for the offer,
// keyed by the cabin's answer, DTLS-SRTP by default) with its RTP session, and what the doctor
// needs to know about it: state, a connection-quality indicator and per-stream figures, polled
// once a second from the protocol thread; the path the media takes (direct or relayed, and
// through which TURN server), and a timeline of the link's incidents: every path change, ICE
// restart, and STUN or TURN server that failed.

#include "controller.hpp"
#include "incident_timeline.hpp"
#include "states.hpp"
#include "tc/media/stethoscope_receiver.hpp"
#include "tc/media/video_negotiation.hpp"
#include "tc/media/voice_stream.hpp"
#include "tc/media/waveform_stream.hpp"
#include "tc/protocol/host_addresses.hpp"
#include "tc/protocol/ice_servers.hpp"
#include "tc/protocol/media_negotiation.hpp"
#include "tc/protocol/rtp_session.hpp"

#include <QObject>
#include <QString>
#include <QTimer>
#include <QVariantList>
#include <boost/asio/any_io_executor.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

namespace tc::app {

class VideoController;

// What one poll saw, and the verdict drawn from it (pure, for tests).
struct MediaSnapshot {
    protocol::TransportState state = protocol::TransportState::checking;
    protocol::TransportStats transport;
    std::vector<protocol::RtpStreamStats> streams;
};

enum class MediaQuality { none, good, fair, poor };
// `unrecoveredSinceLast` and `receivedSinceLast` cover the interval since the previous poll.
MediaQuality assessQuality(const MediaSnapshot& snapshot, std::uint64_t unrecoveredSinceLast,
                           std::uint64_t receivedSinceLast);
QString toString(MediaQuality quality);

class MediaLink : public Controller {
    Q_OBJECT
    Q_PROPERTY(tc::app::MediaState::Value state READ state NOTIFY changed)
    Q_PROPERTY(QString quality READ quality NOTIFY changed)
    Q_PROPERTY(QString text READ text NOTIFY changed)
    Q_PROPERTY(QString details READ details NOTIFY changed)
    Q_PROPERTY(int packetsPerSecond READ packetsPerSecond NOTIFY changed)
    Q_PROPERTY(QVariantList streams READ streams NOTIFY changed)
    Q_PROPERTY(QString path READ path NOTIFY changed)
    Q_PROPERTY(QVariantList incidents READ incidents NOTIFY changed)

public:
    explicit MediaLink(QObject* parent = nullptr);
    ~MediaLink() override;

    void setExecutor(boost::asio::any_io_executor executor) { m_executor = std::move(executor); }
    // DTLS-SRTP unless a deployment's cabins need SDES; applies from the next offer.
    void setKeyingMode(protocol::KeyingMode mode) { m_mode = mode; }
    // Which of this machine's addresses carry the media (--media-interface, --media-address);
    // by default every usable one (host_addresses.hpp).
    void setHostAddressPolicy(protocol::HostAddressPolicy policy) {
        m_hostPolicy = std::move(policy);
    }
    // The STUN and TURN servers of the session (from the claim), and the authorities a TURN
    // server's TLS certificate may chain to besides the system's (the deployment CA).
    void setIceServers(std::vector<protocol::IceServer> servers) {
        m_iceServers = std::move(servers);
    }
    void setRelayTrustAnchors(std::optional<std::filesystem::path> path) {
        m_relayTrust = std::move(path);
    }
    // Sends an ice.* session message to the cabin (trickled candidates, restarts); UI thread.
    using IceMessageSender = std::function<void(const std::string& kind, nlohmann::json)>;
    void setIceMessageSender(IceMessageSender sender) { m_iceSender = std::move(sender); }
    // After a reconnection to the rendezvous (ours or the cabin's): what the signalling may have
    // lost of ICE is sent again.
    void resendIceSignals() {
        if (m_transport) {
            m_transport->resendSignals();
        }
    }
    // An ice.* session message from the cabin; false (and an incident) if it is malformed.
    bool applyIceMessage(const std::string& kind, const nlohmann::json& payload);
    // The cabin wants a keyframe of one of our streams (called on the protocol thread); the
    // handler must outlive the link.
    void setKeyframeRequestHandler(protocol::RtpSession::KeyframeHandler handler) {
        m_onKeyframeRequest = std::move(handler);
    }
    // Once a second on the UI thread, for each of our streams: the loss the cabin reports.
    void setOutboundReportHandler(std::function<void(std::uint32_t ssrc, double lost)> handler) {
        m_onOutboundReport = std::move(handler);
    }
    // Where the link's incidents go for the consultation's record (the session's; it outlives
    // the link's use of it); none: not recorded.
    void setIncidentTimeline(IncidentTimeline* timeline) { m_timeline = timeline; }
    // Opens the transport and adds it to `sdp`; on failure returns nothing and sets `error`.
    std::optional<std::string> offer(const std::string& sdp, QString& error);
    // Keys and starts the transport from the cabin's answer; an empty string on success.
    QString answer(const std::string& sdp);
    void close();
    // Closes and waits until no callback of the protocol thread is left (the owner's members
    // that the handlers reach may go after this).
    void shutdown() {
        close();
        drain();
    }
    // The stethoscope stream's receive path, once an answer has negotiated one (L16).
    std::shared_ptr<media::StethoscopeReceiver> stethoscope() const { return m_stethoscope; }
    // The cabin's voice (mid "voice", Opus), once an answer has negotiated it.
    std::shared_ptr<media::VoiceReceiver> voice() const { return m_voice; }
    // The vitals waveforms (ECG, pleth), when the cabin's answer has them.
    std::shared_ptr<media::WaveformReceiver> waveforms() const { return m_waveforms; }
    // A negotiated camera of the cabin's, by the name the video controller knows it by ("room",
    // "otoscope", "dermatoscope"), with what asks its sender for a keyframe (PLI).
    struct InboundVideo {
        QString name;
        media::VideoStreamFormat format;
        std::function<void()> requestKeyframe; // any thread
    };
    const std::vector<InboundVideo>& inboundVideos() const { return m_videos; }
    // Where the cabin's video packets go (the protocol thread); must outlive the link's
    // callbacks (see shutdown()).
    void setVideo(VideoController* video) { m_videoSink = video; }
    // Sends our RTP packets (the doctor's voice) on the session, from any thread; does nothing
    // once the link is closed.
    std::function<void(std::vector<std::uint8_t>)> sender() const;

    // The transport's state, or None without media.
    MediaState::Value state() const;
    QString quality() const { return toString(m_quality); }
    QString text() const;
    QString details() const { return m_details; }
    int packetsPerSecond() const { return m_packetsPerSecond; }
    QVariantList streams() const { return m_streams; }
    // "direct (réseau local)", "relayé par turns:… (TURN TLS)"; empty before a path is chosen.
    QString path() const { return m_path; }
    // [{time: "14:02:11", text: "…"}], oldest first, for this consultation.
    QVariantList incidents() const { return m_incidents; }

signals:
    void changed();

private:
    void poll();
    void apply(const MediaSnapshot& snapshot);
    void setState(std::optional<protocol::TransportState> state);
    void drain();
    void onPath(const protocol::MediaPath& path);
    void addIncident(const QString& text);

    boost::asio::any_io_executor m_executor;
    std::shared_ptr<protocol::MediaTransport> m_transport;
    std::shared_ptr<protocol::RtpSession> m_session;
    std::shared_ptr<media::StethoscopeReceiver> m_stethoscope;
    std::shared_ptr<media::VoiceReceiver> m_voice;
    std::shared_ptr<media::WaveformReceiver> m_waveforms;
    std::vector<InboundVideo> m_videos;
    VideoController* m_videoSink = nullptr;
    protocol::KeyingMode m_mode = protocol::KeyingMode::dtls;
    protocol::RtpSession::KeyframeHandler m_onKeyframeRequest;
    std::function<void(std::uint32_t, double)> m_onOutboundReport;
    protocol::LocalKeying m_keying;
    protocol::HostAddressPolicy m_hostPolicy;
    std::optional<protocol::TransportState> m_state; // none until an offer is answered
    MediaQuality m_quality = MediaQuality::none;
    QString m_details;
    int m_packetsPerSecond = 0;
    QVariantList m_streams;
    std::vector<protocol::IceServer> m_iceServers;
    std::optional<std::filesystem::path> m_relayTrust;
    IceMessageSender m_iceSender;
    QString m_path;
    QVariantList m_incidents;
    std::size_t m_relayProblemsSeen = 0;
    std::uint64_t m_lastReceived = 0;
    std::uint64_t m_lastUnrecovered = 0;
    std::uint64_t m_lastLostOrRecovered = 0; // the network's losses, recovered or not
    IncidentTimeline* m_timeline = nullptr;
    QTimer m_poll;
};

} // namespace tc::app

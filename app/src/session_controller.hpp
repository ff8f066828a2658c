#pragma once
// One consultation from the doctor's side, as an explicit state machine:
//
//   Idle --claim--> Claiming --claimed--> Joining --session.answer--> Active
//     ^                |  refused            |                          |
//     |<---------------'                     '--end--> Ending <--end----'
//     |                                                  |
//     '--dismiss-- Ended <--session.ended (any of Joining, Active, Ending) or link reset
//
// One teardown path: finish(). The visit shown is the queue entry that was claimed.

#include "tc/protocol/media_transport.hpp"
#include "tc/protocol/messages.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <atomic>
#include <memory>
#include <QtQml/qqmlregistration.h>

namespace tc::app {

class QueueModel;
class ServiceLink;

class SessionController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the application and passed to Main.qml")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    Q_PROPERTY(QString sessionId READ sessionId NOTIFY stateChanged)
    Q_PROPERTY(bool cabinConnected READ cabinConnected NOTIFY cabinConnectedChanged)
    Q_PROPERTY(int durationSeconds READ durationSeconds NOTIFY durationChanged)
    // After Ended: the end reason's wire name ("completed", "peer_lost", ...), its French label
    // and who ended the session ("par vous", "par la cabine", "par le service").
    Q_PROPERTY(QString lastEndReason READ lastEndReason NOTIFY stateChanged)
    Q_PROPERTY(QString endReasonText READ endReasonText NOTIFY stateChanged)
    Q_PROPERTY(QString endedBy READ endedBy NOTIFY stateChanged)
    // The patient and the visit.
    Q_PROPERTY(QString visitId READ visitId NOTIFY visitChanged)
    Q_PROPERTY(QString reason READ reason NOTIFY visitChanged)
    Q_PROPERTY(int age READ age NOTIFY visitChanged)
    Q_PROPERTY(QString sex READ sex NOTIFY visitChanged)
    Q_PROPERTY(bool urgent READ urgent NOTIFY visitChanged)
    Q_PROPERTY(bool guardianPresent READ guardianPresent NOTIFY visitChanged)
    Q_PROPERTY(bool operatorPresent READ operatorPresent NOTIFY visitChanged)
    Q_PROPERTY(QString operatorText READ operatorText NOTIFY visitChanged)
    Q_PROPERTY(QString consentText READ consentText NOTIFY visitChanged)
    Q_PROPERTY(QStringList instruments READ instruments NOTIFY visitChanged)
    Q_PROPERTY(QString siteName READ siteName NOTIFY visitChanged)
    Q_PROPERTY(QString siteCode READ siteCode NOTIFY visitChanged)
    Q_PROPERTY(QString openingHours READ openingHours NOTIFY visitChanged)
    Q_PROPERTY(QString cabinName READ cabinName NOTIFY visitChanged)
    Q_PROPERTY(int waitedMinutes READ waitedMinutes NOTIFY visitChanged)
    // Media transport: "none", "checking", "connected", "disconnected"; and what arrives.
    Q_PROPERTY(QString mediaState READ mediaState NOTIFY mediaChanged)
    Q_PROPERTY(int packetsPerSecond READ packetsPerSecond NOTIFY mediaChanged)
    Q_PROPERTY(QString mediaText READ mediaText NOTIFY mediaChanged)

public:
    enum State { Idle, Claiming, Joining, Active, Ending, Ended };
    Q_ENUM(State)

    explicit SessionController(QObject* parent = nullptr);

    // Not owned; each must outlive this controller or be reset to nullptr.
    void setLink(ServiceLink* link) { m_link = link; }
    void setQueue(const QueueModel* queue) { m_queue = queue; }

    State state() const { return m_state; }
    QString errorString() const { return m_errorString; }
    QString sessionId() const { return QString::fromStdString(m_sessionId); }
    bool cabinConnected() const { return m_cabinConnected; }
    int durationSeconds() const;
    QString lastEndReason() const { return m_lastEndReason; }
    QString endReasonText() const { return m_endReasonText; }
    QString endedBy() const { return m_endedBy; }
    QString visitId() const { return QString::fromStdString(m_entry.visit.visitId); }
    QString reason() const { return QString::fromStdString(m_entry.visit.reason); }
    int age() const { return m_entry.visit.age; }
    QString sex() const;
    bool urgent() const { return m_entry.visit.priority == protocol::Priority::urgent; }
    bool guardianPresent() const { return m_entry.visit.guardianPresent; }
    bool operatorPresent() const { return m_entry.visit.operatorPresence.present; }
    QString operatorText() const;
    QString consentText() const;
    QStringList instruments() const;
    QString siteName() const { return QString::fromStdString(m_entry.visit.site.name); }
    QString siteCode() const { return QString::fromStdString(m_entry.visit.site.code); }
    QString openingHours() const { return QString::fromStdString(m_entry.visit.site.openingHours); }
    QString cabinName() const { return QString::fromStdString(m_entry.cabinName); }
    int waitedMinutes() const { return static_cast<int>(m_entry.waitedMs / 60000); }
    QString mediaState() const { return m_mediaState; }
    int packetsPerSecond() const { return m_packetsPerSecond; }
    QString mediaText() const;

    Q_INVOKABLE void claim(const QString& visitId);
    // `reason`: an end-reason wire name the doctor may choose ("completed",
    // "referred_in_person", "referred_emergency", "not_suitable", "patient_left",
    // "technical_failure"). `note`: optional, at most 500 characters.
    Q_INVOKABLE void end(const QString& reason, const QString& note);
    // After Ended: back to Idle (the queue).
    Q_INVOKABLE void dismiss();
    Q_INVOKABLE void clearError();

    // Service events (session.answer, session.ended, session.peer_status).
    void handleEvent(const protocol::Envelope& event);
    // A new welcome. Not resumed: the service has closed whatever session we had.
    void handleWelcome(bool resumed);
    // Signed out: forget everything.
    void handleSignedOut();

signals:
    void stateChanged();
    void errorStringChanged();
    void cabinConnectedChanged();
    void durationChanged();
    void visitChanged();
    void mediaChanged();

private:
    void setState(State state);
    void setError(const QString& text);
    void setEntry(const protocol::QueueEntry& entry);
    void setCabinConnected(bool connected);
    void sendOffer();
    void finish(QString reasonWireName, QString reasonText, QString endedBy,
                std::int64_t durationMs);
    void reset();

    ServiceLink* m_link = nullptr;
    const QueueModel* m_queue = nullptr;
    State m_state = Idle;
    State m_stateBeforeEnding = Active;
    QString m_errorString;
    std::string m_sessionId;
    protocol::QueueEntry m_entry;
    bool m_cabinConnected = true;
    QElapsedTimer m_activeSince;
    std::int64_t m_finalDurationMs = 0;
    QTimer m_durationTick;
    QString m_lastEndReason;
    QString m_endReasonText;
    QString m_endedBy;
    // Media: the transport is opened for the offer and keyed by the answer.
    std::shared_ptr<protocol::MediaTransport> m_media;
    protocol::IceCredentials m_localIce;
    std::vector<protocol::CryptoAttribute> m_offeredCrypto;
    std::shared_ptr<std::atomic<std::uint64_t>> m_mediaPackets;
    std::uint64_t m_lastMediaPackets = 0;
    QString m_mediaState = QStringLiteral("none");
    int m_packetsPerSecond = 0;
    QTimer m_mediaTick;
};

} // namespace tc::app

#pragma once
// Sending the signed prescription (PDF bytes) to the cabin, where it prints: driven by the
// protocol's DocumentSender (chunked, hashed, paced under the service's rate limit, resumed
// after a reconnection, never printed twice). Lives on the UI thread: the session's events and
// request replies reach it there (ConnectionController makes the one queued crossing).

#include "controller.hpp"
#include "states.hpp"
#include "tc/protocol/document_transfer.hpp"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>
#include <functional>
#include <optional>

namespace tc::app {

class PrescriptionDeliveryController : public Controller {
    Q_OBJECT
    Q_PROPERTY(tc::app::DeliveryState::Value state READ state NOTIFY statusChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusChanged)
    // failed only: a reason code ("media_empty", "printer_offline", "no_printer", "conflict",
    // ...) and its words for the doctor
    Q_PROPERTY(QString reason READ reason NOTIFY statusChanged)
    Q_PROPERTY(QString reasonText READ reasonText NOTIFY statusChanged)
    Q_PROPERTY(QString prescriptionId READ prescriptionId NOTIFY statusChanged)
    Q_PROPERTY(QString title READ title NOTIFY statusChanged)
    Q_PROPERTY(bool canRetry READ canRetry NOTIFY statusChanged)
    Q_PROPERTY(int chunkCount READ chunkCount NOTIFY progressChanged)
    Q_PROPERTY(int chunksSent READ chunksSent NOTIFY progressChanged)
    Q_PROPERTY(int chunksAcknowledged READ chunksAcknowledged NOTIFY progressChanged)
    // chunk messages sent, resendings included (after a reconnection, those in flight)
    Q_PROPERTY(int chunkMessages READ chunkMessages NOTIFY progressChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged) // acknowledged, 0..1

public:
    // Sends one session message to the cabin of the current session; false if there is none.
    using MessageSender = std::function<bool(const std::string& kind, nlohmann::json payload)>;

    explicit PrescriptionDeliveryController(QObject* parent = nullptr);

    void setMessageSender(MessageSender sender) { m_send = std::move(sender); }
    // What this controller sends: ordonnances (by default), or the report's patient copies.
    void setDocumentKind(protocol::DocumentKind kind) { m_kind = kind; }

    DeliveryState::Value state() const { return m_state; }
    QString statusText() const;
    QString reason() const { return m_reason; }
    QString reasonText() const;
    QString prescriptionId() const { return m_prescriptionId; }
    QString title() const { return m_title; }
    bool canRetry() const { return m_state == DeliveryState::Failed && m_sender.has_value(); }
    int chunkCount() const { return m_sender ? static_cast<int>(m_sender->chunkCount()) : 0; }
    int chunksSent() const { return m_sender ? static_cast<int>(m_sender->chunksSent()) : 0; }
    int chunksAcknowledged() const;
    int chunkMessages() const { return m_sender ? static_cast<int>(m_sender->chunkMessages()) : 0; }
    double progress() const;

    // Starts delivering `pdf` under the prescription's id; false (and `failed`
    // `invalid_document`) if refused. One transfer at a time: one still under way is abandoned
    // (the cabin keeps its chunks, and sending it again later sends only what it misses).
    Q_INVOKABLE bool send(const QByteArray& pdf, const QString& prescriptionId,
                          const QString& title);
    // After `failed`: print again (the cabin has it), or send again (it does not).
    Q_INVOKABLE void retry();

    // A document.* session message from the cabin (SessionController forwards them).
    void onSessionMessage(const std::string& kind, const nlohmann::json& payload);
    // The link to the cabin is back (our resume, or the cabin's): offer again.
    void resume();
    // The session is gone: forget the transfer.
    void reset();

signals:
    void statusChanged();
    void progressChanged();

private:
    void pump();
    void apply();
    void setState(DeliveryState::Value state, const QString& reason, const QString& cabinText);

    MessageSender m_send;
    protocol::DocumentKind m_kind = protocol::DocumentKind::ordonnance;
    std::optional<protocol::DocumentSender> m_sender;
    QTimer m_timer;
    DeliveryState::Value m_state = DeliveryState::Idle;
    QString m_reason;
    QString m_cabinText;
    QString m_prescriptionId;
    QString m_title;
};

} // namespace tc::app

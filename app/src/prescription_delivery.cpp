#include "prescription_delivery.hpp"

#include "tc/errors/table_lookup.hpp"

#include <algorithm>

namespace tc::app {

using protocol::DocumentState;

namespace {

// The cabin's reasons for not printing (document.status), in words; tr() at the point of use.
struct ReasonWords {
    const char* reason;
    const char* words;
};
constexpr ReasonWords kReasonWords[] = {
    {"media_empty", QT_TRANSLATE_NOOP("tc::app::PrescriptionDeliveryController", "plus de papier")},
    {"printer_offline",
     QT_TRANSLATE_NOOP("tc::app::PrescriptionDeliveryController", "imprimante hors ligne")},
    {"media_jam", QT_TRANSLATE_NOOP("tc::app::PrescriptionDeliveryController", "bourrage papier")},
    {"toner_empty", QT_TRANSLATE_NOOP("tc::app::PrescriptionDeliveryController", "plus d'encre")},
    {"cover_open",
     QT_TRANSLATE_NOOP("tc::app::PrescriptionDeliveryController", "capot de l'imprimante ouvert")},
    {"no_printer", QT_TRANSLATE_NOOP("tc::app::PrescriptionDeliveryController",
                                     "la cabine n'a pas d'imprimante")},
    {"conflict",
     QT_TRANSLATE_NOOP("tc::app::PrescriptionDeliveryController",
                       "une autre ordonnance porte déjà cet identifiant dans la cabine")},
    {"hash_mismatch", QT_TRANSLATE_NOOP("tc::app::PrescriptionDeliveryController",
                                        "document altéré en route ; renvoyez-le")},
    {"no_session",
     QT_TRANSLATE_NOOP("tc::app::PrescriptionDeliveryController", "aucune consultation en cours")},
};

} // namespace
using Clock = protocol::DocumentSender::Clock;

PrescriptionDeliveryController::PrescriptionDeliveryController(QObject* parent)
    : Controller(parent) {
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &PrescriptionDeliveryController::pump);
}

int PrescriptionDeliveryController::chunksAcknowledged() const {
    return m_sender ? static_cast<int>(m_sender->chunksAcknowledged()) : 0;
}

double PrescriptionDeliveryController::progress() const {
    if (!m_sender || m_sender->chunkCount() == 0) {
        return 0;
    }
    return static_cast<double>(m_sender->chunksAcknowledged()) / m_sender->chunkCount();
}

QString PrescriptionDeliveryController::statusText() const {
    if (m_state == DeliveryState::Sending) {
        return tr("Envoi à la cabine… %1/%2").arg(chunksAcknowledged()).arg(chunkCount());
    }
    if (m_state == DeliveryState::Received) {
        return tr("Reçue par la cabine");
    }
    if (m_state == DeliveryState::Printing) {
        return tr("Impression en cours dans la cabine");
    }
    if (m_state == DeliveryState::Printed) {
        return tr("Imprimée dans la cabine");
    }
    if (m_state == DeliveryState::Failed) {
        return tr("Échec : %1").arg(reasonText());
    }
    return {};
}

QString PrescriptionDeliveryController::reasonText() const {
    const auto& r = m_reason;
    if (r.isEmpty()) {
        return {};
    }
    for (const auto& [reason, words] : kReasonWords) {
        if (r == QLatin1String(reason)) {
            return tr(words);
        }
    }
    if (r == QLatin1String("unverified_report")) {
        return tr("la cabine n'a pas pu vérifier la signature du compte rendu (%1)")
            .arg(m_cabinText);
    }
    if (r == QLatin1String("invalid_document")) {
        return tr("document refusé (%1)").arg(m_cabinText);
    }
    return m_cabinText.isEmpty() ? r : m_cabinText;
}

void PrescriptionDeliveryController::setState(DeliveryState::Value state, const QString& reason,
                                              const QString& cabinText) {
    if (m_state != state || m_reason != reason || m_cabinText != cabinText) {
        m_state = state;
        m_reason = reason;
        m_cabinText = cabinText;
        setError(state == DeliveryState::Failed ? statusText() : QString());
        emit statusChanged();
    }
}

bool PrescriptionDeliveryController::send(const QByteArray& pdf, const QString& prescriptionId,
                                          const QString& title) {
    m_timer.stop();
    m_sender.reset();
    m_prescriptionId = prescriptionId;
    m_title = title;
    auto sender = protocol::DocumentSender::create(
        prescriptionId.toStdString(),
        std::string(pdf.constData(), static_cast<std::size_t>(pdf.size())), title.toStdString(), {},
        m_kind);
    if (!sender) {
        setState(DeliveryState::Failed, QStringLiteral("invalid_document"),
                 QString::fromStdString(sender.error().detail));
        emit progressChanged();
        return false;
    }
    m_prescriptionId = QString::fromStdString(sender->offer().transferId);
    m_sender = std::move(*sender);
    setState(DeliveryState::Sending, {}, {});
    emit progressChanged();
    pump();
    return true;
}

void PrescriptionDeliveryController::retry() {
    if (!canRetry()) {
        return;
    }
    if (m_reason == QLatin1String("no_session") || m_reason == QLatin1String("invalid_document")) {
        return; // nothing the cabin could do: the doctor sends again
    }
    m_sender->retry(Clock::now());
    setState(m_sender->state() == DocumentState::failed ? DeliveryState::Printing
                                                        : DeliveryState::Sending,
             {}, {});
    pump();
}

void PrescriptionDeliveryController::resume() {
    if (m_sender && !m_sender->finished()) {
        m_sender->resume(Clock::now());
        pump();
    }
}

void PrescriptionDeliveryController::reset() {
    m_timer.stop();
    m_sender.reset();
    m_prescriptionId.clear();
    m_title.clear();
    setState(DeliveryState::Idle, {}, {});
    emit progressChanged();
}

void PrescriptionDeliveryController::pump() {
    if (!m_sender) {
        return;
    }
    const auto now = Clock::now();
    const auto messages = m_sender->poll(now);
    for (const auto& message : messages) {
        if (!m_send || !m_send(message.kind, message.payload)) {
            m_timer.stop();
            setState(DeliveryState::Failed, QStringLiteral("no_session"), {});
            return;
        }
    }
    if (!messages.empty()) {
        emit progressChanged();
    }
    if (const auto next = m_sender->nextWakeup(now)) {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(*next - now);
        m_timer.start(static_cast<int>(std::max<std::int64_t>(wait.count(), 0)) + 1);
    } else {
        m_timer.stop();
    }
}

void PrescriptionDeliveryController::onSessionMessage(const std::string& kind,
                                                      const nlohmann::json& payload) {
    if (kind != protocol::kind::documentStatus || !m_sender) {
        return;
    }
    const auto status = protocol::parseDocumentStatus(payload);
    if (!status || m_sender->onStatus(*status, Clock::now())) {
        return; // unreadable, or another prescription's
    }
    apply();
    emit progressChanged();
    if (m_state == DeliveryState::Sending) {
        emit statusChanged(); // its text shows the progress
    }
    pump();
}

void PrescriptionDeliveryController::apply() {
    const DocumentState state = m_sender->state();
    if (state == DocumentState::failed) {
        setState(DeliveryState::Failed, QString::fromStdString(m_sender->reason()),
                 QString::fromStdString(m_sender->reasonText()));
        return;
    }
    static constexpr errors::EnumMap<DocumentState::failed, DeliveryState::Value> states{
        {DeliveryState::Sending, DeliveryState::Received, DeliveryState::Printing,
         DeliveryState::Printed, DeliveryState::Failed}};
    setState(states(state, DeliveryState::Failed), {}, {});
}

} // namespace tc::app

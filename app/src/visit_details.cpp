#include "visit_details.hpp"

#include "labels.hpp"

namespace tc::app {

void VisitDetails::set(const protocol::QueueEntry& entry) {
    m_entry = entry;
    emit changed();
}

QString VisitDetails::sex() const {
    return sexLabel(m_entry.visit.sex);
}
QString VisitDetails::operatorText() const {
    return operatorLabel(m_entry.visit.operatorPresence.role);
}
QString VisitDetails::consentText() const {
    if (!m_entry.visit.consent.recorded) {
        return tr("non recueilli");
    }
    const auto& method = m_entry.visit.consent.method;
    if (method == "written") {
        return tr("recueilli par écrit");
    }
    if (method == "electronic") {
        return tr("recueilli électroniquement");
    }
    return tr("recueilli oralement");
}
QStringList VisitDetails::instruments() const {
    return instrumentLabels(m_entry.visit.instruments);
}

QStringList VisitDetails::instrumentCameras() const {
    QStringList cameras;
    for (const auto instrument : m_entry.visit.instruments) {
        if (instrument == protocol::Instrument::otoscope) {
            cameras << QStringLiteral("otoscope");
        } else if (instrument == protocol::Instrument::dermatoscope) {
            cameras << QStringLiteral("dermatoscope");
        }
    }
    return cameras;
}

} // namespace tc::app

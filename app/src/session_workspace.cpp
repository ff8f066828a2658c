#include "session_workspace.hpp"

#include "tc/protocol/session_kinds.hpp"

namespace tc::app {

void SessionWorkspace::setCurrent(Workspace::Value workspace) {
    if (workspace != m_current) {
        m_current = workspace;
        emit currentChanged();
    }
}

void SessionWorkspace::requestInstrument(const QString& instrument, bool start) {
    if (m_pending.contains(instrument) || !m_send) {
        return;
    }
    if (!m_send(std::string(protocol::kind::instrumentRequest),
                {{"instrument", instrument.toStdString()}, {"action", start ? "start" : "stop"}})) {
        return;
    }
    m_pending << instrument;
    emit instrumentsChanged();
}

void SessionWorkspace::onAcknowledged(const nlohmann::json& payload) {
    const auto request = payload.value("request", nlohmann::json::object());
    const auto instrument = request.value("instrument", nlohmann::json());
    const auto action = request.value("action", nlohmann::json());
    if (!instrument.is_string() || !action.is_string()) {
        return;
    }
    const auto name = QString::fromStdString(instrument.get<std::string>());
    m_pending.removeAll(name);
    emit instrumentsChanged();
    const auto accepted = payload.value("acknowledged", nlohmann::json());
    if (accepted.is_boolean() && !accepted.get<bool>()) {
        emit refused(
            tr("La cabine n'a pas pu %1 : %2")
                .arg(action == "start" ? tr("démarrer la caméra") : tr("arrêter la caméra"), name));
        return;
    }
    if (m_show) {
        m_show(name, action == "start");
    }
}

void SessionWorkspace::reset() {
    if (!m_pending.isEmpty()) {
        m_pending.clear();
        emit instrumentsChanged();
    }
    setCurrent(Workspace::Stethoscope);
}

} // namespace tc::app

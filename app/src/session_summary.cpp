#include "session_summary.hpp"

#include "labels.hpp"

namespace tc::app {

SessionSummary::SessionSummary(QObject* parent)
    : QObject(parent) {
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &SessionSummary::durationChanged);
}

int SessionSummary::durationSeconds() const {
    return m_running ? static_cast<int>(m_activeSince.elapsed() / 1000) : m_finalDuration;
}

void SessionSummary::start() {
    m_activeSince.start();
    m_running = true;
    m_tick.start();
    emit durationChanged();
}

void SessionSummary::finish(const protocol::SessionEnded& ended) {
    m_tick.stop();
    m_running = false;
    m_finalDuration = static_cast<int>(ended.durationMs / 1000);
    m_endReasonText = endReasonLabel(ended.reason);
    m_endedBy = ended.endedBy == protocol::Role::doctor  ? tr("par vous")
                : ended.endedBy == protocol::Role::cabin ? tr("par la cabine")
                                                         : tr("par le service");
    emit durationChanged();
    emit endedChanged();
}

void SessionSummary::clear() {
    m_tick.stop();
    m_running = false;
    m_finalDuration = 0;
    m_endReasonText.clear();
    m_endedBy.clear();
    emit durationChanged();
    emit endedChanged();
}

} // namespace tc::app

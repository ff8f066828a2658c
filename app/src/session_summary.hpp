#pragma once
// How long the consultation has lasted, and once over, how it ended and who ended it: the
// header's clock and the end screen. The consultation record (dossier) grows from here.

#include "tc/protocol/messages.hpp"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

namespace tc::app {

class SessionSummary : public QObject {
    Q_OBJECT
    Q_PROPERTY(int durationSeconds READ durationSeconds NOTIFY durationChanged)
    Q_PROPERTY(QString endReasonText READ endReasonText NOTIFY endedChanged)
    Q_PROPERTY(QString endedBy READ endedBy NOTIFY endedChanged)

public:
    explicit SessionSummary(QObject* parent = nullptr);

    int durationSeconds() const;
    QString endReasonText() const { return m_endReasonText; }
    QString endedBy() const { return m_endedBy; }

    // Media flows: the clock starts, and ticks each second.
    void start();
    // The service's word on the end: its duration is the one that counts.
    void finish(const protocol::SessionEnded& ended);
    void clear();

signals:
    void durationChanged();
    void endedChanged();

private:
    QElapsedTimer m_activeSince;
    QTimer m_tick;
    bool m_running = false;
    int m_finalDuration = 0;
    QString m_endReasonText;
    QString m_endedBy;
};

} // namespace tc::app

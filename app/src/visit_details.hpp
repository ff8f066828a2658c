#pragma once
// The patient and the visit being consulted, as the doctor reads them: the queue entry that was
// claimed, in words. One object the session screen binds to (`session.visit.*`).

#include "tc/protocol/messages.hpp"

#include <QObject>
#include <QString>
#include <QStringList>

namespace tc::app {

class VisitDetails : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString reason READ reason NOTIFY changed)
    Q_PROPERTY(int age READ age NOTIFY changed)
    Q_PROPERTY(QString sex READ sex NOTIFY changed)
    Q_PROPERTY(bool urgent READ urgent NOTIFY changed)
    Q_PROPERTY(bool guardianPresent READ guardianPresent NOTIFY changed)
    Q_PROPERTY(QString operatorText READ operatorText NOTIFY changed)
    Q_PROPERTY(QString consentText READ consentText NOTIFY changed)
    Q_PROPERTY(QStringList instruments READ instruments NOTIFY changed)
    // The visit's instrument cameras by wire name ("otoscope", "dermatoscope").
    Q_PROPERTY(QStringList instrumentCameras READ instrumentCameras NOTIFY changed)
    Q_PROPERTY(QString siteName READ siteName NOTIFY changed)
    Q_PROPERTY(QString siteCode READ siteCode NOTIFY changed)
    Q_PROPERTY(QString openingHours READ openingHours NOTIFY changed)
    Q_PROPERTY(QString cabinName READ cabinName NOTIFY changed)
    Q_PROPERTY(int waitedMinutes READ waitedMinutes NOTIFY changed)

public:
    using QObject::QObject;

    void set(const protocol::QueueEntry& entry);
    void clear() { set({}); }
    const protocol::QueueEntry& entry() const { return m_entry; }

    QString reason() const { return QString::fromStdString(m_entry.visit.reason); }
    int age() const { return m_entry.visit.age; }
    QString sex() const;
    bool urgent() const { return m_entry.visit.priority == protocol::Priority::urgent; }
    bool guardianPresent() const { return m_entry.visit.guardianPresent; }
    QString operatorText() const;
    QString consentText() const;
    QStringList instruments() const;
    QStringList instrumentCameras() const;
    QString siteName() const { return QString::fromStdString(m_entry.visit.site.name); }
    QString siteCode() const { return QString::fromStdString(m_entry.visit.site.code); }
    QString openingHours() const { return QString::fromStdString(m_entry.visit.site.openingHours); }
    QString cabinName() const { return QString::fromStdString(m_entry.cabinName); }
    int waitedMinutes() const { return static_cast<int>(m_entry.waitedMs / 60000); }

signals:
    void changed();

private:
    protocol::QueueEntry m_entry;
};

} // namespace tc::app

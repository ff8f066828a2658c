#pragma once
// The live queue of waiting patients: a snapshot, then incremental updates, kept in the
// service's order (protocol::queueOrderLess: urgent first, then longest waiting). Waiting times
// tick every second from the service's figure plus the time since the entry was received.

#include "tc/protocol/messages.hpp"

#include <QAbstractListModel>
#include <QElapsedTimer>
#include <QTimer>
#include <QtQml/qqmlregistration.h>
#include <vector>

namespace tc::app {

class ServiceLink;

class QueueModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the application and passed to Main.qml")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // The subscription failed (e.g. lost link): what the doctor should know.
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    enum Role {
        VisitIdRole = Qt::UserRole + 1,
        ReasonRole,
        AgeRole,
        SexRole,
        PriorityRole,
        UrgentRole,
        SiteNameRole,
        SiteCodeRole,
        OpeningHoursRole,
        CabinNameRole,
        WaitingSecondsRole,
        OperatorPresentRole,
        OperatorRoleRole,
        GuardianPresentRole,
        InstrumentsRole,
    };

    explicit QueueModel(QObject* parent = nullptr);

    // Where queue.subscribe goes. Not owned; must outlive the model or be reset to nullptr.
    void setLink(ServiceLink* link) { m_link = link; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return static_cast<int>(m_rows.size()); }
    QString errorString() const { return m_errorString; }

    Q_INVOKABLE QString visitIdAt(int row) const;
    // The entry as last received, or nullptr.
    const protocol::QueueEntry* find(const QString& visitId) const;

    // A new welcome: subscribe again unless the service resumed our session (a fresh snapshot
    // then replaces the model).
    void handleWelcome(bool resumed);
    // queue.update events; other events are ignored.
    void handleEvent(const protocol::Envelope& event);
    void subscribe();
    void applySnapshot(const protocol::QueueSnapshot& snapshot);
    void applyUpdate(const protocol::QueueUpdate& update);
    void clear();

signals:
    void countChanged();
    void errorStringChanged();

private:
    struct Row {
        protocol::QueueEntry entry;
        QElapsedTimer sinceReceived;
    };
    static Row makeRow(const protocol::QueueEntry& entry);
    int waitingSeconds(const Row& row) const;
    void setError(const QString& text);

    ServiceLink* m_link = nullptr;
    std::vector<Row> m_rows;
    QTimer m_tick;
    QString m_errorString;
};

} // namespace tc::app

#pragma once
// The live queue of waiting patients: a snapshot, then incremental updates, kept in the
// service's order (urgent first, then longest waiting). Waiting times tick every second.

#include "tc/protocol/messages.hpp"

#include <QAbstractListModel>
#include <QElapsedTimer>
#include <QTimer>
#include <vector>

namespace tc::app {

class ServiceLink;

class QueueModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Role {
        VisitIdRole = Qt::UserRole + 1,
        ReasonRole,
        AgeRole,
        SexRole,
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

    // Follows `connection`: subscribes after every fresh welcome and applies queue events.
    void attach(ServiceLink* connection);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return static_cast<int>(m_entries.size()); }

    Q_INVOKABLE QString visitIdAt(int row) const;
    // The entry as last received, for the session screen.
    const protocol::QueueEntry* find(const QString& visitId) const;

    void applySnapshot(const protocol::QueueSnapshot& snapshot);
    void applyUpdate(const protocol::QueueUpdate& update);
    void clear();

signals:
    void countChanged();

private:
    struct Row {
        protocol::QueueEntry entry;
        QElapsedTimer sinceReceived;
    };
    void subscribe();
    qint64 waitingSeconds(const Row& row) const;

    ServiceLink* m_connection = nullptr;
    std::vector<Row> m_entries;
    QTimer m_tick;
};

} // namespace tc::app

#include "queue_model.hpp"

#include "labels.hpp"
#include "service_link.hpp"

#include <algorithm>

namespace tc::app {

QueueModel::QueueModel(QObject* parent)
    : QAbstractListModel(parent) {
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        if (!m_entries.empty()) {
            emit dataChanged(index(0), index(count() - 1), {WaitingSecondsRole});
        }
    });
    m_tick.start();
}

void QueueModel::attach(ServiceLink* connection) {
    m_connection = connection;
    // After every (re)connection, resumed or not: queue updates sent while the link was down are
    // lost, so a fresh snapshot replaces the model.
    connect(connection, &ServiceLink::welcomed, this, [this](bool) { subscribe(); });
    connect(connection, &ServiceLink::eventReceived, this, [this](const protocol::Envelope& event) {
        if (event.type != protocol::type::queueUpdate) {
            return;
        }
        if (const auto update = protocol::fromJson<protocol::QueueUpdate>(event.body)) {
            applyUpdate(*update);
        }
    });
    connect(connection, &ServiceLink::linkChanged, this, [this] {
        if (!m_connection->signedIn()) {
            clear();
        }
    });
}

void QueueModel::subscribe() {
    m_connection->request(std::string(protocol::type::queueSubscribe), nlohmann::json::object(),
                          [this](const protocol::Reply& reply) {
                              if (reply.code) {
                                  return; // the connection controller shows link problems
                              }
                              if (const auto snapshot =
                                      protocol::fromJson<protocol::QueueSnapshot>(reply.body)) {
                                  applySnapshot(*snapshot);
                              }
                          });
}

int QueueModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

qint64 QueueModel::waitingSeconds(const Row& row) const {
    return (row.entry.waitedMs + row.sinceReceived.elapsed()) / 1000;
}

QVariant QueueModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= count()) {
        return {};
    }
    const Row& row = m_entries[static_cast<std::size_t>(index.row())];
    const auto& visit = row.entry.visit;
    switch (role) {
    case VisitIdRole:
        return QString::fromStdString(visit.visitId);
    case ReasonRole:
    case Qt::DisplayRole:
        return QString::fromStdString(visit.reason);
    case AgeRole:
        return visit.age;
    case SexRole:
        return sexLabel(visit.sex);
    case UrgentRole:
        return visit.priority == protocol::Priority::urgent;
    case SiteNameRole:
        return QString::fromStdString(visit.site.name);
    case SiteCodeRole:
        return QString::fromStdString(visit.site.code);
    case OpeningHoursRole:
        return QString::fromStdString(visit.site.openingHours);
    case CabinNameRole:
        return QString::fromStdString(row.entry.cabinName);
    case WaitingSecondsRole:
        return waitingSeconds(row);
    case OperatorPresentRole:
        return visit.operatorPresence.present;
    case OperatorRoleRole:
        return operatorLabel(visit.operatorPresence.role);
    case GuardianPresentRole:
        return visit.guardianPresent;
    case InstrumentsRole:
        return instrumentLabels(visit.instruments);
    default:
        return {};
    }
}

QHash<int, QByteArray> QueueModel::roleNames() const {
    return {{VisitIdRole, "visitId"},
            {ReasonRole, "reason"},
            {AgeRole, "age"},
            {SexRole, "sex"},
            {UrgentRole, "urgent"},
            {SiteNameRole, "siteName"},
            {SiteCodeRole, "siteCode"},
            {OpeningHoursRole, "openingHours"},
            {CabinNameRole, "cabinName"},
            {WaitingSecondsRole, "waitingSeconds"},
            {OperatorPresentRole, "operatorPresent"},
            {OperatorRoleRole, "operatorRole"},
            {GuardianPresentRole, "guardianPresent"},
            {InstrumentsRole, "instruments"}};
}

QString QueueModel::visitIdAt(int row) const {
    if (row < 0 || row >= count()) {
        return {};
    }
    return QString::fromStdString(m_entries[static_cast<std::size_t>(row)].entry.visit.visitId);
}

const protocol::QueueEntry* QueueModel::find(const QString& visitId) const {
    const auto id = visitId.toStdString();
    for (const auto& row : m_entries) {
        if (row.entry.visit.visitId == id) {
            return &row.entry;
        }
    }
    return nullptr;
}

void QueueModel::applySnapshot(const protocol::QueueSnapshot& snapshot) {
    beginResetModel();
    m_entries.clear();
    for (const auto& entry : snapshot.entries) {
        Row row{entry, {}};
        row.sinceReceived.start();
        m_entries.push_back(std::move(row));
    }
    std::stable_sort(m_entries.begin(), m_entries.end(), [](const Row& a, const Row& b) {
        return protocol::queueOrderLess(a.entry, b.entry);
    });
    endResetModel();
    emit countChanged();
}

void QueueModel::applyUpdate(const protocol::QueueUpdate& update) {
    const auto existing = std::find_if(m_entries.begin(), m_entries.end(), [&](const Row& r) {
        return r.entry.visit.visitId == update.visitId;
    });
    if (existing != m_entries.end()) {
        const int row = static_cast<int>(existing - m_entries.begin());
        beginRemoveRows({}, row, row);
        m_entries.erase(existing);
        endRemoveRows();
    }
    if (update.op == protocol::QueueOp::added && update.entry) {
        Row row{*update.entry, {}};
        row.sinceReceived.start();
        const auto position = std::upper_bound(
            m_entries.begin(), m_entries.end(), row,
            [](const Row& a, const Row& b) { return protocol::queueOrderLess(a.entry, b.entry); });
        const int at = static_cast<int>(position - m_entries.begin());
        beginInsertRows({}, at, at);
        m_entries.insert(position, std::move(row));
        endInsertRows();
    }
    emit countChanged();
}

void QueueModel::clear() {
    if (m_entries.empty()) {
        return;
    }
    beginResetModel();
    m_entries.clear();
    endResetModel();
    emit countChanged();
}

} // namespace tc::app

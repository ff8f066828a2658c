#include "queue_model.hpp"

#include "error_text.hpp"
#include "labels.hpp"
#include "service_link.hpp"

#include <algorithm>

namespace tc::app {

namespace {

bool rowLess(const protocol::QueueEntry& a, const protocol::QueueEntry& b) {
    return protocol::queueOrderLess(a, b);
}

} // namespace

QueueModel::QueueModel(QObject* parent)
    : QAbstractListModel(parent) {
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        if (!m_rows.empty()) {
            emit dataChanged(index(0), index(count() - 1), {WaitingSecondsRole});
        }
    });
    m_tick.start();
}

QueueModel::Row QueueModel::makeRow(const protocol::QueueEntry& entry) {
    Row row{entry, {}};
    row.sinceReceived.start();
    return row;
}

void QueueModel::setError(const QString& text) {
    if (m_errorString != text) {
        m_errorString = text;
        emit errorStringChanged();
    }
}

void QueueModel::handleWelcome(bool resumed) {
    if (!resumed) {
        subscribe();
    }
}

void QueueModel::handleEvent(const protocol::Envelope& event) {
    if (event.type != protocol::type::queueUpdate) {
        return;
    }
    if (const auto update = protocol::fromJson<protocol::QueueUpdate>(event.body)) {
        applyUpdate(*update);
    }
}

void QueueModel::subscribe() {
    if (m_link == nullptr) {
        return;
    }
    m_link->request(protocol::type::queueSubscribe, nlohmann::json::object(), this,
                    [this](const protocol::Reply& reply) {
                        if (reply.code) {
                            setError(describeError(reply.code));
                            return;
                        }
                        const auto snapshot = protocol::fromJson<protocol::QueueSnapshot>(reply.body);
                        if (!snapshot) {
                            setError(tr("La file d'attente reçue du service est illisible. "
                                        "Reconnectez-vous ; si cela persiste, prévenez le support."));
                            return;
                        }
                        setError({});
                        applySnapshot(*snapshot);
                    });
}

int QueueModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

int QueueModel::waitingSeconds(const Row& row) const {
    return static_cast<int>((row.entry.waitedMs + row.sinceReceived.elapsed()) / 1000);
}

QVariant QueueModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= count()) {
        return {};
    }
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
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
    case PriorityRole:
        return QString::fromUtf8(protocol::toString(visit.priority).data(),
                                 static_cast<qsizetype>(protocol::toString(visit.priority).size()));
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
            {PriorityRole, "priority"},
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
    return QString::fromStdString(m_rows[static_cast<std::size_t>(row)].entry.visit.visitId);
}

const protocol::QueueEntry* QueueModel::find(const QString& visitId) const {
    const auto id = visitId.toStdString();
    const auto it = std::find_if(m_rows.begin(), m_rows.end(),
                                 [&](const Row& row) { return row.entry.visit.visitId == id; });
    return it == m_rows.end() ? nullptr : &it->entry;
}

void QueueModel::applySnapshot(const protocol::QueueSnapshot& snapshot) {
    const int before = count();
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(snapshot.entries.size());
    for (const auto& entry : snapshot.entries) {
        m_rows.push_back(makeRow(entry));
    }
    std::stable_sort(m_rows.begin(), m_rows.end(),
                     [](const Row& a, const Row& b) { return rowLess(a.entry, b.entry); });
    endResetModel();
    if (count() != before) {
        emit countChanged();
    }
}

void QueueModel::applyUpdate(const protocol::QueueUpdate& update) {
    const int before = count();
    // An "added" for a known visit replaces it (its priority or details may have changed).
    const auto existing = std::find_if(m_rows.begin(), m_rows.end(), [&](const Row& row) {
        return row.entry.visit.visitId == update.visitId;
    });
    if (existing != m_rows.end()) {
        const int at = static_cast<int>(existing - m_rows.begin());
        beginRemoveRows({}, at, at);
        m_rows.erase(existing);
        endRemoveRows();
    }
    if (update.op == protocol::QueueOp::added && update.entry) {
        Row row = makeRow(*update.entry);
        // Check-in times come from the service's clock: the order matches the service's.
        const auto position =
            std::upper_bound(m_rows.begin(), m_rows.end(), row,
                             [](const Row& a, const Row& b) { return rowLess(a.entry, b.entry); });
        const int at = static_cast<int>(position - m_rows.begin());
        beginInsertRows({}, at, at);
        m_rows.insert(position, std::move(row));
        endInsertRows();
    }
    if (count() != before) {
        emit countChanged();
    }
}

void QueueModel::clear() {
    setError({});
    if (m_rows.empty()) {
        return;
    }
    beginResetModel();
    m_rows.clear();
    endResetModel();
    emit countChanged();
}

} // namespace tc::app

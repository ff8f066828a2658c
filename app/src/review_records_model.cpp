#include "review_records_model.hpp"

namespace tc::app {

int ReviewRecordsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant ReviewRecordsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= count()) {
        return {};
    }
    const auto& row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case RecordIdRole:
        return QString::fromStdString(row.recordId);
    case SiteRole:
        return QString::fromStdString(row.site);
    case DoctorRppsRole:
        return QString::fromStdString(row.doctorRpps);
    case StartedAtRole:
        return static_cast<double>(row.startMs);
    case WaitMsRole:
        return static_cast<double>(row.waitMs);
    case DurationMsRole:
        return static_cast<double>(row.durationMs);
    case EndReasonRole:
        return QString::fromStdString(row.endReason);
    case OrientationRole:
        return QString::fromStdString(row.orientation);
    case IncidentCountRole:
        return static_cast<int>(row.incidentCount);
    case PrescriptionCountRole:
        return static_cast<int>(row.prescriptionCount);
    case AgeBandRole:
        return QString::fromStdString(row.ageBand);
    case SexRole:
        return QString::fromStdString(row.sex);
    default:
        return {};
    }
}

QHash<int, QByteArray> ReviewRecordsModel::roleNames() const {
    return {
        {RecordIdRole, "recordId"},
        {SiteRole, "site"},
        {DoctorRppsRole, "doctorRpps"},
        {StartedAtRole, "startedAt"},
        {WaitMsRole, "waitMs"},
        {DurationMsRole, "durationMs"},
        {EndReasonRole, "endReason"},
        {OrientationRole, "orientation"},
        {IncidentCountRole, "incidentCount"},
        {PrescriptionCountRole, "prescriptionCount"},
        {AgeBandRole, "ageBand"},
        {SexRole, "sex"},
    };
}

void ReviewRecordsModel::clear() {
    if (m_rows.empty()) {
        return;
    }
    beginResetModel();
    m_rows.clear();
    endResetModel();
    emit countChanged();
}

void ReviewRecordsModel::append(std::vector<protocol::ReviewRow> rows) {
    if (rows.empty()) {
        return;
    }
    const int first = count();
    beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
    for (auto& row : rows) {
        m_rows.push_back(std::move(row));
    }
    endInsertRows();
    emit countChanged();
}

const protocol::ReviewRow* ReviewRecordsModel::find(const QString& recordId) const {
    const auto id = recordId.toStdString();
    for (const auto& row : m_rows) {
        if (row.recordId == id) {
            return &row;
        }
    }
    return nullptr;
}

} // namespace tc::app

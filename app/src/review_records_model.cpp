#include "review_records_model.hpp"

#include <array>

namespace tc::app {

int ReviewRecordsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

namespace {

using protocol::ReviewRow;

QVariant text(const std::string& value) {
    return QString::fromStdString(value);
}

// The roles, from Qt::UserRole + 1, in order: their names (the screens' contract) and values.
struct Column {
    const char* name;
    QVariant (*value)(const ReviewRow&);
};
const std::array<Column, 12> kColumns{{
    {"recordId",
     [](const ReviewRow& r) {
         return text(r.recordId);
     }},
    {"site",
     [](const ReviewRow& r) {
         return text(r.site);
     }},
    {"doctorRpps",
     [](const ReviewRow& r) {
         return text(r.doctorRpps);
     }},
    {"startedAt",
     [](const ReviewRow& r) {
         return QVariant(static_cast<double>(r.startMs));
     }},
    {"waitMs",
     [](const ReviewRow& r) {
         return QVariant(static_cast<double>(r.waitMs));
     }},
    {"durationMs",
     [](const ReviewRow& r) {
         return QVariant(static_cast<double>(r.durationMs));
     }},
    {"endReason",
     [](const ReviewRow& r) {
         return text(r.endReason);
     }},
    {"orientation",
     [](const ReviewRow& r) {
         return text(r.orientation);
     }},
    {"incidentCount",
     [](const ReviewRow& r) {
         return QVariant(static_cast<int>(r.incidentCount));
     }},
    {"prescriptionCount",
     [](const ReviewRow& r) {
         return QVariant(static_cast<int>(r.prescriptionCount));
     }},
    {"ageBand",
     [](const ReviewRow& r) {
         return text(r.ageBand);
     }},
    {"sex",
     [](const ReviewRow& r) {
         return text(r.sex);
     }},
}};

} // namespace

QVariant ReviewRecordsModel::data(const QModelIndex& index, int role) const {
    const auto column = static_cast<std::size_t>(role - Qt::UserRole - 1);
    if (!index.isValid() || index.row() < 0 || index.row() >= count() || role <= Qt::UserRole ||
        column >= kColumns.size()) {
        return {};
    }
    return kColumns[column].value(m_rows[static_cast<std::size_t>(index.row())]);
}

QHash<int, QByteArray> ReviewRecordsModel::roleNames() const {
    QHash<int, QByteArray> names;
    for (std::size_t i = 0; i < kColumns.size(); ++i) {
        names.insert(Qt::UserRole + 1 + static_cast<int>(i), kColumns[i].name);
    }
    return names;
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

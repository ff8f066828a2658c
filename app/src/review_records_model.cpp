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

// The roles, from Qt::UserRole + 1, in order: their names (the screens' contract) and values,
// each the row's field as QML reads it (strings; times in ms and counts as numbers).
template <auto Field> QVariant textOf(const ReviewRow& row) {
    return text(row.*Field);
}
template <auto Field> QVariant millisecondsOf(const ReviewRow& row) {
    return QVariant(static_cast<double>(row.*Field));
}
template <auto Field> QVariant countOf(const ReviewRow& row) {
    return QVariant(static_cast<int>(row.*Field));
}

struct Column {
    const char* name;
    QVariant (*value)(const ReviewRow&);
};
const std::array<Column, 12> kColumns{{
    {"recordId", textOf<&ReviewRow::recordId>},
    {"site", textOf<&ReviewRow::site>},
    {"doctorRpps", textOf<&ReviewRow::doctorRpps>},
    {"startedAt", millisecondsOf<&ReviewRow::startMs>},
    {"waitMs", millisecondsOf<&ReviewRow::waitMs>},
    {"durationMs", millisecondsOf<&ReviewRow::durationMs>},
    {"endReason", textOf<&ReviewRow::endReason>},
    {"orientation", textOf<&ReviewRow::orientation>},
    {"incidentCount", countOf<&ReviewRow::incidentCount>},
    {"prescriptionCount", countOf<&ReviewRow::prescriptionCount>},
    {"ageBand", textOf<&ReviewRow::ageBand>},
    {"sex", textOf<&ReviewRow::sex>},
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

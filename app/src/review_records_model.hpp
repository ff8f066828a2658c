#pragma once
// The review list's rows (ReviewSession::records): the consultations the service lets the
// signed-in coordinator or doctor review, newest first, page after page. Role names are the
// screens' contract (ReviewView.qml): recordId, site, doctorRpps, startedAt (Unix ms), waitMs,
// durationMs, endReason, orientation ("" without a signed report), incidentCount,
// prescriptionCount, ageBand, sex.

#include "tc/protocol/review_index.hpp"

#include <QAbstractListModel>
#include <vector>

namespace tc::app {

class ReviewRecordsModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return static_cast<int>(m_rows.size()); }

    void clear();
    void append(std::vector<protocol::ReviewRow> rows);
    const protocol::ReviewRow* find(const QString& recordId) const;

signals:
    void countChanged();

private:
    std::vector<protocol::ReviewRow> m_rows;
};

} // namespace tc::app

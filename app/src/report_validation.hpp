#pragma once
// What is wrong with the compte rendu being written, as the editor last checked it against the
// consultation's record (validateReport): each issue at its field by JSON pointer ("/motif",
// "/examination/items/2/text"), in the console's language (error_text.hpp words every
// tc.record code). ReportEditor owns it (`validation`) and sets it after every edit.

#include "tc/prescriptions/record_errors.hpp"

#include <QObject>
#include <QString>
#include <QVariantList>

namespace tc::app {

class ReportValidation : public QObject {
    Q_OBJECT
    // [{location, message}] in validateReport's order.
    Q_PROPERTY(QVariantList issues READ issues NOTIFY changed)
    Q_PROPERTY(int issueCount READ issueCount NOTIFY changed)
    // Nothing to correct: the report can be signed.
    Q_PROPERTY(bool valid READ valid NOTIFY changed)

public:
    using QObject::QObject;

    void update(prescriptions::RecordIssues issues, bool checked);
    void clear() { update({}, false); }

    QVariantList issues() const;
    int issueCount() const { return static_cast<int>(m_issues.size()); }
    bool valid() const { return m_checked && m_issues.empty(); }
    // The first issue at `path` or inside it, in words; "" when none.
    Q_INVOKABLE QString issueAt(const QString& path) const;

signals:
    void changed();

private:
    prescriptions::RecordIssues m_issues;
    bool m_checked = false;
};

} // namespace tc::app

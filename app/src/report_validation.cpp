#include "report_validation.hpp"

#include "error_text.hpp"

#include <QVariantMap>

namespace tc::app {

void ReportValidation::update(prescriptions::RecordIssues issues, bool checked) {
    m_issues = std::move(issues);
    m_checked = checked;
    emit changed();
}

QVariantList ReportValidation::issues() const {
    QVariantList out;
    for (const auto& issue : m_issues) {
        out.push_back(QVariantMap{{QStringLiteral("location"), QString::fromStdString(issue.path)},
                                  {QStringLiteral("message"), errorText(issue.code)}});
    }
    return out;
}

QString ReportValidation::issueAt(const QString& path) const {
    const std::string key = path.toStdString();
    for (const auto& issue : m_issues) {
        // "/examination/items/1" holds "/examination/items/1/text", not "/examination/items/10".
        if (issue.path == key || issue.path.starts_with(key + "/")) {
            return errorText(issue.code);
        }
    }
    return {};
}

} // namespace tc::app

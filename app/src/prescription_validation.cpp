#include "prescription_validation.hpp"

#include "ui_text.hpp"

#include <QLocale>
#include <QVariantMap>
#include <algorithm>

namespace tc::app {

namespace {

namespace rx = tc::prescriptions;

} // namespace

void PrescriptionValidation::update(std::vector<ParseError> parseErrors,
                                    std::vector<prescriptions::Issue> issues, bool readable) {
    m_parseErrors = std::move(parseErrors);
    m_issues = std::move(issues);
    m_readable = readable;
    emit changed();
}

QString PrescriptionValidation::issueAt(const QString& path) const {
    const std::string key = path.toStdString();
    const auto inside = [&](const std::string& location) {
        return location == key || location.rfind(key + "/", 0) == 0;
    };
    for (const auto& [location, detail] : m_parseErrors) {
        if (inside(location)) {
            return tr("À corriger : %1").arg(detail);
        }
    }
    for (const auto& issue : m_issues) {
        if (inside(issue.location)) {
            return QString::fromStdString(french() ? issue.messageFr : issue.messageEn);
        }
    }
    return {};
}

bool PrescriptionValidation::unreadableAt(const std::string& path) const {
    return std::any_of(m_parseErrors.begin(), m_parseErrors.end(),
                       [&](const auto& error) { return error.first == path; });
}

QVariantList PrescriptionValidation::issues() const {
    QVariantList out;
    for (const auto& [location, detail] : m_parseErrors) {
        out.push_back(QVariantMap{{QStringLiteral("location"), QString::fromStdString(location)},
                                  {QStringLiteral("message"), tr("À corriger : %1").arg(detail)},
                                  {QStringLiteral("severity"), QStringLiteral("error")}});
    }
    for (const auto& issue : m_issues) {
        out.push_back(
            QVariantMap{{QStringLiteral("location"), QString::fromStdString(issue.location)},
                        {QStringLiteral("message"),
                         QString::fromStdString(french() ? issue.messageFr : issue.messageEn)},
                        {QStringLiteral("severity"), issue.severity == rx::Severity::error
                                                         ? QStringLiteral("error")
                                                         : QStringLiteral("warning")}});
    }
    return out;
}

int PrescriptionValidation::errorCount() const {
    int n = static_cast<int>(m_parseErrors.size());
    for (const auto& issue : m_issues) {
        n += issue.severity == rx::Severity::error ? 1 : 0;
    }
    return n;
}

int PrescriptionValidation::warningCount() const {
    int n = 0;
    for (const auto& issue : m_issues) {
        n += issue.severity == rx::Severity::warning ? 1 : 0;
    }
    return n;
}

} // namespace tc::app

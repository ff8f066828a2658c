#pragma once
// What is wrong with the ordonnance being written, as the editor last checked it: where the
// draft cannot be read (a letter in a number, an empty date: by JSON pointer, in words) and the
// prescriptions library's issues (validation.hpp), errors and warnings, each at its field.
// PrescriptionEditor owns it (`validation`) and sets it after every edit; it reports, it cannot
// fail.

#include "tc/prescriptions/validation.hpp"

#include <QObject>
#include <QString>
#include <QVariantList>
#include <string>
#include <utility>
#include <vector>

namespace tc::app {

class PrescriptionValidation : public QObject {
    Q_OBJECT
    // [{location, message, severity ("error", "warning")}]: what cannot be read first, then
    // the model's issues in its order.
    Q_PROPERTY(QVariantList issues READ issues NOTIFY changed)
    Q_PROPERTY(int errorCount READ errorCount NOTIFY changed)
    Q_PROPERTY(int warningCount READ warningCount NOTIFY changed)
    // The draft reads as the doctor wrote it and has no error: it can be signed.
    Q_PROPERTY(bool valid READ valid NOTIFY changed)

public:
    // A JSON pointer into the draft, and why it cannot be read there (describeParseError).
    using ParseError = std::pair<std::string, QString>;

    using QObject::QObject;

    // One check of the draft: `readable` when the model reads it as it is (no stand-in).
    void update(std::vector<ParseError> parseErrors, std::vector<prescriptions::Issue> issues,
                bool readable);
    // No draft: nothing to say.
    void clear() { update({}, {}, false); }

    QVariantList issues() const;
    int errorCount() const;
    int warningCount() const;
    bool valid() const { return m_readable && errorCount() == 0; }
    // The first issue at `path` or inside it, in words; "" when none.
    QString issueAt(const QString& path) const;
    // Whether the draft cannot be read at exactly `path`.
    bool unreadableAt(const std::string& path) const;

signals:
    void changed();

private:
    std::vector<ParseError> m_parseErrors;
    std::vector<prescriptions::Issue> m_issues;
    bool m_readable = false;
};

} // namespace tc::app

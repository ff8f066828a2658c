#pragma once
// What every console controller has in common: how it tells the screens what went wrong.
// `errorString` is the last failure in the UI's language ("" when there is none) and
// `errorStringChanged` says it changed; QML shows it, tests read it. Controllers derive from
// this instead of QObject, so that no controller names its errors differently.

#include <QObject>
#include <QString>

namespace tc::app {

class Controller : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    using QObject::QObject;

    QString errorString() const { return m_errorString; }

signals:
    void errorStringChanged();

protected:
    // "" clears it. Emits only on a change.
    void setError(const QString& text) {
        if (m_errorString != text) {
            m_errorString = text;
            emit errorStringChanged();
        }
    }

private:
    QString m_errorString;
};

} // namespace tc::app

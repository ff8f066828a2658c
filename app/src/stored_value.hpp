#pragma once
// One value the console remembers across runs, for QML: the doctor's own arrangement of a
// screen (the session screen's split), never clinical data. It lives in QSettings, that is the
// user's settings, or the data directory's with --data-dir or --demo (main.cpp), so that a demo
// or a test run leaves the doctor's own settings alone.
//
//     StoredValue { id: split; key: "session/workPaneFraction"; defaultValue: 0.42 }
//     ... split.value ... split.value = 0.5 // written at once
//
// Qt 6.4 has no QtCore.Settings (6.5) and Debian's Qt.labs.settings is a package the console
// would then need; this is the few lines the console uses of either.

#include <QObject>
#include <QString>
#include <QVariant>

namespace tc::app {

class StoredValue : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString key READ key WRITE setKey NOTIFY keyChanged)
    Q_PROPERTY(QVariant defaultValue READ defaultValue WRITE setDefaultValue NOTIFY valueChanged)
    // The stored value, or defaultValue while nothing is stored under key.
    Q_PROPERTY(QVariant value READ value WRITE setValue NOTIFY valueChanged)
public:
    using QObject::QObject;

    QString key() const { return m_key; }
    void setKey(const QString& key);
    QVariant defaultValue() const { return m_default; }
    void setDefaultValue(const QVariant& value);
    QVariant value() const;
    void setValue(const QVariant& value);
    // Forgets the stored value (back to defaultValue).
    Q_INVOKABLE void reset();

signals:
    void keyChanged();
    void valueChanged();

private:
    QString m_key;
    QVariant m_default;
};

// Makes StoredValue importable as `import Telecabine.Settings` (before any QML loads).
void registerSettingsTypes();

} // namespace tc::app

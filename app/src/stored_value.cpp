#include "stored_value.hpp"

#include <QQmlEngine>
#include <QSettings>

namespace tc::app {

void StoredValue::setKey(const QString& key) {
    if (key == m_key) {
        return;
    }
    m_key = key;
    emit keyChanged();
    emit valueChanged();
}

void StoredValue::setDefaultValue(const QVariant& value) {
    if (value == m_default) {
        return;
    }
    m_default = value;
    emit valueChanged();
}

QVariant StoredValue::value() const {
    if (m_key.isEmpty()) {
        return m_default;
    }
    return QSettings().value(m_key, m_default);
}

void StoredValue::setValue(const QVariant& value) {
    if (m_key.isEmpty() || value == this->value()) {
        return;
    }
    QSettings().setValue(m_key, value);
    emit valueChanged();
}

void StoredValue::reset() {
    if (m_key.isEmpty()) {
        return;
    }
    QSettings().remove(m_key);
    emit valueChanged();
}

void registerSettingsTypes() {
    qmlRegisterType<StoredValue>("Telecabine.Settings", 1, 0, "StoredValue");
}

} // namespace tc::app

#include "ui_language.hpp"

#include <QCoreApplication>
#include <QLocale>
#include <QTranslator>

namespace tc::app {

QString UiLanguage::choose(const QString& requested, const QString& systemLocaleName) {
    if (!requested.isEmpty()) {
        return requested == QLatin1String("fr") ? QStringLiteral("fr") : QStringLiteral("en");
    }
    const QString system = systemLocaleName.left(2);
    return system == QLatin1String("fr") || system == QLatin1String("C") ? QStringLiteral("fr")
                                                                         : QStringLiteral("en");
}

UiLanguage::UiLanguage(const QString& language)
    : m_language(language == QLatin1String("fr") ? QStringLiteral("fr") : QStringLiteral("en"))
    , m_translator(std::make_unique<QTranslator>()) {
    // French too has a catalogue: its plural forms ("%n patient(s)").
    m_loaded = m_translator->load(QStringLiteral(":/i18n/telecabine_") + m_language +
                                  QStringLiteral(".qm"));
    if (m_loaded) {
        QCoreApplication::installTranslator(m_translator.get());
    }
    QLocale::setDefault(m_language == QLatin1String("fr")
                            ? QLocale(QLocale::French, QLocale::France)
                            : QLocale(QLocale::English, QLocale::UnitedKingdom));
}

UiLanguage::~UiLanguage() {
    if (m_loaded) {
        QCoreApplication::removeTranslator(m_translator.get());
    }
}

} // namespace tc::app

#pragma once
// The console's language: French (the source text of every qsTr/tr) or English (the
// telecabine_en catalogue). One place for the console, the benchmarks and the tests: the
// catalogue from tc_app's resources (:/i18n, built from qml/i18n/*.ts), installed in the
// application, and numbers written the way the language writes them (0,4 % in French).

#include <QString>
#include <memory>

class QTranslator;

namespace tc::app {

class UiLanguage {
public:
    // "fr" or "en" from --lang (anything but "fr" is English), else from the system locale's
    // language: French for French and for the "C" locale of servers and CI (which says nothing
    // about the reader), English for every other language.
    static QString choose(const QString& requested, const QString& systemLocaleName);

    // Installs the catalogue of `language` ("fr" or "en") in the QCoreApplication and makes
    // its locale the default. loaded() is false when the catalogue is missing from the
    // resources (a build without translations): the strings then stay French.
    explicit UiLanguage(const QString& language);
    ~UiLanguage(); // removes the catalogue again
    UiLanguage(const UiLanguage&) = delete;
    UiLanguage& operator=(const UiLanguage&) = delete;

    QString language() const { return m_language; }
    bool loaded() const { return m_loaded; }

private:
    QString m_language;
    std::unique_ptr<QTranslator> m_translator;
    bool m_loaded = false;
};

} // namespace tc::app

#pragma once
// What a screen may say in each language, judged from the console's own catalogues
// (qml/i18n/*.ts): in English, no French source string that English translates, and nothing
// that reads French; in French, no English translation, none of Qt's English defaults ("OK",
// "Cancel"...) and nothing that reads English.

#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <vector>

namespace tc::test {

struct TsMessage {
    QString context;
    QString source;
    QStringList translations; // one, or the numerus forms
    bool unfinished = false;  // type="unfinished" (or "vanished"/"obsolete": not translated now)
    bool numerus = false;
};

// Every message of a .ts file; an empty list when it cannot be read.
std::vector<TsMessage> readTs(const QString& path);

class LanguageCheck {
public:
    // `language` is "fr" or "en"; `english` and `french` are telecabine_en.ts and
    // telecabine_fr.ts (French plural forms: "%n minute" is French as much as English).
    LanguageCheck(QString language, const std::vector<TsMessage>& english,
                  const std::vector<TsMessage>& french);

    // Why `text`, shown on screen, is in the wrong language; empty when it is not. `data`
    // (patient details, what was typed, the French ordonnance as it prints) is taken out of
    // the text first: it is shown as it is in both languages.
    QStringList problems(const QString& text, const QStringList& data = {}) const;

private:
    struct Pattern {
        QString text;
        QRegularExpression whole; // "%1", "%L1", "%n" match anything
    };
    QString m_language;
    std::vector<Pattern> m_wrong; // the other language's strings, as patterns
    std::vector<Pattern> m_right; // this language's: a text both match is right
    QRegularExpression m_wrongWords;
};

} // namespace tc::test

#include "language_check.hpp"

#include <QFile>
#include <QXmlStreamReader>
#include <algorithm>

namespace tc::test {

std::vector<TsMessage> readTs(const QString& path) {
    std::vector<TsMessage> out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return out;
    }
    QXmlStreamReader xml(&file);
    QString context;
    TsMessage message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) {
            continue;
        }
        const auto name = xml.name();
        if (name == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
            message = {};
            message.context = context;
            message.numerus =
                xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
        } else if (name == QLatin1String("source")) {
            message.source = xml.readElementText();
        } else if (name == QLatin1String("translation")) {
            const auto type = xml.attributes().value(QLatin1String("type"));
            message.unfinished = !type.isEmpty();
            if (message.numerus) {
                while (xml.readNextStartElement()) {
                    message.translations << xml.readElementText();
                }
            } else {
                message.translations << xml.readElementText();
            }
            out.push_back(message);
        }
    }
    return xml.hasError() ? std::vector<TsMessage>{} : out;
}

namespace {

QRegularExpression patternOf(const QString& text) {
    static const QRegularExpression placeholder(QStringLiteral("%L?[0-9n]"));
    QString pattern;
    qsizetype at = 0;
    for (auto it = placeholder.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        pattern +=
            QRegularExpression::escape(text.mid(at, m.capturedStart() - at)) + QStringLiteral(".*");
        at = m.capturedEnd();
    }
    pattern += QRegularExpression::escape(text.mid(at));
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern),
                              QRegularExpression::DotMatchesEverythingOption);
}

// At least four letters outside the placeholders: "%1 · %2" says nothing about a language.
bool meaningful(const QString& text) {
    static const QRegularExpression placeholder(QStringLiteral("%L?[0-9n]"));
    QString literal = text;
    literal.remove(placeholder);
    qsizetype letters = 0;
    for (const QChar c : literal) {
        letters += c.isLetter() ? 1 : 0;
    }
    return letters >= 4;
}

// Qt's own English button and dialog texts (QPlatformTheme, Qt Quick Controls' Dialog).
const QStringList kQtEnglish = {QStringLiteral("OK"),
                                QStringLiteral("Cancel"),
                                QStringLiteral("Yes"),
                                QStringLiteral("No"),
                                QStringLiteral("Close"),
                                QStringLiteral("Apply"),
                                QStringLiteral("Save"),
                                QStringLiteral("Open"),
                                QStringLiteral("Discard"),
                                QStringLiteral("Reset"),
                                QStringLiteral("Help"),
                                QStringLiteral("Abort"),
                                QStringLiteral("Retry"),
                                QStringLiteral("Ignore"),
                                QStringLiteral("Restore Defaults"),
                                QStringLiteral("Save All"),
                                QStringLiteral("Yes to All"),
                                QStringLiteral("No to All"),
                                QStringLiteral("Don't Save"),
                                QStringLiteral("Close without Saving")};

} // namespace

LanguageCheck::LanguageCheck(QString language, const std::vector<TsMessage>& english,
                             const std::vector<TsMessage>& frenchForms)
    : m_language(std::move(language)) {
    const bool french = m_language == QLatin1String("fr");
    const auto add = [](std::vector<Pattern>& list, const QString& text) {
        if (meaningful(text)) {
            list.push_back({text, patternOf(text)});
        }
    };
    for (const auto& m : english) {
        for (const auto& translation : m.translations) {
            // Words both languages share ("Patient", "Service", "ECG") are right in both.
            if (translation != m.source) {
                add(m_wrong, french ? translation : m.source);
            }
            add(m_right, french ? m.source : translation);
        }
    }
    for (const auto& m : frenchForms) {
        for (const auto& form : m.translations) {
            add(french ? m_right : m_wrong, form);
        }
    }
    if (french) {
        for (const auto& text : kQtEnglish) {
            m_wrong.push_back({text, patternOf(text)});
        }
        // Words a French sentence does not use: a lower library's or Qt's English.
        m_wrongWords = QRegularExpression(
            QStringLiteral("\\b(the|and|of|with|to|is|are|was|not|no|yes|expected|error|failed|"
                           "invalid|missing|unknown|cannot|could|must|found|refused|timed|"
                           "please|cancel|close|apply|save|value|number|string|object|array|"
                           "network|connection|unreachable|denied)\\b"),
            QRegularExpression::CaseInsensitiveOption);
    } else {
        // Letters and words English does not use.
        m_wrongWords = QRegularExpression(
            QStringLiteral("[àâçéèêëîïôûùüÿœæÀÂÇÉÈÊËÎÏÔÛÙÜŸŒÆ«»]|\\b(le|la|les|des|du|une|et|est|"
                           "avec|sans|pour|dans|sur|aucun|aucune|pas|vous|votre|ou)\\b"),
            QRegularExpression::CaseInsensitiveOption);
    }
}

QStringList LanguageCheck::problems(const QString& text, const QStringList& data) const {
    QStringList out;
    QString shown = text;
    for (const auto& d : data) {
        if (d.size() >= 2) {
            shown.replace(d, QStringLiteral(" "));
        }
    }
    QStringList parts = shown.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    parts.prepend(shown);
    for (const auto& part : parts) {
        const QString trimmed = part.trimmed();
        if (trimmed.isEmpty()) {
            continue;
        }
        const auto matches = [&](const Pattern& p) {
            return p.whole.match(trimmed).hasMatch();
        };
        if (std::any_of(m_right.begin(), m_right.end(), matches)) {
            continue;
        }
        for (const auto& wrong : m_wrong) {
            if (matches(wrong)) {
                out << QStringLiteral("\"%1\" is \"%2\" of the other language")
                           .arg(trimmed, wrong.text);
                break;
            }
        }
    }
    if (const auto m = m_wrongWords.match(shown); m.hasMatch()) {
        out << QStringLiteral("\"%1\" reads %2 (\"%3\")")
                   .arg(text,
                        m_language == QLatin1String("fr") ? QStringLiteral("English")
                                                          : QStringLiteral("French"),
                        m.captured(0));
    }
    out.removeDuplicates();
    return out;
}

} // namespace tc::test

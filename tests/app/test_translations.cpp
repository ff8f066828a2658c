// The catalogues themselves: every string the console shows has its English, the French file
// holds the plural forms, lupdate over today's sources finds nothing new (a qsTr added without
// its translation fails here), and the language check catches what it is meant to catch.
#include "language_check.hpp"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <map>

using tc::test::LanguageCheck;
using tc::test::readTs;
using tc::test::TsMessage;

namespace {

QString tsPath(const char* language) {
    return QStringLiteral(TC_TS_DIR "/telecabine_%1.ts").arg(QLatin1String(language));
}

std::map<std::pair<QString, QString>, TsMessage> byKey(const std::vector<TsMessage>& messages) {
    std::map<std::pair<QString, QString>, TsMessage> out;
    for (const auto& m : messages) {
        out.emplace(std::pair{m.context, m.source}, m);
    }
    return out;
}

QStringList lines(const QString& path) {
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

} // namespace

TEST_CASE("translations: every string has its English, and French its plural forms", "[i18n]") {
    const auto english = readTs(tsPath("en"));
    REQUIRE(english.size() > 300);
    for (const auto& m : english) {
        INFO(m.context.toStdString() << ": " << m.source.toStdString());
        CHECK_FALSE(m.unfinished);
        REQUIRE_FALSE(m.translations.isEmpty());
        for (const auto& t : m.translations) {
            CHECK_FALSE(t.trimmed().isEmpty());
        }
        CHECK(m.translations.size() == (m.numerus ? 2 : 1));
    }
    const auto french = readTs(tsPath("fr"));
    REQUIRE_FALSE(french.empty());
    for (const auto& m : french) {
        INFO(m.context.toStdString() << ": " << m.source.toStdString());
        CHECK(m.numerus); // lupdate -pluralonly: the source text is French already
        CHECK_FALSE(m.unfinished);
        CHECK(m.translations.size() == 2);
        for (const auto& t : m.translations) {
            CHECK_FALSE(t.trimmed().isEmpty());
        }
    }
}

TEST_CASE("translations: lupdate over the sources finds every string translated", "[i18n]") {
    // What `update_translations` runs, on copies: no new string, none gone.
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    QStringList arguments = lines(QStringLiteral(TC_I18N_SOURCES_FILE));
    REQUIRE(arguments.size() > 20);
    for (const auto& include : lines(QStringLiteral(TC_I18N_INCLUDES_FILE))) {
        arguments << QStringLiteral("-I") << include;
    }
    for (const char* language : {"en", "fr"}) {
        const QString copy =
            dir.filePath(QStringLiteral("copy_%1.ts").arg(QLatin1String(language)));
        REQUIRE(QFile::copy(tsPath(language), copy));
        QStringList run = arguments;
        run << QStringLiteral("-no-obsolete");
        if (QLatin1String(language) == QLatin1String("fr")) {
            run << QStringLiteral("-pluralonly");
        }
        run << QStringLiteral("-ts") << copy;
        QProcess lupdate;
        lupdate.start(QStringLiteral(TC_LUPDATE), run);
        REQUIRE(lupdate.waitForFinished(60'000)); // it hung for ever with the system headers
        INFO(lupdate.readAllStandardError().toStdString());
        REQUIRE(lupdate.exitCode() == 0);
        const auto before = byKey(readTs(tsPath(language)));
        const auto after = byKey(readTs(copy));
        for (const auto& [key, m] : after) {
            INFO(language << ": " << key.first.toStdString() << ": " << key.second.toStdString()
                          << " (run the update_translations target and translate it)");
            CHECK(before.count(key) == 1);
            CHECK_FALSE(m.unfinished);
        }
        for (const auto& [key, m] : before) {
            INFO(language << ": " << key.first.toStdString() << ": " << key.second.toStdString()
                          << " is no longer in the sources (run update_translations)");
            CHECK(after.count(key) == 1);
        }
    }
}

TEST_CASE("language check: it tells French in English and English in French", "[i18n]") {
    const auto english = readTs(tsPath("en"));
    REQUIRE_FALSE(english.empty());
    const auto french = readTs(tsPath("fr"));
    const LanguageCheck fr(QStringLiteral("fr"), english, french);
    const LanguageCheck en(QStringLiteral("en"), english, french);
    // Today's defects: Qt's standard buttons and a lower library's English, in French.
    CHECK_FALSE(fr.problems(QStringLiteral("OK")).isEmpty());
    CHECK_FALSE(fr.problems(QStringLiteral("Cancel")).isEmpty());
    CHECK_FALSE(fr.problems(QStringLiteral("⚠ À corriger : expected YYYY-MM-DD")).isEmpty());
    CHECK_FALSE(fr.problems(QStringLiteral("End the consultation")).isEmpty());
    CHECK_FALSE(fr.problems(QStringLiteral("Female, 34 years")).isEmpty());
    // French source strings, whole or as a template, in English.
    CHECK_FALSE(en.problems(QStringLiteral("Terminer la consultation")).isEmpty());
    CHECK_FALSE(en.problems(QStringLiteral("À corriger : 2")).isEmpty());
    CHECK_FALSE(en.problems(QStringLiteral("Durée : 04:05")).isEmpty());
    CHECK_FALSE(en.problems(QStringLiteral("Une date attendue")).isEmpty());
    // Right as they are.
    CHECK(fr.problems(QStringLiteral("Terminer la consultation")).isEmpty());
    CHECK(fr.problems(QStringLiteral("Femme, 34 ans")).isEmpty());
    CHECK(fr.problems(QStringLiteral("Patient")).isEmpty());
    CHECK(fr.problems(QStringLiteral("1 minute")).isEmpty()); // "%n minute(s)" in both
    CHECK(en.problems(QStringLiteral("1 minute")).isEmpty());
    CHECK_FALSE(en.problems(QStringLiteral("3 paquets perdus")).isEmpty());
    CHECK(en.problems(QStringLiteral("End the consultation")).isEmpty());
    CHECK(en.problems(QStringLiteral("Patient")).isEmpty());
    CHECK(en.problems(QStringLiteral("ECG")).isEmpty());
    // The patient's own words stay as they were said.
    CHECK(en.problems(QStringLiteral("Toux et fièvre depuis trois jours"),
                      {QStringLiteral("Toux et fièvre depuis trois jours")})
              .isEmpty());
}

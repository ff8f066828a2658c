// The review screens (ReviewView: the consultations, a record opening and its replay, the
// indicators, the access trail) in French and in English, over the QML test fakes
// (tests/qml/FakeReview.qml) staged by review_tour/ReviewTour.qml, the replay a real
// ReviewReplayController over a real dossier (the simulator's ECG): each visible text checked
// against the language (language_check.hpp), each screen saved as PNG under screens/.
#include "language_check.hpp"
#include "review_dossier_fixture.hpp"
#include "review_replay.hpp"
#include "stethoscope_controller.hpp"
#include "ui_language.hpp"
#include "video_surface.hpp"

#include <QDir>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <catch2/catch.hpp>
#include <iostream>

Q_IMPORT_QML_PLUGIN(Telecabine_UiPlugin)

using namespace tc;

namespace {

// The texts a reader sees: visible items, placeholders of empty fields, combo boxes' choices.
void visibleTexts(QQuickItem* item, QStringList& out) {
    if (item == nullptr || !item->isVisible() || item->opacity() <= 0.0) {
        return;
    }
    const bool input = item->inherits("QQuickTextInput") || item->inherits("QQuickTextEdit");
    for (const char* property : {input ? "placeholderText" : "text", "displayText"}) {
        const auto value = item->property(property);
        if (value.metaType().id() == QMetaType::QString && !value.toString().trimmed().isEmpty() &&
            !(input && !item->property("text").toString().isEmpty())) {
            out << value.toString();
        }
    }
    const auto children = item->childItems();
    for (auto* child : children) {
        visibleTexts(child, out);
    }
}

void tour(const QString& language) {
    static const bool styled = [] { // once: Qt refuses a style after the first QML loaded
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        return true;
    }();
    (void)styled;
    app::registerQmlTypes(); // Telecabine.Media's real WaveformStrip in the replay
    const app::UiLanguage ui{language};
    REQUIRE(ui.loaded());
    const test::LanguageCheck check(language,
                                    test::readTs(QStringLiteral(TC_TS_DIR "/telecabine_en.ts")),
                                    test::readTs(QStringLiteral(TC_TS_DIR "/telecabine_fr.ts")));
    // Before the engine (which goes first): the replay, the real controller over a dossier with a
    // minute of the simulator's ECG.
    QTemporaryDir temp;
    const auto dossier = test::review::writeDossierWithDocuments(
        temp.path().toStdString(), true,
        [](app::ConsultationDossier& d) { test::review::addSimulatedWaveforms(d, 60); });
    app::StethoscopeController live;
    live.setAudioSink("none");
    app::ReviewReplayController replay(&live);

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.load(QUrl::fromLocalFile(QStringLiteral(TC_REVIEW_TOUR)));
    REQUIRE(engine.rootObjects().size() == 1);
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().front());
    REQUIRE(window != nullptr);
    REQUIRE(QTest::qWaitForWindowExposed(window));

    // Data, not the console's words: the fakes' sites, records, the signed documents' French.
    QStringList data{QStringLiteral("CPTS du Nivernais"),
                     QStringLiteral("FR-NEV-GARE-01"),
                     QStringLiteral("FR-NEV-MAIRIE-02"),
                     QStringLiteral("Fièvre depuis trois jours"),
                     QStringLiteral("Pas d'antécédent notable"),
                     QStringLiteral("• Température : 38,4 °C\nGorge érythémateuse"),
                     QStringLiteral("Angine probablement bactérienne"),
                     QStringLiteral("Consulter votre médecin traitant en présentiel."),
                     QStringLiteral("amoxicilline 500 mg, gélule"),
                     QStringLiteral("1 gélule 3 fois par jour"),
                     QStringLiteral("7 jours"),
                     QStringLiteral("Non renouvelable"),
                     QStringLiteral("NFS, CRP"),
                     QStringLiteral("foyer aortique"),
                     QStringLiteral("Température"),
                     QStringLiteral("steth-aortic-1.flac"),
                     QStringLiteral("record.json")};
    QStringList problems;
    auto* listView = window->findChild<QObject*>(QStringLiteral("reviewListView"));
    REQUIRE(listView != nullptr);
    for (const char* screen :
         {"list-empty", "list", "list-error", "opening", "replay", "replay-ordonnance", "indicators", "trail"}) {
        if (QLatin1String(screen) == QLatin1String("opening")) {
            QMetaObject::invokeMethod(listView, "open",
                                      Q_ARG(QVariant, QStringLiteral("S-review-0002")));
        }
        if (QLatin1String(screen) == QLatin1String("replay")) {
            replay.openDossier(QString::fromStdString(dossier.string()));
            REQUIRE(replay.isOpen());
            REQUIRE(replay.hasWaveforms());
            replay.seek(12.3);
            // The record's own words: the signed documents' text and the measurements' names.
            for (const auto& document : replay.documents()) {
                for (const char* part : {"sections", "lines"}) {
                    for (const auto& entry : document.toMap().value(QLatin1String(part)).toList()) {
                        for (const auto& text : entry.toMap()) {
                            data << text.toString();
                        }
                    }
                }
            }
            for (const auto& vital : replay.vitals()) {
                data << vital.toMap().value(QStringLiteral("display")).toString();
            }
            data.removeAll(QString());
            std::sort(data.begin(), data.end(),
                      [](const auto& a, const auto& b) { return a.size() > b.size(); });
            window->property("review").value<QObject*>()->setProperty(
                "replay", QVariant::fromValue<QObject*>(&replay));
        }
        if (QLatin1String(screen) == QLatin1String("replay-ordonnance")) {
            auto* documents = window->findChild<QObject*>(QStringLiteral("replayDocuments"));
            REQUIRE(documents != nullptr);
            REQUIRE(replay.documents().size() == 2);
            documents->setProperty("selectedId", replay.documents()[1].toMap().value("id"));
        }
        if (QLatin1String(screen) == QLatin1String("indicators")) {
            QMetaObject::invokeMethod(listView, "back");
        }
        QMetaObject::invokeMethod(window, "stage", Q_ARG(QVariant, QString::fromLatin1(screen)));
        QTest::qWait(400); // laid out and drawn
        QStringList texts;
        visibleTexts(window->contentItem(), texts);
        texts.removeDuplicates();
        for (const auto& text : texts) {
            for (const auto& problem : check.problems(text, data)) {
                problems << QStringLiteral("%1: %2").arg(QLatin1String(screen), problem);
            }
        }
        QDir().mkpath(QStringLiteral(TC_SCREEN_DIR));
        CHECK(window->grabWindow().save(QStringLiteral(TC_SCREEN_DIR "/review_%1_%2.png")
                                            .arg(language, QLatin1String(screen))));
    }
    for (const auto& problem : problems) {
        std::cerr << language.toStdString() << ": " << problem.toStdString() << "\n";
    }
    CHECK(problems.isEmpty());
}

} // namespace

TEST_CASE("every review screen reads French in French", "[language][review]") {
    tour(QStringLiteral("fr"));
}

TEST_CASE("every review screen reads English in English", "[language][review]") {
    tour(QStringLiteral("en"));
}

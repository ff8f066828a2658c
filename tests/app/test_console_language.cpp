// Every screen of the console, in French and in English, read back from the screen: the real
// console (Main.qml, the real controllers, the catalogue main installs) against the demo's
// in-process service and simulated cabin. Sign-in, the queue off and on shift, the session and
// its four tabs, the keyboard help, the ordonnance with a date it cannot read, the compte rendu
// from a template, the signature and
// end dialogs, the end screen and the queue again. Each visible text (labels, buttons,
// placeholders, combo boxes, dialog titles) is checked against the language (language_check.hpp);
// the patient's details, what the test typed and the French ordonnance as it prints are data, shown
// as they are. The screens are saved as PNG under the build directory (screens/).
#include "connection_controller.hpp"
#include "console.hpp"
#include "demo_environment.hpp"
#include "language_check.hpp"
#include "patient_identity_view.hpp"
#include "prescription_editor.hpp"
#include "queue_model.hpp"
#include "report_editor.hpp"
#include "review_replay.hpp"
#include "review_session.hpp"
#include "session_controller.hpp"
#include "tc/prescriptions/ordonnance.hpp"
#include "ui_language.hpp"
#include "video_surface.hpp"
#include "vitals_controller.hpp"

#include <QDir>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <iostream>

Q_IMPORT_QML_PLUGIN(Telecabine_UiPlugin)

using namespace tc;
using namespace std::chrono_literals;

namespace {

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > limit.count()) {
            return false;
        }
        QTest::qWait(20);
    }
    return true;
}

// The texts a reader sees: visible items only, what was typed in a field left out (data), its
// placeholder in.
void collectTexts(QQuickItem* item, QStringList& out) {
    if (item == nullptr || !item->isVisible() || item->opacity() <= 0.0) {
        return;
    }
    const bool input = item->inherits("QQuickTextInput") || item->inherits("QQuickTextEdit");
    const auto add = [&](const char* property) {
        const QVariant value = item->property(property);
        if (value.metaType().id() == QMetaType::QString && !value.toString().trimmed().isEmpty()) {
            out << value.toString();
        }
    };
    if (input) {
        if (item->property("text").toString().isEmpty()) {
            add("placeholderText");
        }
    } else {
        add("text");
    }
    add("displayText"); // ComboBox
    const auto children = item->childItems();
    for (auto* child : children) {
        collectTexts(child, out);
    }
}

class LanguageTour {
public:
    explicit LanguageTour(const QString& language)
        : m_language(language)
        , m_check(language, test::readTs(QStringLiteral(TC_TS_DIR "/telecabine_en.ts")),
                  test::readTs(QStringLiteral(TC_TS_DIR "/telecabine_fr.ts"))) {}

    ~LanguageTour() {
        m_console.reset(); // the screens and controllers before the demo they talk to
    }

    void run() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                           m_directory.filePath(QStringLiteral("settings")));
        app::DemoOptions demoOptions;
        demoOptions.cleaningDelay = 300ms;
        auto demo = app::DemoEnvironment::start(m_directory.path().toStdString(), {}, demoOptions);
        REQUIRE(demo.has_value());
        m_demo = std::move(*demo);
        const auto& pki = m_demo->pki();

        app::ConsoleOptions options;
        options.dataDirectory = m_directory.path();
        options.audioSink = "none";
        options.microphone = "synthetic";
        options.camera = "test";
        options.pkcs11Module = QString(); // the identity file only
        m_console = std::make_unique<app::Console>(options);
        m_console->connection().setCaPath(QString::fromStdString(pki.caCertificate().string()));
        m_console->connection().setBundlePath(QString::fromStdString(pki.doctorBundle().string()));
        m_console->connection().setHost(QStringLiteral("127.0.0.1"));
        m_console->connection().setPort(m_demo->port());

        m_window = m_console->showScreens(QString(), true, 1280, 800);
        REQUIRE(m_window != nullptr);
        REQUIRE(QTest::qWaitForWindowExposed(m_window));

        look("sign-in");

        m_console->connection().signIn(
            m_console->connection().bundlePath(),
            QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase),
            m_console->connection().host(), m_console->connection().port());
        REQUIRE(waitUntil(
            [&] { return m_console->connection().state() == app::ConnectionState::Connected; },
            20s));
        look("queue-paused");

        m_console->connection().setOnShift(true);
        REQUIRE(waitUntil(
            [&] { return m_console->connection().onShift() && m_console->queue().count() > 0; },
            20s));
        look("queue");

        m_console->session().claim(m_console->queue().visitIdAt(0));
        REQUIRE(waitUntil(
            [&] {
                return m_console->session().state() == app::SessionState::Active &&
                       m_console->session().media()->state() == app::MediaState::Connected &&
                       m_console->session().media()->packetsPerSecond() > 50;
            },
            30s));
        QTest::qWait(1000); // the streams measured, the panels drawn
        look("stethoscope");

        // The keyboard help ("?"), every key with its words.
        auto* help = m_window->findChild<QObject*>(QStringLiteral("shortcutHelp"));
        REQUIRE(help != nullptr);
        openAndLook(help, "shortcut-help");
        QMetaObject::invokeMethod(help, "close");
        REQUIRE(waitUntil([&] { return !help->property("visible").toBool(); }, 5s));

        m_console->session().vitals()->requestMeasurement(QStringLiteral("oximetry"));
        m_console->session().workspace()->setCurrent(app::Workspace::Vitals);
        waitUntil([&] { return !m_console->session().vitals()->readings().isEmpty(); }, 10s);
        QTest::qWait(1500);
        look("vitals");

        // The ordonnance, with a medication and a birth date written the way it is not read.
        auto* editor = m_console->session().prescription();
        m_console->session().workspace()->setCurrent(app::Workspace::Prescription);
        m_typed << QStringLiteral("Lefèvre") << QStringLiteral("14/02/1970");
        editor->setValue(QStringLiteral("/patient/familyName"), m_typed[0]);
        editor->setValue(QStringLiteral("/patient/birthDate"), m_typed[1]);
        editor->addMedication(QStringLiteral("amoxicilline"));
        REQUIRE(waitUntil([&] { return editor->validation()->errorCount() > 0; }, 5s));
        QTest::qWait(500);
        look("prescription");

        auto* root = m_window->contentItem();
        auto* signDialog = m_window->findChild<QObject*>(QStringLiteral("passphraseDialog"));
        REQUIRE(signDialog != nullptr);
        openAndLook(signDialog, "sign-dialog");
        QMetaObject::invokeMethod(signDialog, "close");
        REQUIRE(waitUntil([&] { return !signDialog->property("visible").toBool(); }, 5s));

        // The compte rendu (F4), from a template, with what is still to write said at its field.
        auto* report = m_console->session().report();
        m_console->session().workspace()->setCurrent(app::Workspace::Report);
        report->applyTemplate(QStringLiteral("cough"));
        REQUIRE(waitUntil([&] { return report->validation()->issueCount() > 0; }, 5s));
        QTest::qWait(500);
        look("report");

        auto* endDialog = m_window->findChild<QObject*>(QStringLiteral("endDialog"));
        REQUIRE(endDialog != nullptr);
        openAndLook(endDialog, "end-dialog");
        if (auto* confirm = root->findChild<QQuickItem*>(QStringLiteral("endConfirm"))) {
            QMetaObject::invokeMethod(confirm, "clicked");
        } else {
            QMetaObject::invokeMethod(endDialog, "accept");
        }
        REQUIRE(waitUntil([&] { return m_console->session().state() == app::SessionState::Ended; },
                          15s));
        QTest::qWait(300);
        look("ended");

        m_console->session().dismiss();
        REQUIRE(waitUntil([&] { return m_console->session().state() == app::SessionState::Idle; },
                          10s));
        QTest::qWait(300);
        look("queue-again");

        // The demo's CPTS coordinator then reviews that consultation, once it is archived: the
        // same console signed in with the demo's coordinator.p12 (README, "Review mode").
        REQUIRE(waitUntil([&] { return m_console->archive().pending() == 0; }, 60s));
        m_console->connection().signOut();
        auto* coordinatorChoice = m_window->findChild<QObject*>(QStringLiteral("demoCoordinatorIdentity"));
        REQUIRE(coordinatorChoice != nullptr);
        QMetaObject::invokeMethod(coordinatorChoice, "clicked");
        QTest::qWait(300);
        look("sign-in-coordinator");
        const auto coordinatorBundle =
            QString::fromStdString(m_demo->pki().coordinatorBundle().string());
        m_console->connection().signIn(
            coordinatorBundle, QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase),
            m_console->connection().host(), m_console->connection().port());
        auto& review = m_console->review();
        REQUIRE(waitUntil([&] { return review.records()->rowCount() > 0 && !review.listing(); },
                          20s));
        REQUIRE(review.records()->rowCount() == 1); // the consultation the doctor just held
        QTest::qWait(300);
        look("review-list");

        auto* records = review.records();
        const auto recordId =
            records->data(records->index(0, 0), records->roleNames().key("recordId")).toString();
        review.openRecord(recordId);
        REQUIRE(waitUntil(
            [&] { return review.replay()->isOpen() && !review.replay()->loading(); }, 20s));
        review.replay()->seek(5);
        QTest::qWait(500);
        look("review-replay");

        auto* reviewView = m_window->findChild<QObject*>(QStringLiteral("reviewView"));
        REQUIRE(reviewView != nullptr);
        auto* listView = m_window->findChild<QObject*>(QStringLiteral("reviewListView"));
        REQUIRE(listView != nullptr);
        QMetaObject::invokeMethod(listView, "back");
        reviewView->setProperty("currentTab", 1);
        // The screen asks for this quarter's indicators as it shows.
        REQUIRE(waitUntil([&] { return !review.indicators().isEmpty(); }, 20s));
        CHECK(review.indicators()
                  .value(QStringLiteral("all"))
                  .toMap()
                  .value(QStringLiteral("consultations"))
                  .toInt() >= 1);
        QTest::qWait(500);
        look("review-indicators");

        reviewView->setProperty("currentTab", 2);
        REQUIRE(waitUntil([&] { return review.trail().size() >= 3; }, 20s)); // list, open, play
        QTest::qWait(300);
        look("review-trail");

        for (const auto& problem : m_problems) {
            std::cerr << m_language.toStdString() << ": " << problem.toStdString() << "\n";
        }
        INFO(m_problems.join(QLatin1Char('\n')).toStdString());
        CHECK(m_problems.isEmpty());
    }

private:
    void openAndLook(QObject* dialog, const char* screen) {
        QMetaObject::invokeMethod(dialog, "open");
        REQUIRE(waitUntil([&] { return dialog->property("opened").toBool(); }, 5s));
        QTest::qWait(200);
        look(screen);
    }

    // What the screen shows that is data, not the console's words.
    QStringList data() {
        QStringList out = m_typed;
        const auto roles = m_console->queue().roleNames();
        for (int row = 0; row < m_console->queue().rowCount(); ++row) {
            for (const char* role : {"reason", "siteName", "cabinName", "openingHours"}) {
                out << m_console->queue()
                           .data(m_console->queue().index(row), roles.key(role))
                           .toString();
            }
        }
        out << m_console->session().visit()->reason() << m_console->session().visit()->siteName()
            << m_console->session().visit()->cabinName()
            << m_console->session().visit()->openingHours()
            << m_console->connection().identityName();
        // The patient's identity from the cabin, and the ordonnance's copy of it.
        const auto* patient = m_console->session().patient();
        out << patient->fullName() << patient->birthName() << patient->firstNames();
        for (const char* path : {"/patient/familyName", "/patient/givenName"}) {
            out << m_console->session().prescription()->value(QLatin1String(path)).toString();
        }
        for (const auto& line : m_console->session().prescription()->lines()) {
            out << line.toMap().value(QStringLiteral("text")).toString(); // the ordonnance's
        }
        // The review: the CPTS's name and the record's measurements, as the service holds them.
        out << m_console->review().cptsName();
        for (const auto& vital : m_console->review().replay()->vitals()) {
            out << vital.toMap().value(QStringLiteral("display")).toString();
        }
        for (const auto& row : m_console->archive().rows()) {
            out << row.title; // the dossiers being archived, by patient
        }
        // The compte rendu is written for the patient, in French: its sections and items.
        const auto* report = m_console->session().report();
        for (const char* section :
             {"motif", "history", "examination", "conclusion", "specialty", "freeText"}) {
            out << report->value(QLatin1String(section));
        }
        for (const auto& item : report->items()) {
            out << item.toMap().value(QStringLiteral("text")).toString();
        }
        out.removeAll(QString());
        // Longest first: a name inside a longer text goes with it.
        std::sort(out.begin(), out.end(),
                  [](const auto& a, const auto& b) { return a.size() > b.size(); });
        return out;
    }

    void look(const char* screen) {
        QStringList texts{m_window->title()};
        collectTexts(m_window->contentItem(), texts);
        texts.removeDuplicates();
        const auto known = data();
        for (const auto& text : texts) {
            for (const auto& problem : m_check.problems(text, known)) {
                m_problems << QStringLiteral("%1: %2").arg(QLatin1String(screen), problem);
            }
        }
        QDir().mkpath(QStringLiteral(TC_SCREEN_DIR));
        m_window->grabWindow().save(QStringLiteral(TC_SCREEN_DIR "/console_%1_%2.png")
                                        .arg(m_language, QLatin1String(screen)));
    }

    QString m_language;
    test::LanguageCheck m_check;
    QTemporaryDir m_directory;
    std::unique_ptr<app::DemoEnvironment> m_demo; // stops after the controllers (declared first)
    // Made once the settings' path is set: the screens read their settings when they load.
    std::unique_ptr<app::Console> m_console;
    QQuickWindow* m_window = nullptr;
    QStringList m_typed;
    QStringList m_problems;
};

void tour(const char* language) {
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    const app::UiLanguage ui{QLatin1String(language)};
    REQUIRE(ui.loaded());
    LanguageTour(QLatin1String(language)).run();
}

} // namespace

TEST_CASE("every screen of the console reads French in French", "[i18n][gui]") {
    tour("fr");
}

TEST_CASE("every screen of the console reads English in English", "[i18n][gui]") {
    tour("en");
}

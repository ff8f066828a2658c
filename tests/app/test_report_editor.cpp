// The compte rendu editor: the examination follows the record's acts (the doctor's text kept),
// templates fill only what is empty unless asked, issues land at their fields, a click on an
// item asks for its act; signing with the doctor's development identity (telecabine-verify
// --kind report and pdfsig, independent checks, accept the PDF written beside the consultation),
// the report locked once signed and found signed again by a new editor; a cabin's certificate
// refused; and the autosave surviving kill -9 of a console mid-typing.
#include "development_workstation.hpp"
#include "dossier_keeper.hpp"
#include "record_fixtures.hpp"
#include "report_editor.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "tc/protocol/pki.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>
#include <csignal>
#include <optional>

using namespace tc;
using namespace std::chrono_literals;
namespace rx = tc::prescriptions;

namespace {

bool signAndWait(app::ReportEditor& editor, const QString& secret) {
    QSignalSpy finished(&editor, &app::ReportEditor::signFinished);
    if (!editor.sign(secret, QStringLiteral("file"))) {
        return false;
    }
    CHECK(editor.signingState() == app::SigningState::Signing);
    if (!finished.wait(60000)) {
        FAIL_CHECK("the signature never finished");
        return false;
    }
    return finished.takeFirst().at(0).toBool();
}

using test::DevelopmentWorkstation;

const QString kPassphrase = QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase);

QStringList sourceIds(const app::ReportEditor& editor) {
    QStringList ids;
    for (const auto& item : editor.items()) {
        ids << item.toMap().value(QStringLiteral("sourceId")).toString();
    }
    return ids;
}

void fillForSigning(app::ReportEditor& editor) {
    editor.applyTemplate(QStringLiteral("fever_ent"));
    editor.setValue(QStringLiteral("conclusion"), QStringLiteral("Angine probablement virale."));
}

} // namespace

TEST_CASE("report editor: the examination follows the record's acts, the doctor's text stays",
          "[app][report]") {
    app::ReportEditor editor;
    auto record = rx::test::recordFixture();
    editor.setRecord(record);
    REQUIRE(editor.open());
    // Measurements, auscultations and the still, in time order, each naming its act.
    REQUIRE(editor.items().size() == 8);
    CHECK(sourceIds(editor).first() == QStringLiteral("m-1"));
    CHECK(sourceIds(editor).last() == QStringLiteral("still-1.png"));
    const QString id = editor.idText();

    editor.setItemText(0, QStringLiteral("PA 128/82 mmHg, contrôlée deux fois"));
    CHECK(editor.items()[0].toMap().value(QStringLiteral("edited")).toBool());
    CHECK_FALSE(editor.items()[1].toMap().value(QStringLiteral("edited")).toBool());

    // An act added, another gone: its item comes, the other leaves; the edit survives.
    record.acts.stills.clear();
    record.acts.measurements.push_back({"m-6", "29463-7", "Poids", 72.5, "kg",
                                        record.times.startMs + 9 * rx::test::kMinuteMs, "scale-1"});
    editor.setRecord(record);
    CHECK(editor.idText() == id);
    const auto ids = sourceIds(editor);
    CHECK(ids.size() == 8);
    CHECK_FALSE(ids.contains(QStringLiteral("still-1.png")));
    CHECK(ids.last() == QStringLiteral("m-6"));
    CHECK(editor.items()[0].toMap().value(QStringLiteral("text")).toString() ==
          QStringLiteral("PA 128/82 mmHg, contrôlée deux fois"));
    // Back to the act's words on request.
    editor.resetItemText(0);
    CHECK_FALSE(editor.items()[0].toMap().value(QStringLiteral("edited")).toBool());

    // A click asks for the act.
    QSignalSpy shown(&editor, &app::ReportEditor::showSourceRequested);
    editor.showSource(5);
    REQUIRE(shown.size() == 1);
    CHECK(shown[0][0].toString() == QStringLiteral("recording"));
    CHECK(shown[0][1].toString() == QStringLiteral("steth-aortic-1.flac"));
    editor.showSource(99);
    CHECK(shown.size() == 1);

    // Another consultation's record: another report.
    record.consultationId = "sess-other";
    editor.setRecord(record);
    CHECK(editor.idText() != id);
    CHECK(editor.value(QStringLiteral("motif")).isEmpty());
}

TEST_CASE("report editor: a template fills what is empty and replaces typed text only when asked",
          "[app][report]") {
    app::ReportEditor editor;
    editor.setRecord(rx::test::recordFixture());
    editor.setValue(QStringLiteral("motif"), QStringLiteral("Douleur thoracique"));

    auto kept = editor.applyTemplate(QStringLiteral("fever_ent"));
    CHECK(kept == QStringList{QStringLiteral("motif")});
    CHECK(editor.value(QStringLiteral("motif")) == QStringLiteral("Douleur thoracique"));
    const QString history = editor.value(QStringLiteral("history"));
    CHECK_FALSE(history.isEmpty());
    CHECK_FALSE(editor.value(QStringLiteral("examination")).isEmpty());
    CHECK(editor.value(QStringLiteral("conclusion")).isEmpty()); // never from a template
    const auto fromTemplate = editor.followUp();

    // The doctor's follow-up is theirs; a second template leaves it and the filled sections.
    editor.setFollowUp(app::ReportFollowUp::Emergency);
    kept = editor.applyTemplate(QStringLiteral("cough"));
    CHECK(kept.contains(QStringLiteral("motif")));
    CHECK(kept.contains(QStringLiteral("history")));
    CHECK(editor.value(QStringLiteral("history")) == history);
    CHECK(editor.followUp() == app::ReportFollowUp::Emergency);
    if (fromTemplate != app::ReportFollowUp::Emergency) {
        CHECK(kept.contains(QStringLiteral("followUp")));
    }

    // Asked: replaced.
    editor.applyTemplate(QStringLiteral("cough"), true);
    CHECK(editor.value(QStringLiteral("motif")) != QStringLiteral("Douleur thoracique"));
    CHECK(editor.value(QStringLiteral("history")) != history);
    CHECK(editor.applyTemplate(QStringLiteral("no_such_template")).isEmpty());
}

TEST_CASE("report editor: each issue at its field, the record's own problems said apart",
          "[app][report]") {
    app::ReportEditor editor;
    auto record = rx::test::recordFixture();
    editor.setRecord(record);
    CHECK_FALSE(editor.validation()->valid());
    CHECK_FALSE(editor.issueAt(QStringLiteral("/motif")).isEmpty());
    CHECK_FALSE(editor.issueAt(QStringLiteral("/conclusion")).isEmpty());
    CHECK(editor.issueAt(QStringLiteral("/history")).isEmpty());

    fillForSigning(editor);
    CHECK(editor.validation()->valid());
    CHECK(editor.validation()->issueCount() == 0);

    // A specialty without a specialist, a control character: at their fields.
    editor.setValue(QStringLiteral("specialty"), QStringLiteral("cardiologie"));
    CHECK_FALSE(editor.issueAt(QStringLiteral("/followUp/specialty")).isEmpty());
    editor.setFollowUp(app::ReportFollowUp::Specialist);
    CHECK(editor.issueAt(QStringLiteral("/followUp/specialty")).isEmpty());
    editor.setItemText(2, QStringLiteral("FC\x01 72"));
    CHECK_FALSE(editor.issueAt(QStringLiteral("/examination/items/2")).isEmpty());
    CHECK(editor.issueAt(QStringLiteral("/examination/items/1")).isEmpty());
    editor.resetItemText(2);
    CHECK(editor.validation()->valid());

    // No identity from the cabin: the record cannot be signed, and the screen says why.
    record.patient = {};
    editor.setRecord(record);
    CHECK_FALSE(editor.validation()->valid());
    CHECK_FALSE(editor.issueAt(QStringLiteral("/record")).isEmpty());
}

TEST_CASE("report editor: signed by the doctor, verified independently, locked, found again",
          "[app][report][sign]") {
    DevelopmentWorkstation station(QStringLiteral("reports/sess-1"));
    auto editor = std::make_unique<app::ReportEditor>();
    station.configure(*editor);
    editor->setRecord(rx::test::recordFixture());
    fillForSigning(*editor);
    REQUIRE(editor->validation()->valid());
    QSignalSpy signedChanged(editor.get(), &app::ReportEditor::signedChanged);
    REQUIRE(signAndWait(*editor, kPassphrase));
    CHECK(editor->signingState() == app::SigningState::Signed);
    CHECK(signedChanged.size() == 1);
    REQUIRE(editor->signedReport().has_value());
    CHECK(editor->signedReport()->reference.id == editor->idText().toStdString());

    const QString pdf = editor->signedPdfPath();
    REQUIRE(QFile::exists(pdf));
    CHECK(QFileInfo(pdf).fileName().startsWith(QStringLiteral("compte-rendu-")));
    CHECK(QFile::exists(pdf.chopped(4) + QStringLiteral(".json")));
    CHECK(QFile::exists(pdf.chopped(4) + QStringLiteral(".p7s")));
    CHECK(QFile::exists(pdf.chopped(4) + QStringLiteral(".fhir.json")));

    QProcess verify;
    verify.start(QStringLiteral(TC_VERIFY),
                 {pdf, QStringLiteral("--ca"),
                  QString::fromStdString(station.pki->caCertificate().string()),
                  QStringLiteral("--kind"), QStringLiteral("report")});
    REQUIRE(verify.waitForFinished(30000));
    INFO(verify.readAllStandardOutput().toStdString());
    CHECK(verify.exitCode() == 0);
    QProcess pdfsig;
    pdfsig.start(QStringLiteral("pdfsig"), {pdf});
    REQUIRE(pdfsig.waitForFinished(20000));
    CHECK(QString::fromUtf8(pdfsig.readAllStandardOutput())
              .contains(QStringLiteral("Signature is Valid")));

    // Locked.
    editor->setValue(QStringLiteral("conclusion"), QStringLiteral("Autre chose"));
    CHECK(editor->value(QStringLiteral("conclusion")) ==
          QStringLiteral("Angine probablement virale."));
    CHECK_FALSE(editor->sign(kPassphrase));

    // A console restarted on the same consultation finds it signed.
    const QString id = editor->idText();
    editor.reset();
    app::ReportEditor again;
    station.configure(again);
    again.setRecord(rx::test::recordFixture());
    CHECK(again.idText() == id);
    CHECK(again.signingState() == app::SigningState::Signed);
    REQUIRE(again.signedReport().has_value());
    CHECK(again.signedPdfPath() == pdf);

    // A new version: a new id, editable, unsigned.
    QSignalSpy gone(&again, &app::ReportEditor::signedChanged);
    again.amend();
    CHECK(gone.size() == 1);
    CHECK(again.idText() != id);
    CHECK(again.signingState() == app::SigningState::Unsigned);
    CHECK_FALSE(again.signedReport().has_value());
    again.setValue(QStringLiteral("conclusion"), QStringLiteral("Angine virale, revue."));
    CHECK(again.value(QStringLiteral("conclusion")) == QStringLiteral("Angine virale, revue."));
}

TEST_CASE("report editor: a cabin's certificate does not sign a report", "[app][report][sign]") {
    DevelopmentWorkstation station(QStringLiteral("reports/sess-1"));
    app::ReportEditor editor;
    station.configure(editor, /*cabin=*/true);
    editor.setRecord(rx::test::recordFixture());
    fillForSigning(editor);
    CHECK_FALSE(signAndWait(editor, kPassphrase));
    CHECK(editor.signingState() == app::SigningState::Unsigned);
    CHECK(editor.signText().contains(QStringLiteral("pas celui d'un prescripteur")));
    CHECK(editor.errorString() == editor.signText());
    CHECK_FALSE(editor.signedReport().has_value());
    CHECK(QDir(station.output()).entryList({QStringLiteral("*.pdf")}).isEmpty());
}

namespace {

// The child of report_autosave_child.cpp on `record`, in `directory`.
struct TypingConsole {
    TypingConsole(const QString& directory, const rx::ConsultationRecord& record,
                  const QString& mode) {
        QDir().mkpath(directory);
        recordPath = directory + QStringLiteral("/../record.json");
        QFile file(recordPath);
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(QByteArray::fromStdString(rx::toJson(record).dump()));
        file.close();
        process.start(QStringLiteral(TC_REPORT_AUTOSAVE_CHILD), {directory, recordPath, mode});
        REQUIRE(process.waitForStarted(10000));
        REQUIRE(process.waitForReadyRead(20000));
        announced = QString::fromUtf8(process.readLine()).trimmed();
    }
    void killHard() {
        ::kill(static_cast<pid_t>(process.processId()), SIGKILL);
        REQUIRE(process.waitForFinished(10000));
        CHECK(process.exitStatus() == QProcess::CrashExit);
    }
    QString recordPath;
    QString announced; // "typed <id>" or "typing <id>"
    QProcess process;
};

bool waitForFile(const QString& path, const QByteArray& content, std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(content)) {
            return true;
        }
        QTest::qWait(20);
    }
    return false;
}

} // namespace

TEST_CASE("report editor: what was typed before the last autosave survives kill -9",
          "[app][report][autosave]") {
    QTemporaryDir dir;
    const QString output = dir.filePath(QStringLiteral("reports/sess-2024-05-03-0042"));
    const auto record = rx::test::recordFixture();
    TypingConsole console(output, record, QStringLiteral("script"));
    REQUIRE(console.announced.startsWith(QStringLiteral("typed ")));
    // The debounced autosave has run once the last edit is on disk.
    REQUIRE(waitForFile(app::report_files::draftPath(output), "cardiologie", 5s));
    console.killHard();

    app::ReportEditor restored;
    restored.setOutputDirectory(output);
    restored.setRecord(record);
    CHECK(restored.idText() == console.announced.mid(6));
    CHECK(restored.value(QStringLiteral("motif")) == QStringLiteral("Fièvre et mal de gorge"));
    CHECK(restored.value(QStringLiteral("history")) == QStringLiteral("Depuis deux jours."));
    CHECK(restored.value(QStringLiteral("conclusion")) == QStringLiteral("Angine virale."));
    CHECK(restored.value(QStringLiteral("specialty")) == QStringLiteral("cardiologie"));
    CHECK(restored.followUp() == app::ReportFollowUp::Specialist);
    CHECK(restored.patientCopy());
    REQUIRE(restored.items().size() == 8);
    CHECK(restored.items()[0].toMap().value(QStringLiteral("text")).toString() ==
          QStringLiteral("PA 128/82 mmHg, contrôlée"));
    // The follow-up was the doctor's choice: a template leaves it.
    CHECK(restored.applyTemplate(QStringLiteral("cough")).contains(QStringLiteral("followUp")));
}

TEST_CASE("report editor: kill -9 at a random moment of a burst of edits leaves a whole draft",
          "[app][report][autosave]") {
    QTemporaryDir dir;
    const QString output = dir.filePath(QStringLiteral("reports/sess-2024-05-03-0042"));
    const auto record = rx::test::recordFixture();
    for (int round = 0; round < 3; ++round) {
        TypingConsole console(output, record, QStringLiteral("burst"));
        REQUIRE(console.announced.startsWith(QStringLiteral("typing ")));
        REQUIRE(waitForFile(app::report_files::draftPath(output), "edit ", 5s));
        QTest::qWait(100 + static_cast<int>(QRandomGenerator::global()->bounded(400)));
        console.killHard();

        // Whole: it reads, it is this consultation's, and it holds an edit.
        const auto draft = app::report_files::loadDraft(output, record.consultationId);
        REQUIRE(draft.has_value());
        CHECK(draft->report.freeText.starts_with("edit "));
        app::ReportEditor restored;
        restored.setOutputDirectory(output);
        restored.setRecord(record);
        CHECK(restored.value(QStringLiteral("freeText")).startsWith(QStringLiteral("edit ")));
        restored.close();
    }
}

TEST_CASE("session record: what the session knows makes a valid record for the report",
          "[app][report]") {
    app::DossierStart start;
    start.sessionId = "sess-42";
    start.patient = rx::test::qualifiedPatient();
    start.doctor = {"10101234564", "Martin", "Claire"};
    start.entry.visit.site = {"SFL-01", "Cabine de la mairie", "Mo-Fr 08:00-19:00"};
    start.entry.visit.consent = {true, rx::test::kCheckInMs, "verbal", true};
    start.entry.visit.operatorPresence = {true, tc::protocol::OperatorRole::nurse,
                                          "Sophie Bernard"};
    start.entry.checkedInAtMs = rx::test::kCheckInMs;
    start.claimMs = rx::test::kCheckInMs + 60'000;
    app::ConsultationDossier dossier;
    dossier.begin(app::recordBaseOf(start));
    // Not started yet: the span is the claim's instant, still in order.
    const auto early = dossier.current(start.claimMs);
    CHECK(early.times.startMs == start.claimMs);
    CHECK(rx::validateRecord(early).empty());
    dossier.mediaStarted(start.claimMs + 5'000);
    const auto record = dossier.current(start.claimMs + 600'000);
    CHECK(rx::validateRecord(record).empty());
    CHECK(record.endReason == "in_progress");
    CHECK(record.times.endMs == start.claimMs + 600'000);
    CHECK(record.consent.qualityReview);
    REQUIRE(record.assistant.has_value());
    CHECK(record.assistant->name == "Sophie Bernard");
}

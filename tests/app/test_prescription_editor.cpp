// The ordonnance editor: every validation issue at its field, DCI autocompletion from the shipped
// table, signing with the doctor's development identity (pdfsig, an independent verifier, accepts
// the PDF written beside the consultation), immutability once signed, and an amendment; signing
// with a card (a SoftHSM2 token) chosen by the certificate on it, and refusing a certificate
// that names another prescriber.
#include "development_workstation.hpp"
#include "prescription_editor.hpp"
#include "softhsm_token.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "tc/protocol/pki.hpp"
#include "video_surface.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>
#include <optional>

using namespace tc;

namespace {

void fillValidDraft(app::PrescriptionEditor& editor) {
    editor.setValue("/patient/familyName", "Durand");
    editor.setValue("/patient/givenName", "Paul");
    editor.setValue("/patient/birthDate", "1970-02-14");
    editor.setValue("/patient/weightKg", "78,5"); // typed the French way
    editor.setValue("/prescriber/address/lines/0", "12 rue de la Paix");
    editor.setValue("/prescriber/address/postalCode", "75002");
    editor.setValue("/prescriber/address/city", "Paris");
    editor.setValue("/prescriber/telephone", "+33123456789");
    editor.setValue("/prescriber/email", "claire.martin@example.fr");
    editor.addMedication("amoxicilline");
}

// sign() works on a worker thread: its verdict is signFinished's.
bool signAndWait(app::PrescriptionEditor& editor, const QString& secret,
                 const QString& key = QStringLiteral("file")) {
    QSignalSpy finished(&editor, &app::PrescriptionEditor::signFinished);
    if (!editor.sign(secret, key)) {
        return false;
    }
    CHECK(editor.signingInProgress());
    if (!finished.wait(60000)) {
        FAIL_CHECK("the signature never finished");
        return false;
    }
    CHECK_FALSE(editor.signingInProgress());
    return finished.takeFirst().at(0).toBool();
}

using test::DevelopmentWorkstation;

} // namespace

TEST_CASE("prescription editor: issues at their fields, autocompletion, signing, immutability",
          "[app][prescriptions]") {
    QStandardPaths::setTestModeEnabled(true); // the prescriber's details stay out of $HOME
    QCoreApplication::setOrganizationName(QStringLiteral("telecabine-tests"));
    QTemporaryDir dir;
    const auto pki = protocol::ensureDevelopmentPki((dir.path() + "/pki").toStdString());
    REQUIRE(pki.has_value());

    app::PrescriptionEditor editor;
    editor.setBundlePath(QString::fromStdString(pki->doctorBundle().string()));
    editor.setOutputDirectory(dir.filePath("consultation"));
    editor.begin({"Martin", "Claire", "10101234564"}, prescriptions::Sex::male);
    REQUIRE(editor.open());
    CHECK(editor.value("/prescriber/rpps").toString() == QStringLiteral("10101234564"));
    CHECK_FALSE(editor.idText().isEmpty());

    // The preview draws even an empty draft (blank date of birth, no line).
    app::VideoSurface preview;
    editor.setPreviewSurface(&preview);
    CHECK(preview.hasVideo());
    CHECK(preview.sourceSize().height() > preview.sourceSize().width()); // a portrait page

    // An empty draft: not valid, and each missing mention is said at its field.
    CHECK_FALSE(editor.validation()->valid());
    CHECK(editor.validation()->errorCount() > 0);
    CHECK_FALSE(editor.issueAt("/patient/familyName").isEmpty());
    CHECK_FALSE(
        signAndWait(editor, QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase)));

    // Autocompletion ignores case and accents.
    const auto found = editor.searchDci("PARACET");
    REQUIRE_FALSE(found.isEmpty());
    CHECK(found.first().toMap().value("dci").toString() == QStringLiteral("paracétamol"));

    // A line on a draft whose date of birth is still blank: drawn too (once the preview's pause
    // after an edit has passed and a new page has reached the surface).
    const auto drawnAfter = [&](auto&& edit) {
        const auto before = preview.frameCount();
        edit();
        return QTest::qWaitFor([&] { return preview.frameCount() > before; }, 10000);
    };
    CHECK(drawnAfter([&] { editor.addMedication("amoxicilline"); }));
    CHECK(drawnAfter([&] {
        editor.removeLine(0);
        fillValidDraft(editor);
    }));
    CHECK(editor.value("/patient/weightKg").toDouble() == Approx(78.5));
    REQUIRE(editor.lines().size() == 1);
    // The table fills the form and the usual strength; the line reads as it will print.
    CHECK_FALSE(editor.value("/lines/0/form").toString().isEmpty());
    CHECK(editor.lines().first().toMap().value("text").toString().contains("amoxicilline"));
    std::string issues;
    for (const auto& issue : editor.validation()->issues()) {
        issues += issue.toMap().value("location").toString().toStdString() + ": " +
                  issue.toMap().value("message").toString().toStdString() + "; ";
    }
    INFO("issues: " << issues);
    CHECK(editor.validation()->errorCount() == 0);
    CHECK(editor.validation()->valid());

    // A line rule, located at the line: non substituable without its legal reason.
    editor.setValue("/lines/0/nonSubstitutable", true);
    CHECK_FALSE(editor.validation()->valid());
    CHECK_FALSE(editor.issueAt("/lines/0").isEmpty());
    editor.setValue("/lines/0/nonSubstitutionReason", "CIF"); // as the choice list gives it
    issues.clear();
    for (const auto& issue : editor.validation()->issues()) {
        issues += issue.toMap().value("location").toString().toStdString() + ": " +
                  issue.toMap().value("message").toString().toStdString() + "; ";
    }
    INFO("issues after the reason: " << issues);
    CHECK(editor.validation()->valid());
    // An unreadable value is an issue at its field, not a crash or a silent zero.
    editor.setValue("/lines/0/dosage/duration/value", "sept");
    CHECK_FALSE(editor.validation()->valid());
    CHECK_FALSE(editor.issueAt("/lines/0/dosage/duration/value").isEmpty());
    editor.setValue("/lines/0/dosage/duration/value", "7");
    REQUIRE(editor.validation()->valid());

    // A wrong passphrase is said, and nothing is signed.
    CHECK_FALSE(signAndWait(editor, QStringLiteral("not the passphrase")));
    CHECK_FALSE(editor.signedOrdonnance());
    CHECK(editor.signText().startsWith(QStringLiteral("Signature refusée")));

    // While the signature is under way, what is being signed cannot change, and a second
    // signature is refused.
    QSignalSpy finished(&editor, &app::PrescriptionEditor::signFinished);
    REQUIRE(editor.sign(QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase)));
    CHECK(editor.signingInProgress());
    CHECK(editor.signText() == QStringLiteral("Signature en cours…"));
    editor.setValue("/patient/familyName", "Dupont");
    editor.removeLine(0);
    CHECK(editor.value("/patient/familyName").toString() == QStringLiteral("Durand"));
    CHECK(editor.lines().size() == 1);
    CHECK_FALSE(editor.sign(QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase)));
    REQUIRE(finished.wait(60000));
    REQUIRE(finished.takeFirst().at(0).toBool());
    CHECK_FALSE(editor.signingInProgress());
    CHECK(editor.signedOrdonnance());
    const QString pdf = editor.signedPdfPath();
    REQUIRE(QFile::exists(pdf));
    CHECK(QFile::exists(pdf.chopped(4) + QStringLiteral(".json.p7s")));
    CHECK(QFile::exists(pdf.chopped(4) + QStringLiteral(".fhir.json")));
    // An independent verifier accepts the whole document.
    QProcess pdfsig;
    pdfsig.start(QStringLiteral("pdfsig"), {pdf});
    REQUIRE(pdfsig.waitForFinished(20000));
    const QString report = QString::fromUtf8(pdfsig.readAllStandardOutput());
    CHECK(report.contains(QStringLiteral("Signature is Valid")));
    CHECK(report.contains(QStringLiteral("Total document signed")));

    // Signed: immutable.
    const QString signedId = editor.idText();
    editor.setValue("/patient/familyName", "Dupont");
    CHECK(editor.value("/patient/familyName").toString() == QStringLiteral("Durand"));
    editor.addNonDrug("laboratory");
    CHECK(editor.lines().size() == 1);

    // An amendment: a new id that names the signed one, editable again.
    editor.amend();
    CHECK_FALSE(editor.signedOrdonnance());
    CHECK(editor.idText() != signedId);
    CHECK(editor.value("/replaces").toString() == signedId);
    editor.setValue("/lines/0/dosage/duration/value", "10");
    CHECK(editor.value("/lines/0/dosage/duration/value").toDouble() == 10);
    CHECK(editor.validation()->valid());
    CHECK(
        signAndWait(editor, QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase)));

    // The practice details are remembered for the next consultation.
    app::PrescriptionEditor next;
    next.begin({"Martin", "Claire", "10101234564"}, prescriptions::Sex::female);
    CHECK(next.value("/prescriber/address/city").toString() == QStringLiteral("Paris"));
    CHECK(next.value("/prescriber/telephone").toString() == QStringLiteral("+33123456789"));
}

TEST_CASE("prescription editor: signs with a card chosen by its certificate, and its PIN",
          "[app][prescriptions][pkcs11]") {
    namespace rxt = prescriptions::testing;
    // A required package (third_party/packages.txt): missing, the test fails.
    REQUIRE(rxt::haveSoftHsm());
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("telecabine-tests"));
    rxt::SoftHsmToken token;
    QTemporaryDir dir;
    app::PrescriptionEditor editor;
    // No module: no card is looked for, and the doctor is told so.
    editor.signing()->setPkcs11Module({});
    editor.signing()->refresh();
    CHECK(editor.signing()->choices().isEmpty());
    CHECK_FALSE(editor.signing()->tokenStatus().isEmpty());

    editor.signing()->setPkcs11Module(QString::fromLatin1(rxt::kSoftHsmModule));
    editor.signing()->refresh();
    const auto choices = editor.signing()->choices();
    REQUIRE(choices.size() == 1); // the doctor's certificate; the CA's is not offered
    const auto card = choices.first().toMap();
    CHECK(card.value("kind").toString() == QStringLiteral("token"));
    CHECK(card.value("label").toString().contains(QStringLiteral("CPS-TEST")));
    CHECK(card.value("label").toString().contains(QStringLiteral("Dr Marie Curie")));
    CHECK(card.value("secretLabel").toString().contains(QStringLiteral("PIN")));
    const QString key = card.value("key").toString();

    editor.setOutputDirectory(dir.filePath("consultation"));
    editor.begin({"Curie", "Marie", "10101234564"}, prescriptions::Sex::female);
    fillValidDraft(editor);
    REQUIRE(editor.validation()->valid());

    // A wrong PIN is said in words, and nothing is signed.
    CHECK_FALSE(signAndWait(editor, QStringLiteral("0000"), key));
    CHECK(editor.signText().contains(QStringLiteral("PIN")));
    CHECK_FALSE(editor.signedOrdonnance());
    // A card taken out since the list was read is said too.
    CHECK_FALSE(signAndWait(editor, QString::fromLatin1(rxt::kSoftHsmPin),
                            QStringLiteral("pkcs11:token=OTHER-CARD;type=private")));
    CHECK(editor.signText().contains(QStringLiteral("carte absente")));

    REQUIRE(signAndWait(editor, QString::fromLatin1(rxt::kSoftHsmPin), key));
    const QString pdf = editor.signedPdfPath();
    REQUIRE(QFile::exists(pdf));
    QProcess pdfsig;
    pdfsig.start(QStringLiteral("pdfsig"), {pdf});
    REQUIRE(pdfsig.waitForFinished(20000));
    const QString report = QString::fromUtf8(pdfsig.readAllStandardOutput());
    INFO(report.toStdString());
    CHECK(report.contains(QStringLiteral("Signature is Valid")));
    CHECK(report.contains(QStringLiteral("Total document signed")));
    CHECK(report.contains(QStringLiteral("Dr Marie Curie")));
}

TEST_CASE("prescription editor: a certificate that names another RPPS than the prescriber's "
          "does not sign",
          "[app][prescriptions]") {
    const DevelopmentWorkstation workstation(QStringLiteral("consultation"));
    REQUIRE(workstation.pki.has_value());
    app::PrescriptionEditor editor;
    workstation.configure(editor);
    // The development doctor's certificate carries serialNumber=10101234564; the ordonnance
    // names a colleague.
    const auto colleague = prescriptions::completeRpps("1000123456");
    REQUIRE(colleague.has_value());
    editor.begin({"Durand", "Louise", *colleague}, prescriptions::Sex::female);
    fillValidDraft(editor);
    REQUIRE(editor.validation()->valid());
    CHECK_FALSE(
        signAndWait(editor, QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase)));
    CHECK_FALSE(editor.signedOrdonnance());
    CHECK(editor.signText().contains(QString::fromStdString(*colleague)));
    CHECK(editor.signText().contains(QStringLiteral("10101234564")));
}

TEST_CASE("prescription editor: an expired certificate does not sign, and says since when",
          "[app][prescriptions]") {
    namespace rxt = prescriptions::testing;
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("telecabine-tests"));
    QTemporaryDir dir;
    QFile bundle(dir.filePath("expired.p12"));
    REQUIRE(bundle.open(QIODevice::WriteOnly));
    const auto& der = rxt::testPki().expiredDoctor.pkcs12;
    bundle.write(reinterpret_cast<const char*>(der.data()), static_cast<qint64>(der.size()));
    bundle.close();
    app::PrescriptionEditor editor;
    editor.signing()->setPkcs11Module({});
    editor.setBundlePath(bundle.fileName());
    editor.setOutputDirectory(dir.filePath("consultation"));
    editor.begin({"Martin", "Claire", "10101234564"}, prescriptions::Sex::female);
    fillValidDraft(editor);
    REQUIRE(editor.validation()->valid());
    CHECK_FALSE(signAndWait(editor, QString::fromLatin1(rxt::TestPki::kPassphrase)));
    CHECK_FALSE(editor.signedOrdonnance());
    CHECK(editor.signText().contains(QStringLiteral("expiré le")));
    CHECK(QDir(dir.filePath("consultation")).entryList(QDir::Files).isEmpty());
}

TEST_CASE("prescription editor: a signature still under way when the consultation closes is "
          "dropped",
          "[app][prescriptions]") {
    const DevelopmentWorkstation workstation(QStringLiteral("consultation"));
    REQUIRE(workstation.pki.has_value());
    const QString passphrase =
        QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase);
    const QString output = workstation.output();
    {
        app::PrescriptionEditor editor;
        workstation.configure(editor);
        editor.begin({"Martin", "Claire", "10101234564"}, prescriptions::Sex::female);
        fillValidDraft(editor);
        REQUIRE(editor.validation()->valid());
        QSignalSpy finished(&editor, &app::PrescriptionEditor::signFinished);
        REQUIRE(editor.sign(passphrase));
        // The consultation ends before the signature comes back: the result belongs to no draft.
        editor.close();
        CHECK_FALSE(editor.signingInProgress());
        CHECK(finished.isEmpty());
        CHECK_FALSE(editor.signedOrdonnance());
        CHECK(editor.signText().isEmpty());
        editor.begin({"Martin", "Claire", "10101234564"}, prescriptions::Sex::male);
        fillValidDraft(editor);
        REQUIRE(editor.validation()->valid());
        // The next consultation's draft signs as usual, once. Its worker starts after the
        // dropped one has ended (one worker at a time), whose result was posted first: by the
        // time the new one is back, the dropped one has been delivered, and ignored.
        CHECK(signAndWait(editor, passphrase));
        CHECK(finished.size() == 1);
        CHECK(QDir(output).entryList({QStringLiteral("*.pdf")}, QDir::Files).size() == 1);

        // An editor that goes while signing waits for its worker, and nothing runs after it.
        auto leaving = std::make_unique<app::PrescriptionEditor>();
        workstation.configure(*leaving);
        leaving->begin({"Martin", "Claire", "10101234564"}, prescriptions::Sex::female);
        fillValidDraft(*leaving);
        REQUIRE(leaving->sign(passphrase));
        leaving.reset();
        // Its result, posted before the join ended, is delivered now to nobody.
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
    }
}

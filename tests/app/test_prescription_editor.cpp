// The ordonnance editor: every validation issue at its field, DCI autocompletion from the shipped
// table, signing with the doctor's development identity (pdfsig, an independent verifier, accepts
// the PDF written beside the consultation), immutability once signed, and an amendment.
#include "prescription_editor.hpp"
#include "tc/protocol/pki.hpp"
#include "video_surface.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>

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
    CHECK_FALSE(editor.valid());
    CHECK(editor.errorCount() > 0);
    CHECK_FALSE(editor.issueAt("/patient/familyName").isEmpty());
    CHECK_FALSE(editor.sign(QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase)));

    // Autocompletion ignores case and accents.
    const auto found = editor.searchDci("PARACET");
    REQUIRE_FALSE(found.isEmpty());
    CHECK(found.first().toMap().value("dci").toString() == QStringLiteral("paracétamol"));

    // A line on a draft whose date of birth is still blank: drawn too (after the edits settle).
    editor.addMedication("amoxicilline");
    QTest::qWait(400);
    editor.removeLine(0);
    fillValidDraft(editor);
    QTest::qWait(400);
    CHECK(editor.value("/patient/weightKg").toDouble() == Approx(78.5));
    REQUIRE(editor.lines().size() == 1);
    // The table fills the form and the usual strength; the line reads as it will print.
    CHECK_FALSE(editor.value("/lines/0/form").toString().isEmpty());
    CHECK(editor.lines().first().toMap().value("text").toString().contains("amoxicilline"));
    std::string issues;
    for (const auto& issue : editor.issues()) {
        issues += issue.toMap().value("location").toString().toStdString() + ": " +
                  issue.toMap().value("message").toString().toStdString() + "; ";
    }
    INFO("issues: " << issues);
    CHECK(editor.errorCount() == 0);
    CHECK(editor.valid());

    // A line rule, located at the line: non substituable without its legal reason.
    editor.setValue("/lines/0/nonSubstitutable", true);
    CHECK_FALSE(editor.valid());
    CHECK_FALSE(editor.issueAt("/lines/0").isEmpty());
    editor.setValue("/lines/0/nonSubstitutionReason", "CIF"); // as the choice list gives it
    issues.clear();
    for (const auto& issue : editor.issues()) {
        issues += issue.toMap().value("location").toString().toStdString() + ": " +
                  issue.toMap().value("message").toString().toStdString() + "; ";
    }
    INFO("issues after the reason: " << issues);
    CHECK(editor.valid());
    // An unreadable value is an issue at its field, not a crash or a silent zero.
    editor.setValue("/lines/0/dosage/duration/value", "sept");
    CHECK_FALSE(editor.valid());
    CHECK_FALSE(editor.issueAt("/lines/0/dosage/duration/value").isEmpty());
    editor.setValue("/lines/0/dosage/duration/value", "7");
    REQUIRE(editor.valid());

    // A wrong passphrase is said, and nothing is signed.
    CHECK_FALSE(editor.sign(QStringLiteral("not the passphrase")));
    CHECK_FALSE(editor.signedOrdonnance());
    CHECK(editor.signText().startsWith(QStringLiteral("Signature refusée")));

    REQUIRE(editor.sign(QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase)));
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
    CHECK(editor.valid());
    CHECK(editor.sign(QString::fromLatin1(protocol::DevelopmentPki::kDevelopmentPassphrase)));

    // The practice details are remembered for the next consultation.
    app::PrescriptionEditor next;
    next.begin({"Martin", "Claire", "10101234564"}, prescriptions::Sex::female);
    CHECK(next.value("/prescriber/address/city").toString() == QStringLiteral("Paris"));
    CHECK(next.value("/prescriber/telephone").toString() == QStringLiteral("+33123456789"));
}

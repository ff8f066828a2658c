// The signed consultation report through signReport, checked by independent peers: pdfsig
// (PAdES), openssl cms (the JSON's detached signature), pdfdetach (the embedded canonical JSON),
// pdftotext and pdfinfo (what the patient reads), the FHIR checker, and the real
// telecabine-verify in its report mode; the pipeline's typed failures.
#include "record_fixtures.hpp"
#include "signing_checks.hpp"
#include "support/catch_result.hpp"
#include "tc/prescriptions/fhir_document.hpp"
#include "tc/prescriptions/ordonnance.hpp"
#include "tc/prescriptions/signed_report.hpp"
#include "test_support.hpp"

#include <QImage>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

using namespace tc::prescriptions;
using namespace tc::prescriptions::testing;
namespace fx = tc::prescriptions::test;

namespace {

using fx::kSigningTime;

// TC_REPORT_DUMP_DIR=/some/dir keeps a copy of every report signed here, to look at them.
void keepCopy(const SignedReport& signedReport) {
    const char* dir = std::getenv("TC_REPORT_DUMP_DIR");
    if (dir == nullptr || *dir == '\0') {
        return;
    }
    static int count = 0;
    writeFile(std::filesystem::path(dir) / ("report-" + std::to_string(++count) + ".pdf"),
              signedReport.pdf);
}

SignedReport signFixture(const ConsultationReport& report = fx::reportFixture(),
                         const ConsultationRecord& record = fx::recordFixture(),
                         std::chrono::system_clock::time_point when = kSigningTime) {
    auto result = signReport(report, record, identityOf(testPki().rppsDoctor), when);
    INFO("stage " << static_cast<int>(result.error().stage) << ": " << result.error().message());
    REQUIRE(result);
    keepCopy(*result);
    return std::move(*result);
}

std::string pdfText(const TempDir& dir, const std::string& file, const std::string& extra = "") {
    const auto text = run("pdftotext -enc UTF-8 " + extra + " " + quote(dir / file) + " -", false);
    REQUIRE(text.exitCode == 0);
    return text.output;
}

// Whether a dark horizontal rule runs just above the line holding the words `first` ... `last`
// on page 1 (the top edge of a frame around that line), in a 100 dpi rendering.
bool ruledAbove(const TempDir& dir, const std::string& file, const std::string& first,
                const std::string& last) {
    const auto bbox = run("pdftotext -bbox -f 1 -l 1 " + quote(dir / file) + " -", false).output;
    const std::regex word(
        R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>)re");
    double x0 = -1, x1 = -1, top = -1;
    for (auto it = std::sregex_iterator(bbox.begin(), bbox.end(), word);
         it != std::sregex_iterator(); ++it) {
        if ((*it)[5].str() == first && x0 < 0) {
            x0 = std::stod((*it)[1].str());
            top = std::stod((*it)[2].str());
        }
        if ((*it)[5].str() == last && x0 >= 0 && x1 < 0) {
            x1 = std::stod((*it)[3].str());
        }
    }
    REQUIRE(x0 >= 0);
    REQUIRE(x1 > x0);
    REQUIRE(
        run("pdftoppm -r 100 -gray -png -f 1 -l 1 " + quote(dir / file) + " " + quote(dir / "page"))
            .exitCode == 0);
    const QImage image(QString::fromStdString((dir / "page-1.png").string()));
    REQUIRE_FALSE(image.isNull());
    const double scale = 100.0 / 72;
    for (int y = static_cast<int>((top - 6) * scale); y < static_cast<int>(top * scale); ++y) {
        int dark = 0;
        int total = 0;
        for (int x = static_cast<int>(x0 * scale); x < static_cast<int>(x1 * scale); ++x) {
            ++total;
            dark += qGray(image.pixel(x, y)) < 128 ? 1 : 0;
        }
        if (total > 0 && dark * 10 >= total * 9) {
            return true;
        }
    }
    return false;
}

CommandResult verify(const TempDir& dir, const std::string& file, const std::string& extra) {
    writeFile(dir / "ca.pem", testPki().caPem);
    return run(std::string(TC_VERIFY_BINARY) + " " + quote(dir / file) + " --ca " +
                   quote(dir / "ca.pem") + " " + extra,
               false);
}

} // namespace

TEST_CASE("Signed report: pdfsig, openssl cms, pdfdetach and telecabine-verify agree",
          "[report][verify]") {
    const auto signedReport = signFixture();
    TempDir dir;
    writeFile(dir / "compte-rendu.pdf", signedReport.pdf);
    writeFile(dir / "compte-rendu.json", signedReport.sealed.canonicalJson());
    writeFile(dir / "compte-rendu.json.p7s", signedReport.jsonCmsDer);
    writeFile(dir / "ca.pem", testPki().caPem);

    const auto pdfsig = run("pdfsig " + quote(dir / "compte-rendu.pdf"));
    INFO(pdfsig.output);
    CHECK(pdfsig.exitCode == 0);
    CHECK(pdfsig.output.find("Signature is Valid.") != std::string::npos);
    CHECK(pdfsig.output.find("Total document signed") != std::string::npos);
    CHECK(pdfsig.output.find("ETSI.CAdES.detached") != std::string::npos);

    const auto cms =
        run("openssl cms -verify -binary -content " + quote(dir / "compte-rendu.json") +
            " -inform DER -in " + quote(dir / "compte-rendu.json.p7s") + " -CAfile " +
            quote(dir / "ca.pem") + " -purpose any -out /dev/null");
    INFO(cms.output);
    CHECK(cms.exitCode == 0);

    TempDir detached;
    const auto detach = run("pdfdetach -saveall -o " + quote(detached.path()) + " " +
                            quote(dir / "compte-rendu.pdf"));
    REQUIRE(detach.exitCode == 0);
    const auto attached = readBytes(detached / "compte-rendu.json");
    CHECK(std::string(reinterpret_cast<const char*>(attached.data()), attached.size()) ==
          signedReport.sealed.canonicalJson());

    CHECK(signedReport.reference.id == fx::kReportId);
    CHECK(signedReport.reference.sha256 == sha256Hex(signedReport.sealed.canonicalJson()).value());
    const auto fhir = nlohmann::json::parse(signedReport.fhirDocumentJson);
    CHECK(checkFhirDocument(fhir).empty());
    CHECK(fhir["timestamp"] == "2024-05-03T09:14:00.000Z");

    const auto verdict = verify(dir, "compte-rendu.pdf", "--kind report");
    INFO(verdict.output);
    CHECK(verdict.exitCode == 0);
    CHECK(verdict.output.find("VERDICT : compte rendu VALIDE / consultation report VALID") !=
          std::string::npos);
    CHECK(verdict.output.find(std::string("Compte rendu n° / Report id: ") + fx::kReportId) !=
          std::string::npos);
    CHECK(verdict.output.find("Consultation: sess-2024-05-03-0042") != std::string::npos);
    CHECK(verdict.output.find(signedReport.sealed.sha256()) != std::string::npos);
    CHECK(verdict.output.find("[OK]    Contenu signé (compte rendu)") != std::string::npos);
    const auto json =
        nlohmann::json::parse(verify(dir, "compte-rendu.pdf", "--kind report --json").output);
    CHECK(json["valid"].get<bool>());
    CHECK(json["kind"] == "report");
    CHECK(json["report_id"] == fx::kReportId);
    CHECK(json["signer_rpps"] == "10101234564");
    CHECK(json["checks"][2]["check"] == "content");

    // Checked as an ordonnance, it is refused, and the verifier says how to check it.
    const auto asOrdonnance = verify(dir, "compte-rendu.pdf", "");
    INFO(asOrdonnance.output);
    CHECK(asOrdonnance.exitCode != 0);
    CHECK(asOrdonnance.output.find("--kind report") != std::string::npos);
    CHECK(asOrdonnance.output.find("REJECTED") != std::string::npos);
    CHECK(verify(dir, "compte-rendu.pdf", "--kind letter").exitCode == 2);
}

TEST_CASE("Signed report: an ordonnance is not accepted as a report", "[report][verify]") {
    auto ordonnance =
        signOrdonnance(fx::adultPrescription(), identityOf(testPki().rppsDoctor), kSigningTime);
    REQUIRE(ordonnance);
    TempDir dir;
    writeFile(dir / "o.pdf", ordonnance->pdf);
    const auto asReport = verify(dir, "o.pdf", "--kind report");
    INFO(asReport.output);
    CHECK(asReport.exitCode == 31);
    CHECK(asReport.output.find("compte-rendu.json) est absent") != std::string::npos);
    CHECK(asReport.output.find("--kind ordonnance") != std::string::npos);
    CHECK(verify(dir, "o.pdf", "--kind ordonnance").exitCode == 0);
}

TEST_CASE("Signed report: an A4 page in French with every mention", "[report]") {
    const auto signedReport = signFixture();
    TempDir dir;
    writeFile(dir / "r.pdf", signedReport.pdf);
    const auto info = run("pdfinfo " + quote(dir / "r.pdf"), false);
    CHECK(info.output.find("(A4)") != std::string::npos);
    CHECK(info.output.find("Pages:           1") != std::string::npos);
    const auto text = pdfText(dir, "r.pdf");
    INFO(text);
    for (const char* mention :
         {"Dr Claire MARTIN",
          "Médecin — N° RPPS : 10101234564",
          "Téléconsultation assistée",
          "Cabine de la mairie de Saint-Flour",
          "Compte rendu de téléconsultation",
          "Patient : DURAND Paul",
          "Nom de naissance : DURAND — prénoms de naissance : Paul, Jean",
          "Homme, né le 14/02/1970 (54 ans)",
          "lieu de naissance (code INSEE) : 75056",
          "Identité qualifiée — matricule INS : 1 70 02 75 056 123 96 (NIR "
          "de test)",
          "Téléconsultation assistée du 3 mai 2024, de 10:38 à 10:54 (16 min)",
          "Cabine : Cabine de la mairie de Saint-Flour (SFL-01)",
          "Avec l'assistance de Sophie Bernard (infirmier·ère)",
          "Motif",
          "Fièvre et symptômes ORL",
          "Antécédents et histoire de la maladie",
          "Odynophagie, pas de toux.",
          "Examen",
          "• Pression systolique : 128 mmHg (10:40)",
          "• Photo : Gorge (10:45)",
          "Pharynx érythémateux sans dépôt",
          "Conclusion",
          "Angine probablement virale",
          "Suite à donner",
          "Consulter votre médecin traitant en présentiel.",
          "Ordonnance délivrée",
          "Ordonnance n° 7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1AH",
          "Signé électroniquement (PAdES)",
          "le 03/05/2024 à 11:14 (heure de Paris)",
          "Compte rendu n° 9ZZZ-0000-1111-2222-3333-4444-55GB — page 1/1"}) {
        INFO(mention);
        CHECK(text.find(mention) != std::string::npos);
    }
    CHECK(text.find("Identité corrigée") == std::string::npos);
    // The block follows the last line.
    CHECK(text.find("Signé électroniquement") > text.find("Ordonnance n° 7KQM"));
    CHECK(text.find('\t') == std::string::npos);
    CHECK(text.find("\xEF\xAC\x81") == std::string::npos); // no U+FB01 "ﬁ" ligature
}

TEST_CASE("Signed report: a provisional identity corrected by the doctor is marked, without INS",
          "[report]") {
    auto record = fx::recordFixture();
    record.patient.status = IdentityStatus::provisional;
    record.patient.usedName = "MARTIN";
    record.patient.correctedFields = {"birth_name", "birth_date"};
    const auto signedReport = signFixture(fx::reportFixture(), record);
    TempDir dir;
    writeFile(dir / "r.pdf", signedReport.pdf);
    const auto text = pdfText(dir, "r.pdf");
    INFO(text);
    CHECK(text.find("Patient : MARTIN Paul") != std::string::npos);
    CHECK(
        text.find("Identité provisoire — matricule INS non communiqué (identité non qualifiée)") !=
        std::string::npos);
    CHECK(text.find("Identité corrigée par le médecin : nom de naissance, date de naissance") !=
          std::string::npos);
    CHECK(text.find("056 123") == std::string::npos);
    // The mark is framed: a rule runs along the top of its line, and not above the status line.
    CHECK(ruledAbove(dir, "r.pdf", "corrigée", "naissance,"));
    CHECK_FALSE(ruledAbove(dir, "r.pdf", "provisoire", "communiqué"));
    // Unqualified identity: FHIR carries no INS either.
    const auto fhir = nlohmann::json::parse(signedReport.fhirDocumentJson);
    CHECK(checkFhirDocument(fhir).empty());
    CHECK(signedReport.fhirDocumentJson.find("170027505612396") == std::string::npos);
    const auto verdict = verify(dir, "r.pdf", "--kind report");
    CHECK(verdict.exitCode == 0);
}

TEST_CASE("Signed report: a long report continues on a second page, the block after its last line",
          "[report][verify]") {
    auto report = fx::reportFixture();
    for (int i = 0; i < 40; ++i) {
        report.history += "\nÉpisode " + std::to_string(i + 1) +
                          " : fièvre vespérale, frissons, sueurs nocturnes, asthénie marquée.";
    }
    report.freeText = "Dernière remarque du compte rendu.";
    const auto record = fx::recordFixture();
    REQUIRE(reportPageCount(report, record) == 2);
    const auto signedReport = signFixture(report, record);
    TempDir dir;
    writeFile(dir / "r.pdf", signedReport.pdf);
    const auto first = pdfText(dir, "r.pdf", "-f 1 -l 1");
    const auto second = pdfText(dir, "r.pdf", "-f 2 -l 2");
    INFO(first << "\n----\n" << second);
    for (const auto* text : {&first, &second}) {
        CHECK(text->find("Dr Claire MARTIN") != std::string::npos);
        CHECK(text->find("Médecin — N° RPPS : 10101234564") != std::string::npos);
    }
    CHECK(first.find("page 1/2") != std::string::npos);
    CHECK(second.find("page 2/2") != std::string::npos);
    CHECK(first.find("Signé électroniquement") == std::string::npos);
    CHECK(second.find("Signé électroniquement") >
          second.find("Dernière remarque du compte rendu."));
    CHECK(verify(dir, "r.pdf", "--kind report").exitCode == 0);
}

TEST_CASE("Signed report: the pipeline's typed failures", "[report]") {
    const auto record = fx::recordFixture();
    SECTION("validation: every issue, located") {
        auto report = fx::reportFixture();
        report.conclusion.clear();
        report.motif.clear();
        auto result = signReport(report, record, identityOf(testPki().rppsDoctor), kSigningTime);
        REQUIRE_FALSE(result);
        CHECK(result.error().stage == ReportStage::validation);
        CHECK(result.error().code == Errc::validationFailed);
        REQUIRE(result.error().issues.size() == 2);
        CHECK(result.error().issues[0].path == "/motif");
        CHECK(result.error().issues[0].code == RecordErrc::missingMotif);
        CHECK(result.error().issues[1].code == RecordErrc::missingConclusion);
    }
    SECTION("the record's problems too") {
        auto broken = record;
        broken.times.endMs = broken.times.startMs - 1;
        auto result =
            signReport(fx::reportFixture(), broken, identityOf(testPki().rppsDoctor), kSigningTime);
        REQUIRE_FALSE(result);
        CHECK(result.error().stage == ReportStage::validation);
        CHECK(result.error().issues.at(0).path == "/record/times/endMs");
    }
    SECTION("only a prescriber signs, and only the author") {
        const auto c = GENERATE(from_range(wrongSigners()));
        const auto identity = identityOf(*c.who);
        INFO(identity.subjectName());
        auto result = signReport(fx::reportFixture(), record, identity, kSigningTime);
        REQUIRE_FALSE(result);
        CHECK(result.error().stage == ReportStage::signer);
        CHECK(result.error().code == c.error);
    }
    SECTION("the author's CPS-like card signs") {
        CHECK(signReport(fx::reportFixture(), record, identityOf(testPki().cpsCard), kSigningTime));
    }
}

TEST_CASE("Signed report: the console's preview is a watermarked draft", "[report]") {
    auto draft = draftReport(fx::recordFixture(), ReportTemplate::cough);
    REQUIRE(draft.has_value());
    const auto image = renderReportPreview(*draft, fx::recordFixture(), 0, 72);
    REQUIRE_FALSE(image.isNull());
    CHECK(image.width() == 596); // 210 mm at 72 dpi, rounded up
    CHECK(renderReportPreview(*draft, fx::recordFixture(), 1, 72).isNull());
    // Some reddish watermark pixels.
    bool red = false;
    for (int y = 0; y < image.height() && !red; y += 2) {
        for (int x = 0; x < image.width() && !red; x += 2) {
            const QColor pixel = image.pixelColor(x, y);
            red = pixel.red() > pixel.green() + 40;
        }
    }
    CHECK(red);
}

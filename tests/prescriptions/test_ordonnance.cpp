// The ordonnance layout (checked through poppler's pdftotext/pdfinfo/pdffonts), the editor's
// preview, and the signing pipeline's typed failures and ledger rules.
#include "fixtures.hpp"
#include "support/catch_result.hpp"
#include "tc/prescriptions/cms_signature.hpp"
#include "tc/prescriptions/ordonnance.hpp"
#include "tc/prescriptions/prescription_json.hpp"
#include "tc/prescriptions/qr_code.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace tc::prescriptions;
using namespace tc::prescriptions::testing;
namespace fx = tc::prescriptions::test;

namespace {

using fx::kSigningTime;

SealedPrescription sealed(const Prescription& p) {
    auto s = SealedPrescription::seal(p, fx::table());
    REQUIRE(s.has_value());
    return *s;
}

std::string pdfText(const std::vector<std::byte>& pdf, const std::string& extra = "") {
    TempDir dir;
    writeFile(dir / "o.pdf", pdf);
    const auto text =
        run("pdftotext -enc UTF-8 " + extra + " " + quote(dir / "o.pdf") + " -", false);
    REQUIRE(text.exitCode == 0);
    return text.output;
}

const SigningIdentity& doctor() {
    static auto identity =
        SigningIdentity::fromPkcs12(testPki().doctorEc.pkcs12, TestPki::kPassphrase);
    REQUIRE(identity.has_value());
    return *identity;
}

} // namespace

TEST_CASE("Ordonnance: the adult fixture on one A5 page carries every mention of R5132-3",
          "[ordonnance]") {
    const auto parsed =
        parsePrescription(fx::readFile(TC_TEST_DATA_DIR "/prescription_adult.json"));
    REQUIRE(parsed.has_value());
    const auto pdf = renderOrdonnancePdf(sealed(*parsed), kSigningTime);
    REQUIRE(pdf.has_value());
    const std::string text = pdfText(*pdf);
    INFO(text);
    for (const char* mention : {"Dr Claire MARTIN",
                                "Médecin généraliste",
                                "N° RPPS : 10101234564",
                                "Cabinet médical",
                                "12 rue de la Paix",
                                "75002 Paris",
                                "France",
                                "Tél. : +33 1 23 45 67 89",
                                "Courriel : claire.martin@example.fr",
                                "Paris, le 3 mai 2024",
                                "Patient : DURAND Paul",
                                "Homme, né le 14/02/1970 (54 ans)",
                                "Poids : 78,5 kg — Taille : 180 cm",
                                "1. amoxicilline 500 mg, gélule",
                                "2 gélules 3 fois par jour pendant 7 jours, voie orale",
                                "Quantité à délivrer : 42 gélules",
                                "Au milieu des repas.",
                                "2. paracétamol 1 g, comprimé",
                                "3. lévothyroxine 75",
                                "À renouveler 3 fois",
                                "non substituable (MTE)",
                                "4. Examen de biologie : TSH, T4 libre",
                                "5. Avis spécialisé (Endocrinologie) : Avis pour nodule thyroïdien",
                                "Signé électroniquement (PAdES)",
                                "le 03/05/2024 à 11:14 (heure de Paris)",
                                "N° 7KQM-2W9D-XH4T-RB3N-5Y8Z-PC6V-J1AH",
                                "page 1/1"}) {
        CHECK(text.find(mention) != std::string::npos);
    }
    // The signature block comes after the last line.
    CHECK(text.find("Signé électroniquement") > text.find("nodule thyroïdien"));
    CHECK(text.find("non substituable (MTE)") < text.find("TSH, T4 libre"));

    TempDir dir;
    writeFile(dir / "o.pdf", *pdf);
    const auto info = run("pdfinfo " + quote(dir / "o.pdf"), false);
    INFO(info.output);
    CHECK(info.output.find("Pages:           1") != std::string::npos);
    CHECK(info.output.find("420 x 595 pts (A5)") != std::string::npos);
    const auto fonts = run("pdffonts " + quote(dir / "o.pdf"), false);
    INFO(fonts.output);
    CHECK(fonts.output.find("DejaVuSans") != std::string::npos);
    // Every font embedded (the "emb" column, after the two words of "CID TrueType").
    std::istringstream rows(fonts.output);
    int fontRows = 0;
    for (std::string row; std::getline(rows, row);) {
        if (row.find("TrueType") == std::string::npos) {
            continue;
        }
        std::istringstream words(row);
        std::vector<std::string> w{std::istream_iterator<std::string>(words), {}};
        REQUIRE(w.size() >= 5);
        CHECK(w[4] == "yes");
        ++fontRows;
    }
    CHECK(fontRows == 2); // DejaVu Sans and DejaVu Sans Bold
}

TEST_CASE("Ordonnance: every medication line says whether it may be renewed",
          "[ordonnance][layout]") {
    const auto pdf = renderOrdonnancePdf(sealed(fx::adultPrescription()), kSigningTime);
    REQUIRE(pdf.has_value());
    const std::string text = pdfText(*pdf);
    INFO(text);
    // amoxicilline and paracétamol: no renewal; lévothyroxine: 3; non-drug lines: no mention.
    std::size_t count = 0;
    for (auto at = text.find("Non renouvelable"); at != std::string::npos;
         at = text.find("Non renouvelable", at + 1)) {
        ++count;
    }
    CHECK(count == 2);
    CHECK(text.find("À renouveler 3 fois") != std::string::npos);
    CHECK(text.find("Non renouvelable") < text.find("2. paracétamol"));
    CHECK(text.find("À renouveler 3 fois") > text.find("3. lévothyroxine"));
}

TEST_CASE("Ordonnance: a child's prescription shows her age, weight and the paediatrician",
          "[ordonnance]") {
    auto child = fx::childPrescription();
    child.prescriber.qualification = "Pédiatrie";
    const auto pdf = renderOrdonnancePdf(sealed(child), kSigningTime, {PaperSize::a4});
    REQUIRE(pdf.has_value());
    const std::string text = pdfText(*pdf);
    INFO(text);
    CHECK(text.find("Pédiatrie") != std::string::npos);
    CHECK(text.find("Patient : DURAND Léa") != std::string::npos);
    CHECK(text.find("Femme, née le 01/07/2020 (4 ans)") != std::string::npos);
    CHECK(text.find("Poids : 16 kg — Taille : 104,5 cm") != std::string::npos);
    CHECK(text.find("25 mg/kg 2 fois par jour pendant 6 jours") != std::string::npos);
    CHECK(text.find("Examen d'imagerie : Radiographie thoracique de face") != std::string::npos);
    TempDir dir;
    writeFile(dir / "o.pdf", *pdf);
    CHECK(run("pdfinfo " + quote(dir / "o.pdf"), false).output.find("(A4)") != std::string::npos);
}

TEST_CASE("Ordonnance: the editor's preview of a draft has a watermark and no QR code",
          "[ordonnance][preview]") {
    Prescription draft; // nil id, no dates, no lines: still previewable
    draft.prescriber.familyName = "Martin";
    CHECK(ordonnancePageCount(draft) == 1);
    const QImage image = renderOrdonnancePreview(draft, 0, 100);
    REQUIRE_FALSE(image.isNull());
    CHECK(image.width() == 583); // 148 mm at 100 dpi
    CHECK(image.height() == 827);
    int reddish = 0;
    int dark = 0;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2) {
            const QColor c = image.pixelColor(x, y);
            reddish += c.red() > c.green() + 30 ? 1 : 0;
            dark += c.lightness() < 80 ? 1 : 0;
        }
    }
    CHECK(reddish > 500); // the diagonal "BROUILLON — non signé"
    CHECK(dark > 100);    // the text
    CHECK(renderOrdonnancePreview(draft, 1, 100).isNull());
    CHECK(renderOrdonnancePreview(draft, -1, 100).isNull());

    // A complete prescription previews too, but is still not signed: zbarimg finds no code.
    const QImage adult = renderOrdonnancePreview(fx::adultPrescription(), 0, 200);
    REQUIRE_FALSE(adult.isNull());
    TempDir dir;
    REQUIRE(adult.save(QString::fromStdString((dir / "preview.png").string())));
    CHECK(run("zbarimg -q --raw " + quote(dir / "preview.png"), false).exitCode != 0);
}

TEST_CASE("Ordonnance: the pipeline refuses an invalid prescription with located issues",
          "[ordonnance][pipeline]") {
    auto child = fx::childPrescription();
    child.patient.weightKg.reset();
    const auto result = signOrdonnance(child, doctor(), kSigningTime);
    REQUIRE_FALSE(result);
    CHECK(result.error().stage == OrdonnanceStage::validation);
    CHECK(result.error().code == Errc::validationFailed);
    CHECK(result.error().validation.has(IssueCode::childWithoutWeight, "/patient/weightKg"));

    Prescription empty = fx::adultPrescription();
    empty.lines.clear();
    const auto none = signOrdonnance(empty, doctor(), kSigningTime);
    REQUIRE_FALSE(none);
    CHECK(none.error().validation.has(IssueCode::emptyPrescription));
}

TEST_CASE("Ordonnance: the pipeline's outputs agree with each other", "[ordonnance][pipeline]") {
    const auto result = signOrdonnance(fx::adultPrescription(), doctor(), kSigningTime);
    REQUIRE(result);
    const auto& o = *result;
    CHECK(o.canonicalJson == o.sealed.canonicalJson());
    CHECK_FALSE(o.validation.hasErrors());
    const auto content = std::span(reinterpret_cast<const std::byte*>(o.canonicalJson.data()),
                                   o.canonicalJson.size());
    // The QR's id is the model's JSON "id" member, which the verifier compares.
    const auto payload = makeQrPayload(o.sealed.id().toString(), content);
    CHECK(payload.prescriptionId ==
          nlohmann::json::parse(o.canonicalJson)["id"].get<std::string>());
    CHECK(checkQrAgainstContent(payload, content).has_value());
    CHECK(payload.contentSha256Hex == o.sealed.sha256());
    auto cms = verifyDetached(content, o.jsonCmsDer);
    REQUIRE(cms.has_value());
    CHECK(cms->signingTimeAttribute == std::chrono::system_clock::time_point(kSigningTime));
    const auto fhir = nlohmann::json::parse(o.fhirBundleJson);
    CHECK(fhir["resourceType"] == "Bundle");
    CHECK(fhir["identifier"]["value"] == fx::kAdultId);
}

TEST_CASE("Ordonnance: one id is never signed with two contents", "[ordonnance][ledger]") {
    PrescriptionLedger ledger;
    const auto first = signOrdonnance(fx::adultPrescription(), doctor(), kSigningTime, ledger);
    REQUIRE(first);
    CHECK(ledger.find(first->sealed.id()) != nullptr);
    // The same content again is a re-issue.
    CHECK(signOrdonnance(fx::adultPrescription(), doctor(), kSigningTime, ledger));

    auto changed = fx::adultPrescription();
    std::get<MedicationLine>(changed.lines[0]).dispense.quantity = Quantity{21, "{capsule}"};
    const auto refused = signOrdonnance(changed, doctor(), kSigningTime, ledger);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().stage == OrdonnanceStage::ledger);
    CHECK(refused.error().code == Errc::duplicateId);
    CHECK(ledger.find(first->sealed.id())->canonicalJson() == first->canonicalJson);

    // A correction is an amendment: new id, replaces the first, which the ledger cancels.
    auto amended = amend(first->sealed);
    REQUIRE(amended.has_value());
    std::get<MedicationLine>(amended->lines[0]).dispense.quantity = Quantity{21, "{capsule}"};
    const auto second = signOrdonnance(*amended, doctor(), kSigningTime, ledger);
    REQUIRE(second);
    CHECK(ledger.isCancelled(first->sealed.id()));
    // A second amendment of the cancelled one is refused before signing.
    auto again = amend(first->sealed);
    REQUIRE(again.has_value());
    const auto twice = signOrdonnance(*again, doctor(), kSigningTime, ledger);
    REQUIRE_FALSE(twice);
    CHECK(twice.error().code == Errc::alreadyCancelled);
    CHECK(ledger.find(again->id) == nullptr);
}

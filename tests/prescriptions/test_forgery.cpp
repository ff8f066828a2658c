// Forged ordonnances, made the way an outsider would, each refused by the real telecabine-verify
// while poppler's pdfsig (an independent reader) finds every forged signature cryptographically
// valid: what refuses them is the policy (one signature, over the whole file, by the prescriber
// the content names), not a broken signature. The classes: an update after signing re-signed by
// someone else (cabin, service, coordinator, another doctor, no RPPS, another CA), a signature
// made directly by a non-prescriber, a swapped QR code, an annotation or a form field added after
// signing. The library refuses to make the non-prescriber signatures in the first place.
#include "fixtures.hpp"
#include "pades_update.hpp"
#include "pdf_forgery.hpp"
#include "signing_checks.hpp"
#include "support/catch_result.hpp"
#include "tc/prescriptions/ordonnance.hpp"
#include "tc/prescriptions/prescriber_certificate.hpp"
#include "tc/prescriptions/prescription_json.hpp"
#include "tc/prescriptions/qr_code.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <regex>

using namespace tc::prescriptions;
using namespace tc::prescriptions::testing;
namespace fx = tc::prescriptions::test;

namespace {

Prescription adult(const char* id = fx::kAdultId) {
    auto parsed = parsePrescription(fx::readFile(TC_TEST_DATA_DIR "/prescription_adult.json"));
    REQUIRE(parsed.has_value());
    parsed->id = fx::parseId(id);
    return *parsed;
}

SignedOrdonnance signedByPrescriber(const Prescription& p) {
    const auto identity = identityOf(testPki().rppsDoctor);
    auto result = signOrdonnance(p, identity, std::chrono::system_clock::now());
    INFO(result.error().code.message());
    REQUIRE(result);
    return std::move(*result);
}

Verdict check(const std::vector<std::byte>& pdf) {
    return verifyForged(pdf, "");
}

int objectNumber(const std::vector<std::byte>& pdf, const std::string& pattern) {
    const auto found = findObjects(pdf, pattern);
    INFO(pattern);
    REQUIRE(found.size() == 1);
    return found.front().number;
}

// The page, the signature form and the embedded content, as an attacker finds them.
struct Layout {
    PdfObjectText page;
    PdfObjectText acroForm;
    PdfObjectText content;
};

Layout layoutOf(const std::vector<std::byte>& pdf) {
    Layout out;
    const auto pages = findObjects(pdf, R"(/Type\s*/Page[^s])");
    REQUIRE_FALSE(pages.empty());
    out.page = pages.front();
    out.acroForm = *objectText(pdf, objectNumber(pdf, R"(/SigFlags)"));
    out.content = *objectText(pdf, objectNumber(pdf, R"(/Type\s*/EmbeddedFile)"));
    return out;
}

// The page drawn as signed, then `paint` over it in default user space (PDF points from the
// bottom left): the signed content stream is wrapped in q/Q so that its transformations end
// before the overlay. Adds the three streams to `objects` and returns the page's new body.
std::string paintOver(const std::vector<std::byte>& pdf, const PdfObjectText& page,
                      const std::string& paint, std::map<int, std::string>& objects) {
    const int save = nextObjectNumber(pdf);
    objects[save] = streamBody("", "q");
    objects[save + 1] = streamBody("", "Q");
    objects[save + 2] = streamBody("", paint);
    bool found = false;
    auto body =
        replaceFirst(page.body, R"(/Contents\s+(\d+\s+\d+\s+R))",
                     "/Contents [" + std::to_string(save) + " 0 R $1 " + std::to_string(save + 1) +
                         " 0 R " + std::to_string(save + 2) + " 0 R]",
                     &found);
    REQUIRE(found);
    return body;
}

// An update that changes the ordonnance after signing: a white box over the first medication
// line's dose, the embedded content's quantity changed; with `dropFirst` it also takes the
// prescriber's signature out of the form (so that the next signature is the only one found).
std::vector<std::byte> changeDose(const std::vector<std::byte>& pdf, const std::string& json,
                                  bool dropFirst) {
    const Layout layout = layoutOf(pdf);
    std::map<int, std::string> objects;
    std::string page = paintOver(pdf, layout.page, "q 1 1 1 rg 30 330 360 40 re f Q", objects);
    bool found = false;
    std::string changed = json;
    const auto at = changed.find("\"value\":2");
    REQUIRE(at != std::string::npos);
    changed.replace(at, 9, "\"value\":6");
    objects[layout.content.number] =
        streamBody("/Type /EmbeddedFile /Subtype /application#2Fjson", changed);
    if (dropFirst) {
        page = replaceFirst(page, R"(/Annots\s*\[[^\]]*\])", "/Annots []", &found);
        REQUIRE(found);
        objects[layout.acroForm.number] = "\n<< /Fields [] /SigFlags 3 >>\n";
    }
    objects[layout.page.number] = page;
    return appendUpdate(pdf, objects);
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", value);
    return text;
}

// The QR code's square (quiet zone included) on page 1, in PDF points from the bottom left: 35 mm
// wide, right-aligned above the "N° <id>" line, found by that line's position in
// `pdftotext -bbox` (the code itself is vector rectangles, not text).
struct Box {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

Box qrBox(const std::vector<std::byte>& pdf, const std::string& id) {
    TempDir dir;
    writeFile(dir / "page.pdf", pdf);
    const auto bbox =
        run("pdftotext -bbox -f 1 -l 1 " + quote(dir / "page.pdf") + " -", false).output;
    std::smatch page;
    REQUIRE(std::regex_search(bbox, page,
                              std::regex(R"re(<page width="([0-9.]+)" height="([0-9.]+)")re")));
    const double pageHeight = std::stod(page[2].str());
    const std::regex word(
        R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>)re");
    double right = -1;
    double idTop = 0;
    for (auto it = std::sregex_iterator(bbox.begin(), bbox.end(), word);
         it != std::sregex_iterator(); ++it) {
        if ((*it)[5].str() == id && std::stod((*it)[3].str()) > right) {
            right = std::stod((*it)[3].str());
            idTop = std::stod((*it)[2].str());
        }
    }
    INFO(bbox);
    REQUIRE(right > 0);
    constexpr double kSide = 35 / 25.4 * 72;
    const double bottomFromTop = idTop - 1 / 25.4 * 72;
    return {right - kSide, pageHeight - bottomFromTop, right, pageHeight - bottomFromTop + kSide};
}

std::vector<std::byte> resign(const std::vector<std::byte>& pdf, const TestCredentials& who) {
    SignatureDetails details;
    details.fieldName = "Signature2";
    details.reason = "Ordonnance";
    // The forger uses the bare PAdES update, as any PDF tool would. The library's signPdf refuses
    // every one of these signers but the prescriber's namesake from another CA over a form the
    // update emptied (it does not know the pharmacist's CA: telecabine-verify refuses that one).
    const auto profile = readSignerProfile(identityOf(who).certificateDer());
    if (!profile.isPrescriber() || *profile.rpps != TestPki::kPrescriberRpps) {
        CHECK_FALSE(signPdf(pdf, identityOf(who), details).has_value());
    }
    auto forged = detail::appendPadesSignature(pdf, identityOf(who), details);
    REQUIRE(forged.has_value());
    return std::move(*forged);
}

} // namespace

TEST_CASE("Forgery: the signer's profile is read from the certificate, not its printed subject",
          "[verify][forgery]") {
    const auto profile = [](const TestCredentials& c) {
        return readSignerProfile(identityOf(c).certificateDer());
    };
    CHECK(profile(testPki().rppsDoctor).kind == SignerKind::doctor);
    CHECK(profile(testPki().rppsDoctor).rpps == std::optional<std::string>("10101234564"));
    CHECK(profile(testPki().cpsCard).kind == SignerKind::cpsCard);
    CHECK(profile(testPki().cpsCard).rpps == std::optional<std::string>("10101234564"));
    CHECK(profile(testPki().otherDoctor).rpps == std::optional<std::string>("80001234568"));
    CHECK(profile(testPki().cabin).kind == SignerKind::cabin);
    CHECK(profile(testPki().service).kind == SignerKind::service);
    CHECK(profile(testPki().coordinator).kind == SignerKind::coordinator);
    CHECK(profile(testPki().noRpps).kind == SignerKind::unidentified);
    CHECK(profile(testPki().doctorWithoutRpps).kind == SignerKind::doctorWithoutRpps);
    CHECK(profile(testPki().authority).kind == SignerKind::authority);
    for (const auto* c : {&testPki().cabin, &testPki().service, &testPki().coordinator,
                          &testPki().noRpps, &testPki().doctorWithoutRpps, &testPki().authority}) {
        CHECK_FALSE(profile(*c).isPrescriber());
        CHECK(checkSignerIsPrescriber(profile(*c), "10101234564").error() ==
              SignatureErrc::signerNotAPrescriber);
    }
    CHECK(checkSignerIsPrescriber(profile(testPki().otherDoctor), "10101234564").error() ==
          SignatureErrc::signerNotPrescriber);
    CHECK(readSignerProfile(toBytes("not a certificate")).kind == SignerKind::unreadable);
}

TEST_CASE("Forgery: the library signs an ordonnance only with its prescriber's certificate",
          "[verify][forgery]") {
    const auto p = adult();
    const auto c = GENERATE(from_range(wrongSigners()));
    const auto identity = identityOf(*c.who);
    INFO(identity.subjectName());
    auto result = signOrdonnance(p, identity, std::chrono::system_clock::now());
    REQUIRE_FALSE(result);
    CHECK(result.error().stage == OrdonnanceStage::signer);
    CHECK(result.error().code == c.error);

    // Nor through signPdf with the ordonnance attached.
    auto table = DciTable::builtIn();
    REQUIRE(table.has_value());
    auto sealed = SealedPrescription::seal(p, *table);
    REQUIRE(sealed.has_value());
    auto page = renderOrdonnancePdf(*sealed, std::chrono::system_clock::now());
    REQUIRE(page.has_value());
    SignatureDetails details;
    details.attachment = PdfAttachment{};
    details.attachment->data = toBytes(sealed->canonicalJson());
    CHECK(signPdf(*page, identity, details).error() == c.error);

    // The CPS-like card of the prescriber signs.
    CHECK(signOrdonnance(p, identityOf(testPki().cpsCard), std::chrono::system_clock::now()));
}

TEST_CASE("Forgery: a signature made directly by a non-prescriber is refused (exit 25)",
          "[verify][forgery]") {
    struct Case {
        const TestCredentials* who;
        const char* kind;
    };
    const auto c = GENERATE(Case{&testPki().cabin, "cabin"}, Case{&testPki().service, "service"},
                            Case{&testPki().coordinator, "coordinator"},
                            Case{&testPki().noRpps, "unidentified"},
                            Case{&testPki().doctorWithoutRpps, "doctor_without_rpps"},
                            Case{&testPki().authority, "authority"});
    auto table = DciTable::builtIn();
    REQUIRE(table.has_value());
    auto sealed = SealedPrescription::seal(adult(), *table);
    REQUIRE(sealed.has_value());
    auto page = renderOrdonnancePdf(*sealed, std::chrono::system_clock::now());
    REQUIRE(page.has_value());
    SignatureDetails details;
    details.reason = "Ordonnance";
    details.attachment = PdfAttachment{};
    details.attachment->data = toBytes(sealed->canonicalJson());
    auto forged = detail::appendPadesSignature(*page, identityOf(*c.who), details);
    INFO((forged ? std::string() : forged.error().message()));
    REQUIRE(forged.has_value());

    checkSignedByNonPrescriber(check(*forged), c.kind, "qr_code");
}

TEST_CASE("Forgery: a signed ordonnance changed by an update and re-signed is refused",
          "[verify][forgery]") {
    const auto original = signedByPrescriber(adult());
    REQUIRE(check(original.pdf).exitCode == 0);
    struct Case {
        const TestCredentials* who;
        int exitWhenAlone; // when the update also took the prescriber's signature out of the form
    };
    const auto c = GENERATE(Case{&testPki().cabin, 25}, Case{&testPki().service, 25},
                            Case{&testPki().coordinator, 25}, Case{&testPki().noRpps, 25},
                            Case{&testPki().otherDoctor, 24}, Case{&testPki().otherCaDoctor, 20});
    const bool dropFirst = GENERATE(false, true);
    INFO("re-signed by " << identityOf(*c.who).subjectName() << (dropFirst ? ", alone" : ""));
    const auto forged = resign(changeDose(original.pdf, original.canonicalJson, dropFirst), *c.who);
    const auto v = check(forged);
    INFO(v.json.dump(2) << "\n" << v.pdfsig);
    CHECK_FALSE(v.json["valid"].get<bool>());
    CHECK(v.pdfsig.find("Digest Mismatch") == std::string::npos);
    if (dropFirst) {
        // One signature, over the whole file: only the signer's profile refuses it.
        CHECK(v.exitCode == c.exitWhenAlone);
        CHECK(v.pdfsig.find("Total document signed") != std::string::npos);
    } else {
        CHECK(v.exitCode == 13);
        CHECK(checkError(v, "signature") == "multiple_signatures");
        // pdfsig: the prescriber's signature is valid but no longer covers the whole file.
        CHECK(v.pdfsig.find("Signature #2") != std::string::npos);
        CHECK(v.pdfsig.find("Not total document signed") != std::string::npos);
    }
}

TEST_CASE("Forgery: the changed ordonnance left unsigned after the update is refused (exit 13)",
          "[verify][forgery]") {
    const auto original = signedByPrescriber(adult());
    const auto changed = changeDose(original.pdf, original.canonicalJson, false);
    const auto v = check(changed);
    INFO(v.json.dump(2) << "\n" << v.pdfsig);
    CHECK(v.exitCode == 13);
    CHECK(checkError(v, "signature") == "content_after_signature");
    CHECK(v.pdfsig.find("Not total document signed") != std::string::npos);
}

TEST_CASE("Forgery: a QR code swapped for another ordonnance's is refused", "[verify][forgery]") {
    const auto original = signedByPrescriber(adult());
    const auto other = signedByPrescriber(adult(fx::kChildId));
    // The attacker paints the other ordonnance's code over the page's (the code is vector
    // rectangles in the page's content) and embeds the other content, so that the QR code and
    // the content agree again.
    const Box box = qrBox(original.pdf, original.sealed.id().toString());
    const auto payload =
        formatQrPayload(makeQrPayload(other.sealed.id().toString(), toBytes(other.canonicalJson)));
    REQUIRE(payload.has_value());
    const auto matrix = encodeQr(*payload);
    REQUIRE(matrix.has_value());
    const double module = (box.x1 - box.x0) / (matrix->size + 2 * kQrQuietZone);
    const double left = box.x0 + kQrQuietZone * module;
    const double top = box.y1 - kQrQuietZone * module;
    std::string paint = "q 1 1 1 rg " + number(box.x0 - 4) + " " + number(box.y0 - 4) + " " +
                        number(box.x1 - box.x0 + 8) + " " + number(box.y1 - box.y0 + 8) +
                        " re f 0 0 0 rg\n";
    for (int row = 0; row < matrix->size; ++row) {
        for (int column = 0; column < matrix->size; ++column) {
            if (matrix->dark(column, row)) {
                paint += number(left + column * module) + " " + number(top - (row + 1) * module) +
                         " " + number(module) + " " + number(module) + " re\n";
            }
        }
    }
    paint += "f Q";
    const Layout layout = layoutOf(original.pdf);
    std::map<int, std::string> objects;
    objects[layout.page.number] = paintOver(original.pdf, layout.page, paint, objects);
    objects[layout.content.number] =
        streamBody("/Type /EmbeddedFile /Subtype /application#2Fjson", other.canonicalJson);
    const auto swapped = appendUpdate(original.pdf, objects);

    // zbarimg, independently, now reads the other ordonnance's code on the page.
    TempDir dir;
    writeFile(dir / "swapped.pdf", swapped);
    const auto png = run("pdftoppm -r 150 -f 1 -l 1 -png " + quote(dir / "swapped.pdf") + " " +
                         quote(dir / "page"));
    REQUIRE(png.exitCode == 0);
    const auto zbar = run("zbarimg --quiet --raw " + quote(dir / "page-1.png"), false);
    INFO(zbar.output);
    CHECK(zbar.output.find(other.sealed.id().toString()) != std::string::npos);
    CHECK(zbar.output.find(original.sealed.id().toString()) == std::string::npos);

    const auto v = check(swapped);
    INFO(v.json.dump(2));
    CHECK(v.exitCode == 13);
    CHECK(checkError(v, "signature") == "content_after_signature");
    // Re-signed by the cabin, alone in the form: the signer's profile refuses it.
    Layout swappedLayout = layoutOf(swapped);
    bool found = false;
    std::map<int, std::string> drop;
    drop[swappedLayout.acroForm.number] = "\n<< /Fields [] /SigFlags 3 >>\n";
    drop[swappedLayout.page.number] =
        replaceFirst(swappedLayout.page.body, R"(/Annots\s*\[[^\]]*\])", "/Annots []", &found);
    REQUIRE(found);
    const auto resigned = resign(appendUpdate(swapped, drop), testPki().cabin);
    const auto w = check(resigned);
    INFO(w.json.dump(2));
    CHECK(w.exitCode == 25);
}

TEST_CASE("Forgery: an annotation or a form field added after signing is refused",
          "[verify][forgery]") {
    const auto original = signedByPrescriber(adult());
    const Layout layout = layoutOf(original.pdf);
    const int added = nextObjectNumber(original.pdf);
    const bool formField = GENERATE(false, true);
    std::map<int, std::string> objects;
    bool found = false;
    if (formField) {
        objects[added] = "\n<< /Type /Annot /Subtype /Widget /FT /Tx /T (posologie) /V (6 "
                         "gelules par jour) /Rect [40 300 300 320] /P " +
                         std::to_string(layout.page.number) + " 0 R >>\n";
        objects[layout.acroForm.number] =
            replaceFirst(layout.acroForm.body, R"(/Fields\s*\[)",
                         "/Fields [" + std::to_string(added) + " 0 R ", &found);
        REQUIRE(found);
    } else {
        objects[added] = "\n<< /Type /Annot /Subtype /FreeText /Rect [40 300 300 320] /Contents "
                         "(6 gelules par jour) /DA (/Helv 12 Tf 0 g) >>\n";
    }
    objects[layout.page.number] = replaceFirst(
        layout.page.body, R"(/Annots\s*\[)", "/Annots [" + std::to_string(added) + " 0 R ", &found);
    REQUIRE(found);
    const auto v = check(appendUpdate(original.pdf, objects));
    INFO(v.json.dump(2) << "\n" << v.pdfsig);
    CHECK(v.exitCode == 13);
    CHECK(checkError(v, "signature") == "content_after_signature");
    CHECK(v.pdfsig.find("Not total document signed") != std::string::npos);
    CHECK(v.pdfsig.find("Digest Mismatch") == std::string::npos);
}

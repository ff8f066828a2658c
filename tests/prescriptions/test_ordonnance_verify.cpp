// Real ordonnances through signOrdonnance, checked by independent peers: pdfsig (PAdES), openssl
// cms (the JSON's detached signature), pdfdetach (the embedded canonical JSON), pdftoppm +
// zbarimg (the QR code), and the real telecabine-verify binary; one byte changed is refused.
#include "fixtures.hpp"
#include "support/catch_result.hpp"
#include "tc/prescriptions/ordonnance.hpp"
#include "tc/prescriptions/prescription_json.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace tc::prescriptions;
using namespace tc::prescriptions::testing;
namespace fx = tc::prescriptions::test;

namespace {

SignedOrdonnance signAdult(const Prescription& p) {
    auto identity = SigningIdentity::fromPkcs12(testPki().doctor.pkcs12, TestPki::kPassphrase);
    REQUIRE(identity.has_value());
    auto result = signOrdonnance(p, *identity, std::chrono::system_clock::now());
    INFO("stage " << static_cast<int>(result.error().stage) << ": "
                  << result.error().code.message());
    REQUIRE(result);
    return std::move(*result);
}

Prescription adultFixture() {
    auto parsed = parsePrescription(fx::readFile(TC_TEST_DATA_DIR "/prescription_adult.json"));
    REQUIRE(parsed.has_value());
    return *parsed;
}

struct Files {
    TempDir dir;
    explicit Files(const SignedOrdonnance& o) {
        writeFile(dir / "ordonnance.pdf", o.pdf);
        writeFile(dir / "ordonnance.json", o.canonicalJson);
        writeFile(dir / "ordonnance.json.p7s", o.jsonCmsDer);
        writeFile(dir / "ca.pem", testPki().caPem);
    }
    CommandResult verify(const std::string& pdf = "ordonnance.pdf") const {
        return run(std::string(TC_VERIFY_BINARY) + " " + quote(dir / pdf) + " --ca " +
                       quote(dir / "ca.pem"),
                   false);
    }
};

} // namespace

TEST_CASE("Signed ordonnance: pdfsig, openssl cms, pdfdetach, zbarimg and telecabine-verify agree",
          "[ordonnance][verify]") {
    const auto o = signAdult(adultFixture());
    Files files(o);

    const auto pdfsig = run("pdfsig " + quote(files.dir / "ordonnance.pdf"));
    INFO(pdfsig.output);
    CHECK(pdfsig.output.find("Signature is Valid.") != std::string::npos);
    CHECK(pdfsig.output.find("Total document signed") != std::string::npos);

    const auto cms =
        run("openssl cms -verify -binary -content " + quote(files.dir / "ordonnance.json") +
            " -inform DER -in " + quote(files.dir / "ordonnance.json.p7s") + " -CAfile " +
            quote(files.dir / "ca.pem") + " -out /dev/null");
    INFO(cms.output);
    CHECK(cms.exitCode == 0);
    CHECK(cms.output.find("Verification successful") != std::string::npos);

    // The attachment the verifier compares is exactly the canonical JSON.
    const auto detach = run("pdfdetach -saveall -o " + quote(files.dir.path()) + " " +
                            quote(files.dir / "ordonnance.pdf"));
    INFO(detach.output);
    REQUIRE(detach.exitCode == 0);
    const auto attached = readBytes(files.dir / "ordonnance.json");
    CHECK(std::string(reinterpret_cast<const char*>(attached.data()), attached.size()) ==
          o.canonicalJson);

    const auto raster = run("pdftoppm -r 200 -gray -png -f 1 -l 1 " +
                            quote(files.dir / "ordonnance.pdf") + " " + quote(files.dir / "page"));
    REQUIRE(raster.exitCode == 0);
    const auto decoded = run("zbarimg --raw -q " + quote(files.dir / "page-1.png"), false);
    INFO(decoded.output);
    CHECK(decoded.output == "TCRX1|" + std::string(fx::kAdultId) + "|" + o.sealed.sha256() + "\n");

    const auto verdict = files.verify();
    INFO(verdict.output);
    CHECK(verdict.exitCode == 0);
    CHECK(verdict.output.find("VERDICT : ordonnance VALIDE / prescription VALID") !=
          std::string::npos);
    CHECK(verdict.output.find(fx::kAdultId) != std::string::npos);
}

TEST_CASE("Signed ordonnance: one byte changed is refused", "[ordonnance][verify]") {
    const auto o = signAdult(adultFixture());
    Files files(o);
    // A byte of the page content (the first page's stream), inside the signed range.
    auto pdf = o.pdf;
    const std::string text(reinterpret_cast<const char*>(pdf.data()), pdf.size());
    const auto stream = text.find("stream\n");
    REQUIRE(stream != std::string::npos);
    pdf[stream + 20] = static_cast<std::byte>(static_cast<unsigned char>(pdf[stream + 20]) ^ 0x01);
    writeFile(files.dir / "tampered.pdf", pdf);
    const auto verdict = files.verify("tampered.pdf");
    INFO(verdict.output);
    CHECK(verdict.exitCode == 12);
    CHECK(verdict.output.find("REJECTED") != std::string::npos);
    const auto pdfsig = run("pdfsig " + quote(files.dir / "tampered.pdf"));
    CHECK(pdfsig.output.find("Signature is Valid.") == std::string::npos);

    // The JSON beside its detached signature: one byte changed fails openssl cms too.
    auto json = o.canonicalJson;
    json[json.find("Durand")] = 'P';
    writeFile(files.dir / "tampered.json", json);
    const auto cms =
        run("openssl cms -verify -binary -content " + quote(files.dir / "tampered.json") +
            " -inform DER -in " + quote(files.dir / "ordonnance.json.p7s") + " -CAfile " +
            quote(files.dir / "ca.pem") + " -out /dev/null");
    CHECK(cms.exitCode != 0);
}

TEST_CASE("Signed ordonnance: on two pages the signature block follows the last line on page 2",
          "[ordonnance][verify]") {
    auto p = adultFixture();
    const auto extra = fx::amoxicillinCapsules();
    // Long lines until the ordonnance takes a second page.
    for (int i = 0; i < 12 && ordonnancePageCount(p) < 2; ++i) {
        auto line = extra;
        line.instructions = "Ligne supplémentaire numéro " + std::to_string(i + 1) +
                            " : à prendre au milieu des repas, avec un grand verre d'eau, sans "
                            "interrompre le traitement même si les symptômes disparaissent.";
        p.lines.insert(p.lines.begin() + 3, line);
    }
    REQUIRE(ordonnancePageCount(p) == 2);
    const auto o = signAdult(p);
    Files files(o);
    const auto page = [&](int n) {
        const auto out =
            run("pdftotext -enc UTF-8 -f " + std::to_string(n) + " -l " + std::to_string(n) + " " +
                    quote(files.dir / "ordonnance.pdf") + " -",
                false);
        REQUIRE(out.exitCode == 0);
        return out.output;
    };
    const std::string first = page(1);
    const std::string second = page(2);
    INFO(first << "\n----\n" << second);
    // Prescriber and patient on both pages, "page n/N".
    for (const auto* text : {&first, &second}) {
        CHECK(text->find("Dr Claire MARTIN") != std::string::npos);
        CHECK(text->find("N° RPPS : 10101234564") != std::string::npos);
        CHECK(text->find("Patient : DURAND Paul") != std::string::npos);
    }
    CHECK(first.find("page 1/2") != std::string::npos);
    CHECK(second.find("page 2/2") != std::string::npos);
    CHECK(first.find("Signé électroniquement") == std::string::npos);
    const auto lastLine = second.find("Avis pour nodule thyroïdien");
    const auto signature = second.find("Signé électroniquement (PAdES)");
    REQUIRE(lastLine != std::string::npos);
    REQUIRE(signature != std::string::npos);
    CHECK(signature > lastLine);
    const auto verdict = files.verify();
    INFO(verdict.output);
    CHECK(verdict.exitCode == 0);
}

// The real telecabine-verify binary on documents made here: a good ordonnance, and one for each
// failure it must refuse (tampered, wrong CA, expired certificate, key usage, QR mismatch...).
#include "pades_update.hpp"
#include "tc/prescriptions/pades.hpp"
#include "tc/prescriptions/qr_code.hpp"
#include "tc/prescriptions/sample_document.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace tc::prescriptions;
using namespace tc::prescriptions::testing;

namespace {

struct Ordonnance {
    const TestCredentials* signer = &testPki().doctor;
    std::string id = "RX-2025-000300";
    std::string embeddedJson; // empty: sampleCanonicalJson(id)
    std::string qrJson;       // what the QR code vouches for; empty: embeddedJson
    bool withQr = true;
    double qrSideMm = 35;
    bool embed = true;
    bool sign = true;
    // Signed as a forger's own tool would, without the library's prescriber rule.
    bool forge = false;
};

std::vector<std::byte> make(const Ordonnance& o) {
    const std::string embedded =
        o.embeddedJson.empty() ? sampleCanonicalJson(o.id) : o.embeddedJson;
    const std::string vouched = o.qrJson.empty() ? embedded : o.qrJson;
    SampleDocument document;
    document.lines = {"Dr Marie Curie", "Paracétamol 1 g, 3 fois par jour"};
    if (o.withQr) {
        document.qrText = *formatQrPayload(makeQrPayload(o.id, toBytes(vouched)));
        document.qrSideMm = o.qrSideMm;
    }
    auto page = renderSampleDocument(document);
    REQUIRE(page.has_value());
    if (!o.sign) {
        return *page;
    }
    auto identity = SigningIdentity::fromPkcs12(o.signer->pkcs12, TestPki::kPassphrase);
    REQUIRE(identity.has_value());
    SignatureDetails details;
    details.reason = "Ordonnance";
    if (o.embed) {
        details.attachment = PdfAttachment{};
        details.attachment->data = toBytes(embedded);
    }
    auto pdf = o.forge ? detail::appendPadesSignature(*page, *identity, details)
                       : signPdf(*page, *identity, details);
    REQUIRE(pdf.has_value());
    return std::move(*pdf);
}

struct Verifier {
    TempDir dir;
    Verifier() {
        writeFile(dir / "ca.pem", testPki().caPem);
        writeFile(dir / "other-ca.pem", testPki().otherCaPem);
    }
    CommandResult operator()(const std::vector<std::byte>& pdf, const std::string& ca = "ca.pem",
                             const std::string& extra = "") {
        writeFile(dir / "doc.pdf", pdf);
        return run(std::string(TC_VERIFY_BINARY) + " " + quote(dir / "doc.pdf") + " --ca " +
                       quote(dir / ca) + " " + extra,
                   false);
    }
};

// What the verifier says of the sample ordonnance signed with `signer`'s certificate.
CommandResult verifySignedBy(const TestCredentials& signer) {
    Ordonnance o;
    o.signer = &signer;
    Verifier verify;
    return verify(make(o));
}

} // namespace

TEST_CASE("telecabine-verify accepts a good ordonnance", "[verify]") {
    Verifier verify;
    const auto result = verify(make({}));
    INFO(result.output);
    CHECK(result.exitCode == 0);
    CHECK(result.output.find("VERDICT : ordonnance VALIDE / prescription VALID") !=
          std::string::npos);
    CHECK(result.output.find("RX-2025-000300") != std::string::npos);
    CHECK(result.output.find("Dr Marie Curie") != std::string::npos);

    const auto json = verify(make({}), "ca.pem", "--json");
    INFO(json.output);
    CHECK(json.exitCode == 0);
    const auto parsed = nlohmann::json::parse(json.output, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    CHECK(parsed["valid"].get<bool>());
    CHECK(parsed["checks"].size() == 3);
    CHECK(parsed["prescription_id"].get<std::string>() == "RX-2025-000300");
}

TEST_CASE("telecabine-verify reads a small QR code through its full-resolution pass", "[verify]") {
    Ordonnance small;
    small.qrSideMm = 20; // 0.4 mm modules: below what the fast pass resolves
    Verifier verify;
    const auto result = verify(make(small));
    INFO(result.output);
    CHECK(result.exitCode == 0);
}

TEST_CASE("telecabine-verify refuses a tampered document", "[verify]") {
    auto pdf = make({});
    const std::string text(reinterpret_cast<const char*>(pdf.data()), pdf.size());
    const auto at = text.find("Jean Dupont");
    REQUIRE(at != std::string::npos);
    pdf[at] = std::byte{'X'};
    Verifier verify;
    const auto result = verify(pdf);
    INFO(result.output);
    CHECK(result.exitCode == 12);
    CHECK(result.output.find("signature invalide") != std::string::npos);
    CHECK(result.output.find("REJECTED") != std::string::npos);
}

TEST_CASE("telecabine-verify refuses a certificate from another CA", "[verify]") {
    Verifier verify;
    const auto wrongCa = verify(make({}), "other-ca.pem");
    INFO(wrongCa.output);
    CHECK(wrongCa.exitCode == 20);
    CHECK(wrongCa.output.find("not issued by the trusted authority") != std::string::npos);
    Ordonnance o;
    o.signer = &testPki().otherCaDoctor;
    CHECK(verify(make(o)).exitCode == 20);
}

TEST_CASE("telecabine-verify refuses a signer who is not the prescriber", "[verify]") {
    // The certificate names RPPS 10101234564: the signed content must name the same prescriber.
    const auto content = [](const std::string& rpps) {
        return R"({"id":"RX-2025-000301","patient":{"name":"Jean Dupont"},)"
               R"("prescriber":{"familyName":"Martin","rpps":")" +
               rpps + R"("}})";
    };
    Verifier verify;
    Ordonnance own;
    own.signer = &testPki().rppsDoctor;
    own.id = "RX-2025-000301";
    own.embeddedJson = content("10101234564");
    const auto good = verify(make(own));
    INFO(good.output);
    CHECK(good.exitCode == 0);
    CHECK(good.output.find("RPPS du signataire / Signer's RPPS: 10101234564\n") !=
          std::string::npos);

    Ordonnance colleague = own;
    colleague.embeddedJson = content("10001234567");
    colleague.forge = true; // the library would not sign it
    const auto refused = verify(make(colleague));
    INFO(refused.output);
    CHECK(refused.exitCode == 24);
    CHECK(refused.output.find("le signataire n'est pas le prescripteur") != std::string::npos);
    CHECK(refused.output.find("(prescripteur / prescriber: 10001234567)") != std::string::npos);
    const auto json = verify(make(colleague), "ca.pem", "--json");
    const auto parsed = nlohmann::json::parse(json.output, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    CHECK(parsed["signer_rpps"].get<std::string>() == "10101234564");
    CHECK(parsed["checks"][1]["error"].get<std::string>() == "signer_not_prescriber");
}

TEST_CASE("telecabine-verify refuses an expired certificate", "[verify]") {
    const auto result = verifySignedBy(testPki().expiredDoctor);
    INFO(result.output);
    CHECK(result.exitCode == 21);
    CHECK(result.output.find("certificat expiré") != std::string::npos);
}

TEST_CASE("telecabine-verify refuses a key whose usage does not allow signing", "[verify]") {
    const auto result = verifySignedBy(testPki().encipherOnly);
    INFO(result.output);
    CHECK(result.exitCode == 22);
}

TEST_CASE("telecabine-verify refuses a QR code that does not match the signed content",
          "[verify]") {
    Verifier verify;
    Ordonnance other;
    other.qrJson = sampleCanonicalJson("RX-2025-000300") + " "; // another digest
    const auto digest = verify(make(other));
    INFO(digest.output);
    CHECK(digest.exitCode == 32);
    CHECK(digest.output.find("ne correspond pas au contenu signé") != std::string::npos);
    // Same content, but the QR code names another prescription.
    Ordonnance renamed;
    renamed.embeddedJson = sampleCanonicalJson("RX-2025-000999");
    const auto id = verify(make(renamed));
    INFO(id.output);
    CHECK(id.exitCode == 32);
    CHECK(id.output.find("another prescription") != std::string::npos);
}

TEST_CASE("telecabine-verify refuses missing QR code, missing content, unsigned or broken files",
          "[verify]") {
    Verifier verify;
    Ordonnance noQr;
    noQr.withQr = false;
    CHECK(verify(make(noQr)).exitCode == 30);
    Ordonnance noContent;
    noContent.embed = false;
    CHECK(verify(make(noContent)).exitCode == 31);
    Ordonnance unsigned_;
    unsigned_.sign = false;
    const auto notSigned = verify(make(unsigned_));
    CHECK(notSigned.exitCode == 11);
    CHECK(notSigned.output.find("n'est pas signé") != std::string::npos);
    CHECK(verify(toBytes("%PDF-1.4 nothing else")).exitCode == 10);
    const auto noCa = run(std::string(TC_VERIFY_BINARY) + " " + quote(verify.dir / "doc.pdf"));
    CHECK(noCa.exitCode == 2);
    writeFile(verify.dir / "empty.pem", "");
    CHECK(verify(make({}), "empty.pem").exitCode == 2);
}

// PAdES B-B on a QPdfWriter page: checked by poppler's pdfsig and by `openssl cms -verify` over
// the byte ranges; tampering; PDFs the reader must refuse.
#include "tc/prescriptions/cms_signature.hpp"
#include "tc/prescriptions/pades.hpp"
#include "tc/prescriptions/pdf_verification.hpp"
#include "tc/prescriptions/qr_code.hpp"
#include "tc/prescriptions/sample_document.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace tc::prescriptions;
using namespace tc::prescriptions::testing;

namespace {

std::vector<std::byte> samplePage(const std::string& id, const std::string& json) {
    SampleDocument document;
    document.lines = {"Dr Marie Curie - RPPS 10101234564", "Jean Dupont, né le 02/04/1980",
                      "Paracétamol 1 g, 3 fois par jour pendant 5 jours"};
    document.qrText = *formatQrPayload(makeQrPayload(id, toBytes(json)));
    auto pdf = renderSampleDocument(document);
    REQUIRE(pdf.has_value());
    return std::move(*pdf);
}

std::vector<std::byte> signedSample(const TestCredentials& credentials, const std::string& id) {
    const std::string json = sampleCanonicalJson(id);
    auto identity = SigningIdentity::fromPkcs12(credentials.pkcs12, TestPki::kPassphrase);
    REQUIRE(identity.has_value());
    SignatureDetails details;
    details.reason = "Ordonnance";
    details.location = "Téléconsultation, cabine de Lyon Part-Dieu";
    details.attachment = PdfAttachment{};
    details.attachment->data = toBytes(json);
    auto signedPdf = signPdf(samplePage(id, json), *identity, details);
    REQUIRE(signedPdf.has_value());
    return std::move(*signedPdf);
}

} // namespace

TEST_CASE("PAdES: pdfsig reports a valid signature over the whole document", "[signing][pades]") {
    const auto pdf = signedSample(testPki().doctor, "RX-2025-000124");
    TempDir dir;
    writeFile(dir / "signed.pdf", pdf);
    const auto report = run("pdfsig " + quote(dir / "signed.pdf"));
    INFO(report.output);
    CHECK(report.exitCode == 0);
    CHECK(report.output.find("Signature is Valid.") != std::string::npos);
    CHECK(report.output.find("Total document signed") != std::string::npos);
    CHECK(report.output.find("ETSI.CAdES.detached") != std::string::npos);
    CHECK(report.output.find("Dr Marie Curie") != std::string::npos);
}

TEST_CASE("PAdES: one byte changed inside the signed range invalidates the signature",
          "[signing][pades]") {
    auto pdf = signedSample(testPki().doctor, "RX-2025-000125");
    const std::string text(reinterpret_cast<const char*>(pdf.data()), pdf.size());
    const auto at = text.find("\"dci\":\"paracétamol\"");
    REQUIRE(at != std::string::npos);
    pdf[at + 8] = std::byte{'P'}; // paracétamol -> Paracétamol, in the embedded JSON
    TempDir dir;
    writeFile(dir / "tampered.pdf", pdf);
    const auto report = run("pdfsig " + quote(dir / "tampered.pdf"));
    INFO(report.output);
    CHECK(report.output.find("Signature is Valid.") == std::string::npos);
    CHECK(report.output.find("Digest Mismatch") != std::string::npos);
    CHECK(verifyPdfSignature(pdf).error() == SignatureErrc::signatureInvalid);
}

TEST_CASE("PAdES: openssl cms -verify accepts /Contents over the byte ranges", "[signing][pades]") {
    const auto pdf = signedSample(testPki().doctorEc, "RX-2025-000126");
    auto field = findLastSignature(pdf);
    REQUIRE(field.has_value());
    const auto& r = field->byteRange;
    CHECK(r[0] == 0);
    CHECK(r[2] + r[3] == pdf.size());
    std::vector<std::byte> covered(pdf.begin(), pdf.begin() + static_cast<long>(r[1]));
    covered.insert(covered.end(), pdf.begin() + static_cast<long>(r[2]), pdf.end());
    TempDir dir;
    writeFile(dir / "ranges.bin", covered);
    writeFile(dir / "contents.der", field->contents);
    writeFile(dir / "ca.pem", testPki().caPem);
    const auto verify = run("openssl cms -verify -binary -inform DER -in " +
                            quote(dir / "contents.der") + " -content " + quote(dir / "ranges.bin") +
                            " -CAfile " + quote(dir / "ca.pem") + " -out /dev/null");
    INFO(verify.output);
    CHECK(verify.exitCode == 0);
    CHECK(verify.output.find("Verification successful") != std::string::npos);
    // PAdES B-B: signing-certificate-v2 present, no signing-time attribute.
    const auto printed =
        run("openssl cms -cmsout -print -inform DER -in " + quote(dir / "contents.der"));
    CHECK(printed.output.find("id-smime-aa-signingCertificateV2") != std::string::npos);
    CHECK(printed.output.find("signingTime") == std::string::npos);
    CHECK(field->signingTimeText.rfind("D:20", 0) == 0);
    CHECK(field->subFilter == "ETSI.CAdES.detached");
}

TEST_CASE("PAdES: our verifier accepts the document and finds the embedded content",
          "[signing][pades]") {
    const std::string id = "RX-2025-000127";
    const auto pdf = signedSample(testPki().doctor, id);
    auto check = verifyPdfSignature(pdf);
    REQUIRE(check.has_value());
    CHECK(check->cms.signerSubject.find("Dr Marie Curie") != std::string::npos);
    CHECK(check->field.fieldName == "Signature1");
    auto anchors = TrustAnchors::fromPem(testPki().caPem);
    REQUIRE(anchors.has_value());
    CHECK(verifyCertificateChain(check->cms.signerCertificateDer, check->cms.otherCertificatesDer,
                                 *anchors, std::chrono::system_clock::now())
              .has_value());
    auto content = extractEmbeddedFile(pdf, kPrescriptionAttachmentName);
    REQUIRE(content.has_value());
    CHECK(*content == toBytes(sampleCanonicalJson(id)));
    CHECK(extractEmbeddedFile(pdf, "other.json").error() == SignatureErrc::missingSignedContent);
}

TEST_CASE("PAdES: an ordonnance is signed once; a second signature is refused by signer and "
          "verifier", "[signing][pades]") {
    const auto first = signedSample(testPki().doctor, "RX-2025-000128");
    auto identity = SigningIdentity::fromPkcs12(testPki().doctorEc.pkcs12, TestPki::kPassphrase);
    REQUIRE(identity.has_value());
    SignatureDetails details;
    details.fieldName = "Signature2";
    // The library will not counter-sign an ordonnance, even by a doctor naming its prescriber.
    CHECK(signPdf(first, *identity, details).error() == SignatureErrc::multipleSignatures);

    // A PDF that is no ordonnance may carry several signatures; the verifier of ordonnances
    // still refuses more than one.
    const auto plain = samplePage("RX-2025-000130", sampleCanonicalJson("RX-2025-000130"));
    auto once = signPdf(plain, *identity, SignatureDetails{});
    REQUIRE(once.has_value());
    auto twice = signPdf(*once, *identity, details);
    REQUIRE(twice.has_value());
    CHECK(findLastSignature(*twice)->fieldName == "Signature2");
    CHECK(verifyPdfSignature(*twice).error() == SignatureErrc::multipleSignatures);
    TempDir dir;
    writeFile(dir / "twice.pdf", *twice);
    const auto report = run("pdfsig " + quote(dir / "twice.pdf"));
    INFO(report.output);
    CHECK(report.output.find("Signature #2") != std::string::npos);
    // Both are cryptographically valid; the first no longer covers the whole file.
    CHECK(report.output.find("Not total document signed") != std::string::npos);
    CHECK(report.output.find("Digest Mismatch") == std::string::npos);
}

TEST_CASE("PAdES: bytes appended after the signature are content after the signature",
          "[signing][pades]") {
    auto pdf = signedSample(testPki().doctor, "RX-2025-000129");
    const auto extra = toBytes("\n% appended\n");
    pdf.insert(pdf.end(), extra.begin(), extra.end());
    // The last xref is no longer at the end: the file still parses (startxref is in the tail).
    CHECK(verifyPdfSignature(pdf).error() == SignatureErrc::contentAfterSignature);
}

TEST_CASE("PDF reader: unparsable documents are typed errors", "[signing][pades]") {
    auto identity = SigningIdentity::fromPkcs12(testPki().doctor.pkcs12, TestPki::kPassphrase);
    REQUIRE(identity.has_value());
    const SignatureDetails details;
    CHECK(signPdf(toBytes("not a pdf"), *identity, details).error() == SignatureErrc::malformedPdf);
    CHECK(signPdf({}, *identity, details).error() == SignatureErrc::malformedPdf);
    // A PDF 1.5 cross-reference stream.
    const std::string xrefStream = "%PDF-1.5\n1 0 obj\n<</Type /XRef /Size 2 /W [1 2 1] /Length 0>>"
                                   "\nstream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n";
    CHECK(signPdf(toBytes(xrefStream), *identity, details).error() ==
          SignatureErrc::unsupportedPdf);
    // startxref beyond the end, a trailer without /Root, a /Prev loop.
    CHECK(signPdf(toBytes("%PDF-1.4\nstartxref\n99999\n%%EOF\n"), *identity, details).error() ==
          SignatureErrc::malformedPdf);
    const std::string noRoot = "%PDF-1.4\nxref\n0 1\n0000000000 65535 f\r\ntrailer\n<</Size 1>>\n"
                               "startxref\n9\n%%EOF\n";
    CHECK(signPdf(toBytes(noRoot), *identity, details).error() == SignatureErrc::malformedPdf);
    const std::string loop = "%PDF-1.4\nxref\n0 1\n0000000000 65535 f\r\ntrailer\n<</Size 1 "
                             "/Prev 9>>\nstartxref\n9\n%%EOF\n";
    CHECK(signPdf(toBytes(loop), *identity, details).error() == SignatureErrc::malformedPdf);
    const std::string encrypted = "%PDF-1.4\nxref\n0 1\n0000000000 65535 f\r\ntrailer\n<</Size 1 "
                                  "/Root 1 0 R /Encrypt 2 0 R>>\nstartxref\n9\n%%EOF\n";
    CHECK(signPdf(toBytes(encrypted), *identity, details).error() == SignatureErrc::unsupportedPdf);
    CHECK(findLastSignature(toBytes("garbage")).error() == SignatureErrc::malformedPdf);
}

TEST_CASE("PDF reader: every truncation of a signed PDF is refused without crashing",
          "[signing][pades]") {
    const auto pdf = signedSample(testPki().doctor, "RX-2025-000130");
    auto identity = SigningIdentity::fromPkcs12(testPki().doctor.pkcs12, TestPki::kPassphrase);
    REQUIRE(identity.has_value());
    int refused = 0;
    int checked = 0;
    for (std::size_t size = 0; size < pdf.size(); size += 37) {
        const std::span<const std::byte> prefix(pdf.data(), size);
        const auto verified = verifyPdfSignature(prefix);
        CHECK(verified.has_error());
        refused += verified.has_error() ? 1 : 0;
        ++checked;
        if (size % (37 * 20) == 0) {
            // The signer reads the same structure: it must refuse or produce a parseable file.
            const auto signedPrefix = signPdf(prefix, *identity, SignatureDetails{});
            if (signedPrefix) {
                CHECK(findLastSignature(*signedPrefix).has_value());
            }
        }
    }
    CHECK(refused == checked);
}

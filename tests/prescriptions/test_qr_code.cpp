// The QR payload's text format, and the QR code drawn on a QPdfWriter page: rasterised by
// poppler's pdftoppm and decoded by zbarimg back to exactly the payload.
#include "tc/prescriptions/qr_code.hpp"
#include "tc/prescriptions/sample_document.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

using namespace tc::prescriptions;
using namespace tc::prescriptions::testing;

TEST_CASE("QR payload: format and parse round-trip", "[signing][qr]") {
    const auto json = toBytes(sampleCanonicalJson("RX-2025-000200"));
    const auto payload = makeQrPayload("RX-2025-000200", json);
    // SHA-256 of the canonical bytes, as sha256sum would print it.
    TempDir dir;
    writeFile(dir / "c.json", json);
    const auto sum = run("sha256sum " + quote(dir / "c.json"));
    CHECK(sum.output.substr(0, 64) == payload.contentSha256Hex);

    const auto text = formatQrPayload(payload);
    REQUIRE(text.has_value());
    CHECK(*text == "TCRX1|RX-2025-000200|" + payload.contentSha256Hex);
    const auto parsed = parseQrPayload(*text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == payload);
    CHECK(checkQrAgainstContent(payload, json).has_value());
}

TEST_CASE("QR payload: malformed texts are refused", "[signing][qr]") {
    const std::string digest(64, 'a');
    for (const std::string& bad : std::vector<std::string>{
             "", "TCRX1", "TCRX1|id", "TCRX2|id|" + digest, "TCRX1||" + digest,
             "TCRX1|id|" + digest.substr(1), "TCRX1|id|" + std::string(64, 'A'),
             "TCRX1|i d|" + digest, "TCRX1|a|b|" + digest, "tcrx1|id|" + digest,
             "TCRX1|" + std::string(129, 'x') + "|" + digest}) {
        INFO(bad);
        CHECK(parseQrPayload(bad).error() == SignatureErrc::malformedQrPayload);
    }
    CHECK(parseQrPayload("TCRX1|" + std::string(128, 'x') + "|" + digest).has_value());
    CHECK(formatQrPayload({"has|bar", digest}).error() == SignatureErrc::malformedQrPayload);
    CHECK(formatQrPayload({"id", "short"}).error() == SignatureErrc::malformedQrPayload);
}

TEST_CASE("QR payload: the check compares digest and id with the content", "[signing][qr]") {
    const auto json = toBytes(sampleCanonicalJson("RX-9"));
    const auto payload = makeQrPayload("RX-9", json);
    CHECK(checkQrAgainstContent(payload, toBytes(sampleCanonicalJson("RX-8"))).error() ==
          SignatureErrc::qrDigestMismatch);
    // Same digest, other id: the content names another prescription.
    CHECK(checkQrAgainstContent(makeQrPayload("RX-8", json), json).error() ==
          SignatureErrc::qrIdMismatch);
    const auto notJson = toBytes("plain text");
    CHECK(checkQrAgainstContent(makeQrPayload("RX-9", notJson), notJson).error() ==
          SignatureErrc::missingSignedContent);
}

TEST_CASE("QR code: libqrencode's symbol for the payload", "[signing][qr]") {
    const auto matrix = encodeQr("TCRX1|RX-1|" + std::string(64, '0'));
    REQUIRE(matrix.has_value());
    CHECK(matrix->size >= 21);
    CHECK((matrix->size - 17) % 4 == 0); // versions are 17 + 4v modules wide
    // Finder pattern: the top-left 7x7 ring is dark, its inner ring light.
    CHECK(matrix->dark(0, 0));
    CHECK(matrix->dark(6, 6));
    CHECK_FALSE(matrix->dark(1, 1));
    CHECK(matrix->dark(3, 3));
    CHECK(encodeQr("").error() == SignatureErrc::qrEncodingFailed);
}

TEST_CASE("QR code: pdftoppm at 200 dpi and zbarimg decode the page's QR to the payload",
          "[signing][qr]") {
    const auto json = toBytes(sampleCanonicalJson("RX-2025-000201"));
    const auto text = formatQrPayload(makeQrPayload("RX-2025-000201", json));
    REQUIRE(text.has_value());
    const double side = GENERATE(35.0, 25.0);
    SampleDocument document;
    document.lines = {"Ordonnance de test", "Paracétamol 1 g"};
    document.qrText = *text;
    document.qrSideMm = side;
    auto pdf = renderSampleDocument(document);
    REQUIRE(pdf.has_value());
    TempDir dir;
    writeFile(dir / "page.pdf", *pdf);
    const auto raster = run("pdftoppm -r 200 -png -f 1 -l 1 " + quote(dir / "page.pdf") + " " +
                            quote(dir / "page"));
    INFO(raster.output);
    REQUIRE(raster.exitCode == 0);
    std::filesystem::path png;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        if (entry.path().extension() == ".png") {
            png = entry.path();
        }
    }
    REQUIRE_FALSE(png.empty());
    const auto decoded = run("zbarimg --raw -q " + quote(png), false); // stderr: D-Bus noise
    INFO(decoded.output);
    CHECK(decoded.exitCode == 0);
    CHECK(decoded.output == *text + "\n");
}

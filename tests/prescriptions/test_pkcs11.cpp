// PKCS#11 identities on a SoftHSM2 token made at test time (softhsm_token.hpp), the signing
// certificates listed before the PIN, and RFC 7512 URIs.
#include "tc/prescriptions/pades.hpp"
#include "tc/prescriptions/sample_document.hpp"
#include "tc/prescriptions/signing_identity.hpp"
#include "softhsm_token.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

using namespace tc::prescriptions;
using namespace tc::prescriptions::testing;

namespace {

constexpr const char* kPin = kSoftHsmPin;

} // namespace

TEST_CASE("PKCS#11 URI: RFC 7512 attributes, escapes and errors", "[signing][pkcs11]") {
    auto uri = parsePkcs11Uri("pkcs11:token=CPS%20Card;object=Signature;id=%01%A2;type=private"
                              "?pin-value=1234&module-path=/usr/lib/libcps.so");
    REQUIRE(uri.has_value());
    CHECK(uri->token == "CPS Card");
    CHECK(uri->object == "Signature");
    CHECK(uri->id == std::string("\x01\xA2", 2));
    CHECK(uri->type == "private");
    CHECK(uri->pinValue == "1234");
    CHECK(uri->modulePath == "/usr/lib/libcps.so");
    CHECK(parsePkcs11Uri("PKCS11:token=a").has_value());
    CHECK(parsePkcs11Uri("pkcs11:").has_value());
    CHECK(parsePkcs11Uri("pkcs11:slot-id=3;x-vendor=y").has_value());
    for (const char* bad :
         {"token=a", "pkcs11:token=a;token=b", "pkcs11:token=%4", "pkcs11:token=%zz",
          "pkcs11:colour=blue", "pkcs11:type=secret", "pkcs11:=a", "pkcs11:token"}) {
        INFO(bad);
        CHECK(parsePkcs11Uri(bad).error() == SignatureErrc::invalidPkcs11Uri);
    }
}

TEST_CASE("PKCS#11: a SoftHSM2 token signs a PDF that pdfsig accepts", "[signing][pkcs11]") {
    // A required package (third_party/packages.txt): missing, the test fails.
    REQUIRE(haveSoftHsm());
    SoftHsmToken token;
    const Pkcs11Options options{kSoftHsmModule};
    auto identity = SigningIdentity::fromPkcs11("pkcs11:token=CPS-TEST;object=doctor;type=private",
                                                kPin, options);
    REQUIRE(identity.has_value());
    CHECK(identity->onToken());
    CHECK(identity->commonName() == "Dr Marie Curie");
    REQUIRE(identity->chain().size() == 1);

    SignatureDetails details;
    details.reason = "Ordonnance";
    SampleDocument document;
    document.lines = {"Signée par la carte (SoftHSM2)"};
    auto page = renderSampleDocument(document);
    REQUIRE(page.has_value());
    auto pdf = signPdf(*page, *identity, details);
    INFO((pdf ? std::string() : pdf.error().message()));
    REQUIRE(pdf.has_value());
    writeFile(token.dir() / "token-signed.pdf", *pdf);
    const auto report = run("pdfsig " + quote(token.dir() / "token-signed.pdf"));
    INFO(report.output);
    CHECK(report.output.find("Signature is Valid.") != std::string::npos);
    CHECK(report.output.find("Total document signed") != std::string::npos);

    // The id selects the same key; the PIN may come from the URI.
    auto byId =
        SigningIdentity::fromPkcs11("pkcs11:token=CPS-TEST;id=%01?pin-value=4321", "", options);
    CHECK(byId.has_value());
}

TEST_CASE("PKCS#11: wrong PIN, absent token or key, missing module are typed errors",
          "[signing][pkcs11]") {
    // A required package (third_party/packages.txt): missing, the test fails.
    REQUIRE(haveSoftHsm());
    SoftHsmToken token;
    const Pkcs11Options options{kSoftHsmModule};
    CHECK(SigningIdentity::fromPkcs11("pkcs11:token=CPS-TEST;object=doctor", "0000", options)
              .error() == SignatureErrc::pkcs11LoginFailed);
    CHECK(SigningIdentity::fromPkcs11("pkcs11:token=NO-SUCH-CARD", kPin, options).error() ==
          SignatureErrc::pkcs11TokenNotFound);
    CHECK(
        SigningIdentity::fromPkcs11("pkcs11:token=CPS-TEST;object=nobody", kPin, options).error() ==
        SignatureErrc::pkcs11KeyNotFound);
    CHECK(SigningIdentity::fromPkcs11("pkcs11:token=CPS-TEST", kPin,
                                      Pkcs11Options{"/nonexistent/libpkcs11.so"})
              .error() == SignatureErrc::pkcs11ModuleUnavailable);
    CHECK(SigningIdentity::fromPkcs11("token=CPS-TEST", kPin, options).error() ==
          SignatureErrc::invalidPkcs11Uri);
}

TEST_CASE("PKCS#11 URI: formatting reads back to the same attributes", "[signing][pkcs11]") {
    Pkcs11Uri uri;
    uri.token = "Carte CPS; n°1/2";
    uri.serial = "0001%";
    uri.id = std::string("\x01\xA2;", 3);
    uri.type = "private";
    uri.pinValue = "12&34";
    const std::string text = formatPkcs11Uri(uri);
    CHECK(text.find(' ') == std::string::npos);
    CHECK(text == "pkcs11:token=Carte%20CPS%3B%20n%C2%B01%2F2;serial=0001%25;id=%01%A2%3B;"
                  "type=private?pin-value=12%2634");
    const auto back = parsePkcs11Uri(text);
    REQUIRE(back.has_value());
    CHECK(back->token == uri.token);
    CHECK(back->serial == uri.serial);
    CHECK(back->id == uri.id);
    CHECK(back->type == uri.type);
    CHECK(back->pinValue == uri.pinValue);
    CHECK_FALSE(back->object.has_value());
}

TEST_CASE("PKCS#11: the token's signing certificates are listed before the PIN, and each one's "
          "URI opens its key",
          "[signing][pkcs11]") {
    unsetenv("TC_PKCS11_MODULE");
    CHECK(listPkcs11SigningCertificates().error() == SignatureErrc::pkcs11ModuleUnavailable);
    CHECK(listPkcs11SigningCertificates(Pkcs11Options{"/nonexistent/libpkcs11.so"}).error() ==
          SignatureErrc::pkcs11ModuleUnavailable);
    // A required package (third_party/packages.txt): missing, the test fails.
    REQUIRE(haveSoftHsm());
    SoftHsmToken token;
    const Pkcs11Options options{kSoftHsmModule};
    const auto listed = listPkcs11SigningCertificates(options);
    REQUIRE(listed.has_value());
    // The doctor's certificate; the CA's, also on the token, is not one to sign with.
    REQUIRE(listed->size() == 1);
    const auto& entry = listed->front();
    CHECK(entry.tokenLabel == "CPS-TEST");
    CHECK(entry.tokenManufacturer == "SoftHSM project");
    CHECK_FALSE(entry.tokenSerial.empty());
    CHECK(entry.label == "doctor");
    CHECK(entry.id == std::string("\x01", 1));
    CHECK(entry.subjectCommonName == "Dr Marie Curie");
    CHECK(entry.notAfter > std::chrono::system_clock::now());
    CHECK(entry.uri.rfind("pkcs11:token=CPS-TEST;serial=", 0) == 0);
    CHECK(entry.uri.find(";id=%01;type=private") != std::string::npos);
    auto identity = SigningIdentity::fromPkcs11(entry.uri, kPin, options);
    INFO((identity ? std::string() : identity.error().message()));
    REQUIRE(identity.has_value());
    CHECK(identity->commonName() == "Dr Marie Curie");
    CHECK(identity->onToken());
}

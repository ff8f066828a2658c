// PKCS#11 identities on a SoftHSM2 token made at test time (softhsm2-util, pkcs11-tool from
// opensc), in a temporary token directory through SOFTHSM2_CONF; and RFC 7512 URIs.
#include "tc/prescriptions/pades.hpp"
#include "tc/prescriptions/sample_document.hpp"
#include "tc/prescriptions/signing_identity.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

using namespace tc::prescriptions;
using namespace tc::prescriptions::testing;

namespace {

constexpr const char* kSoftHsmModule = "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so";
constexpr const char* kPin = "4321";

bool haveSoftHsm() {
    return std::filesystem::exists(kSoftHsmModule) && haveProgram("softhsm2-util") &&
           haveProgram("pkcs11-tool");
}

// A token "CPS-TEST" holding the doctor's RSA key and certificate (CKA_ID 01, label "doctor")
// and the CA certificate.
class SoftHsmToken {
public:
    SoftHsmToken() {
        std::filesystem::create_directories(m_dir / "tokens");
        writeFile(m_dir / "softhsm2.conf", "directories.tokendir = " + (m_dir / "tokens").string() +
                                               "\nobjectstore.backend = file\nlog.level = ERROR\n");
        setenv("SOFTHSM2_CONF", (m_dir / "softhsm2.conf").c_str(), 1);
        const auto& pki = testPki();
        writeFile(m_dir / "key.pem", pki.doctor.privateKeyPem);
        writeFile(m_dir / "cert.pem", pki.doctor.certificatePem);
        writeFile(m_dir / "ca.pem", pki.caPem);
        const std::string tool = std::string("pkcs11-tool --module ") + kSoftHsmModule +
                                 " --token-label CPS-TEST --login --pin " + kPin;
        for (const std::string& command :
             {std::string("softhsm2-util --init-token --free --label CPS-TEST --pin ") + kPin +
                  " --so-pin 87654321",
              "softhsm2-util --import " + quote(m_dir / "key.pem") +
                  " --token CPS-TEST --label doctor --id 01 --pin " + kPin,
              "openssl x509 -in " + quote(m_dir / "cert.pem") + " -outform DER -out " +
                  quote(m_dir / "cert.der"),
              "openssl x509 -in " + quote(m_dir / "ca.pem") + " -outform DER -out " +
                  quote(m_dir / "ca.der"),
              tool + " --write-object " + quote(m_dir / "cert.der") +
                  " --type cert --id 01 --label doctor",
              tool + " --write-object " + quote(m_dir / "ca.der") +
                  " --type cert --id 02 --label ca"}) {
            const auto result = run(command);
            INFO(command << "\n" << result.output);
            REQUIRE(result.exitCode == 0);
        }
    }
    const std::filesystem::path& dir() const { return m_dir.path(); }

private:
    TempDir m_dir;
};

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
    if (!haveSoftHsm()) {
        WARN("SKIPPED: softhsm2 (libsofthsm2.so, softhsm2-util) or opensc's pkcs11-tool is "
             "not installed");
        return;
    }
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
    if (!haveSoftHsm()) {
        WARN("SKIPPED: softhsm2 or opensc's pkcs11-tool is not installed");
        return;
    }
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

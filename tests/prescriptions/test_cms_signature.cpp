// Detached CMS over the canonical JSON, checked by the real `openssl cms -verify` and by our own
// verifier; PKCS#12 loading with its typed errors.
#include "tc/prescriptions/cms_signature.hpp"
#include "tc/prescriptions/signing_identity.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace tc::prescriptions;
using namespace tc::prescriptions::testing;

namespace {

SigningIdentity identityFrom(const TestCredentials& credentials) {
    auto identity = SigningIdentity::fromPkcs12(credentials.pkcs12, TestPki::kPassphrase);
    REQUIRE(identity.has_value());
    return std::move(*identity);
}

} // namespace

TEST_CASE("PKCS#12: the doctor's bundle loads with its chain", "[signing][pkcs12]") {
    const auto identity = identityFrom(testPki().doctor);
    CHECK(identity.commonName() == "Dr Marie Curie");
    CHECK(identity.subjectName().find("CN=Dr Marie Curie") != std::string::npos);
    CHECK(identity.chain().size() == 1);
    CHECK_FALSE(identity.onToken());
}

TEST_CASE("PKCS#12: a wrong passphrase is a typed error", "[signing][pkcs12]") {
    const auto identity =
        SigningIdentity::fromPkcs12(testPki().doctor.pkcs12, "not the passphrase");
    REQUIRE(identity.has_error());
    CHECK(identity.error() == SignatureErrc::wrongPassphrase);
}

TEST_CASE("PKCS#12: garbage and truncated bundles are typed errors", "[signing][pkcs12]") {
    const auto garbage = toBytes("this is not DER at all");
    CHECK(SigningIdentity::fromPkcs12(garbage, "x").error() == SignatureErrc::malformedPkcs12);
    auto truncated = testPki().doctor.pkcs12;
    truncated.resize(truncated.size() / 2);
    CHECK(SigningIdentity::fromPkcs12(truncated, TestPki::kPassphrase).error() ==
          SignatureErrc::malformedPkcs12);
    CHECK(SigningIdentity::fromPkcs12({}, "x").error() == SignatureErrc::malformedPkcs12);
}

TEST_CASE("CMS: openssl cms -verify accepts the detached signature of the JSON", "[signing][cms]") {
    const auto& pki =
        GENERATE(as<const TestCredentials*>{}, &testPki().doctor, &testPki().doctorEc);
    const auto identity = identityFrom(*pki);
    const std::string json = sampleCanonicalJson("RX-2025-000123");
    auto signature = signDetached(toBytes(json), identity);
    REQUIRE(signature.has_value());

    TempDir dir;
    writeFile(dir / "ordonnance.json", json);
    writeFile(dir / "ordonnance.json.p7s", *signature);
    writeFile(dir / "ca.pem", testPki().caPem);
    writeFile(dir / "other-ca.pem", testPki().otherCaPem);
    const std::string verify = "openssl cms -verify -binary -content " +
                               quote(dir / "ordonnance.json") + " -inform DER -in " +
                               quote(dir / "ordonnance.json.p7s") + " -out /dev/null -CAfile ";
    const auto good = run(verify + quote(dir / "ca.pem"));
    INFO(good.output);
    CHECK(good.exitCode == 0);
    CHECK(good.output.find("Verification successful") != std::string::npos);

    const auto wrongCa = run(verify + quote(dir / "other-ca.pem"));
    CHECK(wrongCa.exitCode != 0);

    writeFile(dir / "ordonnance.json", json.substr(0, json.size() - 1) + " }");
    const auto tampered = run(verify + quote(dir / "ca.pem"));
    CHECK(tampered.exitCode != 0);

    // The attributes as openssl prints them: signing-certificate-v2 and signing-time present.
    const auto printed =
        run("openssl cms -cmsout -print -inform DER -in " + quote(dir / "ordonnance.json.p7s"));
    CHECK(printed.output.find("id-smime-aa-signingCertificateV2") != std::string::npos);
    CHECK(printed.output.find("signingTime") != std::string::npos);
    CHECK(printed.output.find("messageDigest") != std::string::npos);
}

TEST_CASE("CMS: our verifier checks digest, signature and signing-certificate-v2",
          "[signing][cms]") {
    const auto identity = identityFrom(testPki().doctor);
    const auto json = toBytes(sampleCanonicalJson("RX-1"));
    DetachedSignatureOptions options;
    options.includeSigningTime = false;
    auto signature = signDetached(json, identity, options);
    REQUIRE(signature.has_value());

    auto info = verifyDetached(json, *signature);
    REQUIRE(info.has_value());
    CHECK(info->digestAlgorithm == "SHA256");
    CHECK_FALSE(info->signingTimeAttribute.has_value());
    CHECK(info->signerCertificateDer == identity.certificateDer());
    CHECK(info->otherCertificatesDer.size() == 1);
    CHECK(info->signerSubject.find("Dr Marie Curie") != std::string::npos);

    auto altered = json;
    altered[5] = std::byte{'X'};
    CHECK(verifyDetached(altered, *signature).error() == SignatureErrc::signatureInvalid);

    auto broken = *signature;
    broken.resize(broken.size() / 3);
    CHECK(verifyDetached(json, broken).error() == SignatureErrc::malformedSignature);
    CHECK(verifyDetached(json, toBytes("garbage")).error() == SignatureErrc::malformedSignature);
}

TEST_CASE("CMS: the signing-time attribute carries the signing time", "[signing][cms]") {
    const auto identity = identityFrom(testPki().doctorEc);
    const auto json = toBytes(sampleCanonicalJson("RX-2"));
    auto withTime = signDetached(json, identity);
    REQUIRE(withTime.has_value());
    auto info = verifyDetached(json, *withTime);
    REQUIRE(info.has_value());
    REQUIRE(info->signingTimeAttribute.has_value());
    const auto age = std::chrono::system_clock::now() - *info->signingTimeAttribute;
    CHECK(age < std::chrono::minutes(1));
    CHECK(age > -std::chrono::minutes(1));
}

TEST_CASE("CMS: a substituted signer certificate fails signing-certificate-v2", "[signing][cms]") {
    // The twin has the doctor's key, issuer and serial: the signature itself still verifies
    // with it, only the ESS attribute (hash of the real certificate) tells them apart.
    const auto identity = identityFrom(testPki().doctor);
    const auto twin = identityFrom(testPki().doctorTwin);
    const auto json = toBytes(sampleCanonicalJson("RX-3"));
    DetachedSignatureOptions options;
    options.includeChain = false;
    auto signature = signDetached(json, identity, options);
    REQUIRE(signature.has_value());
    const auto real = identity.certificateDer();
    const auto fake = twin.certificateDer();
    REQUIRE(real.size() == fake.size());
    auto at = std::search(signature->begin(), signature->end(), real.begin(), real.end());
    REQUIRE(at != signature->end());
    std::copy(fake.begin(), fake.end(), at);
    CHECK(verifyDetached(json, *signature).error() == SignatureErrc::signingCertificateMismatch);
}

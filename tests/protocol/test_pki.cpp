// The development PKI, checked by OpenSSL's own command-line tools as an independent verifier.
#include "support/catch_result.hpp"
#include "support/test_support.hpp"
#include "support/tls_test_peer.hpp"

using namespace tc;
using namespace tc::test;
using protocol::Errc;
using protocol::Role;

TEST_CASE("issued certificates chain to the CA and carry the identity", "[pki]") {
    TestPki pki;
    TempDir dir;
    const auto ca = dir.write("ca.pem", pki.ca.certificatePem());
    const auto doctor = pki.doctor(3);
    const auto leaf = dir.write("doctor.pem", doctor.certificatePem);
    CHECK(run("openssl verify -CAfile " + ca.string() + " -purpose sslclient " + leaf.string()) ==
          0);
    const auto service = dir.write("service.pem", pki.service.certificatePem);
    CHECK(run("openssl verify -CAfile " + ca.string() + " -purpose sslserver " +
              service.string()) == 0);
    CHECK(run("openssl x509 -in " + service.string() +
              " -noout -checkhost localhost -checkip 127.0.0.1 | grep -v 'does NOT match'") == 0);
    // A cabin certificate is not a server certificate.
    const auto cabin = dir.write("cabin.pem", pki.cabin().certificatePem);
    CHECK(run("openssl verify -CAfile " + ca.string() + " -purpose sslserver " + cabin.string()) !=
          0);

    const auto identity = protocol::identityFromCertificatePem(doctor.certificatePem);
    REQUIRE(identity);
    CHECK(identity->role == Role::doctor);
    CHECK(identity->displayName == "Dr Test 3");
    CHECK(prescriptions::isValidRpps(identity->identifier));
}

TEST_CASE("identities are validated before issuing", "[pki]") {
    TestPki pki;
    protocol::CertificateRequest request;
    request.identity = {Role::doctor, "12345678901", "Dr Faux"};
    CHECK(pki.ca.issue(request).error() == Errc::invalidRpps);
    request.identity = {Role::cabin, "gare de nevers", "Cabine"};
    CHECK(pki.ca.issue(request).error() == Errc::badIdentity);
    request.identity = {Role::cabin, "FR-OK-01", ""};
    CHECK(pki.ca.issue(request).error() == Errc::badIdentity);
    request.identity = {Role::cabin, "FR-OK-01", "Cabine\nforgée"};
    CHECK(pki.ca.issue(request).error() == Errc::badIdentity);
}

TEST_CASE("a coordinator certificate carries its CPTS as organizationIdentifier", "[pki]") {
    TestPki pki;
    TempDir dir;
    const auto coordinator = pki.coordinator("CPTS-VAL");
    const auto identity = protocol::identityFromCertificatePem(coordinator.certificatePem);
    REQUIRE(identity);
    CHECK(identity->role == Role::coordinator);
    CHECK(identity->cpts == "CPTS-VAL");
    CHECK(prescriptions::isValidRpps(identity->identifier));
    // openssl reads the attribute by its name: the OID 2.5.4.97 with the prefix.
    const auto pem = dir.write("coordinator.pem", coordinator.certificatePem);
    CHECK(run("openssl x509 -in " + pem.string() +
              " -noout -subject -nameopt sep_multiline,sname | grep -qx "
              "'    organizationIdentifier=CPTS:CPTS-VAL'") == 0);
    const auto doctor = protocol::identityFromCertificatePem(pki.doctor().certificatePem);
    REQUIRE(doctor);
    CHECK(doctor->cpts.empty());

    // issue() refuses what the rules refuse.
    protocol::CertificateRequest request;
    const auto rpps = *prescriptions::completeRpps("1010123459");
    request.identity = {Role::coordinator, rpps, "Sans CPTS"};
    CHECK(pki.ca.issue(request).error() == Errc::invalidCpts);
    request.identity = {Role::doctor, rpps, "Dr CPTS", "CPTS-VAL"};
    CHECK(pki.ca.issue(request).error() == Errc::unexpectedCpts);
}

TEST_CASE("certificates made elsewhere with a missing, bad or stray CPTS are refused", "[pki]") {
    TestPki pki;
    const auto rpps = *prescriptions::completeRpps("1010123459");
    const std::string base = "/O=telecabine development/serialNumber=" + rpps + "/CN=Coord";
    struct Case {
        std::string subject;
        Errc code;
    };
    const std::vector<Case> cases{
        {base + "/OU=coordinator", Errc::invalidCpts},
        {base + "/OU=coordinator/organizationIdentifier=CPTS:", Errc::invalidCpts},
        {base + "/OU=coordinator/organizationIdentifier=CPTS-VAL", Errc::invalidCpts},
        {base + "/OU=coordinator/organizationIdentifier=CPTS:cpts-val", Errc::invalidCpts},
        {base + "/OU=coordinator/organizationIdentifier=CPTS:CPTS-A" +
             "/organizationIdentifier=CPTS:CPTS-B",
         Errc::badIdentity},
        {base + "/OU=doctor/organizationIdentifier=CPTS:CPTS-VAL", Errc::unexpectedCpts},
        {"/O=x/OU=cabin/serialNumber=FR-NEV-01/CN=Cabine/organizationIdentifier=CPTS:CPTS-VAL",
         Errc::unexpectedCpts},
    };
    for (const auto& c : cases) {
        INFO(c.subject);
        const auto forged = pki.forge(c.subject);
        CHECK(protocol::identityFromCertificatePem(forged.certificatePem).error() == c.code);
    }
    const auto fine = pki.forge(base + "/OU=coordinator/organizationIdentifier=CPTS:CPTS-VAL");
    const auto identity = protocol::identityFromCertificatePem(fine.certificatePem);
    REQUIRE(identity);
    CHECK(identity->cpts == "CPTS-VAL");
}

TEST_CASE("PKCS#12 bundles round-trip and are readable by openssl", "[pki]") {
    TestPki pki;
    TempDir dir;
    const auto doctor = pki.doctor();
    const auto bundle = protocol::toPkcs12(doctor, "s3cret passphrase", "Dr Test 0");
    REQUIRE(bundle);
    const auto path = dir.write("doctor.p12", *bundle);
    CHECK(run("openssl pkcs12 -in " + path.string() +
              " -nokeys -passin 'pass:s3cret passphrase'") == 0);
    CHECK(run("openssl pkcs12 -in " + path.string() + " -nokeys -passin pass:wrong") != 0);

    const auto back = protocol::fromPkcs12(*bundle, "s3cret passphrase");
    REQUIRE(back);
    CHECK(back->certificatePem == doctor.certificatePem);
    CHECK(back->chainPem.size() == 1);
    CHECK(protocol::fromPkcs12(*bundle, "wrong").error() == Errc::pkiFailure);
    CHECK(protocol::fromPkcs12("not a bundle", "x").error() == Errc::pkiFailure);
}

TEST_CASE("expired and not-yet-valid certificates can be made for tests", "[pki]") {
    TestPki pki;
    TempDir dir;
    const auto ca = dir.write("ca.pem", pki.ca.certificatePem());
    const auto expired =
        dir.write("expired.pem",
                  pki.issue(Role::cabin, "FR-OLD-01", "Ancienne", -7200s, -3600s).certificatePem);
    CHECK(run("openssl verify -CAfile " + ca.string() + " " + expired.string()) != 0);
}

TEST_CASE("the development PKI is created once and kept", "[pki]") {
    TempDir dir;
    const auto first = protocol::ensureDevelopmentPki(dir.path() / "pki");
    REQUIRE(first);
    const auto caBefore = protocol::readFile(first->caCertificate());
    const auto doctorBefore = protocol::readFile(first->doctorBundle());
    REQUIRE(caBefore);
    std::filesystem::remove(first->cabinBundle());
    const auto second = protocol::ensureDevelopmentPki(dir.path() / "pki");
    REQUIRE(second);
    CHECK(*protocol::readFile(second->caCertificate()) == *caBefore);
    CHECK(*protocol::readFile(second->doctorBundle()) == *doctorBefore);
    // The missing bundle was reissued from the same CA.
    const auto cabin = protocol::fromPkcs12(*protocol::readFile(second->cabinBundle()),
                                            protocol::DevelopmentPki::kDevelopmentPassphrase);
    REQUIRE(cabin);
    CHECK(run("openssl verify -CAfile " + second->caCertificate().string() + " " +
              dir.write("cabin.pem", cabin->certificatePem).string()) == 0);
    // The coordinator of the demo's CPTS.
    const auto coordinator = protocol::fromPkcs12(*protocol::readFile(second->coordinatorBundle()),
                                                  protocol::DevelopmentPki::kDevelopmentPassphrase);
    REQUIRE(coordinator);
    const auto identity = protocol::identityFromCertificatePem(coordinator->certificatePem);
    REQUIRE(identity);
    CHECK(identity->role == Role::coordinator);
    CHECK(identity->cpts == protocol::DevelopmentPki::kDevelopmentCpts);
    const auto perms = std::filesystem::status(second->caKey()).permissions();
    CHECK((perms & std::filesystem::perms::group_all) == std::filesystem::perms::none);
    CHECK((perms & std::filesystem::perms::others_all) == std::filesystem::perms::none);
}

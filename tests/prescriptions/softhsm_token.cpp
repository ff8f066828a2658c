#include "softhsm_token.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

namespace tc::prescriptions::testing {

bool haveSoftHsm() {
    return std::filesystem::exists(kSoftHsmModule) && haveProgram("softhsm2-util") &&
           haveProgram("pkcs11-tool");
}

SoftHsmToken::SoftHsmToken() {
    std::filesystem::create_directories(m_dir / "tokens");
    writeFile(m_dir / "softhsm2.conf", "directories.tokendir = " + (m_dir / "tokens").string() +
                                           "\nobjectstore.backend = file\nlog.level = ERROR\n");
    setenv("SOFTHSM2_CONF", (m_dir / "softhsm2.conf").c_str(), 1);
    const auto& pki = testPki();
    writeFile(m_dir / "key.pem", pki.doctor.privateKeyPem);
    writeFile(m_dir / "cert.pem", pki.doctor.certificatePem);
    writeFile(m_dir / "ca.pem", pki.caPem);
    const std::string pin = kSoftHsmPin;
    const std::string tool = std::string("pkcs11-tool --module ") + kSoftHsmModule +
                             " --token-label CPS-TEST --login --pin " + pin;
    for (const std::string& command :
         {"softhsm2-util --init-token --free --label CPS-TEST --pin " + pin +
              " --so-pin 87654321",
          "softhsm2-util --import " + quote(m_dir / "key.pem") +
              " --token CPS-TEST --label doctor --id 01 --pin " + pin,
          "openssl x509 -in " + quote(m_dir / "cert.pem") + " -outform DER -out " +
              quote(m_dir / "cert.der"),
          "openssl x509 -in " + quote(m_dir / "ca.pem") + " -outform DER -out " +
              quote(m_dir / "ca.der"),
          tool + " --write-object " + quote(m_dir / "cert.der") +
              " --type cert --id 01 --label doctor",
          tool + " --write-object " + quote(m_dir / "ca.der") + " --type cert --id 02 --label ca"}) {
        const auto result = run(command);
        INFO(command << "\n" << result.output);
        REQUIRE(result.exitCode == 0);
    }
}

} // namespace tc::prescriptions::testing

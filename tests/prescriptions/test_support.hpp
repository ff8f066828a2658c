#pragma once
// Test fixtures for the signing tests: a throw-away PKI made with the OpenSSL C API at test time
// (two CAs, doctors with and without the right key usage, an expired doctor), temporary
// directories, files, and running the real command-line peers (openssl, pdfsig, zbarimg...).

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace tc::prescriptions::testing {

struct TestCredentials {
    std::string certificatePem;
    std::string privateKeyPem;     // PKCS#8
    std::vector<std::byte> pkcs12; // certificate + key + issuing CA, passphrase kPassphrase
};

struct TestPki {
    static constexpr const char* kPassphrase = "secret-passphrase";
    // The prescriber of the fixtures' prescriptions, and another valid RPPS.
    static constexpr const char* kPrescriberRpps = "10101234564";
    static constexpr const char* kOtherRpps = "80001234568";
    std::string caPem;
    std::string otherCaPem;
    // Doctors: OU=doctor, serialNumber=kPrescriberRpps unless said otherwise.
    TestCredentials doctor;        // RSA 2048, keyUsage digitalSignature,nonRepudiation
    TestCredentials doctorEc;      // P-256, same usage
    TestCredentials expiredDoctor; // notAfter yesterday
    TestCredentials encipherOnly;  // keyUsage keyEncipherment only
    TestCredentials otherCaDoctor; // issued by the second CA
    TestCredentials rppsDoctor;    // P-256, "Dr Claire Martin", the prescriber of the fixtures
    TestCredentials otherDoctor;   // OU=doctor, serialNumber=kOtherRpps
    TestCredentials cpsCard;       // no OU, CN=810101234564/Claire Martin (CPS national id)
    // Not prescribers, all from the same CA with signing key usage.
    TestCredentials cabin;             // OU=cabin, serialNumber=kPrescriberRpps (a site code)
    TestCredentials service;           // OU=service, serialNumber=rendezvous
    TestCredentials coordinator;       // OU=coordinator, serialNumber=kPrescriberRpps
    TestCredentials noRpps;            // no OU, no serialNumber
    TestCredentials doctorWithoutRpps; // OU=doctor, no serialNumber
    TestCredentials authority; // CA:TRUE under the CA, OU=doctor and the RPPS, may sign
    // Same key, issuer and serial number as `doctor`, one more day of validity: a certificate
    // an attacker could substitute if the CMS did not bind the signer's certificate.
    TestCredentials doctorTwin;
};

// Built once per process (RSA key generation is slow).
const TestPki& testPki();

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const noexcept { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

void writeFile(const std::filesystem::path& path, std::string_view data);
void writeFile(const std::filesystem::path& path, const std::vector<std::byte>& data);
std::vector<std::byte> readBytes(const std::filesystem::path& path);
std::vector<std::byte> toBytes(std::string_view text);

struct CommandResult {
    int exitCode = -1;
    std::string output; // stdout, and stderr unless left out
};
CommandResult run(const std::string& command, bool withStderr = true);
bool haveProgram(const std::string& name);
std::string quote(const std::filesystem::path& path);

// The canonical JSON of a sample prescription with this id.
std::string sampleCanonicalJson(const std::string& id);

} // namespace tc::prescriptions::testing

#pragma once
// A deployment certificate authority for development and tests, through the OpenSSL 3 API.
// Keys are ECDSA P-256; certificates are X.509 v3 with the identity layout of identity.hpp.

#include "tc/protocol/errors.hpp"
#include "tc/protocol/identity.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace tc::protocol {

// PEM-encoded certificate, its private key, and the chain up to (and including) the CA.
struct Credentials {
    std::string certificatePem;
    std::string privateKeyPem;
    std::vector<std::string> chainPem;
};

struct CertificateRequest {
    Identity identity;
    std::string organisation = "telecabine development";
    // Subject alternative names, for service certificates checked by host name.
    std::vector<std::string> dnsNames;
    std::vector<std::string> ipAddresses;
    // Validity window relative to now; negative offsets make already-expired certificates
    // for tests.
    std::chrono::seconds notBefore{-300};
    std::chrono::seconds notAfter{std::chrono::hours(24 * 365)};
};

class CertificateAuthority {
public:
    static Result<CertificateAuthority>
    create(const std::string& commonName,
           std::chrono::seconds validity = std::chrono::hours(24 * 3650));
    static Result<CertificateAuthority> fromPem(const std::string& certificatePem,
                                                const std::string& privateKeyPem);

    CertificateAuthority(CertificateAuthority&&) noexcept;
    CertificateAuthority& operator=(CertificateAuthority&&) noexcept;
    ~CertificateAuthority();

    Result<Credentials> issue(const CertificateRequest& request) const;

    std::string certificatePem() const;
    std::string privateKeyPem() const;

private:
    struct Impl;
    explicit CertificateAuthority(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// PKCS#12 bundles (AES-256-CBC, PBKDF2), as a doctor's workstation stores its identity.
Result<std::string> toPkcs12(const Credentials& credentials, const std::string& passphrase,
                             const std::string& friendlyName);
Result<Credentials> fromPkcs12(const std::string& der, const std::string& passphrase);

Result<std::string> readFile(const std::filesystem::path& path);
Result<void> writeFile(const std::filesystem::path& path, const std::string& data,
                       bool privateFile);

// The development PKI of `telecabine --demo` and `telecabine-rendezvous pki init`: a CA, a
// service certificate for localhost/127.0.0.1, one doctor, one cabin and one coordinator of
// the CPTS kDevelopmentCpts. Files that already
// exist are kept, so the call is idempotent.
struct DevelopmentPki {
    std::filesystem::path directory;
    std::filesystem::path caCertificate() const { return directory / "ca.pem"; }
    std::filesystem::path caKey() const { return directory / "ca.key"; }
    std::filesystem::path serviceCertificate() const { return directory / "service.pem"; }
    std::filesystem::path serviceKey() const { return directory / "service.key"; }
    std::filesystem::path doctorBundle() const { return directory / "doctor.p12"; }
    std::filesystem::path cabinBundle() const { return directory / "cabin.p12"; }
    std::filesystem::path coordinatorBundle() const { return directory / "coordinator.p12"; }
    static constexpr const char* kDevelopmentPassphrase = "telecabine";
    static constexpr std::string_view kDevelopmentCpts = "CPTS-DEMO";
};
Result<DevelopmentPki> ensureDevelopmentPki(const std::filesystem::path& directory);

} // namespace tc::protocol

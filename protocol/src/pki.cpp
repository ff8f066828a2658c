#include "tc/protocol/pki.hpp"

#include "openssl_handles.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "x509_builder.hpp"

#include <fcntl.h>
#include <fstream>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace tc::protocol {
namespace {

using namespace detail;

boost::system::error_code pkiError() {
    ERR_clear_error(); // the typed error is what callers act on; do not leak the queue
    return make_error_code(Errc::pkiFailure);
}

bool addExtension(X509* certificate, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

} // namespace

struct CertificateAuthority::Impl {
    X509Ptr certificate;
    PkeyPtr key;
};

CertificateAuthority::CertificateAuthority(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
CertificateAuthority::CertificateAuthority(CertificateAuthority&&) noexcept = default;
CertificateAuthority& CertificateAuthority::operator=(CertificateAuthority&&) noexcept = default;
CertificateAuthority::~CertificateAuthority() = default;

Result<CertificateAuthority> CertificateAuthority::create(const std::string& commonName,
                                                          std::chrono::seconds validity) {
    auto impl = std::make_unique<Impl>();
    impl->key = generateKey();
    if (!impl->key) {
        return pkiError();
    }
    impl->certificate = newCertificate(impl->key.get(), std::chrono::seconds(-300), validity);
    if (!impl->certificate) {
        return pkiError();
    }
    X509* ca = impl->certificate.get();
    X509_NAME* name = X509_get_subject_name(ca);
    const bool ok = addNameEntry(name, NID_organizationName, "telecabine") &&
                    addNameEntry(name, NID_commonName, commonName) &&
                    X509_set_issuer_name(ca, name) == 1 &&
                    addExtension(ca, ca, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
                    addExtension(ca, ca, NID_key_usage, "critical,keyCertSign,cRLSign") &&
                    addExtension(ca, ca, NID_subject_key_identifier, "hash") &&
                    X509_sign(ca, impl->key.get(), EVP_sha256()) > 0;
    if (!ok) {
        return pkiError();
    }
    return CertificateAuthority(std::move(impl));
}

Result<CertificateAuthority> CertificateAuthority::fromPem(const std::string& certificatePem,
                                                           const std::string& privateKeyPem) {
    auto impl = std::make_unique<Impl>();
    impl->certificate = readCertificatePem(certificatePem);
    impl->key = readPrivateKeyPem(privateKeyPem);
    if (!impl->certificate || !impl->key ||
        X509_check_private_key(impl->certificate.get(), impl->key.get()) != 1) {
        return pkiError();
    }
    return CertificateAuthority(std::move(impl));
}

Result<Credentials> CertificateAuthority::issue(const CertificateRequest& request) const {
    if (auto valid = validateIdentity(request.identity); !valid) {
        return valid.error();
    }
    PkeyPtr key = generateKey();
    if (!key) {
        return pkiError();
    }
    X509Ptr certificate = newCertificate(key.get(), request.notBefore, request.notAfter);
    if (!certificate) {
        return pkiError();
    }
    X509* leaf = certificate.get();
    X509* ca = m_impl->certificate.get();
    X509_NAME* name = X509_get_subject_name(leaf);
    const auto& id = request.identity;
    bool ok = addNameEntry(name, NID_organizationName, request.organisation) &&
              addNameEntry(name, NID_organizationalUnitName, std::string(toString(id.role))) &&
              addNameEntry(name, NID_serialNumber, id.identifier) &&
              addNameEntry(name, NID_commonName, id.displayName) &&
              (id.cpts.empty() || addNameEntry(name, NID_organizationIdentifier,
                                               std::string(kCptsPrefix) + id.cpts)) &&
              X509_set_issuer_name(leaf, X509_get_subject_name(ca)) == 1 &&
              addExtension(leaf, ca, NID_basic_constraints, "critical,CA:FALSE") &&
              addExtension(leaf, ca, NID_key_usage, "critical,digitalSignature") &&
              addExtension(leaf, ca, NID_ext_key_usage,
                           id.role == Role::service ? "serverAuth,clientAuth" : "clientAuth") &&
              addExtension(leaf, ca, NID_subject_key_identifier, "hash") &&
              addExtension(leaf, ca, NID_authority_key_identifier, "keyid:always");
    std::string altNames;
    for (const auto& dns : request.dnsNames) {
        altNames += (altNames.empty() ? "DNS:" : ",DNS:") + dns;
    }
    for (const auto& ip : request.ipAddresses) {
        altNames += (altNames.empty() ? "IP:" : ",IP:") + ip;
    }
    if (ok && !altNames.empty()) {
        ok = addExtension(leaf, ca, NID_subject_alt_name, altNames);
    }
    if (!ok || X509_sign(leaf, m_impl->key.get(), EVP_sha256()) <= 0) {
        return pkiError();
    }
    return Credentials{certificateToPem(leaf), privateKeyToPem(key.get()), {certificatePem()}};
}

std::string CertificateAuthority::certificatePem() const {
    return certificateToPem(m_impl->certificate.get());
}

std::string CertificateAuthority::privateKeyPem() const {
    return privateKeyToPem(m_impl->key.get());
}

Result<std::string> toPkcs12(const Credentials& credentials, const std::string& passphrase,
                             const std::string& friendlyName) {
    X509Ptr certificate = readCertificatePem(credentials.certificatePem);
    PkeyPtr key = readPrivateKeyPem(credentials.privateKeyPem);
    if (!certificate || !key) {
        return pkiError();
    }
    std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> chain(
        sk_X509_new_null(), [](STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); });
    for (const auto& pem : credentials.chainPem) {
        X509Ptr link = readCertificatePem(pem);
        if (!link || sk_X509_push(chain.get(), link.get()) == 0) {
            return pkiError();
        }
        static_cast<void>(link.release());
    }
    // nid 0 keeps OpenSSL 3's defaults: AES-256-CBC with PBKDF2 and an HMAC-SHA256 MAC.
    Pkcs12Ptr bundle(PKCS12_create(passphrase.c_str(), friendlyName.c_str(), key.get(),
                                   certificate.get(), chain.get(), 0, 0, 0, 0, 0));
    if (!bundle) {
        return pkiError();
    }
    BioPtr out(BIO_new(BIO_s_mem()));
    if (!out || i2d_PKCS12_bio(out.get(), bundle.get()) != 1) {
        return pkiError();
    }
    return drain(out.get());
}

Result<Credentials> fromPkcs12(const std::string& der, const std::string& passphrase) {
    auto in = memoryBio(der);
    Pkcs12Ptr bundle(in ? d2i_PKCS12_bio(in.get(), nullptr) : nullptr);
    if (!bundle) {
        return pkiError();
    }
    EVP_PKEY* rawKey = nullptr;
    X509* rawCertificate = nullptr;
    STACK_OF(X509)* rawChain = nullptr;
    if (PKCS12_parse(bundle.get(), passphrase.c_str(), &rawKey, &rawCertificate, &rawChain) != 1) {
        return pkiError(); // most often a wrong passphrase (MAC check failed)
    }
    PkeyPtr key(rawKey);
    X509Ptr certificate(rawCertificate);
    Credentials credentials;
    if (rawChain != nullptr) {
        for (int i = 0; i < sk_X509_num(rawChain); ++i) {
            credentials.chainPem.push_back(certificateToPem(sk_X509_value(rawChain, i)));
        }
        sk_X509_pop_free(rawChain, X509_free);
    }
    if (!key || !certificate) {
        return pkiError();
    }
    credentials.certificatePem = certificateToPem(certificate.get());
    credentials.privateKeyPem = privateKeyToPem(key.get());
    return credentials;
}

Result<std::string> readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return boost::system::error_code(errno, boost::system::generic_category());
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

Result<void> writeFile(const std::filesystem::path& path, const std::string& data,
                       bool privateFile) {
    // Write beside the target and rename, so that a crash never leaves half a key behind.
    const auto temporary = path.string() + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                          privateFile ? 0600 : 0644);
    if (fd < 0) {
        return boost::system::error_code(errno, boost::system::generic_category());
    }
    std::size_t written = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            return boost::system::error_code(error, boost::system::generic_category());
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(temporary.c_str(), path.c_str()) != 0) {
        return boost::system::error_code(errno, boost::system::generic_category());
    }
    return {};
}

Result<DevelopmentPki> ensureDevelopmentPki(const std::filesystem::path& directory) {
    DevelopmentPki pki{directory};
    std::error_code fsError;
    std::filesystem::create_directories(directory, fsError);
    if (fsError) {
        return boost::system::error_code(fsError.value(), boost::system::generic_category());
    }
    std::filesystem::permissions(directory, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, fsError);
    const auto exists = [](const std::filesystem::path& p) {
        return std::filesystem::exists(p);
    };

    Result<CertificateAuthority> ca = make_error_code(Errc::pkiFailure);
    if (exists(pki.caCertificate()) && exists(pki.caKey())) {
        auto certificate = readFile(pki.caCertificate());
        auto key = readFile(pki.caKey());
        if (!certificate || !key) {
            return make_error_code(Errc::pkiFailure);
        }
        ca = CertificateAuthority::fromPem(*certificate, *key);
    } else {
        ca = CertificateAuthority::create("telecabine development CA");
        if (ca) {
            if (auto w = writeFile(pki.caKey(), ca->privateKeyPem(), true); !w) {
                return w.error();
            }
            if (auto w = writeFile(pki.caCertificate(), ca->certificatePem(), false); !w) {
                return w.error();
            }
        }
    }
    if (!ca) {
        return ca.error();
    }

    if (!exists(pki.serviceCertificate()) || !exists(pki.serviceKey())) {
        CertificateRequest request;
        request.identity = {Role::service, "rendezvous", "telecabine rendezvous"};
        request.dnsNames = {"localhost"};
        request.ipAddresses = {"127.0.0.1", "::1"};
        auto issued = ca->issue(request);
        if (!issued) {
            return issued.error();
        }
        if (auto w = writeFile(pki.serviceKey(), issued->privateKeyPem, true); !w) {
            return w.error();
        }
        if (auto w = writeFile(pki.serviceCertificate(), issued->certificatePem, false); !w) {
            return w.error();
        }
    }

    const auto issueBundle = [&](const std::filesystem::path& path,
                                 const Identity& identity) -> Result<void> {
        if (exists(path)) {
            return {};
        }
        CertificateRequest request;
        request.identity = identity;
        auto issued = ca->issue(request);
        if (!issued) {
            return issued.error();
        }
        auto bundle =
            toPkcs12(*issued, DevelopmentPki::kDevelopmentPassphrase, identity.displayName);
        if (!bundle) {
            return bundle.error();
        }
        return writeFile(path, *bundle, true);
    };
    const auto rpps = prescriptions::completeRpps("1010123456");
    if (auto r = issueBundle(pki.doctorBundle(), {Role::doctor, *rpps, "Dr Claire Martin"}); !r) {
        return r.error();
    }
    if (auto r = issueBundle(pki.cabinBundle(),
                             {Role::cabin, "FR-NEV-GARE-01", "Cabine gare de Nevers"});
        !r) {
        return r.error();
    }
    const auto coordinatorRpps = prescriptions::completeRpps("1010123459");
    if (auto r = issueBundle(pki.coordinatorBundle(),
                             {Role::coordinator, *coordinatorRpps, "Anne Lefèvre, CPTS du Val",
                              std::string(DevelopmentPki::kDevelopmentCpts)});
        !r) {
        return r.error();
    }
    return pki;
}

} // namespace tc::protocol

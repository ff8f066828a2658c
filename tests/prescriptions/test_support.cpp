#include "test_support.hpp"

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <random>
#include <stdexcept>
#include <sys/wait.h>

namespace tc::prescriptions::testing {
namespace {

template <auto Free> struct Deleter {
    template <class T> void operator()(T* p) const noexcept { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;

void require(bool ok, const char* what) {
    if (!ok) {
        throw std::runtime_error(std::string("test PKI: ") + what);
    }
}

std::string drain(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

KeyPtr makeKey(bool rsa) {
    KeyPtr key(rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
    require(key != nullptr, "key generation");
    return key;
}

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    require(ext != nullptr && X509_add_ext(cert, ext, -1) == 1, "extension");
    X509_EXTENSION_free(ext);
}

struct Issued {
    KeyPtr key;
    CertPtr cert;
};

// issuer == nullptr: self-signed CA.
// `twinOf`: reuse that certificate's key and serial number (a substituted certificate).
// `subjectSerial`: a serialNumber attribute in the subject (the RPPS, as the development PKI and
// CPS certificates name their holder). `unit`: the subject OU (the deployment's role).
Issued issue(const std::string& commonName, bool rsa, const Issued* issuer, const char* keyUsage,
             long notBeforeDays, long notAfterDays, const Issued* twinOf = nullptr,
             const char* subjectSerial = nullptr, const char* unit = nullptr,
             bool authority = false) {
    Issued out{twinOf != nullptr ? KeyPtr() : makeKey(rsa), CertPtr(X509_new())};
    if (twinOf != nullptr) {
        EVP_PKEY_up_ref(twinOf->key.get());
        out.key.reset(twinOf->key.get());
    }
    X509* cert = out.cert.get();
    X509_set_version(cert, 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7F;
    if (twinOf != nullptr) {
        BIGNUM* twinSerial =
            ASN1_INTEGER_to_BN(X509_get0_serialNumber(twinOf->cert.get()), nullptr);
        BN_bn2binpad(twinSerial, serial, sizeof serial);
        BN_free(twinSerial);
    }
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert), notBeforeDays * 86400);
    X509_gmtime_adj(X509_getm_notAfter(cert), notAfterDays * 86400);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("telecabine tests"), -1, -1,
                               0);
    if (unit != nullptr) {
        X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(unit), -1, -1, 0);
    }
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1,
                               0);
    if (subjectSerial != nullptr) {
        X509_NAME_add_entry_by_txt(name, "serialNumber", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(subjectSerial), -1, -1,
                                   0);
    }
    X509* issuerCert = issuer != nullptr ? issuer->cert.get() : cert;
    EVP_PKEY* issuerKey = issuer != nullptr ? issuer->key.get() : out.key.get();
    X509_set_issuer_name(cert, X509_get_subject_name(issuerCert));
    X509_set_pubkey(cert, out.key.get());
    addExtension(cert, issuerCert, NID_basic_constraints,
                 issuer == nullptr || authority ? "critical,CA:TRUE" : "critical,CA:FALSE");
    addExtension(cert, issuerCert, NID_key_usage, keyUsage);
    addExtension(cert, issuerCert, NID_subject_key_identifier, "hash");
    if (issuer != nullptr) {
        addExtension(cert, issuerCert, NID_authority_key_identifier, "keyid:always");
    }
    require(X509_sign(cert, issuerKey, EVP_sha256()) > 0, "certificate signature");
    return out;
}

std::string certificatePem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    return drain(bio.get());
}

TestCredentials credentials(const Issued& leaf, const Issued& ca) {
    TestCredentials out;
    out.certificatePem = certificatePem(leaf.cert.get());
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PKCS8PrivateKey(bio.get(), leaf.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    out.privateKeyPem = drain(bio.get());
    STACK_OF(X509)* chain = sk_X509_new_null();
    sk_X509_push(chain, ca.cert.get());
    PKCS12* p12 = PKCS12_create(TestPki::kPassphrase, "doctor", leaf.key.get(), leaf.cert.get(),
                                chain, 0, 0, 0, 0, 0);
    sk_X509_free(chain);
    require(p12 != nullptr, "PKCS#12");
    const int n = i2d_PKCS12(p12, nullptr);
    out.pkcs12.resize(static_cast<std::size_t>(n));
    auto* cursor = reinterpret_cast<unsigned char*>(out.pkcs12.data());
    i2d_PKCS12(p12, &cursor);
    PKCS12_free(p12);
    return out;
}

TestPki makePki() {
    constexpr const char* kSigning = "critical,digitalSignature,nonRepudiation";
    const Issued ca =
        issue("Test Health CA", true, nullptr, "critical,keyCertSign,cRLSign", -1, 3650);
    const Issued otherCa =
        issue("Other CA", true, nullptr, "critical,keyCertSign,cRLSign", -1, 3650);
    TestPki pki;
    pki.caPem = certificatePem(ca.cert.get());
    pki.otherCaPem = certificatePem(otherCa.cert.get());
    // Every doctor is the fixtures' prescriber (RPPS 10101234564) unless said otherwise, so that
    // a refusal in a test is for the reason the test names.
    constexpr const char* kRpps = TestPki::kPrescriberRpps;
    const auto doctorIssued = [&](const char* name, bool rsa, const Issued& by, const char* usage,
                                  long from, long to, const Issued* twinOf = nullptr,
                                  const char* rpps = TestPki::kPrescriberRpps) {
        return issue(name, rsa, &by, usage, from, to, twinOf, rpps, "doctor");
    };
    const Issued doctor = doctorIssued("Dr Marie Curie", true, ca, kSigning, -1, 365);
    pki.doctor = credentials(doctor, ca);
    pki.doctorTwin =
        credentials(doctorIssued("Dr Marie Curie", true, ca, kSigning, -1, 366, &doctor), ca);
    pki.doctorEc = credentials(doctorIssued("Dr Paul Durand", false, ca, kSigning, -1, 365), ca);
    pki.expiredDoctor = credentials(doctorIssued("Dr Expired", false, ca, kSigning, -30, -1), ca);
    pki.encipherOnly = credentials(
        doctorIssued("Dr Encipher", false, ca, "critical,keyEncipherment", -1, 365), ca);
    pki.otherCaDoctor =
        credentials(doctorIssued("Dr Elsewhere", false, otherCa, kSigning, -1, 365), otherCa);
    pki.rppsDoctor =
        credentials(doctorIssued("Dr Claire Martin", false, ca, kSigning, -1, 365), ca);
    pki.otherDoctor = credentials(
        doctorIssued("Dr Paul Autre", false, ca, kSigning, -1, 365, nullptr, TestPki::kOtherRpps),
        ca);
    pki.cpsCard =
        credentials(issue("810101234564/Claire Martin", false, &ca, kSigning, -1, 365), ca);
    // The non-prescribers of the same CA. The cabin's site code and the coordinator's RPPS are
    // the prescriber's digits: only the role tells them apart.
    pki.cabin = credentials(
        issue("Cabine Gare de Lyon", false, &ca, kSigning, -1, 365, nullptr, kRpps, "cabin"), ca);
    pki.service = credentials(issue("rendezvous.example", false, &ca, kSigning, -1, 365, nullptr,
                                    "rendezvous", "service"),
                              ca);
    pki.coordinator = credentials(
        issue("Coordinatrice CPTS", false, &ca, kSigning, -1, 365, nullptr, kRpps, "coordinator"),
        ca);
    pki.noRpps = credentials(issue("Dr Sans RPPS", false, &ca, kSigning, -1, 365), ca);
    pki.doctorWithoutRpps = credentials(
        issue("Dr Sans Numero", false, &ca, kSigning, -1, 365, nullptr, nullptr, "doctor"), ca);
    // An authority below the CA, whose key usage would allow a signature.
    pki.authority =
        credentials(issue("Sub CA", false, &ca, "critical,keyCertSign,cRLSign,digitalSignature", -1,
                          365, nullptr, kRpps, "doctor", true),
                    ca);
    return pki;
}

} // namespace

const TestPki& testPki() {
    static const TestPki pki = makePki();
    return pki;
}

TempDir::TempDir() {
    std::random_device random;
    m_path = std::filesystem::temp_directory_path() /
             ("tc-rx-sign-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(m_path);
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

void writeFile(const std::filesystem::path& path, std::string_view data) {
    std::ofstream out(path, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    require(out.good(), "write file");
}

void writeFile(const std::filesystem::path& path, const std::vector<std::byte>& data) {
    writeFile(path, std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

std::vector<std::byte> readBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return toBytes(text);
}

std::vector<std::byte> toBytes(std::string_view text) {
    const auto* first = reinterpret_cast<const std::byte*>(text.data());
    return {first, first + text.size()};
}

CommandResult run(const std::string& command, bool withStderr) {
    CommandResult result;
    FILE* pipe = popen((command + (withStderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
    require(pipe != nullptr, "popen");
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        result.output.append(buffer.data(), n);
    }
    const int status = pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

bool haveProgram(const std::string& name) {
    return run("command -v " + name + " >/dev/null").exitCode == 0;
}

std::string quote(const std::filesystem::path& path) {
    return "'" + path.string() + "'";
}

std::string sampleCanonicalJson(const std::string& id) {
    return R"({"id":")" + id +
           R"(","items":[{"dci":"paracétamol","dose":"1 g","frequency":"3 fois par jour"}],)"
           R"("patient":{"birthDate":"1980-04-02","name":"Jean Dupont"},)"
           R"("prescriber":{"name":"Dr Marie Curie","rpps":")" +
           std::string(TestPki::kPrescriberRpps) + R"("}})";
}

} // namespace tc::prescriptions::testing

#pragma once
// unique_ptr aliases with deleters for the OpenSSL handles the protocol library owns: those it
// shares with the prescriptions library, and its own.

#include "tc/prescriptions/detail/openssl_ptr.hpp"

#include <memory>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string>

namespace tc::protocol::detail {

using prescriptions::detail::BioPtr;
using prescriptions::detail::OpenSslDeleter;
using prescriptions::detail::Pkcs12Ptr;
using prescriptions::detail::PkeyPtr;
using prescriptions::detail::X509Ptr;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;

inline BioPtr memoryBio(const std::string& data) {
    return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

inline std::string drain(BIO* bio) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string();
}

inline X509Ptr readCertificatePem(const std::string& pem) {
    auto bio = memoryBio(pem);
    return X509Ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

inline PkeyPtr readPrivateKeyPem(const std::string& pem) {
    auto bio = memoryBio(pem);
    return PkeyPtr(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

inline std::string certificateToPem(X509* certificate) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) {
        return {};
    }
    return drain(bio.get());
}

inline std::string privateKeyToPem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        return {};
    }
    return drain(bio.get());
}

} // namespace tc::protocol::detail

#include "tc/protocol/identity.hpp"

#include <memory>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace tc::protocol {

Result<Identity> identityFromCertificatePem(const std::string& pem) {
    const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    if (!bio) {
        return make_error_code(Errc::internal);
    }
    const std::unique_ptr<X509, decltype(&X509_free)> certificate(
        PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
    if (!certificate) {
        return make_error_code(Errc::badIdentity);
    }
    return identityFromCertificate(certificate.get());
}

} // namespace tc::protocol

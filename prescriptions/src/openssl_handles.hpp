#pragma once
// unique_ptr aliases with deleters for the OpenSSL handles the prescriptions library owns (the
// ones protocol shares are in tc/prescriptions/detail/openssl_ptr.hpp), and byte-view helpers.

#include "tc/prescriptions/detail/openssl_ptr.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::prescriptions::detail {

inline void freeX509Stack(STACK_OF(X509) * stack) noexcept {
    sk_X509_pop_free(stack, X509_free);
}

using X509StackPtr = std::unique_ptr<STACK_OF(X509), OpenSslDeleter<freeX509Stack>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, OpenSslDeleter<CMS_ContentInfo_free>>;
using StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;

inline std::string_view asChars(std::span<const std::byte> bytes) noexcept {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}
inline std::span<const std::byte> asBytes(std::string_view text) noexcept {
    return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}
inline const unsigned char* asUChars(std::span<const std::byte> bytes) noexcept {
    return reinterpret_cast<const unsigned char*>(bytes.data());
}

inline BioPtr memoryBio(std::span<const std::byte> data) {
    return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

// i2d of any OpenSSL object into bytes; empty on failure.
template <class T, class F> std::vector<std::byte> toDer(const T* object, F i2d) {
    const int length = i2d(object, nullptr);
    if (length <= 0) {
        return {};
    }
    std::vector<std::byte> out(static_cast<std::size_t>(length));
    auto* cursor = reinterpret_cast<unsigned char*>(out.data());
    if (i2d(object, &cursor) != length) {
        return {};
    }
    return out;
}

std::vector<std::byte> sha256(std::span<const std::byte> data);
std::string toHex(std::span<const std::byte> data);
// The subject's first commonName in UTF-8 ("" when it has none).
std::string commonNameOf(const X509* certificate);
// The end of the certificate's validity (the epoch when it cannot be read).
std::chrono::system_clock::time_point notAfterOf(const X509* certificate);

} // namespace tc::prescriptions::detail

#pragma once
// unique_ptr aliases with deleters for the OpenSSL handles that both the prescriptions library
// and the protocol library own (protocol builds on prescriptions). Each library's
// src/openssl_handles.hpp adds the handles and helpers only it needs. Not part of the API:
// included from library sources only, which link OpenSSL themselves.

#include <memory>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

namespace tc::prescriptions::detail {

template <auto Free> struct OpenSslDeleter {
    template <class T> void operator()(T* p) const noexcept { Free(p); }
};

using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, OpenSslDeleter<PKCS12_free>>;

} // namespace tc::prescriptions::detail

#pragma once
// Building blocks for X.509 certificates: the deployment PKI (pki.cpp) and the per-session
// DTLS certificates (dtls_srtp.cpp) make theirs the same way.

#include "openssl_handles.hpp"

#include <chrono>
#include <openssl/rand.h>
#include <string>

namespace tc::protocol::detail {

inline PkeyPtr generateKey() {
    return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

inline bool setRandomSerial(X509* certificate) {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        return false;
    }
    bytes[0] &= 0x7f; // positive
    bytes[0] |= 0x40; // and never shorter than 16 bytes
    BignumPtr number(BN_bin2bn(bytes, sizeof bytes, nullptr));
    return number &&
           BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(certificate)) != nullptr;
}

inline bool addNameEntry(X509_NAME* name, int nid, const std::string& value) {
    return X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                      0) == 1;
}

inline X509Ptr newCertificate(EVP_PKEY* publicKey, std::chrono::seconds notBefore,
                              std::chrono::seconds notAfter) {
    X509Ptr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), 2) != 1 ||
        !setRandomSerial(certificate.get()) ||
        X509_gmtime_adj(X509_getm_notBefore(certificate.get()), notBefore.count()) == nullptr ||
        X509_gmtime_adj(X509_getm_notAfter(certificate.get()), notAfter.count()) == nullptr ||
        X509_set_pubkey(certificate.get(), publicKey) != 1) {
        return nullptr;
    }
    return certificate;
}

} // namespace tc::protocol::detail

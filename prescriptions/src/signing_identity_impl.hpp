#pragma once
// SigningIdentity's state, shared by the PKCS#12 and PKCS#11 loaders.

#include "openssl_handles.hpp"
#include "tc/prescriptions/signing_identity.hpp"

#include <memory>
#include <vector>

namespace tc::prescriptions {

struct SigningIdentity::Impl {
    // Declared first so that it is released last: a token key needs its open session.
    std::shared_ptr<void> tokenSession;
    detail::PkeyPtr key;
    detail::X509Ptr certificate;
    std::vector<X509*> chain; // owned

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        for (X509* c : chain) {
            X509_free(c);
        }
    }

    static SigningIdentity make(std::unique_ptr<Impl> impl) {
        return SigningIdentity(std::move(impl));
    }
};

} // namespace tc::prescriptions

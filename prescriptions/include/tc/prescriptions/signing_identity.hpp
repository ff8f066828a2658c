#pragma once
// The doctor's signing identity: a private key, its X.509 certificate and the chain up to the
// authority, loaded from a PKCS#12 bundle (passphrase) or from a PKCS#11 token such as the
// French CPS card (PIN), selected by an RFC 7512 URI.

#include "tc/prescriptions/signature_errors.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// OpenSSL's handle types, forward-declared so that this header does not pull in OpenSSL.
struct evp_pkey_st;
struct x509_st;

namespace tc::prescriptions {

// The attributes of a `pkcs11:` URI (RFC 7512) that select a token and a key. Path attributes
// are percent-decoded; `id` holds the raw CKA_ID bytes.
struct Pkcs11Uri {
    std::optional<std::string> token;        // CKA_LABEL of the token
    std::optional<std::string> manufacturer; // token manufacturer
    std::optional<std::string> serial;       // token serial number
    std::optional<std::string> model;        // token model
    std::optional<std::string> object;       // CKA_LABEL of the key (and its certificate)
    std::optional<std::string> id;           // CKA_ID of the key (and its certificate)
    std::optional<std::string> type;         // "private" or "cert" if given
    std::optional<std::string> pinValue;     // query attribute pin-value
    std::optional<std::string> modulePath;   // query attribute module-path
};

// Parses `pkcs11:attr=value;...?query=value&...`. Unknown vendor attributes (with a '-') are
// ignored as RFC 7512 allows; an unknown standard attribute, a duplicate or a bad %XX escape is
// an error (invalidPkcs11Uri).
boost::system::result<Pkcs11Uri> parsePkcs11Uri(std::string_view uri);

// The URI's text, attributes percent-encoded where RFC 7512 requires (`id` is always encoded
// byte by byte); parsePkcs11Uri reads it back to the same attributes.
std::string formatPkcs11Uri(const Pkcs11Uri& uri);

struct Pkcs11Options {
    // The PKCS#11 module (.so). Empty: the URI's module-path, else $TC_PKCS11_MODULE.
    std::string modulePath;
};

// A signing certificate on a token, found without logging in (certificates are public
// objects), so that the doctor picks the card, by the name on it, before typing its PIN.
struct Pkcs11SigningCertificate {
    std::string tokenLabel;
    std::string tokenManufacturer;
    std::string tokenModel;
    std::string tokenSerial;
    std::string label; // the certificate's CKA_LABEL
    std::string id;    // its CKA_ID (raw bytes), which its private key shares
    std::string subjectCommonName;
    std::chrono::system_clock::time_point notAfter;
    // Selects the matching private key for SigningIdentity::fromPkcs11:
    // pkcs11:token=...;serial=...;id=...;type=private
    std::string uri;
};

// The end-entity certificates fit for signing (key usage digitalSignature or nonRepudiation,
// not a CA) on every initialised token the module sees, in slot order. No token: an empty
// list. Errors: pkcs11ModuleUnavailable (no module given, or it does not load).
boost::system::result<std::vector<Pkcs11SigningCertificate>>
listPkcs11SigningCertificates(const Pkcs11Options& options = {});

class SigningIdentity {
public:
    // A DER PKCS#12 bundle. A wrong passphrase is `wrongPassphrase`; a bundle without key or
    // certificate, or whose key does not match the certificate, gets its own error.
    static boost::system::result<SigningIdentity> fromPkcs12(std::span<const std::byte> der,
                                                             std::string_view passphrase);

    // The private key on a PKCS#11 token selected by `uri` (token= / object= / id=), logged in
    // with `pin` (the URI's pin-value if `pin` is empty). The certificate is the token's
    // certificate with the key's CKA_ID (else its label); the token's other certificates form
    // the chain. The token session stays open for the identity's lifetime. PKCS#11 logs a
    // whole application in, not a session: while an identity from a token is alive, a second
    // fromPkcs11 on it is let in whatever the PIN (CKR_USER_ALREADY_LOGGED_IN). Keep an identity
    // only for the signature it is opened for; the module is unloaded, and the card logged out,
    // when the last one goes.
    static boost::system::result<SigningIdentity>
    fromPkcs11(std::string_view uri, std::string_view pin, const Pkcs11Options& options = {});

    SigningIdentity(SigningIdentity&&) noexcept;
    SigningIdentity& operator=(SigningIdentity&&) noexcept;
    ~SigningIdentity();

    // RFC 2253 subject, e.g. "CN=Dr Marie Curie,O=...".
    std::string subjectName() const;
    std::string commonName() const;
    // The end of the certificate's validity.
    std::chrono::system_clock::time_point notAfter() const;
    std::vector<std::byte> certificateDer() const;
    // True when the key lives on a PKCS#11 token.
    bool onToken() const noexcept;

    // Native handles for the signing code; owned by the identity.
    evp_pkey_st* privateKey() const noexcept;
    x509_st* certificate() const noexcept;
    const std::vector<x509_st*>& chain() const noexcept;

    struct Impl;

private:
    explicit SigningIdentity(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::prescriptions

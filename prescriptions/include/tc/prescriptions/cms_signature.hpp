#pragma once
// Detached CMS SignedData (RFC 5652) with SHA-256, as CAdES-BES/B-B lays it out: signed
// attributes content-type, message-digest, ESS signing-certificate-v2 (RFC 5035) and, unless
// PAdES forbids it, signing-time. `openssl cms -verify -binary -content FILE -inform DER` checks
// the result.

#include "tc/prescriptions/signature_errors.hpp"
#include "tc/prescriptions/signing_identity.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tc::prescriptions {

struct DetachedSignatureOptions {
    // The signing-time attribute. PAdES baseline (ETSI EN 319 142-1) forbids it: the time goes
    // in the signature dictionary's /M instead.
    bool includeSigningTime = true;
    // Defaults to now.
    std::optional<std::chrono::system_clock::time_point> signingTime;
    // Embed the chain certificates beside the signer's.
    bool includeChain = true;
};

// DER CMS ContentInfo, content detached.
boost::system::result<std::vector<std::byte>>
signDetached(std::span<const std::byte> content, const SigningIdentity& identity,
             const DetachedSignatureOptions& options = {});

// What a cryptographically valid detached signature says about itself. Trust in the signer
// is a separate check (certificate_check.hpp).
struct CmsSignatureInfo {
    std::vector<std::byte> signerCertificateDer;
    // The other certificates the CMS carries (the chain, in any order).
    std::vector<std::vector<std::byte>> otherCertificatesDer;
    std::optional<std::chrono::system_clock::time_point> signingTimeAttribute;
    std::string digestAlgorithm; // "SHA256", "SHA384" or "SHA512"
    std::string signerSubject;   // RFC 2253
};

// One signer; the signature over `content` verifies with the certificate it names; the digest
// is SHA-2; content-type is id-data; signing-certificate-v2 is present and names the signer's
// certificate. Errors: malformedSignature, signatureInvalid, signingCertificateMismatch.
boost::system::result<CmsSignatureInfo> verifyDetached(std::span<const std::byte> content,
                                                       std::span<const std::byte> cmsDer);

} // namespace tc::prescriptions

#pragma once
// Who is on the other end of a connection, as read from its X.509 certificate.
//
// Certificate layout (see protocol/README.md, "Identity"):
//   subject OU           = role: "cabin", "doctor", "coordinator" or "service"
//   subject serialNumber = identifier: RPPS (doctor, coordinator), site code (cabin),
//                          service name (service)
//   subject CN           = display name
//   subject O            = deployment name
//   subject organizationIdentifier (2.5.4.97) = "CPTS:<id>" on a coordinator's certificate
//                          (the CPTS it works for), and on no other

#include "tc/protocol/errors.hpp"

#include <string>
#include <string_view>

typedef struct x509_st X509;

namespace tc::protocol {

enum class Role { cabin, doctor, coordinator, service };

std::string_view toString(Role role) noexcept;
Result<Role> roleFromString(std::string_view text) noexcept;

struct Identity {
    Role role = Role::cabin;
    std::string identifier;
    std::string displayName;
    std::string cpts; // coordinators: their CPTS (a site-code-like id); empty for other roles

    friend bool operator==(const Identity&, const Identity&) = default;
};

// Site codes are what a deployment prints on a cabin: 3 to 32 of [A-Z0-9-].
bool isValidSiteCode(std::string_view code) noexcept;

// A CPTS identifier: 3 to 32 of [A-Z0-9-], like a site code. In a certificate it is written
// with kCptsPrefix before it.
bool isValidCptsId(std::string_view id) noexcept;
inline constexpr std::string_view kCptsPrefix = "CPTS:";

// Checks the identifier against the role's rules (RPPS for doctors and coordinators, site code
// for cabins), the display name (1 to 128 printable UTF-8 bytes) and the CPTS: a coordinator
// must carry a valid one (invalidCpts), any other role none (unexpectedCpts).
Result<Identity> validateIdentity(Identity identity);

// Reads and validates the identity fields of a certificate. The chain must already be verified.
Result<Identity> identityFromCertificate(X509* certificate);
// Same, from a PEM-encoded certificate (e.g. one's own, read from a PKCS#12 bundle).
Result<Identity> identityFromCertificatePem(const std::string& pem);

} // namespace tc::protocol

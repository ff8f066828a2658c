#include "tc/protocol/identity.hpp"

#include "tc/prescriptions/rpps.hpp"
#include "text_rules.hpp"

#include <array>
#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <utility>

namespace tc::protocol {
namespace {

constexpr std::array kRoles{std::pair{Role::cabin, std::string_view{"cabin"}},
                            std::pair{Role::doctor, std::string_view{"doctor"}},
                            std::pair{Role::coordinator, std::string_view{"coordinator"}},
                            std::pair{Role::service, std::string_view{"service"}}};

// How many values of `nid` the subject holds.
int subjectFieldCount(X509_NAME* name, int nid) {
    int count = 0;
    for (int index = X509_NAME_get_index_by_NID(name, nid, -1); index >= 0;
         index = X509_NAME_get_index_by_NID(name, nid, index)) {
        ++count;
    }
    return count;
}

// The single value of `nid` in the subject, as UTF-8; empty if absent or repeated.
std::optional<std::string> subjectField(X509_NAME* name, int nid) {
    const int index = X509_NAME_get_index_by_NID(name, nid, -1);
    if (index < 0 || X509_NAME_get_index_by_NID(name, nid, index) >= 0) {
        return std::nullopt; // absent, or ambiguous: a second value could smuggle an identity
    }
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, data);
    if (length < 0) {
        return std::nullopt;
    }
    std::string value(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    return value;
}

bool isValidDisplayName(std::string_view name) noexcept {
    if (name.empty() || name.size() > 128) {
        return false;
    }
    return !detail::hasControlCharacter(name, detail::LineBreaks::refused);
}

bool isValidServiceName(std::string_view name) noexcept {
    if (name.empty() || name.size() > 64) {
        return false;
    }
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

} // namespace

std::string_view toString(Role role) noexcept {
    for (const auto& [value, name] : kRoles) {
        if (value == role) {
            return name;
        }
    }
    return "unknown";
}

Result<Role> roleFromString(std::string_view text) noexcept {
    for (const auto& [value, name] : kRoles) {
        if (name == text) {
            return value;
        }
    }
    return make_error_code(Errc::badIdentity);
}

bool isValidSiteCode(std::string_view code) noexcept {
    if (code.size() < 3 || code.size() > 32) {
        return false;
    }
    for (const char c : code) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool isValidCptsId(std::string_view id) noexcept {
    return isValidSiteCode(id); // the same alphabet and lengths
}

Result<Identity> validateIdentity(Identity identity) {
    if (!isValidDisplayName(identity.displayName)) {
        return make_error_code(Errc::badIdentity);
    }
    if (identity.role == Role::coordinator && !isValidCptsId(identity.cpts)) {
        return make_error_code(Errc::invalidCpts);
    }
    if (identity.role != Role::coordinator && !identity.cpts.empty()) {
        return make_error_code(Errc::unexpectedCpts);
    }
    switch (identity.role) {
    case Role::doctor:
    case Role::coordinator:
        if (!prescriptions::isValidRpps(identity.identifier)) {
            return make_error_code(Errc::invalidRpps);
        }
        break;
    case Role::cabin:
        if (!isValidSiteCode(identity.identifier)) {
            return make_error_code(Errc::badIdentity);
        }
        break;
    case Role::service:
        if (!isValidServiceName(identity.identifier)) {
            return make_error_code(Errc::badIdentity);
        }
        break;
    }
    return identity;
}

Result<Identity> identityFromCertificate(X509* certificate) {
    if (certificate == nullptr) {
        return make_error_code(Errc::noCertificate);
    }
    X509_NAME* subject = X509_get_subject_name(certificate);
    const auto role = subjectField(subject, NID_organizationalUnitName);
    const auto identifier = subjectField(subject, NID_serialNumber);
    const auto name = subjectField(subject, NID_commonName);
    if (!role || !identifier || !name) {
        return make_error_code(Errc::badIdentity);
    }
    const auto parsedRole = roleFromString(*role);
    if (!parsedRole) {
        return parsedRole.error();
    }
    // The CPTS: absent (empty), or exactly one organizationIdentifier that must read "CPTS:id".
    std::string cpts;
    const int cptsFields = subjectFieldCount(subject, NID_organizationIdentifier);
    if (cptsFields > 1) {
        return make_error_code(Errc::badIdentity);
    }
    if (cptsFields == 1) {
        const auto field = subjectField(subject, NID_organizationIdentifier);
        if (!field || !field->starts_with(kCptsPrefix)) {
            return make_error_code(*parsedRole == Role::coordinator ? Errc::invalidCpts
                                                                    : Errc::unexpectedCpts);
        }
        cpts = field->substr(kCptsPrefix.size());
        if (cpts.empty()) {
            // "CPTS:" alone is a CPTS field all the same: never read as "no CPTS".
            return make_error_code(*parsedRole == Role::coordinator ? Errc::invalidCpts
                                                                    : Errc::unexpectedCpts);
        }
    }
    return validateIdentity(Identity{*parsedRole, *identifier, *name, std::move(cpts)});
}

} // namespace tc::protocol

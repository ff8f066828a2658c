#include "tc/prescriptions/prescriber_certificate.hpp"

#include "openssl_handles.hpp"
#include "tc/errors/table_lookup.hpp"
#include "tc/prescriptions/rpps.hpp"
#include "tc/prescriptions/signed_document.hpp"

#include <algorithm>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <vector>

namespace tc::prescriptions {
namespace {

// Every value of attribute `nid` in the subject, as UTF-8.
std::vector<std::string> subjectValues(X509* certificate, int nid) {
    std::vector<std::string> out;
    const X509_NAME* subject = X509_get_subject_name(certificate);
    for (int i = X509_NAME_get_index_by_NID(subject, nid, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(subject, nid, i)) {
        unsigned char* utf8 = nullptr;
        const int length =
            ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i)));
        if (length >= 0 && utf8 != nullptr) {
            out.emplace_back(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
        }
        OPENSSL_free(utf8);
    }
    return out;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               const auto lower = [](char c) {
                   return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
               };
               return lower(x) == lower(y);
           });
}

// "8" + a valid RPPS, the CPS national identifier; the RPPS or nullopt.
std::optional<std::string> rppsOfNationalIdentifier(std::string_view text) {
    if (text.size() != 12 || text.front() != '8' || !isValidRpps(text.substr(1))) {
        return std::nullopt;
    }
    return std::string(text.substr(1));
}

std::optional<std::string> cpsRpps(X509* certificate) {
    const auto serials = subjectValues(certificate, NID_serialNumber);
    if (serials.size() == 1) {
        if (auto rpps = rppsOfNationalIdentifier(serials.front())) {
            return rpps;
        }
    }
    const auto names = subjectValues(certificate, NID_commonName);
    if (names.size() != 1) {
        return std::nullopt;
    }
    const std::string_view name = names.front();
    const auto end = name.find_first_of("/ ");
    return rppsOfNationalIdentifier(name.substr(0, end));
}

SignerProfile profileOf(X509* certificate) {
    if (X509_check_ca(certificate) != 0) {
        return {SignerKind::authority, std::nullopt};
    }
    bool doctorUnit = false;
    for (const auto& unit : subjectValues(certificate, NID_organizationalUnitName)) {
        if (equalsIgnoringCase(unit, "cabin")) {
            return {SignerKind::cabin, std::nullopt};
        }
        if (equalsIgnoringCase(unit, "service")) {
            return {SignerKind::service, std::nullopt};
        }
        if (equalsIgnoringCase(unit, "coordinator")) {
            return {SignerKind::coordinator, std::nullopt};
        }
        doctorUnit = doctorUnit || equalsIgnoringCase(unit, "doctor");
    }
    if (doctorUnit) {
        const auto serials = subjectValues(certificate, NID_serialNumber);
        if (serials.size() == 1 && isValidRpps(serials.front())) {
            return {SignerKind::doctor, serials.front()};
        }
        return {SignerKind::doctorWithoutRpps, std::nullopt};
    }
    if (auto rpps = cpsRpps(certificate)) {
        return {SignerKind::cpsCard, std::move(rpps)};
    }
    return {SignerKind::unidentified, std::nullopt};
}

} // namespace

SignerProfile readSignerProfile(std::span<const std::byte> certificateDer) {
    const unsigned char* cursor = detail::asUChars(certificateDer);
    detail::X509Ptr certificate(
        d2i_X509(nullptr, &cursor, static_cast<long>(certificateDer.size())));
    if (!certificate || cursor != detail::asUChars(certificateDer) + certificateDer.size()) {
        ERR_clear_error();
        return {SignerKind::unreadable, std::nullopt};
    }
    return profileOf(certificate.get());
}

boost::system::result<void> checkSignerIsPrescriber(const SignerProfile& signer,
                                                    std::string_view prescriberRpps) {
    if (!signer.isPrescriber()) {
        return SignatureErrc::signerNotAPrescriber;
    }
    if (*signer.rpps != prescriberRpps) {
        return SignatureErrc::signerNotPrescriber;
    }
    return {};
}

std::string_view signerKindName(SignerKind kind) noexcept {
    static constexpr errors::EnumNames<SignerKind::unreadable> names{
        {"doctor", "cps_card", "cabin", "service", "coordinator", "authority",
         "doctor_without_rpps", "unidentified", "unreadable"}};
    return names(kind, "unreadable");
}

std::optional<std::string> prescriberRppsInContent(std::span<const std::byte> canonicalJson) {
    return signerRppsInContent(SignedDocumentKind::ordonnance, canonicalJson);
}

} // namespace tc::prescriptions

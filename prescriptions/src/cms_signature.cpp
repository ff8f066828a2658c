#include "tc/prescriptions/cms_signature.hpp"

#include "openssl_handles.hpp"

#include <algorithm>
#include <ctime>
#include <openssl/err.h>
#include <openssl/ess.h>

namespace tc::prescriptions {
namespace {

using detail::asUChars;

struct AsnTimeDeleter {
    void operator()(ASN1_TIME* t) const noexcept { ASN1_TIME_free(t); }
};
struct AsnStringDeleter {
    void operator()(ASN1_STRING* s) const noexcept { ASN1_STRING_free(s); }
};
struct EssDeleter {
    void operator()(ESS_SIGNING_CERT_V2* s) const noexcept { ESS_SIGNING_CERT_V2_free(s); }
};

bool addSigningCertificateV2(CMS_SignerInfo* si, X509* certificate) {
    std::unique_ptr<ESS_SIGNING_CERT_V2, EssDeleter> ess(
        OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), certificate, nullptr, 1));
    if (!ess) {
        return false;
    }
    const auto der = detail::toDer(ess.get(), i2d_ESS_SIGNING_CERT_V2);
    std::unique_ptr<ASN1_STRING, AsnStringDeleter> sequence(ASN1_STRING_new());
    return !der.empty() && sequence &&
           ASN1_STRING_set(sequence.get(), der.data(), static_cast<int>(der.size())) == 1 &&
           CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE,
                                       sequence.get(), -1) == 1;
}

// Signs the DER SET OF signed attributes ourselves: CMS_SignerInfo_sign would add a
// signing-time attribute, which PAdES baseline signatures must not carry. DER orders a SET OF
// by the encodings' bytes, as OpenSSL does when it writes the SignerInfo.
bool signAttributes(CMS_SignerInfo* si, EVP_PKEY* key) {
    std::vector<std::vector<unsigned char>> encodings;
    std::size_t total = 0;
    for (int i = 0; i < CMS_signed_get_attr_count(si); ++i) {
        const auto der = detail::toDer(CMS_signed_get_attr(si, i), i2d_X509_ATTRIBUTE);
        if (der.empty()) {
            return false;
        }
        const auto* first = asUChars(der);
        encodings.emplace_back(first, first + der.size());
        total += der.size();
    }
    std::sort(encodings.begin(), encodings.end());
    std::vector<unsigned char> set{0x31};
    if (total < 0x80) {
        set.push_back(static_cast<unsigned char>(total));
    } else {
        std::vector<unsigned char> length;
        for (std::size_t n = total; n > 0; n >>= 8) {
            length.insert(length.begin(), static_cast<unsigned char>(n & 0xFF));
        }
        set.push_back(static_cast<unsigned char>(0x80 | length.size()));
        set.insert(set.end(), length.begin(), length.end());
    }
    for (const auto& e : encodings) {
        set.insert(set.end(), e.begin(), e.end());
    }
    detail::MdCtxPtr md(EVP_MD_CTX_new());
    std::size_t signatureLength = 0;
    if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(md.get(), nullptr, &signatureLength, set.data(), set.size()) != 1) {
        return false;
    }
    std::vector<unsigned char> signature(signatureLength);
    if (EVP_DigestSign(md.get(), signature.data(), &signatureLength, set.data(), set.size()) != 1) {
        return false;
    }
    return ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), signature.data(),
                           static_cast<int>(signatureLength)) == 1;
}

std::optional<std::chrono::system_clock::time_point> toTimePoint(const ASN1_TIME* time) {
    std::tm tm{};
    if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
        return std::nullopt;
    }
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string subjectOf(X509* certificate) {
    detail::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate), 0,
                                   XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
        return {};
    }
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string();
}

} // namespace

boost::system::result<std::vector<std::byte>>
signDetached(std::span<const std::byte> content, const SigningIdentity& identity,
             const DetachedSignatureOptions& options) {
    const auto fail = [] {
        ERR_clear_error();
        return SignatureErrc::signingFailed;
    };
    X509* certificate = identity.certificate();
    detail::CmsPtr cms(
        CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_PARTIAL | CMS_DETACHED | CMS_BINARY));
    if (!cms) {
        return fail();
    }
    CMS_SignerInfo* si = CMS_add1_signer(cms.get(), certificate, identity.privateKey(),
                                         EVP_sha256(), CMS_PARTIAL | CMS_NOSMIMECAP | CMS_BINARY);
    if (si == nullptr) {
        return fail();
    }
    if (options.includeChain) {
        for (X509* c : identity.chain()) {
            if (CMS_add1_cert(cms.get(), c) != 1) {
                return fail();
            }
        }
    }
    const auto digest = detail::sha256(content);
    if (CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                    OBJ_nid2obj(NID_pkcs7_data), -1) != 1 ||
        CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest.data(),
                                    static_cast<int>(digest.size())) != 1 ||
        !addSigningCertificateV2(si, certificate)) {
        return fail();
    }
    if (options.includeSigningTime) {
        const auto when = options.signingTime.value_or(std::chrono::system_clock::now());
        std::unique_ptr<ASN1_TIME, AsnTimeDeleter> time(
            ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(when)));
        if (!time || CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, time->type, time.get(),
                                                 -1) != 1) {
            return fail();
        }
    }
    if (!signAttributes(si, identity.privateKey())) {
        return fail();
    }
    auto der = detail::toDer(cms.get(), i2d_CMS_ContentInfo);
    if (der.empty()) {
        return fail();
    }
    return der;
}

boost::system::result<CmsSignatureInfo> verifyDetached(std::span<const std::byte> content,
                                                       std::span<const std::byte> cmsDer) {
    const auto error = [](SignatureErrc e) {
        ERR_clear_error();
        return e;
    };
    const unsigned char* cursor = asUChars(cmsDer);
    detail::CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(cmsDer.size())));
    if (!cms || OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
        return error(SignatureErrc::malformedSignature);
    }
    STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms.get());
    if (signers == nullptr || sk_CMS_SignerInfo_num(signers) != 1) {
        return error(SignatureErrc::malformedSignature);
    }
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(signers, 0);
    detail::X509StackPtr certificates(CMS_get1_certs(cms.get()));
    if (!certificates || CMS_set1_signers_certs(cms.get(), nullptr, 0) < 0) {
        return error(SignatureErrc::malformedSignature);
    }
    X509* signer = nullptr;
    X509_ALGOR* digestAlgorithm = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, &signer, &digestAlgorithm, nullptr);
    if (signer == nullptr || digestAlgorithm == nullptr) {
        return error(SignatureErrc::malformedSignature);
    }
    const int digestNid = OBJ_obj2nid(digestAlgorithm->algorithm);
    if (digestNid != NID_sha256 && digestNid != NID_sha384 && digestNid != NID_sha512) {
        return error(SignatureErrc::signatureInvalid);
    }
    auto data = detail::memoryBio(content);
    if (!data || CMS_verify(cms.get(), nullptr, nullptr, data.get(), nullptr,
                            CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
        return error(SignatureErrc::signatureInvalid);
    }
    const auto* contentType = static_cast<const ASN1_OBJECT*>(
        CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT));
    if (contentType == nullptr || OBJ_obj2nid(contentType) != NID_pkcs7_data) {
        return error(SignatureErrc::malformedSignature);
    }
    const auto* essValue = static_cast<const ASN1_STRING*>(CMS_signed_get0_data_by_OBJ(
        si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3, V_ASN1_SEQUENCE));
    if (essValue == nullptr) {
        return error(SignatureErrc::signingCertificateMismatch);
    }
    const unsigned char* essCursor = ASN1_STRING_get0_data(essValue);
    std::unique_ptr<ESS_SIGNING_CERT_V2, EssDeleter> ess(
        d2i_ESS_SIGNING_CERT_V2(nullptr, &essCursor, ASN1_STRING_length(essValue)));
    detail::X509StackPtr signerFirst(sk_X509_new_null());
    if (!ess || !signerFirst || X509_up_ref(signer) != 1) {
        return error(SignatureErrc::signingCertificateMismatch);
    }
    sk_X509_push(signerFirst.get(), signer);
    if (OSSL_ESS_check_signing_certs(nullptr, ess.get(), signerFirst.get(), 1) != 1) {
        return error(SignatureErrc::signingCertificateMismatch);
    }

    CmsSignatureInfo info;
    info.signerCertificateDer = detail::toDer(signer, i2d_X509);
    for (int i = 0; i < sk_X509_num(certificates.get()); ++i) {
        X509* c = sk_X509_value(certificates.get(), i);
        if (X509_cmp(c, signer) != 0) {
            info.otherCertificatesDer.push_back(detail::toDer(c, i2d_X509));
        }
    }
    const int timeIndex = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    if (timeIndex >= 0) {
        const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, timeIndex), 0);
        if (value == nullptr ||
            (value->type != V_ASN1_UTCTIME && value->type != V_ASN1_GENERALIZEDTIME)) {
            return error(SignatureErrc::malformedSignature);
        }
        info.signingTimeAttribute = toTimePoint(value->value.utctime);
    }
    info.digestAlgorithm = OBJ_nid2sn(digestNid);
    info.signerSubject = subjectOf(signer);
    return info;
}

} // namespace tc::prescriptions

#include "openssl_handles.hpp"
#include "signing_identity_impl.hpp"

#include <ctime>
#include <openssl/err.h>
#include <openssl/sha.h>

namespace tc::prescriptions {

namespace detail {

std::vector<std::byte> sha256(std::span<const std::byte> data) {
    std::vector<std::byte> digest(SHA256_DIGEST_LENGTH);
    SHA256(asUChars(data), data.size(), reinterpret_cast<unsigned char*>(digest.data()));
    return digest;
}

std::string toHex(std::span<const std::byte> data) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (const std::byte b : data) {
        const auto v = std::to_integer<unsigned>(b);
        out.push_back(kDigits[v >> 4]);
        out.push_back(kDigits[v & 0xF]);
    }
    return out;
}

std::chrono::system_clock::time_point notAfterOf(const X509* certificate) {
    std::tm time{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(certificate), &time) != 1) {
        return {};
    }
    return std::chrono::system_clock::from_time_t(timegm(&time));
}

std::string commonNameOf(const X509* certificate) {
    const X509_NAME* name = X509_get_subject_name(certificate);
    const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (index < 0) {
        return {};
    }
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, value);
    if (length < 0) {
        return {};
    }
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    return out;
}

} // namespace detail

SigningIdentity::SigningIdentity(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
SigningIdentity::SigningIdentity(SigningIdentity&&) noexcept = default;
SigningIdentity& SigningIdentity::operator=(SigningIdentity&&) noexcept = default;
SigningIdentity::~SigningIdentity() = default;

boost::system::result<SigningIdentity> SigningIdentity::fromPkcs12(std::span<const std::byte> der,
                                                                   std::string_view passphrase) {
    const std::string pass(passphrase);
    const unsigned char* cursor = detail::asUChars(der);
    detail::Pkcs12Ptr p12(d2i_PKCS12(nullptr, &cursor, static_cast<long>(der.size())));
    if (!p12) {
        ERR_clear_error();
        return SignatureErrc::malformedPkcs12;
    }
    // Check the MAC first: PKCS12_parse's failure does not tell a wrong passphrase apart.
    if (PKCS12_mac_present(p12.get()) == 1 &&
        PKCS12_verify_mac(p12.get(), pass.c_str(), static_cast<int>(pass.size())) != 1) {
        ERR_clear_error();
        return SignatureErrc::wrongPassphrase;
    }
    EVP_PKEY* key = nullptr;
    X509* certificate = nullptr;
    STACK_OF(X509)* ca = nullptr;
    if (PKCS12_parse(p12.get(), pass.c_str(), &key, &certificate, &ca) != 1) {
        ERR_clear_error();
        return PKCS12_mac_present(p12.get()) == 1 ? SignatureErrc::malformedPkcs12
                                                  : SignatureErrc::wrongPassphrase;
    }
    auto impl = std::make_unique<Impl>();
    impl->key.reset(key);
    impl->certificate.reset(certificate);
    detail::X509StackPtr chain(ca);
    while (chain && sk_X509_num(chain.get()) > 0) {
        impl->chain.push_back(sk_X509_shift(chain.get()));
    }
    if (!impl->key) {
        return SignatureErrc::noPrivateKey;
    }
    if (!impl->certificate) {
        return SignatureErrc::noCertificate;
    }
    if (X509_check_private_key(impl->certificate.get(), impl->key.get()) != 1) {
        ERR_clear_error();
        return SignatureErrc::keyCertificateMismatch;
    }
    return Impl::make(std::move(impl));
}

std::string SigningIdentity::subjectName() const {
    detail::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(m_impl->certificate.get()), 0,
                                   XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
        return {};
    }
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string();
}

std::chrono::system_clock::time_point SigningIdentity::notAfter() const {
    return detail::notAfterOf(m_impl->certificate.get());
}

std::string SigningIdentity::commonName() const {
    return detail::commonNameOf(m_impl->certificate.get());
}

std::vector<std::byte> SigningIdentity::certificateDer() const {
    return detail::toDer(m_impl->certificate.get(), i2d_X509);
}

bool SigningIdentity::onToken() const noexcept {
    return m_impl->tokenSession != nullptr;
}
evp_pkey_st* SigningIdentity::privateKey() const noexcept {
    return m_impl->key.get();
}
x509_st* SigningIdentity::certificate() const noexcept {
    return m_impl->certificate.get();
}
const std::vector<x509_st*>& SigningIdentity::chain() const noexcept {
    return m_impl->chain;
}

} // namespace tc::prescriptions

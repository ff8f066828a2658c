#include "archive_crypto.hpp"

#include <climits>
#include <memory>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace tc::protocol::archive {
namespace {

struct CipherFree {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using CipherPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherFree>;

bool fitsInt(std::size_t n) {
    return n <= static_cast<std::size_t>(INT_MAX);
}

} // namespace

Secret::Secret(std::span<const std::uint8_t, kKeyBytes> bytes) noexcept {
    std::copy(bytes.begin(), bytes.end(), m_bytes.begin());
}

Secret::Secret(const Secret& other) noexcept
    : m_bytes(other.m_bytes) {}

Secret& Secret::operator=(const Secret& other) noexcept {
    m_bytes = other.m_bytes;
    return *this;
}

Secret::~Secret() {
    OPENSSL_cleanse(m_bytes.data(), m_bytes.size());
}

std::span<const std::uint8_t> asBytes(std::string_view text) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Sha256Digest sha256(std::span<const std::uint8_t> data) {
    Sha256Digest digest{};
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
    return digest;
}

Sha256Stream::Sha256Stream()
    : m_ctx(EVP_MD_CTX_new()) {
    if (m_ctx != nullptr) {
        EVP_DigestInit_ex(m_ctx, EVP_sha256(), nullptr);
    }
}

Sha256Stream::~Sha256Stream() {
    EVP_MD_CTX_free(m_ctx);
}

void Sha256Stream::update(std::span<const std::uint8_t> data) {
    if (m_ctx != nullptr) {
        EVP_DigestUpdate(m_ctx, data.data(), data.size());
    }
}

// All zeros if OpenSSL could not allocate: then it matches no real digest.
Sha256Digest Sha256Stream::finish() {
    Sha256Digest digest{};
    unsigned int length = 0;
    if (m_ctx != nullptr) {
        EVP_DigestFinal_ex(m_ctx, digest.data(), &length);
    }
    return digest;
}

Sha256Digest hmacSha256(std::span<const std::uint8_t> key,
                        std::initializer_list<std::span<const std::uint8_t>> parts) {
    Sha256Digest mac{};
    // One-shot over the concatenation: the parts are small (labels, hashes, record ids).
    ArchiveBytes message;
    for (const auto& part : parts) {
        message.insert(message.end(), part.begin(), part.end());
    }
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), message.data(), message.size(),
         mac.data(), &length);
    OPENSSL_cleanse(message.data(), message.size());
    return mac;
}

Secret deriveKey(const Secret& key, std::string_view label) {
    auto mac = hmacSha256(key.bytes(), {asBytes(label)});
    Secret derived(std::span<const std::uint8_t, kKeyBytes>(mac.data(), kKeyBytes));
    OPENSSL_cleanse(mac.data(), mac.size());
    return derived;
}

bool randomBytes(std::span<std::uint8_t> out) noexcept {
    return fitsInt(out.size()) && RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

bool constantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<ArchiveBytes> seal(const Secret& key, const Nonce& nonce,
                                 std::span<const std::uint8_t> aad,
                                 std::span<const std::uint8_t> plaintext) {
    if (!fitsInt(aad.size()) || !fitsInt(plaintext.size())) {
        return std::nullopt;
    }
    CipherPtr ctx(EVP_CIPHER_CTX_new());
    ArchiveBytes out(kNonceBytes + plaintext.size() + kTagBytes);
    std::copy(nonce.begin(), nonce.end(), out.begin());
    int length = 0;
    int total = 0;
    if (!ctx ||
        EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(),
                           nonce.data()) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &length, aad.data(), static_cast<int>(aad.size())) !=
            1 ||
        EVP_EncryptUpdate(ctx.get(), out.data() + kNonceBytes, &length, plaintext.data(),
                          static_cast<int>(plaintext.size())) != 1) {
        return std::nullopt;
    }
    total = length;
    if (EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceBytes + total, &length) != 1) {
        return std::nullopt;
    }
    total += length;
    if (static_cast<std::size_t>(total) != plaintext.size() ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                            out.data() + kNonceBytes + plaintext.size()) != 1) {
        return std::nullopt;
    }
    return out;
}

std::optional<ArchiveBytes> sealRandom(const Secret& key, std::span<const std::uint8_t> aad,
                                       std::span<const std::uint8_t> plaintext) {
    Nonce nonce{};
    if (!randomBytes(nonce)) {
        return std::nullopt;
    }
    return seal(key, nonce, aad, plaintext);
}

std::optional<ArchiveBytes> unseal(const Secret& key, std::span<const std::uint8_t> aad,
                                   std::span<const std::uint8_t> sealed) {
    if (sealed.size() < kSealOverhead || !fitsInt(aad.size()) || !fitsInt(sealed.size())) {
        return std::nullopt;
    }
    const auto nonce = sealed.first(kNonceBytes);
    const auto body = sealed.subspan(kNonceBytes, sealed.size() - kSealOverhead);
    std::array<std::uint8_t, kTagBytes> tagBytes{};
    std::copy(sealed.end() - static_cast<std::ptrdiff_t>(kTagBytes), sealed.end(),
              tagBytes.begin());
    CipherPtr ctx(EVP_CIPHER_CTX_new());
    ArchiveBytes plaintext(body.size());
    int length = 0;
    if (!ctx ||
        EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(),
                           nonce.data()) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &length, aad.data(), static_cast<int>(aad.size())) !=
            1 ||
        EVP_DecryptUpdate(ctx.get(), plaintext.data(), &length, body.data(),
                          static_cast<int>(body.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                            tagBytes.data()) != 1) {
        return std::nullopt;
    }
    int finalLength = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), plaintext.data() + length, &finalLength) != 1) {
        OPENSSL_cleanse(plaintext.data(), plaintext.size());
        return std::nullopt;
    }
    return plaintext;
}

std::string toHex(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (const auto b : bytes) {
        hex.push_back(kDigits[b >> 4]);
        hex.push_back(kDigits[b & 0x0F]);
    }
    return hex;
}

} // namespace tc::protocol::archive

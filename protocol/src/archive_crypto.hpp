#pragma once
// The archive's primitives, on OpenSSL 3: SHA-256, HMAC-SHA256, AES-256-GCM, random bytes, and
// a 32-byte secret that wipes itself.

#include "tc/protocol/archive_index.hpp"

#include <array>
#include <cstdint>
#include <openssl/evp.h>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tc::protocol::archive {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kSealOverhead = kNonceBytes + kTagBytes;

using Nonce = std::array<std::uint8_t, kNonceBytes>;

// 32 secret bytes, wiped (OPENSSL_cleanse) when destroyed or overwritten.
class Secret {
public:
    Secret() = default;
    explicit Secret(std::span<const std::uint8_t, kKeyBytes> bytes) noexcept;
    Secret(const Secret& other) noexcept;
    Secret& operator=(const Secret& other) noexcept;
    ~Secret();

    std::span<const std::uint8_t, kKeyBytes> bytes() const noexcept { return m_bytes; }
    std::span<std::uint8_t, kKeyBytes> mutableBytes() noexcept { return m_bytes; }

private:
    std::array<std::uint8_t, kKeyBytes> m_bytes{};
};

std::span<const std::uint8_t> asBytes(std::string_view text) noexcept;

Sha256Digest sha256(std::span<const std::uint8_t> data);

// SHA-256 of data given in pieces.
class Sha256Stream {
public:
    Sha256Stream();
    ~Sha256Stream();
    Sha256Stream(const Sha256Stream&) = delete;
    Sha256Stream& operator=(const Sha256Stream&) = delete;
    void update(std::span<const std::uint8_t> data);
    Sha256Digest finish();

private:
    EVP_MD_CTX* m_ctx;
};
// HMAC-SHA256 over the concatenation of `parts`.
Sha256Digest hmacSha256(std::span<const std::uint8_t> key,
                        std::initializer_list<std::span<const std::uint8_t>> parts);
// A key derived from `key` for one purpose: HMAC-SHA256(key, label).
Secret deriveKey(const Secret& key, std::string_view label);

bool randomBytes(std::span<std::uint8_t> out) noexcept;
bool constantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

// AES-256-GCM: nonce || ciphertext || tag. nullopt if OpenSSL fails.
std::optional<ArchiveBytes> seal(const Secret& key, const Nonce& nonce,
                                 std::span<const std::uint8_t> aad,
                                 std::span<const std::uint8_t> plaintext);
// Same with a random nonce (for what is sealed once: keys, manifests).
std::optional<ArchiveBytes> sealRandom(const Secret& key, std::span<const std::uint8_t> aad,
                                       std::span<const std::uint8_t> plaintext);
// The plaintext, or nullopt if the tag does not verify (or the input is too short).
std::optional<ArchiveBytes> unseal(const Secret& key, std::span<const std::uint8_t> aad,
                                   std::span<const std::uint8_t> sealed);

std::string toHex(std::span<const std::uint8_t> bytes);

} // namespace tc::protocol::archive

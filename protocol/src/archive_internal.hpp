#pragma once
// What the archive's source files share: the per-record keys and their uses, the object
// layout, the sealed manifest's encoding, and durable file writes.

#include "archive_crypto.hpp"
#include "tc/protocol/archive_store.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tc::protocol::archive {

// Sub-keys of a record's data key, one per use (HMAC-SHA256(data key, label)).
struct RecordKeys {
    Secret encryption; // AES-256-GCM of chunks and of the manifest
    Secret nonce;      // deterministic chunk nonces
    Secret chunkId;    // keyed chunk ids in the index

    static RecordKeys derive(const Secret& dataKey);
};

KeyedChunkId keyedChunkId(const RecordKeys& keys, const Sha256Digest& plaintextSha256);
Nonce chunkNonce(const RecordKeys& keys, const Sha256Digest& plaintextSha256);
ArchiveBytes chunkAad(std::string_view recordId, const Sha256Digest& plaintextSha256);
ArchiveBytes manifestAad(std::string_view recordId);
ArchiveBytes keyCheckValue(const Secret& archiveKey);

// Every distinct chunk of the manifest, in manifest order, with its size.
std::vector<ChunkRef> distinctChunks(const UploadManifest& manifest);

ArchiveBytes encodeManifest(const UploadManifest& manifest);
std::optional<UploadManifest> decodeManifest(std::span<const std::uint8_t> encoded);

// --- On disk ---

inline constexpr std::string_view kObjectsDir = "objects";
inline constexpr std::string_view kTempDir = "tmp";
inline constexpr std::string_view kIndexFile = "index.sqlite";

bool isObjectName(std::string_view name) noexcept; // 64 lowercase hex digits
// objects/ab/cdef… for the object named "abcdef…".
std::filesystem::path objectPath(const std::filesystem::path& objectsDir, std::string_view name);

ArchiveFailure storageFailure(std::string what, const std::filesystem::path& path, int error);
ArchiveResult<void> fsyncDirectory(const std::filesystem::path& directory);
// Creates `directory` (mode 0700) if missing, and syncs its parent so that it stays.
ArchiveResult<void> ensureDirectory(const std::filesystem::path& directory);
// Whole file; nullopt when it does not exist; storageFailure when it cannot be read or is
// larger than `maxBytes`.
ArchiveResult<std::optional<ArchiveBytes>> readFile(const std::filesystem::path& path,
                                                    std::size_t maxBytes);
// Durably: a temp file in `tempDir` (0600), written, fsynced, renamed to `path`, the
// directory of `path` fsynced. When `path` exists with the same bytes (an orphan of a crash, or
// a concurrent writer), it is synced and kept, not written again.
ArchiveResult<void> writeDurably(const std::filesystem::path& tempDir,
                                 const std::filesystem::path& path,
                                 std::span<const std::uint8_t> bytes);

// Reads one chunk from its object and verifies it: the object's bytes hash to its name, the
// GCM tag verifies under the record's key with the record id and chunk hash as AAD, and the
// plaintext has the manifest's size and SHA-256. Anything else is `corrupt`.
ArchiveResult<ArchiveBytes> readChunk(const std::filesystem::path& objectsDir,
                                      std::string_view recordId, const RecordKeys& keys,
                                      const ChunkRef& chunk, std::string_view objectName);

} // namespace tc::protocol::archive

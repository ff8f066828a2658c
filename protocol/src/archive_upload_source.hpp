#pragma once
// Internal to ArchiveClient: a record's files read into a manifest, and where each distinct
// chunk lies so that it can be read again when the service asks for it.

#include "tc/protocol/archive_client.hpp"

#include <map>

namespace tc::protocol::detail {

struct ChunkLocation {
    std::filesystem::path path;
    std::uint64_t offset = 0;
    std::uint32_t size = 0;
};

struct UploadPlan {
    UploadManifest manifest;
    std::map<Sha256Digest, ChunkLocation> locations; // each distinct chunk, first occurrence
    std::uint64_t distinctBytes = 0;
};

ArchiveClientResult<UploadPlan> planUpload(const UploadSource& source, std::uint32_t chunkBytes);

// The chunk's bytes, checked against its SHA-256: source_changed if the file changed since the
// plan, source_unreadable if it cannot be read.
ArchiveClientResult<ArchiveBytes> readChunk(const ChunkLocation& where, const Sha256Digest& sha256);

} // namespace tc::protocol::detail

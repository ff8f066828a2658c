#pragma once
// ArchiveStore's state, shared by archive_store.cpp (uploads) and archive_reader.cpp (reads).

#include "archive_internal.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace tc::protocol {

namespace archive {

// A record opened with its data key: the sub-keys, the decrypted manifest, and for each
// distinct chunk hash its keyed id and size. Immutable once built; shared by calls.
struct RecordContext {
    struct Chunk {
        KeyedChunkId keyedId{};
        std::uint32_t size = 0;
    };

    IndexedRecord record; // as read from the index (state, owner, wrapped key, ...)
    RecordKeys keys;
    UploadManifest manifest;
    std::map<Sha256Digest, Chunk> chunks;
};

RecordSummary summaryOf(const IndexedRecord& record);

} // namespace archive

struct ArchiveStore::Impl {
    std::filesystem::path directory;
    std::filesystem::path objectsDir;
    std::filesystem::path tempDir;
    archive::Secret archiveKey;
    ArchiveLimits limits;
    std::unique_ptr<ArchiveIndex> index;
    int lockFd = -1; // the directory, flock'ed; closed by the destructor

    // Guards `index` and `contexts`. Chunk encryption and object writes run outside it.
    mutable std::mutex mutex;
    // Records opened recently (pending uploads), by id; an entry is used only while its
    // wrapped key matches the index's.
    mutable std::map<std::string, std::shared_ptr<const archive::RecordContext>, std::less<>>
        contexts;

    ~Impl();

    // With `mutex` held: the record's context (unwrapping its key and manifest, or from the
    // cache). corrupt if its key or manifest does not open.
    ArchiveResult<std::shared_ptr<const archive::RecordContext>>
    contextOf(const IndexedRecord& record) const;
    // With `mutex` held: the upload or record `recordId` as indexed; unknownUpload when the
    // index has none (a chunk or a commit for an upload never begun).
    ArchiveResult<IndexedRecord> uploadOf(std::string_view recordId) const;
    // Builds a context for a new upload: unwrapped `dataKey`, `manifest`.
    static std::shared_ptr<archive::RecordContext>
    makeContext(IndexedRecord record, const archive::Secret& dataKey, UploadManifest manifest);
};

} // namespace tc::protocol

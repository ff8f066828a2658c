// ArchiveStore: opening the archive and the upload model (begin, chunks, commit, listings).

#include "archive_store_impl.hpp"

#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <set>
#include <sys/file.h>
#include <unistd.h>

namespace tc::protocol {
namespace {

using archive::RecordContext;

std::int64_t nowUnixMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::uint64_t totalBytes(const UploadManifest& manifest) {
    std::uint64_t total = 0;
    for (const auto& file : manifest.files) {
        total += file.size; // bounded by validateManifest
    }
    return total;
}

ArchiveFailure chunksMissing(std::uint64_t missing, std::uint64_t total) {
    auto failure =
        archiveFailure(ArchiveErrc::chunksMissing, std::to_string(missing) + " of " +
                                                       std::to_string(total) + " chunks missing");
    failure.missingChunks = static_cast<std::size_t>(missing);
    return failure;
}

// Removes what a crash left in tmp/: never renamed, so never acknowledged. A directory shared
// with other nodes may hold their chunks being written: only files older than any write are
// taken.
void clearTemp(const std::filesystem::path& tempDir, bool shared) {
    constexpr auto kLongerThanAnyWrite = std::chrono::minutes(30);
    std::error_code error;
    const auto now = std::filesystem::file_time_type::clock::now();
    for (const auto& entry : std::filesystem::directory_iterator(tempDir, error)) {
        std::error_code timeError;
        const auto written = entry.last_write_time(timeError);
        if (!shared || (!timeError && now - written > kLongerThanAnyWrite)) {
            std::filesystem::remove(entry.path(), error);
        }
    }
}

} // namespace

namespace archive {

RecordSummary summaryOf(const IndexedRecord& record) {
    return {.recordId = record.recordId,
            .ownerRpps = record.ownerRpps,
            .consent = record.consent,
            .createdUnixMs = record.createdUnixMs,
            .committedUnixMs = record.committedUnixMs,
            .fileCount = record.fileCount,
            .plainBytes = record.plainBytes,
            .storedBytes = record.storedBytes};
}

} // namespace archive

ArchiveStore::Impl::~Impl() {
    index.reset(); // closes the database before the lock goes
    if (lockFd >= 0) {
        ::close(lockFd);
    }
}

std::shared_ptr<RecordContext> ArchiveStore::Impl::makeContext(IndexedRecord record,
                                                               const archive::Secret& dataKey,
                                                               UploadManifest manifest) {
    auto context = std::make_shared<RecordContext>();
    context->record = std::move(record);
    context->keys = archive::RecordKeys::derive(dataKey);
    for (const auto& chunk : archive::distinctChunks(manifest)) {
        context->chunks.emplace(
            chunk.sha256,
            RecordContext::Chunk{archive::keyedChunkId(context->keys, chunk.sha256), chunk.size});
    }
    context->manifest = std::move(manifest);
    return context;
}

ArchiveResult<IndexedRecord> ArchiveStore::Impl::uploadOf(std::string_view recordId) const {
    auto record = index->record(recordId);
    if (!record) {
        return record.error();
    }
    if (!*record) {
        return archiveFailure(ArchiveErrc::unknownUpload, std::string(recordId));
    }
    return std::move(**record);
}

ArchiveResult<std::shared_ptr<const RecordContext>>
ArchiveStore::Impl::contextOf(const IndexedRecord& record) const {
    if (const auto cached = contexts.find(record.recordId);
        cached != contexts.end() && cached->second->record.wrappedKey == record.wrappedKey &&
        cached->second->record.state == record.state) {
        return cached->second;
    }
    const auto corrupt = [&](const char* what) {
        return archiveFailure(ArchiveErrc::corrupt, "record " + record.recordId + ": " + what);
    };
    auto keyBytes =
        archive::unseal(archiveKey, archive::asBytes(record.recordId), record.wrappedKey);
    if (!keyBytes || keyBytes->size() != archive::kKeyBytes) {
        return corrupt("its data key does not unwrap");
    }
    const archive::Secret dataKey(
        std::span<const std::uint8_t, archive::kKeyBytes>(keyBytes->data(), archive::kKeyBytes));
    OPENSSL_cleanse(keyBytes->data(), keyBytes->size());
    const auto keys = archive::RecordKeys::derive(dataKey);
    const auto encoded = archive::unseal(keys.encryption, archive::manifestAad(record.recordId),
                                         record.sealedManifest);
    if (!encoded) {
        return corrupt("its manifest does not verify");
    }
    auto manifest = archive::decodeManifest(*encoded);
    if (!manifest || manifest->recordId != record.recordId ||
        manifest->ownerRpps != record.ownerRpps || manifest->consent != record.consent) {
        return corrupt("its manifest does not match the index");
    }
    std::shared_ptr<const RecordContext> context =
        makeContext(record, dataKey, std::move(*manifest));
    if (record.state == RecordState::pending) {
        if (contexts.size() >= 64) {
            contexts.clear(); // a bound, not a policy: they are rebuilt on demand
        }
        contexts[record.recordId] = context;
    }
    return context;
}

ArchiveStore::ArchiveStore(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
ArchiveStore::ArchiveStore(ArchiveStore&&) noexcept = default;
ArchiveStore& ArchiveStore::operator=(ArchiveStore&&) noexcept = default;
ArchiveStore::~ArchiveStore() = default;

const ArchiveLimits& ArchiveStore::limits() const noexcept {
    return m_impl->limits;
}

ArchiveResult<ArchiveStore> ArchiveStore::open(const std::filesystem::path& directory,
                                               const ArchiveKey& key, ArchiveLimits limits,
                                               std::unique_ptr<ArchiveIndex> index) {
    auto impl = std::make_unique<Impl>();
    impl->directory = directory;
    impl->objectsDir = directory / archive::kObjectsDir;
    impl->tempDir = directory / archive::kTempDir;
    impl->archiveKey = archive::Secret(key.bytes());
    impl->limits = limits;
    if (auto made = archive::ensureDirectory(directory); !made) {
        return made.error();
    }
    // One process at a time, or with a shared index (a cluster's nodes) any number of
    // processes sharing the index and none other: the lock lasts as long as the store.
    const bool shared = index && index->sharedAcrossProcesses();
    impl->lockFd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (impl->lockFd < 0) {
        return archive::storageFailure("cannot open", directory, errno);
    }
    if (::flock(impl->lockFd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) {
            return archiveFailure(ArchiveErrc::storeInUse, directory.string());
        }
        return archive::storageFailure("cannot lock", directory, errno);
    }
    for (const auto* sub : {&impl->objectsDir, &impl->tempDir}) {
        if (auto made = archive::ensureDirectory(*sub); !made) {
            return made.error();
        }
    }
    clearTemp(impl->tempDir, shared);
    if (index) {
        impl->index = std::move(index);
    } else {
        auto sqlite = SqliteArchiveIndex::open(directory / archive::kIndexFile);
        if (!sqlite) {
            return sqlite.error();
        }
        impl->index = std::move(*sqlite);
    }
    // The key check comes first: with another key, nothing else is read.
    const auto expected = archive::keyCheckValue(impl->archiveKey);
    auto stored = impl->index->keyCheck();
    if (!stored) {
        return stored.error();
    }
    if (!*stored) {
        if (auto set = impl->index->setKeyCheck(expected); !set) {
            return set.error();
        }
    } else if (!archive::constantTimeEqual(**stored, expected)) {
        return archiveFailure(ArchiveErrc::wrongArchiveKey, directory.string());
    }
    return ArchiveStore(std::move(impl));
}

ArchiveResult<UploadState> ArchiveStore::beginUpload(const UploadManifest& manifest) {
    if (auto valid = validateManifest(manifest, m_impl->limits); !valid) {
        return valid.error();
    }
    auto& impl = *m_impl;
    const std::lock_guard lock(impl.mutex);
    auto existing = impl.index->record(manifest.recordId);
    if (!existing) {
        return existing.error();
    }
    if (*existing) {
        auto context = impl.contextOf(**existing);
        if (!context) {
            return context.error();
        }
        const auto& ctx = **context;
        const bool committed = ctx.record.state == RecordState::committed;
        if (ctx.manifest == manifest) {
            UploadState state{.recordId = manifest.recordId,
                              .alreadyCommitted = committed,
                              .chunkCount = ctx.chunks.size(),
                              .missing = {}};
            if (committed) {
                return state;
            }
            auto chunks = impl.index->chunks(manifest.recordId);
            if (!chunks) {
                return chunks.error();
            }
            std::set<KeyedChunkId> stored;
            for (const auto& chunk : *chunks) {
                if (!chunk.objectName.empty()) {
                    stored.insert(chunk.keyedId);
                }
            }
            for (const auto& chunk : archive::distinctChunks(manifest)) {
                if (!stored.contains(ctx.chunks.at(chunk.sha256).keyedId)) {
                    state.missing.push_back(chunk.sha256);
                }
            }
            return state;
        }
        if (committed || ctx.record.ownerRpps != manifest.ownerRpps) {
            return archiveFailure(ArchiveErrc::manifestConflict,
                                  "record " + manifest.recordId + " is " +
                                      (committed ? "committed" : "being uploaded") +
                                      " with another manifest");
        }
        // The same owner's pending upload with another manifest: replaced below.
    }
    const auto plainBytes = totalBytes(manifest);
    auto used = impl.index->ownerBytes(manifest.ownerRpps, manifest.recordId);
    if (!used) {
        return used.error();
    }
    if (*used > impl.limits.ownerQuotaBytes || plainBytes > impl.limits.ownerQuotaBytes - *used) {
        return archiveFailure(ArchiveErrc::quotaExceeded,
                              std::to_string(*used) + " bytes used, " + std::to_string(plainBytes) +
                                  " more asked, quota " +
                                  std::to_string(impl.limits.ownerQuotaBytes));
    }

    // A new data key, wrapped by the archive key; the manifest sealed under it.
    archive::Secret dataKey;
    if (!archive::randomBytes(dataKey.mutableBytes())) {
        return archiveFailure(ArchiveErrc::cryptoFailure, "random data key");
    }
    IndexedRecord record{.recordId = manifest.recordId,
                         .ownerRpps = manifest.ownerRpps,
                         .state = RecordState::pending,
                         .consent = manifest.consent,
                         .createdUnixMs = nowUnixMs(),
                         .fileCount = manifest.files.size(),
                         .plainBytes = plainBytes};
    auto wrapped =
        archive::sealRandom(impl.archiveKey, archive::asBytes(manifest.recordId), dataKey.bytes());
    const auto keys = archive::RecordKeys::derive(dataKey);
    const auto encoded = archive::encodeManifest(manifest);
    auto sealed =
        archive::sealRandom(keys.encryption, archive::manifestAad(manifest.recordId), encoded);
    if (!wrapped || !sealed) {
        return archiveFailure(ArchiveErrc::cryptoFailure, "sealing the record's key or manifest");
    }
    record.wrappedKey = std::move(*wrapped);
    record.sealedManifest = std::move(*sealed);
    auto context = Impl::makeContext(std::move(record), dataKey, manifest);
    std::vector<KeyedChunkId> ids;
    UploadState state{.recordId = manifest.recordId, .chunkCount = context->chunks.size()};
    for (const auto& chunk : archive::distinctChunks(manifest)) {
        ids.push_back(context->chunks.at(chunk.sha256).keyedId);
        state.missing.push_back(chunk.sha256);
    }
    if (auto begun = impl.index->beginUpload(context->record, ids); !begun) {
        impl.contexts.erase(manifest.recordId);
        return begun.error();
    }
    impl.contexts[manifest.recordId] = std::move(context);
    return state;
}

ArchiveResult<ChunkReceipt> ArchiveStore::putChunk(std::string_view recordId,
                                                   const Sha256Digest& sha256,
                                                   std::span<const std::uint8_t> bytes) {
    auto& impl = *m_impl;
    if (bytes.size() > impl.limits.maxChunkBytes) {
        return archiveFailure(ArchiveErrc::chunkTooLarge,
                              std::to_string(bytes.size()) + " bytes, at most " +
                                  std::to_string(impl.limits.maxChunkBytes));
    }
    if (archive::sha256(bytes) != sha256) {
        return archiveFailure(ArchiveErrc::hashMismatch, "record " + std::string(recordId));
    }
    std::shared_ptr<const RecordContext> context;
    const RecordContext::Chunk* chunk = nullptr;
    {
        const std::lock_guard lock(impl.mutex);
        auto record = impl.uploadOf(recordId);
        if (!record) {
            return record.error();
        }
        auto opened = impl.contextOf(*record);
        if (!opened) {
            return opened.error();
        }
        context = std::move(*opened);
        const auto found = context->chunks.find(sha256);
        if (found == context->chunks.end()) {
            return archiveFailure(ArchiveErrc::chunkNotInManifest,
                                  "record " + std::string(recordId));
        }
        chunk = &found->second;
        if (context->record.state == RecordState::committed) {
            return ChunkReceipt{.alreadyStored = true, .missing = 0};
        }
        auto indexed = impl.index->chunk(recordId, chunk->keyedId);
        if (!indexed) {
            return indexed.error();
        }
        if (*indexed && !(*indexed)->objectName.empty()) {
            auto missing = impl.index->missingCount(recordId);
            if (!missing) {
                return missing.error();
            }
            return ChunkReceipt{.alreadyStored = true, .missing = *missing};
        }
    }
    if (bytes.size() != chunk->size) {
        return archiveFailure(ArchiveErrc::invalidManifest,
                              "the chunk has " + std::to_string(bytes.size()) +
                                  " bytes, its manifest says " + std::to_string(chunk->size));
    }
    // Deterministic nonce: the same chunk always gives the same object, so a chunk written
    // before a crash (an orphan) is found and kept, not written twice.
    auto object =
        archive::seal(context->keys.encryption, archive::chunkNonce(context->keys, sha256),
                      archive::chunkAad(recordId, sha256), bytes);
    if (!object) {
        return archiveFailure(ArchiveErrc::cryptoFailure, "encrypting a chunk");
    }
    const auto name = archive::toHex(archive::sha256(*object));
    const auto path = archive::objectPath(impl.objectsDir, name);
    if (auto made = archive::ensureDirectory(path.parent_path()); !made) {
        return made.error();
    }
    if (auto written = archive::writeDurably(impl.tempDir, path, *object); !written) {
        return written.error();
    }
    // Durable on disk; now indexed (an fsynced SQLite commit), then acknowledged.
    const std::lock_guard lock(impl.mutex);
    auto marked = impl.index->markStored(recordId, chunk->keyedId, name, object->size());
    if (!marked) {
        return marked.error();
    }
    if (!*marked) {
        return archiveFailure(ArchiveErrc::chunkNotInManifest,
                              "record " + std::string(recordId) +
                                  ": the upload was restarted with another manifest");
    }
    auto missing = impl.index->missingCount(recordId);
    if (!missing) {
        return missing.error();
    }
    return ChunkReceipt{.alreadyStored = false, .missing = *missing};
}

ArchiveResult<RecordSummary> ArchiveStore::commit(std::string_view recordId) {
    auto& impl = *m_impl;
    std::shared_ptr<const RecordContext> context;
    std::map<KeyedChunkId, std::string> objects;
    {
        const std::lock_guard lock(impl.mutex);
        auto record = impl.uploadOf(recordId);
        if (!record) {
            return record.error();
        }
        if (record->state == RecordState::committed) {
            return archive::summaryOf(*record);
        }
        auto opened = impl.contextOf(*record);
        if (!opened) {
            return opened.error();
        }
        context = std::move(*opened);
        auto chunks = impl.index->chunks(recordId);
        if (!chunks) {
            return chunks.error();
        }
        std::uint64_t missing = 0;
        for (const auto& chunk : *chunks) {
            if (chunk.objectName.empty()) {
                ++missing;
            } else {
                objects.emplace(chunk.keyedId, chunk.objectName);
            }
        }
        if (missing != 0) {
            return chunksMissing(missing, chunks->size());
        }
    }
    // Every file read back and checked against its SHA-256, outside the lock: what becomes
    // visible reads back whole.
    for (const auto& file : context->manifest.files) {
        archive::Sha256Stream whole;
        for (const auto& ref : file.chunks) {
            const auto found = objects.find(context->chunks.at(ref.sha256).keyedId);
            if (found == objects.end()) {
                return chunksMissing(1, context->chunks.size());
            }
            auto plaintext =
                archive::readChunk(impl.objectsDir, recordId, context->keys, ref, found->second);
            if (!plaintext) {
                return plaintext.error();
            }
            whole.update(*plaintext);
        }
        if (whole.finish() != file.sha256) {
            return archiveFailure(ArchiveErrc::fileHashMismatch, "'" + file.name + "'");
        }
    }
    const std::lock_guard lock(impl.mutex);
    // What was verified is what becomes visible: not an upload restarted meanwhile.
    auto current = impl.index->record(recordId);
    if (!current) {
        return current.error();
    }
    if (!*current || (*current)->wrappedKey != context->record.wrappedKey) {
        return archiveFailure(ArchiveErrc::manifestConflict,
                              "record " + std::string(recordId) +
                                  ": the upload was restarted during the commit");
    }
    if ((*current)->state == RecordState::committed) {
        return archive::summaryOf(**current); // a concurrent commit of the same upload
    }
    auto committed = impl.index->commit(recordId, nowUnixMs());
    if (!committed) {
        return committed.error();
    }
    if (*committed != 0) {
        return chunksMissing(*committed, context->chunks.size());
    }
    impl.contexts.erase(std::string(recordId));
    auto record = impl.index->record(recordId);
    if (!record || !*record) {
        return record ? archiveFailure(ArchiveErrc::indexFailure, "the committed record is gone")
                      : record.error();
    }
    return archive::summaryOf(**record);
}

ArchiveResult<std::vector<PendingUpload>>
ArchiveStore::pendingUploads(std::optional<std::string_view> ownerRpps) const {
    const std::lock_guard lock(m_impl->mutex);
    auto listed = m_impl->index->list(RecordState::pending, ownerRpps);
    if (!listed) {
        return listed.error();
    }
    std::vector<PendingUpload> uploads;
    for (const auto& r : *listed) {
        uploads.push_back({.recordId = r.recordId,
                           .ownerRpps = r.ownerRpps,
                           .createdUnixMs = r.createdUnixMs,
                           .fileCount = r.fileCount,
                           .plainBytes = r.plainBytes,
                           .chunkCount = r.chunkCount,
                           .chunksStored = r.chunksStored});
    }
    return uploads;
}

ArchiveResult<std::vector<RecordSummary>> ArchiveStore::records(std::string_view ownerRpps) const {
    return committedRecords(*m_impl, ownerRpps);
}

ArchiveResult<std::vector<RecordSummary>> ArchiveStore::allRecords() const {
    return committedRecords(*m_impl, std::nullopt);
}

ArchiveResult<std::vector<RecordSummary>>
ArchiveStore::committedRecords(Impl& impl, std::optional<std::string_view> ownerRpps) {
    const std::lock_guard lock(impl.mutex);
    auto listed = impl.index->list(RecordState::committed, ownerRpps);
    if (!listed) {
        return listed.error();
    }
    std::vector<RecordSummary> records;
    for (const auto& r : *listed) {
        records.push_back(archive::summaryOf(r));
    }
    return records;
}

} // namespace tc::protocol

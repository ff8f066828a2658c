// Reading the archive: the access rule, ArchiveStore::openRecord and ArchiveRecordReader.

#include "archive_store_impl.hpp"

#include <algorithm>

namespace tc::protocol {

// The one access rule (archive_store.hpp). Any further rule goes here and nowhere else.
bool mayReadRecord(const Requester& requester, const RecordSummary& record,
                   std::string_view site) noexcept {
    switch (requester.role) {
    case Role::doctor:
        return !requester.rpps.empty() && requester.rpps == record.ownerRpps;
    case Role::coordinator:
        return record.consent.qualityReview && !site.empty() &&
               std::find(requester.reviewSites.begin(), requester.reviewSites.end(), site) !=
                   requester.reviewSites.end();
    case Role::service:
        return requester.serviceItself;
    case Role::cabin:
        return false;
    }
    return false;
}

struct ArchiveRecordReader::Impl {
    std::filesystem::path objectsDir;
    RecordSummary summary;
    std::vector<ArchivedFile> files;
    std::shared_ptr<const archive::RecordContext> context;
    std::map<KeyedChunkId, std::string> objects; // keyed chunk id -> object name
};

ArchiveRecordReader::ArchiveRecordReader(std::shared_ptr<const Impl> impl)
    : m_impl(std::move(impl)) {}

const RecordSummary& ArchiveRecordReader::summary() const noexcept {
    return m_impl->summary;
}

const std::vector<ArchivedFile>& ArchiveRecordReader::files() const noexcept {
    return m_impl->files;
}

struct ArchiveFileCursor::State {
    std::shared_ptr<const ArchiveRecordReader::Impl> reader;
    const ManifestFile* file = nullptr; // in reader->context->manifest
    ArchivedFile listed;
    std::size_t nextChunk = 0;
    std::uint64_t size = 0;
    archive::Sha256Stream whole;
    bool finished = false;
};

ArchiveFileCursor::ArchiveFileCursor(std::unique_ptr<State> state)
    : m_state(std::move(state)) {}
ArchiveFileCursor::ArchiveFileCursor(ArchiveFileCursor&&) noexcept = default;
ArchiveFileCursor& ArchiveFileCursor::operator=(ArchiveFileCursor&&) noexcept = default;
ArchiveFileCursor::~ArchiveFileCursor() = default;

const ArchivedFile& ArchiveFileCursor::file() const noexcept {
    return m_state->listed;
}

ArchiveResult<std::optional<ArchiveBytes>> ArchiveFileCursor::next() {
    auto& state = *m_state;
    const auto& impl = *state.reader;
    const ManifestFile& file = *state.file;
    if (state.finished) {
        return std::optional<ArchiveBytes>();
    }
    if (state.nextChunk == file.chunks.size()) {
        state.finished = true;
        if (state.size != file.size || state.whole.finish() != file.sha256) {
            return archiveFailure(ArchiveErrc::corrupt, "record " + impl.summary.recordId + ": '" +
                                                            file.name +
                                                            "' does not match its SHA-256");
        }
        return std::optional<ArchiveBytes>();
    }
    const auto& ref = file.chunks[state.nextChunk++];
    const auto& keyedId = impl.context->chunks.at(ref.sha256).keyedId;
    const auto object = impl.objects.find(keyedId);
    if (object == impl.objects.end()) {
        state.finished = true;
        return archiveFailure(ArchiveErrc::corrupt, "record " + impl.summary.recordId +
                                                        ": a chunk of '" + file.name +
                                                        "' has no object in the index");
    }
    auto plaintext = archive::readChunk(impl.objectsDir, impl.summary.recordId, impl.context->keys,
                                        ref, object->second);
    if (!plaintext) {
        state.finished = true;
        return plaintext.error();
    }
    state.whole.update(*plaintext);
    state.size += plaintext->size();
    return std::optional<ArchiveBytes>(std::move(*plaintext));
}

ArchiveResult<ArchiveFileCursor> ArchiveRecordReader::openFile(std::string_view name) const {
    const auto& manifest = m_impl->context->manifest;
    const auto file = std::find_if(manifest.files.begin(), manifest.files.end(),
                                   [&](const ManifestFile& f) { return f.name == name; });
    if (file == manifest.files.end()) {
        return archiveFailure(ArchiveErrc::unknownFile, "'" + std::string(name) + "'");
    }
    const auto& listed = m_impl->files[static_cast<std::size_t>(file - manifest.files.begin())];
    if (listed.purgedUnixMs != 0) {
        return archiveFailure(ArchiveErrc::purged,
                              "'" + std::string(name) + "' of record " + m_impl->summary.recordId);
    }
    auto state = std::make_unique<ArchiveFileCursor::State>();
    state->reader = m_impl;
    state->file = &*file;
    state->listed = {file->name, file->size, file->sha256};
    return ArchiveFileCursor(std::move(state));
}

ArchiveResult<void> ArchiveRecordReader::stream(std::string_view name,
                                                const ChunkSink& sink) const {
    auto cursor = openFile(name);
    if (!cursor) {
        return cursor.error();
    }
    for (;;) {
        auto chunk = cursor->next();
        if (!chunk) {
            return chunk.error();
        }
        if (!*chunk) {
            return {};
        }
        sink(**chunk);
    }
}

ArchiveResult<ArchiveBytes> ArchiveRecordReader::read(std::string_view name) const {
    ArchiveBytes content;
    auto streamed = stream(name, [&](std::span<const std::uint8_t> chunk) {
        content.insert(content.end(), chunk.begin(), chunk.end());
    });
    if (!streamed) {
        return streamed.error();
    }
    return content;
}

ArchiveResult<ArchiveRecordReader> ArchiveStore::openRecord(std::string_view recordId,
                                                            const Requester& requester,
                                                            std::string_view site) const {
    auto& impl = *m_impl;
    const std::lock_guard lock(impl.mutex);
    auto record = impl.index->record(recordId);
    if (!record) {
        return record.error();
    }
    // A pending upload is invisible: as unknown as a record that never was.
    if (!*record || (*record)->state != RecordState::committed) {
        return archiveFailure(ArchiveErrc::unknownRecord, std::string(recordId));
    }
    auto reader = std::make_shared<ArchiveRecordReader::Impl>();
    reader->summary = archive::summaryOf(**record);
    if (!mayReadRecord(requester, reader->summary, site)) {
        return archiveFailure(ArchiveErrc::notPermitted, std::string(toString(requester.role)) +
                                                             " " + requester.rpps + " for record " +
                                                             std::string(recordId));
    }
    auto context = impl.contextOf(**record);
    if (!context) {
        return context.error();
    }
    auto chunks = impl.index->chunks(recordId);
    if (!chunks) {
        return chunks.error();
    }
    for (auto& chunk : *chunks) {
        reader->objects.emplace(chunk.keyedId, std::move(chunk.objectName));
    }
    // An index without retention has purged nothing.
    std::map<std::uint32_t, std::int64_t> purgedAt;
    if (auto purged = impl.index->purgedFiles(recordId)) {
        purgedAt = std::move(*purged);
    }
    reader->objectsDir = impl.objectsDir;
    reader->context = std::move(*context);
    const auto& files = reader->context->manifest.files;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto at = purgedAt.find(static_cast<std::uint32_t>(i));
        reader->files.push_back(
            {files[i].name, files[i].size, files[i].sha256, at != purgedAt.end() ? at->second : 0});
    }
    return ArchiveRecordReader(std::move(reader));
}

ArchiveResult<std::optional<RecordOwnership>>
ArchiveStore::ownership(std::string_view recordId) const {
    const std::lock_guard lock(m_impl->mutex);
    auto record = m_impl->index->record(recordId);
    if (!record) {
        return record.error();
    }
    if (!*record) {
        return std::optional<RecordOwnership>();
    }
    return std::optional<RecordOwnership>(
        RecordOwnership{(*record)->ownerRpps, (*record)->state == RecordState::committed});
}

} // namespace tc::protocol

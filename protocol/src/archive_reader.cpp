// Reading the archive: the access rule, ArchiveStore::openRecord and ArchiveRecordReader.

#include "archive_store_impl.hpp"

#include <algorithm>

namespace tc::protocol {

// The one access rule. Today: the owner doctor alone. The next rules (coordinators reviewing
// records whose patient consented to quality review) go here and nowhere else.
bool mayReadRecord(const Requester& requester, const RecordSummary& record) noexcept {
    return requester.role == Role::doctor && !requester.rpps.empty() &&
           requester.rpps == record.ownerRpps;
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

ArchiveResult<void> ArchiveRecordReader::stream(std::string_view name,
                                                const ChunkSink& sink) const {
    const auto& impl = *m_impl;
    const auto& manifest = impl.context->manifest;
    const auto file = std::find_if(manifest.files.begin(), manifest.files.end(),
                                   [&](const ManifestFile& f) { return f.name == name; });
    if (file == manifest.files.end()) {
        return archiveFailure(ArchiveErrc::unknownFile, "'" + std::string(name) + "'");
    }
    archive::Sha256Stream whole;
    std::uint64_t size = 0;
    for (const auto& ref : file->chunks) {
        const auto& keyedId = impl.context->chunks.at(ref.sha256).keyedId;
        const auto object = impl.objects.find(keyedId);
        if (object == impl.objects.end()) {
            return archiveFailure(ArchiveErrc::corrupt, "record " + impl.summary.recordId +
                                                            ": a chunk of '" + file->name +
                                                            "' has no object in the index");
        }
        auto plaintext = archive::readChunk(impl.objectsDir, impl.summary.recordId,
                                            impl.context->keys, ref, object->second);
        if (!plaintext) {
            return plaintext.error();
        }
        whole.update(*plaintext);
        size += plaintext->size();
        sink(*plaintext);
    }
    if (size != file->size || whole.finish() != file->sha256) {
        return archiveFailure(ArchiveErrc::corrupt, "record " + impl.summary.recordId + ": '" +
                                                        file->name +
                                                        "' does not match its SHA-256");
    }
    return {};
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
                                                            const Requester& requester) const {
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
    if (!mayReadRecord(requester, reader->summary)) {
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
    reader->objectsDir = impl.objectsDir;
    reader->context = std::move(*context);
    for (const auto& file : reader->context->manifest.files) {
        reader->files.push_back({file.name, file.size, file.sha256});
    }
    return ArchiveRecordReader(std::move(reader));
}

} // namespace tc::protocol

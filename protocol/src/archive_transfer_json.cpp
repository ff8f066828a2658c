// The archive transfer's JSON bodies: strict parsers (types, ranges, sizes; unknown fields
// refused) and their serialisation. See protocol/README.md, "Archive transfer".

#include "json_reader.hpp"
#include "tc/protocol/archive_transfer.hpp"

#include <limits>

namespace tc::protocol {
namespace {

using detail::JsonReader;
using nlohmann::json;

constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kMaxListed = 1'000'000; // records or files in one listing

void readHash(JsonReader& reader, std::string_view key, Sha256Digest& out) {
    std::string hex;
    reader.string(key, hex, 64, 64);
    if (!reader.ok()) {
        return;
    }
    const auto digest = sha256FromHex(hex);
    if (!digest) {
        reader.fail(Errc::invalidField, reader.pathOf(key) + ": expected 64 lowercase hex digits");
        return;
    }
    out = *digest;
}

void readUnsigned(JsonReader& reader, std::string_view key, std::uint64_t& out,
                  std::int64_t max = kMaxInt) {
    std::int64_t value = 0;
    reader.integer(key, value, 0, max);
    out = static_cast<std::uint64_t>(value);
}

json consentToJson(const ConsentScopes& consent) {
    return {{"care", consent.care}, {"quality_review", consent.qualityReview}};
}

void readConsent(JsonReader& reader, std::string_view key, ConsentScopes& out) {
    const auto* object = reader.object(key);
    if (object == nullptr) {
        return;
    }
    JsonReader nested(*object, reader.pathOf(key));
    nested.boolean("care", out.care);
    nested.boolean("quality_review", out.qualityReview);
    nested.finish();
    reader.merge(nested);
}

} // namespace

json manifestBodyToJson(const UploadManifest& manifest) {
    json files = json::array();
    for (const auto& file : manifest.files) {
        json chunks = json::array();
        for (const auto& chunk : file.chunks) {
            chunks.push_back({{"sha256", toHex(chunk.sha256)}, {"size", chunk.size}});
        }
        files.push_back({{"name", file.name},
                         {"size", file.size},
                         {"sha256", toHex(file.sha256)},
                         {"chunks", std::move(chunks)}});
    }
    return {{"consent", consentToJson(manifest.consent)}, {"files", std::move(files)}};
}

ArchiveParsed<UploadManifest> manifestBodyFromJson(const json& body, std::string recordId,
                                                   std::size_t maxFiles, std::size_t maxChunks) {
    UploadManifest manifest;
    manifest.recordId = std::move(recordId);
    JsonReader reader(body, "body");
    readConsent(reader, "consent", manifest.consent);
    const auto* files = reader.array("files", maxFiles);
    std::size_t chunkEntries = 0;
    for (std::size_t i = 0; files != nullptr && reader.ok() && i < files->size(); ++i) {
        JsonReader file((*files)[i], reader.pathOf("files") + "[" + std::to_string(i) + "]");
        ManifestFile entry;
        // The store checks the characters and its own length limit; this bounds the parse.
        file.string("name", entry.name, 1, 4096);
        readUnsigned(file, "size", entry.size);
        readHash(file, "sha256", entry.sha256);
        const auto* chunks = file.array("chunks", maxChunks - std::min(maxChunks, chunkEntries));
        for (std::size_t c = 0; chunks != nullptr && file.ok() && c < chunks->size(); ++c) {
            JsonReader chunk((*chunks)[c], file.pathOf("chunks") + "[" + std::to_string(c) + "]");
            ChunkRef ref;
            readHash(chunk, "sha256", ref.sha256);
            std::uint64_t size = 0;
            readUnsigned(chunk, "size", size, std::numeric_limits<std::uint32_t>::max());
            ref.size = static_cast<std::uint32_t>(size);
            chunk.finish();
            file.merge(chunk);
            entry.chunks.push_back(ref);
        }
        chunkEntries += entry.chunks.size();
        file.finish();
        reader.merge(file);
        manifest.files.push_back(std::move(entry));
    }
    if (const auto error = reader.finish()) {
        return *error;
    }
    return manifest;
}

json toJson(const ArchiveTransferLimits& limits) {
    const auto& store = limits.store;
    return {{"max_chunk_bytes", store.maxChunkBytes},
            {"max_files_per_record", store.maxFilesPerRecord},
            {"max_chunks_per_record", store.maxChunksPerRecord},
            {"max_record_bytes", store.maxRecordBytes},
            {"owner_quota_bytes", store.ownerQuotaBytes},
            {"max_name_length", store.maxNameLength},
            {"max_manifest_bytes", limits.maxManifestBytes}};
}

ArchiveParsed<ArchiveTransferLimits> limitsFromJson(const json& body) {
    ArchiveTransferLimits limits;
    JsonReader reader(body, "body");
    const auto u32 = [&](std::string_view key, std::uint32_t& out) {
        std::uint64_t value = 0;
        readUnsigned(reader, key, value, std::numeric_limits<std::uint32_t>::max());
        out = static_cast<std::uint32_t>(value);
    };
    u32("max_chunk_bytes", limits.store.maxChunkBytes);
    u32("max_files_per_record", limits.store.maxFilesPerRecord);
    u32("max_chunks_per_record", limits.store.maxChunksPerRecord);
    readUnsigned(reader, "max_record_bytes", limits.store.maxRecordBytes);
    readUnsigned(reader, "owner_quota_bytes", limits.store.ownerQuotaBytes);
    u32("max_name_length", limits.store.maxNameLength);
    readUnsigned(reader, "max_manifest_bytes", limits.maxManifestBytes);
    if (reader.ok() && limits.store.maxChunkBytes == 0) {
        reader.fail(Errc::invalidField, "body.max_chunk_bytes: must be positive");
    }
    if (const auto error = reader.finish()) {
        return *error;
    }
    return limits;
}

json toJson(const UploadState& state) {
    json missing = json::array();
    for (const auto& hash : state.missing) {
        missing.push_back(toHex(hash));
    }
    return {{"record_id", state.recordId},
            {"already_committed", state.alreadyCommitted},
            {"chunk_count", state.chunkCount},
            {"missing", std::move(missing)}};
}

ArchiveParsed<UploadState> uploadStateFromJson(const json& body) {
    UploadState state;
    JsonReader reader(body, "body");
    reader.string("record_id", state.recordId, 1, 64);
    reader.boolean("already_committed", state.alreadyCommitted);
    readUnsigned(reader, "chunk_count", state.chunkCount);
    const auto* missing = reader.array("missing", kMaxListed);
    for (std::size_t i = 0; missing != nullptr && reader.ok() && i < missing->size(); ++i) {
        const auto& item = (*missing)[i];
        const auto digest =
            item.is_string() ? sha256FromHex(item.get_ref<const std::string&>()) : std::nullopt;
        if (!digest) {
            reader.fail(Errc::invalidField, "body.missing[" + std::to_string(i) +
                                                "]: expected 64 lowercase hex digits");
            break;
        }
        state.missing.push_back(*digest);
    }
    if (const auto error = reader.finish()) {
        return *error;
    }
    return state;
}

json toJson(const ChunkReceipt& receipt) {
    return {{"already_stored", receipt.alreadyStored}, {"missing", receipt.missing}};
}

ArchiveParsed<ChunkReceipt> chunkReceiptFromJson(const json& body) {
    ChunkReceipt receipt;
    JsonReader reader(body, "body");
    reader.boolean("already_stored", receipt.alreadyStored);
    readUnsigned(reader, "missing", receipt.missing);
    if (const auto error = reader.finish()) {
        return *error;
    }
    return receipt;
}

json toJson(const RecordSummary& summary) {
    return {{"record_id", summary.recordId},
            {"owner_rpps", summary.ownerRpps},
            {"consent", consentToJson(summary.consent)},
            {"created_unix_ms", summary.createdUnixMs},
            {"committed_unix_ms", summary.committedUnixMs},
            {"file_count", summary.fileCount},
            {"plain_bytes", summary.plainBytes},
            {"stored_bytes", summary.storedBytes}};
}

namespace {

void readSummary(JsonReader& reader, RecordSummary& summary) {
    reader.string("record_id", summary.recordId, 1, 64);
    reader.string("owner_rpps", summary.ownerRpps, 11, 11);
    readConsent(reader, "consent", summary.consent);
    reader.integer("created_unix_ms", summary.createdUnixMs, 0, kMaxInt);
    reader.integer("committed_unix_ms", summary.committedUnixMs, 0, kMaxInt);
    readUnsigned(reader, "file_count", summary.fileCount);
    readUnsigned(reader, "plain_bytes", summary.plainBytes);
    readUnsigned(reader, "stored_bytes", summary.storedBytes);
}

} // namespace

ArchiveParsed<RecordSummary> recordSummaryFromJson(const json& body) {
    RecordSummary summary;
    JsonReader reader(body, "body");
    readSummary(reader, summary);
    if (const auto error = reader.finish()) {
        return *error;
    }
    return summary;
}

json recordListToJson(const std::vector<RecordSummary>& records) {
    json list = json::array();
    for (const auto& record : records) {
        list.push_back(toJson(record));
    }
    return {{"records", std::move(list)}};
}

ArchiveParsed<std::vector<RecordSummary>> recordListFromJson(const json& body) {
    std::vector<RecordSummary> records;
    JsonReader reader(body, "body");
    const auto* list = reader.array("records", kMaxListed);
    for (std::size_t i = 0; list != nullptr && reader.ok() && i < list->size(); ++i) {
        JsonReader item((*list)[i], "body.records[" + std::to_string(i) + "]");
        RecordSummary summary;
        readSummary(item, summary);
        item.finish();
        reader.merge(item);
        records.push_back(std::move(summary));
    }
    if (const auto error = reader.finish()) {
        return *error;
    }
    return records;
}

json fileListToJson(std::string_view recordId, const std::vector<ArchivedFile>& files) {
    json list = json::array();
    for (const auto& file : files) {
        json item = {{"name", file.name}, {"size", file.size}, {"sha256", toHex(file.sha256)}};
        if (file.purgedUnixMs != 0) {
            item["purged_unix_ms"] = file.purgedUnixMs; // media retention: listed, not readable
        }
        list.push_back(std::move(item));
    }
    return {{"record_id", recordId}, {"files", std::move(list)}};
}

ArchiveParsed<std::vector<ArchivedFile>> fileListFromJson(const json& body) {
    std::vector<ArchivedFile> files;
    JsonReader reader(body, "body");
    std::string recordId;
    reader.string("record_id", recordId, 1, 64);
    const auto* list = reader.array("files", kMaxListed);
    for (std::size_t i = 0; list != nullptr && reader.ok() && i < list->size(); ++i) {
        JsonReader item((*list)[i], "body.files[" + std::to_string(i) + "]");
        ArchivedFile file;
        item.string("name", file.name, 1, 4096);
        readUnsigned(item, "size", file.size);
        readHash(item, "sha256", file.sha256);
        if ((*list)[i].is_object() && (*list)[i].contains("purged_unix_ms")) {
            item.integer("purged_unix_ms", file.purgedUnixMs, 1, kMaxInt);
        }
        item.finish();
        reader.merge(item);
        files.push_back(std::move(file));
    }
    if (const auto error = reader.finish()) {
        return *error;
    }
    return files;
}

json toJson(const ArchiveErrorBody& body) {
    json out = {{"error", body.error}, {"message", body.message}};
    if (body.missing) {
        out["missing"] = *body.missing;
    }
    return out;
}

ArchiveParsed<ArchiveErrorBody> errorBodyFromJson(const json& body) {
    ArchiveErrorBody error;
    JsonReader reader(body, "body");
    reader.string("error", error.error, 1, 64);
    reader.string("message", error.message, 0, 4096);
    if (body.is_object() && body.contains("missing")) {
        std::uint64_t missing = 0;
        readUnsigned(reader, "missing", missing);
        error.missing = missing;
    }
    if (const auto failure = reader.finish()) {
        return *failure;
    }
    return error;
}

} // namespace tc::protocol

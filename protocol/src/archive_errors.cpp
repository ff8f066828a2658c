#include "tc/protocol/archive_errors.hpp"

#include "tc/errors/error_table.hpp"

#include <array>

namespace tc::protocol {
namespace {

using E = ArchiveErrc;

constexpr std::array kErrors{
    errors::ErrcEntry{E::keyFileMissing, "key_file_missing", "the archive key file does not exist"},
    errors::ErrcEntry{E::keyFileWrongSize, "key_file_wrong_size",
                      "the archive key file does not hold exactly 32 bytes"},
    errors::ErrcEntry{E::keyFileUnreadable, "key_file_unreadable",
                      "the archive key file cannot be read"},
    errors::ErrcEntry{E::keyFileExposed, "key_file_exposed",
                      "the archive key file is readable or writable by group or others"},
    errors::ErrcEntry{E::keyFileUnwritable, "key_file_unwritable",
                      "the archive key file cannot be created"},
    errors::ErrcEntry{E::wrongArchiveKey, "wrong_archive_key",
                      "the archive key is not the key this archive was created with"},
    errors::ErrcEntry{E::storeInUse, "store_in_use", "another process has this archive open"},
    errors::ErrcEntry{E::storageFailure, "storage_failure",
                      "an archive file could not be created, written, synced or read"},
    errors::ErrcEntry{E::indexFailure, "index_failure", "the archive index failed"},
    errors::ErrcEntry{E::cryptoFailure, "crypto_failure",
                      "a cryptographic primitive or the random generator failed"},
    errors::ErrcEntry{E::invalidRecordId, "invalid_record_id",
                      "the record id is not 1 to 64 of [A-Za-z0-9_-], starting with a letter or "
                      "digit"},
    errors::ErrcEntry{E::invalidOwner, "invalid_owner", "the owner is not a valid RPPS number"},
    errors::ErrcEntry{E::invalidFileName, "invalid_file_name",
                      "a file name is empty, absolute, has an empty, '.' or '..' segment, or a "
                      "character outside [A-Za-z0-9._/-]"},
    errors::ErrcEntry{E::duplicateFileName, "duplicate_file_name",
                      "the manifest names the same file twice"},
    errors::ErrcEntry{E::invalidManifest, "invalid_manifest",
                      "the manifest is inconsistent (no files, empty chunk, sizes that do not "
                      "add up)"},
    errors::ErrcEntry{E::chunkTooLarge, "chunk_too_large", "a chunk exceeds the chunk size limit"},
    errors::ErrcEntry{E::tooManyFiles, "too_many_files", "the record has too many files"},
    errors::ErrcEntry{E::tooManyChunks, "too_many_chunks", "the record has too many chunks"},
    errors::ErrcEntry{E::recordTooLarge, "record_too_large",
                      "the record exceeds the record size limit"},
    errors::ErrcEntry{E::quotaExceeded, "quota_exceeded",
                      "the record would exceed its owner's archive quota"},
    errors::ErrcEntry{E::nameTooLong, "name_too_long", "a file name exceeds the length limit"},
    errors::ErrcEntry{E::unknownUpload, "unknown_upload", "no upload has this record id"},
    errors::ErrcEntry{E::manifestConflict, "manifest_conflict",
                      "this record id is archived, or being uploaded, with another manifest"},
    errors::ErrcEntry{E::hashMismatch, "hash_mismatch",
                      "the chunk's bytes do not hash to the claimed SHA-256"},
    errors::ErrcEntry{E::chunkNotInManifest, "chunk_not_in_manifest",
                      "the record's manifest has no chunk with this SHA-256"},
    errors::ErrcEntry{E::chunksMissing, "chunks_missing",
                      "chunks of the record are still missing; it cannot be committed"},
    errors::ErrcEntry{E::fileHashMismatch, "file_hash_mismatch",
                      "a file's chunks do not hash to the file's SHA-256 in the manifest"},
    errors::ErrcEntry{E::unknownRecord, "unknown_record", "no archived record has this id"},
    errors::ErrcEntry{E::notPermitted, "not_permitted", "this requester may not read this record"},
    errors::ErrcEntry{E::unknownFile, "unknown_file", "the record has no file of this name"},
    errors::ErrcEntry{E::corrupt, "corrupt",
                      "archived data failed verification (changed or damaged on disk)"},
};

const auto& category() noexcept {
    static const errors::TableCategory instance("tc.archive", kErrors);
    return instance;
}

} // namespace

const boost::system::error_category& archiveCategory() noexcept {
    return category();
}

std::string_view wireName(ArchiveErrc e) noexcept {
    return category().key(e);
}

std::optional<ArchiveErrc> archiveErrcFromWireName(std::string_view key) noexcept {
    return category().fromKey(key);
}

ArchiveFailure archiveFailure(ArchiveErrc code, std::string detail) {
    ArchiveFailure failure;
    failure.code = make_error_code(code);
    failure.detail = std::move(detail);
    return failure;
}

} // namespace tc::protocol

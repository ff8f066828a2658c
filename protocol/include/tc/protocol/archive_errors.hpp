#pragma once
// Typed errors of the consultation archive (archive_store.hpp, archive_index.hpp). Every value
// has a stable snake_case key (logs, the wire, the audit trail) and an English message; see
// protocol/README.md, "Archive store".

#include "tc/errors/outcome.hpp"

#include <boost/system/error_code.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tc::protocol {

enum class ArchiveErrc {
    // The archive key file.
    keyFileMissing = 1,
    keyFileWrongSize,
    keyFileUnreadable,
    keyFileExposed,
    keyFileUnwritable,
    // Opening the store.
    wrongArchiveKey,
    storeInUse,
    storageFailure,
    indexFailure,
    cryptoFailure,
    // The manifest of an upload.
    invalidRecordId,
    invalidOwner,
    invalidFileName,
    duplicateFileName,
    invalidManifest,
    // Limits (ArchiveLimits), each its own code.
    chunkTooLarge,
    tooManyFiles,
    tooManyChunks,
    recordTooLarge,
    quotaExceeded,
    nameTooLong,
    // Uploads.
    unknownUpload,
    manifestConflict,
    hashMismatch,
    chunkNotInManifest,
    chunksMissing,
    fileHashMismatch,
    // Reading.
    unknownRecord,
    notPermitted,
    unknownFile,
    corrupt,
};

const boost::system::error_category& archiveCategory() noexcept;

inline boost::system::error_code make_error_code(ArchiveErrc e) noexcept {
    return {static_cast<int>(e), archiveCategory()};
}

// Stable snake_case key, e.g. "wrong_archive_key".
std::string_view wireName(ArchiveErrc e) noexcept;
std::optional<ArchiveErrc> archiveErrcFromWireName(std::string_view key) noexcept;

// A failure of the archive: its code, a detail for logs (which file, which limit), and for
// `chunksMissing` how many distinct chunks the store still lacks.
struct ArchiveFailure : errors::Failure {
    std::size_t missingChunks = 0;
};

ArchiveFailure archiveFailure(ArchiveErrc code, std::string detail = {});

template <class T> using ArchiveResult = errors::Outcome<T, ArchiveFailure>;

} // namespace tc::protocol

namespace boost::system {
template <> struct is_error_code_enum<tc::protocol::ArchiveErrc> : std::true_type {};
} // namespace boost::system

#pragma once
// The archive's wire format, shared by the service (its HTTPS routes) and ArchiveClient: the
// routes, the JSON bodies, the error keys and the HTTP status each error is answered with. See
// protocol/README.md, "Archive transfer".
//
// Transport: HTTP/1.1 over the rendezvous service's TLS 1.3 port, with the client certificate
// as the only credential. The owner of an upload is the certificate's RPPS, never a field of a
// request.

#include "tc/errors/outcome.hpp"
#include "tc/protocol/archive_store.hpp"
#include "tc/protocol/envelope.hpp"
#include "tc/protocol/errc/archive_transfer_errc.hpp"

#include <boost/system/error_code.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

// The stable key of an error of the archive (ArchiveErrc), of the transfer
// (ArchiveTransferErrc) or of the protocol (Errc); "unknown" otherwise.
std::string_view archiveErrorKey(const boost::system::error_code& code) noexcept;
// The error a key names; an ArchiveErrc first, then ArchiveTransferErrc, then Errc (the
// protocol's "storage_failure" is never sent by the archive routes).
std::optional<boost::system::error_code> archiveErrorFromKey(std::string_view key) noexcept;
// The HTTP status the service answers `code` with (400, 403, 404, 405, 409, 410 for a file
// purged by media retention, 411, 413, 500, 503, 507).
unsigned archiveHttpStatus(const boost::system::error_code& code) noexcept;

// --- Routes --------------------------------------------------------------------------------

inline constexpr std::string_view kArchiveRoutePrefix = "/archive/v1";

std::string archiveLimitsPath();                                                     // GET
std::string archiveRecordsPath();                                                    // GET
std::string archiveUploadPath(std::string_view recordId);                            // POST
std::string archiveChunkPath(std::string_view recordId, const Sha256Digest& sha256); // PUT
std::string archiveCommitPath(std::string_view recordId);                            // POST
std::string archiveFilesPath(std::string_view recordId);                             // GET
std::string archiveFilePath(std::string_view recordId, std::string_view name);       // GET

// The `Repr-Digest` header of a file download (RFC 9530): "sha-256=:<base64>:".
std::string reprDigest(const Sha256Digest& sha256);
std::optional<Sha256Digest> parseReprDigest(std::string_view header);

// --- Bodies --------------------------------------------------------------------------------

// What a service accepts, announced by GET /archive/v1/limits.
struct ArchiveTransferLimits {
    ArchiveLimits store;                       // the store's limits (chunk size, files, ...)
    std::uint64_t maxManifestBytes = 16 << 20; // body of the upload request
};

template <class T> using ArchiveParsed = boost::system::result<T, ParseError>;

// POST .../upload: the files and consent scopes; the record id is the path's, the owner the
// certificate's (unknown fields, "owner_rpps" among them, are refused).
nlohmann::json manifestBodyToJson(const UploadManifest& manifest);
// `recordId` is set from the path, `ownerRpps` left empty for the service to fill. At most
// `maxFiles` files and `maxChunks` chunk entries in all are read (invalid_field beyond).
ArchiveParsed<UploadManifest> manifestBodyFromJson(const nlohmann::json& body, std::string recordId,
                                                   std::size_t maxFiles, std::size_t maxChunks);

nlohmann::json toJson(const ArchiveTransferLimits& limits);
nlohmann::json toJson(const UploadState& state);
nlohmann::json toJson(const ChunkReceipt& receipt);
nlohmann::json toJson(const RecordSummary& summary);
nlohmann::json recordListToJson(const std::vector<RecordSummary>& records);
nlohmann::json fileListToJson(std::string_view recordId, const std::vector<ArchivedFile>& files);

ArchiveParsed<ArchiveTransferLimits> limitsFromJson(const nlohmann::json& body);
ArchiveParsed<UploadState> uploadStateFromJson(const nlohmann::json& body);
ArchiveParsed<ChunkReceipt> chunkReceiptFromJson(const nlohmann::json& body);
ArchiveParsed<RecordSummary> recordSummaryFromJson(const nlohmann::json& body);
ArchiveParsed<std::vector<RecordSummary>> recordListFromJson(const nlohmann::json& body);
ArchiveParsed<std::vector<ArchivedFile>> fileListFromJson(const nlohmann::json& body);

// Every error answer: {"error": key, "message": text[, "missing": n for chunks_missing]}.
struct ArchiveErrorBody {
    std::string error;
    std::string message;
    std::optional<std::uint64_t> missing;
};
nlohmann::json toJson(const ArchiveErrorBody& body);
ArchiveParsed<ArchiveErrorBody> errorBodyFromJson(const nlohmann::json& body);

} // namespace tc::protocol

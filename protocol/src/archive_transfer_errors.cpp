// The archive transfer's errors, their HTTP statuses, its routes and the Repr-Digest header.

#include "tc/errors/error_table.hpp"
#include "tc/protocol/archive_transfer.hpp"

#include <array>
#include <openssl/evp.h>

namespace tc::protocol {
namespace {

using T = ArchiveTransferErrc;

constexpr std::array kTransferErrors{
    errors::ErrcEntry{T::unknownRoute, "unknown_route", "no archive route has this path"},
    errors::ErrcEntry{T::methodNotAllowed, "method_not_allowed",
                      "this archive route does not take this method"},
    errors::ErrcEntry{T::lengthRequired, "length_required",
                      "a chunk must be sent with a Content-Length"},
    errors::ErrcEntry{T::requestTooLarge, "request_too_large",
                      "the request's header or body exceeds the service's limit"},
    errors::ErrcEntry{T::malformedRequest, "malformed_request",
                      "the request's path, header or body is not what the route takes"},
    errors::ErrcEntry{T::archiveUnavailable, "archive_unavailable",
                      "this rendezvous service holds no archive"},
    errors::ErrcEntry{T::serviceBusy, "service_busy",
                      "the service serves too many archive connections; try again later"},
    errors::ErrcEntry{T::badResponse, "bad_response",
                      "the service's answer does not follow the archive protocol"},
    errors::ErrcEntry{T::httpStatus, "http_status",
                      "the service answered with an HTTP error that names no known error"},
    errors::ErrcEntry{T::sourceUnreadable, "source_unreadable",
                      "a file of the record cannot be listed or read"},
    errors::ErrcEntry{T::sourceChanged, "source_changed",
                      "a file of the record changed on disk during the upload"},
    errors::ErrcEntry{T::journalFailure, "journal_failure",
                      "the upload queue's journal cannot be written or read"},
    errors::ErrcEntry{T::cancelled, "cancelled", "the archive client was stopped"},
};

const auto& transferCategory() noexcept {
    static const errors::TableCategory instance("tc.archive_transfer", kTransferErrors);
    return instance;
}

} // namespace

const boost::system::error_category& archiveTransferCategory() noexcept {
    return transferCategory();
}

std::string_view archiveErrorKey(const boost::system::error_code& code) noexcept {
    if (code.category() == archiveCategory()) {
        return wireName(static_cast<ArchiveErrc>(code.value()));
    }
    if (code.category() == archiveTransferCategory()) {
        return transferCategory().key(static_cast<ArchiveTransferErrc>(code.value()));
    }
    if (code.category() == protocolCategory()) {
        return wireName(static_cast<Errc>(code.value()));
    }
    return "unknown";
}

std::optional<boost::system::error_code> archiveErrorFromKey(std::string_view key) noexcept {
    if (const auto archive = archiveErrcFromWireName(key)) {
        return make_error_code(*archive);
    }
    if (const auto transfer = transferCategory().fromKey(key)) {
        return make_error_code(*transfer);
    }
    if (const auto protocol = errcFromWireName(key)) {
        return make_error_code(*protocol);
    }
    return std::nullopt;
}

unsigned archiveHttpStatus(const boost::system::error_code& code) noexcept {
    if (code.category() == archiveCategory()) {
        switch (static_cast<ArchiveErrc>(code.value())) {
        case ArchiveErrc::invalidRecordId:
        case ArchiveErrc::invalidOwner:
        case ArchiveErrc::invalidFileName:
        case ArchiveErrc::duplicateFileName:
        case ArchiveErrc::invalidManifest:
        case ArchiveErrc::hashMismatch:
        case ArchiveErrc::chunkNotInManifest:
            return 400;
        case ArchiveErrc::notPermitted:
            return 403;
        case ArchiveErrc::unknownUpload:
        case ArchiveErrc::unknownRecord:
        case ArchiveErrc::unknownFile:
            return 404;
        case ArchiveErrc::manifestConflict:
        case ArchiveErrc::chunksMissing:
        case ArchiveErrc::fileHashMismatch:
            return 409;
        case ArchiveErrc::chunkTooLarge:
        case ArchiveErrc::tooManyFiles:
        case ArchiveErrc::tooManyChunks:
        case ArchiveErrc::recordTooLarge:
        case ArchiveErrc::nameTooLong:
            return 413;
        case ArchiveErrc::quotaExceeded:
        case ArchiveErrc::storageFailure:
            return 507;
        default:
            return 500; // key file, index, crypto, corrupt: the service's own failure
        }
    }
    if (code.category() == archiveTransferCategory()) {
        switch (static_cast<ArchiveTransferErrc>(code.value())) {
        case T::unknownRoute:
            return 404;
        case T::methodNotAllowed:
            return 405;
        case T::lengthRequired:
            return 411;
        case T::requestTooLarge:
            return 413;
        case T::malformedRequest:
            return 400;
        case T::archiveUnavailable:
        case T::serviceBusy:
            return 503;
        default:
            return 500;
        }
    }
    if (code.category() == protocolCategory()) {
        switch (static_cast<Errc>(code.value())) {
        case Errc::badIdentity:
        case Errc::invalidRpps:
        case Errc::forbiddenRole:
        case Errc::unknownSession:
            return 403;
        case Errc::malformedJson:
        case Errc::missingField:
        case Errc::wrongFieldType:
        case Errc::invalidField:
        case Errc::unknownField:
            return 400;
        default:
            return 500;
        }
    }
    return 500;
}

std::string archiveLimitsPath() {
    return std::string(kArchiveRoutePrefix) + "/limits";
}

std::string archiveRecordsPath() {
    return std::string(kArchiveRoutePrefix) + "/records";
}

std::string archiveUploadPath(std::string_view recordId) {
    return archiveRecordsPath() + "/" + std::string(recordId) + "/upload";
}

std::string archiveChunkPath(std::string_view recordId, const Sha256Digest& sha256) {
    return archiveRecordsPath() + "/" + std::string(recordId) + "/chunks/" + toHex(sha256);
}

std::string archiveCommitPath(std::string_view recordId) {
    return archiveRecordsPath() + "/" + std::string(recordId) + "/commit";
}

std::string archiveFilesPath(std::string_view recordId) {
    return archiveRecordsPath() + "/" + std::string(recordId) + "/files";
}

std::string archiveFilePath(std::string_view recordId, std::string_view name) {
    return archiveFilesPath(recordId) + "/" + std::string(name);
}

std::string reprDigest(const Sha256Digest& sha256) {
    std::array<unsigned char, 48> encoded{};
    const int n = EVP_EncodeBlock(encoded.data(), sha256.data(), static_cast<int>(sha256.size()));
    return "sha-256=:" +
           std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(n)) +
           ":";
}

std::optional<Sha256Digest> parseReprDigest(std::string_view header) {
    // One member is all this service sends; take the sha-256 one if several are listed.
    const auto start = header.find("sha-256=:");
    if (start == std::string_view::npos) {
        return std::nullopt;
    }
    const auto value = header.substr(start + 9);
    const auto end = value.find(':');
    if (end != 44) { // 32 bytes are 44 base64 characters, one '=' of padding
        return std::nullopt;
    }
    std::array<unsigned char, 33> decoded{};
    if (EVP_DecodeBlock(decoded.data(), reinterpret_cast<const unsigned char*>(value.data()), 44) !=
            33 ||
        value[43] != '=') {
        return std::nullopt;
    }
    Sha256Digest digest{};
    std::copy_n(decoded.begin(), digest.size(), digest.begin());
    return digest;
}

} // namespace tc::protocol

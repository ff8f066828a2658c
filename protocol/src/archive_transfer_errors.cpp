// The archive transfer's errors, their HTTP statuses, its routes and the Repr-Digest header.

#include "tc/protocol/archive_transfer.hpp"
#include "tc/protocol/browser_token.hpp"
#include "tc/protocol/review_index.hpp"

#include <array>
#include <openssl/evp.h>

namespace tc::protocol {
namespace {

using T = ArchiveTransferErrc;

} // namespace

std::string_view archiveErrorKey(const boost::system::error_code& code) noexcept {
    if (code.category() == archiveCategory()) {
        return wireName(static_cast<ArchiveErrc>(code.value()));
    }
    if (code.category() == archiveTransferCategory()) {
        return wireName(static_cast<ArchiveTransferErrc>(code.value()));
    }
    if (code.category() == protocolCategory()) {
        return wireName(static_cast<Errc>(code.value()));
    }
    if (code.category() == reviewCategory()) {
        return wireName(static_cast<ReviewErrc>(code.value()));
    }
    if (code.category() == browserCategory()) {
        return wireName(static_cast<BrowserErrc>(code.value()));
    }
    return "unknown";
}

std::optional<boost::system::error_code> archiveErrorFromKey(std::string_view key) noexcept {
    if (const auto archive = archiveErrcFromWireName(key)) {
        return make_error_code(*archive);
    }
    if (const auto transfer = archiveTransferErrcFromWireName(key)) {
        return make_error_code(*transfer);
    }
    if (const auto protocol = errcFromWireName(key)) {
        return make_error_code(*protocol);
    }
    if (const auto review = reviewErrcFromWireName(key)) {
        return make_error_code(*review);
    }
    if (const auto browser = browserErrcFromWireName(key)) {
        return make_error_code(*browser);
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
        case ArchiveErrc::purged:
            return 410;
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
        case Errc::invalidCpts:
        case Errc::unexpectedCpts:
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
    if (code.category() == reviewCategory()) {
        switch (static_cast<ReviewErrc>(code.value())) {
        case ReviewErrc::invalidFilter:
        case ReviewErrc::filterTooLarge:
        case ReviewErrc::invalidQuarter:
            return 400;
        case ReviewErrc::identityBearing:
        case ReviewErrc::siteNotCovered:
            return 403;
        case ReviewErrc::auditUnavailable:
        case ReviewErrc::auditFailed:
        case ReviewErrc::reviewUnavailable:
            return 503;
        default:
            return 500;
        }
    }
    if (code.category() == browserCategory()) {
        return browserHttpStatus(static_cast<BrowserErrc>(code.value()));
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

// The archive's manifest: validation, uploader helpers, the sealed encoding, and the per-record
// keys derived from the data key.

#include "archive_internal.hpp"
#include "tc/prescriptions/rpps.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

namespace tc::protocol {
namespace {

using archive::asBytes;

bool isRecordIdChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

bool isNameChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '/' || c == '-';
}

bool isValidRecordId(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), isRecordIdChar) &&
           id.front() != '_' && id.front() != '-';
}

// Relative, no empty, "." or ".." segment. The length limit is checked apart.
bool isValidName(std::string_view name) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), isNameChar)) {
        return false;
    }
    std::size_t start = 0;
    while (start <= name.size()) {
        const auto end = std::min(name.find('/', start), name.size());
        const auto segment = name.substr(start, end - start);
        if (segment.empty() || segment == "." || segment == "..") {
            return false;
        }
        start = end + 1;
    }
    return true;
}

// a + b, or the largest value when it overflows (then above every limit).
std::uint64_t saturatingAdd(std::uint64_t a, std::uint64_t b) {
    return a > std::numeric_limits<std::uint64_t>::max() - b
               ? std::numeric_limits<std::uint64_t>::max()
               : a + b;
}

ArchiveFailure fail(ArchiveErrc code, std::string detail) {
    return archiveFailure(code, std::move(detail));
}

} // namespace

ArchiveResult<void> validateManifest(const UploadManifest& manifest, const ArchiveLimits& limits) {
    if (!isValidRecordId(manifest.recordId)) {
        return fail(ArchiveErrc::invalidRecordId, "record id '" + manifest.recordId + "'");
    }
    if (!prescriptions::isValidRpps(manifest.ownerRpps)) {
        return fail(ArchiveErrc::invalidOwner, "owner '" + manifest.ownerRpps + "'");
    }
    if (manifest.files.empty()) {
        return fail(ArchiveErrc::invalidManifest, "the record has no file");
    }
    if (manifest.files.size() > limits.maxFilesPerRecord) {
        return fail(ArchiveErrc::tooManyFiles, std::to_string(manifest.files.size()) +
                                                   " files, at most " +
                                                   std::to_string(limits.maxFilesPerRecord));
    }
    std::set<std::string_view> names;
    std::map<Sha256Digest, std::uint32_t> chunkSizes;
    std::uint64_t recordBytes = 0;
    std::uint64_t chunkCount = 0;
    for (const auto& file : manifest.files) {
        if (file.name.size() > limits.maxNameLength) {
            return fail(ArchiveErrc::nameTooLong, std::to_string(file.name.size()) +
                                                      " bytes, at most " +
                                                      std::to_string(limits.maxNameLength));
        }
        if (!isValidName(file.name)) {
            return fail(ArchiveErrc::invalidFileName, "'" + file.name + "'");
        }
        if (!names.insert(file.name).second) {
            return fail(ArchiveErrc::duplicateFileName, "'" + file.name + "'");
        }
        std::uint64_t fileBytes = 0;
        for (const auto& chunk : file.chunks) {
            if (chunk.size == 0) {
                return fail(ArchiveErrc::invalidManifest, "an empty chunk in '" + file.name + "'");
            }
            if (chunk.size > limits.maxChunkBytes) {
                return fail(ArchiveErrc::chunkTooLarge, std::to_string(chunk.size) + " bytes in '" +
                                                            file.name + "', at most " +
                                                            std::to_string(limits.maxChunkBytes));
            }
            const auto [known, inserted] = chunkSizes.emplace(chunk.sha256, chunk.size);
            if (!inserted && known->second != chunk.size) {
                return fail(ArchiveErrc::invalidManifest,
                            "one chunk hash with two sizes in '" + file.name + "'");
            }
            fileBytes += chunk.size; // at most 2^32 chunks of 2^32 bytes: no overflow
        }
        chunkCount += file.chunks.size();
        if (fileBytes != file.size) {
            return fail(ArchiveErrc::invalidManifest,
                        "the chunks of '" + file.name + "' do not add up to its size");
        }
        if (file.size == 0 && file.sha256 != sha256Of({})) {
            return fail(ArchiveErrc::invalidManifest,
                        "the empty file '" + file.name + "' has another hash");
        }
        recordBytes = saturatingAdd(recordBytes, file.size);
    }
    // A name may not be both a file and a directory ("a" and "a/b").
    for (const auto& name : names) {
        for (auto slash = name.find('/'); slash != std::string_view::npos;
             slash = name.find('/', slash + 1)) {
            if (names.contains(name.substr(0, slash))) {
                return fail(ArchiveErrc::invalidFileName, "'" + std::string(name.substr(0, slash)) +
                                                              "' is both a file and a directory");
            }
        }
    }
    if (chunkCount > limits.maxChunksPerRecord) {
        return fail(ArchiveErrc::tooManyChunks, std::to_string(chunkCount) + " chunks, at most " +
                                                    std::to_string(limits.maxChunksPerRecord));
    }
    if (recordBytes > limits.maxRecordBytes) {
        return fail(ArchiveErrc::recordTooLarge, std::to_string(recordBytes) + " bytes, at most " +
                                                     std::to_string(limits.maxRecordBytes));
    }
    return {};
}

ManifestFile describeFile(std::string name, std::span<const std::uint8_t> content,
                          std::uint32_t chunkBytes) {
    ManifestFile file;
    file.name = std::move(name);
    file.size = content.size();
    file.sha256 = sha256Of(content);
    if (chunkBytes == 0) {
        return file;
    }
    for (std::size_t offset = 0; offset < content.size(); offset += chunkBytes) {
        const auto piece =
            content.subspan(offset, std::min<std::size_t>(chunkBytes, content.size() - offset));
        file.chunks.push_back({sha256Of(piece), static_cast<std::uint32_t>(piece.size())});
    }
    return file;
}

std::span<const std::uint8_t> chunkOf(std::span<const std::uint8_t> content,
                                      std::uint32_t chunkBytes, std::size_t index) {
    const auto offset = static_cast<std::uint64_t>(index) * chunkBytes;
    if (chunkBytes == 0 || offset >= content.size()) {
        return {};
    }
    return content.subspan(static_cast<std::size_t>(offset),
                           std::min<std::size_t>(chunkBytes, content.size() - offset));
}

Sha256Digest sha256Of(std::span<const std::uint8_t> bytes) {
    return archive::sha256(bytes);
}

std::string toHex(const Sha256Digest& digest) {
    return archive::toHex(digest);
}

std::optional<Sha256Digest> sha256FromHex(std::string_view hex) {
    if (hex.size() != 64) {
        return std::nullopt;
    }
    Sha256Digest digest{};
    for (std::size_t i = 0; i < digest.size(); ++i) {
        int value = 0;
        for (const char c : hex.substr(2 * i, 2)) {
            value <<= 4;
            if (c >= '0' && c <= '9') {
                value |= c - '0';
            } else if (c >= 'a' && c <= 'f') {
                value |= c - 'a' + 10;
            } else {
                return std::nullopt;
            }
        }
        digest[i] = static_cast<std::uint8_t>(value);
    }
    return digest;
}

namespace archive {

RecordKeys RecordKeys::derive(const Secret& dataKey) {
    return {deriveKey(dataKey, "tc-archive chunk encryption v1"),
            deriveKey(dataKey, "tc-archive chunk nonce v1"),
            deriveKey(dataKey, "tc-archive chunk id v1")};
}

KeyedChunkId keyedChunkId(const RecordKeys& keys, const Sha256Digest& plaintextSha256) {
    return hmacSha256(keys.chunkId.bytes(), {asBytes("id"), plaintextSha256});
}

// The same plaintext under the same data key gives the same nonce, hence the same object: a
// chunk sent twice is stored once. Distinct plaintexts get distinct nonces.
Nonce chunkNonce(const RecordKeys& keys, const Sha256Digest& plaintextSha256) {
    const auto mac = hmacSha256(keys.nonce.bytes(), {asBytes("nonce"), plaintextSha256});
    Nonce nonce{};
    std::copy_n(mac.begin(), nonce.size(), nonce.begin());
    return nonce;
}

ArchiveBytes chunkAad(std::string_view recordId, const Sha256Digest& plaintextSha256) {
    ArchiveBytes aad;
    const auto label = asBytes(std::string_view("tc-archive chunk v1", 20)); // with its NUL
    aad.insert(aad.end(), label.begin(), label.end());
    const auto id = asBytes(recordId);
    aad.insert(aad.end(), id.begin(), id.end());
    aad.push_back(0);
    aad.insert(aad.end(), plaintextSha256.begin(), plaintextSha256.end());
    return aad;
}

ArchiveBytes manifestAad(std::string_view recordId) {
    ArchiveBytes aad;
    const auto label = asBytes(std::string_view("tc-archive manifest v1", 23));
    aad.insert(aad.end(), label.begin(), label.end());
    const auto id = asBytes(recordId);
    aad.insert(aad.end(), id.begin(), id.end());
    return aad;
}

ArchiveBytes keyCheckValue(const Secret& archiveKey) {
    const auto mac = hmacSha256(archiveKey.bytes(), {asBytes("tc-archive key check v1")});
    return ArchiveBytes(mac.begin(), mac.end());
}

std::vector<ChunkRef> distinctChunks(const UploadManifest& manifest) {
    std::vector<ChunkRef> chunks;
    std::set<Sha256Digest> seen;
    for (const auto& file : manifest.files) {
        for (const auto& chunk : file.chunks) {
            if (seen.insert(chunk.sha256).second) {
                chunks.push_back(chunk);
            }
        }
    }
    return chunks;
}

// The manifest as JSON (it is sealed before it reaches the disk). Hashes in hex; each chunk
// is [hash, size].
ArchiveBytes encodeManifest(const UploadManifest& manifest) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& file : manifest.files) {
        nlohmann::json chunks = nlohmann::json::array();
        for (const auto& chunk : file.chunks) {
            chunks.push_back(nlohmann::json::array({toHex(chunk.sha256), chunk.size}));
        }
        files.push_back({{"name", file.name},
                         {"size", file.size},
                         {"sha256", toHex(file.sha256)},
                         {"chunks", std::move(chunks)}});
    }
    const nlohmann::json document = {{"v", 1},
                                     {"record", manifest.recordId},
                                     {"owner", manifest.ownerRpps},
                                     {"care", manifest.consent.care},
                                     {"quality_review", manifest.consent.qualityReview},
                                     {"files", std::move(files)}};
    const auto text = document.dump();
    return ArchiveBytes(text.begin(), text.end());
}

std::optional<UploadManifest> decodeManifest(std::span<const std::uint8_t> encoded) {
    // Written by encodeManifest and authenticated by GCM: any surprise is damage, reported as
    // nullopt (nlohmann's exceptions stay in here).
    try {
        const auto document = nlohmann::json::parse(encoded.begin(), encoded.end());
        if (document.at("v").get<int>() != 1) {
            return std::nullopt;
        }
        UploadManifest manifest;
        manifest.recordId = document.at("record").get<std::string>();
        manifest.ownerRpps = document.at("owner").get<std::string>();
        manifest.consent.care = document.at("care").get<bool>();
        manifest.consent.qualityReview = document.at("quality_review").get<bool>();
        for (const auto& f : document.at("files")) {
            ManifestFile file;
            file.name = f.at("name").get<std::string>();
            file.size = f.at("size").get<std::uint64_t>();
            const auto fileHash = sha256FromHex(f.at("sha256").get<std::string>());
            if (!fileHash) {
                return std::nullopt;
            }
            file.sha256 = *fileHash;
            for (const auto& c : f.at("chunks")) {
                const auto chunkHash = sha256FromHex(c.at(0).get<std::string>());
                if (!chunkHash || c.size() != 2) {
                    return std::nullopt;
                }
                file.chunks.push_back({*chunkHash, c.at(1).get<std::uint32_t>()});
            }
            manifest.files.push_back(std::move(file));
        }
        return manifest;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

} // namespace archive
} // namespace tc::protocol

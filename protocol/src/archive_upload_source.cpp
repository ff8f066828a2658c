// A record's source files: listing a directory, the manifest read from the files, and chunks
// read back when the service asks for them.

#include "archive_upload_source.hpp"

#include "archive_crypto.hpp"
#include "tc/protocol/posix_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tc::protocol {

ArchiveClientFailure archiveClientFailure(boost::system::error_code code, std::string detail) {
    ArchiveClientFailure failure;
    failure.code = code;
    failure.detail = std::move(detail);
    return failure;
}

namespace {

ArchiveClientFailure unreadable(const std::filesystem::path& path, const std::string& why) {
    return archiveClientFailure(make_error_code(ArchiveTransferErrc::sourceUnreadable),
                                path.string() + ": " + why);
}

ArchiveClientFailure changed(const std::filesystem::path& path) {
    return archiveClientFailure(make_error_code(ArchiveTransferErrc::sourceChanged), path.string());
}

// Opens a source file to read, never through a symbolic link.
UniqueFd openSource(const std::filesystem::path& path) {
    return UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
}

// Reads exactly `out.size()` bytes at `offset`; false on a short read (the file shrank, error 0).
bool readAt(int fd, std::uint64_t offset, std::span<std::uint8_t> out, int& error) {
    const auto got = readFull(fd, out.data(), out.size(), static_cast<off_t>(offset));
    if (!got) {
        error = errno;
        return false;
    }
    error = 0;
    return *got == out.size();
}

} // namespace

bool ArchiveClientFailure::transient() const noexcept {
    if (httpStatus != 0) {
        return httpStatus >= 500;
    }
    if (code == ArchiveTransferErrc::sourceUnreadable || code == ArchiveTransferErrc::badResponse ||
        code == Errc::noCertificate || code == Errc::unknownCa ||
        code == Errc::certificateExpired || code == Errc::certificateRejected ||
        code == Errc::badIdentity || code == Errc::invalidRpps || code == Errc::pkiFailure) {
        return false;
    }
    return true; // no answer, a timeout, cancelled, a source that changed while read
}

ArchiveClientResult<UploadSource> uploadSourceFromDirectory(std::string recordId,
                                                            const std::filesystem::path& directory,
                                                            ConsentScopes consent) {
    UploadSource source{std::move(recordId), consent, {}};
    std::error_code ec;
    const auto status = std::filesystem::symlink_status(directory, ec);
    if (ec || !std::filesystem::is_directory(status)) {
        return unreadable(directory, "not a directory");
    }
    std::filesystem::recursive_directory_iterator it(directory, ec);
    for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        const auto entry = it->symlink_status(ec);
        if (ec) {
            break;
        }
        if (std::filesystem::is_directory(entry)) {
            continue;
        }
        if (!std::filesystem::is_regular_file(entry)) {
            return unreadable(it->path(), "not a regular file");
        }
        source.files.push_back(
            {std::filesystem::relative(it->path(), directory, ec).generic_string(), it->path()});
    }
    if (ec) {
        return unreadable(directory, ec.message());
    }
    if (source.files.empty()) {
        return unreadable(directory, "the directory holds no file");
    }
    std::sort(source.files.begin(), source.files.end(),
              [](const UploadFile& a, const UploadFile& b) { return a.name < b.name; });
    return source;
}

namespace detail {

ArchiveClientResult<UploadPlan> planUpload(const UploadSource& source, std::uint32_t chunkBytes) {
    if (chunkBytes == 0) {
        return archiveClientFailure(make_error_code(ArchiveErrc::invalidManifest),
                                    "a chunk size of 0");
    }
    UploadPlan plan;
    plan.manifest.recordId = source.recordId;
    plan.manifest.consent = source.consent;
    ArchiveBytes block(chunkBytes);
    for (const auto& file : source.files) {
        const auto fd = openSource(file.path);
        struct stat info {};
        if (fd.get() < 0 || ::fstat(fd.get(), &info) != 0) {
            return unreadable(file.path, std::strerror(errno));
        }
        if (!S_ISREG(info.st_mode)) {
            return unreadable(file.path, "not a regular file");
        }
        ManifestFile entry;
        entry.name = file.name;
        entry.size = static_cast<std::uint64_t>(info.st_size);
        archive::Sha256Stream whole;
        for (std::uint64_t offset = 0; offset < entry.size; offset += chunkBytes) {
            const auto size = static_cast<std::uint32_t>(
                std::min<std::uint64_t>(chunkBytes, entry.size - offset));
            const std::span<std::uint8_t> bytes(block.data(), size);
            int error = 0;
            if (!readAt(fd.get(), offset, bytes, error)) {
                return error != 0 ? unreadable(file.path, std::strerror(error))
                                  : changed(file.path);
            }
            whole.update(bytes);
            const ChunkRef ref{sha256Of(bytes), size};
            entry.chunks.push_back(ref);
            if (plan.locations.emplace(ref.sha256, detail::ChunkLocation{file.path, offset, size})
                    .second) {
                plan.distinctBytes += size;
            }
        }
        entry.sha256 = whole.finish();
        plan.manifest.files.push_back(std::move(entry));
    }
    return plan;
}

ArchiveClientResult<ArchiveBytes> readChunk(const ChunkLocation& where,
                                            const Sha256Digest& sha256) {
    const auto fd = openSource(where.path);
    if (fd.get() < 0) {
        return unreadable(where.path, std::strerror(errno));
    }
    ArchiveBytes bytes(where.size);
    int error = 0;
    if (!readAt(fd.get(), where.offset, bytes, error)) {
        return error != 0 ? unreadable(where.path, std::strerror(error)) : changed(where.path);
    }
    if (sha256Of(bytes) != sha256) {
        return changed(where.path);
    }
    return bytes;
}

} // namespace detail

ArchiveClientResult<UploadManifest> describeSource(const UploadSource& source,
                                                   std::uint32_t chunkBytes) {
    auto plan = detail::planUpload(source, chunkBytes);
    if (!plan) {
        return plan.error();
    }
    return std::move(plan->manifest);
}

} // namespace tc::protocol

// The archive's files: durable writes, reads, verified chunk objects, and the key file.

#include "archive_internal.hpp"
#include "tc/protocol/posix_io.hpp"

#include <cerrno>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace tc::protocol {
namespace archive {
namespace {

// Reads the whole of `fd` (at most maxBytes; one more byte means too large).
std::optional<ArchiveBytes> readAll(int fd, std::size_t maxBytes, bool& tooLarge) {
    tooLarge = false;
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        return std::nullopt;
    }
    if (static_cast<std::uint64_t>(info.st_size) > maxBytes) {
        tooLarge = true;
        return std::nullopt;
    }
    ArchiveBytes bytes(static_cast<std::size_t>(info.st_size));
    const auto got = readFull(fd, bytes.data(), bytes.size());
    if (!got) {
        return std::nullopt;
    }
    bytes.resize(*got); // shorter when the file shrank meanwhile
    return bytes;
}

} // namespace

ArchiveFailure storageFailure(std::string what, const std::filesystem::path& path, int error) {
    return archiveFailure(ArchiveErrc::storageFailure, what + " " + path.string() + ": " +
                                                           std::system_category().message(error));
}

ArchiveResult<void> fsyncDirectory(const std::filesystem::path& directory) {
    UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
        return storageFailure("cannot sync directory", directory, errno);
    }
    return {};
}

ArchiveResult<void> ensureDirectory(const std::filesystem::path& directory) {
    if (::mkdir(directory.c_str(), 0700) == 0) {
        const auto parent =
            directory.has_parent_path() ? directory.parent_path() : std::filesystem::path(".");
        return fsyncDirectory(parent);
    }
    if (errno != EEXIST) {
        return storageFailure("cannot create directory", directory, errno);
    }
    struct stat info {};
    if (::stat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
        return storageFailure("not a directory:", directory, ENOTDIR);
    }
    return {};
}

ArchiveResult<std::optional<ArchiveBytes>> readFile(const std::filesystem::path& path,
                                                    std::size_t maxBytes) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) {
            return std::optional<ArchiveBytes>();
        }
        return storageFailure("cannot open", path, errno);
    }
    bool tooLarge = false;
    auto bytes = readAll(fd.get(), maxBytes, tooLarge);
    if (!bytes) {
        return storageFailure(tooLarge ? "too large:" : "cannot read", path,
                              tooLarge ? EFBIG : errno);
    }
    return std::optional<ArchiveBytes>(std::move(*bytes));
}

ArchiveResult<void> writeDurably(const std::filesystem::path& tempDir,
                                 const std::filesystem::path& path,
                                 std::span<const std::uint8_t> bytes) {
    // Already there with these bytes: written before a crash (an orphan, not yet indexed) or
    // by a concurrent writer. Make sure it is on disk, and keep it.
    {
        UniqueFd existing(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (existing.get() >= 0) {
            bool tooLarge = false;
            const auto current = readAll(existing.get(), bytes.size(), tooLarge);
            if (current && current->size() == bytes.size() &&
                std::equal(current->begin(), current->end(), bytes.begin())) {
                if (::fsync(existing.get()) != 0) {
                    return storageFailure("cannot sync", path, errno);
                }
                return fsyncDirectory(path.parent_path());
            }
            // Different bytes under a content name: damage. Replaced below.
        }
    }
    std::array<std::uint8_t, 12> random{};
    if (!randomBytes(random)) {
        return archiveFailure(ArchiveErrc::cryptoFailure, "random temp name");
    }
    const auto temp = tempDir / (toHex(random) + ".part");
    UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
        return storageFailure("cannot create", temp, errno);
    }
    if (!writeAll(fd.get(), bytes.data(), bytes.size()) || ::fsync(fd.get()) != 0 || !fd.close()) {
        const int error = errno;
        ::unlink(temp.c_str());
        return storageFailure("cannot write", temp, error);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        return storageFailure("cannot rename to", path, error);
    }
    return fsyncDirectory(path.parent_path());
}

bool isObjectName(std::string_view name) noexcept {
    return name.size() == 64 && name.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::filesystem::path objectPath(const std::filesystem::path& objectsDir, std::string_view name) {
    return objectsDir / std::string(name.substr(0, 2)) / std::string(name.substr(2));
}

ArchiveResult<ArchiveBytes> readChunk(const std::filesystem::path& objectsDir,
                                      std::string_view recordId, const RecordKeys& keys,
                                      const ChunkRef& chunk, std::string_view objectName) {
    const auto corrupt = [&](std::string what) {
        return archiveFailure(ArchiveErrc::corrupt, "record " + std::string(recordId) +
                                                        ", object " + std::string(objectName) +
                                                        ": " + std::move(what));
    };
    if (!isObjectName(objectName)) {
        return corrupt("not an object name");
    }
    const auto path = objectPath(objectsDir, objectName);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        return errno == ENOENT ? corrupt("missing") : storageFailure("cannot open", path, errno);
    }
    bool tooLarge = false;
    const auto object = readAll(fd.get(), chunk.size + kSealOverhead, tooLarge);
    if (!object) {
        return tooLarge ? corrupt("larger than its chunk")
                        : storageFailure("cannot read", path, errno);
    }
    if (toHex(sha256(*object)) != objectName) {
        return corrupt("its bytes do not hash to its name");
    }
    auto plaintext = unseal(keys.encryption, chunkAad(recordId, chunk.sha256), *object);
    if (!plaintext) {
        return corrupt("the GCM tag does not verify");
    }
    if (plaintext->size() != chunk.size || sha256(*plaintext) != chunk.sha256) {
        return corrupt("the plaintext does not match the manifest");
    }
    return std::move(*plaintext);
}

} // namespace archive

// --- ArchiveKey ---

ArchiveKey::ArchiveKey(const ArchiveKey& other) noexcept
    : m_bytes(other.m_bytes) {}

ArchiveKey& ArchiveKey::operator=(const ArchiveKey& other) noexcept {
    m_bytes = other.m_bytes;
    return *this;
}

ArchiveKey::~ArchiveKey() {
    OPENSSL_cleanse(m_bytes.data(), m_bytes.size());
}

ArchiveResult<ArchiveKey> ArchiveKey::load(const std::filesystem::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        return archiveFailure(errno == ENOENT ? ArchiveErrc::keyFileMissing
                                              : ArchiveErrc::keyFileUnreadable,
                              path.string() + ": " + std::system_category().message(errno));
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
        return archiveFailure(ArchiveErrc::keyFileUnreadable,
                              path.string() + " is not a regular file");
    }
    if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        return archiveFailure(ArchiveErrc::keyFileExposed,
                              path.string() + " must be mode 0600 or stricter");
    }
    if (info.st_size != static_cast<off_t>(kBytes)) {
        return archiveFailure(ArchiveErrc::keyFileWrongSize,
                              path.string() + " holds " + std::to_string(info.st_size) + " bytes");
    }
    ArchiveKey key;
    const auto got = readFull(fd.get(), key.m_bytes.data(), kBytes);
    if (!got) {
        return archiveFailure(ArchiveErrc::keyFileUnreadable,
                              path.string() + ": " + std::system_category().message(errno));
    }
    if (*got < kBytes) {
        return archiveFailure(ArchiveErrc::keyFileWrongSize, path.string() + " is short");
    }
    return key;
}

ArchiveResult<ArchiveKey> ArchiveKey::loadOrCreate(const std::filesystem::path& path) {
    auto loaded = load(path);
    if (loaded || loaded.error().code != make_error_code(ArchiveErrc::keyFileMissing)) {
        return loaded;
    }
    // Written in full and synced under a temporary name, then published with link(2), which
    // fails if another process published one first: nobody ever reads half a key.
    ArchiveKey key;
    if (!archive::randomBytes(key.m_bytes)) {
        return archiveFailure(ArchiveErrc::cryptoFailure, "random archive key");
    }
    const auto directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::array<std::uint8_t, 8> random{};
    if (!archive::randomBytes(random)) {
        return archiveFailure(ArchiveErrc::cryptoFailure, "random temp name");
    }
    const auto temp = directory / ("." + path.filename().string() + "." + archive::toHex(random));
    const auto unwritable = [&](const std::filesystem::path& p, int error) {
        ::unlink(temp.c_str());
        return archiveFailure(ArchiveErrc::keyFileUnwritable,
                              p.string() + ": " + std::system_category().message(error));
    };
    UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
        return unwritable(temp, errno);
    }
    if (!writeAll(fd.get(), key.m_bytes.data(), key.m_bytes.size()) || ::fsync(fd.get()) != 0 ||
        !fd.close()) {
        return unwritable(temp, errno);
    }
    if (::link(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        return error == EEXIST ? load(path) : unwritable(path, error);
    }
    ::unlink(temp.c_str());
    if (auto synced = archive::fsyncDirectory(directory); !synced) {
        return archiveFailure(ArchiveErrc::keyFileUnwritable, synced.error().detail);
    }
    return key;
}

} // namespace tc::protocol

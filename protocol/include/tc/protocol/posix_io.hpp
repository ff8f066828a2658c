#pragma once
// The POSIX file plumbing the libraries and tools share: a descriptor that closes itself, and
// whole reads and writes that ride over EINTR and short transfers. Durable files (the archive,
// the cabin's print ledger, recordings being repaired) are written with these and fsync(2).

#include <cerrno>
#include <cstddef>
#include <optional>
#include <sys/types.h>
#include <unistd.h>

namespace tc::protocol {

// A file descriptor (-1: none), closed when the scope ends.
class UniqueFd {
public:
    explicit UniqueFd(int fd) noexcept
        : m_fd(fd) {}
    ~UniqueFd() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    int get() const noexcept { return m_fd; }
    // close(2) reports a deferred write error; the caller checks it (errno says which).
    bool close() noexcept {
        const int fd = m_fd;
        m_fd = -1;
        return ::close(fd) == 0;
    }

private:
    int m_fd;
};

// Writes all `size` bytes. false when write(2) fails (errno says why) or writes nothing (errno
// 0): a part of the bytes may then be written.
inline bool writeAll(int fd, const void* data, std::size_t size) noexcept {
    const auto* bytes = static_cast<const char*>(data);
    std::size_t done = 0;
    while (done < size) {
        const auto n = ::write(fd, bytes + done, size - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = 0;
            }
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// Reads up to `size` bytes, from the file's position or, given `offset`, from there (pread(2)):
// fewer only at the end of the file. How many were read, or nullopt when read(2) fails (errno
// says why).
inline std::optional<std::size_t> readFull(int fd, void* data, std::size_t size,
                                           std::optional<off_t> offset = std::nullopt) noexcept {
    auto* bytes = static_cast<char*>(data);
    std::size_t done = 0;
    while (done < size) {
        const auto n =
            offset ? ::pread(fd, bytes + done, size - done, *offset + static_cast<off_t>(done))
                   : ::read(fd, bytes + done, size - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return std::nullopt;
        }
        if (n == 0) {
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    return done;
}

} // namespace tc::protocol

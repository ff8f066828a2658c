#include "durable_file.hpp"

#include <QDir>
#include <QFileInfo>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace tc::app {

namespace {

boost::system::error_code lastError() {
    return {errno, boost::system::system_category()};
}

// Closes on every path out.
struct Descriptor {
    int fd = -1;
    ~Descriptor() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

boost::system::error_code syncDirectory(const QString& directory) {
    Descriptor dir{::open(QFile::encodeName(directory).constData(), O_RDONLY | O_DIRECTORY)};
    if (dir.fd < 0 || ::fsync(dir.fd) != 0) {
        return lastError();
    }
    return {};
}

} // namespace

boost::system::error_code writeFileDurably(const QString& path, std::span<const char> bytes) {
    const QString directory = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(directory)) {
        return {EACCES, boost::system::system_category()};
    }
    const QByteArray target = QFile::encodeName(path);
    // One writer per file (the UI thread): a fixed temporary name, which a crash may leave
    // behind and the next write replaces.
    const QByteArray temporary = target + ".tmp";
    {
        Descriptor file{
            ::open(temporary.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)};
        if (file.fd < 0) {
            return lastError();
        }
        std::size_t written = 0;
        while (written < bytes.size()) {
            const auto n = ::write(file.fd, bytes.data() + written, bytes.size() - written);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return lastError();
            }
            written += static_cast<std::size_t>(n);
        }
        if (::fsync(file.fd) != 0) {
            return lastError();
        }
    }
    if (::rename(temporary.constData(), target.constData()) != 0) {
        return lastError();
    }
    return syncDirectory(directory);
}

} // namespace tc::app

#pragma once
// A file that survives `kill -9` and a power cut whole: after a crash it holds either what it held
// before or everything written, never a torn mix. The bytes go to a temporary file beside it,
// which is fsynced and renamed over the file; then the directory is fsynced, so that the rename
// itself is durable (DESIGN.md section 3: write-ahead, fsync, then acknowledge).

#include <QString>
#include <boost/system/error_code.hpp>
#include <span>

namespace tc::app {

// Creates the directory if need be. Errors: the failing call's errno (system category).
boost::system::error_code writeFileDurably(const QString& path, std::span<const char> bytes);

} // namespace tc::app

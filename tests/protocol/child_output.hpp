#pragma once
// What the child processes the crash tests kill (archive_upload_child.cpp,
// archive_queue_child.cpp) print: one line per step, written straight to stdout with write(2),
// so that a line the parent reads was out before the SIGKILL.

#include "tc/protocol/posix_io.hpp"

#include <string>
#include <unistd.h>

namespace tc::test {

inline void say(const std::string& line) {
    const std::string text = line + "\n";
    protocol::writeAll(STDOUT_FILENO, text.data(), text.size());
}

} // namespace tc::test

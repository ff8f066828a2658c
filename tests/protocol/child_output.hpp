#pragma once
// What the child processes the crash tests kill (archive_upload_child.cpp,
// archive_queue_child.cpp) print: one line per step, written straight to stdout with write(2),
// so that a line the parent reads was out before the SIGKILL.

#include <cerrno>
#include <string>
#include <unistd.h>

namespace tc::test {

inline void say(const std::string& line) {
    const std::string text = line + "\n";
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        done += static_cast<std::size_t>(n);
    }
}

} // namespace tc::test

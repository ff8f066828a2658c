#pragma once
// Writes PEM material to a temporary directory (temp_dir.hpp) for independent tools (openssl
// CLI).

#include "support/temp_dir.hpp"

#include <cstdlib>
#include <string>

namespace tc::test {

inline int run(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str());
}

} // namespace tc::test

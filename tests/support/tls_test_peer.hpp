#pragma once
// Writes PEM material to a temporary directory for independent tools (openssl CLI).

#include "tc/protocol/pki.hpp"

#include <filesystem>
#include <random>
#include <string>

namespace tc::test {

class TempDir {
public:
    TempDir() {
        std::random_device random;
        m_path = std::filesystem::temp_directory_path() /
                 ("tc-test-" + std::to_string(random()) + std::to_string(random()));
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    std::filesystem::path write(const std::string& name, const std::string& data) const {
        const auto path = m_path / name;
        static_cast<void>(protocol::writeFile(path, data, true));
        return path;
    }
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

inline int run(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str());
}

} // namespace tc::test

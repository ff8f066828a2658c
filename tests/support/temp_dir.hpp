#pragma once
// A directory of its own under the system's temporary directory, removed with what it holds
// when the test is done: where the suites write files for the code under test or for
// independent tools, and read back what they wrote.

#include "tc/protocol/pki.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
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

// The whole of the file at `path`, bytes as they are ("" when it cannot be read): what the code
// under test wrote there.
inline std::string readAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

} // namespace tc::test

#pragma once
// Fixtures of the archive tests: a temp directory with a key and an archive, and readable
// checks of ArchiveResult failures.

#include "archive_test_content.hpp"
#include "support/catch_result.hpp"
#include "support/tls_test_peer.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

namespace tc::test::archive {

// "ok", or the failure's stable key ("hash_mismatch"), or another category's message.
template <class T> std::string keyOf(const protocol::ArchiveResult<T>& result) {
    return failureKey<protocol::ArchiveErrc>(result, protocol::archiveCategory());
}

inline protocol::ArchiveLimits smallLimits() {
    protocol::ArchiveLimits limits;
    limits.maxChunkBytes = 4096;
    return limits;
}

inline constexpr std::uint32_t kChunk = 4096;

struct ArchiveFixture {
    TempDir temp;
    std::filesystem::path keyFile = temp.path() / "archive.key";
    std::filesystem::path directory = temp.path() / "archive";
    protocol::ArchiveKey key = *protocol::ArchiveKey::loadOrCreate(keyFile);

    protocol::ArchiveStore open(const protocol::ArchiveLimits& limits = smallLimits()) const {
        auto store = protocol::ArchiveStore::open(directory, key, limits);
        INFO("open: " << (store ? std::string("ok") : store.error().message()));
        REQUIRE(store);
        return std::move(*store);
    }
};

// Begins, sends every chunk, commits; REQUIREs each step.
inline protocol::RecordSummary upload(protocol::ArchiveStore& store,
                                      const protocol::UploadManifest& manifest,
                                      const std::vector<TestFile>& files,
                                      std::uint32_t chunkBytes = kChunk) {
    auto state = store.beginUpload(manifest);
    INFO("begin: " << keyOf(state));
    REQUIRE(state);
    putMissing(store, manifest.recordId, files, chunkBytes, state->missing);
    auto committed = store.commit(manifest.recordId);
    INFO("commit: " << keyOf(committed) << " "
                    << (committed ? std::string() : committed.error().detail));
    REQUIRE(committed);
    return *committed;
}

inline std::size_t countFiles(const std::filesystem::path& directory) {
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
        count += entry.is_regular_file() ? 1 : 0;
    }
    return count;
}

inline Bytes readWhole(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void writeWhole(const std::filesystem::path& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

// Reads every file of the record as its owner and compares it with `files`, bit for bit.
inline void checkRecord(const protocol::ArchiveStore& store, const std::string& recordId,
                        const std::string& owner, const std::vector<TestFile>& files) {
    auto reader = store.openRecord(recordId, {protocol::Role::doctor, owner});
    INFO("record " << recordId << ": " << keyOf(reader));
    REQUIRE(reader);
    REQUIRE(reader->files().size() == files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        CHECK(reader->files()[i].name == files[i].name);
        CHECK(reader->files()[i].size == files[i].content.size());
        const auto content = reader->read(files[i].name);
        INFO("file " << files[i].name << ": " << keyOf(content));
        REQUIRE(content);
        CHECK(*content == files[i].content);
    }
}

} // namespace tc::test::archive

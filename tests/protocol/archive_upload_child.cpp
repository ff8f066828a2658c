// The uploader that test_archive_crash.cpp kills with SIGKILL: uploads consultation records
// into an archive, one after the other, forever. On stdout, one line per step:
//   open                  the store is open
//   begin <record id>     about to call beginUpload
//   committed <record id> commit returned success (the store acknowledged it)
//   error <what> <key>    a call failed (the test fails)
//
// Usage: tc_archive_upload_child <archive directory> <key file> <round> <owner RPPS>

#include "archive_test_content.hpp"
#include "child_output.hpp"

#include <cerrno>
#include <string>
#include <unistd.h>

namespace {

using namespace tc::protocol;
using tc::test::say;
using namespace tc::test::archive;

constexpr std::uint32_t kChunkBytes = 4096;

template <class T> int fail(const std::string& what, const ArchiveResult<T>& result) {
    say("error " + what + " " +
        std::string(wireName(static_cast<ArchiveErrc>(result.error().code.value()))) + " " +
        result.error().detail);
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        say("error usage");
        return 2;
    }
    const std::string round = argv[3];
    const std::string owner = argv[4];
    const auto key = ArchiveKey::load(argv[2]);
    if (!key) {
        return fail("key", key);
    }
    ArchiveLimits limits;
    limits.maxChunkBytes = kChunkBytes;
    auto store = ArchiveStore::open(argv[1], *key, limits);
    if (!store) {
        return fail("open", store);
    }
    say("open");
    for (int i = 0;; ++i) {
        const auto id = "S-r" + round + "-" + std::to_string(i);
        const auto files = consultationFiles(id);
        say("begin " + id);
        const auto state = store->beginUpload(manifestFor(id, owner, files, kChunkBytes));
        if (!state) {
            return fail("begin", state);
        }
        const auto chunks = chunksOf(files, kChunkBytes);
        for (const auto& hash : state->missing) {
            for (const auto& [sha, bytes] : chunks) {
                if (sha == hash) {
                    const auto put = store->putChunk(id, sha, bytes);
                    if (!put) {
                        return fail("put", put);
                    }
                    break;
                }
            }
        }
        const auto committed = store->commit(id);
        if (!committed) {
            return fail("commit", committed);
        }
        say("committed " + id);
    }
}

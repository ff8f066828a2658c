// The console side that test_archive_transfer_crash.cpp kills with SIGKILL: an
// ArchiveUploadQueue on its journal, sending to the service on 127.0.0.1:<port>. On stdout, one
// line per change:
//   open                                    the journal is open
//   enqueued <record id>                    enqueue() returned (the entry is durable)
//   <state> <record id> <acknowledged> <total> [<error key>]   a status change or progress
// It exits 0 once every entry is done, 1 on an error of its own.
//
// Usage: tc_archive_queue_child <journal> <port> <ca.pem> <cert.pem> <key.pem>
//                               [<record id> <directory>]

#include "child_output.hpp"
#include "tc/protocol/archive_upload_queue.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/pki.hpp"

#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <string>
#include <unistd.h>

namespace {

using namespace tc::protocol;
using tc::test::say;

} // namespace

int main(int argc, char** argv) {
    if (argc != 6 && argc != 8) {
        say("error usage");
        return 2;
    }
    const auto ca = readFile(argv[3]);
    const auto cert = readFile(argv[4]);
    const auto key = readFile(argv[5]);
    if (!ca || !cert || !key) {
        say("error credentials");
        return 1;
    }
    IoThread io("queue-child");
    ArchiveUploadQueueConfig config;
    config.journalDirectory = argv[1];
    config.client.host = "127.0.0.1";
    config.client.port = static_cast<std::uint16_t>(std::stoi(argv[2]));
    config.client.tls = {Credentials{*cert, *key, {}}, *ca};
    config.client.parallelUploads = 1; // one chunk at a time: a kill lands mid-upload
    config.initialRetry = std::chrono::milliseconds(100);
    auto queue = ArchiveUploadQueue::open(io.executor(), config);
    if (!queue) {
        say("error open " + queue.error().message());
        return 1;
    }
    say("open");
    std::mutex mutex;
    std::condition_variable changed;
    (*queue)->setListener(io.executor(), [&](const QueuedUploadStatus& status) {
        std::string line = std::string(toString(status.state)) + " " + status.recordId + " " +
                           std::to_string(status.progress.chunksAcknowledged) + " " +
                           std::to_string(status.progress.chunksTotal);
        if (status.lastError) {
            line += " " + std::string(archiveErrorKey(status.lastError->code));
        }
        say(line);
        const std::lock_guard lock(mutex);
        changed.notify_all();
    });
    if (argc == 8) {
        if (auto enqueued = (*queue)->enqueue(argv[6], argv[7], {true, false}); !enqueued) {
            say("error enqueue " + enqueued.error().message());
            return 1;
        }
        say(std::string("enqueued ") + argv[6]);
    }
    (*queue)->start();
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] {
        for (const auto& status : (*queue)->snapshot()) {
            if (status.state != QueuedUploadState::done) {
                return false;
            }
        }
        return true;
    });
    lock.unlock();
    (*queue)->stop();
    io.stop();
    say("idle");
    return 0;
}

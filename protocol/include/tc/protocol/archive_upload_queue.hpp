#pragma once
// The console's durable queue of consultation records to archive (protocol/README.md, "Archive
// transfer", "The console's upload queue").
//
// A journal in the console's data directory holds one small file per record still to archive:
// its id, its directory, its consent scopes and its state. enqueue() writes that file (temp file,
// write, fsync, rename, directory fsync) before it returns, so that a record handed to the queue
// is never forgotten, even by a console killed with SIGKILL: at the next start every entry is
// listed and its upload resumes from what the service still misses. An entry leaves the journal
// only once the service acknowledged the commit.
//
// Records are sent one at a time, oldest first, by an ArchiveClient. A transient failure (no
// answer, a timeout, a 5xx) is retried with exponential backoff; a refusal (a 4xx: another
// doctor's session, a conflicting manifest) or an unreadable directory blocks the entry, kept in
// the journal until retry().
//
// Threading: the queue runs on a strand of the executor given to open(). enqueue(), retry(),
// start(), stop() and snapshot() may be called from any thread; status changes are posted to the
// listener's executor (the UI's thread: one queued call per change). No Qt.

#include "tc/protocol/archive_client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

enum class QueuedUploadState {
    waiting,   // in the journal, not being sent (before start(), or behind another record)
    uploading, // being sent
    retrying,  // a transient failure; tried again after a delay
    blocked,   // refused or unreadable: kept in the journal until retry()
    done,      // committed by the service and removed from the journal
};
std::string_view toString(QueuedUploadState state) noexcept;

struct QueuedUploadStatus {
    std::string recordId;
    std::filesystem::path directory;
    QueuedUploadState state = QueuedUploadState::waiting;
    UploadProgress progress;                       // of the last attempt
    std::optional<ArchiveClientFailure> lastError; // of the last failed attempt
    unsigned attempts = 0;                         // since this process started
    std::optional<RecordSummary> record;           // once done
};

struct ArchiveUploadQueueConfig {
    std::filesystem::path journalDirectory; // created (0700) if missing
    ArchiveClientConfig client;
    std::chrono::milliseconds initialRetry{1'000};
    std::chrono::milliseconds maxRetry{60'000};
};

class ArchiveUploadQueue {
public:
    using Listener = std::function<void(const QueuedUploadStatus&)>;

    // Opens the journal and lists its entries (an entry that cannot be read is listed as
    // blocked, with journal_failure, and left on disk). Nothing is sent before start().
    static ArchiveClientResult<std::shared_ptr<ArchiveUploadQueue>>
    open(boost::asio::any_io_executor executor, ArchiveUploadQueueConfig config);
    virtual ~ArchiveUploadQueue() = default;

    // Adds the record to the journal durably, then to the queue. The same record id again
    // replaces its entry (a corrected dossier). invalid_record_id for an id the archive would
    // refuse; journal_failure if the journal cannot be written.
    virtual ArchiveClientResult<void> enqueue(const std::string& recordId,
                                              const std::filesystem::path& directory,
                                              ConsentScopes consent) = 0;
    // Starts sending the entries, oldest first.
    virtual void start() = 0;
    // Stops sending for good (the upload in flight is cancelled; the journal keeps it).
    virtual void stop() = 0;
    // A blocked entry is tried again.
    virtual void retry(const std::string& recordId) = 0;
    // Every entry of this run, done ones included, oldest first.
    virtual std::vector<QueuedUploadStatus> snapshot() const = 0;
    // Hears every change of an entry, on `executor`. Call before start().
    virtual void setListener(boost::asio::any_io_executor executor, Listener listener) = 0;
};

} // namespace tc::protocol

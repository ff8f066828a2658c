#pragma once
// The console's side of the archive transfer (protocol/README.md, "Archive transfer"): HTTPS on
// the rendezvous service's port with the doctor's certificate, the service verified exactly as
// the WebSocket client verifies it (makeClientContext: the deployment CA, the host, the role
// "service").
//
// upload() sends a consultation record: the service's limits, the manifest (each file read once
// and cut into chunks), begin, only the chunks the service says are missing (several at a time,
// each on its own keep-alive connection), commit. Interrupted (stop(), a lost connection, a
// crash), the same call later continues from what the service still misses.
//
// Threading: every operation runs on a strand of the executor given to create() and completes
// on the awaiting coroutine's executor; progress handlers and sinks are called on that strand.
// Hashing and reading the source files run on a thread of the client's own. stop() may be called
// from any thread. No Qt.

#include "tc/protocol/archive_store.hpp"
#include "tc/protocol/archive_transfer.hpp"
#include "tc/protocol/tls.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tc::protocol {

struct ArchiveClientConfig {
    std::string host = "127.0.0.1"; // the service, as its certificate names it
    std::uint16_t port = 0;
    TlsConfig tls;                          // the doctor's certificate and key, the deployment CA
    unsigned parallelUploads = 3;           // chunks in flight at once, 1 to 8
    std::uint32_t chunkBytes = 1024 * 1024; // at most the service's max_chunk_bytes
    std::chrono::milliseconds connectTimeout{10'000}; // TCP and TLS
    std::chrono::milliseconds requestTimeout{60'000}; // one request and its answer
};

// A failed operation: its code (an ArchiveErrc, ArchiveTransferErrc or Errc the service named,
// or a local one: a TLS refusal, timeout, cancelled), a detail, and the HTTP status if the
// service answered.
struct ArchiveClientFailure : errors::Failure {
    unsigned httpStatus = 0;         // 0: no answer (connection, TLS, the source files)
    std::uint64_t missingChunks = 0; // for chunks_missing
    // Whether the same call later may succeed: no answer, a timeout, a 5xx, a changed source.
    // A refusal (4xx), a certificate refused, an unreadable source are not transient.
    bool transient() const noexcept;
};

template <class T> using ArchiveClientResult = errors::Outcome<T, ArchiveClientFailure>;

ArchiveClientFailure archiveClientFailure(boost::system::error_code code, std::string detail = {});

// What to upload: the record's id (the consultation's session id), the consent scopes, and the
// files, each under the name it is archived as.
struct UploadFile {
    std::string name; // relative, '/'-separated: [A-Za-z0-9._/-]
    std::filesystem::path path;
};

struct UploadSource {
    std::string recordId;
    ConsentScopes consent;
    std::vector<UploadFile> files;
};

// Every regular file under `directory`, recursively, named by its path relative to it ('/'
// separators), sorted by name. A symbolic link or another kind of file, an unreadable or empty
// directory, is source_unreadable.
ArchiveClientResult<UploadSource> uploadSourceFromDirectory(std::string recordId,
                                                            const std::filesystem::path& directory,
                                                            ConsentScopes consent);

// The manifest of `source` cut into chunks of `chunkBytes` (the owner is left empty: the service
// takes it from the certificate). Reads each file once; the same as describeFile() on its
// content.
ArchiveClientResult<UploadManifest> describeSource(const UploadSource& source,
                                                   std::uint32_t chunkBytes);

struct UploadProgress {
    std::uint64_t bytesAcknowledged = 0; // of the record's distinct chunks, held by the service
    std::uint64_t bytesTotal = 0;
    std::uint64_t chunksAcknowledged = 0;
    std::uint64_t chunksTotal = 0;
};
using UploadProgressHandler = std::function<void(const UploadProgress&)>;

struct UploadReport {
    RecordSummary record;            // as the service committed it
    bool alreadyCommitted = false;   // committed by an earlier call: nothing was sent
    std::uint64_t chunksTotal = 0;   // distinct chunks of the record
    std::uint64_t chunksSent = 0;    // by this call
    std::uint64_t chunksSkipped = 0; // the service held them when this call began
    std::uint64_t bytesSent = 0;
};

using ArchiveSink = std::function<void(std::span<const std::uint8_t>)>;

class ArchiveClient {
public:
    // Builds the TLS context (pki_failure for unusable credentials); connects on first use.
    static ArchiveClientResult<ArchiveClient> create(boost::asio::any_io_executor executor,
                                                     ArchiveClientConfig config);

    // The whole upload, resumable. `progress` hears every acknowledged chunk.
    boost::asio::awaitable<ArchiveClientResult<UploadReport>>
    upload(UploadSource source, UploadProgressHandler progress = {}) const;

    // One route each.
    boost::asio::awaitable<ArchiveClientResult<ArchiveTransferLimits>> limits() const;
    boost::asio::awaitable<ArchiveClientResult<UploadState>> begin(UploadManifest manifest) const;
    boost::asio::awaitable<ArchiveClientResult<ChunkReceipt>>
    putChunk(std::string recordId, Sha256Digest sha256, ArchiveBytes bytes) const;
    boost::asio::awaitable<ArchiveClientResult<RecordSummary>> commit(std::string recordId) const;
    // The doctor's committed records, oldest first.
    boost::asio::awaitable<ArchiveClientResult<std::vector<RecordSummary>>> records() const;
    boost::asio::awaitable<ArchiveClientResult<std::vector<ArchivedFile>>>
    files(std::string recordId) const;
    // Streams one file to `sink` as it arrives and checks its SHA-256 (the answer's Repr-Digest)
    // at the end: corrupt if it does not match, and then what `sink` got must be discarded.
    boost::asio::awaitable<ArchiveClientResult<ArchivedFile>>
    readFile(std::string recordId, std::string name, ArchiveSink sink) const;

    // Closes every connection; what is in flight ends with `cancelled`, and so does every later
    // call. Thread-safe.
    void stop() const;

    struct Impl;

private:
    friend class ReviewClient; // the review routes over the same connections (review_client.hpp)
    friend class BrowserTokenClient; // the browser token route (browser_token_client.hpp)
    explicit ArchiveClient(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> m_impl;
};

} // namespace tc::protocol

#pragma once
// The consultation archive's storage engine (rendezvous service side). At the end of a
// consultation the console uploads the record ("dossier"): it sends a manifest (the files, their
// SHA-256 and the SHA-256 of each of their chunks), then the chunks, in any order, then a
// commit. A console killed mid-upload calls beginUpload again with the same manifest and sends
// only what the store says is missing. Until the commit, no reader and no listing sees the
// record; after it, only who mayReadRecord allows may read it.
//
// Everything at rest is encrypted: each record has its own data key, wrapped by the archive
// key; chunks are AES-256-GCM objects named by the SHA-256 of their bytes; the manifest is
// sealed under the data key. See protocol/README.md, "Archive store".
//
// Every call is synchronous and thread-safe. A call that acknowledges (putChunk, commit)
// returns only once what it acknowledges is on disk and fsynced.

#include "tc/protocol/archive_errors.hpp"
#include "tc/protocol/archive_index.hpp"
#include "tc/protocol/audit_event.hpp"
#include "tc/protocol/identity.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

// The deployment's archive key: 32 random bytes in a file of mode 0600, readable by the
// service alone. It wraps every record's data key; losing it loses the archive.
class ArchiveKey {
public:
    static constexpr std::size_t kBytes = 32;

    // Reads the key; creates it (random, 0600, fsynced, published atomically) if the file does
    // not exist.
    static ArchiveResult<ArchiveKey> loadOrCreate(const std::filesystem::path& path);
    // Reads the key: keyFileMissing, keyFileWrongSize, keyFileUnreadable, or keyFileExposed
    // when group or others may read or write it.
    static ArchiveResult<ArchiveKey> load(const std::filesystem::path& path);

    ArchiveKey(const ArchiveKey& other) noexcept;
    ArchiveKey& operator=(const ArchiveKey& other) noexcept;
    ~ArchiveKey(); // wipes the bytes

    std::span<const std::uint8_t, kBytes> bytes() const noexcept { return m_bytes; }

private:
    ArchiveKey() = default;
    std::array<std::uint8_t, kBytes> m_bytes{};
};

// Each exceeded limit is its own error (in parentheses).
struct ArchiveLimits {
    std::uint32_t maxChunkBytes = 1024 * 1024;                  // chunkTooLarge
    std::uint32_t maxFilesPerRecord = 1000;                     // tooManyFiles
    std::uint32_t maxChunksPerRecord = 65536;                   // tooManyChunks
    std::uint64_t maxRecordBytes = 2ULL * 1024 * 1024 * 1024;   // recordTooLarge
    std::uint64_t ownerQuotaBytes = 64ULL * 1024 * 1024 * 1024; // quotaExceeded
    std::uint32_t maxNameLength = 200;                          // nameTooLong
};

// --- The manifest ------------------------------------------------------------------------

struct ChunkRef {
    Sha256Digest sha256{}; // of the chunk's plaintext
    std::uint32_t size = 0;

    friend bool operator==(const ChunkRef&, const ChunkRef&) = default;
};

struct ManifestFile {
    std::string name; // relative: [A-Za-z0-9._/-], no empty, "." or ".." segment, no leading "/"
    std::uint64_t size = 0;
    Sha256Digest sha256{};        // of the whole file
    std::vector<ChunkRef> chunks; // in order; their sizes add up to `size`

    friend bool operator==(const ManifestFile&, const ManifestFile&) = default;
};

struct UploadManifest {
    std::string recordId;  // the consultation's session id: 1-64 of [A-Za-z0-9_-]
    std::string ownerRpps; // the doctor, as the service authenticated them (11-digit RPPS)
    ConsentScopes consent;
    std::vector<ManifestFile> files;

    friend bool operator==(const UploadManifest&, const UploadManifest&) = default;
};

// The checks beginUpload makes, for a parser that wants to refuse early.
ArchiveResult<void> validateManifest(const UploadManifest& manifest, const ArchiveLimits& limits);

// Uploader helpers: a file's manifest entry, cut into chunks of `chunkBytes` (the last one
// shorter), and the bytes of its chunk `index`.
ManifestFile describeFile(std::string name, std::span<const std::uint8_t> content,
                          std::uint32_t chunkBytes);
std::span<const std::uint8_t> chunkOf(std::span<const std::uint8_t> content,
                                      std::uint32_t chunkBytes, std::size_t index);
Sha256Digest sha256Of(std::span<const std::uint8_t> bytes);
std::string toHex(const Sha256Digest& digest);
std::optional<Sha256Digest> sha256FromHex(std::string_view hex); // 64 lowercase hex digits

// --- Uploads -----------------------------------------------------------------------------

struct UploadState {
    std::string recordId;
    bool alreadyCommitted = false;     // the same manifest was committed before: nothing to do
    std::uint64_t chunkCount = 0;      // distinct chunks of the record
    std::vector<Sha256Digest> missing; // distinct chunks still to send, in manifest order
};

struct ChunkReceipt {
    bool alreadyStored = false; // acknowledged without writing anything
    std::uint64_t missing = 0;  // distinct chunks of the record still missing
};

// A committed record, as listed: no patient data, no file names.
struct RecordSummary {
    std::string recordId;
    std::string ownerRpps;
    ConsentScopes consent;
    std::int64_t createdUnixMs = 0; // first beginUpload of this manifest
    std::int64_t committedUnixMs = 0;
    std::uint64_t fileCount = 0;
    std::uint64_t plainBytes = 0;  // sum of file sizes
    std::uint64_t storedBytes = 0; // sum of its objects' sizes on disk
};

struct PendingUpload {
    std::string recordId;
    std::string ownerRpps;
    std::int64_t createdUnixMs = 0;
    std::uint64_t fileCount = 0;
    std::uint64_t plainBytes = 0;
    std::uint64_t chunkCount = 0;
    std::uint64_t chunksStored = 0;
};

// --- Reading -----------------------------------------------------------------------------

// Who asks, as the service authenticated them (the TLS certificate's role and identifier).
struct Requester {
    Role role = Role::cabin;
    std::string rpps; // doctors and coordinators
    // Coordinators: the cabin sites their certificate's CPTS covers in the service's CPTS map
    // (cpts_map.hpp); empty when the service has no map or the CPTS is not in it.
    std::vector<std::string> reviewSites;
    // The service reading for itself (the review index); never set from a certificate.
    bool serviceItself = false;
};

// The access rule, in one place. May read a record:
// - its owner doctor;
// - a coordinator, when the record's cabin `site` (as the service's review index knows it,
//   from its own event log) is one of the coordinator's reviewSites AND the patient consented
//   to quality review;
// - the service itself (indexing).
// Nobody else: other doctors, cabins, coordinators of another CPTS or without consent.
bool mayReadRecord(const Requester& requester, const RecordSummary& record,
                   std::string_view site = {}) noexcept;

struct ArchivedFile {
    std::string name;
    std::uint64_t size = 0;
    Sha256Digest sha256{};
    // When media retention purged its content (reading it is then `purged`); 0: present.
    std::int64_t purgedUnixMs = 0;
};

// --- Media retention ---------------------------------------------------------------------

// Which files of a record media retention purges, as indexes into `files`: stethoscope
// recordings (*.flac, *.wav) with their recording manifest (the .json of the same name beside
// them), and stills (*.png, *.jpg, *.jpeg). Never anything under report/, prescriptions/ or
// vitals/, nor record.json and incidents.json: the dossier (compte rendu, ordonnances,
// incidents, measurements and ECG/pleth traces) is kept.
std::vector<std::size_t> retentionMediaFiles(const std::vector<ManifestFile>& files);

struct MediaPurgeReport {
    std::uint64_t records = 0; // records whose media were purged by this call
    std::uint64_t files = 0;
    std::uint64_t bytes = 0; // the purged files' sizes
};

// The actor of purge events in the audit trail (role service).
inline constexpr std::string_view kRetentionActor = "retention";

// One file of a record, read chunk by chunk (a server streaming it over the network): each
// chunk is verified before next() returns it, and the whole file's size and SHA-256 are checked
// before next() reports the end. On an error, discard what was returned. Move-only; keeps its
// record's data key alive, like ArchiveRecordReader.
class ArchiveFileCursor {
public:
    ArchiveFileCursor(ArchiveFileCursor&&) noexcept;
    ArchiveFileCursor& operator=(ArchiveFileCursor&&) noexcept;
    ~ArchiveFileCursor();

    const ArchivedFile& file() const noexcept;
    // The next chunk's plaintext, verified; nullopt once the whole file is read and checked.
    ArchiveResult<std::optional<ArchiveBytes>> next();

private:
    friend class ArchiveRecordReader;
    struct State;
    explicit ArchiveFileCursor(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

// A committed record opened for reading. Every chunk read is verified (object name, GCM tag,
// plaintext SHA-256 against the manifest) and so is every whole file: damage on disk is a
// `corrupt` error, never wrong bytes. Holds the record's data key in memory; wipes it when the
// last copy is destroyed. Thread-safe; outlives the store.
class ArchiveRecordReader {
public:
    using ChunkSink = std::function<void(std::span<const std::uint8_t>)>;

    const RecordSummary& summary() const noexcept;
    const std::vector<ArchivedFile>& files() const noexcept;
    // The whole file, verified.
    ArchiveResult<ArchiveBytes> read(std::string_view name) const;
    // The file chunk by chunk, each verified before `sink` sees it; the whole file's SHA-256
    // is checked at the end. On an error, discard what `sink` received.
    ArchiveResult<void> stream(std::string_view name, const ChunkSink& sink) const;
    // The file as a cursor (unknownFile if the record has no file of this name).
    ArchiveResult<ArchiveFileCursor> openFile(std::string_view name) const;

private:
    friend class ArchiveStore;
    friend class ArchiveFileCursor;
    struct Impl;
    explicit ArchiveRecordReader(std::shared_ptr<const Impl> impl);
    std::shared_ptr<const Impl> m_impl;
};

// Whose record (or pending upload) an id is: what a server checks before it lets a requester
// send chunks for it or commit it.
struct RecordOwnership {
    std::string ownerRpps;
    bool committed = false;
};

// --- The store ---------------------------------------------------------------------------

class ArchiveStore {
public:
    // Opens (creating it 0700 if needed) the archive in `directory`, locked against other
    // processes (storeInUse). `index` defaults to SqliteArchiveIndex in directory/index.sqlite.
    // With an index shared across processes (openPostgresArchiveIndex), the directory is
    // shared too: the cluster's nodes mount the same one (objects are content-addressed and
    // written by rename, so two nodes never clash), and only a process with its own index is
    // kept out.
    // A store created with another key fails with wrongArchiveKey before any record is read.
    static ArchiveResult<ArchiveStore> open(const std::filesystem::path& directory,
                                            const ArchiveKey& key, ArchiveLimits limits = {},
                                            std::unique_ptr<ArchiveIndex> index = nullptr);

    ArchiveStore(ArchiveStore&&) noexcept;
    ArchiveStore& operator=(ArchiveStore&&) noexcept;
    ~ArchiveStore();

    // Starts an upload, or resumes it (same manifest: what is still missing), or reports it
    // committed (same manifest: alreadyCommitted, nothing missing). A different manifest for a
    // committed record, or for another owner's pending upload, is manifestConflict; for the
    // same owner's pending upload it replaces that upload (a console that re-cut its files).
    ArchiveResult<UploadState> beginUpload(const UploadManifest& manifest);
    // Verifies, encrypts and durably stores one chunk of a pending upload. A chunk stored
    // before (or of a committed record) is acknowledged without writing.
    ArchiveResult<ChunkReceipt> putChunk(std::string_view recordId, const Sha256Digest& sha256,
                                         std::span<const std::uint8_t> bytes);
    // Verifies every file against its SHA-256, then makes the record visible in one index
    // transaction. chunksMissing (with the count) while chunks are missing. Idempotent.
    ArchiveResult<RecordSummary> commit(std::string_view recordId);

    // Uploads begun and not committed (of one owner, or of all), oldest first.
    ArchiveResult<std::vector<PendingUpload>>
    pendingUploads(std::optional<std::string_view> ownerRpps = std::nullopt) const;
    // The owner's committed records, oldest first.
    ArchiveResult<std::vector<RecordSummary>> records(std::string_view ownerRpps) const;
    // Committed records of every owner, oldest first (the review index's catch-up).
    ArchiveResult<std::vector<RecordSummary>> allRecords() const;
    // unknownRecord for no committed record of this id, notPermitted unless mayReadRecord
    // (`site`: the record's cabin site, for the coordinators' rule).
    ArchiveResult<ArchiveRecordReader> openRecord(std::string_view recordId,
                                                  const Requester& requester,
                                                  std::string_view site = {}) const;
    // The owner and state of the record or pending upload `recordId`; nullopt if there is none.
    ArchiveResult<std::optional<RecordOwnership>> ownership(std::string_view recordId) const;

    // Media retention: for each committed record committed before `committedBeforeUnixMs`, its
    // media (retentionMediaFiles) are purged and the rest kept. Per record: one AuditEvent
    // (purge, actor service "retention", detail {"files": [...], "bytes": N}) appended through
    // `audit` first (notAudited, and nothing of that record purged, if it fails); then the
    // index marks the files purged and queues their objects in one transaction; then the
    // objects no kept file shares are deleted. A crash after the index transaction leaves
    // objects in the queue, which the next call deletes first: a kept file is never touched,
    // a purged one reads `purged` from the transaction on. Idempotent.
    ArchiveResult<MediaPurgeReport> purgeMedia(std::int64_t committedBeforeUnixMs,
                                               const AuditSink& audit);

    const ArchiveLimits& limits() const noexcept;

private:
    struct Impl;
    explicit ArchiveStore(std::unique_ptr<Impl> impl);
    static ArchiveResult<std::vector<RecordSummary>>
    committedRecords(Impl& impl, std::optional<std::string_view> ownerRpps);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::protocol

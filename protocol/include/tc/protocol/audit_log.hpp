#pragma once
// The service's tamper-evident audit trail (protocol/README.md, "Audit log"): every access to
// the archive (AuditEvent) appended to its own SQLite file, or, for the nodes of a cluster, to
// one chain in their shared PostgreSQL database; each entry chained to the previous one by
// SHA-256, and the chain's head signed at intervals with the service's own key. verify
// walks the chain and the checkpoints and names the first entry that was changed, removed or
// reordered, or the checkpoint whose signature or signer is wrong.
//
// An entry's hash is SHA-256 over an unambiguous encoding (a format tag, then each field
// length-prefixed) of its sequence, the event's fields and the previous entry's hash; entry 1's
// previous hash is 32 zero bytes. A checkpoint signs (sequence, hash, time) of the latest entry.

#include "tc/errors/outcome.hpp"
#include "tc/protocol/audit_event.hpp"
#include "tc/protocol/errc/audit_errc.hpp"
#include "tc/protocol/pki.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::protocol {

// A failure of the audit log, and for what verify finds, the sequence of the entry (or the
// checkpoint) at fault.
struct AuditFailure : errors::Failure {
    std::int64_t sequence = 0;
};

// The action of a wire name ("list", "open", "play", "export", "purge").
std::optional<AuditAction> auditActionFromWireName(std::string_view name) noexcept;

AuditFailure auditFailure(AuditErrc code, std::string detail = {}, std::int64_t sequence = 0);

template <class T> using AuditResult = errors::Outcome<T, AuditFailure>;

using AuditHash = std::array<std::uint8_t, 32>;

struct AuditEntry {
    std::int64_t sequence = 0; // 1, 2, ...
    AuditEvent event;
    AuditHash prevHash{};
    AuditHash hash{};
};

// One page of a query, oldest first (newest first for byActorNewestFirst); `next` is the
// cursor of the following page, or nullopt after the last one.
struct AuditPage {
    std::vector<AuditEntry> entries;
    std::optional<std::int64_t> next;
};

struct AuditLogOptions {
    std::uint64_t checkpointEvery = 1000;        // entries between two checkpoints
    std::chrono::seconds checkpointPeriod{300};  // and at least this often, when there are new ones
    std::function<void(const std::string&)> log; // optional: checkpoint failures of the thread
};

// Limits of an event's fields (invalidEvent beyond them).
inline constexpr std::size_t kMaxAuditIdBytes = 128;       // actorId, recordId
inline constexpr std::size_t kMaxAuditDetailBytes = 16384; // detailJson
inline constexpr std::size_t kMaxAuditPage = 1000;

struct AuditVerification {
    std::int64_t entries = 0;
    std::int64_t checkpoints = 0;
    std::int64_t lastCheckpointSequence = 0; // 0: none
    std::int64_t entriesAfterLastCheckpoint = 0;
    AuditHash head{}; // the last entry's hash
};

class AuditLog {
public:
    // Opens the log for appending, signing checkpoints with `signer` (the service's TLS
    // certificate and key). `target` is an SQLite file (created, mode 0600, when missing) or a
    // postgresql:// URL (the cluster's schema migrated; the nodes append to one chain, each
    // signing checkpoints with its own certificate). A thread signs a checkpoint every
    // `checkpointPeriod` when entries came since the last one.
    static AuditResult<std::unique_ptr<AuditLog>>
    open(const std::string& target, const Credentials& signer, AuditLogOptions options = {});
    // Opens an existing log for queries only (the CLI's export and trail); no checkpoints.
    static AuditResult<std::unique_ptr<AuditLog>> openReadOnly(const std::string& target);

    ~AuditLog(); // close()
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    // Appends one entry, durably (an fsynced SQLite commit, or a PostgreSQL commit with
    // synchronous_commit on) before it returns its sequence. Thread-safe. With PostgreSQL, a
    // connection found lost (the server restarted) is opened again.
    AuditResult<std::int64_t> append(const AuditEvent& event);
    // What the service's configuration takes: append, as an error_code. The log must outlive it.
    AuditSink sink();
    // Signs a checkpoint now if entries came since the last one.
    AuditResult<void> checkpoint();
    // Signs the last checkpoint and stops the checkpoint thread; appends fail afterwards.
    AuditResult<void> close();

    // The patient-rights export: every entry about `recordId` (who opened or played it, when).
    AuditResult<AuditPage> byRecord(std::string_view recordId, std::int64_t afterSequence = 0,
                                    std::size_t limit = 100) const;
    // One actor's own trail (a coordinator's RPPS).
    AuditResult<AuditPage> byActor(std::string_view actorId, std::int64_t afterSequence = 0,
                                   std::size_t limit = 100) const;
    // The same trail newest first (the review route /review/v1/trail): the entries before
    // `beforeSequence` (0: from the newest); the page's `next` is the following page's
    // `beforeSequence`.
    AuditResult<AuditPage> byActorNewestFirst(std::string_view actorId,
                                              std::int64_t beforeSequence = 0,
                                              std::size_t limit = 100) const;

private:
    struct Impl;
    explicit AuditLog(std::unique_ptr<Impl> impl);
    static AuditResult<std::unique_ptr<Impl>> openImpl(const std::string& target, bool readOnly);
    std::unique_ptr<Impl> m_impl;
};

// Verifies the log in `target` (an SQLite file or a postgresql:// URL) read-only: every entry's
// hash, the chain, and every checkpoint's signature and signer. `trustPem` is the deployment CA
// (a checkpoint's certificate must chain to it, be valid when it signed, and be a service
// certificate) or the service's certificate itself (a checkpoint must be signed with exactly
// it: a cluster's log, whose nodes each sign with their own certificate, verifies against the
// CA). The first problem, by sequence, is the error: its code says what (changed, removed,
// reordered, badCheckpointSignature, untrustedSigner, signerNotService), its sequence which
// entry.
AuditResult<AuditVerification> verifyAuditLog(const std::string& target,
                                              const std::string& trustPem);

// The canonical bytes an entry's hash covers, and the hash (exposed for tests and for a second
// implementation of verify).
// The fields in this order: sequence, time, actor role, actor id, action, record id, detail,
// previous hash (roles and actions by their wire names).
std::vector<std::uint8_t> auditEntryEncoding(std::int64_t sequence, std::int64_t atUnixMs,
                                             std::string_view actorRole, std::string_view actorId,
                                             std::string_view action, std::string_view recordId,
                                             std::string_view detailJson,
                                             const AuditHash& prevHash);
AuditHash auditEntryHash(const AuditEntry& entry);

// Reports: one line per entry ("2026-12-07T06:44:38.123Z doctor 10101234567 open R1 {...}"),
// or CSV with a header row (RFC 4180; cells that a spreadsheet would take for a formula are
// prefixed with an apostrophe).
std::string auditEntryLine(const AuditEntry& entry);
std::string auditCsvHeader();
std::string auditCsvRow(const AuditEntry& entry);
std::string formatUtcMs(std::int64_t unixMs);

} // namespace tc::protocol

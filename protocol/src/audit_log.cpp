// AuditLog: appending chained entries, signing checkpoints, queries.

#include "audit_log_internal.hpp"
#include "openssl_handles.hpp"

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <fcntl.h>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace tc::protocol {

using namespace detail; // sqlite_handles.hpp, openssl_handles.hpp

namespace {

void appendBigEndian(std::vector<std::uint8_t>& out, std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
}

// Length-prefixed: no two field lists encode to the same bytes.
void appendField(std::vector<std::uint8_t>& out, std::string_view text) {
    appendBigEndian(out, text.size());
    out.insert(out.end(), text.begin(), text.end());
}

AuditHash sha256(std::span<const std::uint8_t> bytes) {
    AuditHash digest{};
    SHA256(bytes.data(), bytes.size(), digest.data());
    return digest;
}

AuditHash blobHash(sqlite3_stmt* s, int column, bool& ok) {
    AuditHash hash{};
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, column));
    const auto size = sqlite3_column_bytes(s, column);
    if (data == nullptr || size != static_cast<int>(hash.size())) {
        ok = false;
        return hash;
    }
    std::copy(data, data + hash.size(), hash.begin());
    return hash;
}

std::int64_t nowUnixMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool printableId(std::string_view text) {
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            return false;
        }
    }
    return true;
}

AuditResult<void> validateEvent(const AuditEvent& event) {
    const auto invalid = [](std::string what) {
        return auditFailure(AuditErrc::invalidEvent, std::move(what));
    };
    if (event.atUnixMs < 0) {
        return invalid("a time before 1970");
    }
    if (event.actorId.empty() || event.actorId.size() > kMaxAuditIdBytes ||
        !printableId(event.actorId)) {
        return invalid("the actor id is empty, longer than 128 bytes or not printable");
    }
    if (event.recordId.size() > kMaxAuditIdBytes || !printableId(event.recordId)) {
        return invalid("the record id is longer than 128 bytes or not printable");
    }
    if (event.detailJson.size() > kMaxAuditDetailBytes) {
        return invalid("the detail is longer than 16384 bytes");
    }
    const auto detail = nlohmann::json::parse(event.detailJson, nullptr, false);
    if (detail.is_discarded() || !detail.is_object()) {
        return invalid("the detail is not a JSON object");
    }
    return {};
}

void bindBlob(sqlite3_stmt* s, int index, std::span<const std::uint8_t> bytes) {
    sqlite3_bind_blob(s, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
}

} // namespace

// --- shared with audit_log_verify.cpp ---

namespace audit {

std::vector<std::uint8_t> checkpointMessage(std::int64_t sequence, const AuditHash& hash,
                                            std::int64_t signedAtUnixMs) {
    std::vector<std::uint8_t> out(kCheckpointTag.begin(), kCheckpointTag.end());
    out.push_back(0);
    appendBigEndian(out, static_cast<std::uint64_t>(sequence));
    out.insert(out.end(), hash.begin(), hash.end());
    appendBigEndian(out, static_cast<std::uint64_t>(signedAtUnixMs));
    return out;
}

RawEntry readEntry(sqlite3_stmt* s) {
    RawEntry raw;
    auto& e = raw.entry;
    e.sequence = sqlite3_column_int64(s, 0);
    e.event.atUnixMs = sqlite3_column_int64(s, 1);
    raw.role = columnText(s, 2);
    e.event.actorId = columnText(s, 3);
    raw.action = columnText(s, 4);
    e.event.recordId = columnText(s, 5);
    e.event.detailJson = columnText(s, 6);
    e.prevHash = blobHash(s, 7, raw.hashSizesOk);
    e.hash = blobHash(s, 8, raw.hashSizesOk);
    if (const auto role = roleFromString(raw.role)) {
        e.event.actorRole = *role;
    }
    if (const auto action = auditActionFromWireName(raw.action)) {
        e.event.action = *action;
    }
    return raw;
}

AuditHash hashOf(const RawEntry& raw, std::int64_t sequence) {
    const auto& e = raw.entry;
    return sha256(auditEntryEncoding(sequence, e.event.atUnixMs, raw.role, e.event.actorId,
                                     raw.action, e.event.recordId, e.event.detailJson, e.prevHash));
}

AuditFailure storageError(sqlite3* db, std::string_view what) {
    std::string detail(what);
    if (db != nullptr) {
        detail += ": ";
        detail += sqlite3_errmsg(db);
    }
    return auditFailure(AuditErrc::storageFailure, std::move(detail));
}

AuditResult<DbPtr> openDatabase(const std::filesystem::path& file, bool readOnly) {
    if (!readOnly) {
        // Created 0600 before SQLite opens it: its WAL and shared-memory files take this mode.
        const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            return auditFailure(AuditErrc::storageFailure,
                                "cannot create " + file.string() + ": " +
                                    std::system_category().message(errno));
        }
        ::close(fd);
    } else if (!std::filesystem::exists(file)) {
        return auditFailure(AuditErrc::storageFailure, file.string() + " does not exist");
    }
    sqlite3* raw = nullptr;
    const int flags =
        (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
    const int opened = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
    DbPtr db(raw);
    if (opened != SQLITE_OK) {
        return storageError(raw, "open " + file.string());
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 5000);
    const auto exec = [&](const char* sql) {
        return sqlite3_exec(raw, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    };
    if (!readOnly) {
        // WAL and synchronous=FULL: an appended entry is fsynced before append returns.
        auto mode = prepareStatement(raw, "PRAGMA journal_mode=WAL");
        if (!mode || sqlite3_step(mode.get()) != SQLITE_ROW || columnText(mode.get(), 0) != "wal") {
            return storageError(raw, "journal_mode=WAL");
        }
        mode.reset();
        if (!exec("PRAGMA synchronous=FULL") || !exec(kSchema)) {
            return storageError(raw, "schema");
        }
    }
    auto get = prepareStatement(raw, "SELECT value FROM meta WHERE name = 'format'");
    if (!get) {
        return auditFailure(AuditErrc::notAnAuditLog, file.string() + " has no audit log tables");
    }
    const int stepped = sqlite3_step(get.get());
    if (stepped == SQLITE_ROW) {
        if (columnText(get.get(), 0) != kFormat) {
            return auditFailure(AuditErrc::notAnAuditLog,
                                file.string() + " is of format " + columnText(get.get(), 0));
        }
    } else if (stepped == SQLITE_DONE && !readOnly) {
        get.reset();
        auto put = prepareStatement(raw, "INSERT INTO meta (name, value) VALUES ('format', ?)");
        if (!put) {
            return storageError(raw, "format");
        }
        bindText(put.get(), 1, kFormat);
        if (sqlite3_step(put.get()) != SQLITE_DONE) {
            return storageError(raw, "format");
        }
    } else {
        return auditFailure(AuditErrc::notAnAuditLog, file.string() + " has no format");
    }
    return db;
}

} // namespace audit

AuditFailure auditFailure(AuditErrc code, std::string detail, std::int64_t sequence) {
    AuditFailure failure;
    failure.code = make_error_code(code);
    failure.detail = std::move(detail);
    failure.sequence = sequence;
    return failure;
}

std::optional<AuditAction> auditActionFromWireName(std::string_view name) noexcept {
    for (const auto action : {AuditAction::list, AuditAction::open, AuditAction::play,
                              AuditAction::export_, AuditAction::purge, AuditAction::indicators}) {
        if (wireName(action) == name) {
            return action;
        }
    }
    return std::nullopt;
}

std::vector<std::uint8_t> auditEntryEncoding(std::int64_t sequence, std::int64_t atUnixMs,
                                             std::string_view actorRole, std::string_view actorId,
                                             std::string_view action, std::string_view recordId,
                                             std::string_view detailJson,
                                             const AuditHash& prevHash) {
    std::vector<std::uint8_t> out(audit::kEntryTag.begin(), audit::kEntryTag.end());
    out.push_back(0);
    appendBigEndian(out, static_cast<std::uint64_t>(sequence));
    appendBigEndian(out, static_cast<std::uint64_t>(atUnixMs));
    for (const auto field : {actorRole, actorId, action, recordId, detailJson}) {
        appendField(out, field);
    }
    out.insert(out.end(), prevHash.begin(), prevHash.end());
    return out;
}

AuditHash auditEntryHash(const AuditEntry& entry) {
    const auto& e = entry.event;
    return sha256(auditEntryEncoding(entry.sequence, e.atUnixMs, toString(e.actorRole), e.actorId,
                                     wireName(e.action), e.recordId, e.detailJson, entry.prevHash));
}

// --- AuditLog ---

struct AuditLog::Impl {
    DbPtr db;
    StatementPtr last, insert, lastCheckpoint, insertCheckpoint, byRecord, byActor, byActorDesc;
    bool readOnly = false;
    AuditLogOptions options;
    PkeyPtr key;
    std::string certificatePem;

    mutable std::mutex mutex;
    bool closed = false;
    std::condition_variable wake;
    std::thread checkpointThread;

    bool exec(const char* sql) {
        return sqlite3_exec(db.get(), sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    }

    // With `mutex` held: the last entry's sequence and hash (0 and zeros when empty).
    AuditResult<std::pair<std::int64_t, AuditHash>> head() {
        StatementUse s(last.get());
        const int stepped = sqlite3_step(s.get());
        if (stepped == SQLITE_DONE) {
            return std::pair<std::int64_t, AuditHash>{0, AuditHash{}};
        }
        if (stepped != SQLITE_ROW) {
            return audit::storageError(db.get(), "last entry");
        }
        bool ok = true;
        const auto hash = blobHash(s.get(), 1, ok);
        if (!ok) {
            return auditFailure(AuditErrc::changed, "the last entry's hash is not 32 bytes",
                                sqlite3_column_int64(s.get(), 0));
        }
        return std::pair{sqlite3_column_int64(s.get(), 0), hash};
    }

    AuditResult<std::int64_t> lastCheckpointSequence() {
        StatementUse s(lastCheckpoint.get());
        const int stepped = sqlite3_step(s.get());
        if (stepped == SQLITE_DONE) {
            return std::int64_t{0};
        }
        if (stepped != SQLITE_ROW) {
            return audit::storageError(db.get(), "last checkpoint");
        }
        return sqlite3_column_int64(s.get(), 0);
    }

    // With `mutex` held.
    AuditResult<void> signCheckpoint() {
        auto current = head();
        if (!current) {
            return current.error();
        }
        auto signedUpTo = lastCheckpointSequence();
        if (!signedUpTo) {
            return signedUpTo.error();
        }
        const auto [sequence, hash] = *current;
        if (sequence == 0 || sequence <= *signedUpTo) {
            return {};
        }
        const auto at = nowUnixMs();
        const auto message = audit::checkpointMessage(sequence, hash, at);
        std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>> ctx(EVP_MD_CTX_new());
        std::size_t size = 0;
        std::vector<std::uint8_t> signature;
        bool ok = ctx &&
                  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
                  EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()) == 1;
        if (ok) {
            signature.resize(size);
            ok = EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(),
                                message.size()) == 1;
            signature.resize(size);
        }
        if (!ok) {
            ERR_clear_error();
            return auditFailure(AuditErrc::signingFailure,
                                "signing checkpoint " + std::to_string(sequence));
        }
        StatementUse s(insertCheckpoint.get());
        sqlite3_bind_int64(s.get(), 1, sequence);
        bindBlob(s.get(), 2, hash);
        sqlite3_bind_int64(s.get(), 3, at);
        bindBlob(s.get(), 4, signature);
        bindText(s.get(), 5, certificatePem);
        if (sqlite3_step(s.get()) != SQLITE_DONE) {
            return audit::storageError(db.get(), "insert checkpoint");
        }
        return {};
    }

    void reportThreadFailure(const AuditFailure& failure) const {
        if (options.log) {
            options.log("audit log: checkpoint: " + failure.message());
        }
    }

    void runCheckpoints() {
        std::unique_lock lock(mutex);
        while (!closed) {
            wake.wait_for(lock, options.checkpointPeriod);
            if (closed) {
                return;
            }
            if (auto signedNow = signCheckpoint(); !signedNow) {
                reportThreadFailure(signedNow.error());
            }
        }
    }

    AuditResult<AuditPage> page(sqlite3_stmt* statement, std::string_view value,
                                std::int64_t afterSequence, std::size_t limit) const {
        limit = std::clamp<std::size_t>(limit, 1, kMaxAuditPage);
        const std::lock_guard lock(mutex);
        StatementUse s(statement);
        bindText(s.get(), 1, value);
        sqlite3_bind_int64(s.get(), 2, afterSequence);
        sqlite3_bind_int64(s.get(), 3, static_cast<sqlite3_int64>(limit + 1));
        AuditPage page;
        int stepped = SQLITE_ROW;
        while ((stepped = sqlite3_step(s.get())) == SQLITE_ROW) {
            if (page.entries.size() == limit) {
                page.next = page.entries.back().sequence;
                break;
            }
            page.entries.push_back(audit::readEntry(s.get()).entry);
        }
        if (stepped != SQLITE_ROW && stepped != SQLITE_DONE) {
            return audit::storageError(db.get(), "query");
        }
        return page;
    }
};

AuditLog::AuditLog(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}

AuditLog::~AuditLog() {
    if (auto closed = close(); !closed) {
        m_impl->reportThreadFailure(closed.error());
    }
}

AuditResult<std::unique_ptr<AuditLog::Impl>> AuditLog::openImpl(const std::filesystem::path& file,
                                                                bool readOnly) {
    auto db = audit::openDatabase(file, readOnly);
    if (!db) {
        return db.error();
    }
    auto impl = std::make_unique<AuditLog::Impl>();
    impl->db = std::move(*db);
    impl->readOnly = readOnly;
    auto* raw = impl->db.get();
    const std::string columns = audit::kEntryColumns;
    impl->last = prepareStatement(raw, "SELECT sequence, hash FROM entries "
                                       "ORDER BY sequence DESC LIMIT 1");
    impl->insert = prepareStatement(
        raw, "INSERT INTO entries (sequence, at_unix_ms, actor_role, actor_id, action, "
             "record_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    impl->lastCheckpoint =
        prepareStatement(raw, "SELECT sequence FROM checkpoints ORDER BY sequence DESC LIMIT 1");
    impl->insertCheckpoint = prepareStatement(
        raw, "INSERT INTO checkpoints (sequence, hash, signed_at_unix_ms, signature, "
             "certificate) VALUES (?, ?, ?, ?, ?)");
    impl->byRecord = prepareStatement(
        raw, ("SELECT " + columns +
              " FROM entries WHERE record_id = ? AND sequence > ? ORDER BY sequence LIMIT ?")
                 .c_str());
    impl->byActor = prepareStatement(
        raw, ("SELECT " + columns +
              " FROM entries WHERE actor_id = ? AND sequence > ? ORDER BY sequence LIMIT ?")
                 .c_str());
    impl->byActorDesc = prepareStatement(
        raw, ("SELECT " + columns +
              " FROM entries WHERE actor_id = ? AND sequence < ? ORDER BY sequence DESC LIMIT ?")
                 .c_str());
    for (const auto* s : {&impl->last, &impl->lastCheckpoint, &impl->byRecord, &impl->byActor,
                          &impl->byActorDesc}) {
        if (!*s) {
            return auditFailure(AuditErrc::notAnAuditLog,
                                file.string() + ": " + sqlite3_errmsg(raw));
        }
    }
    if (!readOnly && (!impl->insert || !impl->insertCheckpoint)) {
        return audit::storageError(raw, "prepare");
    }
    return impl;
}

AuditResult<std::unique_ptr<AuditLog>> AuditLog::open(const std::filesystem::path& file,
                                                      const Credentials& signer,
                                                      AuditLogOptions options) {
    auto key = readPrivateKeyPem(signer.privateKeyPem);
    auto certificate = readCertificatePem(signer.certificatePem);
    if (!key || !certificate || X509_check_private_key(certificate.get(), key.get()) != 1) {
        ERR_clear_error();
        return auditFailure(AuditErrc::signingFailure,
                            "the key does not load or does not match the certificate");
    }
    auto impl = openImpl(file, false);
    if (!impl) {
        return impl.error();
    }
    (*impl)->key = std::move(key);
    (*impl)->certificatePem = certificateToPem(certificate.get());
    (*impl)->options = std::move(options);
    (*impl)->options.checkpointEvery = std::max<std::uint64_t>(1, (*impl)->options.checkpointEvery);
    (*impl)->options.checkpointPeriod =
        std::max((*impl)->options.checkpointPeriod, std::chrono::seconds(1));
    std::unique_ptr<AuditLog> log(new AuditLog(std::move(*impl)));
    auto* state = log->m_impl.get();
    state->checkpointThread = std::thread([state] { state->runCheckpoints(); });
    return log;
}

AuditResult<std::unique_ptr<AuditLog>> AuditLog::openReadOnly(const std::filesystem::path& file) {
    auto impl = openImpl(file, true);
    if (!impl) {
        return impl.error();
    }
    return std::unique_ptr<AuditLog>(new AuditLog(std::move(*impl)));
}

AuditResult<std::int64_t> AuditLog::append(const AuditEvent& event) {
    if (auto valid = validateEvent(event); !valid) {
        return valid.error();
    }
    auto& impl = *m_impl;
    const std::lock_guard lock(impl.mutex);
    if (impl.closed || impl.readOnly) {
        return auditFailure(AuditErrc::closed, impl.readOnly ? "opened read-only" : "");
    }
    // The head is read inside the write transaction: another writer cannot slip in between.
    if (!impl.exec("BEGIN IMMEDIATE")) {
        return audit::storageError(impl.db.get(), "begin");
    }
    const auto rollback = [&](AuditFailure failure) {
        impl.exec("ROLLBACK");
        return failure;
    };
    auto current = impl.head();
    if (!current) {
        return rollback(current.error());
    }
    AuditEntry entry{current->first + 1, event, current->second, {}};
    entry.hash = auditEntryHash(entry);
    {
        StatementUse s(impl.insert.get());
        sqlite3_bind_int64(s.get(), 1, entry.sequence);
        sqlite3_bind_int64(s.get(), 2, event.atUnixMs);
        bindText(s.get(), 3, toString(event.actorRole));
        bindText(s.get(), 4, event.actorId);
        bindText(s.get(), 5, wireName(event.action));
        bindText(s.get(), 6, event.recordId);
        bindText(s.get(), 7, event.detailJson);
        bindBlob(s.get(), 8, entry.prevHash);
        bindBlob(s.get(), 9, entry.hash);
        if (sqlite3_step(s.get()) != SQLITE_DONE) {
            return rollback(audit::storageError(impl.db.get(), "insert entry"));
        }
    }
    if (!impl.exec("COMMIT")) {
        return rollback(audit::storageError(impl.db.get(), "commit"));
    }
    // Durable now. A checkpoint that fails does not undo it; the next one covers it.
    auto signedUpTo = impl.lastCheckpointSequence();
    if (signedUpTo &&
        static_cast<std::uint64_t>(entry.sequence - *signedUpTo) >= impl.options.checkpointEvery) {
        if (auto signedNow = impl.signCheckpoint(); !signedNow) {
            impl.reportThreadFailure(signedNow.error());
        }
    }
    return entry.sequence;
}

AuditSink AuditLog::sink() {
    return [this](const AuditEvent& event) -> std::error_code {
        auto appended = append(event);
        if (!appended) {
            return appended.error().code;
        }
        return {};
    };
}

AuditResult<void> AuditLog::checkpoint() {
    const std::lock_guard lock(m_impl->mutex);
    if (m_impl->closed || m_impl->readOnly) {
        return auditFailure(AuditErrc::closed);
    }
    return m_impl->signCheckpoint();
}

AuditResult<void> AuditLog::close() {
    auto& impl = *m_impl;
    AuditResult<void> result;
    {
        const std::lock_guard lock(impl.mutex);
        if (impl.closed) {
            return {};
        }
        if (!impl.readOnly) {
            result = impl.signCheckpoint();
        }
        impl.closed = true;
    }
    impl.wake.notify_all();
    if (impl.checkpointThread.joinable()) {
        impl.checkpointThread.join();
    }
    return result;
}

AuditResult<AuditPage> AuditLog::byRecord(std::string_view recordId, std::int64_t afterSequence,
                                          std::size_t limit) const {
    return m_impl->page(m_impl->byRecord.get(), recordId, afterSequence, limit);
}

AuditResult<AuditPage> AuditLog::byActor(std::string_view actorId, std::int64_t afterSequence,
                                         std::size_t limit) const {
    return m_impl->page(m_impl->byActor.get(), actorId, afterSequence, limit);
}

AuditResult<AuditPage> AuditLog::byActorNewestFirst(std::string_view actorId,
                                                    std::int64_t beforeSequence,
                                                    std::size_t limit) const {
    const auto before =
        beforeSequence > 0 ? beforeSequence : std::numeric_limits<std::int64_t>::max();
    return m_impl->page(m_impl->byActorDesc.get(), actorId, before, limit);
}

} // namespace tc::protocol

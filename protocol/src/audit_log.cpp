// AuditLog: appending chained entries, signing checkpoints, queries.

#include "audit_log_internal.hpp"
#include "openssl_handles.hpp"
#include "pg_connection.hpp"

#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <thread>

namespace tc::protocol {

using namespace detail; // openssl_handles.hpp

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

RawEntry rawEntry(std::int64_t sequence, std::int64_t atUnixMs, std::string role,
                  std::string actorId, std::string action, std::string recordId, std::string detail,
                  std::string_view prevHash, std::string_view hash) {
    RawEntry raw;
    auto& e = raw.entry;
    e.sequence = sequence;
    e.event.atUnixMs = atUnixMs;
    e.event.actorId = std::move(actorId);
    e.event.recordId = std::move(recordId);
    e.event.detailJson = std::move(detail);
    const auto prev = hashFromBytes(prevHash);
    const auto own = hashFromBytes(hash);
    raw.hashSizesOk = prev && own;
    e.prevHash = prev.value_or(AuditHash{});
    e.hash = own.value_or(AuditHash{});
    if (const auto known = roleFromString(role)) {
        e.event.actorRole = *known;
    }
    if (const auto known = auditActionFromWireName(action)) {
        e.event.action = *known;
    }
    raw.role = std::move(role);
    raw.action = std::move(action);
    return raw;
}

std::optional<AuditHash> hashFromBytes(std::string_view bytes) {
    AuditHash hash{};
    if (bytes.size() != hash.size()) {
        return std::nullopt;
    }
    std::copy(bytes.begin(), bytes.end(), hash.begin());
    return hash;
}

AuditHash hashOf(const RawEntry& raw, std::int64_t sequence) {
    const auto& e = raw.entry;
    return sha256(auditEntryEncoding(sequence, e.event.atUnixMs, raw.role, e.event.actorId,
                                     raw.action, e.event.recordId, e.event.detailJson, e.prevHash));
}

AuditResult<std::unique_ptr<Store>> openStore(const std::string& target, bool readOnly) {
    return detail::isPostgresUrl(target) ? openPgStore(target, readOnly)
                                         : openSqliteStore(target, readOnly);
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
    std::unique_ptr<audit::Store> store;
    bool readOnly = false;
    AuditLogOptions options;
    PkeyPtr key;
    std::string certificatePem;

    mutable std::mutex mutex; // every use of `store`
    bool closed = false;
    std::condition_variable wake;
    std::thread checkpointThread;

    // With `mutex` held.
    AuditResult<void> signCheckpoint() {
        auto current = store->head();
        if (!current) {
            return current.error();
        }
        auto signedUpTo = store->lastCheckpointSequence();
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
        std::string signature;
        bool ok = ctx &&
                  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
                  EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()) == 1;
        if (ok) {
            signature.resize(size);
            ok = EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()),
                                &size, message.data(), message.size()) == 1;
            signature.resize(size);
        }
        if (!ok) {
            ERR_clear_error();
            return auditFailure(AuditErrc::signingFailure,
                                "signing checkpoint " + std::to_string(sequence));
        }
        return store->insertCheckpoint(
            {sequence, std::string(hash.begin(), hash.end()), at, signature, certificatePem});
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

    AuditResult<AuditPage> page(audit::Query query, std::string_view value, std::int64_t cursor,
                                std::size_t limit) const {
        limit = std::clamp<std::size_t>(limit, 1, kMaxAuditPage);
        const std::lock_guard lock(mutex);
        // One more than asked: whether there is a next page.
        auto entries = store->query(query, value, cursor, limit + 1);
        if (!entries) {
            return entries.error();
        }
        AuditPage page;
        page.entries = std::move(*entries);
        if (page.entries.size() > limit) {
            page.entries.resize(limit);
            page.next = page.entries.back().sequence;
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

AuditResult<std::unique_ptr<AuditLog::Impl>> AuditLog::openImpl(const std::string& target,
                                                                bool readOnly) {
    auto store = audit::openStore(target, readOnly);
    if (!store) {
        return store.error();
    }
    auto impl = std::make_unique<AuditLog::Impl>();
    impl->store = std::move(*store);
    impl->readOnly = readOnly;
    return impl;
}

AuditResult<std::unique_ptr<AuditLog>>
AuditLog::open(const std::string& target, const Credentials& signer, AuditLogOptions options) {
    auto key = readPrivateKeyPem(signer.privateKeyPem);
    auto certificate = readCertificatePem(signer.certificatePem);
    if (!key || !certificate || X509_check_private_key(certificate.get(), key.get()) != 1) {
        ERR_clear_error();
        return auditFailure(AuditErrc::signingFailure,
                            "the key does not load or does not match the certificate");
    }
    auto impl = openImpl(target, false);
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

AuditResult<std::unique_ptr<AuditLog>> AuditLog::openReadOnly(const std::string& target) {
    auto impl = openImpl(target, true);
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
    auto& store = *impl.store;
    // The head is read inside the write transaction: no other writer can slip in between.
    if (auto begun = store.beginAppend(); !begun) {
        return begun.error();
    }
    const auto rollback = [&](AuditFailure failure) {
        store.rollbackAppend();
        return failure;
    };
    auto head = store.head();
    if (!head) {
        return rollback(head.error());
    }
    AuditEntry entry{head->first + 1, event, head->second, {}};
    entry.hash = auditEntryHash(entry);
    if (auto inserted = store.insertEntry(entry); !inserted) {
        return rollback(inserted.error());
    }
    if (auto committed = store.commitAppend(); !committed) {
        return rollback(committed.error());
    }
    const auto sequence = entry.sequence;
    // Durable now. A checkpoint that fails does not undo it; the next one covers it.
    auto signedUpTo = impl.store->lastCheckpointSequence();
    if (signedUpTo &&
        static_cast<std::uint64_t>(sequence - *signedUpTo) >= impl.options.checkpointEvery) {
        if (auto signedNow = impl.signCheckpoint(); !signedNow) {
            impl.reportThreadFailure(signedNow.error());
        }
    }
    return sequence;
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
    return m_impl->page(audit::Query::byRecord, recordId, afterSequence, limit);
}

AuditResult<AuditPage> AuditLog::byActor(std::string_view actorId, std::int64_t afterSequence,
                                         std::size_t limit) const {
    return m_impl->page(audit::Query::byActor, actorId, afterSequence, limit);
}

AuditResult<AuditPage> AuditLog::byActorNewestFirst(std::string_view actorId,
                                                    std::int64_t beforeSequence,
                                                    std::size_t limit) const {
    const auto before =
        beforeSequence > 0 ? beforeSequence : std::numeric_limits<std::int64_t>::max();
    return m_impl->page(audit::Query::byActorNewestFirst, actorId, before, limit);
}

} // namespace tc::protocol

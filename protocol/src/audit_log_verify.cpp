// verifyAuditLog: the chain of entries, then the checkpoints; the first problem by sequence.

#include "audit_log_internal.hpp"
#include "openssl_handles.hpp"

#include <map>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <unordered_map>

namespace tc::protocol {

using namespace detail;

namespace {

using StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;

std::string hashKey(const AuditHash& hash) {
    return std::string(hash.begin(), hash.end());
}

std::string seqText(std::int64_t sequence) {
    return "entry " + std::to_string(sequence);
}

// What the caller trusts: the deployment CA (checkpoints by any service certificate it issued)
// or one service certificate (pinned).
struct Trust {
    X509Ptr certificate;
    bool isCa = false;
};

AuditResult<Trust> loadTrust(const std::string& pem) {
    Trust trust;
    trust.certificate = readCertificatePem(pem);
    if (!trust.certificate) {
        ERR_clear_error();
        return auditFailure(AuditErrc::trustUnreadable, "not a PEM certificate");
    }
    trust.isCa = X509_check_ca(trust.certificate.get()) > 0;
    return trust;
}

// Every entry's place: what each hash and each previous hash point at, and the order the chain
// itself gives (following previous hashes from entry 1), whatever the sequence column says.
// Built only once something is wrong.
struct ChainIndex {
    std::unordered_map<std::string, std::int64_t> byHash; // stored hash -> sequence
    std::map<std::int64_t, std::int64_t> writtenAs;       // sequence -> place in the chain

    static AuditResult<ChainIndex> build(sqlite3* db) {
        ChainIndex index;
        auto s = prepareStatement(db, "SELECT sequence, prev_hash, hash FROM entries");
        if (!s) {
            return audit::storageError(db, "chain index");
        }
        std::unordered_map<std::string, std::int64_t> byPrev;
        std::unordered_map<std::int64_t, std::string> hashOf;
        int stepped = SQLITE_ROW;
        while ((stepped = sqlite3_step(s.get())) == SQLITE_ROW) {
            const auto sequence = sqlite3_column_int64(s.get(), 0);
            const auto prev = columnText(s.get(), 1);
            const auto hash = columnText(s.get(), 2);
            index.byHash.emplace(hash, sequence);
            byPrev.emplace(prev, sequence);
            hashOf.emplace(sequence, hash);
        }
        if (stepped != SQLITE_DONE) {
            return audit::storageError(db, "chain index");
        }
        // From the entry whose previous hash is zeros, follow the links; bounded by the count
        // so that a loop built by hand ends.
        std::string link = hashKey(AuditHash{});
        for (std::int64_t place = 1; place <= static_cast<std::int64_t>(hashOf.size()); ++place) {
            const auto next = byPrev.find(link);
            if (next == byPrev.end() || index.writtenAs.contains(next->second)) {
                break;
            }
            index.writtenAs.emplace(next->second, place);
            link = hashOf[next->second];
        }
        return index;
    }

    bool stored(const AuditHash& hash) const { return byHash.contains(hashKey(hash)); }
};

// Entry `raw`, at its sequence, does not hash to its stored hash.
AuditFailure classifyMismatch(sqlite3* db, const audit::RawEntry& raw) {
    const auto s = raw.entry.sequence;
    auto index = ChainIndex::build(db);
    if (!index) {
        return index.error();
    }
    const auto at = index->writtenAs.find(s);
    if (at != index->writtenAs.end() && at->second != s &&
        audit::hashOf(raw, at->second) == raw.entry.hash) {
        return auditFailure(
            AuditErrc::reordered,
            seqText(s) + " holds what was written as entry " + std::to_string(at->second), s);
    }
    // Renumbered after a removal, or moved: its content verifies under a nearby sequence.
    for (std::int64_t d = 1; d <= 64; ++d) {
        for (const auto t : {s + d, s - d}) {
            if (t < 1 || audit::hashOf(raw, t) != raw.entry.hash) {
                continue;
            }
            if (t > s && !index->stored(raw.entry.prevHash)) {
                return auditFailure(AuditErrc::removed,
                                    "entries before " + seqText(s) +
                                        " were removed and the rest renumbered: it was written "
                                        "as entry " +
                                        std::to_string(t),
                                    s);
            }
            return auditFailure(
                AuditErrc::reordered,
                seqText(s) + " holds what was written as entry " + std::to_string(t), s);
        }
    }
    return auditFailure(AuditErrc::changed, seqText(s) + ": its hash does not match its content",
                        s);
}

// Entry `raw` hashes right but does not link to the entry before it, `previous`.
AuditFailure classifyBreak(sqlite3* db, const audit::RawEntry& raw, std::int64_t previous) {
    const auto s = raw.entry.sequence;
    auto index = ChainIndex::build(db);
    if (!index) {
        return index.error();
    }
    const auto linked = index->byHash.find(hashKey(raw.entry.prevHash));
    if (linked != index->byHash.end() && linked->second != previous) {
        return auditFailure(AuditErrc::reordered,
                            seqText(s) + " links to entry " + std::to_string(linked->second) +
                                ", not to entry " + std::to_string(previous),
                            s);
    }
    if (previous == 0) {
        return auditFailure(AuditErrc::changed, "entry 1 does not start the chain", s);
    }
    return auditFailure(AuditErrc::changed,
                        seqText(previous) + " was changed and its hash recomputed: entry " +
                            std::to_string(s) + " still links to the hash it had",
                        previous);
}

// Entry `expected` is not in the log (the next one is `found`, or none: 0).
AuditFailure classifyGap(sqlite3* db, std::int64_t expected, std::int64_t found) {
    auto index = ChainIndex::build(db);
    if (!index) {
        return index.error();
    }
    for (const auto& [sequence, place] : index->writtenAs) {
        if (place == expected && sequence != expected) {
            return auditFailure(
                AuditErrc::reordered,
                seqText(expected) + " was moved to sequence " + std::to_string(sequence), expected);
        }
    }
    return auditFailure(AuditErrc::removed,
                        found == expected + 1 ? seqText(expected) + " is missing"
                                              : "entries " + std::to_string(expected) + " to " +
                                                    std::to_string(found - 1) + " are missing",
                        expected);
}

std::optional<AuditFailure> walkEntries(sqlite3* db, AuditVerification& summary) {
    const std::string sql =
        std::string("SELECT ") + audit::kEntryColumns + " FROM entries ORDER BY sequence";
    auto s = prepareStatement(db, sql.c_str());
    if (!s) {
        return audit::storageError(db, "entries");
    }
    std::int64_t previous = 0;
    AuditHash previousHash{};
    int stepped = SQLITE_ROW;
    while ((stepped = sqlite3_step(s.get())) == SQLITE_ROW) {
        const auto raw = audit::readEntry(s.get());
        const auto sequence = raw.entry.sequence;
        if (sequence != previous + 1) {
            return classifyGap(db, previous + 1, sequence);
        }
        if (!raw.hashSizesOk) {
            return auditFailure(AuditErrc::changed, seqText(sequence) + ": a hash is not 32 bytes",
                                sequence);
        }
        if (audit::hashOf(raw, sequence) != raw.entry.hash) {
            return classifyMismatch(db, raw);
        }
        if (raw.entry.prevHash != previousHash) {
            return classifyBreak(db, raw, previous);
        }
        previous = sequence;
        previousHash = raw.entry.hash;
    }
    if (stepped != SQLITE_DONE) {
        return audit::storageError(db, "entries");
    }
    summary.entries = previous;
    summary.head = previousHash;
    return std::nullopt;
}

// Whether `trust` vouches for `signer` at `atUnixMs`; the failure says why not.
std::optional<AuditFailure> checkSigner(const Trust& trust, X509* signer, std::int64_t atUnixMs,
                                        std::int64_t sequence) {
    const auto checkpoint = "checkpoint at " + seqText(sequence);
    if (!trust.isCa) {
        if (X509_cmp(signer, trust.certificate.get()) != 0) {
            return auditFailure(AuditErrc::untrustedSigner,
                                checkpoint + ": signed by another certificate than the service's",
                                sequence);
        }
        return std::nullopt;
    }
    StorePtr store(X509_STORE_new());
    StoreCtxPtr context(X509_STORE_CTX_new());
    bool chained = store && context &&
                   X509_STORE_add_cert(store.get(), trust.certificate.get()) == 1 &&
                   X509_STORE_CTX_init(context.get(), store.get(), signer, nullptr) == 1;
    if (chained) {
        // Valid when it signed: a service certificate that expired since does not void the
        // checkpoints it made.
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(context.get()),
                                   static_cast<time_t>(atUnixMs / 1000));
        chained = X509_verify_cert(context.get()) == 1;
    }
    ERR_clear_error();
    if (!chained || (X509_get_key_usage(signer) & KU_DIGITAL_SIGNATURE) == 0) {
        return auditFailure(AuditErrc::untrustedSigner,
                            checkpoint + ": its certificate does not chain to the CA", sequence);
    }
    const auto identity = identityFromCertificate(signer);
    if (!identity || identity->role != Role::service) {
        return auditFailure(
            AuditErrc::signerNotService,
            checkpoint + ": signed by " +
                (identity ? std::string(toString(identity->role)) + " " + identity->identifier
                          : std::string("a certificate without an identity")),
            sequence);
    }
    return std::nullopt;
}

std::optional<AuditFailure> walkCheckpoints(sqlite3* db, const Trust& trust,
                                            AuditVerification& summary) {
    std::int64_t lastEntry = 0;
    {
        auto last = prepareStatement(db, "SELECT coalesce(max(sequence), 0) FROM entries");
        if (!last || sqlite3_step(last.get()) != SQLITE_ROW) {
            return audit::storageError(db, "last entry");
        }
        lastEntry = sqlite3_column_int64(last.get(), 0);
    }
    auto s = prepareStatement(db, "SELECT sequence, hash, signed_at_unix_ms, signature, "
                                  "certificate FROM checkpoints ORDER BY sequence");
    auto entry = prepareStatement(db, "SELECT hash FROM entries WHERE sequence = ?");
    if (!s || !entry) {
        return audit::storageError(db, "checkpoints");
    }
    int stepped = SQLITE_ROW;
    while ((stepped = sqlite3_step(s.get())) == SQLITE_ROW) {
        const auto sequence = sqlite3_column_int64(s.get(), 0);
        const auto hashBytes = columnText(s.get(), 1);
        const auto signedAt = sqlite3_column_int64(s.get(), 2);
        const auto signature = columnText(s.get(), 3);
        const auto certificate = readCertificatePem(columnText(s.get(), 4));
        const auto checkpoint = "checkpoint at " + seqText(sequence);
        if (!certificate) {
            ERR_clear_error();
            return auditFailure(AuditErrc::untrustedSigner,
                                checkpoint + ": its certificate does not parse", sequence);
        }
        if (auto problem = checkSigner(trust, certificate.get(), signedAt, sequence)) {
            return problem;
        }
        AuditHash hash{};
        bool verified = hashBytes.size() == hash.size();
        if (verified) {
            std::copy(hashBytes.begin(), hashBytes.end(), hash.begin());
            const auto message = audit::checkpointMessage(sequence, hash, signedAt);
            MdCtxPtr ctx(EVP_MD_CTX_new());
            verified = ctx &&
                       EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                                            X509_get0_pubkey(certificate.get())) == 1 &&
                       EVP_DigestVerify(ctx.get(),
                                        reinterpret_cast<const unsigned char*>(signature.data()),
                                        signature.size(), message.data(), message.size()) == 1;
            ERR_clear_error();
        }
        if (!verified) {
            return auditFailure(AuditErrc::badCheckpointSignature,
                                checkpoint + ": the signature does not verify", sequence);
        }
        sqlite3_reset(entry.get());
        sqlite3_bind_int64(entry.get(), 1, sequence);
        const int found = sqlite3_step(entry.get());
        if (found == SQLITE_DONE && sequence > lastEntry) {
            return auditFailure(AuditErrc::removed,
                                "the log ends at entry " + std::to_string(lastEntry) + ", the " +
                                    checkpoint + " signed more: entries " +
                                    std::to_string(lastEntry + 1) + " to " +
                                    std::to_string(sequence) + " were removed",
                                lastEntry + 1);
        }
        if (found == SQLITE_DONE) {
            return auditFailure(AuditErrc::removed,
                                checkpoint + " signed it, and it is no longer in the log",
                                sequence);
        }
        if (found != SQLITE_ROW) {
            return audit::storageError(db, "checkpoint entry");
        }
        if (columnText(entry.get(), 0) != hashBytes) {
            return auditFailure(AuditErrc::changed,
                                seqText(sequence) +
                                    " no longer has the hash its checkpoint signed: the chain "
                                    "was rewritten up to it",
                                sequence);
        }
        ++summary.checkpoints;
        summary.lastCheckpointSequence = sequence;
    }
    if (stepped != SQLITE_DONE) {
        return audit::storageError(db, "checkpoints");
    }
    return std::nullopt;
}

} // namespace

AuditResult<AuditVerification> verifyAuditLog(const std::filesystem::path& file,
                                              const std::string& trustPem) {
    auto trust = loadTrust(trustPem);
    if (!trust) {
        return trust.error();
    }
    auto db = audit::openDatabase(file, true);
    if (!db) {
        return db.error();
    }
    AuditVerification summary;
    const auto entries = walkEntries(db->get(), summary);
    const auto checkpoints = walkCheckpoints(db->get(), *trust, summary);
    const auto isStorage = [](const std::optional<AuditFailure>& f) {
        return f && (f->code == make_error_code(AuditErrc::storageFailure) ||
                     f->code == make_error_code(AuditErrc::notAnAuditLog));
    };
    if (isStorage(entries)) {
        return *entries;
    }
    if (isStorage(checkpoints)) {
        return *checkpoints;
    }
    // The first problem by sequence; at the same sequence, the entry's own.
    if (entries && (!checkpoints || entries->sequence <= checkpoints->sequence)) {
        return *entries;
    }
    if (checkpoints) {
        return *checkpoints;
    }
    summary.entriesAfterLastCheckpoint = summary.entries - summary.lastCheckpointSequence;
    return summary;
}

} // namespace tc::protocol

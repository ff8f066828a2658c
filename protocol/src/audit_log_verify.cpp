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

    static AuditResult<ChainIndex> build(audit::Store& store) {
        ChainIndex index;
        auto links = store.links();
        if (!links) {
            return links.error();
        }
        std::unordered_map<std::string, std::int64_t> byPrev;
        std::unordered_map<std::int64_t, std::string> hashOf;
        for (auto& link : *links) {
            index.byHash.emplace(link.hash, link.sequence);
            byPrev.emplace(std::move(link.prevHash), link.sequence);
            hashOf.emplace(link.sequence, std::move(link.hash));
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
AuditFailure classifyMismatch(audit::Store& store, const audit::RawEntry& raw) {
    const auto s = raw.entry.sequence;
    auto index = ChainIndex::build(store);
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
AuditFailure classifyBreak(audit::Store& store, const audit::RawEntry& raw, std::int64_t previous) {
    const auto s = raw.entry.sequence;
    auto index = ChainIndex::build(store);
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
AuditFailure classifyGap(audit::Store& store, std::int64_t expected, std::int64_t found) {
    auto index = ChainIndex::build(store);
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

std::optional<AuditFailure> walkEntries(audit::Store& store, AuditVerification& summary) {
    std::int64_t previous = 0;
    AuditHash previousHash{};
    std::optional<AuditFailure> problem;
    // The first problem ends the walk: what `visit` returns.
    const auto check = [&](const audit::RawEntry& raw) -> std::optional<AuditFailure> {
        const auto sequence = raw.entry.sequence;
        if (sequence != previous + 1) {
            return classifyGap(store, previous + 1, sequence);
        }
        if (!raw.hashSizesOk) {
            return auditFailure(AuditErrc::changed, seqText(sequence) + ": a hash is not 32 bytes",
                                sequence);
        }
        if (audit::hashOf(raw, sequence) != raw.entry.hash) {
            return classifyMismatch(store, raw);
        }
        if (raw.entry.prevHash != previousHash) {
            return classifyBreak(store, raw, previous);
        }
        previous = sequence;
        previousHash = raw.entry.hash;
        return std::nullopt;
    };
    auto walked = store.forEachEntry([&](const audit::RawEntry& raw) {
        problem = check(raw);
        return !problem;
    });
    if (!walked) {
        return walked.error();
    }
    if (problem) {
        return problem;
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

// Checkpoint `c`: its signer, its signature, and the entry it signed, still there and unchanged.
std::optional<AuditFailure> checkCheckpoint(audit::Store& store, const Trust& trust,
                                            const audit::StoredCheckpoint& c,
                                            std::int64_t lastEntry) {
    const auto sequence = c.sequence;
    const auto certificate = readCertificatePem(c.certificatePem);
    const auto checkpoint = "checkpoint at " + seqText(sequence);
    if (!certificate) {
        ERR_clear_error();
        return auditFailure(AuditErrc::untrustedSigner,
                            checkpoint + ": its certificate does not parse", sequence);
    }
    if (auto problem = checkSigner(trust, certificate.get(), c.signedAtUnixMs, sequence)) {
        return problem;
    }
    bool verified = false;
    if (const auto hash = audit::hashFromBytes(c.hash)) {
        const auto message = audit::checkpointMessage(sequence, *hash, c.signedAtUnixMs);
        MdCtxPtr ctx(EVP_MD_CTX_new());
        verified =
            ctx &&
            EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                                 X509_get0_pubkey(certificate.get())) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(c.signature.data()),
                             c.signature.size(), message.data(), message.size()) == 1;
        ERR_clear_error();
    }
    if (!verified) {
        return auditFailure(AuditErrc::badCheckpointSignature,
                            checkpoint + ": the signature does not verify", sequence);
    }
    auto stored = store.entryHash(sequence);
    if (!stored) {
        return stored.error();
    }
    if (!*stored && sequence > lastEntry) {
        return auditFailure(AuditErrc::removed,
                            "the log ends at entry " + std::to_string(lastEntry) + ", the " +
                                checkpoint + " signed more: entries " +
                                std::to_string(lastEntry + 1) + " to " + std::to_string(sequence) +
                                " were removed",
                            lastEntry + 1);
    }
    if (!*stored) {
        return auditFailure(AuditErrc::removed,
                            checkpoint + " signed it, and it is no longer in the log", sequence);
    }
    if (**stored != c.hash) {
        return auditFailure(AuditErrc::changed,
                            seqText(sequence) +
                                " no longer has the hash its checkpoint signed: the chain "
                                "was rewritten up to it",
                            sequence);
    }
    return std::nullopt;
}

std::optional<AuditFailure> walkCheckpoints(audit::Store& store, const Trust& trust,
                                            AuditVerification& summary) {
    // The highest sequence, whatever the chain: a checkpoint beyond it signed removed entries.
    auto head = store.head();
    if (!head) {
        return head.error();
    }
    const auto lastEntry = head->first;
    std::optional<AuditFailure> problem;
    auto walked = store.forEachCheckpoint([&](const audit::StoredCheckpoint& c) {
        problem = checkCheckpoint(store, trust, c, lastEntry);
        if (!problem) {
            ++summary.checkpoints;
            summary.lastCheckpointSequence = c.sequence;
        }
        return !problem;
    });
    if (!walked) {
        return walked.error();
    }
    return problem;
}

} // namespace

AuditResult<AuditVerification> verifyAuditLog(const std::string& target,
                                              const std::string& trustPem) {
    auto trust = loadTrust(trustPem);
    if (!trust) {
        return trust.error();
    }
    auto store = audit::openStore(target, true);
    if (!store) {
        return store.error();
    }
    if (auto reading = (*store)->beginRead(); !reading) {
        return reading.error();
    }
    AuditVerification summary;
    const auto entries = walkEntries(**store, summary);
    const auto checkpoints = walkCheckpoints(**store, *trust, summary);
    (*store)->endRead();
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

#pragma once
// Fixtures of the audit log tests: a CA and service made at test time, a log file in a temp
// directory, sample events, and the intruder's tools: SQL on the file, entries rewritten with
// their hashes recomputed, checkpoints re-signed with another key (an implementation of the
// checkpoint format of its own, from protocol/README.md).

#include "support/catch_result.hpp"
#include "support/eventually.hpp"
#include "support/test_support.hpp"
#include "support/tls_test_peer.hpp"
#include "tc/protocol/audit_log.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <memory>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <sqlite3.h>
#include <string>
#include <vector>

namespace tc::test::audit {

using namespace std::chrono_literals;

inline constexpr const char* kCoordinator = "20000000004";
inline constexpr const char* kDoctor = "10101234567";

template <class T> std::string keyOf(const protocol::AuditResult<T>& result) {
    return failureKey<protocol::AuditErrc>(result, protocol::auditCategory());
}

// Odd sequences a coordinator, even ones a doctor; records R-1 to R-5 in turn.
inline protocol::AuditEvent sampleEvent(int n) {
    protocol::AuditEvent event;
    event.atUnixMs = 1'780'000'000'000 + n * 1000LL;
    const bool coordinator = n % 2 == 1;
    event.actorRole = coordinator ? protocol::Role::coordinator : protocol::Role::doctor;
    event.actorId = coordinator ? kCoordinator : kDoctor;
    event.action = n % 3 == 0 ? protocol::AuditAction::play : protocol::AuditAction::open;
    event.recordId = "R-" + std::to_string((n - 1) % 5 + 1);
    event.detailJson =
        n % 3 == 0 ? R"({"file":"steth-aortic-1.flac"})" : R"({"file":"report/compte-rendu.pdf"})";
    return event;
}

inline void appendSample(protocol::AuditLog& log, int count) {
    for (int n = 1; n <= count; ++n) {
        auto appended = log.append(sampleEvent(n));
        INFO("append " << n << ": " << keyOf(appended));
        REQUIRE(appended);
    }
}

struct AuditFixture {
    TestPki pki;
    std::string caPem = pki.ca.certificatePem();
    TempDir temp;
    std::filesystem::path file = temp.path() / "audit.sqlite";

    std::unique_ptr<protocol::AuditLog> open(protocol::AuditLogOptions options = {}) const {
        auto log = protocol::AuditLog::open(file, pki.service, std::move(options));
        INFO("open: " << keyOf(log));
        REQUIRE(log);
        return std::move(*log);
    }
    // A closed log of `count` sample entries, a checkpoint every `every`.
    void write(int count, std::uint64_t every) const {
        auto log = open({.checkpointEvery = every});
        appendSample(*log, count);
        REQUIRE(log->close());
    }
};

struct Db {
    sqlite3* db = nullptr;
    bool ok = false;
    // Never creates the file: a test polling for it must not make it first.
    explicit Db(const std::filesystem::path& file, bool required = true) {
        ok = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK;
        if (required) {
            REQUIRE(ok);
        }
    }
    ~Db() { sqlite3_close(db); }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
};

inline void sql(const std::filesystem::path& file, const std::string& statements) {
    Db db(file);
    char* error = nullptr;
    const int rc = sqlite3_exec(db.db, statements.c_str(), nullptr, nullptr, &error);
    INFO(statements << ": " << (error ? error : ""));
    sqlite3_free(error);
    REQUIRE(rc == SQLITE_OK);
}

// The query's first value; -1 when there is none, or the file or its tables are not there
// (yet).
inline std::int64_t scalar(const std::filesystem::path& file, const std::string& query) {
    Db db(file, false);
    sqlite3_stmt* s = nullptr;
    if (!db.ok || sqlite3_prepare_v2(db.db, query.c_str(), -1, &s, nullptr) != SQLITE_OK) {
        return -1;
    }
    const auto value = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    return value;
}

inline std::int64_t checkpointCount(const std::filesystem::path& file) {
    return scalar(file, "SELECT count(*) FROM checkpoints");
}
inline std::int64_t lastCheckpoint(const std::filesystem::path& file) {
    return scalar(file, "SELECT coalesce(max(sequence), 0) FROM checkpoints");
}

using Blob = std::vector<std::uint8_t>;

inline Blob blobColumn(sqlite3_stmt* s, int column) {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, column));
    return Blob(data, data + sqlite3_column_bytes(s, column));
}

inline std::string textColumn(sqlite3_stmt* s, int column) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
    return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, column)))
                : std::string();
}

// Sets `column` of entry `sequence` to `value`, then recomputes the hash of that entry and, if
// `relink`, every later entry's link and hash: what an intruder who read the format does.
inline void rewrite(const std::filesystem::path& file, std::int64_t sequence,
                    const std::string& column, const std::string& value, bool relink) {
    sql(file, "UPDATE entries SET " + column + " = '" + value +
                  "' WHERE sequence = " + std::to_string(sequence));
    Db db(file);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db.db,
                               "SELECT sequence, at_unix_ms, actor_role, actor_id, action, "
                               "record_id, detail, prev_hash FROM entries WHERE sequence >= ? "
                               "ORDER BY sequence",
                               -1, &s, nullptr) == SQLITE_OK);
    sqlite3_bind_int64(s, 1, sequence);
    struct Row {
        std::int64_t sequence;
        Blob hash;
        Blob prev;
    };
    std::vector<Row> rows;
    Blob previous;
    while (sqlite3_step(s) == SQLITE_ROW) {
        protocol::AuditHash prev{};
        const auto stored = blobColumn(s, 7);
        const auto& link = rows.empty() ? stored : previous;
        std::copy(link.begin(), link.end(), prev.begin());
        const auto encoding = protocol::auditEntryEncoding(
            sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), textColumn(s, 2),
            textColumn(s, 3), textColumn(s, 4), textColumn(s, 5), textColumn(s, 6), prev);
        Blob hash(32);
        SHA256(encoding.data(), encoding.size(), hash.data());
        rows.push_back({sqlite3_column_int64(s, 0), hash, Blob(prev.begin(), prev.end())});
        previous = hash;
        if (!relink) {
            break;
        }
    }
    sqlite3_finalize(s);
    for (const auto& row : rows) {
        sqlite3_stmt* u = nullptr;
        REQUIRE(sqlite3_prepare_v2(db.db,
                                   "UPDATE entries SET hash = ?, prev_hash = ? WHERE sequence = ?",
                                   -1, &u, nullptr) == SQLITE_OK);
        sqlite3_bind_blob(u, 1, row.hash.data(), 32, SQLITE_TRANSIENT);
        sqlite3_bind_blob(u, 2, row.prev.data(), 32, SQLITE_TRANSIENT);
        sqlite3_bind_int64(u, 3, row.sequence);
        REQUIRE(sqlite3_step(u) == SQLITE_DONE);
        sqlite3_finalize(u);
    }
}

inline void rewriteEntry(const std::filesystem::path& file, std::int64_t sequence,
                         const std::string& column, const std::string& value) {
    rewrite(file, sequence, column, value, false);
}
inline void rewriteChain(const std::filesystem::path& file, std::int64_t from,
                         const std::string& column, const std::string& value) {
    rewrite(file, from, column, value, true);
}

// Rows a and b trade places: each now sits at the other's sequence.
inline void swapEntries(const std::filesystem::path& file, std::int64_t a, std::int64_t b) {
    const auto A = std::to_string(a);
    const auto B = std::to_string(b);
    sql(file, "UPDATE entries SET sequence = -1 WHERE sequence = " + A +
                  "; UPDATE entries SET sequence = " + A + " WHERE sequence = " + B +
                  "; UPDATE entries SET sequence = " + B + " WHERE sequence = -1");
}

inline void flipSignatureByte(const std::filesystem::path& file, std::int64_t sequence) {
    Db db(file);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db.db, "SELECT signature FROM checkpoints WHERE sequence = ?", -1,
                               &s, nullptr) == SQLITE_OK);
    sqlite3_bind_int64(s, 1, sequence);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    auto signature = blobColumn(s, 0);
    sqlite3_finalize(s);
    REQUIRE(signature.size() > 40);
    signature[signature.size() - 5] ^= 0x01; // inside s of the ECDSA (r, s): still valid DER
    REQUIRE(sqlite3_prepare_v2(db.db, "UPDATE checkpoints SET signature = ? WHERE sequence = ?", -1,
                               &s, nullptr) == SQLITE_OK);
    sqlite3_bind_blob(s, 1, signature.data(), static_cast<int>(signature.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, sequence);
    REQUIRE(sqlite3_step(s) == SQLITE_DONE);
    sqlite3_finalize(s);
}

// The checkpoint of `sequence` signed again, its certificate replaced: the format from the
// README (tag, NUL, sequence and time big-endian, hash), SHA-256 with the signer's key.
inline void resignCheckpoint(const std::filesystem::path& file, std::int64_t sequence,
                             const protocol::Credentials& signer) {
    Db db(file);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db.db,
                               "SELECT hash, signed_at_unix_ms FROM checkpoints WHERE sequence = ?",
                               -1, &s, nullptr) == SQLITE_OK);
    sqlite3_bind_int64(s, 1, sequence);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    const auto hash = blobColumn(s, 0);
    const auto signedAt = sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    const std::string tag = "telecabine.audit.checkpoint/1";
    Blob message(tag.begin(), tag.end());
    message.push_back(0);
    const auto bigEndian = [&](std::uint64_t v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            message.push_back(static_cast<std::uint8_t>(v >> shift));
        }
    };
    bigEndian(static_cast<std::uint64_t>(sequence));
    message.insert(message.end(), hash.begin(), hash.end());
    bigEndian(static_cast<std::uint64_t>(signedAt));

    BIO* bio =
        BIO_new_mem_buf(signer.privateKeyPem.data(), static_cast<int>(signer.privateKeyPem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    REQUIRE(key != nullptr);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t size = 0;
    REQUIRE(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1);
    REQUIRE(EVP_DigestSign(ctx, nullptr, &size, message.data(), message.size()) == 1);
    Blob signature(size);
    REQUIRE(EVP_DigestSign(ctx, signature.data(), &size, message.data(), message.size()) == 1);
    signature.resize(size);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);

    sqlite3_stmt* u = nullptr;
    REQUIRE(sqlite3_prepare_v2(db.db,
                               "UPDATE checkpoints SET signature = ?, certificate = ? "
                               "WHERE sequence = ?",
                               -1, &u, nullptr) == SQLITE_OK);
    sqlite3_bind_blob(u, 1, signature.data(), static_cast<int>(signature.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(u, 2, signer.certificatePem.data(),
                      static_cast<int>(signer.certificatePem.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(u, 3, sequence);
    REQUIRE(sqlite3_step(u) == SQLITE_DONE);
    sqlite3_finalize(u);
}

inline void expectProblem(const AuditFixture& fx, protocol::AuditErrc code, std::int64_t sequence) {
    const auto verified = protocol::verifyAuditLog(fx.file, fx.caPem);
    REQUIRE(!verified);
    INFO(verified.error().message());
    CHECK(keyOf(verified) == protocol::wireName(code));
    CHECK(verified.error().sequence == sequence);
}

inline std::string hex(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (const auto b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

// What a command prints on stdout, and its exit status.
struct Ran {
    int status = -1;
    std::string out;
};

inline Ran runCapture(const std::string& command) {
    Ran ran;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        ran.out.append(buffer, n);
    }
    const int status = ::pclose(pipe);
    ran.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return ran;
}

inline std::string opensslSha256(const std::filesystem::path& file) {
    const auto ran = runCapture("openssl dgst -sha256 -r '" + file.string() + "'");
    REQUIRE(ran.status == 0);
    return ran.out.substr(0, 64);
}

template <class Pred> bool eventually(Pred done, std::chrono::milliseconds limit) {
    return pollUntil(done, limit, 20ms);
}

} // namespace tc::test::audit
